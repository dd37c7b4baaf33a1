//! `clearance.toml` and the command-line flags, resolved once into a checked configuration.
//! Nothing after this reads clap, the environment or the clock.

use crate::cli::{BasisArg, MarginRuleArg, PlanArgs};
use crate::error::{Error, Result};
use crate::io::read::dates::DateOrder;
use crate::io::read::number::decimal_from_f64;
use crate::io::read::sales::Basis;
use crate::rules::{ExplicitRequest, MarginRule, Policy};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A number in the TOML file: `15`, `15.5` or `"15.5"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Num {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Num {
    fn decimal(&self, key: &str, file: &Path) -> Result<Decimal> {
        let bad = || Error::Data(format!("{}: {key} must be a number", file.display()));
        match self {
            Num::Int(i) => Ok(Decimal::from(*i)),
            Num::Float(f) => decimal_from_f64(*f).map_err(|_| bad()),
            Num::Text(s) => s.trim().parse().map_err(|_| bad()),
        }
    }
}

/// The keys of clearance.toml (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    min_margin_pct: Option<Num>,
    cap_pct: Option<Num>,
    step_pct: Option<Num>,
    min_discount_pct: Option<Num>,
    no_cost_cap_pct: Option<Num>,
    margin_rule: Option<String>,
    window_days: Option<u32>,
    basis: Option<String>,
    /// `"dmy"` or `"mdy"`: slashed sales dates in a column no value decides.
    date_order: Option<String>,
    currency: Option<String>,
    price_endings: Option<Vec<Num>>,
    exclude_skus: Option<Vec<String>>,
    exclude_categories: Option<Vec<String>>,
    exclude_tags: Option<Vec<String>>,
    exclude_vendors: Option<Vec<String>>,
    min_age_days: Option<u32>,
    /// `plan --budget`: the most projected markdown cost the plan may give away.
    budget: Option<Num>,
    /// The demand model's settings (`plan --exit`, `--what-if`, `--budget`).
    forecast: Option<ForecastConfig>,
    /// Campaign header defaults, read by `apply`.
    campaign: Option<CampaignConfig>,
    /// Customer segments that get coupons (also `[campaign] segments`).
    segments: Option<Vec<String>>,
    tiers: Option<toml::Value>,
    /// How `review` judges running campaigns.
    review: Option<ReviewConfig>,
    /// Target mode for `plan` (`--exit`, `--target-sellthrough` override it).
    target: Option<TargetConfig>,
}

/// `[target]` in clearance.toml: both keys, or neither.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetConfig {
    /// The exit date, `"2027-01-31"`.
    exit: Option<String>,
    sellthrough_pct: Option<Num>,
}

/// `[forecast]` in clearance.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForecastConfig {
    /// The price elasticity of a category whose own sales cannot tell (default -2.0).
    elasticity: Option<Num>,
}

/// `[forecast] elasticity`: below 0 (a discount sells more) and not below -10 (the model's
/// fitting bound); the model's default without the key.
fn default_elasticity(forecast: Option<&ForecastConfig>, fpath: &Path) -> Result<f64> {
    let Some(n) = forecast.and_then(|f| f.elasticity.as_ref()) else {
        return Ok(crate::forecast::DEFAULT_ELASTICITY);
    };
    let key = format!("{}: [forecast] elasticity", fpath.display());
    let v = n.decimal("[forecast] elasticity", fpath)?;
    let ok = v < Decimal::ZERO && v >= Decimal::from(-10);
    let f = rust_decimal::prelude::ToPrimitive::to_f64(&v).filter(|f| f.is_finite());
    match f {
        Some(f) if ok => Ok(f),
        _ => Err(Error::Data(format!(
            "{key} is {}; expected a negative number from -10 up to just below 0 (e.g. -2.0: 20% off sells 1.56 times as much)",
            v.normalize()
        ))),
    }
}

/// `[review]` in clearance.toml; flags override it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewConfig {
    stall_days: Option<u32>,
    judge_after_days: Option<u32>,
    success_rate_pct: Option<Num>,
    timid_rate_pct: Option<Num>,
    ladder: Option<Vec<Num>>,
    cap_pct: Option<Num>,
    deepen_successes: Option<bool>,
}

/// `[campaign]` in clearance.toml: header defaults for `apply`; flags override them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignConfig {
    pub name: Option<String>,
    pub owner: Option<String>,
    /// Campaign length when --end is not given (default 28 days after the start).
    pub duration_days: Option<u32>,
    pub regions: Option<Vec<String>>,
    pub segments: Option<Vec<String>>,
    pub notes: Option<String>,
    /// Write boosts.csv.
    pub boosts: Option<bool>,
    pub conversion_delay_days: Option<u32>,
}

/// The `[campaign]` table (with top-level `segments` merged in), or defaults without a file.
pub fn load_campaign_config(explicit: Option<&Path>) -> Result<CampaignConfig> {
    let (file, _) = load_file(explicit)?;
    let mut c = file.campaign.unwrap_or_default();
    if c.segments.is_none() {
        c.segments = file.segments;
    }
    Ok(c)
}

/// Everything `plan` needs, checked.
#[derive(Debug, Clone)]
pub struct PlanConfig {
    pub policy: Policy,
    pub window_days: u32,
    pub basis: Basis,
    pub as_of: NaiveDate,
    /// The order of slashed dates no value of their column decides (`--date-order`, else
    /// `date_order`).
    pub date_order: Option<DateOrder>,
    /// The config file that was read, if any.
    pub config_file: Option<PathBuf>,
}

fn load_file(explicit: Option<&Path>) -> Result<(FileConfig, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from("clearance.toml");
            if !default.is_file() {
                return Ok((FileConfig::default(), None));
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| Error::from_io_input(&path, &e))?;
    let cfg: FileConfig = toml::from_str(&text).map_err(|e| {
        Error::Data(format!(
            "{}: not a valid clearance.toml: {}",
            path.display(),
            e.to_string().trim()
        ))
    })?;
    if cfg.tiers.is_some() {
        return Err(Error::Data(format!(
            "{}: a custom tier table is not supported yet; remove [tiers] to use the standard tiers (SPEC rule 4)",
            path.display()
        )));
    }
    Ok((cfg, Some(path)))
}

fn pct_in(name: &str, v: Decimal, lo: Decimal, hi: Decimal, lo_incl: bool) -> Result<Decimal> {
    let ok = if lo_incl { v >= lo } else { v > lo } && v <= hi;
    if !ok {
        return Err(Error::Usage(format!(
            "{name} {} is out of range; expected a percentage {} {} and at most {}",
            v.normalize(),
            if lo_incl { "from" } else { "above" },
            lo.normalize(),
            hi.normalize()
        )));
    }
    Ok(v)
}

/// A money amount that must not be negative (`--budget`).
fn amount(name: &str, v: Decimal) -> Result<Decimal> {
    if v < Decimal::ZERO {
        return Err(Error::Usage(format!(
            "{name} {} is negative; expected an amount of money from 0 up (e.g. 5000)",
            v.normalize()
        )));
    }
    Ok(v)
}

pub fn resolve_plan(args: &PlanArgs, today: NaiveDate) -> Result<PlanConfig> {
    resolve(args, today, true)
}

/// As [`resolve_plan`], for `report`: the tier rules only, so `[target]` in clearance.toml is
/// neither read nor checked (an exit date that has passed does not stop the weekly report).
pub fn resolve_report(args: &PlanArgs, today: NaiveDate) -> Result<PlanConfig> {
    resolve(args, today, false)
}

fn resolve(args: &PlanArgs, today: NaiveDate, with_target: bool) -> Result<PlanConfig> {
    let (file, config_file) = load_file(args.common.config.as_deref())?;
    let fpath = config_file.clone().unwrap_or_default();
    let num = |flag: Option<Decimal>, key: &Option<Num>, name: &str| -> Result<Option<Decimal>> {
        match (flag, key) {
            (Some(v), _) => Ok(Some(v)),
            (None, Some(n)) => n.decimal(name, &fpath).map(Some),
            (None, None) => Ok(None),
        }
    };
    let p = &args.policy;
    let mut policy = Policy::default();
    let hundred = Decimal::ONE_HUNDRED;
    if let Some(v) = num(p.min_margin, &file.min_margin_pct, "min_margin_pct")? {
        policy.min_margin_pct = pct_in("min margin", v, Decimal::ZERO, Decimal::from(99), true)?;
    }
    if let Some(v) = num(p.cap, &file.cap_pct, "cap_pct")? {
        policy.cap_pct = pct_in("cap", v, Decimal::ZERO, Decimal::from(95), true)?;
    }
    if let Some(v) = num(p.step, &file.step_pct, "step_pct")? {
        policy.step_pct = pct_in("step", v, Decimal::new(1, 2), hundred, true)?;
    }
    if let Some(v) = num(p.min_discount, &file.min_discount_pct, "min_discount_pct")? {
        policy.min_discount_pct = pct_in("min discount", v, Decimal::ZERO, hundred, true)?;
    }
    if let Some(v) = num(None, &file.no_cost_cap_pct, "no_cost_cap_pct")? {
        policy.no_cost_cap_pct = pct_in("no_cost_cap_pct", v, Decimal::ZERO, hundred, true)?;
    }
    policy.margin_rule = match (p.margin_rule, file.margin_rule.as_deref()) {
        (Some(MarginRuleArg::Points), _) => MarginRule::Points,
        (Some(MarginRuleArg::Effective), _) => MarginRule::Effective,
        (None, Some("points")) | (None, None) => MarginRule::Points,
        (None, Some("effective")) => MarginRule::Effective,
        (None, Some(other)) => {
            return Err(Error::Data(format!(
                "{}: margin_rule = \"{other}\" is not known; use \"points\" or \"effective\"",
                fpath.display()
            )));
        }
    };
    let window_days = p.window.or(file.window_days).unwrap_or(90);
    if window_days == 0 || window_days > 3660 {
        return Err(Error::Usage(format!(
            "window {window_days} is out of range; expected 1 to 3660 days"
        )));
    }
    let basis = match (p.basis, file.basis.as_deref()) {
        (Some(BasisArg::Units), _) => Basis::Units,
        (Some(BasisArg::Orders), _) => Basis::Orders,
        (None, None) | (None, Some("units")) => Basis::Units,
        (None, Some("orders")) => Basis::Orders,
        (None, Some(other)) => {
            return Err(Error::Data(format!(
                "{}: basis = \"{other}\" is not known; use \"units\" or \"orders\"",
                fpath.display()
            )));
        }
    };
    policy.currency = file.currency.clone();
    if let Some(endings) = &file.price_endings {
        for e in endings {
            let d = e.decimal("price_endings", &fpath)?;
            if d < Decimal::ZERO || d >= Decimal::ONE {
                return Err(Error::Data(format!(
                    "{}: price_endings values are the cents part of a price, from 0 to below 1 (e.g. 0.99); got {}",
                    fpath.display(),
                    d.normalize()
                )));
            }
            policy.price_endings.push(d);
        }
    }
    policy.excluded_skus = file
        .exclude_skus
        .iter()
        .flatten()
        .chain(p.exclude_sku.iter())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    policy.excluded_categories = file
        .exclude_categories
        .iter()
        .flatten()
        .chain(p.exclude_category.iter())
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    policy.excluded_tags = file
        .exclude_tags
        .iter()
        .flatten()
        .chain(p.exclude_tag.iter())
        // Shopify and WooCommerce separate tags by commas, so no tag holds one: "final,sale"
        // is two tags.
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    policy.excluded_vendors = file
        .exclude_vendors
        .iter()
        .flatten()
        .chain(p.exclude_vendor.iter())
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(d) = p.discount {
        let d = pct_in("--discount", d, Decimal::ZERO, Decimal::from(95), false)?;
        let skus: Vec<String> = p
            .sku
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if skus.is_empty() {
            return Err(Error::Usage(
                "--sku needs at least one sku, e.g. --sku A-1,B-2 --discount 25".into(),
            ));
        }
        policy.request = Some(ExplicitRequest {
            skus,
            discount_pct: d,
        });
        policy.allow_below_floor = p.allow_below_floor;
    }
    if let Some(path) = &args.from_campaign {
        let bytes = std::fs::read(path).map_err(|e| Error::from_io_input(path, &e))?;
        let campaign: crate::campaign::package::Campaign =
            serde_json::from_slice(&bytes).map_err(|e| {
                Error::Data(format!(
                    "{}: not a campaign.json written by `clearance apply` ({e})",
                    path.display()
                ))
            })?;
        let mut lines = crate::rules::CampaignLines::default();
        for l in &campaign.lines {
            lines.insert(&l.sku, l.location.as_deref());
        }
        policy.only_lines = Some((campaign.header.name, lines));
    }
    let as_of = args.common.as_of.unwrap_or(today);
    policy.min_age = p.min_age.or(file.min_age_days).map(|d| (d, as_of));
    if with_target {
        policy.budget = match (args.budget, &file.budget) {
            (Some(b), _) => Some(amount("--budget", b)?),
            (None, Some(n)) => Some(amount(
                &format!("{}: budget", fpath.display()),
                n.decimal("budget", &fpath)?,
            )?),
            (None, None) => None,
        };
        let (horizon, target) = resolve_target(
            args,
            file.target.as_ref(),
            &fpath,
            as_of,
            window_days,
            policy.budget.is_some(),
            default_elasticity(file.forecast.as_ref(), &fpath)?,
        )?;
        policy.horizon = horizon;
        policy.target = target;
    }
    if policy.horizon.is_some() && basis == Basis::Orders {
        let what = if policy.target.is_some() {
            "target mode"
        } else {
            "the demand model (--exit, --what-if, --budget)"
        };
        return Err(Error::Usage(format!(
            "{what} projects units: use --basis units (basis orders counts orders, which cannot be compared with the units of stock on hand)"
        )));
    }
    Ok(PlanConfig {
        policy,
        window_days,
        basis,
        as_of,
        date_order: resolve_date_order(&file, &fpath, args.input.date_order.map(Into::into))?,
        config_file,
    })
}

/// The model's horizon and target mode. Each flag overrides its `[target]` key: `--exit` alone
/// with a `[target]` table keeps the table's share. An exit date without a share runs the model
/// over the days to it (what-if) with the tier plan's depths; `--what-if` without an exit date
/// runs it over the campaign's days. The exit date must come after the as-of date.
fn resolve_target(
    args: &PlanArgs,
    file: Option<&TargetConfig>,
    fpath: &Path,
    as_of: NaiveDate,
    window_days: u32,
    budget: bool,
    default_elasticity: f64,
) -> Result<(Option<crate::rules::Horizon>, Option<crate::rules::Target>)> {
    let key = |k: &str| format!("{}: [target] {k}", fpath.display());
    // Both flags given: the file's [target] is not read (as before the horizon existed).
    let both_flags = args.exit.is_some() && args.target_sellthrough.is_some();
    let from_file = file
        .filter(|_| !both_flags)
        .filter(|t| t.exit.is_some() || t.sellthrough_pct.is_some());
    // The file's [target] must be whole, whether or not a flag overrides a key.
    let file_pair = match from_file {
        None => None,
        Some(t) => match (&t.exit, &t.sellthrough_pct) {
            (Some(exit), Some(pct)) => {
                let exit = NaiveDate::parse_from_str(exit.trim(), "%Y-%m-%d").map_err(|_| {
                    Error::Data(format!(
                        "{} must be a date as YYYY-MM-DD (e.g. \"2027-01-31\"), got \"{exit}\"",
                        key("exit")
                    ))
                })?;
                let pct = pct.decimal("[target] sellthrough_pct", fpath)?;
                Some((exit, pct))
            }
            _ => {
                return Err(Error::Data(format!(
                    "{}: [target] needs both exit and sellthrough_pct (e.g. exit = \"2027-01-31\" and sellthrough_pct = 80)",
                    fpath.display()
                )));
            }
        },
    };
    let (exit, exit_from) = match (args.exit, file_pair) {
        (Some(exit), _) => (Some(exit), "--exit".to_string()),
        (None, Some((exit, _))) => (Some(exit), key("exit")),
        (None, None) => (None, String::new()),
    };
    let pct = match (args.target_sellthrough, file_pair) {
        (Some(pct), _) => Some((pct, "--target-sellthrough".to_string())),
        (None, Some((_, pct))) => Some((pct, key("sellthrough_pct"))),
        (None, None) => None,
    };
    let target = match pct {
        Some((pct, from)) => Some(crate::rules::Target {
            sellthrough_pct: pct_in(&from, pct, Decimal::ZERO, Decimal::ONE_HUNDRED, false)?,
        }),
        None => None,
    };
    let end = match exit {
        Some(exit) => {
            if (exit - as_of).num_days() <= 0 {
                return Err(Error::Usage(format!(
                    "{exit_from} {exit} is not after the as-of date {as_of}; give an exit date later than --as-of"
                )));
            }
            exit
        }
        None if args.what_if || budget => {
            as_of
                + chrono::Duration::days(i64::from(
                    crate::campaign::template::DEFAULT_CAMPAIGN_DAYS,
                ))
        }
        None => return Ok((None, None)),
    };
    let horizon = crate::rules::Horizon {
        exit,
        end,
        // From the as-of day to the last day, both included: the discount starts on the as-of
        // day (as a campaign starts on its start day) and runs through the exit day.
        days: u32::try_from((end - as_of).num_days() + 1).unwrap_or(u32::MAX),
        window_days,
        default_elasticity,
        demand: crate::rules::target::Demand::default(),
    };
    Ok((Some(horizon), target))
}

fn resolve_date_order(
    file: &FileConfig,
    fpath: &Path,
    flag: Option<DateOrder>,
) -> Result<Option<DateOrder>> {
    match (flag, file.date_order.as_deref()) {
        (Some(o), _) => Ok(Some(o)),
        (None, None) => Ok(None),
        (None, Some(s)) => DateOrder::parse(s).map(Some).ok_or_else(|| {
            Error::Data(format!(
                "{}: date_order = \"{s}\" is not known; use \"dmy\" (day first) or \"mdy\" (month first)",
                fpath.display()
            ))
        }),
    }
}

/// The date order for slashed sales dates: the flag, else `date_order` in the config file (or
/// clearance.toml in the current folder), else none.
pub fn date_order(config: Option<&Path>, flag: Option<DateOrder>) -> Result<Option<DateOrder>> {
    let (file, config_file) = load_file(config)?;
    resolve_date_order(&file, &config_file.unwrap_or_default(), flag)
}

/// `[forecast] elasticity` from a config file (or clearance.toml in the current folder), else
/// the model's default (`backtest` checks the model `plan` runs).
pub fn forecast_elasticity(config: Option<&Path>) -> Result<f64> {
    let (file, config_file) = load_file(config)?;
    default_elasticity(file.forecast.as_ref(), &config_file.unwrap_or_default())
}

/// The review settings: flags, else `[review]` in clearance.toml, else the defaults (7 quiet
/// days, judged at 30 days, 50% success, 20% too timid, a ladder of every 10 points, the
/// campaign's own cap and step).
pub fn resolve_review(
    args: &crate::cli::ReviewArgs,
    campaign: Option<&crate::campaign::package::CampaignPolicy>,
) -> Result<crate::campaign::review::Settings> {
    review_settings(
        args.common.config.as_deref(),
        args.stall_days,
        &args.ladder,
        args.cap,
        campaign,
    )
}

/// The review settings from a config file (or clearance.toml in the current folder) and flags.
pub fn review_settings(
    config: Option<&Path>,
    stall_days: Option<u32>,
    ladder: &[Decimal],
    cap: Option<Decimal>,
    campaign: Option<&crate::campaign::package::CampaignPolicy>,
) -> Result<crate::campaign::review::Settings> {
    use crate::campaign::review::Settings;
    let (file, config_file) = load_file(config)?;
    let fpath = config_file.unwrap_or_default();
    let r = file.review.unwrap_or_default();
    let hundred = Decimal::ONE_HUNDRED;
    let stall_days = stall_days.or(r.stall_days).unwrap_or(7);
    let judge_after_days = r.judge_after_days.unwrap_or(30);
    for (name, v) in [
        ("stall days", stall_days),
        ("judge_after_days", judge_after_days),
    ] {
        if v == 0 || v > 3660 {
            return Err(Error::Usage(format!(
                "{name} {v} is out of range; expected 1 to 3660 days"
            )));
        }
    }
    let rate = |n: &Option<Num>, key: &str, default: i64| -> Result<Decimal> {
        match n {
            Some(n) => pct_in(
                &format!("{}: [review] {key}", fpath.display()),
                n.decimal(key, &fpath)?,
                Decimal::ZERO,
                hundred,
                true,
            ),
            None => Ok(Decimal::from(default)),
        }
    };
    let success_rate_pct = rate(&r.success_rate_pct, "success_rate_pct", 50)?;
    let timid_rate_pct = rate(&r.timid_rate_pct, "timid_rate_pct", 20)?;
    let mut ladder: Vec<Decimal> = if !ladder.is_empty() {
        ladder.to_vec()
    } else if let Some(l) = &r.ladder {
        l.iter()
            .map(|n| n.decimal("ladder", &fpath))
            .collect::<Result<_>>()?
    } else {
        Settings::default_ladder()
    };
    for v in &ladder {
        pct_in("ladder step", *v, Decimal::ZERO, Decimal::from(95), false)?;
    }
    ladder.sort();
    ladder.dedup();
    if ladder.is_empty() {
        return Err(Error::Usage(
            "the ladder is empty; give depths like --ladder 20,30,40".into(),
        ));
    }
    let (cap_pct, cap_from) = match (cap, &r.cap_pct) {
        (Some(v), _) => (v, "--cap".to_string()),
        (None, Some(n)) => (
            n.decimal("[review] cap_pct", &fpath)?,
            format!("{}: [review] cap_pct", fpath.display()),
        ),
        (None, None) => (
            campaign.map(|p| p.cap_pct).unwrap_or(Decimal::from(25)),
            "the campaign's policy cap_pct".to_string(),
        ),
    };
    let cap_pct = pct_in(&cap_from, cap_pct, Decimal::ZERO, Decimal::from(95), true)?;
    Ok(Settings {
        stall_days,
        judge_after_days,
        success_rate_pct,
        timid_rate_pct,
        ladder,
        cap_pct,
        step_pct: campaign
            .map(|p| p.step_pct)
            .filter(|s| *s > Decimal::ZERO)
            .unwrap_or(Decimal::ONE),
        deepen_successes: r.deepen_successes.unwrap_or(false),
    })
}
