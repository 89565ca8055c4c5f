#!/usr/bin/env bash
# Seeds fuzz/corpus/{ledger,rulebook,scenario} from the repository's own inputs.
# Run from anywhere; existing corpus files are kept.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/ledger corpus/rulebook corpus/scenario

# ledger: the head of a real-sized ledger, the mini case's ledgers, the bad CSVs
head -n 30 "$root/datasets/henan/ledger/2021.csv" > corpus/ledger/henan-2021-head30.csv
for f in "$root"/tests/cases/mini/ledger/*.csv; do cp "$f" "corpus/ledger/mini-$(basename "$f")"; done
for f in "$root"/tests/bad_inputs/*.csv; do cp "$f" "corpus/ledger/bad-$(basename "$f")"; done

# rulebook: the Henan and mini rulebooks, the bad rulebooks
cp "$root/datasets/henan/rulebook.toml" corpus/rulebook/henan-rulebook.toml
cp "$root/tests/cases/mini/rulebook.toml" corpus/rulebook/mini-rulebook.toml
for f in "$root"/tests/bad_inputs/*.toml; do cp "$f" "corpus/rulebook/bad-$(basename "$f")"; done

# scenario: the shipped scenarios and the mini case's
for f in "$root"/scenarios/*.toml; do cp "$f" "corpus/scenario/scenarios-$(basename "$f")"; done
for f in "$root"/tests/cases/mini/*.toml; do cp "$f" "corpus/scenario/mini-$(basename "$f")"; done
# (extra) the bad TOMLs too: most of them are broken scenario files
for f in "$root"/tests/bad_inputs/*.toml; do cp "$f" "corpus/scenario/bad-$(basename "$f")"; done

for t in ledger rulebook scenario; do echo "$t: $(ls corpus/$t | wc -l) seeds"; done
