//! Property tests: no input panics the phone code, and valid verdicts are consistent.

use leadline::phone::{Region, Verdict, check, format_as_you_type};
use proptest::prelude::*;

fn regions() -> impl Strategy<Value = Option<Region>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            "GB", "US", "DE", "BR", "AR", "CN", "IN", "BY", "GA", "RU", "IT", "MX"
        ])
        .prop_map(|r| Some(r.parse().unwrap())),
    ]
}

/// Characters that matter to phone parsing, mixed with arbitrary Unicode.
fn phoneish() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        4 => prop::char::range('0', '9').prop_map(|c| c.to_string()),
        1 => prop::sample::select(vec![
            "+", "＋", " ", "-", ".", "(", ")", "/", "x", "ext.", ";ext=", "tel:", ";phone-context=",
            "00", "011", "0", "#", "*", ",", "\t", "\n", "０", "٣", "۴", "📞", "\u{200B}", "A", "z",
        ])
        .prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

fn check_invariants(input: &str, region: Option<Region>) {
    let verdict = check(input, region);
    let _ = format_as_you_type(input, region);
    if let Verdict::Valid(n) = &verdict {
        assert!(n.e164.starts_with('+'), "{n:?}");
        assert!(n.e164[1..].bytes().all(|b| b.is_ascii_digit()), "{n:?}");
        assert!(
            (8..=18).contains(&n.e164.len()) || n.e164.len() >= 4,
            "{n:?}"
        );
        // The E.164 is a fixed point: checking it again gives the same number.
        let again = check(&n.e164, None);
        assert_eq!(
            again.valid().map(|v| v.e164.as_str()),
            Some(n.e164.as_str()),
            "{input:?}"
        );
    }
    if let Verdict::Incomplete { reason } | Verdict::Invalid { reason } = &verdict {
        assert!(!reason.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn phone_like_inputs_never_panic(input in phoneish(), region in regions()) {
        check_invariants(&input, region);
    }

    #[test]
    fn short_unicode_never_panics(input in "\\PC{0,80}", region in regions()) {
        check_invariants(&input, region);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn long_unicode_never_panics(input in ".{0,10000}", region in regions()) {
        check_invariants(&input, region);
    }

    #[test]
    fn long_digit_pastes_never_panic(
        parts in prop::collection::vec(prop_oneof![Just("+44 7400 123456 ".to_string()), "[0-9 +()-]{1,40}", "\\PC{1,20}"], 0..400),
        region in regions(),
    ) {
        let input: String = parts.concat();
        check_invariants(&input, region);
    }
}

#[test]
fn ten_kilobyte_pastes() {
    for s in [
        "9".repeat(10_000),
        "+".repeat(10_000),
        "1 ".repeat(5_000),
        "(".repeat(10_000),
        "x".repeat(10_000),
        "+44 7400 123456 ".repeat(600),
        "٣".repeat(5_000),
        "tel:".repeat(2_500),
        ";phone-context=".repeat(600),
    ] {
        let _ = check(&s, None);
        let _ = check(&s, Some("GB".parse().unwrap()));
        let _ = format_as_you_type(&s, Some("GB".parse().unwrap()));
    }
}
