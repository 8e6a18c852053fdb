#!/bin/sh
# Install the Debian packages dasv needs, or say how when not root.
# Usage: deps.sh [--test]   (--test adds what the test suite needs)
set -eu
pkgs="build-essential pkg-config libncurses-dev libsqlite3-dev libsodium-dev"
if [ "${1:-}" = "--test" ]; then
	pkgs="$pkgs libcriterion-dev tmux sqlite3"
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "dasv needs these Debian packages:$missing" >&2
	echo "install them as root with:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null
