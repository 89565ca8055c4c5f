"""The floor in polars: one streaming pass summing `amount` per key, nothing else.

    polars_floor.py LEDGER_GLOB OUT.parquet
"""

import sys

import polars as pl

KEYS = ["fiscal_year", "month", "region_code", "item_code", "budget_level"]

ledger, out = sys.argv[1], sys.argv[2]
(
    pl.scan_parquet(ledger, hive_partitioning=True)
    .group_by(KEYS)
    .agg(pl.col("amount").sum(), pl.len().alias("receipts"))
    .sink_parquet(out)
)
