//! The command line: what the user typed. `config.rs` turns it into what the program uses.

use crate::io::read::mapping::parse_map;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Clearance planner for merchants: finds slow-moving stock in catalog and sales exports and
/// proposes clearance discounts that never break the margin floor.
#[derive(Debug, Parser)]
#[command(name = "clearance", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Help text: the doc comments are prose that clap wraps to the terminal's width; the examples
// are `after_help` text, one whole command a line, each short enough (under 80 characters with
// its indent) to stay whole at 80 columns, so a line can be copied and pasted as it is.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the clearance plan: print the top candidates, write plan.json, plan.csv,
    /// plan.xlsx and upload-template.xlsx.
    ///
    /// The table on stdout shows the top 20 planned lines fitted to the terminal's width (or
    /// COLUMNS): names are cut and columns left out when it is narrow; plan.csv has every line
    /// and column. The files go into --out (default clearance-plan/); files already there are
    /// kept unless --force (exit 73). --format json|csv prints the plan instead of the table.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Write the editable XLSX upload template for a plan, or a blank one for a hand-made list.
    ///
    /// Writes upload-template.xlsx beside the plan (or --out FILE): grey locked columns with
    /// what the planner computed, white columns to edit (Include, Discount %, Promo qty,
    /// Display qty, Note). An existing file is kept unless --force (exit 73).
    #[command(after_help = TEMPLATE_EXAMPLES)]
    Template(TemplateArgs),
    /// Check an edited upload template against its plan; list every problem with its cell.
    ///
    /// Prints one line per problem on stdout, such as "Template!O14: discount 32% is above the
    /// allowed 24% for sku A-1 (margin floor 15%)", or a JSON list with --format json, and
    /// exits 65 when there is any. Writes no file.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Turn a valid template into the campaign package (price list, revert file, discount
    /// rules, ...).
    ///
    /// Writes DIR/<campaign name as a slug>/ with campaign.json, price-list.csv, revert.csv,
    /// discount-rules.json and, when asked, coupons.csv, boosts.csv and quotes.csv; for a
    /// Shopify, WooCommerce, Magento or PrestaShop catalog also <platform>-import.csv and
    /// <platform>-revert.csv. A template with errors is refused (exit 65).
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// Weekly report for unattended runs: DIR/<ISO year>-W<week>/ with report.html,
    /// report.xlsx, report.md and summary.json, with week-over-week deltas.
    ///
    /// A rerun in the same week replaces that week's folder as a whole. No prompts and no
    /// colour: for cron (Mondays at 06:00, say), run it from the shop's folder with --quiet, so
    /// the mail stays empty unless something is wrong.
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Follow a running campaign: units sold since the start, clearance rate, stock left, and
    /// whether to deepen, hold, end or review each line; --apply writes the next revision.
    ///
    /// Writes review.json and review.xlsx into --out and prints a table fitted to the
    /// terminal's width, then the why of every line that needs a decision. --apply writes the
    /// campaign's next revision (revisions/NNN/ with campaign.json, and a price list, discount
    /// rules and revert file for only the changed lines), never touching earlier ones. Weekly
    /// from cron: add --force and --quiet.
    #[command(after_help = REVIEW_EXAMPLES)]
    Review(ReviewArgs),
    /// Approve a draft campaign: write its next revision with the status approved, who
    /// approved it and when, and its discount rules active.
    ///
    /// Writes revisions/NNN/campaign.json and discount-rules.json in the campaign's folder;
    /// earlier files are never touched. A campaign already approved is refused (exit 65).
    #[command(after_help = APPROVE_EXAMPLES)]
    Approve(ApproveArgs),
    /// Check the demand model on your own sales: fit it on the days before a holdout, predict
    /// each sku's units in the holdout at the prices actually paid, and compare with what sold.
    ///
    /// Prints the WMAPE (the units missed over the units sold) of the model beside a baseline
    /// without price response, overall and per category, with each category's elasticity;
    /// --format json prints the same for scripts. The holdout is the --holdout-days days
    /// ending at --as-of; the model learns from the --window days before it. Writes no file.
    #[command(
        after_help = BACKTEST_EXAMPLES,
        override_usage = "clearance backtest --sales <FILE> --as-of <DATE> --holdout-days <N>\n       [OPTIONS]"
    )]
    Backtest(BacktestArgs),
    /// Show which sheet, header row and column mapping would be used, and the first rows as
    /// parsed.
    ///
    /// Prints to stdout and writes no file. A required field that is not found is marked
    /// MISSING with a hint, and what plan would stop on is shown as the problem; exits 0
    /// whenever the file can be read. The rows are fitted to the terminal's width.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// Print a shell completion script to stdout.
    ///
    /// Save it where your shell looks for completions, then open a new shell.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

const PLAN_EXAMPLES: &str = "\
Examples:
  clearance plan catalog.xlsx --sales orders.csv --out plan/
  clearance plan products_export.csv --sales orders.csv --as-of 2026-11-22
  clearance plan catalog.csv --sku A-1,B-2 --discount 25";

const TEMPLATE_EXAMPLES: &str = "\
Examples:
  clearance template --plan plan/plan.json
  clearance template --blank --out my-list.xlsx";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  clearance validate upload-template.xlsx --plan plan/plan.json";

const APPLY_EXAMPLES: &str = "\
Examples:
  clearance apply upload-template.xlsx --plan plan/plan.json --out campaigns/
  clearance apply edited.xlsx --plan plan.json -o campaigns/ --name Winter
  clearance apply edited.xlsx --plan plan.json -o campaigns/ --end 2026-12-31
  clearance apply edited.xlsx --plan plan.json -o campaigns/ --approve --by Ann";

const REPORT_EXAMPLES: &str = "\
Examples:
  clearance report catalog.xlsx --sales orders.csv --out reports/ --quiet";

const REVIEW_EXAMPLES: &str = "\
Examples:
  clearance review campaigns/winter/campaign.json --sales orders.csv -o review/
  clearance review campaigns/sale --sales orders.csv --catalog stock.csv -o rv/
  clearance review campaigns/sale --sales orders.csv -o review/ --apply --force";

const APPROVE_EXAMPLES: &str = "\
Examples:
  clearance approve campaigns/winter-clearance --by \"A. Buyer\"";

const BACKTEST_EXAMPLES: &str = "\
Examples:
  clearance backtest --sales orders.csv --as-of 2026-06-30 --holdout-days 28";

const INSPECT_EXAMPLES: &str = "\
Examples:
  clearance inspect catalog.xlsx --sheet Stock
  clearance inspect orders.csv --sales";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  clearance completions bash >> ~/.bash_completion
  clearance completions zsh > ~/.zfunc/_clearance
  clearance completions fish > ~/.config/fish/completions/clearance.fish
  clearance completions powershell >> $PROFILE";

const MAN_EXAMPLES: &str = "\
Examples:
  clearance man > ~/.local/share/man/man1/clearance.1
  clearance man | man -l -";

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table of the top candidates and the totals.
    Table,
    /// plan.json
    Json,
    /// plan.csv
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MarginRuleArg {
    /// discount <= margin - floor (percentage points)
    Points,
    /// the margin at the discounted price stays at or above the floor
    Effective,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BasisArg {
    /// sum of quantities sold (returns netted)
    Units,
    /// count of distinct order ids
    Orders,
}

/// Options for reading input files, shared by every command.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Read this sheet of a workbook instead of the first one.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Name the column of a field when its header is not recognised (repeatable),
    /// e.g. --map quantity="On hand". Fields: sku, name, category, quantity, price, cost,
    /// margin, orders, location, currency, category_id, product_id, compare_at_price,
    /// sale_price, sale_from, sale_to, date, order_id, customer, last_sale, unit_price,
    /// min_price, vendor, tags, received.
    #[arg(long = "map", value_name = "FIELD=COLUMN", value_parser = parse_map)]
    pub maps: Vec<(String, String)>,
    /// Numbers use a decimal comma (1.234,50). Default: detected (`;`-delimited files use it).
    #[arg(long)]
    pub decimal_comma: bool,
    /// Refuse XLSX/ODS files whose sheets expand to more than this many MiB of XML (zip bombs).
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub max_sheet_mb: u64,
    /// How to read slashed sales dates (05/11/2026) when no date in the column decides it:
    /// dmy (day first) or mdy (month first). Default: `date_order` in clearance.toml, else
    /// month first with a warning. A column with a date like 20/11/2026 decides for itself.
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
}

/// `--date-order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    /// day first: 05/11/2026 is 5 November
    Dmy,
    /// month first: 05/11/2026 is 11 May
    Mdy,
}

impl From<DateOrderArg> for crate::io::read::dates::DateOrder {
    fn from(a: DateOrderArg) -> Self {
        match a {
            DateOrderArg::Dmy => Self::Dmy,
            DateOrderArg::Mdy => Self::Mdy,
        }
    }
}

impl InputArgs {
    /// The reading options these flags ask for.
    pub fn read_options(&self) -> crate::io::read::ReadOptions {
        crate::io::read::ReadOptions {
            sheet: self.sheet.clone(),
            decimal_comma: self.decimal_comma.then_some(true),
            max_sheet_bytes: self.max_sheet_mb.saturating_mul(1 << 20),
            as_of: None,
            date_order: self.date_order.map(Into::into),
            read_received: false,
        }
    }
}

/// The files a plan is made from (shared by `plan` and `report`).
#[derive(Debug, Clone, Args)]
pub struct PlanInputs {
    /// The catalog: CSV, XLSX, XLS or ODS, one row per product (or product and location).
    #[arg(value_name = "CATALOG")]
    pub catalog: PathBuf,
    /// Sales order lines (sku, quantity, date) or aggregated sales (sku, orders); repeatable.
    #[arg(long, value_name = "FILE")]
    pub sales: Vec<PathBuf>,
    /// Active discounts already running: a Wix query-discount-rules JSON or a CSV
    /// scope_type,scope_id,percentage[,active].
    #[arg(long, value_name = "FILE")]
    pub existing: Option<PathBuf>,
    /// Stock figures that replace the catalog's: a Shopify inventory export (one row per
    /// variant per Location, On hand) or any file with sku (or handle and options) and
    /// quantity; per location when the catalog has locations, else summed.
    #[arg(long, value_name = "FILE")]
    pub stock: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub files: PlanInputs,
    /// Start from an earlier campaign: plan only the skus of its campaign.json.
    #[arg(long, value_name = "FILE")]
    pub from_campaign: Option<PathBuf>,
    /// Folder for plan.json, plan.csv, plan.xlsx and upload-template.xlsx (created when missing).
    #[arg(long, short, value_name = "DIR", default_value = "clearance-plan")]
    pub out: PathBuf,
    /// The exit date (YYYY-MM-DD, after --as-of; [target] exit): the demand model projects
    /// each planned line's sales by this date at every depth (what-if, see --what-if). With
    /// --target-sellthrough, target mode: each slow line gets the smallest discount projected
    /// to sell that share of its stock by this date; alone, the tier plan's depths.
    #[arg(
        long,
        value_name = "DATE",
        value_parser = parse_as_of,
        help_heading = "Target"
    )]
    pub exit: Option<NaiveDate>,
    /// The share of the stock on hand to sell by --exit, in percent (above 0, at most 100;
    /// [target] sellthrough_pct).
    #[arg(long, value_name = "PCT", requires = "exit", help_heading = "Target")]
    pub target_sellthrough: Option<Decimal>,
    /// What-if by depth: the demand model projects each planned line's units, revenue, gross
    /// margin, markdown cost and stock left at 0% and every step up to its maximum (plan.json
    /// what_if, a What-if sheet in plan.xlsx, formulas in the template that follow the
    /// Discount %), over the campaign's days (as-of to as-of + 28, both included). --exit
    /// gives the same by the exit date without this flag. Needs --sales.
    #[arg(long, help_heading = "Target")]
    pub what_if: bool,
    /// Cap the plan's projected markdown cost (price given away × projected units, in the
    /// catalog's currency; budget in clearance.toml): lines freeing the most capital per unit of
    /// markdown are kept first, the rest skipped as over_budget. Runs the demand model (to
    /// --exit, else over the campaign's days); needs --sales.
    #[arg(long, value_name = "AMOUNT", help_heading = "Target")]
    pub budget: Option<Decimal>,

    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Policy flags; each overrides the clearance.toml key of the same meaning.
#[derive(Debug, Clone, Args, Default)]
pub struct PolicyArgs {
    /// Largest discount in percent (cap_pct, default 25); recorded as an override in the plan.
    #[arg(long, value_name = "N", help_heading = "Policy")]
    pub cap: Option<Decimal>,
    /// Margin floor in percent (min_margin_pct, default 15).
    #[arg(long, value_name = "N", help_heading = "Policy")]
    pub min_margin: Option<Decimal>,
    /// How the floor limits a discount (margin_rule, default points).
    #[arg(long, value_enum, help_heading = "Policy")]
    pub margin_rule: Option<MarginRuleArg>,
    /// Discounts are rounded down to a multiple of this (step_pct, default 1; 5 gives 5/10/15/20/25).
    #[arg(long, value_name = "N", help_heading = "Policy")]
    pub step: Option<Decimal>,
    /// Smaller discounts are not planned (min_discount_pct, default 5).
    #[arg(long, value_name = "N", help_heading = "Policy")]
    pub min_discount: Option<Decimal>,
    /// Never discount this sku (repeatable, or comma-separated).
    #[arg(
        long,
        value_name = "SKU",
        value_delimiter = ',',
        help_heading = "Policy"
    )]
    pub exclude_sku: Vec<String>,
    /// Never discount this category (repeatable).
    #[arg(long, value_name = "NAME", help_heading = "Policy")]
    pub exclude_category: Vec<String>,
    /// Never discount lines with this tag (Shopify or WooCommerce `Tags`; repeatable, or
    /// comma-separated: "final,sale" is two tags).
    #[arg(long, value_name = "TAG", help_heading = "Policy")]
    pub exclude_tag: Vec<String>,
    /// Never discount this vendor's lines (Shopify `Vendor`, a `brand` column; repeatable).
    #[arg(long, value_name = "NAME", help_heading = "Policy")]
    pub exclude_vendor: Vec<String>,
    /// Skip stock received fewer than DAYS days before --as-of (`too_new`), its age from the
    /// catalog's received / created date column (min_age_days).
    #[arg(long, value_name = "DAYS", help_heading = "Policy")]
    pub min_age: Option<u32>,
    /// Sales window in days ending at --as-of (window_days, default 90).
    #[arg(long, value_name = "DAYS", help_heading = "Policy")]
    pub window: Option<u32>,
    /// What counts as sold: units, or distinct orders (the Wix ordersCount meaning).
    #[arg(long, value_enum, help_heading = "Policy")]
    pub basis: Option<BasisArg>,
    /// Plan exactly these skus (comma-separated, repeatable) at --discount.
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        requires = "discount",
        help_heading = "Policy"
    )]
    pub sku: Vec<String>,
    /// The discount in percent for the skus of --sku.
    #[arg(long, value_name = "N", requires = "sku", help_heading = "Policy")]
    pub discount: Option<Decimal>,
    /// Let a --sku request go below the margin floor (recorded in the plan and every why).
    #[arg(long, requires = "sku", help_heading = "Policy")]
    pub allow_below_floor: bool,
}

/// Flags every command shares.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// The day the plan is for (sales window end), YYYY-MM-DD. Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<NaiveDate>,
    /// Policy file. Default: clearance.toml in the current folder, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What goes to stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// No warnings or progress on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct BacktestArgs {
    /// Sales order lines with dates (sku, quantity, date) and, for the price response, the
    /// unit price paid (unit_price, Lineitem price, UnitPrice); repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub sales: Vec<PathBuf>,
    /// A catalog giving each sku its category. Default: the sales' own category column
    /// (category, Product Category; or --map category=COLUMN).
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// The last day of the holdout, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of, required = true)]
    pub as_of: NaiveDate,
    /// How many days the holdout has, ending at --as-of (both included).
    #[arg(
        long,
        value_name = "N",
        required = true,
        value_parser = clap::value_parser!(u32).range(1..=3660)
    )]
    pub holdout_days: u32,
    /// The training window in days, ending the day before the holdout starts.
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 90,
        value_parser = clap::value_parser!(u32).range(1..=3660)
    )]
    pub window: u32,
    /// What goes to stdout.
    #[arg(long, value_enum, default_value_t = BacktestFormat::Table)]
    pub format: BacktestFormat,
    /// Policy file, for its date_order. Default: clearance.toml in the current folder, if
    /// present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No warnings on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `backtest --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    /// A table of the WMAPEs and elasticities per category.
    Table,
    /// The same as JSON (docs/forecast.md "Backtest").
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// The file to look at: a catalog or a sales file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// How many data rows to show.
    #[arg(long, default_value_t = 5)]
    pub rows: usize,
    /// Read it as a sales file rather than a catalog.
    #[arg(long)]
    pub sales: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// The plan.json the template is for.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "blank",
        conflicts_with = "blank"
    )]
    pub plan: Option<PathBuf>,
    /// Write the layout with no rows, for a hand-made list (location code + sku).
    #[arg(long)]
    pub blank: bool,
    /// Where to write it. Default: upload-template.xlsx beside the plan, or in the current folder.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// The edited template (XLSX as saved by Excel or LibreOffice, or the same columns as CSV).
    #[arg(value_name = "TEMPLATE")]
    pub template: PathBuf,
    /// The plan.json the template was made from.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// How to print the problems.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub files: PlanInputs,
    /// The reports folder; each week goes into DIR/<ISO year>-W<week>/.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// How long to wait for another run on the same folder to finish, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub lock_wait: u64,
    /// The campaigns folder of `apply`: campaigns running on the as-of date are shown with
    /// their clearance rates (needs dated --sales).
    #[arg(long, value_name = "DIR")]
    pub campaigns: Option<PathBuf>,

    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ReviewArgs {
    /// The campaign: CAMPAIGNS/<slug>/campaign.json or its folder; its latest revision is read.
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: PathBuf,
    /// Sales order lines with dates (sku, quantity, date), covering the campaign so far; repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub sales: Vec<PathBuf>,
    /// The catalog as it is now: stock left is read from it (else estimated as on hand at the
    /// start minus units sold).
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Folder for review.json and review.xlsx.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Write the next campaign revision (deepened and ended lines) into the campaign's folder.
    #[arg(long)]
    pub apply: bool,
    /// Days at one depth without a sale before a line is deepened (default 7).
    #[arg(long, value_name = "DAYS", help_heading = "Review")]
    pub stall_days: Option<u32>,
    /// The depths lines step through, e.g. 20,30,40 (default every 10 points).
    #[arg(
        long,
        value_name = "PCT,...",
        value_delimiter = ',',
        help_heading = "Review"
    )]
    pub ladder: Vec<Decimal>,
    /// The cap deeper steps respect (default: the campaign's cap).
    #[arg(long, value_name = "PCT", help_heading = "Review")]
    pub cap: Option<Decimal>,
    /// How long to wait for another run on the same campaign to finish, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub lock_wait: u64,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ApproveArgs {
    /// The campaign: CAMPAIGNS/<slug>/campaign.json, its folder or one of its revisions; its
    /// latest revision is approved.
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: PathBuf,
    /// Who approves it (recorded as approved_by).
    #[arg(long, value_name = "NAME", required = true)]
    pub by: String,
    /// The day of the approval (YYYY-MM-DD): the rules are active from it (or from the start
    /// when later). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<NaiveDate>,
    /// How long to wait for another run on the same campaign to finish, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub lock_wait: u64,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// The edited, valid template.
    #[arg(value_name = "TEMPLATE")]
    pub template: PathBuf,
    /// The plan.json the template was made from.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// The campaigns folder; the package goes into DIR/<campaign name as a slug>/.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Campaign name (unique in the folder). Default: "Clearance <start>".
    #[arg(long, help_heading = "Campaign")]
    pub name: Option<String>,
    /// Who runs the campaign.
    #[arg(long, help_heading = "Campaign")]
    pub owner: Option<String>,
    /// First day, today or later. Default: --as-of.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of, help_heading = "Campaign")]
    pub start: Option<NaiveDate>,
    /// Last day, on or after the start. Default: start + 28 days.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of, help_heading = "Campaign")]
    pub end: Option<NaiveDate>,
    /// Date by which the first delivery must arrive, between today and the start.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of, help_heading = "Campaign")]
    pub first_delivery: Option<NaiveDate>,
    /// Limit the campaign to these locations (repeatable).
    #[arg(long, value_name = "CODE", help_heading = "Campaign")]
    pub region: Vec<String>,
    /// Customer segment that gets a coupon code (repeatable); writes coupons.csv.
    #[arg(long, value_name = "NAME", help_heading = "Campaign")]
    pub segment: Vec<String>,
    /// Free text for the campaign header.
    #[arg(long, help_heading = "Campaign")]
    pub notes: Option<String>,
    /// Write boosts.csv (sku and boost weight for search and category listings).
    #[arg(long, help_heading = "Campaign")]
    pub boosts: bool,
    /// Also write <platform>-import.csv and <platform>-revert.csv in the platform's own import
    /// format (Wix: the discount rules carry the campaign dates). Default: the platform the
    /// catalog was read as; generic writes only price-list.csv and revert.csv.
    #[arg(long, value_enum, value_name = "PLATFORM")]
    pub platform: Option<crate::platform::Platform>,
    /// Days at the start the average-sales promo quantity leaves out (STOCK-M conversion delay).
    #[arg(long, value_name = "DAYS", help_heading = "Campaign")]
    pub conversion_delay: Option<u32>,
    /// Sales files with customer ids: write quotes.csv, a draft quote per customer listing the
    /// campaign skus they bought within the plan's window (repeatable).
    #[arg(long, value_name = "FILE", help_heading = "Campaign")]
    pub sales: Vec<PathBuf>,
    /// Mark the campaign approved (discount rules become active).
    #[arg(long, requires = "by", help_heading = "Campaign")]
    pub approve: bool,
    /// Who approves it.
    #[arg(
        long,
        value_name = "NAME",
        requires = "approve",
        help_heading = "Campaign"
    )]
    pub by: Option<String>,
    /// Today, for the header checks (YYYY-MM-DD). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<NaiveDate>,
    /// Policy file with a [campaign] table. Default: clearance.toml in the current folder.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No warnings on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One line per problem: `Sheet!Cell: what is wrong (what is allowed)`.
    Text,
    /// A JSON list of problems.
    Json,
}

fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a date as YYYY-MM-DD (e.g. 2026-11-22), got \"{s}\""))?;
    if !(1900..=9999).contains(&d.year()) {
        return Err(format!(
            "the date {d} is out of range; expected a year from 1900 to 9999"
        ));
    }
    Ok(d)
}
