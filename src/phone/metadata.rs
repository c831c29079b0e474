//! Metadata tables (generated into `data.rs`) and their compiled regular expressions.
//!
//! The tables are plain `static` data: nothing is parsed or deserialised at start-up.
//! Regular expressions are compiled once per region, on first use or by
//! [`warm_up`](super::warm_up), and kept for the life of the process.

use regex_automata::Input;
use regex_automata::hybrid;
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::util::captures::Captures;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use std::sync::{LazyLock, Mutex, OnceLock};

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

/// `metadata_for_region_or_calling_code`: the metadata of a region id, or of the
/// non-geographic entity when the id is "001".
pub fn for_region_or_cc(cc: u16, region: &str) -> Option<MetaId> {
    if region == "001" {
        non_geo(cc)
    } else {
        by_region(region)
    }
}

/// Country calling code -> metadata entries (main region first), indexed by code.
static BY_CC: LazyLock<Vec<Vec<MetaId>>> = LazyLock::new(|| {
    let mut v = vec![Vec::new(); 1000];
    for (cc, regions) in data::COUNTRY_CODE_TO_REGIONS {
        v[*cc as usize] = regions
            .iter()
            .filter_map(|r| for_region_or_cc(*cc, r))
            .collect();
    }
    v
});

/// The metadata entries of a country calling code, main region first.
pub fn metas_for_cc(cc: u16) -> &'static [MetaId] {
    BY_CC.get(cc as usize).map_or(&[], Vec::as_slice)
}

/// Metadata used for a country calling code as a whole (its main region).
pub fn main_for_cc(cc: u16) -> Option<MetaId> {
    metas_for_cc(cc).first().copied()
}

/// Is this a country calling code with metadata?
pub fn is_known_cc(cc: u16) -> bool {
    !metas_for_cc(cc).is_empty()
}

/// A national-number pattern compiled to a lazy DFA (`regex-automata` hybrid DFA,
/// anchored, match kind "all" so that every alternative is tried, as Java's
/// `matches()` does). It answers full matches and can also say whether a prefix can
/// still grow into a match. Building it only compiles an NFA (cheap); DFA states are
/// made on demand, kept in a per-pattern cache behind a mutex (uncontended in
/// practice: one TUI thread, one CLI thread).
pub struct Dfa {
    dfa: hybrid::dfa::DFA,
    cache: Mutex<Option<hybrid::dfa::Cache>>,
}

impl std::fmt::Debug for Dfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dfa")
    }
}

type Sid = hybrid::LazyStateID;

impl Dfa {
    pub fn new(pattern: &str) -> Dfa {
        let dfa = hybrid::dfa::DFA::builder()
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .configure(
                hybrid::dfa::DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(1 << 20),
            )
            .build(pattern)
            .unwrap_or_else(|e| panic!("metadata pattern {pattern:?} does not compile: {e}"));
        Dfa {
            dfa,
            cache: Mutex::new(None),
        }
    }

    /// Runs `f` with this pattern's cache. Errors (which the configuration makes
    /// impossible in practice) read as "no match": the safe answer.
    fn with_cache<T>(
        &self,
        f: impl FnOnce(&hybrid::dfa::DFA, &mut hybrid::dfa::Cache) -> Option<T>,
    ) -> Option<T> {
        let mut guard = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let cache = guard.get_or_insert_with(|| self.dfa.create_cache());
        let clears = cache.clear_count();
        let r = f(&self.dfa, cache);
        // State ids held across a cache clear are stale: distrust the answer.
        if cache.clear_count() != clears {
            return None;
        }
        r
    }

    fn walk(dfa: &hybrid::dfa::DFA, cache: &mut hybrid::dfa::Cache, digits: &[u8]) -> Option<Sid> {
        let mut s = dfa
            .start_state(cache, &start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        for &b in digits {
            s = dfa.next_state(cache, s, b).ok()?;
            if s.is_dead() || s.is_quit() {
                return None;
            }
        }
        Some(s)
    }

    fn accepts_at_end(dfa: &hybrid::dfa::DFA, cache: &mut hybrid::dfa::Cache, s: Sid) -> bool {
        dfa.next_eoi_state(cache, s).is_ok_and(|e| e.is_match())
    }

    /// Java `Matcher.matches()`: does the whole string match?
    pub fn full_match(&self, digits: &str) -> bool {
        self.with_cache(|dfa, cache| {
            let s = Self::walk(dfa, cache, digits.as_bytes())?;
            Some(Self::accepts_at_end(dfa, cache, s))
        })
        .unwrap_or(false)
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
        self.with_cache(|dfa, cache| {
            let s = Self::walk(dfa, cache, digits.as_bytes())?;
            let mut layer = vec![s];
            let mut next = Vec::new();
            for depth in 0..=max_extra {
                if depth >= min_extra && length_ok(digits.len() + depth) {
                    for &s in &layer {
                        if Self::accepts_at_end(dfa, cache, s) {
                            return Some(depth);
                        }
                    }
                }
                if depth == max_extra {
                    break;
                }
                next.clear();
                for &s in &layer {
                    for b in b'0'..=b'9' {
                        let t = dfa.next_state(cache, s, b).ok()?;
                        if !t.is_dead() && !t.is_quit() && !next.contains(&t) {
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
        })
    }

    /// Java `Matcher.lookingAt()`: does some prefix of `digits` (possibly empty) match?
    pub fn prefix_match(&self, digits: &str) -> bool {
        self.with_cache(|dfa, cache| {
            let mut s = dfa
                .start_state(cache, &start::Config::new().anchored(Anchored::Yes))
                .ok()?;
            for &b in digits.as_bytes() {
                s = dfa.next_state(cache, s, b).ok()?;
                // Matches are reported one byte late: a match state here means a
                // match ended just before `b`.
                if s.is_match() {
                    return Some(true);
                }
                if s.is_dead() || s.is_quit() {
                    return Some(false);
                }
            }
            Some(Self::accepts_at_end(dfa, cache, s))
        })
        .unwrap_or(false)
    }

    /// Can `digits` still grow into a match?
    pub fn alive(&self, digits: &str) -> bool {
        self.with_cache(|dfa, cache| Self::walk(dfa, cache, digits.as_bytes()).map(|_| ()))
            .is_some()
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
    pub idd: Option<Pat>,
    pub npfp: Option<Pat>,
    pub leading_digits: Option<Dfa>,
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

/// A metadata pattern used for what a DFA cannot give: capture groups and the end of
/// a leftmost-first (Java/Python) match. It is a bounded backtracker over a Thompson
/// NFA (`regex-automata`), which is cheap to build; haystacks are at most a few dozen
/// ASCII digits. Unicode is off: `\d` is `[0-9]`.
pub struct Pat {
    re: BoundedBacktracker,
    cache: Mutex<Option<backtrack::Cache>>,
}

impl std::fmt::Debug for Pat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pat")
    }
}

impl Pat {
    pub fn new(pattern: &str) -> Pat {
        let re = BoundedBacktracker::builder()
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .thompson(regex_automata::nfa::thompson::Config::new().utf8(false))
            .build(pattern)
            .unwrap_or_else(|e| panic!("metadata pattern {pattern:?} does not compile: {e}"));
        Pat {
            re,
            cache: Mutex::new(None),
        }
    }

    fn with_cache<T>(&self, f: impl FnOnce(&mut backtrack::Cache) -> T) -> T {
        let mut guard = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        f(guard.get_or_insert_with(|| self.re.create_cache()))
    }

    fn captures(&self, input: Input<'_>) -> Option<Captures> {
        let mut caps = self.re.create_captures();
        self.with_cache(|cache| self.re.try_captures(cache, input, &mut caps))
            .ok()?;
        caps.is_match().then_some(caps)
    }

    /// Java `lookingAt()`: the match at the start of `hay`, with its groups.
    pub fn captures_at_start(&self, hay: &str) -> Option<Captures> {
        self.captures(Input::new(hay).anchored(Anchored::Yes))
    }

    /// End of the match at the start of `hay`, if any.
    pub fn match_end_at_start(&self, hay: &str) -> Option<usize> {
        self.captures_at_start(hay)
            .and_then(|c| c.get_match())
            .map(|m| m.end())
    }

    /// The first (leftmost) match anywhere in `hay`: (start, end).
    pub fn find(&self, hay: &str) -> Option<(usize, usize)> {
        self.captures(Input::new(hay))
            .and_then(|c| c.get_match())
            .map(|m| (m.start(), m.end()))
    }

    /// Python `re.sub(pattern, template, hay)`: every non-overlapping leftmost match
    /// replaced; `template` uses `${1}` group syntax (see [`java_replacement`]).
    pub fn replace_all(&self, hay: &str, template: &str) -> String {
        let mut out = String::with_capacity(hay.len() + 8);
        let mut last = 0;
        self.with_cache(|cache| {
            for caps in self.re.try_captures_iter(cache, hay) {
                let Ok(caps) = caps else { break };
                let Some(m) = caps.get_match() else { break };
                out.push_str(&hay[last..m.start()]);
                caps.interpolate_string_into(hay, template, &mut out);
                last = m.end();
            }
        });
        out.push_str(&hay[last..]);
        out
    }

    /// Python `re.sub(pattern, template, hay, count=1)` where the pattern is known to
    /// match at the start (`caps` from [`Pat::captures_at_start`]).
    pub fn replace_at_start(caps: &Captures, hay: &str, template: &str) -> String {
        let end = caps.get_match().map_or(0, |m| m.end());
        let mut out = caps.interpolate_string(hay, template);
        out.push_str(&hay[end..]);
        out
    }
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
            idd: meta.international_prefix.map(Pat::new),
            npfp: meta
                .national_prefix_for_parsing
                .filter(|p| !p.is_empty())
                .map(Pat::new),
            leading_digits: meta.leading_digits.map(Dfa::new),
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

/// A number format whose regular expressions are compiled on first use (a region
/// has dozens of formats; a number needs one or two).
#[derive(Debug)]
pub struct CFmt {
    pub fmt: &'static Fmt,
    full: OnceLock<Dfa>,
    pattern: OnceLock<Pat>,
    leading: Vec<OnceLock<Dfa>>,
    /// `format` with `\N` group references rewritten for the regex crate.
    pub replacement: String,
}

impl CFmt {
    fn new(fmt: &'static Fmt) -> CFmt {
        CFmt {
            fmt,
            full: OnceLock::new(),
            pattern: OnceLock::new(),
            leading: fmt.leading.iter().map(|_| OnceLock::new()).collect(),
            replacement: java_replacement(fmt.format),
        }
    }

    /// The pattern, for full matches.
    pub fn full(&self) -> &Dfa {
        self.full.get_or_init(|| Dfa::new(self.fmt.pattern))
    }

    /// The pattern as written, for substitution.
    pub fn pattern(&self) -> &Pat {
        self.pattern.get_or_init(|| Pat::new(self.fmt.pattern))
    }

    /// Leading-digits pattern `i`, for prefix matches.
    pub fn leading(&self, i: usize) -> &Dfa {
        self.leading[i].get_or_init(|| Dfa::new(self.fmt.leading[i]))
    }

    /// Number of leading-digits patterns.
    pub fn leading_len(&self) -> usize {
        self.leading.len()
    }

    fn force(&self) {
        self.full();
        self.pattern();
        for i in 0..self.leading.len() {
            self.leading(i);
        }
    }
}

/// Rewrites a Python/Java replacement template (`\1 \2`) as `${1} ${2}`.
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
        let f = id.formats();
        f.formats.iter().chain(&f.intl).for_each(CFmt::force);
    }
}
