//! `clearance plan`: read → rules → plan (`planning`) → files and a terminal summary.

use crate::cli::{OutputFormat, PlanArgs};
use crate::config::resolve_plan;
use crate::error::{Error, Result};
use crate::io::write::atomic::{Staged, check_overwrite};
use crate::io::write::journal;
use crate::io::write::{csv_out, json, template, terminal, xlsx};
use crate::{Output, print_run_warnings};
use std::path::{Path, PathBuf};

pub const PLAN_FILES: [&str; 4] = ["plan.json", "plan.csv", "plan.xlsx", "upload-template.xlsx"];

pub fn run(args: &PlanArgs, out: &mut Output) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let cfg = resolve_plan(args, today)?;
    let targets: Vec<PathBuf> = PLAN_FILES.iter().map(|f| args.out.join(f)).collect();
    // Check that outputs can be written before the heavy work.
    check_overwrite(&targets, args.common.force)?;
    if args.out.is_file() {
        return Err(Error::output(&args.out, "is a file; --out takes a folder"));
    }

    let progress = crate::Progress::new(args.common.quiet);
    progress.step(format!("reading {}", args.files.catalog.display()));
    let plan = crate::planning::build_plan(args, &cfg)?;
    let mut timings = crate::Timings::from_env();
    progress.step(format!(
        "writing {} lines to {}",
        plan.summary.lines,
        args.out.display()
    ));

    // The folder's write lock for the rest of the run; what a stopped run left is settled first.
    let mut settled = Vec::new();
    let claim = journal::claim(
        &args.out,
        journal::Folder::Files,
        journal::DEFAULT_WAIT,
        &mut settled,
    )?;
    for note in &settled {
        out.stderr(&format!("warning: {note}\n"));
    }
    // Each workbook on its own thread while JSON and CSV are written; all renamed into place together.
    let plan_ref = &plan;
    let targets_ref = &targets;
    let (staged_xlsx, staged) = std::thread::scope(|scope| {
        let xlsx_job = scope.spawn(move || -> Result<Staged> {
            let mut st = Staged::new();
            crate::Timings::time("plan.xlsx", || {
                st.write_with_path(&targets_ref[2], |tmp| {
                    xlsx::write_plan(plan_ref, &targets_ref[2], tmp)
                })
            })?;
            st.start_writeback();
            Ok(st)
        });
        let template_job = scope.spawn(move || -> Result<Staged> {
            let mut st = Staged::new();
            crate::Timings::time("upload-template.xlsx", || {
                st.write_with_path(&targets_ref[3], |tmp| {
                    template::write_template(Some(plan_ref), &targets_ref[3], tmp)
                })
            })?;
            st.start_writeback();
            Ok(st)
        });
        let text = (|| -> Result<Staged> {
            let mut st = Staged::new();
            crate::Timings::time("plan.json", || {
                st.write(&targets_ref[0], |w| {
                    json::write_plan(plan_ref, w, &targets_ref[0])
                })
            })?;
            crate::Timings::time("plan.csv", || {
                st.write(&targets_ref[1], |w| {
                    csv_out::write_plan(plan_ref, w, &targets_ref[1])
                })
            })?;
            st.start_writeback();
            Ok(st)
        })();
        let joined = |job: std::thread::ScopedJoinHandle<'_, Result<Staged>>| {
            job.join()
                .unwrap_or_else(|_| Err(Error::Internal("an XLSX writer panicked".into())))
        };
        let mut xlsx = joined(xlsx_job);
        if let (Ok(st), template) = (&mut xlsx, joined(template_job)) {
            match template {
                Ok(t) => st.merge(t),
                Err(e) => return (Err(e), text),
            }
        }
        (xlsx, text)
    });
    let staged_xlsx = staged_xlsx?;
    let mut staged = staged?;
    staged.merge(staged_xlsx);
    crate::Timings::time("rename into place", || staged.commit(&claim))?;
    timings.mark("plan files");
    progress.finish();

    print_run_warnings(&plan.warnings, &plan.lines, args.common.quiet, out);
    match args.common.format {
        OutputFormat::Table => out.text(&terminal::render(&plan, crate::terminal_width())),
        OutputFormat::Json => {
            let text =
                serde_json::to_string_pretty(&plan).map_err(|e| Error::Internal(e.to_string()))?;
            out.stdout(&text);
            out.stdout("\n");
        }
        OutputFormat::Csv => {
            let mut buf = Vec::new();
            csv_out::write_plan(&plan, &mut buf, Path::new("-"))?;
            out.stdout(&String::from_utf8_lossy(&buf));
        }
    }
    if !args.common.quiet {
        out.stderr(&format!(
            "Wrote {} ({}) for {} line(s).\n",
            args.out.display(),
            PLAN_FILES.join(", "),
            plan.summary.lines
        ));
    }
    Ok(())
}
