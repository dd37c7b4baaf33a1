//! `clearance template`: the editable upload template, for a plan or blank.

use crate::Output;
use crate::cli::TemplateArgs;
use crate::error::Result;
use crate::io::read::plan_file::read_plan;
use crate::io::write::atomic::{Staged, check_overwrite};
use crate::io::write::journal;
use crate::io::write::template::write_template;
use std::path::PathBuf;

pub fn run(args: &TemplateArgs, out: &mut Output) -> Result<()> {
    if let Some(p) = &args.plan {
        for note in journal::settle_inputs(&[p])? {
            out.stderr(&format!("warning: {note}\n"));
        }
    }
    let plan = match &args.plan {
        Some(p) => Some(read_plan(p)?),
        None => None,
    };
    let target = match (&args.out, &args.plan) {
        (Some(o), _) => o.clone(),
        (None, Some(p)) => p
            .parent()
            .map(|d| d.join("upload-template.xlsx"))
            .unwrap_or_else(|| "upload-template.xlsx".into()),
        (None, None) => PathBuf::from("upload-template.xlsx"),
    };
    check_overwrite(std::slice::from_ref(&target), args.force)?;
    let mut settled = Vec::new();
    let claim = journal::claim(
        &journal::folder_of(&target),
        journal::Folder::Files,
        journal::DEFAULT_WAIT,
        &mut settled,
    )?;
    for note in &settled {
        out.stderr(&format!("warning: {note}\n"));
    }
    let mut staged = Staged::new();
    staged.write_with_path(&target, |tmp| write_template(plan.as_ref(), &target, tmp))?;
    staged.commit(&claim)?;
    let rows = plan
        .as_ref()
        .map(|p| crate::campaign::template::template_lines(p).count())
        .unwrap_or(0);
    if let Some(m) = plan
        .as_ref()
        .and_then(|p| crate::campaign::template::template_cap_message(p.summary.planned))
    {
        out.stderr(&format!("warning: {m}\n"));
    }
    out.stderr(&format!("Wrote {} ({rows} row(s)).\n", target.display()));
    Ok(())
}
