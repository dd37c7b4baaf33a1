//! Reading an edited upload template back: the Template sheet's rows by column, and the hidden
//! sheet's plan id and fingerprints. XLSX as Excel or LibreOffice saved it, or the same columns
//! as CSV.

use super::table::{Cell, ReadOptions, Table, column_letters};
use crate::campaign::template::{COLUMNS, Column, META_SHEET, SHEET};
use crate::error::{Error, Result};
use calamine::Reader;
use std::collections::HashMap;
use std::path::Path;

/// One row of the template.
#[derive(Debug, Clone)]
pub struct TemplateRow {
    /// Row number as the spreadsheet shows it.
    pub row: usize,
    cells: HashMap<usize, Cell>,
}

impl TemplateRow {
    pub fn cell(&self, col: Column) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cells.get(&col.index()).unwrap_or(&EMPTY)
    }
    pub fn text(&self, col: Column) -> Option<String> {
        self.cell(col).text()
    }
}

/// The hidden sheet's content.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub plan_id: Option<String>,
    pub schema: Option<String>,
    pub fingerprints: HashMap<String, String>,
}

pub struct TemplateFile {
    /// The sheet name for messages (`Template`, or the file name for CSV).
    pub sheet: String,
    pub rows: Vec<TemplateRow>,
    /// `None` for CSV, or when the hidden sheet was removed.
    pub meta: Option<Meta>,
    /// A workbook without its hidden sheet (deleted by hand): the plan id and the fingerprints
    /// that tie the template to its plan are gone.
    pub meta_missing: bool,
    /// Template column → column in the file (columns may have been moved).
    positions: HashMap<usize, usize>,
    col_offset: usize,
}

impl TemplateFile {
    /// `Template!O14`
    pub fn cell_name(&self, row: usize, col: Column) -> String {
        let c = self
            .positions
            .get(&col.index())
            .copied()
            .unwrap_or(col.index());
        format!(
            "{}!{}{}",
            self.sheet,
            column_letters(c + self.col_offset),
            row
        )
    }
}

pub fn read_template(path: &Path) -> Result<TemplateFile> {
    // The Template sheet when present (a CSV has no sheets).
    let mut table = match Table::open(
        path,
        &ReadOptions {
            sheet: Some(SHEET.into()),
            ..ReadOptions::default()
        },
    ) {
        Ok(t) => t,
        Err(Error::Data(m)) if m.contains("no sheet named") => {
            Table::open(path, &ReadOptions::default())?
        }
        Err(e) => return Err(e),
    };
    let is_sheet = table.sheet.is_some();
    let sheet = table.sheet.clone().unwrap_or_else(|| {
        path.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "template".into())
    });
    let place = table.where_();
    // Header: the first row naming SKU and Discount %.
    let norm = |s: &str| super::mapping::normalise(s);
    let mut positions: HashMap<usize, usize> = HashMap::new();
    let mut header_row = None;
    while let Some(raw) = table.next_row()? {
        let names: Vec<String> = raw
            .cells
            .iter()
            .map(|c| norm(&c.text().unwrap_or_default()))
            .collect();
        let find = |col: Column| names.iter().position(|n| *n == norm(col.header()));
        if find(Column::Sku).is_some() && find(Column::Discount).is_some() {
            for col in COLUMNS {
                if let Some(i) = find(col) {
                    positions.insert(col.index(), i);
                }
            }
            header_row = Some(raw.row);
            break;
        }
        if raw.row > 30 {
            break;
        }
    }
    if header_row.is_none() {
        return Err(Error::Data(format!(
            "{place}: no template header found (a row with \"SKU\" and \"Discount %\"); use the upload-template.xlsx written by `clearance plan` or `clearance template`"
        )));
    }
    let missing: Vec<&str> = [Column::Include, Column::Discount, Column::Sku]
        .iter()
        .filter(|c| !positions.contains_key(&c.index()))
        .map(|c| c.header())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Data(format!(
            "{place}: the template has no column {}",
            missing.join(", ")
        )));
    }
    // The template is read cell by cell, never filled from merged cells. A Discount % or
    // Include merged over several rows shows one value on each of them, but Excel keeps it in
    // the first row only: refuse it rather than apply it to one row and leave the others empty.
    if let Some(header_row) = header_row {
        for col in [Column::Discount, Column::Include] {
            let Some(&pos) = positions.get(&col.index()) else {
                continue;
            };
            if let Some((range, first)) = table.merged_down(pos, header_row) {
                return Err(Error::Data(format!(
                    "{place}: cells {range} are merged over the {} column; Excel keeps a merged value in its first cell only ({first}), so the other rows have none. Unmerge {range} and give each row its own {}",
                    col.header(),
                    col.header()
                )));
            }
        }
    }
    let mut rows = Vec::new();
    while let Some(raw) = table.next_row()? {
        let mut cells = HashMap::new();
        for (&col, &pos) in &positions {
            if let Some(c) = raw.cells.get(pos)
                && !c.is_empty()
            {
                cells.insert(col, c.clone());
            }
        }
        if cells.is_empty() {
            continue;
        }
        rows.push(TemplateRow {
            row: raw.row,
            cells,
        });
    }
    let meta = if is_sheet { read_meta(path) } else { None };
    Ok(TemplateFile {
        sheet,
        rows,
        meta_missing: is_sheet && meta.is_none(),
        meta,
        positions,
        col_offset: table.col_offset,
    })
}

fn read_meta(path: &Path) -> Option<Meta> {
    let mut wb = calamine::open_workbook_auto(path).ok()?;
    let range = wb.worksheet_range(META_SHEET).ok()?;
    let mut meta = Meta::default();
    for row in range.rows() {
        let k = row.first().map(|c| c.to_string()).unwrap_or_default();
        let v = row.get(1).map(|c| c.to_string()).unwrap_or_default();
        match k.as_str() {
            "plan_id" => meta.plan_id = Some(v),
            "schema" => meta.schema = Some(v),
            "as_of" | "key" | "" => {}
            _ => {
                meta.fingerprints.insert(k, v);
            }
        }
    }
    Some(meta)
}
