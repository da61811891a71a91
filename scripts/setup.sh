#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: system packages (when root), the
# virtualenv and the Python requirements. Safe to run again: it skips what is already done.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
REQUIREMENTS=${1:-requirements.txt}

# System packages AidFlow needs at run time (CJK font for notices, PDF tools) and for the browser
# tests (chromium). Installed only when missing and only when we are root; otherwise say what to do.
APT_PACKAGES=(fonts-noto-cjk poppler-utils)
if [ "$REQUIREMENTS" = "requirements-dev.txt" ]; then
  APT_PACKAGES+=(chromium chromium-driver gettext)
fi
missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Warning: missing system packages: ${missing[*]}" >&2
    echo "         install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when the requirement files change.
stamp=".venv/.requirements-$(cat requirements.txt "$REQUIREMENTS" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python requirements from $REQUIREMENTS"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  rm -f .venv/.requirements-*
  touch "$stamp"
fi

# axe-core (tests/browser/package-lock.json) for the accessibility browser tests: installed again only
# when it is missing or the lock file changes.
if [ "$REQUIREMENTS" = "requirements-dev.txt" ]; then
  browser_tools=tests/browser/node_modules
  npm_stamp="$browser_tools/.lock-$(sha256sum tests/browser/package-lock.json | cut -c1-16)"
  if [ ! -f "$browser_tools/axe-core/axe.min.js" ] || [ ! -f "$npm_stamp" ]; then
    # Debian's npm, only when there is no npm at all (a Node from elsewhere brings its own).
    if ! command -v npm >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "Installing system packages: nodejs npm"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
        echo "Warning: apt-get could not install nodejs npm" >&2
    fi
    if command -v npm >/dev/null; then
      echo "Installing axe-core for the browser tests (npm ci in tests/browser)"
      npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
      touch "$npm_stamp"
    else
      echo "Warning: npm is missing, so the accessibility browser tests will be skipped" >&2
      echo "         install it with: sudo apt-get install nodejs npm" >&2
    fi
  fi
fi
export PATH="$ROOT/.venv/bin:$PATH"
