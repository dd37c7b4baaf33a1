//! `clearance backtest`: read the sales (and a catalog, for the categories), split them into a
//! training window and a holdout, fit the demand model on the training window and score its
//! predictions at the holdout's prices against what sold (`forecast::backtest`, pure), then
//! print the table or the JSON (docs/forecast.md "Backtest"). Writes no file.

use crate::Output;
use crate::cli::{BacktestArgs, BacktestFormat};
use crate::error::{Error, Result};
use crate::forecast::backtest::{self, Backtest, Score, SkuInput, Split};
use crate::forecast::{DEFAULT_ELASTICITY, Source};
use crate::io::read::ReadOptions;
use crate::io::read::catalog::read_catalog;
use crate::io::read::sales::{
    Basis, PricePoint, SalesRead, SalesTotals, Window, aggregate_sales, open_sales, sold_skus,
};
use crate::io::write::fit::{self, Column};
use crate::io::write::inert::terminal_cell;
use crate::model::{CatalogExtra, CatalogLine, Warning};
use crate::rules::target::{NO_CATEGORY, category_key, daily};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// Field names of `--format json` (docs/forecast.md "Backtest"); bump when one changes meaning.
pub const BACKTEST_SCHEMA: &str = "clearance.backtest/1";

pub fn run(args: &BacktestArgs, out: &mut Output) -> Result<()> {
    let split = Split::new(args.as_of, args.holdout_days, args.window).ok_or_else(|| {
        Error::Usage(format!(
            "--as-of {} with --holdout-days {} and --window {} reaches before the calendar's first day",
            args.as_of, args.holdout_days, args.window
        ))
    })?;
    let opts = ReadOptions {
        as_of: Some(args.as_of),
        date_order: crate::config::date_order(
            args.config.as_deref(),
            args.input.date_order.map(Into::into),
        )?,
        ..args.input.read_options()
    };
    // Sales are read without the catalog's sheet choice: a sales file has its own first sheet.
    let sales_opts = ReadOptions {
        sheet: None,
        ..opts.clone()
    };
    let maps = &args.input.maps;
    let sales_files = args
        .sales
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut warnings: Vec<Warning> = Vec::new();

    // The lines the sales are added up on: the catalog's skus, else the skus the sales sell.
    let lines = match &args.catalog {
        Some(path) => catalog_lines(path, &opts, maps, &mut warnings)?,
        None => sold_lines(args, &sales_opts, &sales_files, &mut warnings)?,
    };

    // Which files carry a unit price paid: without one the model cannot learn a response.
    let mut priced_files = 0;
    for path in &args.sales {
        let (_, header) = open_sales(path, &sales_opts, maps)?;
        if header.has("unit_price") {
            priced_files += 1;
        } else if args.sales.len() > 1 {
            warnings.push(Warning {
                file: path.display().to_string(),
                sheet: None,
                row: None,
                column: None,
                message: "this sales file has no unit price paid column (unit_price, Lineitem price, UnitPrice; or --map unit_price=COLUMN): its units count in the base rates, not in the elasticity fit".into(),
            });
        }
    }
    if priced_files == 0 {
        warnings.push(Warning {
            file: sales_files.clone(),
            sheet: None,
            row: None,
            column: None,
            message: format!(
                "the sales carry no unit price paid (a unit_price, Lineitem price or UnitPrice column; or --map unit_price=COLUMN), so the model cannot learn a price response: every category gets the default elasticity {DEFAULT_ELASTICITY:.1} and the model predicts the holdout as the baseline"
            ),
        });
    }

    let training_window = Window::new(split.training_end, split.training_days);
    let holdout_window = Window::new(split.holdout_end, split.holdout_days);
    let training = read_window(args, &sales_opts, &lines, training_window)?;
    let holdout = read_window(args, &sales_opts, &lines, holdout_window)?;
    // A warning both reads give alike (a column, the date order) is said once; one that counts
    // the window's lines (skus not in the catalog, unreadable prices) says which window.
    for (read, other, name, window) in [
        (&training, &holdout, "training window", training_window),
        (&holdout, &training, "holdout", holdout_window),
    ] {
        for w in &read.warnings {
            if other.warnings.contains(w) {
                if !warnings.contains(w) {
                    warnings.push(w.clone());
                }
            } else {
                warnings.push(Warning {
                    message: format!(
                        "in the {name} ({} to {}): {}",
                        window.start, window.end, w.message
                    ),
                    ..w.clone()
                });
            }
        }
    }

    let sold = |units: &[Decimal]| units.iter().filter(|u| **u > Decimal::ZERO).count();
    if sold(&training.units) == 0 {
        return Err(Error::Data(format!(
            "{sales_files}: no sale in the training window {} to {} (the {} days before the holdout {} to {}){}; pass sales that cover it, or a shorter --window",
            split.training_start,
            split.training_end,
            split.training_days,
            split.holdout_start,
            split.holdout_end,
            span_text(&training.reads)
        )));
    }
    if sold(&holdout.units) == 0 {
        return Err(Error::Data(format!(
            "{sales_files}: no sale in the holdout {} to {} (the {} days ending at --as-of){}; pass sales that cover it, or an --as-of within the sales",
            split.holdout_start,
            split.holdout_end,
            split.holdout_days,
            span_text(&holdout.reads)
        )));
    }
    if let Some(message) = late_training(&training.reads, &split) {
        warnings.push(Warning {
            file: sales_files.clone(),
            sheet: None,
            row: None,
            column: training.reads.first().and_then(|r| r.date_column.clone()),
            message,
        });
    }

    let skus = inputs(&lines, &split, &training, &holdout);
    let settings = crate::forecast::ElasticitySettings {
        default: crate::config::forecast_elasticity(args.config.as_deref())?,
        ..crate::forecast::ElasticitySettings::default()
    };
    let result = backtest::run(split, &skus, &settings);
    if result.categories.len() == 1 && result.categories[0].category == NO_CATEGORY {
        // Said once, in the words of where the categories were looked for.
        if !warnings.iter().any(|w| w.message.contains(NO_CATEGORY)) {
            warnings.push(Warning {
                file: args
                    .catalog
                    .as_ref()
                    .map_or(sales_files.clone(), |p| p.display().to_string()),
                sheet: None,
                row: None,
                column: None,
                message: format!(
                    "no sku has a category, so every sku is in \"{NO_CATEGORY}\" and one elasticity is learned for all"
                ),
            });
        }
    }

    let width = crate::terminal_width();
    match args.format {
        BacktestFormat::Json => {
            let text = serde_json::to_string_pretty(&to_json(&result, &warnings))
                .map_err(|e| Error::Internal(e.to_string()))?;
            out.stdout(&text);
            out.stdout("\n");
        }
        BacktestFormat::Table => out.text(&render(&result, width)),
    }
    if !args.quiet {
        for w in &warnings {
            out.stderr(&format!("warning: {}\n", crate::format_warning(w)));
        }
    }
    Ok(())
}

/// The catalog's skus, once each (a sku at several locations is one sku here), with the
/// category and names of its first line.
fn catalog_lines(
    path: &std::path::Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<CatalogLine>> {
    let catalog = read_catalog(path, opts, maps)?;
    if catalog.lines.is_empty() {
        return Err(Error::Data(format!(
            "{}: none of its {} data row(s) is a catalog line (a product or variant with a sku or handle), so no sku has a category; check that the file is the catalog export, or leave --catalog out",
            path.display(),
            catalog.rows
        )));
    }
    warnings.extend(catalog.warnings);
    if !catalog.header.has("category") {
        warnings.push(Warning {
            file: path.display().to_string(),
            sheet: catalog.sheet.clone(),
            row: None,
            column: None,
            message: format!(
                "the catalog has no category column (category, Product Category, Type; or --map category=COLUMN): every sku is in \"{NO_CATEGORY}\""
            ),
        });
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut lines: Vec<CatalogLine> = Vec::new();
    for mut l in catalog.lines {
        let sku = l.sku.trim().to_string();
        match seen.get(&sku) {
            Some(&i) => {
                let first = &mut lines[i];
                let aliases = l.take_extra().aliases;
                if !aliases.is_empty() {
                    first.extra_mut().aliases.extend(aliases);
                }
                if first.category.is_none() {
                    first.category = l.category;
                }
            }
            None => {
                seen.insert(sku.clone(), lines.len());
                let aliases = l.take_extra().aliases;
                let mut line = CatalogLine {
                    row: l.row,
                    sku: sku.into(),
                    name: l.name,
                    category: l.category,
                    ..CatalogLine::default()
                };
                line.set_extra(CatalogExtra {
                    aliases,
                    ..CatalogExtra::default()
                });
                lines.push(line);
            }
        }
    }
    Ok(lines)
}

/// Without a catalog: the skus the sales files sell (a first pass over each), with the
/// category their own category column gives.
fn sold_lines(
    args: &BacktestArgs,
    opts: &ReadOptions,
    sales_files: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<CatalogLine>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut lines: Vec<CatalogLine> = Vec::new();
    let mut has_category = false;
    // One copy of each category name for the lines that name it.
    let mut categories = crate::model::SharedNames::default();
    for path in &args.sales {
        let (skus, category_column) = sold_skus(path, opts, &args.input.maps)?;
        has_category |= category_column.is_some();
        for s in skus {
            match seen.get(&s.sku) {
                Some(&i) => {
                    if lines[i].category.is_none() {
                        lines[i].category = s.category.map(|c| categories.get(&c));
                    }
                }
                None => {
                    seen.insert(s.sku.clone(), lines.len());
                    let mut line = CatalogLine {
                        sku: s.sku.into(),
                        category: s.category.map(|c| categories.get(&c)),
                        ..CatalogLine::default()
                    };
                    line.set_extra(CatalogExtra {
                        aliases: s.name.into_iter().collect(),
                        ..CatalogExtra::default()
                    });
                    lines.push(line);
                }
            }
        }
    }
    if !has_category {
        warnings.push(Warning {
            file: sales_files.to_string(),
            sheet: None,
            row: None,
            column: None,
            message: format!(
                "no --catalog and the sales have no category column (category, Product Category; or --map category=COLUMN): every sku is in \"{NO_CATEGORY}\" and one elasticity is learned for all"
            ),
        });
    }
    Ok(lines)
}

/// The sales added up over one window: per line, the units sold and the (day, price, units)
/// entries, and what the reader warned about.
struct WindowSales {
    units: Vec<Decimal>,
    prices: Vec<Vec<PricePoint>>,
    reads: Vec<SalesRead>,
    warnings: Vec<Warning>,
}

/// Read every sales file over `window`.
fn read_window(
    args: &BacktestArgs,
    opts: &ReadOptions,
    lines: &[CatalogLine],
    window: Window,
) -> Result<WindowSales> {
    let mut totals = SalesTotals::with_prices(lines, Basis::Units, true);
    let mut reads = Vec::with_capacity(args.sales.len());
    let mut found: Vec<Warning> = Vec::new();
    for path in &args.sales {
        let read = aggregate_sales(
            path,
            opts,
            &args.input.maps,
            window,
            Basis::Units,
            &mut totals,
            &mut found,
        )?;
        if !read.dated {
            return Err(Error::Data(format!(
                "{}: the sales file has no date column (like date, Order Date, Created at; or --map date=COLUMN): a backtest needs dated order lines to split them into a training window and a holdout",
                read.place
            )));
        }
        reads.push(read);
    }
    let prices = totals
        .take_prices()
        .unwrap_or_else(|| vec![Vec::new(); lines.len()]);
    let units = totals
        .finish(Basis::Units)
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    Ok(WindowSales {
        units,
        prices,
        reads,
        warnings: found,
    })
}

/// ", the sales run from A to B" when the files had dated lines.
fn span_text(reads: &[SalesRead]) -> String {
    let oldest = reads.iter().filter_map(|r| r.span.oldest).min();
    let newest = reads.iter().filter_map(|r| r.span.newest).max();
    match (oldest, newest) {
        (Some(a), Some(b)) => format!("; the sales run from {a} to {b}"),
        _ => "; no sales line has a readable date".into(),
    }
}

/// When the dated sales start well after the training window's start (more than a tenth of it,
/// at least 7 days) and none is before it: how much of it they cover.
fn late_training(reads: &[SalesRead], split: &Split) -> Option<String> {
    let before: u64 = reads.iter().map(|r| r.span.before).sum();
    let oldest = reads.iter().filter_map(|r| r.span.oldest).min()?;
    let days = i64::from(split.training_days);
    let slack = (days / 10).max(7);
    if before > 0 || oldest <= split.training_start + chrono::Duration::days(slack) {
        return None;
    }
    let covered = ((split.training_end - oldest).num_days() + 1).clamp(0, days);
    Some(format!(
        "the sales cover {covered} of the {days} days of the training window (the oldest sale is {oldest}, the window starts {}); the base rates divide by the whole window, so the predictions may be too low: export the sales from {} or pass --window {covered}",
        split.training_start, split.training_start
    ))
}

/// The pure backtest's input: every sku that sold in the training window or the holdout.
fn inputs(
    lines: &[CatalogLine],
    split: &Split,
    training: &WindowSales,
    holdout: &WindowSales,
) -> Vec<SkuInput> {
    let (w, h) = (split.training_days, split.holdout_days);
    let mut done: HashSet<&str> = HashSet::new();
    lines
        .iter()
        .enumerate()
        .filter(|(i, _)| training.units[*i] > Decimal::ZERO || holdout.units[*i] > Decimal::ZERO)
        .filter(|(_, l)| done.insert(l.sku.as_str()))
        .map(|(i, l)| {
            // The holdout's days carry the training's last price: one history over both, cut.
            let shifted: Vec<PricePoint> = training.prices[i]
                .iter()
                .copied()
                .chain(holdout.prices[i].iter().map(|p| PricePoint {
                    day: p.day + w,
                    ..*p
                }))
                .collect();
            let holdout_prices = if holdout.prices[i].is_empty() && training.prices[i].is_empty() {
                None
            } else {
                daily(&shifted, w + h)
                    .map(|days| days.into_iter().skip(w as usize).map(|d| d.price).collect())
            };
            SkuInput {
                sku: l.sku.to_string(),
                category: category_key(l.category.as_deref()),
                training_units: to_f64(training.units[i]),
                training: daily(&training.prices[i], w),
                holdout_units: to_f64(holdout.units[i]),
                holdout_prices,
            }
        })
        .collect()
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().filter(|f| f.is_finite()).unwrap_or(0.0)
}

/// A share as a percentage with one decimal (`23.4%`), or `-` when nothing sold.
fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{:.1}%", x * 100.0))
}

fn units(x: f64) -> String {
    format!("{x:.1}")
}

fn source(s: Source) -> &'static str {
    match s {
        Source::Learned => "learned",
        Source::Default => "default",
    }
}

/// How the model did against the baseline, as the table's percentages show it.
fn verdict(score: &Score) -> &'static str {
    match (score.model_wmape(), score.baseline_wmape()) {
        (Some(m), Some(b)) => {
            let (m, b) = ((m * 1000.0).round(), (b * 1000.0).round());
            if m < b {
                "better"
            } else if m > b {
                "worse"
            } else {
                "same"
            }
        }
        _ => "-",
    }
}

/// One row of the table: a category (or All), its score and its elasticity.
type Row<'a> = (String, &'a Score, Option<&'a crate::forecast::Elasticity>);

/// The table and the lines under it, for a terminal `width` columns wide.
fn render(b: &Backtest, width: Option<usize>) -> String {
    let s = &b.split;
    let mut text = fit::wrap(
        &format!(
            "Trained on {} to {} ({} days); holdout {} to {} ({} days), predicted at the prices paid.\n\n",
            s.training_start,
            s.training_end,
            s.training_days,
            s.holdout_start,
            s.holdout_end,
            s.holdout_days
        ),
        width,
    );
    let mut rows: Vec<Row> = b
        .categories
        .iter()
        .map(|c| (terminal_cell(&c.category), &c.score, Some(&c.elasticity)))
        .collect();
    rows.push(("All".into(), &b.overall, None));
    let cells = |f: &dyn Fn(&Row) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let columns = vec![
        Column::new("Category", cells(&|r| r.0.clone())).cut_to(8),
        Column::new("Skus", cells(&|r| r.1.skus.to_string())).right(),
        Column::new("Sold", cells(&|r| units(r.1.actual))).right(),
        Column::new("Model units", cells(&|r| units(r.1.model)))
            .right()
            .short("Model", cells(&|r| units(r.1.model)))
            .drop(3),
        Column::new("Baseline units", cells(&|r| units(r.1.baseline)))
            .right()
            .short("Base", cells(&|r| units(r.1.baseline)))
            .drop(2),
        Column::new("Model WMAPE", cells(&|r| pct(r.1.model_wmape())))
            .right()
            .short("Model%", cells(&|r| pct(r.1.model_wmape()))),
        Column::new("Baseline WMAPE", cells(&|r| pct(r.1.baseline_wmape())))
            .right()
            .short("Base%", cells(&|r| pct(r.1.baseline_wmape()))),
        Column::new("Model vs baseline", cells(&|r| verdict(r.1).to_string()))
            .short("vs", cells(&|r| verdict(r.1).to_string()))
            .drop(4),
        Column::new(
            "Elasticity",
            cells(&|r| r.2.map_or(String::new(), |e| format!("{:.2}", e.value))),
        )
        .right()
        .short(
            "e",
            cells(&|r| r.2.map_or(String::new(), |e| format!("{:.2}", e.value))),
        ),
        Column::new(
            "Source",
            cells(&|r| r.2.map_or(String::new(), |e| source(e.source).to_string())),
        ),
        Column::new(
            "95% interval",
            cells(&|r| {
                r.2.map_or(String::new(), |e| {
                    format!("{:.2} to {:.2}", e.interval.0, e.interval.1)
                })
            }),
        )
        .drop(5),
        Column::new(
            "Price changes",
            cells(&|r| r.2.map_or(String::new(), |e| e.price_changes.to_string())),
        )
        .right()
        .short(
            "Changes",
            cells(&|r| r.2.map_or(String::new(), |e| e.price_changes.to_string())),
        )
        .drop(1),
    ];
    let fitted = fit::render(&columns, width);
    text.push_str(&fitted.text);
    text.push('\n');
    let mut notes = String::new();
    if !fitted.left_out.is_empty() {
        notes.push_str(&format!(
            "Columns left out at this width: {}; set COLUMNS wider or use --format json to see them.\n",
            fitted.left_out.join(", ")
        ));
    }
    let o = &b.overall;
    notes.push_str(&format!(
        "WMAPE: the units missed (|sold - predicted| per sku, summed) over the units sold; lower is better. Model: the base rate counted at the regular price, with the category's price response at each day's price; baseline: the units sold per day, prices ignored.\n{}\n",
        match verdict(o) {
            "better" => format!(
                "The price response helps: the model misses {} of the units sold, the baseline {}.",
                pct(o.model_wmape()),
                pct(o.baseline_wmape())
            ),
            "worse" => format!(
                "The price response does not help on these sales: the model misses {}, the baseline {}; check the elasticities' notes (--format json).",
                pct(o.model_wmape()),
                pct(o.baseline_wmape())
            ),
            _ => format!(
                "The model and the baseline do the same ({}): the holdout's prices were the regular ones, or no elasticity could be used.",
                pct(o.model_wmape())
            ),
        }
    ));
    if b.unpriced > 0 {
        notes.push_str(&format!(
            "{} sku(s) had no price paid in the training window: the model predicts them as the baseline.\n",
            b.unpriced
        ));
    }
    for c in &b.categories {
        notes.push_str(&format!(
            "{}: {}\n",
            terminal_cell(&c.category),
            c.elasticity.note
        ));
    }
    text.push_str(&fit::wrap(&notes, width));
    text
}

/// Round for JSON: `places` decimals (a non-finite number is null).
fn round(x: f64, places: i32) -> Value {
    let f = 10f64.powi(places);
    let r = (x * f).round() / f;
    if r.is_finite() { json!(r) } else { Value::Null }
}

fn score_json(s: &Score) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("skus".into(), json!(s.skus));
    m.insert("actual_units".into(), round(s.actual, 4));
    m.insert("model_units".into(), round(s.model, 4));
    m.insert("baseline_units".into(), round(s.baseline, 4));
    m.insert(
        "model_wmape".into(),
        s.model_wmape().map_or(Value::Null, |x| round(x, 6)),
    );
    m.insert(
        "baseline_wmape".into(),
        s.baseline_wmape().map_or(Value::Null, |x| round(x, 6)),
    );
    m
}

fn to_json(b: &Backtest, warnings: &[Warning]) -> Value {
    let s = &b.split;
    let categories: Vec<Value> = b
        .categories
        .iter()
        .map(|c| {
            let mut m = serde_json::Map::new();
            m.insert("category".into(), json!(c.category));
            m.extend(score_json(&c.score));
            let e = &c.elasticity;
            m.insert(
                "elasticity".into(),
                json!({
                    "value": round(e.value, 4),
                    "source": source(e.source),
                    "interval": [round(e.interval.0, 4), round(e.interval.1, 4)],
                    "price_changes": e.price_changes,
                    "skus": e.skus,
                    "note": e.note,
                }),
            );
            Value::Object(m)
        })
        .collect();
    let skus: Vec<Value> = b
        .skus
        .iter()
        .map(|r| {
            json!({
                "sku": r.sku,
                "category": r.category,
                "rate": round(r.rate, 6),
                "elasticity": round(r.elasticity, 4),
                "reference_price": r.reference.map_or(Value::Null, |p| round(p, 4)),
                "actual_units": round(r.actual, 4),
                "model_units": round(r.model, 4),
                "baseline_units": round(r.baseline, 4),
            })
        })
        .collect();
    json!({
        "schema": BACKTEST_SCHEMA,
        "training": {
            "start": s.training_start,
            "end": s.training_end,
            "days": s.training_days,
        },
        "holdout": {
            "start": s.holdout_start,
            "end": s.holdout_end,
            "days": s.holdout_days,
        },
        "overall": Value::Object(score_json(&b.overall)),
        "categories": categories,
        "skus_without_price": b.unpriced,
        "skus": skus,
        "warnings": warnings.iter().map(crate::format_warning).collect::<Vec<_>>(),
    })
}
