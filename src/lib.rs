//! `clearance`: a command-line clearance planner for merchants.
//!
//! Data flows one way: read (`io::read`) → model → rules (`rules`, pure) → plan → writers
//! (`io::write`). `main.rs` only parses the command line and maps errors to exit statuses.

pub mod campaign;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod io;
pub mod model;
pub mod report;
pub mod rules;

use error::Result;
use model::Warning;
use std::io::Write;

/// Where results (stdout) and chatter (stderr) go. A closed stdout (`| head`) is not an error.
pub struct Output {
    stdout: std::io::BufWriter<std::io::Stdout>,
    broken: bool,
}

impl Output {
    pub fn new() -> Output {
        Output {
            stdout: std::io::BufWriter::new(std::io::stdout()),
            broken: false,
        }
    }
    pub fn stdout(&mut self, s: &str) {
        if self.broken {
            return;
        }
        if self.stdout.write_all(s.as_bytes()).is_err() {
            self.broken = true;
        }
    }
    pub fn stderr(&mut self, s: &str) {
        let _ = self.stdout.flush();
        let _ = std::io::stderr().write_all(s.as_bytes());
    }
    pub fn flush(&mut self) {
        if !self.broken {
            let _ = self.stdout.flush();
        }
    }
}

impl Default for Output {
    fn default() -> Self {
        Self::new()
    }
}

/// A spinner on stderr for long runs: only when both stdout and stderr are terminals, `NO_COLOR`
/// is not set and `--quiet` was not given; otherwise every call does nothing.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let wanted = !quiet
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stdout().is_terminal()
            && std::io::stderr().is_terminal();
        let bar = wanted.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }
    pub fn step(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
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

/// Run a parsed command line.
pub fn run(cli: cli::Cli, out: &mut Output) -> Result<()> {
    let result = match &cli.command {
        cli::Command::Plan(args) => commands::plan::run(args, out),
        cli::Command::Inspect(args) => commands::inspect::run(args, out),
        cli::Command::Template(args) => commands::template::run(args, out),
        cli::Command::Validate(args) => commands::validate::run(args, out),
        cli::Command::Apply(args) => commands::apply::run(args, out),
        cli::Command::Report(args) => commands::report::run(args, out),
        cli::Command::Review(args) => commands::review::run(args, out),
    };
    out.flush();
    result
}
