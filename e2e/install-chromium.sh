#!/usr/bin/env bash
# Debian's headless Chromium and its WebDriver for DashboardIT, installed by the build (pre-integration-test)
# when missing, as npm installs Azurite. Arguments: Maven's skipTests and skipITs (nothing to do when either is
# true). Installing needs root (CI runs as root); without it this only says what to run, and DashboardIT fails
# with the same words.
set -euo pipefail
if [ "${1:-false}" = "true" ] || [ "${2:-false}" = "true" ]; then
  exit 0
fi
if command -v chromium > /dev/null && command -v chromedriver > /dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[WARNING] DashboardIT needs Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
  exit 0
fi
echo "Installing Debian's chromium and chromium-driver for DashboardIT"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver > /dev/null
