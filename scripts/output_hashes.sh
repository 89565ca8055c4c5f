#!/usr/bin/env bash
# The byte-identity guard of a refactoring: builds fencheng (debug), runs every shipped
# scenario, the reform-vs-no-reform comparison and one sweep, and prints the SHA-256 of
# every output file but manifest.json (its stage times differ run to run), sorted, one
# `hash  relative/path` a line. Compare with the committed scripts/output_hashes.txt:
#   scripts/output_hashes.sh > /tmp/now.txt && diff scripts/output_hashes.txt /tmp/now.txt
# Also lists what `validate` says of every broken ledger in tests/bad_inputs (stdout and
# stderr, exit code) when VALIDATE=1, for reading, not for hashing.
set -euo pipefail

cd "$(dirname "$0")/.."
nice cargo build --quiet --bin fencheng >&2
# cargo's target folder: the tree's own, or CARGO_TARGET_DIR when set
bin=${CARGO_TARGET_DIR:-target}/debug/fencheng
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for sc in scenarios/*.toml; do
    name=$(basename "$sc" .toml)
    case "$name" in henan-inputs | sweep-*) continue ;; esac
    "$bin" run "$sc" --quiet --out "$out/run/$name"
done
"$bin" compare scenarios/reform-2022-2030.toml --against scenarios/no-reform-2030.toml \
    --out "$out/compare/reform-vs-none" >/dev/null
"$bin" sweep scenarios/sweep-vat-province.toml --out "$out/sweep/vat-province" >/dev/null

(cd "$out" && find . -type f ! -name manifest.json | sed 's|^\./||' | LC_ALL=C sort |
    while read -r f; do printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"; done)

if [ "${VALIDATE:-0}" = 1 ]; then
    for f in tests/bad_inputs/*.csv tests/bad_inputs/*.parquet; do
        echo "== $f"
        "$bin" validate "$f" --regions tests/cases/mini/regions.csv \
            --rulebook tests/cases/mini/rulebook.toml 2>&1 && echo "exit 0" || echo "exit $?"
    done
fi
