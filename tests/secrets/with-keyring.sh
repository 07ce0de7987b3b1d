#!/bin/sh
# Runs a command against a real but throw-away Secret Service: a private D-Bus session
# with gnome-keyring unlocked by a fixed password, under a temporary HOME and runtime
# dir, so the user's own keyrings and session bus are never touched.
# Usage: with-keyring.sh COMMAND [ARG...]
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool is not installed; the keychain test needs it" >&2
        exit 1
    fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/onegate-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

mkdir -p "$scratch/home/.local/share/keyrings" "$scratch/run"
chmod 700 "$scratch/run"
export HOME="$scratch/home"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$scratch/run"
export ONEGATE_THROWAWAY_KEYRING=1
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# gnome-keyring-daemon --unlock reads the new login keyring's password from stdin.
status=0
dbus-run-session -- sh -c '
    printf pw | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
    exec "$0" "$@"' "$@" || status=$?
exit "$status"
