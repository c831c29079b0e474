//! Interim E.164 verdicts on the `phonenumber` crate; replaced by the
//! libphonenumber-exact engine (branch `phone`).

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Region([u8; 2]);

impl Region {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

impl FromStr for Region {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let b = s.trim().to_ascii_uppercase().into_bytes();
        match b.as_slice() {
            [a, c] if a.is_ascii_uppercase() && c.is_ascii_uppercase() => Ok(Region([*a, *c])),
            _ => Err(format!("{s:?} is not a two-letter region code")),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
            NumberType::Uan => "UAN",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown type",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidNumber {
    pub e164: String,
    pub international: String,
    pub region: Region,
    pub country_name: String,
    pub number_type: NumberType,
    pub notes: Vec<String>,
}

impl ValidNumber {
    pub fn whatsapp_warning(&self) -> Option<String> {
        match self.number_type {
            NumberType::Mobile | NumberType::FixedLineOrMobile | NumberType::Unknown => None,
            t => Some(format!("{}: WhatsApp needs a mobile number", t.label())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Verdict {
    Empty,
    Incomplete { reason: String },
    Invalid { reason: String },
    Valid(ValidNumber),
}

pub fn warm_up() {
    let _ = check("+447911123456", None);
}

pub fn check(input: &str, default_region: Option<Region>) -> Verdict {
    let t = input.trim();
    if t.is_empty() {
        return Verdict::Empty;
    }
    if t.chars().count() > 200 {
        return Verdict::Invalid {
            reason: "too long to be a phone number".into(),
        };
    }
    let id = default_region.and_then(|r| r.as_str().parse::<phonenumber::country::Id>().ok());
    let digits = t.chars().filter(char::is_ascii_digit).count();
    match phonenumber::parse(id, t) {
        Ok(n) if n.is_valid() => {
            let region = n
                .country()
                .id()
                .map(|i| format!("{i:?}"))
                .unwrap_or_else(|| "ZZ".into());
            let db = &*phonenumber::metadata::DATABASE;
            let number_type = match n.number_type(db) {
                phonenumber::Type::Mobile => NumberType::Mobile,
                phonenumber::Type::FixedLine => NumberType::FixedLine,
                phonenumber::Type::FixedLineOrMobile => NumberType::FixedLineOrMobile,
                phonenumber::Type::TollFree => NumberType::TollFree,
                phonenumber::Type::PremiumRate => NumberType::PremiumRate,
                phonenumber::Type::SharedCost => NumberType::SharedCost,
                phonenumber::Type::Voip => NumberType::Voip,
                phonenumber::Type::PersonalNumber => NumberType::PersonalNumber,
                phonenumber::Type::Pager => NumberType::Pager,
                phonenumber::Type::Uan => NumberType::Uan,
                phonenumber::Type::Voicemail => NumberType::Voicemail,
                _ => NumberType::Unknown,
            };
            Verdict::Valid(ValidNumber {
                e164: n.format().mode(phonenumber::Mode::E164).to_string(),
                international: n
                    .format()
                    .mode(phonenumber::Mode::International)
                    .to_string(),
                region: region.parse().unwrap_or(Region(*b"ZZ")),
                country_name: region,
                number_type,
                notes: Vec::new(),
            })
        }
        _ if digits < 7 => Verdict::Incomplete {
            reason: "keep typing".into(),
        },
        _ => Verdict::Invalid {
            reason: "not a valid number".into(),
        },
    }
}

pub fn format_as_you_type(input: &str, _default_region: Option<Region>) -> String {
    input.to_string()
}
