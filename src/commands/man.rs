//! `clearance man`: the man page (roff), made from the command line's definition, on stdout.
//! One page for the whole program: its synopsis and options, then a COMMANDS section with each
//! command's synopsis, description, options and examples.

use crate::Output;
use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};
use clap::CommandFactory;

pub fn run(_args: &ManArgs, out: &mut Output) -> Result<()> {
    out.stdout(&page()?);
    Ok(())
}

/// The roff source of the page.
fn page() -> Result<String> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut top = Vec::new();
    let rendered = (|| -> std::io::Result<()> {
        man.render_name_section(&mut top)?;
        man.render_synopsis_section(&mut top)?;
        man.render_description_section(&mut top)?;
        man.render_options_section(&mut top)
    })();
    rendered.map_err(failed)?;
    let mut title = Vec::new();
    man.render_title(&mut title).map_err(failed)?;
    let title = String::from_utf8_lossy(&title);
    // `.TH` first; the roff crate's definition of the apostrophe string once, after it.
    let mut page: String = title
        .lines()
        .filter(|l| l.starts_with(".TH"))
        .map(|l| format!("{l}\n"))
        .collect();
    page.extend(
        title
            .lines()
            .filter(|l| is_preamble(l))
            .map(|l| format!("{l}\n")),
    );
    page.push_str(&body(&top));
    page.push_str(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        page.push_str(&format!(".SS \"{}\"\n", escape(name)));
        let man = clap_mangen::Man::new(sub.clone());
        let mut section = Vec::new();
        let rendered = (|| -> std::io::Result<()> {
            man.render_synopsis_section(&mut section)?;
            man.render_description_section(&mut section)?;
            man.render_options_section(&mut section)
        })();
        rendered.map_err(failed)?;
        // The command's sections become paragraphs of its subsection.
        for line in body(&section).lines() {
            match line.strip_prefix(".SH ") {
                Some("SYNOPSIS") | Some("DESCRIPTION") => page.push_str(".PP\n"),
                Some("OPTIONS") => page.push_str(".PP\n.B Options:\n"),
                Some(heading) => {
                    let heading = heading.trim_matches('"');
                    let mut chars = heading.chars();
                    let first: String = chars.next().map(String::from).unwrap_or_default();
                    let rest = chars.as_str().to_lowercase();
                    page.push_str(&format!(".PP\n.B \"{first}{rest} options:\"\n"));
                }
                None => {
                    page.push_str(line);
                    page.push('\n');
                }
            }
        }
        // Examples, one command a line, never filled into a paragraph.
        if let Some(examples) = sub.get_after_help() {
            page.push_str(".PP\n.nf\n");
            for line in examples.to_string().lines() {
                page.push_str(&escape(line));
                page.push('\n');
            }
            page.push_str(".fi\n");
        }
    }
    let mut version = Vec::new();
    man.render_version_section(&mut version).map_err(failed)?;
    page.push_str(&body(&version));
    Ok(page)
}

/// Rendered roff without the preamble the roff crate puts before every piece.
fn body(rendered: &[u8]) -> String {
    String::from_utf8_lossy(rendered)
        .lines()
        .filter(|l| !is_preamble(l))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

/// Text as roff shows it literally: backslashes and hyphens escaped, no control line.
fn escape(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}

fn failed(e: std::io::Error) -> Error {
    Error::Internal(format!("cannot write the man page: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_starts_with_its_title_and_has_every_command() {
        let page = super::page().expect("page");
        assert!(page.starts_with(".TH clearance 1"), "{page}");
        for name in ["plan", "template", "validate", "apply", "inspect", "man"] {
            assert!(
                page.contains(&format!(".SS \"clearance {name}\"")),
                "{name}"
            );
        }
        assert_eq!(page.matches(".ds Aq \\(aq").count(), 1);
    }

    #[test]
    fn examples_are_literal() {
        assert_eq!(super::escape("a-b \\x"), "a\\-b \\ex");
        assert_eq!(super::escape(".x"), "\\&.x");
    }
}
