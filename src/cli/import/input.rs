//! Reading a CSV file someone exported from somewhere: any of UTF-8 (with or
//! without a BOM), UTF-16 (Excel's "Unicode text") or Windows-1252; comma,
//! semicolon, tab or pipe separated; CRLF, LF or CR line ends; quoted cells
//! with embedded separators and newlines. Cells are kept as text; nothing in
//! them is trusted.

/// The biggest file read (a million rows of a phone and a name is ~40 MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A decoded table: the header row and the data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// What was guessed about the file, for the agent ("read as Windows-1252").
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Line number in the file where the row starts (1 is the header).
    pub line: u64,
    pub cells: Vec<String>,
    /// The row could not be read as CSV.
    pub error: Option<String>,
}

impl Row {
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map(String::as_str).unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// The text of a file in whatever encoding it came in, and a note when it
/// was not plain UTF-8.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), None),
            Err(_) => (
                String::from_utf8_lossy(rest).into_owned(),
                Some(
                    "the file is not valid UTF-8: unreadable characters were replaced by �".into(),
                ),
            ),
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return (utf16(rest, false), Some("read as UTF-16".into()));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return (utf16(rest, true), Some("read as UTF-16".into()));
    }
    if let Some(big_endian) = looks_utf16(bytes) {
        return (
            utf16(bytes, big_endian),
            Some("read as UTF-16 (no byte-order mark)".into()),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => (
            bytes.iter().map(|&b| windows_1252(b)).collect(),
            Some("the file is not UTF-8: read as Windows-1252 (Excel's default on Windows)".into()),
        ),
    }
}

/// ASCII text in UTF-16 has a zero in every other byte.
fn looks_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4000)];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if zero_odd * 10 >= pairs * 7 && zero_even * 10 < pairs {
        Some(false)
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 10 < pairs {
        Some(true)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| {
            let (a, b) = (c[0], c.get(1).copied().unwrap_or(0));
            if big_endian {
                u16::from_be_bytes([a, b])
            } else {
                u16::from_le_bytes([a, b])
            }
        })
        .collect();
    String::from_utf16_lossy(&units)
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// The separator of the header line: the most frequent of `,` `;` tab `|`
/// outside quotes (`,` when none appears).
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            '|' if !quoted => counts[3] += 1,
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t', b'|'][best]
    }
}

/// Parses decoded text into the header and rows. Rows keep the line where
/// they start; a row the CSV reader cannot read is kept with its error.
pub fn parse(text: &str, delimiter: u8) -> Result<Table, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = loop {
        match records.next() {
            None => return Err("the file is empty: it needs a header row (phone,name)".into()),
            Some(Ok(r)) => {
                let cells: Vec<String> = r.iter().map(str::to_string).collect();
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                break cells;
            }
            Some(Err(e)) => return Err(format!("cannot read the header row: {e}")),
        }
    };
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(text);
    for r in records {
        match r {
            Ok(r) => rows.push(Row {
                line: r.position().map(|p| lines.at(p.byte())).unwrap_or(0),
                cells: r.iter().map(str::to_string).collect(),
                error: None,
            }),
            Err(e) => rows.push(Row {
                line: e.position().map(|p| lines.at(p.byte())).unwrap_or(0),
                cells: Vec::new(),
                error: Some(crate::text::one_line(&e.to_string(), 120)),
            }),
        }
    }
    Ok(Table {
        headers,
        rows,
        notes: Vec::new(),
    })
}

/// Line numbers from byte offsets. The CSV reader's own count is off by one
/// after CRLF (a record "starts" on the `\n` of the line before), so lines are
/// counted here: CRLF, LF and a lone CR each end one line.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line
    /// end. Offsets must not go backwards.
    fn at(&mut self, byte: u64) -> u64 {
        let mut target = (byte as usize).min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        while self.pos < target {
            match self.bytes[self.pos] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(self.pos + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.pos += 1;
        }
        self.line
    }
}

/// A header as a key: lowercase, words joined by `_` ("Phone Number" → `phone_number`).
pub fn normalize_header(h: &str) -> String {
    let mut out = String::new();
    for c in h.trim().trim_start_matches('\u{FEFF}').chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

const PHONE_HEADERS: &[&str] = &[
    "phone",
    "phone_number",
    "phonenumber",
    "mobile",
    "mobile_number",
    "mobile_phone",
    "whatsapp",
    "whatsapp_number",
    "cell",
    "cell_phone",
    "telephone",
    "tel",
    "msisdn",
];
const NAME_HEADERS: &[&str] = &[
    "name",
    "full_name",
    "fullname",
    "contact_name",
    "customer_name",
    "lead_name",
];
const FIRST_HEADERS: &[&str] = &["first_name", "firstname", "given_name", "forename"];
const LAST_HEADERS: &[&str] = &["last_name", "lastname", "surname", "family_name"];

/// Where the name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameColumns {
    None,
    One(usize),
    FirstLast(usize, Option<usize>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub phone: usize,
    pub name: NameColumns,
}

impl Columns {
    /// The name of a row: its name cell, or first and last joined.
    pub fn name(&self, row: &Row) -> String {
        match self.name {
            NameColumns::None => String::new(),
            NameColumns::One(i) => row.cell(i).to_string(),
            NameColumns::FirstLast(f, l) => {
                let first = row.cell(f).trim();
                let last = l.map(|l| row.cell(l).trim()).unwrap_or("");
                format!("{first} {last}").trim().to_string()
            }
        }
    }

    /// "phone from column Mobile (3), name from Name (1)".
    pub fn describe(&self, headers: &[String]) -> String {
        let h = |i: usize| {
            format!(
                "{:?} (column {})",
                crate::text::one_line(headers.get(i).map(String::as_str).unwrap_or(""), 40),
                i + 1
            )
        };
        let name = match self.name {
            NameColumns::None => "no name column".to_string(),
            NameColumns::One(i) => format!("name from {}", h(i)),
            NameColumns::FirstLast(f, Some(l)) => format!("name from {} and {}", h(f), h(l)),
            NameColumns::FirstLast(f, None) => format!("name from {}", h(f)),
        };
        format!("phone from {}, {name}", h(self.phone))
    }
}

/// A column named by a flag: its header (any case or spacing) or its number.
fn named_column(headers: &[String], flag: &str, what: &str) -> Result<usize, String> {
    let want = normalize_header(flag);
    if let Some(i) = headers.iter().position(|h| normalize_header(h) == want) {
        return Ok(i);
    }
    if let Ok(n) = flag.trim().parse::<usize>()
        && (1..=headers.len()).contains(&n)
    {
        return Ok(n - 1);
    }
    Err(format!(
        "--{what}-column {flag:?} is not in the header row ({})",
        header_list(headers)
    ))
}

fn header_list(headers: &[String]) -> String {
    let shown: Vec<String> = headers
        .iter()
        .take(12)
        .map(|h| format!("{:?}", crate::text::one_line(h, 30)))
        .collect();
    let more = if headers.len() > 12 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// Finds the phone column (by flag or by name) and the name column(s).
pub fn pick_columns(
    headers: &[String],
    phone_flag: Option<&str>,
    name_flag: Option<&str>,
) -> Result<Columns, String> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let phone = match phone_flag {
        Some(f) => named_column(headers, f, "phone")?,
        None => {
            let hits: Vec<usize> = (0..headers.len())
                .filter(|&i| PHONE_HEADERS.contains(&normalized[i].as_str()))
                .collect();
            match hits.as_slice() {
                [i] => *i,
                [] => {
                    return Err(format!(
                        "no phone column: the header row has {}; name one phone, phone_number, mobile or whatsapp, or pass --phone-column",
                        header_list(headers)
                    ));
                }
                several => {
                    let names: Vec<String> = several
                        .iter()
                        .map(|&i| format!("{:?}", crate::text::one_line(&headers[i], 30)))
                        .collect();
                    return Err(format!(
                        "several columns could hold the phone ({}): pick one with --phone-column",
                        names.join(", ")
                    ));
                }
            }
        }
    };
    let find = |set: &[&str]| {
        set.iter()
            .find_map(|want| (0..headers.len()).find(|&i| i != phone && normalized[i] == *want))
    };
    let name = match name_flag {
        Some(f) => NameColumns::One(named_column(headers, f, "name")?),
        None => match (find(NAME_HEADERS), find(FIRST_HEADERS), find(LAST_HEADERS)) {
            (Some(i), _, _) => NameColumns::One(i),
            (None, Some(f), last) => NameColumns::FirstLast(f, last),
            (None, None, Some(l)) => NameColumns::One(l),
            (None, None, None) => NameColumns::None,
        },
    };
    Ok(Columns { phone, name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_spreadsheets_write() {
        assert_eq!(decode(b"\xEF\xBB\xBFphone\r\n+44").0, "phone\r\n+44");
        let utf16le: Vec<u8> = "\u{FEFF}phone,name\r\n+447911123456,Zoë"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(&utf16le).0, "phone,name\r\n+447911123456,Zoë");
        let no_bom: Vec<u8> = "phone\n+44"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode(&no_bom).0, "phone\n+44");
        let (text, note) = decode(b"name\nRen\xe9 \x80");
        assert_eq!(text, "name\nRené €");
        assert!(note.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn sniffs_the_separator() {
        assert_eq!(sniff_delimiter("phone;name\n+44,1;x"), b';');
        assert_eq!(sniff_delimiter("\"a,b\";c;d\n"), b';');
        assert_eq!(sniff_delimiter("phone\tname"), b'\t');
        assert_eq!(sniff_delimiter("phone"), b',');
        assert_eq!(sniff_delimiter("phone,name"), b',');
    }

    #[test]
    fn parses_quotes_crlf_and_ragged_rows() {
        let t = parse(
            "\u{FEFF}Phone Number,Name\r\n\"+44 7911, 123456\",\"Jane \"\"JD\"\" Doe\"\r\n+34612345678\r\n\r\n,\"multi\nline\"\r\n",
            b',',
        )
        .unwrap();
        assert_eq!(t.headers, vec!["Phone Number", "Name"]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].cell(0), "+44 7911, 123456");
        assert_eq!(t.rows[0].cell(1), "Jane \"JD\" Doe");
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[1].cell(1), "");
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.rows[2].cell(1), "multi\nline");
        assert_eq!(t.rows[2].line, 5);
        let t = parse("phone\r+1\r+2\n\n+3", b',').unwrap();
        let lines: Vec<u64> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        assert!(parse("", b',').is_err());
        assert!(parse("\r\n\r\n", b',').is_err());
    }

    #[test]
    fn finds_the_columns() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let c = pick_columns(&h(&["ID", "Full Name", "WhatsApp"]), None, None).unwrap();
        assert_eq!(
            c,
            Columns {
                phone: 2,
                name: NameColumns::One(1)
            }
        );
        let c = pick_columns(&h(&["first name", "Last-Name", "mobile"]), None, None).unwrap();
        assert_eq!(c.name, NameColumns::FirstLast(0, Some(1)));
        let e = pick_columns(&h(&["phone", "mobile"]), None, None).unwrap_err();
        assert!(e.contains("--phone-column"), "{e}");
        let c = pick_columns(&h(&["phone", "mobile"]), Some("Mobile"), None).unwrap();
        assert_eq!(c.phone, 1);
        let c = pick_columns(&h(&["a", "b"]), Some("2"), Some("1")).unwrap();
        assert_eq!(
            c,
            Columns {
                phone: 1,
                name: NameColumns::One(0)
            }
        );
        assert!(pick_columns(&h(&["email", "company"]), None, None).is_err());
        assert!(pick_columns(&h(&["email"]), Some("tel"), None).is_err());
    }
}
