//! `clearance completions SHELL`: the shell's completion script, made from the command line's
//! definition, on stdout.

use crate::Output;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use clap::CommandFactory;

pub fn run(args: &CompletionsArgs, out: &mut Output) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "clearance", &mut buf);
    out.stdout(&String::from_utf8_lossy(&buf));
    Ok(())
}
