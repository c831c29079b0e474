//! As-you-type formatting for the phone field: a port of libphonenumber's
//! `AsYouTypeFormatter` (Python `phonenumbers` 9.0.33, `asyoutypeformatter.py`).
//!
//! [`format_as_you_type`] feeds the digits (and a leading `+`) of the field to a fresh
//! formatter, so separators the agent typed are re-laid by the number's own format.
//! Text that holds anything else (letters, `tel:`, an extension) is shown as typed.

use regex::Regex;
use std::sync::LazyLock;

use super::metadata::{self, CFmt, MetaId};
use super::normalize;
use super::types::Region;

const SEPARATOR_BEFORE_NATIONAL_NUMBER: char = ' ';
const MIN_LEADING_DIGITS_LENGTH: usize = 3;
const DIGIT_PLACEHOLDER: char = '\u{2008}';

static ELIGIBLE_FORMAT: LazyLock<Regex> = LazyLock::new(|| {
    let p = r"[\-x\x{2010}-\x{2015}\x{2212}\x{30FC}\x{FF0D}-\x{FF0F} \x{A0}\x{AD}\x{200B}\x{2060}\x{3000}()\x{FF08}\x{FF09}\x{FF3B}\x{FF3D}.\[\]/~\x{2053}\x{223C}\x{FF5E}]";
    Regex::new(&format!(r"^(?:{p}*\\1{p}*(\\\d{p}*)*)$")).expect("eligible format")
});
static FIRST_GROUP_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\(?\\1\)?)$").expect("first group only"));
static LONGEST_NUMBER: &str = "999999999999999";

fn first_group_only(rule: Option<&str>) -> bool {
    rule.is_none_or(|r| FIRST_GROUP_ONLY.is_match(r))
}

/// Metadata "as the formatter sees it": the main region of a calling code, or nothing.
#[derive(Clone, Copy)]
struct Md(Option<MetaId>);

impl Md {
    fn for_region(region: &str) -> Md {
        let main = metadata::by_region(region)
            .map(|m| m.meta().country_code)
            .and_then(metadata::main_for_cc);
        Md(main)
    }
    fn country_code(&self) -> u16 {
        self.0.map_or(0, |m| m.meta().country_code)
    }
    fn formats(&self, intl: bool) -> &'static [CFmt] {
        match self.0 {
            None => &[],
            Some(m) => {
                let f = m.formats();
                if intl && !f.intl.is_empty() {
                    &f.intl
                } else {
                    &f.formats
                }
            }
        }
    }
}

struct Formatter {
    default_country: String,
    current_metadata: Md,
    current_output: String,
    accrued_input: String,
    accrued_input_chars: usize,
    accrued_input_without_formatting: String,
    formatting_template: Vec<char>,
    last_match_position: usize,
    current_formatting_pattern: &'static str,
    prefix_before_national_number: String,
    should_add_space_after_national_prefix: bool,
    extracted_national_prefix: String,
    national_number: String,
    able_to_format: bool,
    input_has_formatting: bool,
    is_complete_number: bool,
    is_expecting_country_calling_code: bool,
    possible_formats: Vec<&'static CFmt>,
}

impl Formatter {
    fn new(region: &str) -> Formatter {
        Formatter {
            default_country: region.to_ascii_uppercase(),
            current_metadata: Md::for_region(&region.to_ascii_uppercase()),
            current_output: String::new(),
            accrued_input: String::new(),
            accrued_input_chars: 0,
            accrued_input_without_formatting: String::new(),
            formatting_template: Vec::new(),
            last_match_position: 0,
            current_formatting_pattern: "",
            prefix_before_national_number: String::new(),
            should_add_space_after_national_prefix: false,
            extracted_national_prefix: String::new(),
            national_number: String::new(),
            able_to_format: true,
            input_has_formatting: false,
            is_complete_number: false,
            is_expecting_country_calling_code: false,
            possible_formats: Vec::new(),
        }
    }

    fn set_space_rule(&mut self, f: &CFmt) {
        self.should_add_space_after_national_prefix = f
            .fmt
            .np_rule
            .is_some_and(|r| r.contains('-') || r.contains(' '));
    }

    fn maybe_create_new_template(&mut self) -> bool {
        while let Some(&f) = self.possible_formats.first() {
            if self.current_formatting_pattern == f.fmt.pattern {
                return false;
            }
            if self.create_formatting_template(f) {
                self.current_formatting_pattern = f.fmt.pattern;
                self.set_space_rule(f);
                self.last_match_position = 0;
                return true;
            }
            self.possible_formats.remove(0);
        }
        self.able_to_format = false;
        false
    }

    fn get_available_formats(&mut self, leading_digits: &str) {
        let intl = self.is_complete_number && self.extracted_national_prefix.is_empty();
        for f in self.current_metadata.formats(intl) {
            let fm = f.fmt;
            // A format that needs no national prefix, when one was typed; or one
            // that needs it, when none was typed (and the number is national).
            let prefix_typed_but_unused = !self.extracted_national_prefix.is_empty()
                && first_group_only(fm.np_rule)
                && !fm.np_optional
                && fm.carrier_rule.is_none();
            let prefix_needed_but_missing = self.extracted_national_prefix.is_empty()
                && !self.is_complete_number
                && !first_group_only(fm.np_rule)
                && !fm.np_optional;
            if prefix_typed_but_unused || prefix_needed_but_missing {
                continue;
            }
            if ELIGIBLE_FORMAT.is_match(fm.format) {
                self.possible_formats.push(f);
            }
        }
        self.narrow_down_possible_formats(leading_digits);
    }

    fn narrow_down_possible_formats(&mut self, leading_digits: &str) {
        let index = leading_digits.len() as isize - MIN_LEADING_DIGITS_LENGTH as isize;
        self.possible_formats.retain(|f| {
            let n = f.leading_len() as isize;
            if n == 0 {
                return true;
            }
            let mut i = index.min(n - 1);
            if i < 0 {
                i += n; // Python negative indexing
            }
            if i < 0 {
                return true;
            }
            f.leading(i as usize).prefix_match(leading_digits)
        });
    }

    fn create_formatting_template(&mut self, f: &CFmt) -> bool {
        self.formatting_template.clear();
        let t = self.get_formatting_template(f);
        if t.is_empty() {
            return false;
        }
        self.formatting_template = t;
        true
    }

    fn get_formatting_template(&self, f: &CFmt) -> Vec<char> {
        let Some((start, end)) = f.pattern().find(LONGEST_NUMBER) else {
            return Vec::new();
        };
        let a_phone_number = &LONGEST_NUMBER[start..end];
        if a_phone_number.len() < self.national_number.len() {
            return Vec::new();
        }
        let template = f.pattern().replace_all(a_phone_number, &f.replacement);
        template
            .chars()
            .map(|c| if c == '9' { DIGIT_PLACEHOLDER } else { c })
            .collect()
    }

    fn input_digit(&mut self, next_char: char) -> String {
        self.accrued_input.push(next_char);
        self.accrued_input_chars += 1;
        let mut next_char = next_char;
        if !self.is_digit_or_leading_plus_sign(next_char) {
            self.able_to_format = false;
            self.input_has_formatting = true;
        } else {
            next_char = self.normalize_and_accrue_digits_and_plus_sign(next_char);
        }
        if !self.able_to_format {
            if self.input_has_formatting {
                self.current_output = self.accrued_input.clone();
                return self.current_output.clone();
            } else if self.attempt_to_extract_idd() {
                if self.attempt_to_extract_ccc() {
                    self.current_output = self.attempt_to_choose_pattern_with_prefix_extracted();
                    return self.current_output.clone();
                }
            } else if self.able_to_extract_longer_ndd() {
                self.prefix_before_national_number
                    .push(SEPARATOR_BEFORE_NATIONAL_NUMBER);
                self.current_output = self.attempt_to_choose_pattern_with_prefix_extracted();
                return self.current_output.clone();
            }
            self.current_output = self.accrued_input.clone();
            return self.current_output.clone();
        }
        let len_input = self.accrued_input_without_formatting.len();
        if len_input <= 2 {
            self.current_output = self.accrued_input.clone();
            return self.current_output.clone();
        } else if len_input == 3 {
            if self.attempt_to_extract_idd() {
                self.is_expecting_country_calling_code = true;
            } else {
                self.extracted_national_prefix = self.remove_national_prefix_from_national_number();
                self.current_output = self.attempt_to_choose_formatting_pattern();
                return self.current_output.clone();
            }
        }
        if self.is_expecting_country_calling_code {
            if self.attempt_to_extract_ccc() {
                self.is_expecting_country_calling_code = false;
            }
            self.current_output = format!(
                "{}{}",
                self.prefix_before_national_number, self.national_number
            );
            return self.current_output.clone();
        }
        if !self.possible_formats.is_empty() {
            let temp_national_number = self.input_digit_helper(next_char);
            let formatted = self.attempt_to_format_accrued_digits();
            if !formatted.is_empty() {
                self.current_output = formatted;
                return self.current_output.clone();
            }
            let nn = self.national_number.clone();
            self.narrow_down_possible_formats(&nn);
            if self.maybe_create_new_template() {
                self.current_output = self.input_accrued_national_number();
                return self.current_output.clone();
            }
            self.current_output = if self.able_to_format {
                self.append_national_number(&temp_national_number)
            } else {
                self.accrued_input.clone()
            };
            self.current_output.clone()
        } else {
            self.current_output = self.attempt_to_choose_formatting_pattern();
            self.current_output.clone()
        }
    }

    fn attempt_to_choose_pattern_with_prefix_extracted(&mut self) -> String {
        self.able_to_format = true;
        self.is_expecting_country_calling_code = false;
        self.possible_formats.clear();
        self.last_match_position = 0;
        self.formatting_template.clear();
        self.current_formatting_pattern = "";
        self.attempt_to_choose_formatting_pattern()
    }

    fn able_to_extract_longer_ndd(&mut self) -> bool {
        if !self.extracted_national_prefix.is_empty() {
            self.national_number =
                format!("{}{}", self.extracted_national_prefix, self.national_number);
            if let Some(i) = self
                .prefix_before_national_number
                .rfind(self.extracted_national_prefix.as_str())
            {
                self.prefix_before_national_number.truncate(i);
            } else {
                // Python: s[:-1] for rfind() == -1.
                self.prefix_before_national_number.pop();
            }
        }
        let previous = self.extracted_national_prefix.clone();
        previous != self.remove_national_prefix_from_national_number()
    }

    fn is_digit_or_leading_plus_sign(&self, c: char) -> bool {
        normalize::digit_value(c).is_some()
            || (self.accrued_input_chars == 1 && normalize::is_plus(c))
    }

    fn attempt_to_format_accrued_digits(&mut self) -> String {
        let formats = self.possible_formats.clone();
        for f in formats {
            if f.full().full_match(&self.national_number) {
                self.set_space_rule(f);
                let formatted = f
                    .pattern()
                    .replace_all(&self.national_number, &f.replacement);
                let full_output = self.append_national_number(&formatted);
                let diallable: String = full_output
                    .chars()
                    .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
                    .collect();
                if diallable == self.accrued_input_without_formatting {
                    return full_output;
                }
            }
        }
        String::new()
    }

    fn append_national_number(&self, national_number: &str) -> String {
        let p = &self.prefix_before_national_number;
        if self.should_add_space_after_national_prefix
            && !p.is_empty()
            && !p.ends_with(SEPARATOR_BEFORE_NATIONAL_NUMBER)
        {
            format!("{p}{SEPARATOR_BEFORE_NATIONAL_NUMBER}{national_number}")
        } else {
            format!("{p}{national_number}")
        }
    }

    fn attempt_to_choose_formatting_pattern(&mut self) -> String {
        if self.national_number.len() >= MIN_LEADING_DIGITS_LENGTH {
            let nn = self.national_number.clone();
            self.get_available_formats(&nn);
            let formatted = self.attempt_to_format_accrued_digits();
            if !formatted.is_empty() {
                return formatted;
            }
            if self.maybe_create_new_template() {
                self.input_accrued_national_number()
            } else {
                self.accrued_input.clone()
            }
        } else {
            self.append_national_number(&self.national_number.clone())
        }
    }

    fn input_accrued_national_number(&mut self) -> String {
        let nn = self.national_number.clone();
        if nn.is_empty() {
            return self.prefix_before_national_number.clone();
        }
        let mut temp = String::new();
        for c in nn.chars() {
            temp = self.input_digit_helper(c);
        }
        if self.able_to_format {
            self.append_national_number(&temp)
        } else {
            self.accrued_input.clone()
        }
    }

    fn is_nanpa_number_with_national_prefix(&self) -> bool {
        let b = self.national_number.as_bytes();
        self.current_metadata.country_code() == 1
            && b.len() >= 2
            && b[0] == b'1'
            && b[1] != b'0'
            && b[1] != b'1'
    }

    fn remove_national_prefix_from_national_number(&mut self) -> String {
        let mut start = 0;
        if self.is_nanpa_number_with_national_prefix() {
            start = 1;
            self.prefix_before_national_number.push('1');
            self.prefix_before_national_number
                .push(SEPARATOR_BEFORE_NATIONAL_NUMBER);
            self.is_complete_number = true;
        } else if let Some(npp) = self
            .current_metadata
            .0
            .and_then(|m| m.compiled().npfp.as_ref())
            && let Some(end) = npp.match_end_at_start(&self.national_number)
            && end > 0
        {
            self.is_complete_number = true;
            start = end;
            let p = self.national_number[..start].to_string();
            self.prefix_before_national_number.push_str(&p);
        }
        let prefix = self.national_number[..start].to_string();
        self.national_number = self.national_number[start..].to_string();
        prefix
    }

    fn attempt_to_extract_idd(&mut self) -> bool {
        let input = &self.accrued_input_without_formatting;
        let end = if input.starts_with('+') {
            Some(1)
        } else {
            self.current_metadata
                .0
                .and_then(|m| m.compiled().idd.as_ref())
                .and_then(|re| re.match_end_at_start(input))
        };
        let Some(end) = end else {
            return false;
        };
        self.is_complete_number = true;
        self.national_number = input[end..].to_string();
        self.prefix_before_national_number = input[..end].to_string();
        if !input.starts_with('+') {
            self.prefix_before_national_number
                .push(SEPARATOR_BEFORE_NATIONAL_NUMBER);
        }
        true
    }

    fn attempt_to_extract_ccc(&mut self) -> bool {
        if self.national_number.is_empty() {
            return false;
        }
        let nn = &self.national_number;
        let mut found = None;
        if !nn.starts_with('0') {
            for i in 1..=nn.len().min(3) {
                if let Ok(cc) = nn[..i].parse::<u16>()
                    && metadata::is_known_cc(cc)
                {
                    found = Some((cc, i));
                    break;
                }
            }
        }
        let Some((cc, i)) = found else {
            return false;
        };
        self.national_number = self.national_number[i..].to_string();
        let new_region = metadata::main_for_cc(cc).map_or("ZZ", |m| m.meta().id);
        if new_region == "001" {
            self.current_metadata = Md(metadata::non_geo(cc));
        } else if new_region != self.default_country {
            self.current_metadata = Md::for_region(new_region);
        }
        self.prefix_before_national_number.push_str(&cc.to_string());
        self.prefix_before_national_number
            .push(SEPARATOR_BEFORE_NATIONAL_NUMBER);
        self.extracted_national_prefix.clear();
        true
    }

    fn normalize_and_accrue_digits_and_plus_sign(&mut self, c: char) -> char {
        if c == '+' {
            self.accrued_input_without_formatting.push(c);
            return c;
        }
        let n = match normalize::digit_value(c) {
            Some(d) => (b'0' + d) as char,
            None => c,
        };
        self.accrued_input_without_formatting.push(n);
        self.national_number.push(n);
        n
    }

    fn input_digit_helper(&mut self, next_char: char) -> String {
        let from = self.last_match_position.min(self.formatting_template.len());
        let found_after = self.formatting_template[from..].contains(&DIGIT_PLACEHOLDER);
        if found_after
            && let Some(first) = self
                .formatting_template
                .iter()
                .position(|&c| c == DIGIT_PLACEHOLDER)
        {
            self.formatting_template[first] = next_char;
            self.last_match_position = first;
            return self.formatting_template[..=first].iter().collect();
        }
        if self.possible_formats.len() == 1 {
            self.able_to_format = false;
        }
        self.current_formatting_pattern = "";
        self.accrued_input.clone()
    }
}

/// Formats the number in the field as it is typed ("07911 123456", "+44 7911 123456").
///
/// Only digits and a leading `+` are fed to the formatter (the agent's own spaces and
/// dashes are replaced by the number's format); any other text is returned as typed.
/// Without a default region, only numbers typed with `+` are formatted.
pub fn format_as_you_type(input: &str, default_region: Option<Region>) -> String {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    if trimmed.chars().count() > 64 {
        return input.to_string();
    }
    let mut fed = String::new();
    for (i, c) in trimmed.chars().enumerate() {
        if normalize::digit_value(c).is_some() {
            fed.push(c);
        } else if i == 0 && normalize::is_plus(c) {
            fed.push('+');
        } else if normalize::is_punctuation(c) && c != 'x' && c != 'X' || c.is_whitespace() {
            continue;
        } else {
            return input.to_string();
        }
    }
    let region = default_region.map_or_else(|| "ZZ".to_string(), |r| r.to_string());
    let mut f = Formatter::new(&region);
    let mut out = String::new();
    for c in fed.chars() {
        out = f.input_digit(c);
    }
    out
}

/// The formatter's output after each character, for tests against the reference.
pub fn outputs_per_keystroke(chars: &str, region: &str) -> Vec<String> {
    let mut f = Formatter::new(region);
    chars.chars().map(|c| f.input_digit(c)).collect()
}
