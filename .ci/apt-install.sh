#!/usr/bin/env bash
# Install Debian packages with apt-get where this machine allows it (as root or with password-less sudo),
# and say what was done; where it cannot, say what to run instead and exit 0 (what needs them then skips).
# Usage: apt-install.sh WHO WHAT PRESENT_GLOB OTHERWISE PACKAGE...
#   WHO: the make target speaking; WHAT: what the packages give; PRESENT_GLOB: a path that exists once they
#   are installed; OTHERWISE: what a user can do instead.
set -euo pipefail
WHO=$1 WHAT=$2 PRESENT=$3 OTHERWISE=$4
shift 4
PACKAGES="$*"

if compgen -G "$PRESENT" >/dev/null; then
    echo "$WHO: $WHAT already installed"
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "$WHO: no apt-get on this machine, so nothing was installed. Install the Debian packages"
    echo "  $PACKAGES, or $OTHERWISE."
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "$WHO: not root and no password-less sudo, so nothing was installed. Run as root:"
    echo "  apt-get install $PACKAGES   (or $OTHERWISE)"
    exit 0
fi
echo "$WHO: installing $PACKAGES with apt-get"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
