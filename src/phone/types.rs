//! Small value types: [`Region`] and [`NumberType`].

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use super::metadata;

/// A region: an ISO 3166 alpha-2 code in upper case ("GB"), or "001" for the
/// non-geographic entities of libphonenumber (+800, +808, +870, +881, ...).
///
/// `"gb".parse::<Region>()` works; only regions libphonenumber has metadata for parse.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region([u8; 3]);

impl Region {
    /// The non-geographic "world" region, "001".
    pub const NON_GEO: Region = Region(*b"001");

    pub(crate) fn from_meta_id(id: &str) -> Region {
        let b = id.as_bytes();
        match b.len() {
            2 => Region([b[0], b[1], 0]),
            _ => Region::NON_GEO,
        }
    }

    /// The code as text: "GB", or "001".
    pub fn as_str(&self) -> &str {
        let len = if self.0[2] == 0 { 2 } else { 3 };
        std::str::from_utf8(&self.0[..len]).unwrap_or("ZZ")
    }

    /// English name of the region ("United Kingdom"); for "001" a generic label.
    pub fn name(&self) -> &'static str {
        metadata::by_region(self.as_str())
            .map(|m| m.meta().name)
            .unwrap_or("International")
    }

    /// The country calling code of a geographic region (44 for GB).
    pub fn country_code(&self) -> Option<u16> {
        metadata::by_region(self.as_str()).map(|m| m.meta().country_code)
    }

    /// Every geographic region with metadata, sorted.
    pub fn all() -> impl Iterator<Item = Region> {
        metadata::all()
            .filter(|m| !m.is_non_geo())
            .map(|m| Region::from_meta_id(m.meta().id))
    }
}

/// Why a string is not a [`Region`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown region {0:?}: use a two-letter country code such as GB or US")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;
    fn from_str(s: &str) -> Result<Region, UnknownRegion> {
        let t = s.trim();
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
            let up = t.to_ascii_uppercase();
            if metadata::by_region(&up).is_some() {
                return Ok(Region::from_meta_id(&up));
            }
        }
        Err(UnknownRegion(s.to_string()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.as_str())
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// libphonenumber's `PhoneNumberType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumberType {
    Mobile,
    FixedLine,
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    Unknown,
}

impl NumberType {
    /// libphonenumber's name in snake case: "fixed_line_or_mobile".
    pub fn as_snake(&self) -> &'static str {
        match self {
            NumberType::Mobile => "mobile",
            NumberType::FixedLine => "fixed_line",
            NumberType::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberType::TollFree => "toll_free",
            NumberType::PremiumRate => "premium_rate",
            NumberType::SharedCost => "shared_cost",
            NumberType::Voip => "voip",
            NumberType::PersonalNumber => "personal_number",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown",
        }
    }

    /// Parses the snake-case name.
    pub fn from_snake(s: &str) -> Option<NumberType> {
        Some(match s {
            "mobile" => NumberType::Mobile,
            "fixed_line" => NumberType::FixedLine,
            "fixed_line_or_mobile" => NumberType::FixedLineOrMobile,
            "toll_free" => NumberType::TollFree,
            "premium_rate" => NumberType::PremiumRate,
            "shared_cost" => NumberType::SharedCost,
            "voip" => NumberType::Voip,
            "personal_number" => NumberType::PersonalNumber,
            "pager" => NumberType::Pager,
            "uan" => NumberType::Uan,
            "voicemail" => NumberType::Voicemail,
            "unknown" => NumberType::Unknown,
            _ => return None,
        })
    }

    /// A label an agent understands: "mobile", "landline", "mobile or landline", ...
    pub fn label(&self) -> &'static str {
        match self {
            NumberType::Mobile => "mobile",
            NumberType::FixedLine => "landline",
            NumberType::FixedLineOrMobile => "mobile or landline",
            NumberType::TollFree => "toll-free",
            NumberType::PremiumRate => "premium-rate",
            NumberType::SharedCost => "shared-cost",
            NumberType::Voip => "VoIP",
            NumberType::PersonalNumber => "personal number",
            NumberType::Pager => "pager",
            NumberType::Uan => "company number (UAN)",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "number",
        }
    }

    /// Can WhatsApp be expected to reach a number of this type? Mobile and the
    /// undecidable fixed-line-or-mobile are fine; everything else gets a warning.
    pub fn likely_on_whatsapp(&self) -> bool {
        matches!(self, NumberType::Mobile | NumberType::FixedLineOrMobile)
    }
}

impl fmt::Display for NumberType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_snake())
    }
}

impl Serialize for NumberType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_snake())
    }
}
