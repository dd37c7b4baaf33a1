//! The campaign side: the upload template's layout, the checks `validate` runs on an edited
//! template, and the campaign package `apply` builds. Pure logic, except `folder` (a campaign
//! folder and its revisions on disk) and `running` (a campaign's sales, the campaigns running on
//! a day), which the commands share so that no command imports another.

pub mod action;
pub mod approval;
pub mod folder;
pub mod header;
pub mod package;
pub mod review;
pub mod running;
pub mod template;
pub mod validate;
