#!/usr/bin/env bash
# The local DR run: builds Ferry (skip with --no-build), then starts the local stand-ins and the four
# services, backs up a demo application to region B, restores it on the DR cluster, checks the bytes
# and prints the report. Other options go to the run: --data-mib N, --disk-gib A,B, --faults SPEC,
# --timeout-minutes N. Exits non-zero when a check fails. Logs: target/local-dr-run/<time>/logs.
# FERRY_E2E_MAIN names another of e2e's mains to run the same way (deploy/scale-run.sh does).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

build=1
args=()
for arg in "$@"; do
  if [[ "$arg" == "--no-build" ]]; then build=0; else args+=("$arg"); fi
done
if (( build )); then
  echo "building Ferry (./mvnw install -DskipTests) ..."
  ./mvnw -q -B -ntp install -DskipTests
fi

# JBoss LogManager (on the local cloud's class path) wants to own java.util.logging from the start.
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "e2e/target/classes:e2e/target/lib/*" "${FERRY_E2E_MAIN:-dev.ferry.e2e.LocalDrRun}" "${args[@]}"
