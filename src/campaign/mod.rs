//! The campaign side: the upload template's layout, the checks `validate` runs on an edited
//! template, and the campaign package `apply` builds. Pure logic: files are read and written in
//! `io`, commands wire them together.

pub mod action;
pub mod header;
pub mod package;
pub mod review;
pub mod template;
pub mod validate;
