//! # fencheng 分成
//!
//! Exact revenue split, transfer baselines (划转基数) and the annual settlement (年终结算)
//! of counties under China's province-direct-county fiscal regime (省直管县).
//!
//! The data flow, one module per stage:
//! ledger → rules → split → baseline → settlement → scenario → report.
//!
//! ```
//! use fencheng::money::Rate;
//! use fencheng::split::Cascade;
//! // VAT 50 % central, 15 % of the local part to the province, 20 % of the rest to the prefecture
//! let vat = Cascade {
//!     central: Rate::parse("0.50").unwrap(),
//!     province: Rate::parse("0.15").unwrap(),
//!     prefecture: Rate::parse("0.20").unwrap(),
//!     prefecture_if_managed: Rate::parse("0.20").unwrap(),
//! };
//! let p = vat.split(100_001); // 1000.01 yuan, in fen
//! assert_eq!((p.to_central, p.to_province, p.to_prefecture, p.retained), (50_001, 7_500, 8_500, 34_000));
//! assert!(p.conserves());
//! ```

pub mod baseline;
pub mod engine;
pub mod error;
pub mod explain;
pub mod ledger;
pub mod money;
pub mod period;
pub mod reconcile;
pub mod regions;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod serve;
pub mod settlement;
pub mod split;
pub mod supervision;
pub mod synth;
pub mod tables;

pub use error::{Error, Result};
