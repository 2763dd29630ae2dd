#!/usr/bin/env bash
# The scale run (a benchmark): many applications backed up at once through the local stand-ins, within
# Resource Manager's own request budgets, every volume followed to region B, every namespace restored and
# checked; prints the time beyond the data copy, ARM writes per volume and each service's peak RSS and CPU.
# Builds Ferry first (skip with --no-build). Other options go to the run: --namespaces N (50), --pvcs N (10),
# --mib N per volume (2), --strategies A,B (copy-start,vhd-incremental), --timeout-minutes N (30).
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

exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "e2e/target/classes:e2e/target/lib/*" dev.ferry.e2e.ScaleRun "${args[@]}"
