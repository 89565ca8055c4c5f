//! The split of one receipt (分成), exactly as the spec writes it: central takes its share
//! of the whole, the province its share of the local remainder, a prefecture-managed
//! county's prefecture its share of what is left, the collecting region keeps the rest.

use crate::money::Rate;
use std::ops::{Add, AddAssign, Sub};

/// The rates that route one receipt. Fixed-level receipts are the same cascade with rates
/// 0 and 1 (a central-level receipt has `central = 1`), so one formula serves every case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Cascade {
    /// Share of the whole receipt to the centre.
    pub central: Rate,
    /// Share of the local remainder to the province.
    pub province: Rate,
    /// Share of what is left to the county's prefecture (上划市级); 0 for a direct county
    /// and for a receipt of a prefecture proper, which keeps the rest itself.
    pub prefecture: Rate,
    /// What the prefecture's share would be were the county prefecture-managed: the old
    /// rules, for the transfer baseline (划转基数). 0 for fixed-level receipts and prefectures.
    pub prefecture_if_managed: Rate,
}

impl Cascade {
    /// A shared receipt's cascade in a month the county is (or is not) prefecture-managed:
    /// the prefecture takes its old share only while it manages the county.
    pub fn managed(self, managed: bool) -> Cascade {
        Cascade {
            prefecture: if managed {
                self.prefecture_if_managed
            } else {
                Rate::ZERO
            },
            ..self
        }
    }
}

/// Where the fen of a receipt (or of a sum of receipts) went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Parts {
    /// 收入合计: the amount collected in the region.
    pub collected: i64,
    /// 上划中央.
    pub to_central: i64,
    /// 上划省级.
    pub to_province: i64,
    /// 上划市级: from a county to its prefecture.
    pub to_prefecture: i64,
    /// 本级收入: kept by the collecting region.
    pub retained: i64,
    /// The prefecture's part of shared receipts under prefecture-managed rules (not money
    /// that moved; the measure the transfer baseline is made of).
    pub prefecture_if_managed: i64,
}

impl Parts {
    /// Whether every fen collected landed in exactly one level.
    #[inline(always)]
    pub fn conserves(&self) -> bool {
        self.collected == self.to_central + self.to_province + self.to_prefecture + self.retained
    }

    /// Local revenue (地方收入): collected less the centre's part.
    pub fn local(&self) -> i64 {
        self.collected - self.to_central
    }
}

impl AddAssign for Parts {
    #[inline(always)]
    fn add_assign(&mut self, o: Parts) {
        self.collected += o.collected;
        self.to_central += o.to_central;
        self.to_province += o.to_province;
        self.to_prefecture += o.to_prefecture;
        self.retained += o.retained;
        self.prefecture_if_managed += o.prefecture_if_managed;
    }
}

impl Add for Parts {
    type Output = Parts;
    #[inline(always)]
    fn add(mut self, o: Parts) -> Parts {
        self += o;
        self
    }
}

impl Sub for Parts {
    type Output = Parts;
    #[inline(always)]
    fn sub(self, o: Parts) -> Parts {
        Parts {
            collected: self.collected - o.collected,
            to_central: self.to_central - o.to_central,
            to_province: self.to_province - o.to_province,
            to_prefecture: self.to_prefecture - o.to_prefecture,
            retained: self.retained - o.retained,
            prefecture_if_managed: self.prefecture_if_managed - o.prefecture_if_managed,
        }
    }
}

impl Cascade {
    /// Splits `amount` fen (negative for a refund, 退库):
    /// `central = round(A×c)`, `province = round((A−central)×p)`,
    /// `prefecture = round(rest×f)`, `retained = rest − prefecture`.
    #[inline(always)]
    pub fn split(&self, amount: i64) -> Parts {
        let to_central = self.central.apply(amount);
        let local = amount - to_central;
        let to_province = self.province.apply(local);
        let rest = local - to_province;
        let to_prefecture = self.prefecture.apply(rest);
        Parts {
            collected: amount,
            to_central,
            to_province,
            to_prefecture,
            retained: rest - to_prefecture,
            prefecture_if_managed: self.prefecture_if_managed.apply(rest),
        }
    }
}
