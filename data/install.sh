#!/usr/bin/env bash
# Install the default dataset, the Hydrogen drum kits (Debian packages hydrogen-drumkits and
# hydrogen-data, GPL), with apt-get where that is possible, and say what was done.
set -euo pipefail
KITS=/usr/share/hydrogen/data/drumkits
bash "$(dirname "$0")/../.ci/apt-install.sh" "make data" "the Hydrogen drum kits ($KITS)" "$KITS/*/drumkit.xml" \
    "point DRUMGAN_DATA at a folder of drum samples (else a synthetic kit is used)" hydrogen-drumkits hydrogen-data
if compgen -G "$KITS/*/drumkit.xml" >/dev/null; then
    count=$(find "$KITS" -type f \( -iname '*.wav' -o -iname '*.flac' -o -iname '*.aif*' \) | wc -l)
    echo "make data: $count samples in $(ls -d "$KITS"/*/ | wc -l) kits under $KITS"
fi
