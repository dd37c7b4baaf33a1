//! `clearance`: a command-line clearance planner for merchants.
//!
//! Data flows one way: read (`io::read`) → model → rules (`rules`, pure) → plan → writers
//! (`io::write`). `main.rs` only parses the command line and maps errors to exit statuses.

pub mod campaign;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod forecast;
pub mod io;
pub mod model;
pub mod planning;
pub mod platform;
pub mod report;
pub mod rules;

use error::Result;
use model::Warning;
use std::io::Write;

/// Where results (stdout) and chatter (stderr) go. A closed stdout (`| head`) is not an error.
pub struct Output {
    stdout: std::io::BufWriter<std::io::Stdout>,
    /// Whether stdout stopped taking output: its reader went away (`head`, `less` quit: a
    /// broken pipe, not an error) or a write failed (`failed`).
    broken: bool,
    /// The first write to stdout that failed other than a broken pipe (a full disk, a
    /// redirect to a file that cannot grow): reported by `finish`, the exit status 73.
    failed: Option<std::io::Error>,
    /// The width chatter is wrapped to, when stderr is a terminal.
    stderr_width: Option<usize>,
}

impl Output {
    pub fn new() -> Output {
        Output {
            stdout: std::io::BufWriter::new(std::io::stdout()),
            broken: false,
            failed: None,
            stderr_width: stderr_width(),
        }
    }
    pub fn stdout(&mut self, s: &str) {
        if self.broken {
            return;
        }
        let written = self.stdout.write_all(s.as_bytes());
        self.note(written);
    }
    /// Records a failed write: a broken pipe stops the output quietly, any other error too
    /// and is kept for `finish`.
    fn note(&mut self, written: std::io::Result<()>) {
        if let Err(e) = written {
            self.broken = true;
            if e.kind() != std::io::ErrorKind::BrokenPipe && self.failed.is_none() {
                self.failed = Some(e);
            }
        }
    }
    /// Text for a person on stdout (tables, summaries): control characters from input text
    /// are shown as visible escapes (`io::write::inert::terminal_text`). Machine formats (JSON,
    /// CSV) go through [`Output::stdout`] unchanged.
    pub fn text(&mut self, s: &str) {
        let s = io::write::inert::terminal_text(s);
        self.stdout(&s);
    }
    /// Chatter on stderr (warnings, errors): always for a person, so always made inert, and
    /// on a terminal wrapped at spaces to its width (a log or a cron mail gets whole lines).
    pub fn stderr(&mut self, s: &str) {
        self.flush();
        let s = io::write::inert::terminal_text(s);
        let s = io::write::fit::wrap(&s, self.stderr_width);
        let _ = std::io::stderr().write_all(s.as_bytes());
    }
    pub fn flush(&mut self) {
        if !self.broken {
            let flushed = self.stdout.flush();
            self.note(flushed);
        }
    }
    /// Flushes stdout; the error when part of the results could not be written to it (a
    /// broken pipe is not one: the reader had what it wanted). Call it last: an `Output`
    /// dropped without it loses that error.
    pub fn finish(&mut self) -> std::result::Result<(), std::io::Error> {
        self.flush();
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Default for Output {
    fn default() -> Self {
        Self::new()
    }
}

/// The width terminal tables are fitted to: `COLUMNS` when it is set to a number above 0, else
/// the terminal's width when stdout is a terminal, else no limit (piped or redirected output
/// keeps every column, for `less -S`, `grep` or a file).
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if let Some(n) = columns() {
        return Some(n);
    }
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0))
}

/// The width warnings and errors are wrapped to: only when stderr is a terminal, `COLUMNS` or
/// the terminal's width.
fn stderr_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    columns().or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
}

/// `COLUMNS` when it is a number above 0.
fn columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
}

/// Counters the readers and writers advance, shown by the progress spinner.
pub mod counters {
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Data rows read from input files (catalog and sales) by this process.
    pub static ROWS_READ: AtomicU64 = AtomicU64::new(0);
    /// Plan lines written to plan.json.
    pub static LINES_WRITTEN: AtomicU64 = AtomicU64::new(0);

    pub fn row_read() {
        ROWS_READ.fetch_add(1, Ordering::Relaxed);
    }
    pub fn line_written() {
        LINES_WRITTEN.fetch_add(1, Ordering::Relaxed);
    }
}

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A spinner on stderr for long runs, with the rows read and lines written so far: only when
/// both stdout and stderr are terminals, `NO_COLOR` is not set and `--quiet` was not given;
/// otherwise every call does nothing.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    step: std::sync::Arc<std::sync::Mutex<String>>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let wanted = !quiet
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stdout().is_terminal()
            && std::io::stderr().is_terminal();
        let step = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let bar = wanted.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            // A ticker thread puts the counters into the message.
            let (b, st, dn) = (bar.clone(), step.clone(), done.clone());
            std::thread::spawn(move || {
                use std::sync::atomic::Ordering;
                while !dn.load(Ordering::Relaxed) {
                    let rows = counters::ROWS_READ.load(Ordering::Relaxed);
                    let lines = counters::LINES_WRITTEN.load(Ordering::Relaxed);
                    let mut msg = st.lock().map(|s| s.clone()).unwrap_or_default();
                    if rows > 0 {
                        msg.push_str(&format!(" · {} rows read", grouped(rows)));
                    }
                    if lines > 0 {
                        msg.push_str(&format!(" · {} lines written", grouped(lines)));
                    }
                    b.set_message(msg);
                    std::thread::sleep(std::time::Duration::from_millis(150));
                }
            });
            bar
        });
        Progress { bar, step, done }
    }
    pub fn step(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            let message = message.into();
            if let Ok(mut s) = self.step.lock() {
                *s = message.clone();
            }
            bar.set_message(message);
        }
    }
    pub fn finish(&self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Phase timings on stderr when the environment variable `CLEARANCE_TIMINGS` is set, for
/// benchmarks (`timing: sales 4.81 s`, wall clock since the previous mark); nothing otherwise.
pub struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    pub fn from_env() -> Timings {
        Timings {
            last: std::env::var_os("CLEARANCE_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }
    /// Run `f` and, when timings are on, print how long it took under `label` (for work on
    /// other threads, whose time `mark` cannot see).
    pub fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
        if std::env::var_os("CLEARANCE_TIMINGS").is_none() {
            return f();
        }
        let start = std::time::Instant::now();
        let out = f();
        eprintln!(
            "timing:   {label} {:.2} s{}",
            start.elapsed().as_secs_f64(),
            memory_now()
        );
        out
    }
    pub fn mark(&mut self, phase: &str) {
        if let Some(last) = self.last {
            eprintln!(
                "timing: {phase} {:.2} s{}",
                last.elapsed().as_secs_f64(),
                memory_now()
            );
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// `, rss 512 MB, peak 660 MB` from /proc/self/status (Linux); empty elsewhere.
fn memory_now() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(", rss {} MB, peak {} MB", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}

/// The text of a caught panic.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown failure".into())
}

/// `file, sheet "S", row 14, column "price": message`
pub fn format_warning(w: &Warning) -> String {
    let mut s = w.file.clone();
    if let Some(sheet) = &w.sheet {
        s.push_str(&format!(", sheet \"{sheet}\""));
    }
    if let Some(row) = w.row {
        s.push_str(&format!(", row {row}"));
    }
    if let Some(col) = &w.column {
        s.push_str(&format!(", column {col}"));
    }
    format!("{s}: {}", w.message)
}

/// How many warnings are printed on stderr; all of them are in plan.json and plan.xlsx.
const MAX_PRINTED_WARNINGS: usize = 20;

pub fn print_warnings(warnings: &[Warning], out: &mut Output) {
    for w in warnings.iter().take(MAX_PRINTED_WARNINGS) {
        out.stderr(&format!("warning: {}\n", format_warning(w)));
    }
    if warnings.len() > MAX_PRINTED_WARNINGS {
        out.stderr(&format!(
            "warning: ... and {} more; all warnings are in plan.json and the Data issues sheet of plan.xlsx\n",
            warnings.len() - MAX_PRINTED_WARNINGS
        ));
    }
}

/// A plan's warnings on stderr; with `--quiet`, only the one saying that nothing could be
/// classified (first when present), so a quiet run never reads as an all-clear.
pub fn print_run_warnings(
    warnings: &[Warning],
    lines: &[model::PlanLine],
    quiet: bool,
    out: &mut Output,
) {
    if !quiet {
        print_warnings(warnings, out);
    } else if rules::nothing_classified(lines).is_some() {
        print_warnings(&warnings[..warnings.len().min(1)], out);
    } else {
        // A template short of planned lines is said even to a quiet run: a cron job must not
        // campaign part of a plan without a word.
        let planned = lines
            .iter()
            .filter(|l| l.status == model::LineStatus::Planned)
            .count();
        if let Some(m) = campaign::template::template_cap_message(planned) {
            out.stderr(&format!("warning: {m}\n"));
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: cli::Cli, out: &mut Output) -> Result<()> {
    let result = match &cli.command {
        cli::Command::Plan(args) => commands::plan::run(args, out),
        cli::Command::Backtest(args) => commands::backtest::run(args, out),
        cli::Command::Inspect(args) => commands::inspect::run(args, out),
        cli::Command::Template(args) => commands::template::run(args, out),
        cli::Command::Validate(args) => commands::validate::run(args, out),
        cli::Command::Apply(args) => commands::apply::run(args, out),
        cli::Command::Approve(args) => commands::approve::run(args, out),
        cli::Command::Report(args) => commands::report::run(args, out),
        cli::Command::Review(args) => commands::review::run(args, out),
        cli::Command::Completions(args) => commands::completions::run(args, out),
        cli::Command::Man(args) => commands::man::run(args, out),
    };
    out.flush();
    result
}

#[cfg(test)]
mod progress_tests {
    #[test]
    fn counts_are_grouped() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(1234567), "1,234,567");
    }
}
