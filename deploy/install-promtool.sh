#!/usr/bin/env bash
# Debian's prometheus package, for its promtool, which MonitoringTest runs on deploy/monitoring's alerts (promtool
# check rules, promtool test rules). Installed by the build (generate-test-resources) when missing, as e2e's
# install-chromium.sh installs Chromium. Argument: Maven's skipTests (nothing to do when true). Installing needs root
# (CI runs as root); without it this only says what to run, and MonitoringTest fails with the same words.
set -euo pipefail
if [ "${1:-false}" = "true" ]; then
  exit 0
fi
if command -v "${PROMTOOL:-promtool}" > /dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[WARNING] MonitoringTest needs promtool: sudo apt-get install prometheus (or its path in \$PROMTOOL)" >&2
  exit 0
fi
echo "Installing Debian's prometheus package for its promtool (MonitoringTest)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus > /dev/null
