//! `clearance report`: the weekly report for cron. The week's folder is built beside its final
//! place and renamed into it, so a rerun replaces it whole and a failed run leaves the previous
//! one as it was. An OS lock on a lock file keeps two runs on one folder from interleaving.

use crate::Output;
use crate::cli::{OutputFormat, PlanArgs, ReportArgs};
use crate::config::resolve_report;
use crate::error::{Error, Result};
use crate::io::read::dates::iso_week;
use crate::io::write::atomic::{ensure_dir, fail_point};
use crate::io::write::journal::sync_dir;
use crate::io::write::lock::Lock;
use crate::io::write::report_text::{self, Chart};
use crate::io::write::report_xlsx;
use crate::model::Plan;
use crate::report::{self, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LOCK_FILE: &str = ".clearance-report.lock";

pub fn run(args: &ReportArgs, out: &mut Output) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let plan_args = PlanArgs {
        files: args.files.clone(),
        from_campaign: None,
        out: args.out.clone(),
        exit: None,
        target_sellthrough: None,
        what_if: false,
        budget: None,
        policy: args.policy.clone(),
        input: args.input.clone(),
        common: args.common.clone(),
    };
    // The report follows the tier rules; target mode ([target] in clearance.toml) is `plan`'s,
    // and is not even checked here (its exit date may have passed).
    let cfg = resolve_report(&plan_args, today)?;
    let as_of = cfg.as_of;
    let week = iso_week(as_of);
    if args.out.is_file() {
        return Err(Error::output(
            &args.out,
            "is a file; --out takes the reports folder",
        ));
    }
    ensure_dir(&args.out)?;
    let _lock = Lock::take(
        &args.out.join(LOCK_FILE),
        "clearance report",
        Duration::from_secs(args.lock_wait),
    )?;

    for note in settle_reports(&args.out) {
        out.stderr(&format!("warning: {note}\n"));
    }
    let target = args.out.join(&week);
    refuse_a_file_at(&target)?;

    let progress = crate::Progress::new(args.common.quiet);
    progress.step(format!("reading {}", args.files.catalog.display()));
    let plan = crate::planning::build_plan(&plan_args, &cfg)?;
    progress.step(format!("writing the {week} report"));
    let previous_week = iso_week(as_of - chrono::Duration::days(7));
    let previous = read_summary(&args.out.join(&previous_week).join("summary.json"));
    let dated = plan.lines.iter().any(|l| l.last_sale.is_some());
    let mut summary = report::summarise(&plan, as_of, &week, dated, previous.as_ref());
    let mut warnings = plan.warnings.clone();
    if let Some(dir) = &args.campaigns {
        let opts = crate::io::read::ReadOptions {
            date_order: cfg.date_order,
            ..args.input.read_options()
        };
        let sales = crate::campaign::running::SalesInputs {
            files: &args.files.sales,
            opts: &opts,
            maps: &args.input.maps,
        };
        summary.campaigns = crate::campaign::running::running_campaigns(
            dir,
            &sales,
            args.common.config.as_deref(),
            as_of,
            &mut warnings,
        )?;
    }
    summary.warnings = warnings.clone();
    let charts = charts(&plan);
    write_week(&args.out, &target, &summary, &charts)?;
    progress.finish();

    crate::print_run_warnings(&warnings, &plan.lines, args.common.quiet, out);
    match args.common.format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&summary)
                .map_err(|e| Error::Internal(e.to_string()))?;
            out.stdout(&text);
            out.stdout("\n");
        }
        _ => out.text(&format!(
            "Report {week} written to {} (report.html, report.xlsx, report.md, summary.json){}\n",
            target.display(),
            summary
                .previous_week
                .as_ref()
                .map(|p| format!("; compared with {p}"))
                .unwrap_or_default()
        )),
    }
    Ok(())
}

fn read_summary(path: &Path) -> Option<Summary> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn charts(plan: &Plan) -> Vec<Chart> {
    let value_by_class = {
        let mut v = Vec::new();
        for class in ["severe", "moderate", "balanced", "fast"] {
            let total = plan
                .lines
                .iter()
                .filter(|l| {
                    l.class.map(|c| c.as_str()) == Some(class)
                        && l.quantity
                            .get()
                            .is_some_and(|q| q > rust_decimal::Decimal::ZERO)
                })
                .fold(rust_decimal::Decimal::ZERO, |acc, l| {
                    crate::model::num::sat_add(acc, l.capital())
                });
            v.push((class.to_string(), total));
        }
        v
    };
    vec![
        ("Stock value by class".to_string(), value_by_class),
        (
            "Capital in slow movers by category".to_string(),
            report::capital_by_category(plan, 10),
        ),
        (
            "Candidates by tier (%)".to_string(),
            report::candidates_by_tier(plan)
                .into_iter()
                .map(|(b, n)| (b.to_string(), rust_decimal::Decimal::from(n)))
                .collect(),
        ),
    ]
}

fn write_file(dir: &Path, name: &str, text: &str) -> Result<()> {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path)
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    fail_point(&path)
}

/// A plain file (or anything but a folder or a symbolic link) where the week's folder goes is
/// someone's file: it is never replaced. (A symbolic link is replaced, never written through.)
fn refuse_a_file_at(target: &Path) -> Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if !meta.is_dir() && !meta.file_type().is_symlink() => Err(Error::output(
            target,
            "is a file where the report's week folder goes; it is not replaced: move or rename it and run again",
        )),
        _ => Ok(()),
    }
}

/// Build the week in a temporary folder inside `out`, then swap it into place.
fn write_week(out: &Path, target: &Path, summary: &Summary, charts: &[Chart]) -> Result<()> {
    let tmp = tempfile::Builder::new()
        .prefix(BUILD_PREFIX)
        .tempdir_in(out)
        .map_err(|e| Error::output(out, format!("cannot create a folder: {e}")))?;
    let dir = tmp.path();
    let json =
        serde_json::to_string_pretty(summary).map_err(|e| Error::Internal(e.to_string()))? + "\n";
    write_file(dir, "summary.json", &json)?;
    write_file(dir, "report.md", &report_text::markdown(summary))?;
    write_file(dir, "report.html", &report_text::html(summary, charts))?;
    let xlsx = dir.join("report.xlsx");
    report_xlsx::write(summary, charts, &target.join("report.xlsx"), &xlsx)?;
    std::fs::File::open(&xlsx)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::output(&xlsx, format!("cannot write: {e}")))?;
    fail_point(&xlsx)?;

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    sync_dir(dir);
    // Checked again: the file may have appeared while the report was built.
    refuse_a_file_at(target)?;
    let fresh = tmp.keep();
    let old = match swap_into_place(&fresh, target, out, &summary.week) {
        Ok(old) => old,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(Error::output(
                target,
                format!("cannot move the report into place: {e}"),
            ));
        }
    };
    sync_dir(out);
    if let Some(old) = old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

/// Temporary week folders (being built) and previous weeks (being replaced).
const BUILD_PREFIX: &str = ".clearance-report-";
const OLD_PREFIX: &str = ".clearance-old-";

/// Put the week built in `fresh` at `target`; returns the previous week's folder (now under a
/// hidden name) for the caller to remove. Where the system can swap two folders in one step
/// (Linux), the week is never missing; elsewhere the previous week is renamed aside first and
/// put back by the next run ([`settle_reports`]) if the run stops between the two renames.
fn swap_into_place(
    fresh: &Path,
    target: &Path,
    out: &Path,
    week: &str,
) -> std::io::Result<Option<PathBuf>> {
    // Anything at the name (a folder, a link: replaced, never followed) is swapped out.
    if std::fs::symlink_metadata(target).is_err() {
        std::fs::rename(fresh, target)?;
        return Ok(None);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, fresh, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            return Ok(Some(fresh.to_path_buf()));
        }
    }
    let aside = out.join(format!("{OLD_PREFIX}{week}-{}", std::process::id()));
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(fresh, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    Ok(Some(aside))
}

/// Under the report lock: what a stopped run left in the reports folder. A previous week set
/// aside (`.clearance-old-WEEK-PID`) is put back when its week folder is missing, otherwise
/// removed; weeks being built (`.clearance-report-*`) are removed. Returns notes for warnings.
fn settle_reports(out: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let (mut removed, mut restored) = (0usize, Vec::new());
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let week = name
            .strip_prefix(OLD_PREFIX)
            .and_then(|rest| rest.rsplit_once('-'))
            .map(|(week, _pid)| week.to_string());
        if let Some(week) = week.filter(|w| !w.is_empty() && !w.contains(['/', '\\']) && w != "..")
        {
            let target = out.join(&week);
            if is_dir
                && std::fs::symlink_metadata(&target).is_err()
                && std::fs::rename(&path, &target).is_ok()
            {
                restored.push(week);
                continue;
            }
        } else if !name.starts_with(BUILD_PREFIX) {
            continue;
        }
        if is_dir {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
        removed += 1;
    }
    sync_dir(out);
    let mut notes = Vec::new();
    if !restored.is_empty() {
        notes.push(format!(
            "{}: a run was stopped while it replaced {}; the previous report was put back",
            out.display(),
            restored.join(", ")
        ));
    }
    if removed > 0 {
        notes.push(format!(
            "{}: removed {removed} temporary folder(s) left by a run that was stopped",
            out.display()
        ));
    }
    notes
}
