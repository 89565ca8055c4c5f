//! The settlement's dense kernel: every region's flows (可用财力的构成) in one year from
//! figures held per region index. The full run's statements ([`crate::settlement::settle`])
//! are built from it and the sweep's summaries evaluate it directly, so who pays, who
//! receives and what a prefecture gets from its counties is decided in one place.

use super::flows::Flows;
use crate::regions::{RegionKind, RegionTable};

/// Where a region stands in the year's flows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Province, prefecture or county; the province's own row has no flows.
    pub kind: RegionKind,
    /// For a county under a prefecture (its parent, when that is a prefecture), the
    /// prefecture's index in the region table.
    pub prefecture: Option<usize>,
}

impl Unit {
    /// Every region of `regions`, in table order.
    pub fn all(regions: &RegionTable) -> Vec<Unit> {
        regions
            .all()
            .iter()
            .map(|r| Unit {
                kind: r.kind,
                prefecture: regions
                    .prefecture_of(r)
                    .and_then(|p| regions.index_of(&p.code)),
            })
            .collect()
    }
}

/// What a region brings to the year's flows by itself, fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Own {
    /// 本级收入: what it keeps from the split.
    pub retained: i64,
    /// 市级分享收入 its receipts give its prefecture (a county under a prefecture).
    pub to_prefecture: i64,
    /// 返还性收入.
    pub rebates: i64,
    /// 转移支付.
    pub transfers: i64,
    /// A county's base due (划转基数) this year: positive, it pays (体制上解) and its
    /// prefecture receives; negative, the prefecture pays it (体制补助).
    pub due: i64,
    /// A county's 市对县补助 for its managed months ([`super::subsidy_for_months`]):
    /// positive, received from its prefecture, which pays it.
    pub subsidy: i64,
}

/// Every region's flows in one year, `flows[i]` for `units[i]` and `own[i]`: each region's
/// own figures, then each county's share, base due and subsidy with its prefecture.
pub fn year_flows(units: &[Unit], own: &[Own], flows: &mut Vec<Flows>) {
    flows.clear();
    flows.extend(units.iter().zip(own).map(|(u, o)| match u.kind {
        RegionKind::Province => Flows::default(),
        RegionKind::Prefecture => Flows {
            retained: o.retained,
            rebates: o.rebates,
            transfers: o.transfers,
            ..Flows::default()
        },
        RegionKind::County => Flows {
            retained: o.retained,
            rebates: o.rebates,
            transfers: o.transfers,
            base_paid: o.due.max(0),
            base_received: (-o.due).max(0),
            subsidy_received: if u.prefecture.is_some() { o.subsidy } else { 0 },
            ..Flows::default()
        },
    }));
    for (u, o) in units.iter().zip(own) {
        if let (RegionKind::County, Some(p)) = (u.kind, u.prefecture) {
            let f = &mut flows[p];
            f.from_counties += o.to_prefecture;
            f.base_received += o.due.max(0);
            f.base_paid += (-o.due).max(0);
            f.subsidy_paid += o.subsidy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_due_and_subsidy_land_on_both_sides() {
        let units = [
            Unit {
                kind: RegionKind::Prefecture,
                prefecture: None,
            },
            Unit {
                kind: RegionKind::County,
                prefecture: Some(0),
            },
            Unit {
                kind: RegionKind::County,
                prefecture: Some(0),
            },
        ];
        let own = [
            Own {
                retained: 1000,
                ..Own::default()
            },
            Own {
                retained: 300,
                to_prefecture: 40,
                due: 25,
                subsidy: 7,
                ..Own::default()
            },
            Own {
                retained: 200,
                to_prefecture: 10,
                due: -5,
                ..Own::default()
            },
        ];
        let mut flows = Vec::new();
        year_flows(&units, &own, &mut flows);
        assert_eq!(flows[0].from_counties, 50);
        assert_eq!((flows[0].base_received, flows[0].base_paid), (25, 5));
        assert_eq!(flows[0].subsidy_paid, 7);
        assert_eq!(flows[0].available(), 1000 + 50 + 25 - 5 - 7);
        assert_eq!(flows[1].available(), 300 - 25 + 7);
        assert_eq!(flows[2].available(), 200 + 5);
        // what leaves one region arrives at another: the three keep what they retained
        // plus what the counties pass up
        let total: i64 = flows.iter().map(Flows::available).sum();
        assert_eq!(total, 1000 + 300 + 200 + 40 + 10);
    }
}
