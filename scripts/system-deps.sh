#!/bin/sh
# Installs the Debian packages Mot Cua needs (pango and fonts for PDFs, poppler for reading
# them back in tests, chromium for browser tests, wrk for the HTTP benchmarks). As root it
# installs what is missing; otherwise it prints the exact command and stops.
set -eu
here=$(dirname "$0")
missing=""
for pkg in $(grep -v '^#' "$here/system-packages.txt"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "Cài gói hệ thống:$missing"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
else
    echo "Thiếu gói hệ thống:$missing" >&2
    echo "Hãy chạy: sudo apt-get install -y$missing" >&2
    exit 1
fi
