//! Sweeps (参数扫描): a grid of scenarios around a base, each compared with a reference.
//! [`plan`] reads the sweep file and expands the grid; [`fast`] evaluates the points:
//! [`resplit`] splits again only what a point changes, on the flat region-year sums of
//! [`dense`], and [`summary`] turns those sums into the point's comparison summary.

pub mod dense;
pub mod fast;
pub mod plan;
pub mod resplit;
pub mod summary;

pub use fast::{Evaluator, PointResult};
pub use plan::{Axis, AxisKind, AxisValue, Point, SweepPlan};
