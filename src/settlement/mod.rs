//! Settlement stage: statements per region and year (年终结算), the province roll-up, and
//! the invariant checks every run must pass.

pub mod checks;
mod flows;
pub mod kernel;
mod statement;

pub use checks::{verify, verify_statements, CheckResult};
pub use flows::{balance_due, per_capita, subsidy_for_months, Flows};
pub(crate) use statement::input_amount;
pub use statement::{region_years, settle, ProvinceRow, Regime, SettlementInputs, SettlementRow};
