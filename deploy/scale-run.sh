#!/usr/bin/env bash
# The scale run (a benchmark): many applications backed up at once through the local stand-ins, within
# Resource Manager's own request budgets, every volume followed to region B, every namespace restored and
# checked; prints the time beyond the data copy, ARM writes per volume and each service's peak RSS and CPU.
# Builds Ferry first (skip with --no-build), as the local DR run does. Other options go to the run:
# --namespaces N (50), --pvcs N (10), --mib N per volume (2), --strategies A,B (copy-start,vhd-incremental),
# --timeout-minutes N (30), --set service:key=value,...
set -euo pipefail
FERRY_E2E_MAIN=dev.ferry.e2e.ScaleRun exec "$(dirname "$0")/local-dr-run.sh" "$@"
