//! Sweeps (参数扫描): a grid of scenarios around a base, each compared with a reference.
//! [`plan`] reads the sweep file and expands the grid; [`fast`] evaluates points by
//! re-splitting only what each point changes.

pub mod fast;
pub mod plan;

pub use fast::{Evaluator, PointResult};
pub use plan::{Axis, AxisKind, AxisValue, Point, SweepPlan};
