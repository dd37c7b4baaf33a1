//! `clearance validate`: check an edited template against its plan and list every problem.

use crate::Output;
use crate::campaign::validate::{check, missing_hidden_sheet, over_budget};
use crate::cli::{ReportFormat, ValidateArgs};
use crate::error::{Error, Result};
use crate::io::read::plan_file::read_plan;
use crate::io::read::template::read_template;
use crate::io::write::journal;

pub fn run(args: &ValidateArgs, out: &mut Output) -> Result<()> {
    for note in journal::settle_inputs(&[&args.plan, &args.template])? {
        out.stderr(&format!("warning: {note}\n"));
    }
    let plan = read_plan(&args.plan)?;
    let file = read_template(&args.template)?;
    let shown = args.template.display().to_string();
    if let Some(w) = missing_hidden_sheet(&plan, &file, &shown)? {
        out.stderr(&format!("warning: {shown}: {w}\n"));
    }
    let (problems, edited) = check(&plan, &file);
    if problems.is_empty()
        && let Some(over) = over_budget(&plan, &edited)
    {
        out.stderr(&format!("warning: {shown}: {}\n", over.message()));
    }
    match args.format {
        ReportFormat::Json => {
            let text = serde_json::to_string_pretty(&serde_json::json!({
                "template": args.template.display().to_string(),
                "plan_id": plan.plan_id,
                "valid": problems.is_empty(),
                "rows": file.rows.len(),
                "errors": problems,
            }))
            .map_err(|e| Error::Internal(e.to_string()))?;
            out.stdout(&text);
            out.stdout("\n");
        }
        ReportFormat::Text => {
            for p in &problems {
                out.text(&format!("{p}\n"));
            }
            let included = edited.iter().filter(|e| e.include).count();
            if problems.is_empty() {
                out.stderr(&format!(
                    "{}: valid; {} row(s), {included} included.\n",
                    args.template.display(),
                    file.rows.len()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Data(format!(
            "{}: {} problem(s) in the template; fix them and run validate again",
            args.template.display(),
            problems.len()
        )))
    }
}
