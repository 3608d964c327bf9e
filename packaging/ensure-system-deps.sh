#!/usr/bin/env bash
# Install the Debian packages the test suite and the player need, only if missing.
# Qt needs a few shared libraries that a minimal Debian lacks (packaging/qt-runtime-packages.txt);
# the suite also drives ffmpeg, dbus-daemon, playerctl and Xvfb.
set -euo pipefail
need=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (install them with: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
