//! Character-level handling of what an agent types or pastes: Unicode digits, the
//! punctuation libphonenumber tolerates, vanity letters, extensions and `tel:` URIs.
//! A line-by-line port of the corresponding parts of libphonenumber (Python
//! `phonenumbers` 9.0.33, `phonenumberutil.py`).

use regex::Regex;
use std::sync::LazyLock;

use super::data::ND_ZEROS;

/// The value of a Unicode decimal digit (category Nd), as Java's `Character.digit(c, 10)`.
pub fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let cp = c as u32;
    if cp < 0x660 {
        return None;
    }
    // ND_ZEROS is sorted; find the last zero <= cp.
    let i = ND_ZEROS.partition_point(|&z| z <= cp);
    if i == 0 {
        return None;
    }
    let off = cp - ND_ZEROS[i - 1];
    (off < 10).then_some(off as u8)
}

/// `normalize_digits_only`: every decimal digit as ASCII, everything else dropped.
pub fn digits_only(s: &str) -> String {
    s.chars()
        .filter_map(digit_value)
        .map(|d| (b'0' + d) as char)
        .collect()
}

/// The keypad digit of a letter (ITU E.161), after Python's `str.upper()`.
fn alpha_digit(c: char) -> Option<char> {
    let up = match c {
        'a'..='z' => c.to_ascii_uppercase(),
        'A'..='Z' => c,
        '\u{131}' => 'I', // dotless i: upper() is 'I'
        '\u{17F}' => 'S', // long s: upper() is 'S'
        _ => return None,
    };
    Some(match up {
        'A' | 'B' | 'C' => '2',
        'D' | 'E' | 'F' => '3',
        'G' | 'H' | 'I' => '4',
        'J' | 'K' | 'L' => '5',
        'M' | 'N' | 'O' => '6',
        'P' | 'Q' | 'R' | 'S' => '7',
        'T' | 'U' | 'V' => '8',
        _ => '9',
    })
}

/// `_VALID_ALPHA_PHONE_PATTERN` full match: three ASCII letters, no line break.
pub fn is_vanity(s: &str) -> bool {
    !s.contains('\n') && s.bytes().filter(|b| b.is_ascii_alphabetic()).count() >= 3
}

/// `_normalize`: vanity numbers (3+ letters) get their letters turned into keypad
/// digits (and lose non-ASCII digits, as in the reference); other strings keep only
/// their digits, converted to ASCII.
pub fn normalize(s: &str) -> String {
    if is_vanity(s) {
        s.chars()
            .filter_map(|c| {
                if c.is_ascii_digit() {
                    Some(c)
                } else {
                    alpha_digit(c)
                }
            })
            .collect()
    } else {
        digits_only(s)
    }
}

/// Characters libphonenumber accepts between digits (`_VALID_PUNCTUATION`), as a
/// regex class body.
const PUNCT: &str = r"\-x\x{2010}-\x{2015}\x{2212}\x{30FC}\x{FF0D}-\x{FF0F} \x{A0}\x{AD}\x{200B}\x{2060}\x{3000}()\x{FF08}\x{FF09}\x{FF3B}\x{FF3D}.\[\]/~\x{2053}\x{223C}\x{FF5E}";
const PLUS: &str = r"+\x{FF0B}";
const ALPHA: &str = "A-Za-z";

/// Is `c` one of the punctuation characters libphonenumber skips?
pub fn is_punctuation(c: char) -> bool {
    matches!(c,
        '-' | 'x' | 'X' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}'..='\u{FF0F}'
        | ' ' | '\u{A0}' | '\u{AD}' | '\u{200B}' | '\u{2060}' | '\u{3000}' | '(' | ')'
        | '\u{FF08}' | '\u{FF09}' | '\u{FF3B}' | '\u{FF3D}' | '.' | '[' | ']' | '/' | '~'
        | '\u{2053}' | '\u{223C}' | '\u{FF5E}')
}

pub fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

fn extn_digits(max: usize) -> String {
    format!(r"(\d{{1,{max}}})")
}

fn extn_pattern(for_parsing: bool) -> String {
    let seps = "[ \u{A0}\\t,]*";
    let after_label = "[:\\.\u{FF0E}]?[ \u{A0}\\t,-]*";
    let suffix = "#?";
    let explicit = "(?:e?xt(?:ensi(?:o\u{301}?|\u{F3}))?n?|\u{FF45}?\u{FF58}\u{FF54}\u{FF4E}?|\u{434}\u{43E}\u{431}|anexo)";
    let ambiguous = "(?:[x\u{FF58}#\u{FF03}~\u{FF5E}]|int|\u{FF49}\u{FF4E}\u{FF54})";
    let ambiguous_sep = "[- ]+";
    let rfc = format!(";ext={}", extn_digits(20));
    let explicit_extn = format!("{seps}{explicit}{after_label}{}{suffix}", extn_digits(20));
    let ambiguous_extn = format!("{seps}{ambiguous}{after_label}{}{suffix}", extn_digits(9));
    let american = format!("{ambiguous_sep}{}#", extn_digits(6));
    let mut p = format!("{rfc}|{explicit_extn}|{ambiguous_extn}|{american}");
    if for_parsing {
        let seps_no_comma = "[ \u{A0}\\t]*";
        let auto = "(?:,{2}|;)";
        let auto_extn = format!(
            "{seps_no_comma}{auto}{after_label}{}{suffix}",
            extn_digits(15)
        );
        let commas = format!(
            "{seps_no_comma}(?:,)+{after_label}{}{suffix}",
            extn_digits(9)
        );
        p = format!("{p}|{auto_extn}|{commas}");
    }
    p
}

static VALID_START_CHAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"[{PLUS}\d]")).expect("start char"));
static UNWANTED_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:_|[^#\w])+$").expect("unwanted end"));
static SECOND_NUMBER_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\\/] *x").expect("second number"));
static VALID_PHONE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    let p = format!(
        r"(?i)^(?:(?:\d{{2}}|[{PLUS}]*(?:[{PUNCT}*]*\d){{3,}}[{PUNCT}*{ALPHA}\d]*)(?:{})?)$",
        extn_pattern(true)
    );
    Regex::new(&p).expect("valid phone number")
});
static EXTN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i)(?:{})$", extn_pattern(true))).expect("extension"));
static GLOBAL_NUMBER_DIGITS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\+([\d]|[\-\.\(\)]?)*\d([\d]|[\-\.\(\)]?)*$").expect("rfc3966"));
static DOMAINNAME: LazyLock<Regex> = LazyLock::new(|| {
    let alnum = format!(r"{ALPHA}\d");
    let label = format!(r"[{alnum}]+((\-)*[{alnum}])*");
    let top = format!(r"[{ALPHA}]+((\-)*[{alnum}])*");
    Regex::new(&format!(r"^({label}\.)*{top}\.?$")).expect("domain")
});

/// Compile the character-level patterns now.
pub fn warm_up() {
    LazyLock::force(&VALID_START_CHAR);
    LazyLock::force(&UNWANTED_END);
    LazyLock::force(&SECOND_NUMBER_START);
    LazyLock::force(&VALID_PHONE_NUMBER);
    LazyLock::force(&EXTN);
    LazyLock::force(&GLOBAL_NUMBER_DIGITS);
    LazyLock::force(&DOMAINNAME);
}

/// `_extract_possible_number`: from the first `+` or digit, without trailing junk and
/// without a second number written as "/x...".
pub fn extract_possible_number(s: &str) -> &str {
    let Some(m) = VALID_START_CHAR.find(s) else {
        return "";
    };
    let mut n = &s[m.start()..];
    if let Some(t) = UNWANTED_END.find(n) {
        n = &n[..t.start()];
    }
    if let Some(t) = SECOND_NUMBER_START.find(n) {
        n = &n[..t.start()];
    }
    n
}

/// `_is_viable_phone_number`.
pub fn is_viable(s: &str) -> bool {
    if s.chars().count() < 2 {
        return false;
    }
    VALID_PHONE_NUMBER.is_match(s)
}

/// `_maybe_strip_extension`: (extension, number before it).
pub fn strip_extension(s: &str) -> (Option<&str>, &str) {
    if let Some(caps) = EXTN.captures(s) {
        let whole = caps.get(0).expect("group 0");
        let before = &s[..whole.start()];
        if is_viable(before)
            && let Some(g) = caps.iter().skip(1).flatten().next()
        {
            return (Some(g.as_str()), before);
        }
    }
    (None, s)
}

/// Why a `tel:` URI cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPhoneContext;

const PHONE_CONTEXT: &str = ";phone-context=";

/// `_build_national_number_for_parsing`: reads RFC 3966 (`tel:+44...;phone-context=...`)
/// or extracts the number from surrounding text.
pub fn build_national_number_for_parsing(s: &str) -> Result<String, BadPhoneContext> {
    let ctx_idx = s.find(PHONE_CONTEXT);
    let context = ctx_idx.map(|i| {
        let start = i + PHONE_CONTEXT.len();
        if start >= s.len() {
            ""
        } else {
            match s[start..].find(';') {
                Some(e) => &s[start..start + e],
                None => &s[start..],
            }
        }
    });
    if let Some(c) = context
        && (c.is_empty() || !(GLOBAL_NUMBER_DIGITS.is_match(c) || DOMAINNAME.is_match(c)))
    {
        return Err(BadPhoneContext);
    }
    let mut national = String::new();
    if let (Some(c), Some(idx)) = (context, ctx_idx) {
        if c.starts_with('+') {
            national.push_str(c);
        }
        let start = s.find("tel:").map(|i| i + 4).unwrap_or(0);
        if start <= idx {
            national.push_str(&s[start..idx]);
        }
    } else {
        national.push_str(extract_possible_number(s));
    }
    if let Some(i) = national.find(";isub=")
        && i > 0
    {
        national.truncate(i);
    }
    Ok(national)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_digits() {
        assert_eq!(digits_only("０７９１１ ١٢٣ ۴۵۶"), "07911123456");
        assert_eq!(digit_value('٣'), Some(3));
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('²'), None);
    }

    #[test]
    fn vanity() {
        assert_eq!(normalize("1-800-FLOWERS"), "18003569377");
        assert_eq!(normalize("+44 79"), "4479");
    }

    #[test]
    fn extraction() {
        assert_eq!(
            extract_possible_number("Tel: +44 20 7031 3000."),
            "+44 20 7031 3000"
        );
        assert_eq!(extract_possible_number("no digits"), "");
        assert_eq!(
            extract_possible_number("(530) 583-6985 x302/x2303"),
            "530) 583-6985 x302"
        );
    }

    #[test]
    fn extensions() {
        assert_eq!(
            strip_extension("020 7031 3000 ext. 123"),
            (Some("123"), "020 7031 3000")
        );
        assert_eq!(strip_extension("020 7031 3000"), (None, "020 7031 3000"));
    }

    #[test]
    fn tel_uri() {
        assert_eq!(
            build_national_number_for_parsing("tel:2070313000;phone-context=+44").unwrap(),
            "+442070313000"
        );
        assert_eq!(
            build_national_number_for_parsing("tel:+44-20-7031-3000;isub=12").unwrap(),
            "+44-20-7031-3000"
        );
        assert!(build_national_number_for_parsing("tel:123;phone-context=").is_err());
    }
}
