//! Metadata tables (generated into `data.rs`) and their compiled regular expressions.
//!
//! The tables are plain `static` data: nothing is parsed or deserialised at start-up.
//! Regular expressions are compiled once per region, on first use or by [`warm_up`]
//! (super::warm_up), and kept for the life of the process.

use regex::Regex;
use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use std::sync::{LazyLock, OnceLock};

use super::data;
use super::types::NumberType;

/// A number description (`PhoneNumberDesc`): pattern and possible lengths of one number type.
#[derive(Debug)]
pub struct Desc {
    pub pattern: Option<&'static str>,
    pub lengths: &'static [i8],
    pub local_lengths: &'static [i8],
    pub example: Option<&'static str>,
}

/// A number format (`NumberFormat`).
#[derive(Debug)]
pub struct Fmt {
    pub pattern: &'static str,
    pub format: &'static str,
    pub leading: &'static [&'static str],
    pub np_rule: Option<&'static str>,
    pub np_optional: bool,
    pub carrier_rule: Option<&'static str>,
}

/// The metadata of one region or non-geographic entity (`PhoneMetadata`).
#[derive(Debug)]
pub struct Meta {
    pub id: &'static str,
    pub name: &'static str,
    pub country_code: u16,
    pub international_prefix: Option<&'static str>,
    pub preferred_international_prefix: Option<&'static str>,
    pub national_prefix: Option<&'static str>,
    pub national_prefix_for_parsing: Option<&'static str>,
    pub national_prefix_transform_rule: Option<&'static str>,
    pub main_country_for_code: bool,
    pub leading_digits: Option<&'static str>,
    pub same_mobile_and_fixed_line_pattern: bool,
    pub general: Desc,
    pub fixed_line: Option<Desc>,
    pub mobile: Option<Desc>,
    pub toll_free: Option<Desc>,
    pub premium_rate: Option<Desc>,
    pub shared_cost: Option<Desc>,
    pub personal_number: Option<Desc>,
    pub voip: Option<Desc>,
    pub pager: Option<Desc>,
    pub uan: Option<Desc>,
    pub voicemail: Option<Desc>,
    pub formats: &'static [Fmt],
    pub intl_formats: &'static [Fmt],
}

/// Index of a metadata entry: `REGIONS` first, then `NON_GEO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MetaId(pub(crate) u16);

impl MetaId {
    pub fn meta(self) -> &'static Meta {
        let i = self.0 as usize;
        if i < data::REGIONS.len() {
            &data::REGIONS[i]
        } else {
            &data::NON_GEO[i - data::REGIONS.len()]
        }
    }

    pub fn compiled(self) -> &'static Compiled {
        COMPILED[self.0 as usize].get_or_init(|| Compiled::new(self.meta()))
    }

    pub fn formats(self) -> &'static CompiledFormats {
        FORMATS[self.0 as usize].get_or_init(|| CompiledFormats::new(self.meta()))
    }

    pub fn is_non_geo(self) -> bool {
        self.0 as usize >= data::REGIONS.len()
    }
}

fn count() -> usize {
    data::REGIONS.len() + data::NON_GEO.len()
}

static COMPILED: LazyLock<Vec<OnceLock<Compiled>>> =
    LazyLock::new(|| (0..count()).map(|_| OnceLock::new()).collect());
static FORMATS: LazyLock<Vec<OnceLock<CompiledFormats>>> =
    LazyLock::new(|| (0..count()).map(|_| OnceLock::new()).collect());

/// All metadata entries.
pub fn all() -> impl Iterator<Item = MetaId> {
    (0..count() as u16).map(MetaId)
}

/// Metadata of a geographic region by its (uppercase) id.
pub fn by_region(id: &str) -> Option<MetaId> {
    data::REGIONS
        .binary_search_by(|m| m.id.cmp(id))
        .ok()
        .map(|i| MetaId(i as u16))
}

/// Metadata of a non-geographic entity by its country calling code.
pub fn non_geo(cc: u16) -> Option<MetaId> {
    data::NON_GEO
        .binary_search_by(|m| m.country_code.cmp(&cc))
        .ok()
        .map(|i| MetaId((data::REGIONS.len() + i) as u16))
}

/// Region ids sharing a country calling code, main region first.
pub fn regions_for_cc(cc: u16) -> Option<&'static [&'static str]> {
    data::COUNTRY_CODE_TO_REGIONS
        .binary_search_by(|(c, _)| c.cmp(&cc))
        .ok()
        .map(|i| data::COUNTRY_CODE_TO_REGIONS[i].1)
}

/// `metadata_for_region_or_calling_code`: the metadata of a region id, or of the
/// non-geographic entity when the id is "001".
pub fn for_region_or_cc(cc: u16, region: &str) -> Option<MetaId> {
    if region == "001" {
        non_geo(cc)
    } else {
        by_region(region)
    }
}

/// Metadata used for a country calling code as a whole (its main region).
pub fn main_for_cc(cc: u16) -> Option<MetaId> {
    let regions = regions_for_cc(cc)?;
    for_region_or_cc(cc, regions[0])
}

/// Is this a country calling code with metadata?
pub fn is_known_cc(cc: u16) -> bool {
    regions_for_cc(cc).is_some()
}

/// A national-number pattern compiled to a dense DFA that answers full matches
/// (`MatchKind::All`, so every alternative is tried as Java's `matches()` does)
/// and can also say whether a prefix can still grow into a match.
pub struct Dfa {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
}

impl std::fmt::Debug for Dfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dfa")
    }
}

impl Dfa {
    fn new(pattern: &str) -> Dfa {
        let dfa = dense::Builder::new()
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored),
            )
            .build(pattern)
            .unwrap_or_else(|e| panic!("metadata pattern {pattern:?} does not compile: {e}"));
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .expect("anchored start state");
        Dfa { dfa, start }
    }

    /// State after reading `digits` from the start, or None when no match can follow.
    fn walk(&self, digits: &[u8]) -> Option<StateID> {
        let mut s = self.start;
        for &b in digits {
            s = self.dfa.next_state(s, b);
            if self.dfa.is_dead_state(s) {
                return None;
            }
        }
        Some(s)
    }

    fn accepts_at_end(&self, s: StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(s))
    }

    /// Java `Matcher.matches()`: does the whole string match?
    pub fn full_match(&self, digits: &str) -> bool {
        self.walk(digits.as_bytes())
            .is_some_and(|s| self.accepts_at_end(s))
    }

    /// Fewest digits (from `min_extra` up to `max_extra`) that can be appended to
    /// `digits` to make a full match, counting only totals for which `length_ok` holds;
    /// None when there is no such completion.
    pub fn digits_to_complete(
        &self,
        digits: &str,
        min_extra: usize,
        max_extra: usize,
        length_ok: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let s = self.walk(digits.as_bytes())?;
        let mut layer = vec![s];
        let mut next = Vec::new();
        for depth in 0..=max_extra {
            if depth >= min_extra
                && length_ok(digits.len() + depth)
                && layer.iter().any(|&s| self.accepts_at_end(s))
            {
                return Some(depth);
            }
            if depth == max_extra {
                break;
            }
            next.clear();
            for &s in &layer {
                for b in b'0'..=b'9' {
                    let t = self.dfa.next_state(s, b);
                    if !self.dfa.is_dead_state(t) && !next.contains(&t) {
                        next.push(t);
                    }
                }
            }
            if next.is_empty() {
                return None;
            }
            std::mem::swap(&mut layer, &mut next);
        }
        None
    }

    /// Can `digits` still grow into a match?
    pub fn alive(&self, digits: &str) -> bool {
        self.walk(digits.as_bytes()).is_some()
    }
}

/// A compiled number description.
#[derive(Debug)]
pub struct CDesc {
    pub desc: &'static Desc,
    pub dfa: Option<Dfa>,
}

impl CDesc {
    fn new(desc: &'static Desc) -> CDesc {
        CDesc {
            desc,
            dfa: desc.pattern.filter(|p| !p.is_empty()).map(Dfa::new),
        }
    }

    /// `_match_national_number(number, desc, False)`.
    pub fn matches(&self, nsn: &str) -> bool {
        self.dfa.as_ref().is_some_and(|d| d.full_match(nsn))
    }

    /// `_is_number_matching_desc`: possible lengths first, then the pattern.
    pub fn matches_with_length(&self, nsn: &str) -> bool {
        let lengths = self.desc.lengths;
        if !lengths.is_empty() && !lengths.iter().any(|&l| l as usize == nsn.len()) {
            return false;
        }
        self.matches(nsn)
    }
}

/// Compiled regular expressions of one metadata entry, used for parsing and validation.
#[derive(Debug)]
pub struct Compiled {
    pub general: CDesc,
    /// Indexed by [`TYPE_ORDER`].
    pub types: Vec<(NumberType, Option<CDesc>)>,
    pub idd: Option<Regex>,
    pub npfp: Option<Regex>,
    pub leading_digits: Option<Regex>,
}

/// The descriptions a number is tested against, in libphonenumber's order
/// (`_number_type_helper`), fixed line and mobile last.
pub const TYPE_ORDER: [NumberType; 10] = [
    NumberType::PremiumRate,
    NumberType::TollFree,
    NumberType::SharedCost,
    NumberType::Voip,
    NumberType::PersonalNumber,
    NumberType::Pager,
    NumberType::Uan,
    NumberType::Voicemail,
    NumberType::FixedLine,
    NumberType::Mobile,
];

impl Meta {
    /// `_number_desc_by_type`.
    pub fn desc(&self, t: NumberType) -> Option<&Desc> {
        match t {
            NumberType::PremiumRate => self.premium_rate.as_ref(),
            NumberType::TollFree => self.toll_free.as_ref(),
            NumberType::Mobile => self.mobile.as_ref(),
            NumberType::FixedLine | NumberType::FixedLineOrMobile => self.fixed_line.as_ref(),
            NumberType::SharedCost => self.shared_cost.as_ref(),
            NumberType::Voip => self.voip.as_ref(),
            NumberType::PersonalNumber => self.personal_number.as_ref(),
            NumberType::Pager => self.pager.as_ref(),
            NumberType::Uan => self.uan.as_ref(),
            NumberType::Voicemail => self.voicemail.as_ref(),
            NumberType::Unknown => Some(&self.general),
        }
    }
}

/// Compile `pattern` so that it only matches at the start of the text (Java `lookingAt`).
pub fn prefix_regex(pattern: &str) -> Regex {
    Regex::new(&format!("^(?:{pattern})"))
        .unwrap_or_else(|e| panic!("metadata pattern {pattern:?} does not compile: {e}"))
}

/// Compile `pattern` so that it must match the whole text (Java `matches`).
pub fn full_regex(pattern: &str) -> Regex {
    Regex::new(&format!("^(?:{pattern})$"))
        .unwrap_or_else(|e| panic!("metadata pattern {pattern:?} does not compile: {e}"))
}

impl Compiled {
    fn new(meta: &'static Meta) -> Compiled {
        let types = TYPE_ORDER
            .iter()
            .map(|&t| (t, meta.desc(t).map(CDesc::new)))
            .collect();
        Compiled {
            general: CDesc::new(&meta.general),
            types,
            idd: meta.international_prefix.map(prefix_regex),
            npfp: meta
                .national_prefix_for_parsing
                .filter(|p| !p.is_empty())
                .map(prefix_regex),
            leading_digits: meta.leading_digits.map(prefix_regex),
        }
    }

    pub fn desc(&self, t: NumberType) -> Option<&CDesc> {
        match t {
            NumberType::Unknown => Some(&self.general),
            NumberType::FixedLineOrMobile => self.desc(NumberType::FixedLine),
            _ => self
                .types
                .iter()
                .find(|(k, _)| *k == t)
                .and_then(|(_, d)| d.as_ref()),
        }
    }
}

/// A compiled number format.
#[derive(Debug)]
pub struct CFmt {
    pub fmt: &'static Fmt,
    /// The pattern, anchored at both ends.
    pub full: Regex,
    /// The pattern as written, for substitution.
    pub pattern: Regex,
    /// Leading-digits patterns, anchored at the start.
    pub leading: Vec<Regex>,
    /// `format` with `\N` group references rewritten for the regex crate.
    pub replacement: String,
}

impl CFmt {
    fn new(fmt: &'static Fmt) -> CFmt {
        CFmt {
            fmt,
            full: full_regex(fmt.pattern),
            pattern: Regex::new(fmt.pattern).expect("format pattern"),
            leading: fmt.leading.iter().map(|p| prefix_regex(p)).collect(),
            replacement: java_replacement(fmt.format),
        }
    }
}

/// Rewrites a Python/Java replacement template (`\1 \2`) for `regex::Regex::replace`.
pub fn java_replacement(template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                let d = chars.next().unwrap_or('0');
                out.push_str("${");
                out.push(d);
                out.push('}');
            }
            '$' => out.push_str("$$"),
            _ => out.push(c),
        }
    }
    out
}

/// Compiled formats of one metadata entry.
#[derive(Debug)]
pub struct CompiledFormats {
    pub formats: Vec<CFmt>,
    pub intl: Vec<CFmt>,
}

impl CompiledFormats {
    fn new(meta: &'static Meta) -> CompiledFormats {
        CompiledFormats {
            formats: meta.formats.iter().map(CFmt::new).collect(),
            intl: meta.intl_formats.iter().map(CFmt::new).collect(),
        }
    }
}

/// Compile everything now (parsing, validation and formatting data of every region).
pub fn compile_all() {
    for id in all() {
        id.compiled();
        id.formats();
    }
}
