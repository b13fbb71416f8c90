#!/usr/bin/env bash
# Install the default dataset, the Hydrogen drum kits (Debian packages hydrogen-drumkits and
# hydrogen-data, GPL), with apt-get where that is possible, and say what was done.
set -euo pipefail
KITS=/usr/share/hydrogen/data/drumkits
PACKAGES="hydrogen-drumkits hydrogen-data"

if compgen -G "$KITS/*/drumkit.xml" >/dev/null; then
    echo "make data: the Hydrogen drum kits are already installed in $KITS"
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "make data: no apt-get on this machine, so nothing was installed. Install the Debian packages"
    echo "  $PACKAGES, or point DRUMGAN_DATA at a folder of drum samples (else a synthetic kit is used)."
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "make data: not root and no password-less sudo, so nothing was installed. Run as root:"
    echo "  apt-get install $PACKAGES   (or set DRUMGAN_DATA=/path/to/samples)"
    exit 0
fi
echo "make data: installing $PACKAGES with apt-get"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
count=$(find "$KITS" -type f \( -iname '*.wav' -o -iname '*.flac' -o -iname '*.aif*' \) | wc -l)
echo "make data: installed $count samples in $(ls -d "$KITS"/*/ | wc -l) kits under $KITS"
