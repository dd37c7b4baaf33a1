//! One module per command.

pub mod apply;
pub mod approve;
pub mod inspect;
pub mod plan;
pub mod report;
pub mod review;
pub mod template;
pub mod validate;
