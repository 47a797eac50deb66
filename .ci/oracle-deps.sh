#!/usr/bin/env bash
# Installs what the oracle suite (test/oracle) needs from Debian: nginx, FastAPI/Starlette + uvicorn,
# Flask + flask-cors, httpx, chromium (plus the headers-more and lua nginx modules and pcre2-utils, used by
# the nginx and origin-analysis tests). Idempotent: when every
# package is already installed it only checks and returns (well under a second).
set -euo pipefail

PACKAGES=(nginx libnginx-mod-http-headers-more-filter libnginx-mod-http-lua neovim python3-fastapi python3-starlette uvicorn python3-flask python3-flask-cors python3-httpx chromium pcre2-utils)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "oracle deps: all installed (${PACKAGES[*]})"
  exit 0
fi

echo "oracle deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# The Debian packages serve the system python3, not a pyenv python3 that may come first on PATH.
/usr/bin/python3 -c 'import fastapi, starlette, uvicorn, flask, flask_cors, httpx' \
  || { echo "oracle deps: the Debian python3 cannot import the installed modules" >&2; exit 1; }
command -v chromium >/dev/null || { echo "oracle deps: chromium not on PATH" >&2; exit 1; }
echo "oracle deps: installed"
