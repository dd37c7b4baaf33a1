//! Rule boundaries (SPEC section 3) and invariants.

use super::*;
use crate::model::num::d;
use crate::model::{CatalogLine, ExistingDiscount, Flag, LineStatus, PlanLine, Reason, Scope};
use proptest::prelude::*;

fn line(sku: &str, qty: &str, sold: &str, price: &str, cost: Option<&str>) -> CatalogLine {
    CatalogLine {
        row: 2,
        sku: sku.into(),
        category: Some("Shoes".into()),
        quantity: d(qty).into(),
        sold: d(sold).into(),
        price: d(price).into(),
        cost: cost.map(d).into(),
        ..CatalogLine::default()
    }
}

fn plan_one(l: CatalogLine, policy: &Policy, existing: &[ExistingDiscount]) -> PlanLine {
    build_lines(vec![l], policy, existing).remove(0)
}

#[test]
fn velocity_boundaries_are_exact() {
    assert_eq!(velocity(d("3"), d("10")), d("0.3"));
    assert_eq!(classify(d("0")), Class::Severe);
    assert_eq!(classify(d("0.0999")), Class::Severe);
    assert_eq!(classify(velocity(d("1"), d("10"))), Class::Moderate);
    assert_eq!(classify(d("0.2999")), Class::Moderate);
    assert_eq!(classify(velocity(d("3"), d("10"))), Class::Balanced);
    assert_eq!(classify(velocity(d("7"), d("10"))), Class::Balanced);
    assert_eq!(classify(d("0.7001")), Class::Fast);
}

#[test]
fn tiers_are_linear_and_deeper_for_slower_stock() {
    assert_eq!(tier_discount(d("0")), Some(d("25")));
    assert_eq!(tier_discount(d("0.02")), Some(d("19")));
    assert_eq!(tier_discount(d("0.1")), Some(d("15")));
    assert_eq!(tier_discount(d("0.15")), Some(d("12.5")));
    assert_eq!(tier_discount(d("0.2")), Some(d("10")));
    assert_eq!(tier_discount(d("0.25")), Some(d("7.5")));
    assert_eq!(tier_discount(d("0.3")), None);
    // Just below each boundary: the formula's end value, never a jump upwards.
    assert_eq!(tier_discount(d("0.0999")), Some(d("15.005")));
    assert_eq!(tier_discount(d("0.1999")), Some(d("10.005")));
    assert_eq!(tier_discount(d("0.2999")), Some(d("5.005")));
}

#[test]
fn floor_allowance_under_each_margin_rule() {
    let mut p = Policy::default();
    // price 40, cost 22: margin 45%.
    let r = cost_ratio(d("40"), Some(d("22")), None);
    assert_eq!(floor_allowance(&p, r), d("30"));
    p.margin_rule = MarginRule::Effective;
    // 100 (1 - 22 / (40 * 0.85)) = 35.294...
    let eff = floor_allowance(&p, r);
    assert!(eff > d("35.29") && eff < d("35.30"), "{eff}");
    // No cost: the no-cost allowance.
    assert_eq!(floor_allowance(&p, None), d("15"));
    // Cost 0 counts as unknown; a margin column gives the ratio.
    assert_eq!(cost_ratio(d("40"), Some(d("0")), None), None);
    assert_eq!(cost_ratio(d("40"), None, Some(d("45"))), Some(d("0.55")));
    // Cost wins over margin.
    assert_eq!(
        cost_ratio(d("40"), Some(d("30")), Some(d("45"))),
        Some(d("0.75"))
    );
}

#[test]
fn floor_binds_and_rounds_down() {
    let p = Policy::default();
    // margin 30% → allowance 15; tier 25 → 15, binding margin_floor.
    let out = plan_one(line("A", "100", "0", "100", Some("70")), &p, &[]);
    assert_eq!(out.status, LineStatus::Planned);
    assert_eq!(out.discount_pct(), d("15").into());
    assert_eq!(out.binding_limit(), Some(BindingLimit::MarginFloor));
    assert!(
        out.why()
            .contains("reduced to 15% to hold the 15% margin floor"),
        "{}",
        out.why()
    );
    // margin 33.5% → allowance 18.5 → 18 (floored, never rounded up).
    let out = plan_one(line("A", "100", "0", "100", Some("66.5")), &p, &[]);
    assert_eq!(out.discount_pct(), d("18").into());
    assert_eq!(out.max_discount_pct(), d("18").into());
}

#[test]
fn effective_rule_keeps_the_effective_margin() {
    let p = Policy {
        margin_rule: MarginRule::Effective,
        ..Policy::default()
    };
    let out = plan_one(line("A", "100", "0", "100", Some("70")), &p, &[]);
    // 100 (1 - 0.7/0.85) = 17.6 → 17
    assert_eq!(out.discount_pct(), d("17").into());
    assert!(out.margin_after_pct().unwrap() >= d("15"));
}

#[test]
fn below_minimum_is_skipped_with_the_binding_limit() {
    let p = Policy::default();
    // margin 18% → allowance 3 < 5.
    let out = plan_one(line("A", "100", "0", "100", Some("82")), &p, &[]);
    assert_eq!(out.status, LineStatus::Skipped);
    assert_eq!(out.reason, Some(Reason::MarginFloor));
    assert_eq!(out.binding_limit(), Some(BindingLimit::MarginFloor));
    assert_eq!(out.discount_pct(), None);
    // v = 0.29 → tier 5.5 → 5: planned at exactly the minimum.
    let out = plan_one(line("A", "100", "29", "100", Some("10")), &p, &[]);
    assert_eq!(out.discount_pct(), d("5").into());
    // v = 0.299 → tier 5.05 → 5.
    let out = plan_one(line("A", "1000", "299", "100", Some("10")), &p, &[]);
    assert_eq!(out.discount_pct(), d("5").into());
    // Minimum 6: the tier itself is too small.
    let p6 = Policy {
        min_discount_pct: d("6"),
        ..Policy::default()
    };
    let out = plan_one(line("A", "100", "29", "100", Some("10")), &p6, &[]);
    assert_eq!(out.reason, Some(Reason::BelowMinDiscount));
    assert_eq!(out.binding_limit(), Some(BindingLimit::Tier));
}

#[test]
fn cap_override_and_ties() {
    let p = Policy {
        cap_pct: d("20"),
        ..Policy::default()
    };
    let out = plan_one(line("A", "100", "0", "100", Some("10")), &p, &[]);
    assert_eq!(out.discount_pct(), d("20").into());
    assert_eq!(out.binding_limit(), Some(BindingLimit::Cap));
    // Tier 25 = cap 25: the tie goes to tier.
    let out = plan_one(
        line("A", "100", "0", "100", Some("10")),
        &Policy::default(),
        &[],
    );
    assert_eq!(out.binding_limit(), Some(BindingLimit::Tier));
    // Tier 25 = cap 25 = floor allowance 25 (margin 40): tier first.
    let out = plan_one(
        line("A", "100", "0", "100", Some("60")),
        &Policy::default(),
        &[],
    );
    assert_eq!(out.binding_limit(), Some(BindingLimit::Tier));
    // Cap 20 = floor allowance 20 (margin 35) below tier 25: cap before margin_floor.
    let out = plan_one(line("A", "100", "0", "100", Some("65")), &p, &[]);
    assert_eq!(out.binding_limit(), Some(BindingLimit::Cap));
    assert_eq!(out.discount_pct(), d("20").into());
}

#[test]
fn step_rounds_down_to_multiples() {
    let p = Policy {
        step_pct: d("5"),
        ..Policy::default()
    };
    // tier 19 → 15.
    let out = plan_one(line("A", "100", "2", "100", Some("10")), &p, &[]);
    assert_eq!(out.tier_discount_pct(), d("19").into());
    assert_eq!(out.discount_pct(), d("15").into());
    assert_eq!(floor_to_step(d("24.99"), d("5")), d("20"));
    assert_eq!(floor_to_step(d("25"), d("5")), d("25"));
    assert_eq!(floor_to_step(d("7.5"), d("0.5")), d("7.5"));
    assert_eq!(floor_to_step(d("-3.2"), d("1")), d("-4"));
}

#[test]
fn stacking_by_sku_category_and_site() {
    let p = Policy::default();
    let cases = [
        ExistingDiscount {
            scope: Scope::Sku("A".into()),
            percentage: d("10"),
        },
        ExistingDiscount {
            scope: Scope::Category(" shoes ".into()),
            percentage: d("10"),
        },
        ExistingDiscount {
            scope: Scope::Site,
            percentage: d("10"),
        },
    ];
    for e in cases {
        let out = plan_one(
            line("A", "100", "0", "100", Some("10")),
            &p,
            std::slice::from_ref(&e),
        );
        // A = 25; 100 (1 - 0.75 / 0.9) = 16.67 → 16.
        assert_eq!(out.discount_pct(), d("16").into(), "{e:?}");
        assert_eq!(out.binding_limit(), Some(BindingLimit::Stacking));
        assert!(out.flags.contains(Flag::Stacked));
        assert_eq!(out.existing_discount_pct(), Some(d("10")));
        assert!(combined_depth(d("10"), d("16")) <= d("25"));
    }
    // The deepest covering discount applies; 0% covers nothing; another sku is not covered.
    let several = [
        ExistingDiscount {
            scope: Scope::Site,
            percentage: d("5"),
        },
        ExistingDiscount {
            scope: Scope::Sku("A".into()),
            percentage: d("20"),
        },
        ExistingDiscount {
            scope: Scope::Sku("B".into()),
            percentage: d("50"),
        },
    ];
    let out = plan_one(line("A", "100", "0", "100", Some("10")), &p, &several);
    assert_eq!(out.existing_discount_pct(), Some(d("20")));
    // 100 (1 - 0.75/0.8) = 6.25 → 6.
    assert_eq!(out.discount_pct(), d("6").into());
    let zero = [ExistingDiscount {
        scope: Scope::Site,
        percentage: d("0"),
    }];
    let out = plan_one(line("A", "100", "0", "100", Some("10")), &p, &zero);
    assert_eq!(out.existing_discount_pct(), None);
    assert_eq!(out.discount_pct(), d("25").into());
    // An existing 22% leaves 3.8%: skipped as stacking.
    let deep = [ExistingDiscount {
        scope: Scope::Site,
        percentage: d("22"),
    }];
    let out = plan_one(line("A", "100", "0", "100", Some("10")), &p, &deep);
    assert_eq!(out.reason, Some(Reason::Stacking));
}

#[test]
fn skip_reasons_in_order() {
    let p = Policy {
        excluded_skus: ["A".to_string()].into(),
        ..Policy::default()
    };
    let mut l = line("A", "0", "0", "0", None);
    assert_eq!(plan_one(l.clone(), &p, &[]).reason, Some(Reason::NoStock));
    l.quantity = d("5").into();
    assert_eq!(plan_one(l.clone(), &p, &[]).reason, Some(Reason::BadPrice));
    l.price = d("10").into();
    assert_eq!(plan_one(l.clone(), &p, &[]).reason, Some(Reason::Excluded));
    let p = Policy {
        excluded_categories: ["shoes".to_string()].into(),
        ..Policy::default()
    };
    assert_eq!(plan_one(l.clone(), &p, &[]).reason, Some(Reason::Excluded));
    let fast = line("F", "10", "8", "10", Some("5"));
    let out = plan_one(fast, &Policy::default(), &[]);
    assert_eq!(out.reason, Some(Reason::NotSlow));
    assert_eq!(out.class, Some(Class::Fast));
    assert_eq!(out.discount_pct(), None);
}

/// Lines skipped before the discount decision (most of a catalog) hold no decision record;
/// lines decided on, planned or skipped at the margin floor, hold one.
#[test]
fn only_lines_decided_on_hold_a_decision() {
    let p = Policy::default();
    let no_stock = plan_one(line("A", "0", "0", "10", None), &p, &[]);
    let not_slow = plan_one(line("F", "10", "8", "10", Some("5")), &p, &[]);
    let bad_price = plan_one(line("B", "10", "0", "0", None), &p, &[]);
    for (l, reason) in [
        (&no_stock, Reason::NoStock),
        (&not_slow, Reason::NotSlow),
        (&bad_price, Reason::BadPrice),
    ] {
        assert_eq!(l.reason, Some(reason));
        assert!(l.decision.is_none(), "{reason:?}");
    }
    let planned = plan_one(line("S", "100", "0", "40", Some("20")), &p, &[]);
    assert_eq!(planned.status, LineStatus::Planned);
    assert!(planned.decision.is_some());
    let floor = plan_one(line("M", "100", "0", "40", Some("38")), &p, &[]);
    assert_eq!(floor.reason, Some(Reason::MarginFloor));
    assert!(floor.decision.is_some());
    assert!(floor.tier_discount_pct().is_some());
}

#[test]
fn no_cost_is_capped_at_15_and_flagged() {
    let out = plan_one(line("A", "100", "0", "40", None), &Policy::default(), &[]);
    assert_eq!(out.discount_pct(), d("15").into());
    assert!(out.flags.contains(Flag::NoCostData));
    assert_eq!(out.margin_after_pct(), None);
    assert!(out.why().contains("no cost data"), "{}", out.why());
}

#[test]
fn clearance_price_rounds_down_to_the_minor_unit() {
    assert_eq!(clearance_price(d("19.99"), d("17"), 2), d("16.59"));
    assert_eq!(clearance_price(d("40"), d("25"), 2), d("30"));
    assert_eq!(clearance_price(d("1999"), d("17"), 0), d("1659"));
    assert_eq!(minor_unit_digits(Some("JPY")), 0);
    assert_eq!(minor_unit_digits(Some("eur")), 2);
}

#[test]
fn price_endings_only_when_limits_hold() {
    let endings = [d("0.99"), d("0.49")];
    assert_eq!(
        apply_price_ending(d("30.20"), &endings, 2, |_| true),
        d("29.99")
    );
    assert_eq!(
        apply_price_ending(d("30.60"), &endings, 2, |_| true),
        d("30.49")
    );
    assert_eq!(
        apply_price_ending(d("30.20"), &endings, 2, |_| false),
        d("30.20")
    );
    assert_eq!(
        apply_price_ending(d("810"), &endings, 0, |_| true),
        d("810")
    );
    // Through the planner: 40 at 25% is 30.00; 29.99 would be 25.03% > cap 25 → kept plain.
    let p = Policy {
        price_endings: endings.to_vec(),
        ..Policy::default()
    };
    let out = plan_one(line("A", "100", "0", "40", Some("10")), &p, &[]);
    assert_eq!(out.clearance_price(), d("30.00").into());
    // A 19% tier: 81.00 moves to 80.99 (19.01%), still within cap and floor.
    let out = plan_one(line("B", "100", "2", "100", Some("10")), &p, &[]);
    assert_eq!(out.discount_pct(), d("19").into());
    assert_eq!(out.clearance_price(), d("80.99").into());
    // Floor allowance 19 (margin 34%): 80.99 would break the floor → kept at 81.00.
    let out = plan_one(line("C", "100", "2", "100", Some("66")), &p, &[]);
    assert_eq!(out.discount_pct(), d("19").into());
    assert_eq!(out.clearance_price(), d("81.00").into());
}

#[test]
fn ranking_by_velocity_then_capital_then_sku() {
    let lines = vec![
        line("C", "100", "5", "10", Some("5")),
        line("B", "100", "0", "10", Some("5")),
        line("A", "100", "0", "10", Some("5")),
        line("D", "200", "0", "10", Some("5")),
        line("E", "10", "9", "10", Some("5")),
    ];
    let out = build_lines(lines, &Policy::default(), &[]);
    let order: Vec<&str> = out.iter().map(|l| &*l.sku).collect();
    assert_eq!(order, ["D", "A", "B", "C", "E"]);
}

#[test]
fn lines_alike_keep_the_catalog_s_order_across_batches_and_threads() {
    // Below, at and over a batch, several batches (the last shorter), over the threaded size:
    // planned lines the same in every key but their place, then skipped lines, each in catalog
    // order.
    use super::plan::BATCH;
    for n in [
        0,
        1,
        7,
        BATCH - 1,
        BATCH,
        BATCH + 1,
        2 * BATCH,
        2 * BATCH + 7,
    ] {
        let lines: Vec<CatalogLine> = (0..n)
            .map(|i| {
                let sold = if i % 3 == 0 { "0" } else { "90" };
                CatalogLine {
                    row: i,
                    ..line(
                        if i % 3 == 0 { "SAME" } else { "FAST" },
                        "100",
                        sold,
                        "10",
                        Some("5"),
                    )
                }
            })
            .collect();
        let out = build_lines(lines, &Policy::default(), &[]);
        let rows: Vec<u32> = out.iter().map(|l| l.row).collect();
        let n = n as u32;
        let want: Vec<u32> = (0..n)
            .filter(|i| i % 3 == 0)
            .chain((0..n).filter(|i| i % 3 != 0))
            .collect();
        assert_eq!(rows, want, "{n} lines");
        let planned = out.iter().take_while(|l| l.status == LineStatus::Planned);
        assert_eq!(planned.count(), n.div_ceil(3) as usize, "{n} lines");
    }
}

#[test]
fn explicit_request_plans_exactly_those_skus() {
    let p = Policy {
        request: Some(ExplicitRequest {
            skus: vec!["A".into()],
            discount_pct: d("20"),
        }),
        ..Policy::default()
    };
    let lines = vec![
        line("A", "10", "9", "100", Some("50")),
        line("B", "100", "0", "100", Some("10")),
    ];
    let out = build_lines(lines, &p, &[]);
    assert_eq!(&*out[0].sku, "A");
    assert_eq!(out[0].discount_pct(), d("20").into());
    assert_eq!(out[0].binding_limit(), Some(BindingLimit::Request));
    assert_eq!(out[1].reason, Some(Reason::Excluded));
    // The floor still applies (margin 30 → 15) unless --allow-below-floor.
    let mut p2 = p.clone();
    p2.request = Some(ExplicitRequest {
        skus: vec!["A".into()],
        discount_pct: d("25"),
    });
    let out = plan_one(line("A", "10", "0", "100", Some("70")), &p2, &[]);
    assert_eq!(out.discount_pct(), d("15").into());
    assert_eq!(out.binding_limit(), Some(BindingLimit::MarginFloor));
    // A request deeper than the cap is honoured (the merchant's override), floor permitting.
    let mut p3 = p.clone();
    p3.request = Some(ExplicitRequest {
        skus: vec!["A".into()],
        discount_pct: d("30"),
    });
    let out = plan_one(line("A", "10", "0", "100", Some("10")), &p3, &[]);
    assert_eq!(out.discount_pct(), d("30").into());
    assert_eq!(out.binding_limit(), Some(BindingLimit::Request));
    p2.allow_below_floor = true;
    let out = plan_one(line("A", "10", "0", "100", Some("70")), &p2, &[]);
    assert_eq!(out.discount_pct(), d("25").into());
    assert!(out.flags.contains(Flag::BelowFloorAllowed));
    assert!(out.why().contains("--allow-below-floor"), "{}", out.why());
}

#[test]
fn why_names_velocity_tier_and_floor() {
    let out = plan_one(
        line("A", "120", "0", "40", Some("22")),
        &Policy::default(),
        &[],
    );
    assert_eq!(
        &*out.why(),
        "0 sold for 120 on hand (velocity 0.00, severely overstocked): 25% tier; margin after discount 26.7%, above the 15% floor."
    );
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (0u32..40, 5u32..=40, prop::bool::ANY, 1u32..=5, 0u32..8).prop_map(
        |(floor, cap, eff, step, min)| Policy {
            min_margin_pct: Decimal::from(floor),
            cap_pct: Decimal::from(cap),
            margin_rule: if eff {
                MarginRule::Effective
            } else {
                MarginRule::Points
            },
            step_pct: Decimal::from(step),
            min_discount_pct: Decimal::from(min),
            price_endings: if step % 2 == 0 {
                vec![d("0.99"), d("0.49")]
            } else {
                vec![]
            },
            ..Policy::default()
        },
    )
}

proptest! {
    /// Never above the cap, never below the floor (after stacking and price endings), and never
    /// shallower for slower stock with everything else equal.
    #[test]
    fn discounts_respect_cap_floor_and_order(
        policy in arb_policy(),
        qty in 1u32..5000,
        sold_a in 0u32..5000,
        sold_b in 0u32..5000,
        price_cents in 100u32..100_000,
        cost_pct in 1u32..120,
        existing in prop::option::of(1u32..40),
    ) {
        let price = Decimal::new(i64::from(price_cents), 2);
        let cost = (price * Decimal::from(cost_pct) / Decimal::ONE_HUNDRED).round_dp(2);
        let ex: Vec<ExistingDiscount> = existing
            .map(|e| ExistingDiscount { scope: Scope::Site, percentage: Decimal::from(e) })
            .into_iter()
            .collect();
        let mk = |sold: u32| CatalogLine {
            row: 2,
            sku: "X".into(),
            quantity: Decimal::from(qty).into(),
            sold: Decimal::from(sold).into(),
            price: price.into(),
            cost: cost.into(),
            ..CatalogLine::default()
        };
        let a = plan_one(mk(sold_a), &policy, &ex);
        let b = plan_one(mk(sold_b), &policy, &ex);
        for out in [&a, &b] {
            if let Some(dd) = out.discount_pct() {
                let e = existing.map(Decimal::from).unwrap_or_default();
                let paid = out.clearance_price().unwrap();
                let depth = Decimal::ONE_HUNDRED * (Decimal::ONE - paid / price);
                let combined = combined_depth(e, depth);
                // Rule 8 rounds the price down to the cent, which may add up to one cent of depth.
                let cent = Decimal::ONE_HUNDRED * d("0.01") / price + d("0.0000001");
                prop_assert!(dd <= policy.cap_pct);
                prop_assert!(combined <= policy.cap_pct + cent, "combined {combined}");
                let final_price = paid * (Decimal::ONE - e / Decimal::ONE_HUNDRED);
                let margin_after = Decimal::ONE_HUNDRED * (final_price - cost) / final_price;
                let floor_ok = match policy.margin_rule {
                    MarginRule::Effective => margin_after >= policy.min_margin_pct - cent * d("1.5"),
                    MarginRule::Points => {
                        let m = Decimal::ONE_HUNDRED * (price - cost) / price;
                        combined <= m - policy.min_margin_pct + cent
                    }
                };
                prop_assert!(floor_ok, "margin after {margin_after}, line {:?}", out.why());
                prop_assert!(dd >= policy.min_discount_pct);
            }
        }
        // Slower (fewer sold) never gets a shallower discount.
        let (slow, fast) = if sold_a <= sold_b { (&a, &b) } else { (&b, &a) };
        if let Some(fd) = fast.discount_pct() {
            prop_assert!(slow.discount_pct().unwrap_or_default() >= fd,
                "slow {:?} fast {:?}", slow.discount_pct(), fast.discount_pct());
        }
    }
}

proptest! {
    /// A live markdown (the shop's own sale price) is an existing discount: a planned clearance
    /// price is never above the price the customer pays today, and cap and floor hold on the
    /// combined depth measured from the regular price, with or without a discount rule on top.
    #[test]
    fn never_above_todays_price_and_within_cap_and_floor_from_the_regular_price(
        policy in arb_policy(),
        qty in 1u32..5000,
        sold in 0u32..500,
        price_cents in 100u32..100_000,
        live_pct in 0u32..60,
        cost_pct in prop::option::of(1u32..120),
        rule in prop::option::of(1u32..30),
    ) {
        let regular = Decimal::new(i64::from(price_cents), 2);
        let live = (regular * (Decimal::ONE_HUNDRED - Decimal::from(live_pct)) / Decimal::ONE_HUNDRED)
            .round_dp(2);
        let cost = cost_pct.map(|p| (regular * Decimal::from(p) / Decimal::ONE_HUNDRED).round_dp(2));
        let ex: Vec<ExistingDiscount> = rule
            .map(|e| ExistingDiscount { scope: Scope::Site, percentage: Decimal::from(e) })
            .into_iter()
            .collect();
        let line = CatalogLine {
            row: 2,
            sku: "X".into(),
            quantity: Decimal::from(qty).into(),
            sold: Decimal::from(sold).into(),
            price: regular.into(),
            live_price: live.into(),
            cost: cost.into(),
            ..CatalogLine::default()
        };
        let out = plan_one(line, &policy, &ex);
        if let Some(dd) = out.discount_pct() {
            let cp = out.clearance_price().unwrap();
            // Never above what the customer pays today.
            prop_assert!(cp <= live, "clearance {cp} above today's {live}");
            // The customer finally pays the clearance price with any discount rule on top.
            let e_rule = rule.map(Decimal::from).unwrap_or_default();
            let paid = cp * (Decimal::ONE - e_rule / Decimal::ONE_HUNDRED);
            let combined = Decimal::ONE_HUNDRED * (Decimal::ONE - paid / regular);
            let cent = Decimal::ONE_HUNDRED * d("0.02") / regular + d("0.0000001");
            let cap = policy.cap_pct;
            prop_assert!(combined <= cap + cent, "combined {combined} above cap {cap}");
            let floor_allow = match cost {
                None => policy.no_cost_cap_pct,
                Some(c) => match policy.margin_rule {
                    MarginRule::Points => Decimal::ONE_HUNDRED * (regular - c) / regular - policy.min_margin_pct,
                    MarginRule::Effective => {
                        let margin_after = Decimal::ONE_HUNDRED * (paid - c) / paid;
                        prop_assert!(margin_after >= policy.min_margin_pct - cent * d("1.5"));
                        Decimal::ONE_HUNDRED
                    }
                },
            };
            prop_assert!(combined <= floor_allow + cent, "combined {combined} past the floor allowance {floor_allow}");
            prop_assert!(out.flags.contains(Flag::Stacked) || live == regular);
            prop_assert!(dd >= policy.min_discount_pct);
        } else if live < regular && out.reason == Some(Reason::Stacking) {
            prop_assert!(out.why().contains("live markdown"), "why: {}", out.why());
        }
    }
}

#[test]
fn live_markdowns_from_the_issue_are_stacked_not_replaced() {
    let mk = |regular: &str, live: &str, qty: &str| CatalogLine {
        row: 2,
        sku: "X".into(),
        quantity: d(qty).into(),
        sold: Decimal::ZERO.into(),
        price: d(regular).into(),
        live_price: d(live).into(),
        ..CatalogLine::default()
    };
    // WooCommerce pt-BR id:73: 900 regular, 450 on sale (50%): no room left under the cap.
    let out = plan_one(mk("900", "450", "50"), &Policy::default(), &[]);
    assert_eq!(out.reason, Some(Reason::Stacking));
    assert_eq!(out.existing_discount_pct(), Some(d("50")));
    assert!(
        out.why()
            .contains("the live markdown to 450 from 900 (50%)"),
        "{}",
        out.why()
    );
    // woo-fashion-shirt: 20 regular, 18 on sale, no cost: the 15% no-cost allowance on the
    // combined depth leaves 5% off 18 = 17.10 (combined 14.5%).
    let out = plan_one(mk("20", "18", "10"), &Policy::default(), &[]);
    assert_eq!(out.discount_pct(), d("5").into());
    assert_eq!(out.clearance_price(), d("17.10").into());
    assert_eq!(out.live_price(), Some(d("18")));
    assert!(out.flags.contains(Flag::Stacked));
    assert!(out.flags.contains(Flag::LiveMarkdown));
    // Shopify HAT_GRY_275: 17.99 with compare-at 22.99 (21.75% live): 3% left, below the 5% minimum.
    let mut hat = mk("22.99", "17.99", "50");
    hat.cost = d("5").into();
    let out = plan_one(hat, &Policy::default(), &[]);
    assert_eq!(out.reason, Some(Reason::Stacking));
    assert_eq!(out.clearance_price(), None);
}

// Target mode: the wanted depth is the smallest step projected to reach the target.

fn kitchen(sku: &str, qty: &str, sold: &str, price: &str, cost: Option<&str>) -> CatalogLine {
    CatalogLine {
        category: Some("Kitchen".into()),
        ..line(sku, qty, sold, price, cost)
    }
}

/// The lines of fixtures/target_mode/catalog.csv's Kitchen category: one fast line (K-FAST) among
/// slow ones, which the category's median rate leaves out of the slow lines' prior.
fn kitchen_lines() -> Vec<CatalogLine> {
    vec![
        kitchen("K-MET", "30", "8", "20", Some("8")),
        kitchen("K-B", "60", "6", "30", Some("12")),
        kitchen("K-C", "50", "2", "25", Some("10")),
        kitchen("K-D", "80", "0", "40", Some("16")),
        kitchen("K-NOCOST", "70", "5", "15", None),
        kitchen("K-FLOOR", "62", "4", "10", Some("7.5")),
        kitchen("K-LOW", "60", "2", "10", Some("8.2")),
        kitchen("K-FAST", "300", "1500", "10", Some("4")),
    ]
}

/// Sell `pct` of the stock by 2027-01-31 from 2026-11-30 (63 days, both included).
fn with_target(mut policy: Policy, lines: &[CatalogLine], pct: &str) -> Policy {
    let exit = chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
    policy.horizon = Some(Horizon {
        exit: Some(exit),
        end: exit,
        days: 63,
        window_days: 90,
        default_elasticity: crate::forecast::DEFAULT_ELASTICITY,
        demand: target::demand(lines, 90, None, crate::forecast::DEFAULT_ELASTICITY),
    });
    policy.target = Some(Target {
        sellthrough_pct: d(pct),
    });
    policy
}

fn by_sku<'a>(lines: &'a [PlanLine], sku: &str) -> &'a PlanLine {
    lines.iter().find(|l| &*l.sku == sku).unwrap()
}

#[test]
fn target_mode_picks_the_smallest_step_reaching_the_target() {
    let lines = kitchen_lines();
    let policy = with_target(Policy::default(), &lines, "10");
    let out = build_lines(lines.clone(), &policy, &[]);
    let t = policy.target.as_ref().unwrap();
    let (sku, depth) = ("K-B", "19");
    let l = by_sku(&out, sku);
    assert_eq!(l.status, LineStatus::Planned, "{sku}: {}", l.why());
    assert_eq!(l.discount_pct(), d(depth).into(), "{sku}");
    assert_eq!(l.binding_limit(), Some(BindingLimit::Target));
    assert!(!l.flags.contains(Flag::TargetNotReached));
    // It reaches the target and one step less does not.
    let demand = target::LineDemand::new(
        policy.horizon.as_ref().unwrap(),
        (&l.sku, l.location.as_deref()),
        l.category.as_deref(),
        l.sold.get().unwrap(),
        l.quantity.get().unwrap(),
    )
    .with_target(t);
    assert!(demand.reaches(d(depth)));
    assert!(!demand.reaches(d(depth) - Decimal::ONE));
    assert!(l.projected_sellthrough_pct().unwrap() >= d("10"));
    assert!(
        l.why()
            .contains("is the smallest step projected to sell 10% by 2027-01-31"),
        "{}",
        l.why()
    );
    // A 5-point grid rounds up to the next step that reaches: 20% for K-B.
    let lines = kitchen_lines();
    let coarse = with_target(
        Policy {
            step_pct: d("5"),
            ..Policy::default()
        },
        &lines,
        "10",
    );
    let out = build_lines(lines, &coarse, &[]);
    assert_eq!(by_sku(&out, "K-B").discount_pct(), d("20").into());
}

#[test]
fn target_mode_plans_infeasible_lines_at_the_deepest_allowed_depth_and_flags_them() {
    let lines = kitchen_lines();
    let policy = with_target(Policy::default(), &lines, "10");
    let out = build_lines(lines, &policy, &[]);
    let flagged = |l: &PlanLine| l.flags.contains(Flag::TargetNotReached);
    for (sku, depth, limit) in [
        ("K-C", "25", BindingLimit::Cap),
        ("K-D", "25", BindingLimit::Cap),
        ("K-FLOOR", "10", BindingLimit::MarginFloor),
        ("K-NOCOST", "15", BindingLimit::MarginFloor),
    ] {
        let l = by_sku(&out, sku);
        assert_eq!(l.status, LineStatus::Planned, "{sku}: {}", l.why());
        assert_eq!(l.discount_pct(), d(depth).into(), "{sku}");
        assert_eq!(l.discount_pct(), l.max_discount_pct(), "{sku}");
        assert_eq!(l.binding_limit(), Some(limit), "{sku}");
        assert!(flagged(l), "{sku}");
        assert!(l.projected_sellthrough_pct().unwrap() < d("10"));
    }
    // K-D sold nothing: its projection is the category's median line (4.5 sold in 90 days),
    // not the bestseller's.
    assert_eq!(
        &*by_sku(&out, "K-D").why(),
        "0 sold for 80 on hand (velocity 0.00, severely overstocked): projected to sell 1% by \
         2027-01-31 at the 25% cap; 10% needs about 69%; margin after discount 46.7%, above the \
         15% floor; no sales in the window: projected from the category's median rate."
    );
    // The floor leaves less than the minimum discount: not discounted, flagged all the same.
    let low = by_sku(&out, "K-LOW");
    assert_eq!(low.status, LineStatus::Skipped);
    assert_eq!(low.reason, Some(Reason::MarginFloor));
    assert!(flagged(low));
    assert!(
        low.why()
            .contains("10% needs about 45%, but a margin of 18% leaves only 3%"),
        "{}",
        low.why()
    );
}

#[test]
fn target_mode_leaves_lines_on_track_and_fast_lines_alone() {
    let lines = kitchen_lines();
    let policy = with_target(Policy::default(), &lines, "10");
    let out = build_lines(lines, &policy, &[]);
    let met = by_sku(&out, "K-MET");
    assert_eq!(met.status, LineStatus::Skipped);
    assert_eq!(met.reason, Some(Reason::TargetMetWithoutDiscount));
    assert_eq!(met.discount_pct(), None);
    assert!(
        met.why()
            .ends_with("reaching the 10% target; no discount needed."),
        "{}",
        met.why()
    );
    let fast = by_sku(&out, "K-FAST");
    assert_eq!(fast.reason, Some(Reason::NotSlow));
    assert_eq!(fast.projected_sellthrough_pct(), None);
    // Without target mode the same lines follow the tiers, with no projection.
    let tiers = build_lines(kitchen_lines(), &Policy::default(), &[]);
    assert_eq!(
        by_sku(&tiers, "K-B").binding_limit(),
        Some(BindingLimit::Tier)
    );
    assert!(
        tiers
            .iter()
            .all(|l| l.projected_sellthrough_pct().is_none())
    );
}

proptest! {
    /// In target mode a discount is never past the cap, the floor or the step grid's deepest
    /// allowed depth, never below the minimum; a line short of the target is at that deepest
    /// depth, and a line reaching it is at the first step that does.
    #[test]
    fn target_mode_never_passes_cap_or_floor(
        policy in arb_policy(),
        qty in 1u32..500,
        sold in 0u32..150,
        others in 0u32..3000,
        cost_pct in prop::option::of(1u32..120),
        pct in 1u32..=100,
    ) {
        let price = d("20");
        let cost = cost_pct.map(|p| Decimal::from(p) / Decimal::from(5));
        let policy = Policy { price_endings: vec![], ..policy };
        let mk = |sku: &str, qty: u32, sold: u32| CatalogLine {
            row: 2,
            sku: sku.into(),
            category: Some("C".into()),
            quantity: Decimal::from(qty).into(),
            sold: Decimal::from(sold).into(),
            price: price.into(),
            cost: cost.into(),
            ..CatalogLine::default()
        };
        let lines = vec![mk("X", qty, sold), mk("OTHER", 1000, others)];
        let policy = with_target(policy, &lines, &pct.to_string());
        let out = build_lines(lines, &policy, &[]);
        let l = by_sku(&out, "X");
        let t = policy.target.as_ref().unwrap();
        if let Some(dd) = l.discount_pct() {
            let max = l.max_discount_pct().unwrap();
            prop_assert!(dd <= max && dd <= policy.cap_pct && dd >= policy.min_discount_pct);
            let allowed = floor_allowance(&policy, cost_ratio(price, cost, None));
            prop_assert!(dd <= allowed, "{dd} > {allowed}");
            let demand = target::LineDemand::new(policy.horizon.as_ref().unwrap(), (&l.sku, None), Some("C"), Decimal::from(sold), Decimal::from(qty)).with_target(t);
            if l.flags.contains(Flag::TargetNotReached) {
                prop_assert_eq!(dd, max);
                prop_assert!(!demand.reaches(dd));
            } else {
                prop_assert!(demand.reaches(dd));
                // The first step, or one less does not reach. A line whose own sales do not reach
                // the target at 0% gets the first step even when its shrunk rate does.
                let below = dd - policy.step_pct;
                prop_assert!(
                    below < policy.min_discount_pct
                        || below <= Decimal::ZERO
                        || !demand.reaches(below),
                    "{}",
                    l.why()
                );
            }
        }
    }
}

fn with_map(mut l: CatalogLine, map: &str) -> CatalogLine {
    l.min_price = d(map).into();
    l
}

#[test]
fn min_price_holds_the_clearance_price_at_the_map() {
    let p = Policy::default();
    // Cap 25, floor 35, MAP 88.00 on 100.00: 12%, clearance 88.00, binding min_price.
    let out = plan_one(
        with_map(line("M", "100", "0", "100.00", Some("50")), "88.00"),
        &p,
        &[],
    );
    assert_eq!(out.status, LineStatus::Planned);
    assert_eq!(out.discount_pct(), d("12").into());
    assert_eq!(out.max_discount_pct(), d("12").into());
    assert_eq!(out.clearance_price(), d("88.00").into());
    assert_eq!(out.binding_limit(), Some(BindingLimit::MinPrice));
    assert!(
        out.why()
            .contains("25% tier held to 12% by the minimum advertised price 88.00"),
        "{}",
        out.why()
    );
    // 88.01: 11.99% allowed, floored to 11%, clearance 89.00.
    let out = plan_one(
        with_map(line("M", "100", "0", "100.00", Some("50")), "88.01"),
        &p,
        &[],
    );
    assert_eq!(out.discount_pct(), d("11").into());
    assert_eq!(out.clearance_price(), d("89.00").into());
    // A MAP below the cap's price changes nothing.
    let out = plan_one(
        with_map(line("M", "100", "0", "100.00", Some("50")), "70"),
        &p,
        &[],
    );
    assert_eq!(out.discount_pct(), d("25").into());
    assert_eq!(out.binding_limit(), Some(BindingLimit::Tier));
}

#[test]
fn min_price_at_or_above_the_price_leaves_no_room() {
    let p = Policy::default();
    for map in ["100", "120.50"] {
        let out = plan_one(
            with_map(line("M", "100", "0", "100.00", Some("50")), map),
            &p,
            &[],
        );
        assert_eq!(out.status, LineStatus::Skipped);
        assert_eq!(out.reason, Some(Reason::MinPrice));
        assert_eq!(out.binding_limit(), Some(BindingLimit::MinPrice));
        assert!(
            out.why().contains("at or above today's price"),
            "{}",
            out.why()
        );
    }
    // Room for less than the minimum discount: skipped min_price too.
    let out = plan_one(
        with_map(line("M", "100", "0", "100.00", Some("50")), "97"),
        &p,
        &[],
    );
    assert_eq!(out.reason, Some(Reason::MinPrice));
    assert!(out.why().contains("leaves only 3%"), "{}", out.why());
}

#[test]
fn min_price_allowance_rounds_the_map_up_to_the_minor_unit() {
    assert_eq!(min_price_allowance(d("100"), d("88"), 2), d("12"));
    // 88.001 needs a rounded-down price of 88.01.
    assert_eq!(min_price_allowance(d("100"), d("88.001"), 2), d("11.99"));
    assert!(min_price_allowance(d("100"), d("101"), 2) < Decimal::ZERO);
}

proptest! {
    #[test]
    fn never_below_the_map(
        price_cents in 100u32..1_000_000,
        map_pct in 1u32..120,
        map_extra in 0u32..1000,
        step_tenths in prop::sample::select(vec![1u32, 5, 10, 25, 50]),
        endings in any::<bool>(),
    ) {
        let price = Decimal::new(price_cents as i64, 2);
        let map = (price * Decimal::from(map_pct) / HUNDRED + Decimal::new(map_extra as i64, 3))
            .round_dp(3);
        let p = Policy {
            step_pct: Decimal::new(step_tenths as i64, 1),
            price_endings: if endings { vec![d("0.99"), d("0.49")] } else { Vec::new() },
            ..Policy::default()
        };
        let out = plan_one(with_map(line("M", "100", "0", &price.to_string(), None), &map.to_string()), &p, &[]);
        if let Some(cp) = out.clearance_price() {
            prop_assert!(cp >= map, "{cp} below MAP {map}: {}", out.why());
        }
        if map >= price {
            prop_assert_eq!(out.status, LineStatus::Skipped);
        }
    }
}

#[test]
fn target_mode_stays_within_the_minimum_advertised_price() {
    let mut lines = kitchen_lines();
    for l in lines.iter_mut() {
        if l.sku == "K-D" {
            // 40.00 with a MAP of 36.00: at most 10%.
            l.min_price = d("36.00").into();
        }
    }
    let policy = with_target(Policy::default(), &lines, "80");
    let out = build_lines(lines, &policy, &[]);
    let l = by_sku(&out, "K-D");
    assert_eq!(l.status, LineStatus::Planned, "{}", l.why());
    assert_eq!(l.discount_pct(), d("10").into());
    assert_eq!(l.max_discount_pct(), d("10").into());
    assert_eq!(l.clearance_price(), d("36.00").into());
    assert_eq!(l.binding_limit(), Some(BindingLimit::MinPrice));
    assert!(l.flags.contains(Flag::TargetNotReached));
    assert!(
        l.why()
            .contains("10%, the deepest step the minimum advertised price 36.00 allows"),
        "{}",
        l.why()
    );
}
