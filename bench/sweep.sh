#!/usr/bin/env bash
# Sweep throughput (issue "What-if scenarios"): the 31-point provincial VAT sweep and two
# 1,023-point two-axis sweeps over 2019–2030 on the shipped Henan data, release build: one
# whose points share re-splits (VAT share × increment_share), one where none can (VAT
# share × income-tax share, the worst case).
# Prints fencheng's own figures (preparation, evaluation, points/s) and the wall time of
# the whole command, best of N runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
cargo build --release --quiet
bin=target/release/fencheng
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for sweep in scenarios/sweep-vat-province.toml scenarios/sweep-vat-x-increment.toml \
  scenarios/sweep-vat-x-income-tax.toml; do
  echo "== $sweep ($runs runs)"
  for i in $(seq "$runs"); do
    start=$(date +%s.%N)
    line=$("$bin" sweep "$sweep" --out "$out/s" --force | head -1)
    end=$(date +%s.%N)
    printf '  wall %.2f s | %s\n' "$(echo "$end - $start" | bc)" "$line"
  done
done
