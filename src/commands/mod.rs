//! One module per command.

pub mod inspect;
pub mod plan;
