#!/usr/bin/env bash
# Start cupsd and create the cups-pdf queue the printing tests print to.
#
# Run as root, before the tests (CI: `bash deploy/ci/start-cups.sh`).  Safe to run
# again: it starts cupsd only if it is not running and re-creates the queue.
#
# What it leaves behind:
#   - cupsd running (systemd unit when systemd is PID 1, else the daemon directly);
#   - a queue `qxl-pdf` (override: QXL_CUPS_QUEUE) on the cups-pdf backend;
#   - cups-pdf writing every job to one fixed folder, /var/spool/cups-pdf/qxl
#     (override: QXL_CUPS_PDF_DIR; the tests read the same variable), named
#     job_<id>-<title>.pdf, instead of ${HOME}/PDF of whoever printed.
#
# Needs Debian's cups, cups-client and printer-driver-cups-pdf.
set -euo pipefail

QUEUE="${QXL_CUPS_QUEUE:-qxl-pdf}"
OUT_DIR="${QXL_CUPS_PDF_DIR:-/var/spool/cups-pdf/qxl}"
CONF=/etc/cups/cups-pdf.conf
export LC_ALL=C LANG=C

die() { echo "start-cups.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it edits $CONF and starts cupsd)"
for tool in cupsd lpadmin lpstat lpinfo cupsenable cupsaccept; do
    command -v "$tool" >/dev/null 2>&1 \
        || [ -x "/usr/sbin/$tool" ] \
        || die "$tool not found: apt-get install cups cups-client printer-driver-cups-pdf"
done
[ -f "$CONF" ] || die "$CONF not found: apt-get install printer-driver-cups-pdf"
export PATH="$PATH:/usr/sbin:/sbin"

scheduler_running() { lpstat -r 2>/dev/null | grep -qx "scheduler is running"; }

# 1. cupsd
if scheduler_running; then
    echo "cupsd: already running"
else
    if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && command -v systemctl >/dev/null; then
        systemctl start cups
    else
        cupsd  # daemonises itself
    fi
    for _ in $(seq 1 50); do
        scheduler_running && break
        sleep 0.2
    done
    scheduler_running || die "cupsd did not come up within 10 s (see /var/log/cups/error_log)"
    echo "cupsd: started"
fi

# 2. cups-pdf: one fixed output folder, job id in every file name, title from `lp -t`.
# Drop any active setting of these keys (ours from an earlier run included), then append.
sed -i -E '/^[[:space:]]*(Out|AnonDirName|Label|TitlePref)[[:space:]]/d' "$CONF"
cat >>"$CONF" <<EOF
Out $OUT_DIR
AnonDirName $OUT_DIR
Label 1
TitlePref 1
EOF
mkdir -p "$OUT_DIR"
chmod 1777 "$OUT_DIR"  # cups-pdf writes as the submitting user, root or not

# 3. The queue.
MODEL="$(lpinfo -m 2>/dev/null | awk '/cups-pdf\/CUPS-PDF_opt\.ppd/ {print $1; exit}')"
[ -n "$MODEL" ] || MODEL="$(lpinfo -m 2>/dev/null | awk 'tolower($0) ~ /cups-pdf/ {print $1; exit}')"
[ -n "$MODEL" ] || die "no cups-pdf PPD in 'lpinfo -m': apt-get install printer-driver-cups-pdf"
lpadmin -x "$QUEUE" 2>/dev/null || true
lpadmin -p "$QUEUE" -v cups-pdf:/ -E -m "$MODEL"
cupsenable "$QUEUE"
cupsaccept "$QUEUE"
lpstat -p "$QUEUE" >/dev/null || die "queue $QUEUE was not created"

echo "queue: $QUEUE (model $MODEL)"
echo "PDFs land in: $OUT_DIR"
