//! Budget level (预算级次) of a receipt: shared (共享收入) or fixed to one level.

use std::fmt;

/// The budget level a treasury receipt carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BudgetLevel {
    /// 共享收入: split by the rulebook's cascade.
    Shared,
    /// 中央级: all to the centre.
    Central,
    /// 省级: all to the province.
    Province,
    /// 市级: all to the prefecture (e.g. a prefecture-owned enterprise in a county).
    Prefecture,
    /// 县级: all to the county.
    County,
}

impl BudgetLevel {
    /// Every level, in file order.
    pub const ALL: [BudgetLevel; 5] = [
        BudgetLevel::Shared,
        BudgetLevel::Central,
        BudgetLevel::Province,
        BudgetLevel::Prefecture,
        BudgetLevel::County,
    ];

    /// The name used in ledgers: `shared`, `central`, `province`, `prefecture`, `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetLevel::Shared => "shared",
            BudgetLevel::Central => "central",
            BudgetLevel::Province => "province",
            BudgetLevel::Prefecture => "prefecture",
            BudgetLevel::County => "county",
        }
    }

    /// Parses a ledger's `budget_level` text: `shared`, `central`, `province`, `prefecture`,
    /// `county`, or the Chinese levels 共享, 中央, 省级, 市级, 县级.
    #[inline]
    pub fn parse(text: &str) -> Option<BudgetLevel> {
        match text {
            // the English names, and the budget levels (预算级次) finance systems export
            "shared" | "共享" => Some(BudgetLevel::Shared),
            "central" | "中央" => Some(BudgetLevel::Central),
            "province" | "省级" => Some(BudgetLevel::Province),
            "prefecture" | "市级" => Some(BudgetLevel::Prefecture),
            "county" | "县级" => Some(BudgetLevel::County),
            _ => None,
        }
    }
}

impl fmt::Display for BudgetLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
