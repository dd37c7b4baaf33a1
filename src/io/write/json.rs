//! `plan.json`: the machine contract (schema `clearance.plan/v1`).

use super::atomic::io_err;
use crate::error::Result;
use crate::model::Plan;
use std::io::Write;
use std::path::Path;

pub fn write_plan(plan: &Plan, w: &mut dyn Write, target: &Path) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, plan)
        .map_err(|e| io_err(target)(std::io::Error::other(e)))?;
    w.write_all(b"\n").map_err(io_err(target))
}
