//! The settlement's two formulas beyond the split, each written once: a region's available
//! fiscal resources (可用财力) from its flows, and the prefecture's subsidy (市对县补助) a
//! county receives in a year. The full run builds its statements with them, through the
//! dense kernel of [`super::kernel`] that the sweep's fast path also evaluates.

use crate::money::round_div;

/// What a region's available resources are made of in one year, fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flows {
    /// 本级收入: revenue the region keeps from the split.
    pub retained: i64,
    /// 市级分享收入: for a prefecture, its counties' `to_prefecture`.
    pub from_counties: i64,
    /// 返还性收入.
    pub rebates: i64,
    /// 转移支付.
    pub transfers: i64,
    /// 体制上解: base paid.
    pub base_paid: i64,
    /// 体制补助: base received.
    pub base_received: i64,
    /// 市对县补助 paid (a prefecture, to its managed counties).
    pub subsidy_paid: i64,
    /// 市对县补助 received (a managed county, from its prefecture).
    pub subsidy_received: i64,
}

impl Flows {
    /// 可用财力 = retained + from_counties + rebates + transfers − base_paid + base_received
    /// − subsidy_paid + subsidy_received.
    pub fn available(&self) -> i64 {
        self.retained + self.from_counties + self.rebates + self.transfers - self.base_paid
            + self.base_received
            - self.subsidy_paid
            + self.subsidy_received
    }
}

impl Flows {
    /// 可用财力 without 专项 transfers (`disposable`), as bureaus usually count it.
    pub fn disposable(&self, transfers_special: i64) -> i64 {
        self.available() - transfers_special
    }

    /// What the year-end statement (结算单) settles between the region and the levels above
    /// it: rebates + transfers − base_paid + base_received − subsidy_paid +
    /// subsidy_received − 专项上解 + 结算补助 (− 结算上解, a negative adjustment). Revenue the
    /// region collects and keeps, or passes up through the treasury split, is not in it.
    pub fn statement_net(&self, special_remit: i64, adjustment: i64) -> i64 {
        self.rebates + self.transfers - self.base_paid + self.base_received - self.subsidy_paid
            + self.subsidy_received
            - special_remit
            + adjustment
    }
}

/// 应补(扣): what the statement gives less what was already paid out during the year
/// (已预拨); positive, the upper level still pays; negative, it deducts.
pub fn balance_due(statement_net: i64, advances: i64) -> i64 {
    statement_net - advances
}

/// An amount per resident (人均), fen: `round(amount / population)`, half away from zero;
/// `None` for a region without residents. Available resources per head and the change per
/// head both come here.
pub fn per_capita(amount: i64, population: u64) -> Option<i64> {
    (population > 0).then(|| round_div(amount as i128, population as i128) as i64)
}

/// The subsidy a county receives in a year from its prefecture (市对县补助):
/// `round(T × m / 12)`, `T` its annual subsidy ([`crate::tables::annual_subsidy`]) and `m`
/// the months of the year it is prefecture-managed
/// ([`crate::regions::RegionTable::managed_months`]). Negative: the county pays.
pub fn subsidy_for_months(annual: i64, managed_months: u32) -> i64 {
    round_div(annual as i128 * i128::from(managed_months), 12) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsidy_is_prorated_and_rounded_half_away_from_zero() {
        assert_eq!(subsidy_for_months(500_000, 12), 500_000);
        assert_eq!(subsidy_for_months(500_000, 6), 250_000);
        assert_eq!(subsidy_for_months(500_000, 0), 0);
        // 5000.01 yuan for half a year: 250000.5 fen → 250001, and symmetric when negative
        assert_eq!(subsidy_for_months(500_001, 6), 250_001);
        assert_eq!(subsidy_for_months(-500_001, 6), -250_001);
    }

    #[test]
    fn available_adds_every_flow_with_its_sign() {
        let f = Flows {
            retained: 1000,
            from_counties: 200,
            rebates: 30,
            transfers: 4,
            base_paid: 50,
            base_received: 6,
            subsidy_paid: 70,
            subsidy_received: 8,
        };
        assert_eq!(f.available(), 1000 + 200 + 30 + 4 - 50 + 6 - 70 + 8);
    }
}
