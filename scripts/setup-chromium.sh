#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (dashboard, HTML reports). Prints the binary
# path on success, nothing when it cannot (browser tests then skip with a visible message).
set -u
log() { echo "[setup-chromium] $*" >&2; }
for b in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$b" ] && { echo "$b"; exit 0; }; done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  log "installing chromium from Debian packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) >&2 2>&1 || true
fi
for b in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$b" ] && { echo "$b"; exit 0; }; done
log "Chromium is not available; browser tests will skip"
