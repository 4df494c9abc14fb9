#!/usr/bin/env bash
# Write /etc/qingxiaolv/kiosk.toml for one device. Run as root after install.sh.
#   provision.sh --role booth|robot --service-point NAME --tier 区中心|镇街道站|村社区室 \
#                [--device-id ID] [--printer KIND --printer-address ADDR --paper 80mm] \
#                [--server-url URL] [--asr-model DIR] [--pin]
set -euo pipefail
ETC=${QXL_ETC:-/etc/qingxiaolv}
KIOSK=${KIOSK:-/opt/qingxiaolv/venv/bin/kiosk}
role=booth; point=""; tier=""; device_id=""; printer=none; address=""; paper=80mm
server=""; model=""; pin_hash=""
while [ $# -gt 0 ]; do
    case "$1" in
        --role) role=$2; shift 2 ;;
        --service-point) point=$2; shift 2 ;;
        --tier) tier=$2; shift 2 ;;
        --device-id) device_id=$2; shift 2 ;;
        --printer) printer=$2; shift 2 ;;
        --printer-address) address=$2; shift 2 ;;
        --paper) paper=$2; shift 2 ;;
        --server-url) server=$2; shift 2 ;;
        --asr-model) model=$2; shift 2 ;;
        --pin) pin_hash=$("$KIOSK" hash-pin); shift ;;
        *) echo "provision.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$point" ] && [ -n "$tier" ] || { echo "provision.sh: --service-point and --tier are required" >&2; exit 2; }
install -d -m 0755 "$ETC"
tmp=$(mktemp)
cat > "$tmp" <<TOML
# Written by deploy/provision.sh on $(date -u +%Y-%m-%dT%H:%MZ). 'kiosk config' explains every key.
schema_version = 1

[device]
role = "$role"
service_point = "$point"
tier = "$tier"
${device_id:+device_id = \"$device_id\"}

[paths]
data_dir = "/var/lib/qingxiaolv"

[printer]
kind = "$printer"
address = "$address"
paper = "$paper"

[speech]
asr_model_dir = "${model:-/var/lib/qingxiaolv/models/vosk-model-small-cn-0.22}"

[ui]
technician_pin_hash = "$pin_hash"
${server:+
[sync]
server_url = \"$server\"}
TOML
# Validate before installing: a bad value names the key.
QXL_SYSTEM_CONFIG=/nonexistent "$KIOSK" --config "$tmp" config >/dev/null
install -m 0640 "$tmp" "$ETC/kiosk.toml"
getent group kiosk >/dev/null && chgrp kiosk "$ETC/kiosk.toml"
rm -f "$tmp"
echo "wrote $ETC/kiosk.toml"
