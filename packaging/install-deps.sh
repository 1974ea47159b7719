#!/usr/bin/env bash
# Installs the Debian 12 packages kdna needs that are missing, and nothing else.
#   install-deps.sh            build + GUI packages
#   install-deps.sh --tests    the same plus what the test suite uses
#   install-deps.sh --no-gui   only what the headless build (core + kdna CLI) needs
# Quiet and quick when everything is already there.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
groups=(build gui)
for arg in "$@"; do
    case "$arg" in
    --tests) groups+=(test) ;;
    --no-gui) groups=("${groups[@]/gui/}") ;;
    -h | --help)
        sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "install-deps.sh: unknown option '$arg' (valid: --tests, --no-gui)" >&2
        exit 2
        ;;
    esac
done

wanted=()
while read -r group package; do
    [[ -z "$group" || "$group" == \#* ]] && continue
    for g in "${groups[@]}"; do
        [[ "$g" == "$group" ]] && wanted+=("$package")
    done
done <"$here/debian-packages.txt"

missing=()
for package in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "install-deps.sh: run as root (or install sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
