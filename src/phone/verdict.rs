//! Verdicts: what the phone field says about what was typed, in words an agent
//! understands.

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

use super::engine::{self, Format, ParseError, PhoneNumber, Possible};
use super::guard::{self, Claim};
use super::metadata::{self, MetaId};
use super::normalize;
use super::types::{NumberType, Region};

/// The verdict on one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing typed yet.
    Empty,
    /// Could become a valid number with more typing; `reason` says what is missing.
    Incomplete { reason: String },
    /// Not a number that can be used; `reason` says why.
    Invalid { reason: String },
    /// A valid number.
    Valid(ValidNumber),
}

/// A valid number: what will be sent, and how to show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidNumber {
    /// E.164, the only form sent anywhere: "+447911123456".
    pub e164: String,
    /// International format for display: "+44 7911 123456".
    pub international: String,
    /// Region of the number (may differ from the default region): GB; "001" for
    /// non-geographic numbers such as +800.
    pub region: Region,
    /// English name of the region: "United Kingdom".
    pub country_name: String,
    /// libphonenumber's number type.
    pub number_type: NumberType,
    /// What was done to the input on the way, e.g. "extension 123 dropped".
    pub notes: Vec<String>,
}

impl ValidNumber {
    /// A warning when the number's type is unlikely to have WhatsApp (landline,
    /// toll-free, premium-rate, pager, ...): "landline: WhatsApp needs a mobile number".
    /// Mobile and fixed-line-or-mobile (normal in the US) get none. A warning, not a block.
    pub fn whatsapp_warning(&self) -> Option<String> {
        if self.number_type.likely_on_whatsapp() {
            None
        } else {
            Some(format!(
                "{}: WhatsApp needs a mobile number",
                self.number_type.label()
            ))
        }
    }
}

impl Verdict {
    /// "empty", "incomplete", "invalid" or "valid".
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Empty => "empty",
            Verdict::Incomplete { .. } => "incomplete",
            Verdict::Invalid { .. } => "invalid",
            Verdict::Valid(_) => "valid",
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid(_))
    }

    /// The valid number, if any.
    pub fn valid(&self) -> Option<&ValidNumber> {
        match self {
            Verdict::Valid(v) => Some(v),
            _ => None,
        }
    }

    /// Why the number is not valid (None for valid and empty).
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Incomplete { reason } | Verdict::Invalid { reason } => Some(reason),
            _ => None,
        }
    }
}

fn incomplete(reason: impl Into<String>) -> Verdict {
    Verdict::Incomplete {
        reason: reason.into(),
    }
}

fn invalid(reason: impl Into<String>) -> Verdict {
    Verdict::Invalid {
        reason: reason.into(),
    }
}

/// Characters that are not there for a reader: whitespace and invisible format marks.
fn is_blank_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
        )
}

/// The verdict on `input`, a number typed or pasted by an agent, read in
/// `default_region` when it does not start with `+` (or an international prefix).
///
/// Never panics, whatever the input.
pub fn check(input: &str, default_region: Option<Region>) -> Verdict {
    if input.chars().all(is_blank_char) {
        return Verdict::Empty;
    }
    let meta = default_region.and_then(|r| metadata::by_region(r.as_str()));
    let direct = check_direct(input, meta);
    let try_text = match &direct {
        Verdict::Valid(_) | Verdict::Empty => false,
        Verdict::Invalid { .. } => looks_like_text(input) || several_candidates(input),
        Verdict::Incomplete { .. } => looks_like_text(input),
    };
    if !try_text {
        return direct;
    }
    from_text(input, meta).unwrap_or(direct)
}

fn check_direct(input: &str, meta: Option<MetaId>) -> Verdict {
    match engine::parse(input, meta) {
        Ok(n) => match engine::validate(n.country_code, &n.nsn) {
            Some((id, t)) => valid_number(&n, id, t, meta, Vec::new()),
            None => unfinished(&n, meta),
        },
        Err(e) => parse_error(e, input, meta),
    }
}

fn valid_number(
    n: &PhoneNumber,
    id: MetaId,
    t: NumberType,
    default: Option<MetaId>,
    mut notes: Vec<String>,
) -> Verdict {
    let claim = Claim {
        number_text: &n.number_text,
        vanity: n.vanity,
        country_code: n.country_code,
        nsn: &n.nsn,
        default_region: default,
    };
    if let Err(reason) = guard::check_digits(&claim) {
        return invalid(reason);
    }
    if let Some(ext) = &n.extension {
        notes.push(format!("extension {ext} dropped"));
    }
    if n.vanity {
        notes.push("letters read as keypad digits".to_string());
    }
    let m = id.meta();
    let region = Region::from_meta_id(m.id);
    Verdict::Valid(ValidNumber {
        e164: engine::format(n.country_code, &n.nsn, Format::E164),
        international: engine::format(n.country_code, &n.nsn, Format::International),
        region,
        country_name: m.name.to_string(),
        number_type: t,
        notes,
    })
}

/// "United Kingdom (+44)" (the main country of a shared code), "North America (+1)".
fn country_label(cc: u16) -> String {
    if cc == 1 {
        return "North America (+1)".to_string();
    }
    match metadata::main_for_cc(cc) {
        Some(m) => format!("{} (+{cc})", m.meta().name),
        None => format!("+{cc}"),
    }
}

/// The verdict while the country code after `+` (or an international prefix) is
/// being typed: `d` holds the digits typed after it (at most a few).
fn country_code_progress(d: &str) -> Verdict {
    if d.is_empty() {
        return incomplete("type the country code after +");
    }
    if d.starts_with('0') {
        return invalid("country codes never start with 0");
    }
    for i in 1..=d.len().min(3) {
        if let Ok(cc) = d[..i].parse::<u16>()
            && metadata::is_known_cc(cc)
        {
            return incomplete(format!("type the number after {}", country_label(cc)));
        }
    }
    let any = metadata::all().any(|m| m.meta().country_code.to_string().starts_with(d));
    if any {
        incomplete("keep typing the country code")
    } else {
        let shown: String = d.chars().take(3).collect();
        invalid(format!("no country code starts with +{shown}"))
    }
}

/// "GB", or "+800" for a non-geographic number.
fn short_label(id: MetaId) -> String {
    if id.is_non_geo() {
        format!("+{}", id.meta().country_code)
    } else {
        id.meta().id.to_string()
    }
}

fn article(word: &str) -> &'static str {
    // Region codes are read letter by letter: "an FR landline", "a GB mobile".
    match word.chars().next() {
        Some('A' | 'E' | 'F' | 'H' | 'I' | 'L' | 'M' | 'N' | 'O' | 'R' | 'S' | 'X') => "an",
        _ => "a",
    }
}

fn type_noun(t: NumberType) -> &'static str {
    match t {
        NumberType::Mobile => "mobile",
        NumberType::FixedLine => "landline",
        NumberType::FixedLineOrMobile => "mobile or landline",
        NumberType::TollFree => "toll-free number",
        NumberType::PremiumRate => "premium-rate number",
        NumberType::SharedCost => "shared-cost number",
        NumberType::Voip => "VoIP number",
        NumberType::PersonalNumber => "personal number",
        NumberType::Pager => "pager number",
        NumberType::Uan => "company number",
        NumberType::Voicemail => "voicemail number",
        NumberType::Unknown => "number",
    }
}

fn digits_word(k: usize) -> &'static str {
    if k == 1 { "digit" } else { "digits" }
}

struct Hint {
    more: usize,
    region: MetaId,
    kind: NumberType,
}

/// The fewest digits to add to one of `candidates` to reach a valid number.
fn completion_hint(cc: u16, candidates: &[String]) -> Option<Hint> {
    let mut best: Option<Hint> = None;
    for &id in metadata::metas_for_cc(cc) {
        let c = id.compiled();
        for (t, desc) in &c.types {
            let Some(desc) = desc else { continue };
            let Some(dfa) = &desc.dfa else { continue };
            let lengths = desc.desc.lengths;
            let max_len = lengths.iter().copied().max().unwrap_or(17).max(0) as usize;
            for cand in candidates {
                if cand.len() >= max_len {
                    continue;
                }
                let limit = max_len - cand.len();
                let limit = best.as_ref().map_or(limit, |b| limit.min(b.more));
                let ok = |len: usize| {
                    (lengths.is_empty() || lengths.iter().any(|&l| l as usize == len))
                        && c.general.desc.lengths.iter().any(|&l| l as usize == len)
                };
                let Some(k) = dfa.digits_to_complete(cand, 1, limit, ok) else {
                    continue;
                };
                match &mut best {
                    Some(b) if k > b.more => {}
                    Some(b) if k == b.more => {
                        if b.region == id
                            && matches!(
                                (b.kind, *t),
                                (NumberType::Mobile, NumberType::FixedLine)
                                    | (NumberType::FixedLine, NumberType::Mobile)
                            )
                        {
                            b.kind = NumberType::FixedLineOrMobile;
                        } else if *t == NumberType::Mobile
                            && b.kind != NumberType::FixedLineOrMobile
                            && (b.region == id || b.kind != NumberType::Mobile)
                        {
                            b.region = id;
                            b.kind = NumberType::Mobile;
                        }
                    }
                    _ => {
                        best = Some(Hint {
                            more: k,
                            region: id,
                            kind: *t,
                        })
                    }
                }
            }
        }
    }
    best
}

/// The shortest prefix of a candidate that no number of the country code starts with,
/// taken from the candidate that stays possible longest.
fn dead_prefix(cc: u16, candidates: &[String]) -> Option<String> {
    let metas = metadata::metas_for_cc(cc);
    let alive = |p: &str| {
        metas.iter().any(|id| {
            id.compiled()
                .types
                .iter()
                .filter_map(|(_, d)| d.as_ref())
                .filter_map(|d| d.dfa.as_ref())
                .any(|dfa| dfa.alive(p))
        })
    };
    let mut best: Option<(usize, String)> = None;
    for cand in candidates {
        let mut dead_at = None;
        for i in 1..=cand.len() {
            if !alive(&cand[..i]) {
                dead_at = Some(i);
                break;
            }
        }
        let Some(i) = dead_at else {
            return None; // some candidate never dies: not a prefix problem
        };
        if best.as_ref().is_none_or(|(j, _)| i > *j) {
            best = Some((i, cand[..i].to_string()));
        }
    }
    best.map(|(_, p)| p)
}

/// National-number candidates for hints: as parsed, and without a national prefix.
fn candidates(nsn: &str, cc: u16) -> Vec<String> {
    let mut v = vec![nsn.to_string()];
    if let Some(main) = metadata::main_for_cc(cc) {
        let (stripped, did) = engine::strip_national_prefix(nsn, main);
        if did && !stripped.is_empty() && stripped != nsn {
            v.push(stripped);
        }
    }
    v
}

fn missing_digits(cc: u16, nsn: &str, from_default_country: bool) -> Verdict {
    let cands = candidates(nsn, cc);
    if let Some(h) = completion_hint(cc, &cands) {
        let label = short_label(h.region);
        return incomplete(format!(
            "{} more {} for {} {} {}",
            h.more,
            digits_word(h.more),
            article(&label),
            label,
            type_noun(h.kind)
        ));
    }
    let abroad = if from_default_country {
        "; for a number abroad, start with + and the country code"
    } else {
        ""
    };
    let main = metadata::main_for_cc(cc);
    if let Some(m) = main
        && cands
            .iter()
            .all(|c| engine::test_number_length(c, m, NumberType::Unknown) == Possible::TooLong)
    {
        return invalid(format!("too long for {}{abroad}", country_label(cc)));
    }
    if let Some(p) = dead_prefix(cc, &cands) {
        return invalid(format!(
            "no {} number starts with {p}{abroad}",
            country_label(cc)
        ));
    }
    invalid(format!(
        "not a valid {} number (wrong length){abroad}",
        country_label(cc)
    ))
}

fn unfinished(n: &PhoneNumber, _meta: Option<MetaId>) -> Verdict {
    missing_digits(
        n.country_code,
        &n.nsn,
        n.source == engine::CcSource::DefaultCountry,
    )
}

/// What follows the international prefix (`+` or the default region's IDD), as
/// digits, or None when the number is in national form.
fn after_international_prefix(input: &str, meta: Option<MetaId>) -> Option<String> {
    let national = normalize::build_national_number_for_parsing(input).ok()?;
    let (_, number) = normalize::strip_extension(&national);
    let rest = number.trim_start_matches(normalize::is_plus);
    if rest.len() != number.len() {
        return Some(normalize::normalize(rest));
    }
    let digits = normalize::normalize(number);
    let end = meta?.compiled().idd.as_ref()?.match_end_at_start(&digits)?;
    Some(digits[end..].to_string())
}

/// Up to three characters that cannot be part of a phone number, for the reason text.
fn stray_characters(input: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in input.chars() {
        let ok = normalize::digit_value(c).is_some()
            || normalize::is_plus(c)
            || normalize::is_punctuation(c)
            || is_blank_char(c)
            || matches!(c, '*' | '#' | ',' | ';');
        if !ok && !out.contains(c) {
            out.push(c);
            n += 1;
            if n == 8 {
                out.push('…');
                break;
            }
        }
    }
    out
}

fn parse_error(e: ParseError, input: &str, meta: Option<MetaId>) -> Verdict {
    match e {
        ParseError::InputTooLong => invalid(format!(
            "too long: over {} characters; paste just the number",
            engine::MAX_INPUT_STRING_LENGTH
        )),
        ParseError::TooLong => invalid("too long: more than 17 digits after the country code"),
        ParseError::MissingRegion => {
            invalid("start with + and the country code (no default country is set)")
        }
        ParseError::NotANumber => {
            if input.contains(";phone-context=") {
                return invalid("the tel: link has an invalid phone-context");
            }
            let digits = normalize::digits_only(input).len();
            let stray = stray_characters(input);
            if !stray.is_empty() {
                if digits == 0 {
                    return invalid(format!("no digits, only stray characters: '{stray}'"));
                }
                return invalid(format!("stray characters: '{stray}'"));
            }
            if digits == 0 {
                if input.contains(normalize::is_plus) {
                    return incomplete("type the country code after +");
                }
                return incomplete("type the number");
            }
            if digits < 3 {
                if let Some(d) = after_international_prefix(input, meta) {
                    return country_code_progress(&d);
                }
                return incomplete("keep typing: too few digits");
            }
            invalid("not a phone number")
        }
        ParseError::InvalidCountryCode => {
            let d = after_international_prefix(input, meta).unwrap_or_default();
            if d.starts_with('0') {
                return invalid("country codes never start with 0");
            }
            let shown: String = d.chars().take(3).collect();
            invalid(format!("no country with code +{shown}"))
        }
        ParseError::TooShortAfterIdd => {
            country_code_progress(&after_international_prefix(input, meta).unwrap_or_default())
        }
        ParseError::TooShortNsn => {
            if let Some(d) = after_international_prefix(input, meta) {
                for i in 1..=d.len().min(3) {
                    if let Ok(cc) = d[..i].parse::<u16>()
                        && metadata::is_known_cc(cc)
                        && !d.starts_with('0')
                    {
                        return missing_digits(cc, &d[i..], false);
                    }
                }
                return incomplete("keep typing");
            }
            match meta {
                Some(m) => {
                    let national =
                        normalize::build_national_number_for_parsing(input).unwrap_or_default();
                    let digits = normalize::normalize(normalize::strip_extension(&national).1);
                    missing_digits(m.meta().country_code, &digits, true)
                }
                None => incomplete("keep typing"),
            }
        }
    }
}

/// Does the input look like a pasted text rather than a typed number?
fn looks_like_text(input: &str) -> bool {
    input.len() > engine::MAX_INPUT_STRING_LENGTH
        || input.contains('\n')
        || input
            .chars()
            .any(|c| c.is_alphabetic() && !c.is_ascii_digit())
}

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:[+\x{FF0B}][ \t\x{A0}]*)?[(\[\x{FF08}]?\d(?:[\d \t\x{A0}\x{3000}\-\x{2010}-\x{2015}\x{2212}.()\[\]/\x{FF08}\x{FF09}\x{FF0D}-\x{FF0F}]*\d)?",
    )
    .expect("candidate pattern")
});

/// Does the input hold more than one run of digits long enough to be a number
/// ("+44 7911 123456 / +44 7911 654321")?
fn several_candidates(input: &str) -> bool {
    CANDIDATE
        .find_iter(input)
        .filter(|m| normalize::digits_only(m.as_str()).len() >= 5)
        .nth(1)
        .is_some()
}

/// Finds the phone number in a pasted text: every run of digits and phone punctuation
/// is read on its own; exactly one distinct valid number makes a valid verdict.
fn from_text(input: &str, meta: Option<MetaId>) -> Option<Verdict> {
    let mut found: Vec<ValidNumber> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for m in CANDIDATE.find_iter(input).take(1000) {
        let text = m.as_str();
        if text.len() > engine::MAX_INPUT_STRING_LENGTH
            || normalize::digits_only(text).len() < 5
            || seen.contains(&text)
        {
            continue;
        }
        if seen.len() == 64 {
            break; // enough distinct candidates read: the text is not one number
        }
        seen.push(text);
        let Ok(n) = engine::parse(text, meta) else {
            continue;
        };
        let Some((id, t)) = engine::validate(n.country_code, &n.nsn) else {
            continue;
        };
        if let Verdict::Valid(v) = valid_number(&n, id, t, meta, Vec::new())
            && !found.iter().any(|f| f.e164 == v.e164)
        {
            found.push(v);
        }
        if found.len() > 3 {
            break;
        }
    }
    match found.len() {
        0 => None,
        1 => {
            let mut v = found.pop()?;
            v.notes.push("number read from the pasted text".to_string());
            Some(Verdict::Valid(v))
        }
        k => {
            let list: Vec<&str> = found.iter().take(3).map(|v| v.e164.as_str()).collect();
            Some(invalid(format!(
                "the text holds {}{} different numbers ({}): paste just one",
                if k > 3 { "more than " } else { "" },
                k.min(3),
                list.join(", ")
            )))
        }
    }
}
