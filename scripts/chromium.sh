#!/usr/bin/env bash
# Chromium for the browser tests (playwright-core drives Debian's /usr/bin/chromium): prints its version
# when present; otherwise installs Debian's package (apt-get install -y chromium, after apt-get update when
# the package lists are missing; with sudo when not root and sudo exists). When it cannot be installed, says
# what to run and exits 0 all the same: the browser tests then fail naming the missing executable.
set -uo pipefail
CHROMIUM=/usr/bin/chromium

present() {
  [ -x "$CHROMIUM" ] || return 1
  local version
  version=$("$CHROMIUM" --version 2>/dev/null | sed -n 's/.*Chromium \([0-9][0-9.]*\).*/\1/p' | head -1)
  echo "chromium: $CHROMIUM (Chromium ${version:-version unknown})" >&2
}

present && exit 0

echo "chromium: $CHROMIUM is missing; installing Debian's chromium for the browser tests" >&2
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    # No password prompt without a terminal (CI): sudo -n fails instead of waiting.
    if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
  else
    as_root=(unavailable)
  fi
fi
apt() { "${as_root[@]+"${as_root[@]}"}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >&2; }

if command -v apt-get >/dev/null 2>&1 && [ "${as_root[*]-}" != unavailable ]; then
  apt install -y chromium || { apt update && apt install -y chromium; }
fi
present && exit 0

prefix=""
[ "$(id -u)" != 0 ] && prefix="sudo "
cat >&2 <<MSG
chromium: could not install it. The browser tests need Chromium at $CHROMIUM; run
  ${prefix}apt-get update && ${prefix}apt-get install -y chromium
(elsewhere than Debian/Ubuntu: install Chromium so that $CHROMIUM runs it), then run the tests again.
MSG
exit 0
