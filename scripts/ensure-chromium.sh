#!/usr/bin/env bash
# Browser tests need Debian's chromium. Install it when missing and we can (root with apt);
# otherwise the browser tests skip with a message, except under CI=true, where they fail.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && exit 0
  echo "warning: could not install chromium with apt-get" >&2
else
  echo "warning: chromium is not installed and cannot be installed here (needs root and apt-get)." >&2
fi
echo "         Browser tests will be skipped (or fail under CI=true)." >&2
exit 0
