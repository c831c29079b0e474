//! The wrong-number guard.
//!
//! A valid verdict must never carry an E.164 whose digits are not the digits the agent
//! typed. Whatever the engine did, [`check_digits`] re-derives, independently of the
//! parser's control flow, that the national significant number is exactly the typed
//! digits with nothing but a *leading* part removed:
//!
//! * an international prefix (`+`, or the default region's IDD such as `00`/`011`),
//!   followed by the country code; or the country code typed without `+`;
//! * then a national prefix / carrier code matched by the region's
//!   national-prefix-for-parsing rule (or the region's documented transform of it,
//!   e.g. Argentina's `0 11 15 ...` to `9 11 ...`).
//!
//! Nothing may be dropped, added or changed in the middle or at the end. A number that
//! fails the guard is turned into an invalid verdict by [`super::check`].

use super::metadata::{self, MetaId, Pat};
use super::normalize;

/// The inputs of the guard: what was typed (the number text the digits were read from,
/// without an extension) and what the engine concluded.
#[derive(Clone, Debug)]
pub struct Claim<'a> {
    pub number_text: &'a str,
    pub vanity: bool,
    pub country_code: u16,
    pub nsn: &'a str,
    pub default_region: Option<MetaId>,
}

/// Ok when the national number is the typed digits less an allowed leading part;
/// otherwise a reason for the agent.
pub fn check_digits(claim: &Claim<'_>) -> Result<(), String> {
    let typed = if claim.vanity {
        normalize::normalize(claim.number_text)
    } else {
        normalize::digits_only(claim.number_text)
    };
    let nsn = claim.nsn;
    if nsn.is_empty() || !nsn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refusal(claim, &typed));
    }
    // Country codes are prefix-free, so a known code splits the digits in one way only.
    if !metadata::is_known_cc(claim.country_code) {
        return Err(refusal(claim, &typed));
    }
    let cc = claim.country_code.to_string();
    let plus = claim
        .number_text
        .trim_start()
        .starts_with(normalize::is_plus);

    // Candidate remainders after the leading international part.
    let mut rests: Vec<&str> = Vec::with_capacity(4);
    if !plus {
        rests.push(&typed);
    }
    if let Some(r) = typed.strip_prefix(cc.as_str()) {
        rests.push(r);
    }
    if let Some(idd) = claim.default_region.and_then(|m| m.compiled().idd.as_ref()) {
        // The reference strips an IDD after a '+' too ("+00 44 ...").
        if let Some(end) = idd.match_end_at_start(&typed)
            && let Some(r) = typed[end..].strip_prefix(cc.as_str())
        {
            rests.push(r);
        }
    }

    let metas: Vec<MetaId> = metadata::main_for_cc(claim.country_code)
        .into_iter()
        .chain(claim.default_region)
        .collect();
    for rest in rests {
        if rest == nsn {
            return Ok(());
        }
        for &m in &metas {
            if national_prefix_explains(rest, nsn, m) {
                return Ok(());
            }
        }
    }
    Err(refusal(claim, &typed))
}

/// Does removing a national prefix / carrier code (or applying the region's transform
/// rule) turn `rest` into `nsn`? As in the reference, a prefix may not be removed
/// from digits that already form a possible national number when what remains
/// does not (that is how "+375 801..." lost its "80").
fn national_prefix_explains(rest: &str, nsn: &str, meta: MetaId) -> bool {
    let c = meta.compiled();
    let Some(re) = c.npfp.as_ref() else {
        return false;
    };
    let Some(caps) = re.captures_at_start(rest) else {
        return false;
    };
    let end = caps.get_match().map_or(0, |m| m.end());
    let allowed = |result: &str| !c.general.matches(rest) || c.general.matches(result);
    if &rest[end..] == nsn && allowed(nsn) {
        return true;
    }
    if let Some(rule) = meta.meta().national_prefix_transform_rule {
        let rep = metadata::java_replacement(rule);
        if Pat::replace_at_start(&caps, rest, &rep) == nsn && allowed(nsn) {
            return true;
        }
    }
    false
}

fn refusal(claim: &Claim<'_>, typed: &str) -> String {
    format!(
        "refused: +{} {} is not the digits typed ({}); please retype the number",
        claim.country_code, claim.nsn, typed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim<'a>(text: &'a str, cc: u16, nsn: &'a str, region: Option<&str>) -> Claim<'a> {
        Claim {
            number_text: text,
            vanity: normalize::is_vanity(text),
            country_code: cc,
            nsn,
            default_region: region.and_then(metadata::by_region),
        }
    }

    #[test]
    fn accepts_international_forms() {
        assert!(check_digits(&claim("+44 7911 123456", 44, "7911123456", None)).is_ok());
        assert!(check_digits(&claim("+44 (0) 7911 123456", 44, "7911123456", None)).is_ok());
        assert!(check_digits(&claim("0044 7911 123456", 44, "7911123456", Some("GB"))).is_ok());
        assert!(check_digits(&claim("011 44 7911 123456", 44, "7911123456", Some("US"))).is_ok());
        assert!(check_digits(&claim("+0044 7911 123456", 44, "7911123456", Some("GB"))).is_ok());
        assert!(check_digits(&claim("+375 801 123 4567", 375, "8011234567", None)).is_ok());
        assert!(check_digits(&claim("+241 06 03 12 34", 241, "06031234", None)).is_ok());
    }

    #[test]
    fn accepts_national_forms() {
        assert!(check_digits(&claim("07911 123456", 44, "7911123456", Some("GB"))).is_ok());
        assert!(check_digits(&claim("7911 123456", 44, "7911123456", Some("GB"))).is_ok());
        assert!(check_digits(&claim("447911123456", 44, "7911123456", Some("GB"))).is_ok());
        assert!(check_digits(&claim("8 912 345 67 89", 7, "9123456789", Some("RU"))).is_ok());
        // Argentina: national mobile form is transformed (0 + area + 15 + local -> 9 + area + local).
        assert!(check_digits(&claim("011 15 2345 6789", 54, "91123456789", Some("AR"))).is_ok());
        assert!(check_digits(&claim("1-800-FLOWERS", 1, "8003569377", Some("US"))).is_ok());
    }

    #[test]
    fn refuses_lost_digits() {
        // The stock crate's Belarus bug: a digit group vanished.
        let e = check_digits(&claim("+375 801 123 4567", 375, "11234567", None)).unwrap_err();
        assert!(e.contains("not the digits typed"), "{e}");
        // The Gabon bug: a digit lost after the international prefix.
        assert!(check_digits(&claim("00241 06 03 12 34", 241, "6031234", Some("GA"))).is_err());
        assert!(check_digits(&claim("+241 06 03 12 34", 241, "6031234", None)).is_err());
    }

    #[test]
    fn refuses_changed_or_added_digits() {
        assert!(check_digits(&claim("+44 7911 123456", 44, "7911123457", None)).is_err());
        assert!(check_digits(&claim("+44 7911 123456", 44, "79111234560", None)).is_err());
        assert!(check_digits(&claim("+44 7911 123456", 44, "911123456", None)).is_err());
        // Wrong country code.
        assert!(check_digits(&claim("+44 7911 123456", 4, "47911123456", None)).is_err());
        assert!(check_digits(&claim("+44 7911 123456", 1, "7911123456", None)).is_err());
        // A national number read as if its leading digits were a national prefix.
        assert!(check_digits(&claim("7911 123456", 44, "911123456", Some("GB"))).is_err());
        assert!(check_digits(&claim("+44 7911 123456", 44, "", None)).is_err());
    }

    #[test]
    fn a_plus_number_cannot_lose_its_country_code() {
        // "+1 ..." must keep "1" as country code, not be read as a national number.
        assert!(check_digits(&claim("+1 650 253 0000", 44, "16502530000", Some("GB"))).is_err());
    }
}
