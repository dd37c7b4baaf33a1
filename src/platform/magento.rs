//! magento: the import and revert files (see docs/platforms.md).

use super::PlatformFiles;
use crate::campaign::package::Campaign;
use crate::error::{Error, Result};
use crate::model::Plan;

pub fn files(_c: &Campaign, _plan: &Plan) -> Result<PlatformFiles> {
    Err(Error::Internal(
        "the magento import file is not written yet".into(),
    ))
}
