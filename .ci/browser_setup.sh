#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) drive: Debian's chromium, if it is missing.
# Playwright itself is a pip package (requirements.txt); its own browser download is not used.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    echo "browser_setup: $(chromium --version 2>/dev/null || echo /usr/bin/chromium) already installed"
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
echo "browser_setup: installed $(chromium --version)"
