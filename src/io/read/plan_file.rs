//! Reading a `plan.json` back (for `template`, `validate` and `apply`).

use crate::error::{Error, Result};
use crate::model::{PLAN_SCHEMA, Plan};
use std::path::Path;

pub fn read_plan(path: &Path) -> Result<Plan> {
    let bytes = std::fs::read(path).map_err(|e| Error::from_io_input(path, &e))?;
    let plan: Plan = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Data(format!(
            "{}: not a plan.json written by `clearance plan` ({e}); run `clearance plan` again and pass its plan.json",
            path.display()
        ))
    })?;
    if plan.schema != PLAN_SCHEMA {
        return Err(Error::Data(format!(
            "{}: schema \"{}\" is not {PLAN_SCHEMA}; this version of clearance reads {PLAN_SCHEMA} plans",
            path.display(),
            plan.schema
        )));
    }
    Ok(plan)
}
