#!/usr/bin/env bash
# Prints settlement.xlsx the way a clerk would: LibreOffice headless converts it to PDF
# (page setup as the workbook says: A4 landscape, one page wide, header rows repeated), then
# pdftoppm turns the first pages into PNGs to look at.
# Usage: scripts/render_workbook.sh [settlement.xlsx] [OUTDIR]   (defaults: settlement.xlsx, render/)
# PAGES=3 sets how many pages become PNGs. Installs Debian's libreoffice-calc, poppler-utils
# and fonts-noto-cjk (for the Chinese text) when they are absent.
set -euo pipefail

xlsx=${1:-settlement.xlsx}
out=${2:-render}
pages=${PAGES:-3}
[ -f "$xlsx" ] || { echo "render_workbook: no such file: $xlsx" >&2; exit 2; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fonts=$(fc-list : family 2>/dev/null || true)
case "$fonts" in *"Noto Sans CJK"*) ;; *) missing+=(fonts-noto-cjk) ;; esac
if [ ${#missing[@]} -gt 0 ]; then
    echo "render_workbook: installing ${missing[*]}" >&2
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation=file://"$profile" --headless --convert-to pdf --outdir "$out" "$xlsx" >/dev/null
pdf="$out/$(basename "${xlsx%.*}").pdf"
pdftoppm -png -r 70 -f 1 -l "$pages" "$pdf" "$out/page"
echo "render_workbook: $pdf ($(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages), PNGs in $out/"
