//! leadline's phone-number engine: parsing, validation, typing and formatting,
//! ported function by function from the reference implementation (Python
//! `phonenumbers` 9.0.33, itself a port of Google libphonenumber's Java
//! `PhoneNumberUtil`). Function names in the docs below are the reference's.

use super::metadata::{self, CDesc, Compiled, MetaId, Pat, TYPE_ORDER};
use super::normalize;
use super::types::NumberType;

const MIN_LENGTH_FOR_NSN: usize = 2;
const MAX_LENGTH_FOR_NSN: usize = 17;
const MAX_LENGTH_COUNTRY_CODE: usize = 3;
/// Inputs longer than this (in characters) are refused, as by the reference.
pub const MAX_INPUT_STRING_LENGTH: usize = 250;

/// Where the country calling code came from (`CountryCodeSource`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CcSource {
    Plus,
    Idd,
    NumberWithoutPlus,
    DefaultCountry,
}

/// A parsed number (the reference's `PhoneNumber`, without raw-input fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber {
    pub country_code: u16,
    /// National significant number, ASCII digits (leading zeros kept).
    pub nsn: String,
    pub extension: Option<String>,
    pub source: CcSource,
    /// Letters were read as keypad digits (vanity number).
    pub vanity: bool,
    /// The text the number was read from, after extraction and without the extension.
    pub number_text: String,
}

/// Why parsing failed (`NumberParseException` error types, slightly refined).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not a phone number at all (too few digits, stray characters, bad tel: URI).
    NotANumber,
    /// No default region and the number does not start with `+`.
    MissingRegion,
    /// The digits after `+` or the international prefix are no known country code.
    InvalidCountryCode,
    /// Too few digits after the international prefix.
    TooShortAfterIdd,
    /// Too few digits for a national number.
    TooShortNsn,
    /// More than 17 digits in the national number.
    TooLong,
    /// More than 250 characters of input.
    InputTooLong,
}

/// `_extract_country_code`: (country code or 0, rest).
fn extract_country_code(number: &str) -> (u16, &str) {
    if number.is_empty() || number.starts_with('0') {
        return (0, number);
    }
    for i in 1..=number.len().min(MAX_LENGTH_COUNTRY_CODE) {
        if let Ok(cc) = number[..i].parse::<u16>()
            && metadata::is_known_cc(cc)
        {
            return (cc, &number[i..]);
        }
    }
    (0, number)
}

/// `_parse_prefix_as_idd` on a normalized number.
fn parse_prefix_as_idd(c: &Compiled, number: &str) -> Option<usize> {
    let end = c.idd.as_ref()?.match_end_at_start(number)?;
    // The first digit after the prefix must not be 0 (no country code starts with 0).
    if number[end..].starts_with('0') {
        return None;
    }
    Some(end)
}

/// `_maybe_strip_i18n_prefix_and_normalize`.
fn strip_i18n_prefix_and_normalize(number: &str, meta: Option<MetaId>) -> (CcSource, String) {
    if number.is_empty() {
        return (CcSource::DefaultCountry, String::new());
    }
    let plus_end = number
        .char_indices()
        .find(|&(_, c)| !normalize::is_plus(c))
        .map(|(i, _)| i)
        .unwrap_or(number.len());
    if plus_end > 0 {
        return (CcSource::Plus, normalize::normalize(&number[plus_end..]));
    }
    let normalized = normalize::normalize(number);
    if let Some(m) = meta
        && let Some(end) = parse_prefix_as_idd(m.compiled(), &normalized)
    {
        return (CcSource::Idd, normalized[end..].to_string());
    }
    (CcSource::DefaultCountry, normalized)
}

/// `_maybe_strip_national_prefix_carrier_code`: (number, stripped?).
pub fn strip_national_prefix(number: &str, meta: MetaId) -> (String, bool) {
    let c = meta.compiled();
    let m = meta.meta();
    let Some(re) = c.npfp.as_ref() else {
        return (number.to_string(), false);
    };
    if number.is_empty() {
        return (String::new(), false);
    }
    let Some(caps) = re.captures_at_start(number) else {
        return (number.to_string(), false);
    };
    let end = caps.get_match().map_or(0, |m| m.end());
    let viable_original = c.general.matches(number);
    let groups = caps.group_len() - 1;
    let transform = m.national_prefix_transform_rule.filter(|t| !t.is_empty());
    let last_group_none = groups == 0 || caps.get_group(groups).is_none();
    match transform {
        Some(rule) if !last_group_none => {
            let replacement = metadata::java_replacement(rule);
            // re.sub(count=1): the first match is the one at the start.
            let transformed = Pat::replace_at_start(&caps, number, &replacement);
            if viable_original && !c.general.matches(&transformed) {
                return (number.to_string(), false);
            }
            (transformed, true)
        }
        _ => {
            let rest = &number[end..];
            if viable_original && !c.general.matches(rest) {
                return (number.to_string(), false);
            }
            (rest.to_string(), true)
        }
    }
}

/// `ValidationResult`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Possible {
    IsPossible,
    IsPossibleLocalOnly,
    InvalidCountryCode,
    TooShort,
    InvalidLength,
    TooLong,
}

fn has_possible_number_data(lengths: &[i8]) -> bool {
    !(lengths.len() == 1 && lengths[0] == -1)
}

/// `_test_number_length` for a type (`NumberType::Unknown` = any type).
pub fn test_number_length(nsn: &str, meta: MetaId, t: NumberType) -> Possible {
    let m = meta.meta();
    let desc = m.desc(t);
    let mut lengths: Vec<i8>;
    let mut local: Vec<i8>;
    match desc {
        None => {
            lengths = m.general.lengths.to_vec();
            local = Vec::new();
        }
        Some(d) => {
            lengths = if d.lengths.is_empty() {
                m.general.lengths.to_vec()
            } else {
                d.lengths.to_vec()
            };
            local = d.local_lengths.to_vec();
        }
    }
    if t == NumberType::FixedLineOrMobile {
        let fixed_has = m
            .desc(NumberType::FixedLine)
            .is_some_and(|d| has_possible_number_data(d.lengths));
        if !fixed_has {
            return test_number_length(nsn, meta, NumberType::Mobile);
        }
        if let Some(mobile) = m
            .desc(NumberType::Mobile)
            .filter(|d| has_possible_number_data(d.lengths))
        {
            if mobile.lengths.is_empty() {
                lengths.extend_from_slice(m.general.lengths);
            } else {
                lengths.extend_from_slice(mobile.lengths);
            }
            lengths.sort_unstable();
            if local.is_empty() {
                local = mobile.local_lengths.to_vec();
            } else {
                local.extend_from_slice(mobile.local_lengths);
                local.sort_unstable();
            }
        }
    }
    if desc.is_none() {
        return Possible::InvalidLength;
    }
    let n = nsn.len() as i8;
    if local.contains(&n) {
        return Possible::IsPossibleLocalOnly;
    }
    let Some(&min) = lengths.first() else {
        return Possible::InvalidLength;
    };
    if min == n {
        return Possible::IsPossible;
    }
    if min > n {
        return Possible::TooShort;
    }
    if *lengths.last().unwrap_or(&min) < n {
        return Possible::TooLong;
    }
    if lengths[1..].contains(&n) {
        Possible::IsPossible
    } else {
        Possible::InvalidLength
    }
}

/// `_maybe_extract_country_code`: Ok((country code or 0, national number)).
fn maybe_extract_country_code(
    number: &str,
    meta: Option<MetaId>,
) -> Result<(u16, String, CcSource), ParseError> {
    if number.is_empty() {
        return Ok((0, String::new(), CcSource::DefaultCountry));
    }
    let (source, full) = strip_i18n_prefix_and_normalize(number, meta);
    if source != CcSource::DefaultCountry {
        if full.len() <= MIN_LENGTH_FOR_NSN {
            return Err(ParseError::TooShortAfterIdd);
        }
        let (cc, rest) = extract_country_code(&full);
        if cc != 0 {
            return Ok((cc, rest.to_string(), source));
        }
        return Err(ParseError::InvalidCountryCode);
    }
    if let Some(m) = meta {
        let cc = m.meta().country_code;
        let cc_str = cc.to_string();
        if let Some(potential) = full.strip_prefix(cc_str.as_str()) {
            let (potential, _) = strip_national_prefix(potential, m);
            let general = &m.compiled().general;
            if (!general.matches(&full) && general.matches(&potential))
                || test_number_length(&full, m, NumberType::Unknown) == Possible::TooLong
            {
                return Ok((cc, potential, CcSource::NumberWithoutPlus));
            }
        }
    }
    Ok((0, String::new(), CcSource::DefaultCountry))
}

/// `parse(number, region)`.
pub fn parse(input: &str, region: Option<MetaId>) -> Result<PhoneNumber, ParseError> {
    if input.len() > MAX_INPUT_STRING_LENGTH && input.chars().count() > MAX_INPUT_STRING_LENGTH {
        return Err(ParseError::InputTooLong);
    }
    let national =
        normalize::build_national_number_for_parsing(input).map_err(|_| ParseError::NotANumber)?;
    if !normalize::is_viable(&national) {
        return Err(ParseError::NotANumber);
    }
    let starts_with_plus = national.starts_with(normalize::is_plus);
    if region.is_none() && !starts_with_plus {
        return Err(ParseError::MissingRegion);
    }
    let (extension, number) = normalize::strip_extension(&national);
    let mut meta = region;
    let (mut cc, mut nsn, source) = match maybe_extract_country_code(number, meta) {
        Ok(r) => r,
        Err(ParseError::InvalidCountryCode) if number.starts_with(normalize::is_plus) => {
            let rest = number.trim_start_matches(normalize::is_plus);
            let r = maybe_extract_country_code(rest, meta)?;
            if r.0 == 0 {
                return Err(ParseError::InvalidCountryCode);
            }
            r
        }
        Err(e) => return Err(e),
    };
    if cc != 0 {
        let main = metadata::main_for_cc(cc).ok_or(ParseError::InvalidCountryCode)?;
        if meta != Some(main) {
            meta = Some(main);
        }
    } else {
        nsn.push_str(&normalize::normalize(number));
        if let Some(m) = meta {
            cc = m.meta().country_code;
        }
    }
    if nsn.len() < MIN_LENGTH_FOR_NSN {
        return Err(ParseError::TooShortNsn);
    }
    if let Some(m) = meta {
        let (potential, _) = strip_national_prefix(&nsn, m);
        match test_number_length(&potential, m, NumberType::Unknown) {
            Possible::TooShort | Possible::IsPossibleLocalOnly | Possible::InvalidLength => {}
            _ => nsn = potential,
        }
    }
    if nsn.len() < MIN_LENGTH_FOR_NSN {
        return Err(ParseError::TooShortNsn);
    }
    if nsn.len() > MAX_LENGTH_FOR_NSN {
        return Err(ParseError::TooLong);
    }
    Ok(PhoneNumber {
        country_code: cc,
        nsn,
        extension: extension.map(str::to_string),
        source,
        vanity: normalize::is_vanity(number),
        number_text: number.to_string(),
    })
}

/// `_number_type_helper`.
pub fn number_type_for(nsn: &str, meta: MetaId) -> NumberType {
    let c = meta.compiled();
    if !c.general.matches_with_length(nsn) {
        return NumberType::Unknown;
    }
    let m = |t: NumberType| {
        c.desc(t)
            .is_some_and(|d: &CDesc| d.matches_with_length(nsn))
    };
    for t in TYPE_ORDER {
        if matches!(t, NumberType::FixedLine | NumberType::Mobile) {
            continue;
        }
        if m(t) {
            return t;
        }
    }
    let same = meta.meta().same_mobile_and_fixed_line_pattern;
    if m(NumberType::FixedLine) {
        if same || m(NumberType::Mobile) {
            return NumberType::FixedLineOrMobile;
        }
        return NumberType::FixedLine;
    }
    if !same && m(NumberType::Mobile) {
        return NumberType::Mobile;
    }
    NumberType::Unknown
}

/// `region_code_for_number`: the metadata entry the number belongs to.
pub fn region_for_number(cc: u16, nsn: &str) -> Option<MetaId> {
    let metas = metadata::metas_for_cc(cc);
    if metas.len() == 1 {
        return Some(metas[0]);
    }
    for &id in metas {
        match &id.compiled().leading_digits {
            Some(ld) => {
                if ld.prefix_match(nsn) {
                    return Some(id);
                }
            }
            None => {
                if number_type_for(nsn, id) != NumberType::Unknown {
                    return Some(id);
                }
            }
        }
    }
    None
}

/// Validity and type of a parsed number: Some((region, type)) when valid
/// (`is_valid_number` + `number_type`).
pub fn validate(cc: u16, nsn: &str) -> Option<(MetaId, NumberType)> {
    let id = region_for_number(cc, nsn)?;
    if !id.is_non_geo() && id.meta().country_code != cc {
        return None;
    }
    match number_type_for(nsn, id) {
        NumberType::Unknown => None,
        t => Some((id, t)),
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    E164,
    International,
    National,
}

/// `_choose_formatting_pattern_for_number`.
fn choose_format<'a>(formats: &'a [metadata::CFmt], nsn: &str) -> Option<&'a metadata::CFmt> {
    formats.iter().find(|f| {
        let n = f.leading_len();
        (n == 0 || f.leading(n - 1).prefix_match(nsn)) && f.full().full_match(nsn)
    })
}

/// `format_number` for E.164, international and national formats (no extension).
pub fn format(cc: u16, nsn: &str, fmt: Format) -> String {
    if fmt == Format::E164 {
        return format!("+{cc}{nsn}");
    }
    let Some(id) = metadata::main_for_cc(cc) else {
        return nsn.to_string();
    };
    let fs = id.formats();
    let available = if fs.intl.is_empty() || fmt == Format::National {
        &fs.formats
    } else {
        &fs.intl
    };
    let body = match choose_format(available, nsn) {
        None => nsn.to_string(),
        Some(f) => {
            let rule = match (fmt, f.fmt.np_rule) {
                (Format::National, Some(np)) if !np.is_empty() => {
                    // Replace the first group reference in the format with the
                    // national-prefix formatting rule.
                    let np_rep = metadata::java_replacement(np);
                    f.replacement.replacen("${1}", &np_rep, 1)
                }
                _ => f.replacement.clone(),
            };
            f.pattern().replace_all(nsn, &rule)
        }
    };
    match fmt {
        Format::International => format!("+{cc} {body}"),
        _ => body,
    }
}
