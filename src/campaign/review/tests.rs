use super::*;
use crate::campaign::header::Header;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn settings() -> Settings {
    Settings {
        stall_days: 7,
        judge_after_days: 30,
        success_rate_pct: dec("50"),
        timid_rate_pct: dec("20"),
        ladder: vec![dec("20"), dec("30"), dec("40")],
        cap_pct: dec("40"),
        step_pct: Decimal::ONE,
        deepen_successes: false,
    }
}

/// A line at 20% on 100 units, price 100, cost 50: the margin floor (15 points) allows 35%.
fn line() -> CampaignLine {
    CampaignLine {
        sku: "A-1".into(),
        location: None,
        name: Some("Wool coat".into()),
        category: None,
        product_id: None,
        category_id: None,
        currency: None,
        on_hand: Some("100".into()),
        list_price: "100.00".into(),
        live_price: None,
        min_price: None,
        discount_pct: "20".into(),
        clearance_price: "80.00".into(),
        existing_discount_pct: None,
        promo_qty: None,
        promo_qty_source: None,
        display_qty: None,
        projected_units: Some("29".into()),
        stock_left: None,
        note: None,
        template_row: 2,
        cost: Some("50.00".into()),
        max_discount_pct: Some("25".into()),
        floor_max_pct: Some("35".into()),
        floor_set_by: Some("margin floor 15%".into()),
        steps: vec![Step {
            revision: 1,
            date: d("2026-11-23"),
            discount_pct: "20".into(),
            clearance_price: "80.00".into(),
        }],
        ended_on: None,
        ended_why: None,
    }
}

fn campaign(lines: Vec<CampaignLine>) -> Campaign {
    Campaign {
        schema: "clearance.campaign/v1".into(),
        header: Header {
            name: "Winter".into(),
            owner: None,
            start: d("2026-11-23"),
            end: d("2026-12-20"),
            first_delivery_till: None,
            regions: vec![],
            segments: vec![],
            notes: None,
        },
        slug: "winter".into(),
        plan_id: "p".into(),
        status: "approved".into(),
        approved_by: None,
        approved_at: None,
        created_at: String::new(),
        revision: 1,
        policy: None,
        revised_at: None,
        changes: vec![],
        lines,
        warnings: vec![],
        platform: None,
        files: vec![],
        rules_left_out: vec![],
    }
}

fn facts(sold: &str, last: Option<&str>) -> Facts {
    Facts {
        sold: dec(sold),
        last_sale: last.map(d),
        on_hand_now: None,
    }
}

#[test]
fn seven_quiet_days_deepen_to_the_next_step() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-29"),
    );
    assert_eq!(r.recommendation, Action::Deepen, "{}", r.why);
    assert_eq!(r.days_running, 7);
    assert_eq!(r.days_without_sale, 7);
    assert_eq!(r.next_discount_pct.as_deref(), Some("30"));
    assert_eq!(r.next_clearance_price.as_deref(), Some("70.00"));
    assert!(
        r.why.starts_with("nothing sold for 7 days at 20%"),
        "{}",
        r.why
    );
    assert!(r.why.contains("margin 28.6%"), "{}", r.why);
    assert!(r.changes);
    assert_eq!(r.limit, None);
}

#[test]
fn six_quiet_days_hold() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-28"),
    );
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    assert!(!r.changes);
}

#[test]
fn the_margin_floor_stops_a_step_short_and_then_entirely() {
    let mut l = line();
    l.discount_pct = "30".into();
    l.steps.push(Step {
        revision: 2,
        date: d("2026-11-30"),
        discount_pct: "30".into(),
        clearance_price: "70.00".into(),
    });
    let c = campaign(vec![l]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-12-06"),
    );
    assert_eq!(r.recommendation, Action::Deepen, "{}", r.why);
    assert_eq!(r.next_discount_pct.as_deref(), Some("35"));
    assert!(
        r.why
            .contains("margin floor 15% stops it at 35% instead of the ladder's 40%"),
        "{}",
        r.why
    );
    let mut l = line();
    l.discount_pct = "35".into();
    l.steps.push(Step {
        revision: 3,
        date: d("2026-12-07"),
        discount_pct: "35".into(),
        clearance_price: "65.00".into(),
    });
    let c = campaign(vec![l]);
    // Before the judgement day (30): hold, naming the floor.
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-12-13"),
    );
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    assert!(r.why.contains("margin floor 15% allows no deeper step than 35%; hold at 35% until the clearance rate is judged on day 30 (2026-12-22)"), "{}", r.why);
    let mut s = settings();
    s.judge_after_days = 21;
    let r = decide(&c, &c.lines[0], &facts("0", None), &s, d("2026-12-13"));
    assert_eq!(r.recommendation, Action::Review, "{}", r.why);
    assert!(
        r.why
            .contains("margin floor 15% allows no deeper step than 35%"),
        "{}",
        r.why
    );
    assert!(!r.changes);
}

#[test]
fn the_cap_stops_a_step_and_is_named() {
    let mut s = settings();
    s.cap_pct = dec("25");
    let c = campaign(vec![line()]);
    let r = decide(&c, &c.lines[0], &facts("0", None), &s, d("2026-11-30"));
    assert_eq!(r.next_discount_pct.as_deref(), Some("25"));
    assert!(r.why.contains("the cap 25% stops it at 25%"), "{}", r.why);
}

#[test]
fn a_sale_restarts_the_quiet_days() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("3", Some("2026-11-27")),
        &settings(),
        d("2026-12-02"),
    );
    assert_eq!(r.days_without_sale, 5);
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    assert!(r.why.contains("3 of 100 sold in 10 days"), "{}", r.why);
    assert!(r.why.contains("last sale 2026-11-27"), "{}", r.why);
}

#[test]
fn cleared_stock_ends_the_line() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("100", Some("2026-12-01")),
        &settings(),
        d("2026-12-01"),
    );
    assert_eq!(r.recommendation, Action::End);
    assert!(r.changes);
    assert!(
        r.why
            .starts_with("stock cleared: 100 of 100 sold in 9 days (clearance rate 100%)"),
        "{}",
        r.why
    );
    assert!(r.why.contains("revert.csv"));
    // The catalog's count wins over the estimate.
    let f = Facts {
        on_hand_now: Some(dec("4")),
        ..facts("100", Some("2026-12-01"))
    };
    let r = decide(&c, &c.lines[0], &f, &settings(), d("2026-12-01"));
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    assert_eq!(r.stock_left.as_deref(), Some("4"));
    assert_eq!(r.stock_source, "catalog");
}

#[test]
fn after_the_end_date_every_line_ends_without_a_change() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("10", None),
        &settings(),
        d("2026-12-21"),
    );
    assert_eq!(r.recommendation, Action::End);
    assert!(!r.changes);
    assert_eq!(r.days_running, 28);
    assert!(
        r.why.contains("the campaign ended (2026-12-20)"),
        "{}",
        r.why
    );
    // On the last day a deeper step would start after the end: end, no change.
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-12-20"),
    );
    assert_eq!(r.recommendation, Action::End, "{}", r.why);
    assert!(!r.changes);
    assert!(
        r.why.starts_with("the campaign ends today (2026-12-20)"),
        "{}",
        r.why
    );
}

#[test]
fn thirty_days_under_twenty_percent_deepen_even_when_it_moves() {
    let mut c = campaign(vec![line()]);
    c.header.end = d("2027-01-31");
    let r = decide(
        &c,
        &c.lines[0],
        &facts("10", Some("2026-12-21")),
        &settings(),
        d("2026-12-22"),
    );
    assert_eq!(r.recommendation, Action::Deepen, "{}", r.why);
    assert!(
        r.why
            .starts_with("clearance rate 10% after 30 days is under 20%"),
        "{}",
        r.why
    );
    // Above 20% it holds.
    let r = decide(
        &c,
        &c.lines[0],
        &facts("60", Some("2026-12-21")),
        &settings(),
        d("2026-12-22"),
    );
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    assert!(r.why.contains("above the 50% success mark"), "{}", r.why);
}

#[test]
fn the_end_of_the_ladder_stops_a_step() {
    let mut s = settings();
    s.ladder = vec![dec("20")];
    s.judge_after_days = 7;
    let c = campaign(vec![line()]);
    let r = decide(&c, &c.lines[0], &facts("0", None), &s, d("2026-11-30"));
    assert_eq!(r.recommendation, Action::Review, "{}", r.why);
    assert!(
        r.why.contains("add deeper steps to [review] ladder"),
        "{}",
        r.why
    );
    assert!(r.why.contains("the ladder ends at 20%"), "{}", r.why);
}

#[test]
fn before_the_start_nothing_is_judged() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-22"),
    );
    assert_eq!(r.recommendation, Action::Hold);
    assert!(r.why.contains("starts on 2026-11-23"));
    assert!(!r.changes);
}

#[test]
fn revise_records_steps_and_changes_and_leaves_the_rest() {
    let mut b = line();
    b.sku = "B-2".into();
    let c = campaign(vec![line(), b]);
    let reviews = vec![
        decide(
            &c,
            &c.lines[0],
            &facts("0", None),
            &settings(),
            d("2026-11-29"),
        ),
        decide(
            &c,
            &c.lines[1],
            &facts("100", Some("2026-11-29")),
            &settings(),
            d("2026-11-29"),
        ),
    ];
    let next = revise(&c, &reviews, d("2026-11-29"), "now").expect("a revision");
    assert_eq!(next.revision, 2);
    assert_eq!(next.lines[0].discount_pct, "30");
    assert_eq!(next.lines[0].steps.len(), 2);
    assert_eq!(next.lines[0].steps[1].date, d("2026-11-30"));
    assert_eq!(next.lines[0].steps[1].revision, 2);
    assert_eq!(next.lines[1].ended_on, Some(d("2026-11-29")));
    assert_eq!(next.changes.len(), 2);
    assert_eq!(changed(&next, Action::Deepen).len(), 1);
    assert_eq!(changed(&next, Action::End)[0].sku, "B-2");
    // Nothing to change: no revision.
    let holds = vec![decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-25"),
    )];
    assert!(revise(&campaign(vec![line()]), &holds, d("2026-11-25"), "now").is_none());
}

proptest::proptest! {
    /// A campaign file is user data: whatever numbers it holds, judging a line never panics,
    /// never deepens past the cap or the recorded floor, and never proposes a shallower depth.
    #[test]
    fn any_numbers_are_judged_without_panic(
        on_hand in proptest::option::of(proptest::prop_oneof![-1e30f64..1e30, 1e-6f64..1.0]),
        list in proptest::prop_oneof![-1e28f64..1e28, 1e-2f64..1000.0],
        cost in proptest::option::of(proptest::prop_oneof![-1e28f64..1e28, 0f64..200.0]),
        disc in -200f64..200.0,
        floor in proptest::option::of(-1e6f64..1e6),
        sold in proptest::prop_oneof![0f64..1e28, 0f64..100.0],
        catalog in proptest::option::of(-1e28f64..1e28),
        day in 0i64..60,
    ) {
        let text = |x: f64| Decimal::from_f64_retain(x).map(|d| d.round_dp(2).to_string()).unwrap_or_default();
        let mut l = line();
        l.on_hand = on_hand.map(text);
        l.list_price = text(list);
        l.cost = cost.map(text);
        l.discount_pct = text(disc);
        l.floor_max_pct = floor.map(text);
        let c = campaign(vec![l]);
        let f = Facts {
            sold: parse(Some(&text(sold))).unwrap_or_default(),
            last_sale: None,
            on_hand_now: catalog.and_then(|x| parse(Some(&text(x)))),
        };
        let as_of = d("2026-11-20") + chrono::Duration::days(day);
        let r = decide(&c, &c.lines[0], &f, &settings(), as_of);
        if let Some(to) = parse(r.next_discount_pct.as_deref()) {
            let current = parse(Some(&c.lines[0].discount_pct)).unwrap();
            proptest::prop_assert!(to > current);
            proptest::prop_assert!(to <= settings().cap_pct);
            if let Some(f) = parse(c.lines[0].floor_max_pct.as_deref()) {
                proptest::prop_assert!(to <= f);
            }
        }
        let _ = summarise(&[r]);
    }
}

#[test]
fn the_timid_trigger_waits_for_the_stall_days_at_each_depth() {
    let mut c = campaign(vec![line()]);
    c.header.end = d("2027-01-31");
    // Deepened yesterday (revision 2): a timid rate does not deepen again today.
    c.lines[0].discount_pct = "30".into();
    c.lines[0].steps.push(Step {
        revision: 2,
        date: d("2026-12-22"),
        discount_pct: "30".into(),
        clearance_price: "70.00".into(),
    });
    let f = facts("10", Some("2026-12-22"));
    let r = decide(&c, &c.lines[0], &f, &settings(), d("2026-12-23"));
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    let r = decide(&c, &c.lines[0], &f, &settings(), d("2026-12-28"));
    assert_eq!(r.recommendation, Action::Deepen, "{}", r.why);
}

#[test]
fn no_sale_yet_is_not_called_moving() {
    let c = campaign(vec![line()]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-27"),
    );
    assert_eq!(r.recommendation, Action::Hold);
    assert!(
        r.why
            .contains("no sale yet at 20% after 5 day(s): hold until 7 days without a sale"),
        "{}",
        r.why
    );
    assert!(!r.why.contains("it moves"));
}

#[test]
fn the_margin_in_the_why_is_at_the_price_paid_after_an_existing_discount() {
    let mut l = line();
    l.existing_discount_pct = Some("10".into());
    let c = campaign(vec![l]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-29"),
    );
    assert_eq!(r.recommendation, Action::Deepen);
    // 70.00 list-based, 63.00 paid: (63 - 50) / 63 = 20.6%.
    assert!(
        r.why
            .contains("(price 70.00, 63.00 paid after the existing 10% discount, margin 20.6%)"),
        "{}",
        r.why
    );
}

#[test]
fn an_unusable_list_price_asks_for_a_fix_and_changes_nothing() {
    let mut l = line();
    l.list_price = "n/a".into();
    let c = campaign(vec![l]);
    let r = decide(
        &c,
        &c.lines[0],
        &facts("0", None),
        &settings(),
        d("2026-11-29"),
    );
    assert_eq!(r.recommendation, Action::Review);
    assert!(r.why.contains("the list price \"n/a\""), "{}", r.why);
    assert!(revise(&c, &[r], d("2026-11-29"), "now").is_none());
}

#[test]
fn a_quiet_line_at_the_success_rate_holds_and_under_it_deepens() {
    // 100 on hand: 50 sold is exactly the 50% success mark, 49 is under it.
    let c = campaign(vec![line()]);
    let quiet = |sold: &str, s: &Settings| {
        decide(
            &c,
            &c.lines[0],
            &facts(sold, Some("2026-11-24")),
            s,
            d("2026-12-01"),
        )
    };
    let r = quiet("50", &settings());
    assert_eq!(r.days_without_sale, 7);
    assert_eq!(r.recommendation, Action::Hold, "{}", r.why);
    assert!(!r.changes);
    assert_eq!(
        r.why,
        "nothing sold for 7 days at 20%, but 50 of 100 sold in 9 days (clearance rate 50%) is at or above the 50% success mark: hold at 20% ([review] deepen_successes = true deepens it)"
    );
    assert_eq!(quiet("49", &settings()).recommendation, Action::Deepen);
    let deepen = Settings {
        deepen_successes: true,
        ..settings()
    };
    assert_eq!(quiet("50", &deepen).recommendation, Action::Deepen);
}
