//! One module per command.

pub mod apply;
pub mod approve;
pub mod backtest;
pub mod completions;
pub mod inspect;
pub mod man;
pub mod plan;
pub mod report;
pub mod review;
pub mod template;
pub mod validate;
