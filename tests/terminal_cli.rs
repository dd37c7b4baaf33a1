//! What the merchant sees in a terminal: tables fitted to the width (`COLUMNS`), help text that
//! wraps without cutting an example, shell completions and the man page.

mod common;

use common::bin;
use std::collections::BTreeSet;
use unicode_width::UnicodeWidthStr;

const CATALOG: &str = "examples/catalog.xlsx";
const SALES: &str = "examples/sales.csv";
const AS_OF: &str = "2026-11-20";

/// `plan` on the example shop with `COLUMNS` set: (stdout, plan.csv).
fn plan_at(columns: &str) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let run = bin()
        .env("COLUMNS", columns)
        .args([
            "plan", CATALOG, "--sales", SALES, "--as-of", AS_OF, "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run clearance");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let csv = std::fs::read_to_string(out.join("plan.csv")).expect("plan.csv");
    (String::from_utf8_lossy(&run.stdout).into_owned(), csv)
}

/// Every cell of the table's rows, trimmed.
fn cells(table: &str) -> BTreeSet<String> {
    table
        .lines()
        .filter(|l| l.starts_with('│'))
        .flat_map(|l| l.split(['│', '┆']))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The header cells of the table.
fn header(table: &str) -> Vec<String> {
    table
        .lines()
        .find(|l| l.starts_with('│'))
        .map(|l| {
            l.split(['│', '┆'])
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.width() <= width,
            "line of {} columns at COLUMNS={width}:\n{line}\n\n{text}",
            line.width()
        );
    }
}

/// The first 20 planned lines of plan.csv (the table's rows), as maps of column to value.
fn planned(csv: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| r.expect("record"))
        .map(|r| {
            head.iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect::<std::collections::BTreeMap<_, _>>()
        })
        .filter(|r| r["status"] == "planned")
        .take(20)
        .collect()
}

/// Every discount, clearance price and (when shown) price of the table's lines is a whole cell.
fn assert_numbers_whole(stdout: &str, csv: &str) {
    let cells = cells(stdout);
    let header = header(stdout);
    let lines = planned(csv);
    assert_eq!(lines.len(), 20);
    for l in &lines {
        let discount = format!("{}%", l["discount_pct"]);
        assert!(cells.contains(&discount), "{discount} not whole:\n{stdout}");
        assert!(
            cells.contains(&l["clearance_price"]),
            "{} not whole:\n{stdout}",
            l["clearance_price"]
        );
        assert!(
            cells.contains(&l["sku"]),
            "{} not whole:\n{stdout}",
            l["sku"]
        );
        if header.iter().any(|h| h == "Price") {
            assert!(cells.contains(&l["price"]), "{} not whole", l["price"]);
        }
    }
}

#[test]
fn the_plan_table_fits_60_columns() {
    let (stdout, csv) = plan_at("60");
    assert_fits(&stdout, 60);
    assert_numbers_whole(&stdout, &csv);
    assert!(stdout.contains("Columns left out at this width: Class, Sold/On hand,"));
    insta::assert_snapshot!("plan_table_60", stdout);
}

#[test]
fn the_plan_table_fits_80_columns() {
    let (stdout, csv) = plan_at("80");
    assert_fits(&stdout, 80);
    assert_numbers_whole(&stdout, &csv);
    assert_eq!(
        header(&stdout),
        [
            "#", "SKU", "Name", "Sold/Qty", "Disc.", "Price", "Clear.", "Limit"
        ]
    );
    assert!(
        stdout.contains(
            "Columns left out at this width: Class, Velocity; plan.csv has every column."
        )
    );
    insta::assert_snapshot!("plan_table_80", stdout);
}

#[test]
fn the_plan_table_at_120_columns_shows_every_column() {
    let (stdout, csv) = plan_at("120");
    assert_fits(&stdout, 120);
    assert_numbers_whole(&stdout, &csv);
    assert_eq!(header(&stdout).len(), 10);
    assert!(!stdout.contains("left out"));
    insta::assert_snapshot!("plan_table_120", stdout);
}

#[test]
fn piped_without_columns_the_table_keeps_every_column_in_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = bin()
        .args(["plan", CATALOG, "--sales", SALES, "--as-of", AS_OF, "-q"])
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("run clearance");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("Step ladder - Charcoal"), "{stdout}");
    assert!(stdout.contains("margin_floor"), "{stdout}");
    // A value that is not a number is ignored: no limit either.
    let run = bin()
        .env("COLUMNS", "wide")
        .args(["plan", CATALOG, "--sales", SALES, "--as-of", AS_OF, "-q"])
        .arg("--out")
        .arg(dir.path().join("out2"))
        .output()
        .expect("run clearance");
    assert_eq!(String::from_utf8_lossy(&run.stdout), stdout);
}

#[test]
fn wide_names_are_cut_by_display_width() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "sku,name,quantity,price,cost\n\
         JP-1,日本製の木製ガーデンベンチ大型サイズ,40,120.00,50.00\n\
         JP-2,Ａｒｍｃｈａｉｒ ｗｉｄｅ ｌｅｔｔｅｒｓ,30,80.00,30.00\n",
    )
    .expect("write catalog");
    let run = bin()
        .env("COLUMNS", "60")
        .arg("plan")
        .arg(&catalog)
        .args(["--as-of", AS_OF, "-q", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .expect("run clearance");
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_fits(&stdout, 60);
    assert!(stdout.contains('…'), "{stdout}");
    assert!(stdout.contains("日本製"), "{stdout}");
    for cell in ["JP-1", "JP-2", "25%", "90.00", "60.00"] {
        assert!(cells(&stdout).contains(cell), "{cell}:\n{stdout}");
    }
}

#[test]
fn inspect_fits_80_columns() {
    let run = bin()
        .env("COLUMNS", "80")
        .args(["inspect", CATALOG])
        .output()
        .expect("run clearance");
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_fits(&stdout, 80);
    let cells = cells(&stdout);
    for cell in [
        "HO-1001",
        "45",
        "80.99",
        "27.51",
        "Garden hose 25 m",
        "Garden",
    ] {
        assert!(cells.contains(cell), "{cell}:\n{stdout}");
    }
    insta::assert_snapshot!("inspect_80", stdout);
}

#[test]
fn inspect_of_sales_fits_60_columns() {
    let run = bin()
        .env("COLUMNS", "60")
        .args(["inspect", SALES, "--sales"])
        .output()
        .expect("run clearance");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_fits(&stdout, 60);
    assert!(cells(&stdout).contains("2026-08-01"), "{stdout}");
    assert!(stdout.contains("Columns left out at this width: customer"));
}

// ---------------------------------------------------------------- help

const COMMANDS: [&str; 11] = [
    "plan",
    "template",
    "validate",
    "apply",
    "report",
    "review",
    "approve",
    "backtest",
    "inspect",
    "completions",
    "man",
];

#[test]
fn help_at_80_columns_has_no_long_line_and_whole_examples() {
    for command in COMMANDS {
        let run = bin()
            .env("COLUMNS", "80")
            .args([command, "--help"])
            .output()
            .expect("run clearance");
        assert_eq!(run.status.code(), Some(0), "{command}");
        let help = String::from_utf8_lossy(&run.stdout).into_owned();
        assert_fits(&help, 80);
        let examples: Vec<&str> = help
            .split("\nExamples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has examples:\n{help}"))
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .collect();
        assert!(!examples.is_empty(), "{command}");
        for line in examples {
            assert!(
                line.starts_with(&format!("  clearance {command} ")),
                "{command}: an example line that is not a whole command: {line:?}\n{help}"
            );
            assert!(!line.ends_with('\\'), "{line}");
        }
        // The help says what the command writes or prints.
        assert!(
            ["Writes", "writes", "Prints", "Print", "write"]
                .iter()
                .any(|w| help.contains(w)),
            "{command}: {help}"
        );
    }
}

#[test]
fn the_top_level_help_fits_80_columns_and_lists_every_command() {
    let run = bin()
        .env("COLUMNS", "80")
        .arg("--help")
        .output()
        .expect("run clearance");
    let help = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_fits(&help, 80);
    for command in COMMANDS {
        assert!(
            help.contains(&format!("  {command} ")),
            "{command}:\n{help}"
        );
    }
}

#[test]
fn examples_in_help_are_whole_lines() {
    let run = bin()
        .env("COLUMNS", "80")
        .args(["apply", "--help"])
        .output()
        .expect("run clearance");
    let help = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(help.contains(
        "  clearance apply edited.xlsx --plan plan.json -o campaigns/ --approve --by Ann\n"
    ));
    assert!(help.contains(
        "  clearance apply upload-template.xlsx --plan plan/plan.json --out campaigns/\n"
    ));
}

// ---------------------------------------------------------------- completions and man

#[test]
fn bash_completions_name_every_command() {
    let run = bin()
        .args(["completions", "bash"])
        .output()
        .expect("run clearance");
    assert_eq!(run.status.code(), Some(0));
    let script = String::from_utf8_lossy(&run.stdout);
    assert!(script.contains("_clearance()"), "{script}");
    for command in COMMANDS {
        assert!(script.contains(command), "{command}");
    }
    assert!(script.contains("--sales"));
}

#[test]
fn completions_for_the_other_shells() {
    for (shell, mark) in [
        ("zsh", "#compdef clearance"),
        ("fish", "complete -c clearance"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = bin()
            .args(["completions", shell])
            .output()
            .expect("run clearance");
        assert_eq!(run.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&run.stdout).contains(mark),
            "{shell}"
        );
    }
    let run = bin()
        .args(["completions", "tcsh"])
        .output()
        .expect("run clearance");
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn the_man_page_names_every_command() {
    let run = bin().arg("man").output().expect("run clearance");
    assert_eq!(run.status.code(), Some(0));
    let page = String::from_utf8_lossy(&run.stdout);
    assert!(page.starts_with(".TH clearance 1"), "{page}");
    for command in COMMANDS {
        assert!(
            page.contains(&format!(".SS \"clearance {command}\"")),
            "{command}"
        );
    }
    // Examples stay one command a line.
    assert!(page.contains(".nf\nExamples:\n  clearance plan catalog.xlsx \\-\\-sales orders.csv"));
}
