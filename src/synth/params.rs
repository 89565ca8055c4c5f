//! Every figure the synthetic ledgers are calibrated on, in one place. The figures of
//! [`PUBLISHED`] and [`PROVINCE_LOCAL_2021_YUAN`] are *real* (published revenue, each with
//! its source) and are met by the fit; everything else is *illustrative*: it imitates the
//! orders of magnitude of Henan's budget, it is not its accounts.
//!
//! | figure | value | where it acts |
//! | --- | --- | --- |
//! | province local general-budget revenue (一般公共预算收入), anchor year 2021 | 434.7 bn yuan (published ≈ 4,347 亿), met within 0.05 % by scaling the prefecture propers without a published figure | [`PROVINCE_LOCAL_2021_YUAN`] |
//! | published figures of 3 prefectures and 3 counties (2020–2022) | met within 0.05 %: a county by scaling its own amounts, a prefecture by scaling its proper, a second year by a level factor from that year on | [`PUBLISHED`] |
//! | county local revenue at the median county population | 1.5 bn yuan, ∝ √population (2020 census), ±18 % noise, clamped 0.45–5.0 bn before the fit | [`COUNTY_TYPICAL_YUAN`] … |
//! | named big and poor counties | ×1.3 … ×3.2 (巩义, 新郑, 荥阳, 中牟, 济源 …), ×0.45 … ×0.6 (台前, 卢氏 …) | [`COUNTY_MULTIPLIERS`] |
//! | prefecture propers (市本级) | the rest of the province figure, ∝ population × per-capita index (郑州 ×2.2, 洛阳 ×1.3), ±8 %, before the fit | [`PREFECTURE_PER_CAPITA`] |
//! | taxes (税收收入) / non-tax revenue (非税收入) | 2/3 / 1/3 of local revenue, ±4 points by region | [`TAX_SHARE`] |
//! | tax mix of local tax revenue | VAT 38 %, CIT 12 %, deed 9 %, city maintenance 8 %, land VAT 8 %, PIT 5 % … | [`TAX_MIX`] |
//! | non-tax mix | 10302 25 %, 10304 20 %, 10305 15 %, 10306 5 %, 10307 30 %, 10399 5 % | [`NON_TAX_MIX`] |
//! | growth, all items | 2019 0.915, 2020 0.905 (COVID), 2021 1, 2022 1.05, 2023 1.105, 2024 1.15 | [`year_factor`] |
//! | real-estate items (land VAT, deed tax) | 2022 0.85, 2023 0.78, 2024 0.72 of 2021 | [`year_factor`] |
//! | VAT refunds 2022 (大规模增值税留抵退税) | 31 % of a 2021 year's VAT, Apr 20 %, May 35 %, Jun 30 %, Jul 15 % → VAT 2022 ≈ −25 % | [`VAT_REFUND_2022`] |
//! | seasonality | Jan 1.25, Feb 0.60, Mar 1.10, Jun 1.10, Dec 1.40 … (mean 1); 2020 Feb–Mar lower | [`SEASON`] |
//! | net-refund county-months of VAT (退库大于入库) | 6 a year | [`REFUND_MONTHS_PER_YEAR`] |
//! | fixed-level extras | central CIT in 15 counties, prefecture enterprises in 20, province-level taxpayers' CIT and VAT in 郑州市本级 and 6 other regions, consumption and vehicle purchase tax | [`CENTRAL_CIT_COUNTIES`] … |
//! | receipt sizes | decades from 1 yuan to 1 bn yuan, median ≈ 525 yuan, mean ≈ 32 500 yuan | [`RECEIPT_DECADES`] |
//! | receipt refunds | 3 % of receipts | [`RECEIPT_REFUND_SHARE`] |
//!
//! Years outside 2019–2024 extrapolate: 6 %/year before 2019, 5 %/year after 2024
//! (real-estate items 2 %/year after 2024).

/// Anchor year of the calibration.
pub const ANCHOR_YEAR: i32 = 2021;

/// Province's general-budget revenue (一般公共预算收入) in [`ANCHOR_YEAR`], yuan: collected
/// less the centre's part, over all counties and prefectures. Real: Henan's 2021 figure,
/// "about 4,347 亿元" (provincial statistics; 大河报 2021-10-22 gives Jan–Sep 3,363.8).
pub const PROVINCE_LOCAL_2021_YUAN: i64 = 434_700_000_000;

/// A published revenue figure (一般公共预算收入) the synthetic ledger is fitted to: for a
/// county, collected − central − provincial parts of its receipts in `year`; for a
/// prefecture, the same over its proper (市本级) and its counties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    /// Region code (a prefecture or a county of the region table).
    pub code: &'static str,
    /// Fiscal year of the figure.
    pub year: i32,
    /// The figure, yuan.
    pub yuan: i64,
    /// Where it was published.
    pub source: &'static str,
}

/// Published figures below the province (亿元 × 10^8 yuan), each region's years in order.
/// Regions absent from a region table are skipped.
pub const PUBLISHED: &[Published] = &[
    Published {
        code: "410100",
        year: 2020,
        yuan: 125_920_000_000,
        source: "郑州市 2020: 1,259.2 亿元, 郑州日报 2021-01-30",
    },
    Published {
        code: "410800",
        year: 2021,
        yuan: 16_072_000_000,
        source: "焦作市 2021: 160.72 亿元, 焦作 statistical bulletin 2021",
    },
    Published {
        code: "410700",
        year: 2020,
        yuan: 19_403_000_000,
        source: "新乡市 2020: 194.03 亿元, 新乡 statistical bulletin 2020",
    },
    Published {
        code: "410783",
        year: 2020,
        yuan: 3_408_000_000,
        source: "长垣市 2020: 34.08 亿元, 新乡日报 2021-02-06",
    },
    Published {
        code: "411481",
        year: 2020,
        yuan: 4_771_000_000,
        source: "永城市 2020: 47.71 亿元, 河南商报",
    },
    Published {
        code: "411624",
        year: 2021,
        yuan: 1_713_000_000,
        source: "沈丘县 2021: 17.13 亿元, journal article on 沈丘县",
    },
    Published {
        code: "411624",
        year: 2022,
        yuan: 1_769_000_000,
        source: "沈丘县 2022: 17.69 亿元, journal article on 沈丘县",
    },
];
/// The province's published figure (collected − central part over every region), the
/// default anchor of the fit.
pub const PROVINCE_2021: Published = Published {
    code: "410000",
    year: ANCHOR_YEAR,
    yuan: PROVINCE_LOCAL_2021_YUAN,
    source: "河南省 2021: ≈ 4,347 亿元, provincial statistics (大河报 2021-10-22 for Jan–Sep)",
};
/// A fitted figure lies within this relative distance of its target.
pub const FIT_TOLERANCE: f64 = 0.0005;

/// Local revenue of a county whose population is the median county population, yuan.
pub const COUNTY_TYPICAL_YUAN: i64 = 1_500_000_000;
/// Standard deviation of a county's revenue noise (a factor with mean 1).
pub const COUNTY_NOISE_SD: f64 = 0.18;
/// Floor of a county's local revenue in the anchor year, yuan.
pub const COUNTY_MIN_YUAN: i64 = 450_000_000;
/// Ceiling of a county's local revenue in the anchor year, yuan.
pub const COUNTY_MAX_YUAN: i64 = 5_000_000_000;
/// Counties may take at most this share of the province's local revenue (only binds for
/// region tables other than Henan's); prefecture propers get the rest.
pub const COUNTIES_MAX_SHARE: f64 = 0.6;

/// Counties far above or below what their population suggests: industrial county-level
/// cities around 郑州 and 济源 above, poor mountain and flood-plain counties below.
pub const COUNTY_MULTIPLIERS: &[(&str, f64)] = &[
    ("410181", 3.2),  // 巩义
    ("410184", 3.0),  // 新郑
    ("410182", 2.6),  // 荥阳
    ("410122", 2.4),  // 中牟
    ("410183", 2.4),  // 新密
    ("410185", 1.8),  // 登封
    ("419001", 3.2),  // 济源
    ("410783", 1.8),  // 长垣
    ("411481", 1.6),  // 永城
    ("411081", 1.5),  // 禹州
    ("411082", 1.6),  // 长葛
    ("410581", 1.3),  // 林州
    ("410927", 0.45), // 台前
    ("411224", 0.5),  // 卢氏
    ("411527", 0.55), // 淮滨
    ("410325", 0.55), // 嵩县
    ("410423", 0.6),  // 鲁山
    ("411524", 0.6),  // 商城
];

/// Per-capita revenue index of prefecture propers (1 when not listed).
pub const PREFECTURE_PER_CAPITA: &[(&str, f64)] = &[("410100", 2.2), ("410300", 1.3)];
/// Standard deviation of a prefecture's revenue noise.
pub const PREFECTURE_NOISE_SD: f64 = 0.08;

/// Share of taxes (税收收入) in a region's local revenue; non-tax revenue is the rest.
pub const TAX_SHARE: f64 = 2.0 / 3.0;
/// Standard deviation of the tax share across regions (absolute).
pub const TAX_SHARE_SD: f64 = 0.04;

/// Tax items and their weight in local tax revenue (normalised per region after dropping
/// resource and tobacco leaf tax where a region has none). Code, name, weight.
pub const TAX_MIX: &[(&str, &str, f64)] = &[
    ("10101", "增值税 VAT (local half)", 0.38),
    (
        "10104",
        "企业所得税 corporate income tax (local 40 %)",
        0.12,
    ),
    ("10106", "个人所得税 personal income tax (local 40 %)", 0.05),
    ("10107", "资源税 resource tax", 0.04),
    (
        "10109",
        "城市维护建设税 city maintenance and construction tax",
        0.08,
    ),
    ("10110", "房产税 property tax", 0.05),
    ("10111", "印花税 stamp duty", 0.035),
    ("10112", "城镇土地使用税 urban land use tax", 0.05),
    ("10113", "土地增值税 land appreciation tax", 0.08),
    ("10114", "车船税 vehicle and vessel tax", 0.02),
    ("10118", "耕地占用税 farmland occupation tax", 0.03),
    ("10119", "契税 deed tax", 0.09),
    ("10120", "烟叶税 tobacco leaf tax", 0.02),
    ("10121", "环境保护税 environmental protection tax", 0.005),
];
/// Standard deviation of each tax item's weight by region (relative).
pub const MIX_NOISE_SD: f64 = 0.2;

/// Regions with mines, coal, oil or other taxed resources (资源税).
pub const RESOURCE_REGIONS: &[&str] = &[
    "410300", "410400", "410600", "410800", "410900", "411200", "410181", "410183", "410185",
    "410323", "410324", "410423", "410481", "410482", "410581", "411081", "411221", "411224",
    "411281", "411282", "411323", "411330", "411481", "419001",
];

/// Tobacco-growing counties (烟叶税).
pub const TOBACCO_COUNTIES: &[&str] = &[
    "411025", "410425", "410421", "411224", "411282", "410328", "410325", "411322",
];

/// Non-tax items (all under the rulebook's item 103) and their weight in non-tax revenue.
pub const NON_TAX_MIX: &[(&str, &str, f64)] = &[
    ("10302", "专项收入 earmarked revenue", 0.25),
    ("10304", "行政事业性收费收入 administrative fees", 0.20),
    ("10305", "罚没收入 fines and confiscations", 0.15),
    ("10306", "国有资本经营收入 state capital income", 0.05),
    (
        "10307",
        "国有资源(资产)有偿使用收入 use of state resources and assets",
        0.30,
    ),
    ("10399", "其他收入 other", 0.05),
];

/// Counties with central-enterprise income tax (中央企业所得税, `central` level, 10104).
pub const CENTRAL_CIT_COUNTIES: usize = 15;
/// Central-level CIT in those counties, as a share of the county's local CIT.
pub const CENTRAL_CIT_SHARE: f64 = 0.5;
/// Counties hosting prefecture-owned enterprises (市属企业), whose CIT or VAT is booked at
/// `prefecture` level; only counties that have a prefecture.
pub const PREFECTURE_ENTERPRISE_COUNTIES: usize = 20;
/// Share of that item's local revenue moved to the `prefecture` level.
pub const PREFECTURE_ENTERPRISE_SHARE: f64 = 0.25;
/// The provincial capital's prefecture proper (郑州市本级), which always hosts province-level
/// taxpayers (省级企业).
pub const PROVINCE_CAPITAL: &str = "410100";
/// Other regions (counties or prefecture propers) with province-level taxpayers.
pub const PROVINCE_LEVEL_REGIONS: usize = 6;
/// Share of CIT and of VAT local revenue booked at `province` level in those regions and the
/// capital: Henan's province takes VAT by treasury level (豫政〔2016〕44号, 豫政〔2020〕13号),
/// not by a flat share. The row holds the local part; the centre's half is not in the ledger.
pub const PROVINCE_LEVEL_SHARE: f64 = 0.3;
/// Counties with consumption tax (消费税, 10102, `central`); every prefecture has some.
pub const CONSUMPTION_COUNTIES: usize = 20;
/// Consumption tax collected, as a share of local tax revenue: prefectures, counties.
pub const CONSUMPTION_SHARE: (f64, f64) = (0.25, 0.10);
/// Counties with vehicle purchase tax (车辆购置税, 10116, `central`); every prefecture has some.
pub const VEHICLE_PURCHASE_COUNTIES: usize = 30;
/// Vehicle purchase tax collected, as a share of local tax revenue: prefectures, counties.
pub const VEHICLE_PURCHASE_SHARE: (f64, f64) = (0.06, 0.03);
/// Securities stamp duty (证券交易印花税, 1011102, shared with a 100 % central rule) in the
/// province capital 郑州 only, as a share of its local tax revenue.
pub const SECURITIES_STAMP: (&str, f64) = ("410100", 0.02);
/// Share of VAT booked as business tax (营业税, 10103) in months its rule is in force
/// (before 营改增, 2016-05).
pub const BUSINESS_TAX_SHARE: f64 = 0.6;

/// Monthly seasonality (mean 1): January and December high (year-start and year-end
/// collection), February low (Spring Festival), quarter-end months above average.
pub const SEASON: [f64; 12] = [
    1.25, 0.60, 1.10, 1.00, 0.95, 1.10, 0.95, 0.85, 0.95, 0.95, 0.90, 1.40,
];
/// 2020 (COVID): multipliers on [`SEASON`], renormalised to mean 1.
pub const COVID_2020: [f64; 12] = [
    1.05, 0.60, 0.75, 0.95, 1.0, 1.05, 1.05, 1.05, 1.05, 1.05, 1.05, 1.10,
];
/// Standard deviation of a monthly total around its expected value.
pub const MONTH_NOISE_SD: f64 = 0.12;

/// 2022 VAT refunds (留抵退税): total as a share of the region's anchor-year VAT, its
/// regional spread, and its split over April–July.
pub const VAT_REFUND_2022: (f64, f64, [f64; 4]) = (0.31, 0.3, [0.20, 0.35, 0.30, 0.15]);
/// County-months per year whose VAT monthly total is a net refund (negative).
pub const REFUND_MONTHS_PER_YEAR: usize = 6;

/// Receipt sizes: decades `[lo, 10·lo)` yuan and their probability in parts per million;
/// within a decade the size is `lo / (1 − 0.9 u)` (density ∝ 1/x², mean 2.56·lo).
pub const RECEIPT_DECADES: [(i64, u32); 9] = [
    (1, 50_000),
    (10, 170_000),
    (100, 311_280),
    (1_000, 290_000),
    (10_000, 140_000),
    (100_000, 35_000),
    (1_000_000, 3_500),
    (10_000_000, 200),
    (100_000_000, 20),
];
/// Share of receipts that are refunds (退库, negative amounts).
pub const RECEIPT_REFUND_SHARE: f64 = 0.03;

/// Growth class of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Growth {
    /// Most items.
    General,
    /// Land VAT and deed tax, which follow the property market down after 2021.
    RealEstate,
}

/// Growth class of an item code.
pub fn growth_of(item: &str) -> Growth {
    if item == "10113" || item == "10119" {
        Growth::RealEstate
    } else {
        Growth::General
    }
}

/// Level of an item's revenue in `year` relative to [`ANCHOR_YEAR`] (before the 2022 VAT
/// refunds, which the generators subtract separately).
pub fn year_factor(growth: Growth, year: i32) -> f64 {
    const GENERAL: [f64; 6] = [0.915, 0.905, 1.0, 1.05, 1.105, 1.15];
    const REAL_ESTATE: [f64; 6] = [0.915, 0.905, 1.0, 0.85, 0.78, 0.72];
    let table = match growth {
        Growth::General => GENERAL,
        Growth::RealEstate => REAL_ESTATE,
    };
    let after = match growth {
        Growth::General => 1.05,
        Growth::RealEstate => 1.02,
    };
    match year {
        ..2019 => (year..2019).fold(table[0], |f, _| f / 1.06),
        2019..=2024 => table[(year - 2019) as usize],
        _ => (2024..year).fold(table[5], |f, _| f * after),
    }
}

/// Seasonality of `year` (mean 1).
pub fn season(year: i32) -> [f64; 12] {
    if year != 2020 {
        return SEASON;
    }
    let mut s = [0.0; 12];
    for (m, v) in s.iter_mut().enumerate() {
        *v = SEASON[m] * COVID_2020[m];
    }
    let mean = s.iter().sum::<f64>() / 12.0;
    s.map(|v| v / mean)
}
