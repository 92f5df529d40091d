//! The trade model's static core (docs/model.md §3.14): SMART's formulas on a
//! hand-worked single-importer case with three suppliers, the Armington split on
//! a hand-worked capacity-limited case, and properties of the Armington split.

use magcast::engine::trade::{
    ArmingtonOutcome, ArmingtonParams, SmartOutcome, SmartParams, Supplier, Tariffs,
};
use proptest::prelude::*;

const TOL: f64 = 1e-9;

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= TOL * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

fn supplier(name: &str, imports: f64, tariff: f64, new_tariff: f64) -> Supplier {
    Supplier {
        name: name.to_string(),
        imports,
        tariff,
        new_tariff,
    }
}

/// The importer buys 600 from China at a 20 % tariff, 300 from Japan and 100
/// from Germany duty-free (values at base world prices = 1); the tariff on
/// China rises to 50 %. ε = 0.8, σ = 2.
fn three_suppliers(export_supply_elasticity: f64) -> SmartOutcome {
    SmartParams {
        suppliers: vec![
            supplier("CHN", 600.0, 0.20, 0.50),
            supplier("JPN", 300.0, 0.0, 0.0),
            supplier("DEU", 100.0, 0.0, 0.0),
        ],
        import_demand_elasticity: 0.8,
        substitution_elasticity: 2.0,
        export_supply_elasticity,
    }
    .check()
    .unwrap()
    .simulate()
    .unwrap()
}

#[test]
fn smart_three_suppliers_infinite_supply_elasticity() {
    let out = three_suppliers(f64::INFINITY);
    let [chn, jpn, deu] = &out.suppliers[..] else {
        panic!("three suppliers expected");
    };
    // π_CHN = (0.50 − 0.20)/(1 + 0.20) = 0.25; π = 0 for JPN and DEU.
    // Creation TC = −ε·m·π: CHN −0.8·600·0.25 = −120; JPN, DEU 0.
    assert_close(chn.creation, -120.0, "TC CHN");
    assert_close(jpn.creation, 0.0, "TC JPN");
    assert_close(deu.creation, 0.0, "TC DEU");
    // World prices do not move: w = 1, so delivered-price ratios r = 1 + π:
    // 1.25 for CHN, 1 for the others; r^−σ = 1.25^−2 = 0.64.
    // CES weights m·r^−σ: 600·0.64 = 384, 300, 100; sum 784.
    // Diversion TD = M·weight/784 − m with M = 1000:
    //   CHN 384 000/784 − 600 = 24 000/49 − 29 400/49 = −5400/49 = −110.2040816…
    //   JPN 300 000/784 − 300 = 18 750/49 − 14 700/49 = 4050/49 = 82.6530612…
    //   DEU 100 000/784 − 100 = 6250/49 − 4900/49 = 1350/49 = 27.5510204…
    assert_close(chn.diversion, -5400.0 / 49.0, "TD CHN");
    assert_close(jpn.diversion, 4050.0 / 49.0, "TD JPN");
    assert_close(deu.diversion, 1350.0 / 49.0, "TD DEU");
    assert_close(out.diversion(), 0.0, "TD total");
    // New imports m + TC + TD: CHN 600 − 120 − 5400/49 = 18 120/49 = 369.7959…,
    // JPN 18 750/49, DEU 6250/49; total 43 120/49 = 880 = 1000 − 120.
    assert_close(chn.imports, 18_120.0 / 49.0, "m1 CHN");
    assert_close(jpn.imports, 18_750.0 / 49.0, "m1 JPN");
    assert_close(deu.imports, 6250.0 / 49.0, "m1 DEU");
    assert_close(out.creation(), -120.0, "TC total");
    assert_close(chn.price_effect, 0.0, "price effect");
    // Revenue: before 0.20·600 = 120; after 0.50·18 120/49 = 9060/49 = 184.897…;
    // change 9060/49 − 5880/49 = 3180/49 = 64.897959…
    assert_close(out.revenue_before, 120.0, "R0");
    assert_close(out.revenue_after, 9060.0 / 49.0, "R1");
    assert_close(out.revenue_change(), 3180.0 / 49.0, "ΔR");
    // Consumer surplus: only China's delivered price moves, by 1.5 − 1.2 = 0.3:
    // −0.3·(600 + 18 120/49)/2 = −0.3·47 520/98 = −7128/49 = −145.469387…
    assert_close(out.consumer_surplus_change, -7128.0 / 49.0, "ΔCS");
    // Welfare ΔCS + ΔR = (−7128 + 3180)/49 = −3948/49 = −564/7 = −80.571428…
    // (the same as (t₀ + t₁)/2 · Δm_CHN = 0.35·(−11 280/49)).
    assert_close(out.welfare_change, -564.0 / 7.0, "ΔW");
}

#[test]
fn smart_three_suppliers_finite_supply_elasticity() {
    // η = 3.2: China absorbs ε/(ε + η) = 0.8/4 = 1/5 of the change.
    let out = three_suppliers(3.2);
    let [chn, jpn, deu] = &out.suppliers[..] else {
        panic!("three suppliers expected");
    };
    // World price of China w = 1 − π/5 = 1 − 0.05 = 0.95 (others 1).
    assert_close(chn.world_price, 0.95, "w CHN");
    assert_close(jpn.world_price, 1.0, "w JPN");
    // Creation −ε·m·π·η/(ε + η) = −0.8·600·0.25·0.8 = −96.
    assert_close(chn.creation, -96.0, "TC CHN");
    // Delivered ratio r = 0.95·1.25 = 1.1875 = 19/16; r^−2 = 256/361.
    // Weights 600·256/361 = 153 600/361, 300, 100; their sum 298 000/361.
    // TD CHN = 1000·153 600/298 000 − 600 = 76 800/149 − 89 400/149 = −12 600/149;
    // JPN 1000·300·361/298 000 − 300 = 54 150/149 − 44 700/149 = 9450/149;
    // DEU 18 050/149 − 14 900/149 = 3150/149.
    assert_close(chn.diversion, -12_600.0 / 149.0, "TD CHN");
    assert_close(jpn.diversion, 9450.0 / 149.0, "TD JPN");
    assert_close(deu.diversion, 3150.0 / 149.0, "TD DEU");
    // m1 CHN = 600 − 96 − 12 600/149 = 62 496/149; price effect m1·(w − 1)
    // = −0.05·62 496/149 = −15 624/745 = −20.9718…
    assert_close(chn.imports, 62_496.0 / 149.0, "m1 CHN");
    assert_close(chn.price_effect, -15_624.0 / 745.0, "PE CHN");
    // Revenue after 0.5·0.95·62 496/149 = 148 428/745 = 199.2322…
    assert_close(out.revenue_after, 148_428.0 / 745.0, "R1");
    // ΔP CHN = 0.95·1.5 − 1.2 = 0.225; ΔCS = −0.225·(600 + 62 496/149)/2
    // = −0.225·151 896/298 = −170 883/1490 = −114.6866…
    assert_close(out.consumer_surplus_change, -170_883.0 / 1490.0, "ΔCS");
    // ΔW = −170 883/1490 + 148 428/745 − 120 = (−170 883 + 296 856 − 178 800)/1490
    // = −52 827/1490 = −35.4544…: the terms-of-trade gain halves the loss.
    assert_close(out.welfare_change, -52_827.0 / 1490.0, "ΔW");
}

fn market(china_share: f64, capacity: f64, sigma: f64, eps: f64, eta: f64) -> ArmingtonParams {
    ArmingtonParams {
        demand: 1000.0,
        china_share,
        non_china_capacity: capacity,
        price: 50_000.0,
        substitution_elasticity: sigma,
        import_demand_elasticity: eps,
        export_supply_elasticity: eta,
        tariffs: Tariffs {
            china_base: 0.20,
            china: 0.50,
            other_base: 0.0,
            other: 0.0,
        },
    }
}

fn solve(params: ArmingtonParams) -> ArmingtonOutcome {
    params.check().unwrap().solve()
}

#[test]
fn armington_capacity_limited_case() {
    // D₀ = 1000 t, China's share 0.8, σ = 2, ε = 1, η = ∞, 200 t installed
    // outside China, US$50 000/t; China's tariff 20 % → 50 %.
    let out = solve(market(0.8, 200.0, 2.0, 1.0, f64::INFINITY));
    // Base: prices at the base, shares as calibrated: 800 t China, 200 t others
    // (exactly the capacity).
    assert_close(out.base.china, 800.0, "base China");
    assert_close(out.base.non_china, 200.0, "base others");
    // Change: r_CHN = 1.5/1.2 = 1.25, r_other = 1. Shares: 0.8·1.25^−2 = 0.512
    // against 0.2, so others want 0.2/0.712 = 25/89 of demand.
    // Price index with expenditure weights v = 0.96/1.16 = 24/29 and 5/29:
    // Π = (24/29·1.25^−1 + 5/29)^−1 = (121/145)^−1 = 145/121.
    // Demand D₁ = 1000·Π^−1 = 121 000/145 = 24 200/29 = 834.48…
    assert_close(out.changed.demand, 24_200.0 / 29.0, "D1");
    // Others want 24 200/29 · 25/89 = 605 000/2581 = 234.405… > 200: capped at
    // 200, the overflow 605 000/2581 − 200 = 88 800/2581 goes to China, which
    // sells D₁ − 200 = 18 400/29 = 634.48… t.
    assert_close(out.changed.non_china, 200.0, "others");
    assert_close(out.changed.overflow, 88_800.0 / 2581.0, "overflow");
    assert_close(out.changed.china, 18_400.0 / 29.0, "China");
    // Creation D₁ − D₀ = −4800/29; diversion to others 200 − 200 − 0.2·(−4800/29)
    // = 960/29: they keep their 200 t while demand falls.
    assert_close(out.creation(), -4800.0 / 29.0, "creation");
    assert_close(out.diversion(), 960.0 / 29.0, "diversion");
    assert_close(out.pass_through.unwrap(), 1.0, "pass-through");
    // Revenue: 50 000·0.2·800 = 8 000 000 before; 50 000·0.5·18 400/29
    // = 460 000 000/29 after; change 228 000 000/29 = 7 862 068.96…
    assert_close(out.revenue.0, 8_000_000.0, "R0");
    assert_close(out.revenue_change(), 228_000_000.0 / 29.0, "ΔR");
    // ΔCS = −50 000·0.3·(800 + 18 400/29)/2 = −7500·41 600/29 = −312 000 000/29;
    // ΔW = (−312 + 228)·10⁶/29 = −84 000 000/29 = −2 896 551.72…
    assert_close(out.consumer_surplus_change, -312_000_000.0 / 29.0, "ΔCS");
    assert_close(out.welfare_change(), -84_000_000.0 / 29.0, "ΔW");
}

#[test]
fn armington_finite_supply_elasticity_single_source() {
    // China alone (share 1): demand D₀·(w·T)^−ε meets supply D₀·w^η, so
    // w = T^(−ε/(ε+η)) and the delivered price rises by T^(η/(ε+η)).
    // ε = 0.5, η = 2, T = 1.25: w = 1.25^−0.2, delivered 1.25^0.8.
    let out = solve(market(1.0, 0.0, 2.0, 0.5, 2.0));
    let w = 1.25_f64.powf(-0.2);
    assert_close(out.changed.china_world_price, w, "w");
    assert_close(out.changed.china, 1000.0 * w.powi(2), "China");
    let pass = (1.25_f64.powf(0.8) - 1.0) / 0.25;
    assert_close(out.pass_through.unwrap(), pass, "pass-through");
    // Revenue after: 50 000·0.5·w·q₁, all paid on China's lower price.
    assert_close(out.revenue.1, 50_000.0 * 0.5 * w * out.changed.china, "R1");
}

#[test]
fn armington_without_substitution_keeps_shares() {
    // σ = 0 and η = ∞: fixed shares, total demand scaled by Π^−ε with
    // Π = v·1.25 + (1 − v) = 1 + 0.25·24/29 = 35/29.
    let out = solve(market(0.8, f64::INFINITY, 0.0, 0.5, f64::INFINITY));
    let demand = 1000.0 * (35.0_f64 / 29.0).powf(-0.5);
    assert_close(out.changed.demand, demand, "D1");
    assert_close(out.changed.china, 0.8 * demand, "China");
    assert_close(out.diversion(), 0.0, "diversion");
}

#[test]
fn invalid_market_lists_every_problem() {
    let mut params = market(1.5, -1.0, f64::NAN, -0.1, 0.0);
    params.price = 0.0;
    params.tariffs.other = -0.2;
    let err = params.check().unwrap_err().to_string();
    for part in [
        "China's share 1.5",
        "capacity -1",
        "price 0",
        "substitution elasticity NaN",
        "import-demand elasticity -0.1",
        "export-supply elasticity 0",
        "the others' tariff -0.2",
    ] {
        assert!(err.contains(part), "{part} missing from {err}");
    }
}

/// A random market: base and new tariffs on China with new ≥ base, the others'
/// tariff unchanged and at most China's base rate.
fn any_market() -> impl Strategy<Value = (ArmingtonParams, f64)> {
    (
        (1.0..5000.0f64, 0.0..=1.0f64, 0.0..3000.0f64),
        (
            0.0..8.0f64,
            0.0..2.0f64,
            prop_oneof![Just(f64::INFINITY), 0.05..20.0f64],
        ),
        (0.0..1.0f64, 0.0..1.5f64, 0.0..1.0f64, 0.0..0.5f64),
    )
        .prop_map(
            |((demand, share, cap), (sigma, eps, eta), (t0, rise, other, more))| {
                let params = ArmingtonParams {
                    demand,
                    china_share: share,
                    non_china_capacity: cap,
                    price: 50_000.0,
                    substitution_elasticity: sigma,
                    import_demand_elasticity: eps,
                    export_supply_elasticity: eta,
                    tariffs: Tariffs {
                        china_base: t0,
                        china: t0 + rise,
                        other_base: other * t0,
                        other: other * t0,
                    },
                };
                (params, more)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Diversion moves tonnes between sources without creating any: China plus
    /// others is total demand in both states.
    #[test]
    fn diversion_conserves_total_imports((params, _more) in any_market()) {
        let out = solve(params);
        for s in [out.base, out.changed] {
            prop_assert!((s.china + s.non_china - s.demand).abs() <= 1e-9 * s.demand.max(1.0));
        }
    }

    /// Non-China supply never exceeds what is installed.
    #[test]
    fn non_china_supply_within_capacity((params, _more) in any_market()) {
        let out = solve(params);
        prop_assert!(out.base.non_china <= out.capacity);
        prop_assert!(out.changed.non_china <= out.capacity);
        prop_assert!(out.changed.non_china >= 0.0 && out.changed.china >= 0.0);
    }

    /// A higher tariff on China never raises imports from China.
    #[test]
    fn higher_china_tariff_never_raises_china_imports((params, more) in any_market()) {
        let lower = solve(params.clone());
        let mut higher = params;
        higher.tariffs.china += more;
        let higher = solve(higher);
        prop_assert!(lower.changed.china <= lower.base.china * (1.0 + 1e-9) + 1e-9);
        prop_assert!(higher.changed.china <= lower.changed.china * (1.0 + 1e-9) + 1e-9,
            "{} > {}", higher.changed.china, lower.changed.china);
    }

    /// With infinitely elastic Chinese supply a tariff rise on China (the
    /// others' rate no higher) never raises the importer's welfare.
    #[test]
    fn tariff_rise_lowers_welfare_with_infinite_supply((mut params, _more) in any_market()) {
        params.export_supply_elasticity = f64::INFINITY;
        let out = solve(params);
        let scale = out.base.demand * 50_000.0;
        prop_assert!(out.welfare_change() <= 1e-12 * scale, "{}", out.welfare_change());
        prop_assert!(out.consumer_surplus_change <= 0.0);
    }

    /// SMART's diversion adds up to 0 over any three suppliers.
    #[test]
    fn smart_diversion_adds_to_zero(
        m in prop::array::uniform3(0.0..1000.0f64),
        t0 in prop::array::uniform3(0.0..0.5f64),
        dt in prop::array::uniform3(0.0..0.3f64),
        sigma in 0.0..5.0f64,
    ) {
        prop_assume!(m.iter().sum::<f64>() > 1.0);
        let suppliers = (0..3)
            .map(|i| supplier(&format!("S{i}"), m[i], t0[i], t0[i] + dt[i]))
            .collect();
        let case = SmartParams {
            suppliers,
            import_demand_elasticity: 1.0,
            substitution_elasticity: sigma,
            export_supply_elasticity: f64::INFINITY,
        };
        let out = case.check().unwrap().simulate().unwrap();
        prop_assert!(out.diversion().abs() <= 1e-9 * m.iter().sum::<f64>());
    }

    /// SMART's first-order formulas and the exact Armington split agree on the
    /// total change of imports up to second order in the tariff step π (base
    /// tariffs equal, so SMART's quantity shares are the split's expenditure
    /// shares), and on China's world price with finite supply elasticity.
    #[test]
    fn smart_and_armington_agree_to_first_order(
        share in 0.2..0.95f64,
        sigma in 0.0..5.0f64,
        eps in 0.0..2.0f64,
        eta in 0.1..20.0f64,
        dt in 1e-4..1e-2f64,
    ) {
        let smart = SmartParams {
            suppliers: vec![
                supplier("CHN", 1000.0 * share, 0.1, 0.1 + dt),
                supplier("OTH", 1000.0 * (1.0 - share), 0.1, 0.1),
            ],
            import_demand_elasticity: eps,
            substitution_elasticity: sigma,
            export_supply_elasticity: f64::INFINITY,
        };
        let smart = smart.check().unwrap().simulate().unwrap();
        let mut params = market(share, f64::INFINITY, sigma, eps, f64::INFINITY);
        params.tariffs = Tariffs { china_base: 0.1, china: 0.1 + dt, other_base: 0.1, other: 0.1 };
        let split = solve(params.clone());
        let pi = dt / 1.1;
        let bound = 1000.0 * pi * pi * (eps * (2.0 + sigma) + eps * eps);
        let smart_total = smart.creation() + smart.diversion();
        prop_assert!((smart_total - split.creation()).abs() <= bound + 1e-9,
            "SMART {smart_total}, Armington {}", split.creation());
        // China alone with finite η: SMART's w = 1 − π·ε/(ε+η), the split's
        // w = (1 + π)^(−ε/(ε+η)); they differ by less than π².
        params.china_share = 1.0;
        params.export_supply_elasticity = eta;
        let exact = solve(params).changed.china_world_price;
        let linear = 1.0 - pi * eps / (eps + eta);
        prop_assert!((exact - linear).abs() <= pi * pi, "{exact} vs {linear}");
    }
}
