#!/usr/bin/env bash
# The lag benchmark: the local DR run at 10 volumes (1 GiB each, 20 MiB written, then about 7.5 MiB changed
# on each) and at 100 volumes (1 GiB each, 4 MiB written, then about 1.5 MiB changed on each), each on a fresh
# stack, two backups (the second a diff) and a restore of all PVCs; prints each run's report, then one table of
# both cases' diff backups and restores. Builds Ferry first (skip with --no-build); other options go to both runs.
# Reports: target/lag-bench/<time>/{10,100}.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

out="target/lag-bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
disks() { local list; list=$(printf '1,%.0s' $(seq "$1")); echo "${list%,}"; }

deploy/local-dr-run.sh "$@" --disk-gib "$(disks 10)" --data-mib 200 --change-percent 50 --report-json "$out/10.json"
args=()
for arg in "$@"; do [[ "$arg" == "--no-build" ]] || args+=("$arg"); done
deploy/local-dr-run.sh --no-build --disk-gib "$(disks 100)" --data-mib 400 --change-percent 50 --timeout-minutes 30 \
  --report-json "$out/100.json" "${args[@]+"${args[@]}"}"
java -cp "e2e/target/classes:e2e/target/lib/*" dev.ferry.e2e.LagBench "$out/10.json" "$out/100.json"
