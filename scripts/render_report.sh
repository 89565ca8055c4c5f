#!/usr/bin/env bash
# Renders the HTML report to a PNG with headless Chromium, to look at it without a browser.
# Usage: scripts/render_report.sh [REPORT.html] [OUT.png]   (defaults: report.html, REPORT.png)
# Installs Debian's chromium and fonts-noto-cjk (for the Chinese names) when they are absent.
# WINDOW=1400,5000 sets the page size; the report itself never loads anything from a network.
set -euo pipefail

html=${1:-report.html}
out=${2:-${html%.html}.png}
window=${WINDOW:-1400,5000}

[ -f "$html" ] || { echo "render_report: no such file: $html" >&2; exit 2; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fonts=$(fc-list : family 2>/dev/null || true)
case "$fonts" in *"Noto Sans CJK"*) ;; *) missing+=(fonts-noto-cjk) ;; esac
if [ ${#missing[@]} -gt 0 ]; then
    echo "render_report: installing ${missing[*]}" >&2
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

abs=$(realpath "$html")
out_abs=$(realpath -m "$out")
profile=$(mktemp -d)
rm -f "$out_abs"
trap 'rm -rf "$profile"' EXIT

# Headless Chromium complains about the missing session bus on stderr; show it only on failure.
if ! chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size="$window" \
    --screenshot="$out_abs" "file://$abs" >"$profile/chromium.log" 2>&1 || [ ! -s "$out_abs" ]; then
    cat "$profile/chromium.log" >&2
    echo "render_report: chromium failed" >&2
    exit 1
fi
echo "wrote $out_abs"
