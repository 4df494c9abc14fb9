#!/usr/bin/env bash
# Install the 青小律 kiosk on a Debian 12 booth or robot, from this checkout.
# Run as root. Idempotent: running it again upgrades the code and keeps data and settings.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/opt/qingxiaolv
DATA=/var/lib/qingxiaolv
ETC=/etc/qingxiaolv

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }

echo "== Debian packages"
apt-get update -qq
# shellcheck disable=SC2046
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(grep -v '^#' "$HERE/deploy/apt-packages.txt") cage

echo "== kiosk user and folders"
id kiosk >/dev/null 2>&1 || useradd --system --create-home --groups audio,video,lp,dialout,input kiosk
install -d -m 0755 "$PREFIX" "$ETC"
install -d -m 0700 -o kiosk -g kiosk "$DATA" "$DATA/models"

echo "== application"
python3 -m venv "$PREFIX/venv"
"$PREFIX/venv/bin/pip" install -q --upgrade pip
"$PREFIX/venv/bin/pip" install -q "$HERE"

if [ ! -f "$ETC/kiosk.toml" ]; then
    install -m 0640 -g kiosk "$HERE/deploy/kiosk.toml.example" "$ETC/kiosk.toml"
fi

echo "== knowledge base"
STATUTES="${STATUTES:-$HERE/../shared/statutes}"
if [ -d "$STATUTES" ]; then
    sudo -u kiosk "$PREFIX/venv/bin/kiosk" kb build --statutes "$STATUTES"
else
    sudo -u kiosk "$PREFIX/venv/bin/kiosk" kb build
fi

echo "== systemd"
install -m 0644 "$HERE/deploy/systemd/qingxiaolv-kiosk.service" /etc/systemd/system/
systemctl daemon-reload
echo "done: provision with deploy/provision.sh, then: systemctl enable --now qingxiaolv-kiosk"
