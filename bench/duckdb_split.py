"""The receipt-level split in DuckDB SQL, as an analyst would write it, for the benchmark.

    duckdb_split.py split   LEDGER_GLOB RATES.csv OUT.parquet   # per-receipt cascade, summed
    duckdb_split.py floor   LEDGER_GLOB OUT.parquet             # sum of amount per key only
    duckdb_split.py compare DUCK.parquet ITEM_SHARES.parquet    # equal to the fen?

LEDGER_GLOB is a receipt-level Parquet ledger (`DIR/*/*.parquet`, hive `fiscal_year=`).
RATES.csv comes from `target/release/fencheng-rates SCENARIO.toml RATES.csv`: one row per ledger key
with the central, provincial and prefecture shares in parts per million. The cascade is
the spec's, in integer fen, rounding half away from zero:

    central    = round(A x c)          local = A - central
    province   = round(local x p)      rest  = local - province
    prefecture = round(rest x f)       retained = rest - prefecture
"""

import sys

import duckdb

KEYS = "fiscal_year, month, region_code, item_code, budget_level"


def rnd(x, rate):
    # round(x * rate / 10^6), half away from zero, exact in BIGINT (DuckDB raises on overflow)
    return f"sign({x}) * ((abs({x}) * {rate} + 500000) // 1000000)"


def split(ledger, rates, out):
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          WITH r AS (
            SELECT l.fiscal_year, l.month, l.region_code, l.item_code, l.budget_level,
                   CAST(l.amount * 100 AS BIGINT) AS a,
                   t.central_ppm AS c, t.province_ppm AS p, t.prefecture_ppm AS f
            FROM read_parquet('{ledger}', hive_partitioning = true) AS l
            JOIN read_csv('{rates}', header = true, types = {{
                   'region_code': 'VARCHAR', 'item_code': 'VARCHAR', 'budget_level': 'VARCHAR'}}) AS t
              USING ({KEYS})
          ),
          c AS (SELECT *, {rnd('a', 'c')} AS to_central FROM r),
          p AS (SELECT *, {rnd('a - to_central', 'p')} AS to_province FROM c),
          f AS (SELECT *, {rnd('a - to_central - to_province', 'f')} AS to_prefecture FROM p)
          SELECT {KEYS},
                 sum(a) AS collected, sum(to_central) AS to_central,
                 sum(to_province) AS to_province, sum(to_prefecture) AS to_prefecture,
                 sum(a - to_central - to_province - to_prefecture) AS retained,
                 count(*) AS receipts
          FROM f
          GROUP BY ALL
        ) TO '{out}' (FORMAT parquet)
        """
    )


def floor(ledger, out):
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT {KEYS}, sum(amount) AS amount, count(*) AS receipts
          FROM read_parquet('{ledger}', hive_partitioning = true)
          GROUP BY ALL
        ) TO '{out}' (FORMAT parquet)
        """
    )


def compare(duck, fencheng):
    con = duckdb.connect()
    cols = ["collected", "to_central", "to_province", "to_prefecture", "retained"]
    diff = " OR ".join(f"d.{c} IS DISTINCT FROM CAST(f.{c} * 100 AS BIGINT)" for c in cols)
    rows, bad, fen = con.execute(
        f"""
        SELECT count(*),
               count(*) FILTER (WHERE {diff} OR d.receipts IS DISTINCT FROM f.receipts),
               sum(d.collected)
        FROM read_parquet('{duck}') AS d
        FULL OUTER JOIN (SELECT * FROM read_parquet('{fencheng}') WHERE NOT projected) AS f
          USING ({KEYS})
        """
    ).fetchone()
    print(f"compared {rows} keys ({fen} fen): {bad} differ")
    return bad == 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "split":
        split(*args)
    elif cmd == "floor":
        floor(*args)
    elif cmd == "compare":
        return 0 if compare(*args) else 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
