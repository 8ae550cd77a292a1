#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) need: Debian's chromium, and npm (the slide decks'
# and the website's offline assets come from the npm registry), if missing.
# Playwright itself is a pip package (requirements-test.txt); its own browser download is not used.
set -euo pipefail
missing=()
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    echo "browser_setup: $(chromium --version 2>/dev/null || echo /usr/bin/chromium) already installed"
else
    missing+=(chromium)
fi
if command -v npm >/dev/null 2>&1; then
    echo "browser_setup: npm $(npm --version) already installed"
else
    missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "browser_setup: installed ${missing[*]}"
