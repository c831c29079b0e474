//! `leadline check [--region XX] [--json] [NUMBER ... | -]`: the phone verdict in bulk.
//!
//! Numbers come as arguments, or one per line on standard input with `-`. Output is one
//! line per number, in input order: readable text, or with `--json` one object per line
//! `{"input":…,"valid":…,"e164":…,"region":…,"type":…,"reason":…}`. Exit status: 0 when
//! every number is valid, 1 when any is not, 2 on a usage error. Standard input is read
//! line by line into one reused buffer and output goes through one buffered, locked
//! stdout, so a million lines run in constant memory.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::config;
use crate::phone::{self, Region, Verdict};

/// Arguments of `leadline check`.
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct CheckArgs {
    /// Country for numbers written without + or an international prefix
    /// (ISO 3166 two-letter code, e.g. GB or us; default: the config's
    /// default_region, when there is a config).
    #[arg(long, value_name = "XX", value_parser = parse_region)]
    pub region: Option<Region>,

    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,

    /// Numbers to check; `-` reads one number per line from standard input.
    #[arg(value_name = "NUMBER", required = true)]
    pub numbers: Vec<String>,
}

fn parse_region(s: &str) -> Result<Region, String> {
    s.parse::<Region>().map_err(|e| e.to_string())
}

/// The config's `default_region`, for numbers written nationally when no
/// `--region` is given. `check` needs no workspace: a config named with
/// `--config` or `LEADLINE_CONFIG` must be right, but one merely found at the
/// usual place may be missing, and if it is wrong that is said as a warning.
fn config_region(config_flag: Option<&Path>) -> Result<Option<Region>, String> {
    let Some(path) = config::config_path(config_flag) else {
        return Ok(None);
    };
    let named =
        config_flag.is_some() || std::env::var_os("LEADLINE_CONFIG").is_some_and(|v| !v.is_empty());
    let region = match config::load(&path) {
        Ok(file) => file.default_region.map(|r| {
            r.parse::<Region>()
                .map_err(|e| format!("{}: default_region: {e}", path.display()))
        }),
        Err(config::ConfigError::Missing { .. }) if !named => None,
        Err(e) => Some(Err(e.to_string())),
    };
    match region.transpose() {
        Err(e) if !named => {
            eprintln!("leadline check: {e} (numbers are read without a default region)");
            Ok(None)
        }
        other => other,
    }
}

/// Runs the command; returns the exit status (0 all valid, 1 some not valid, 2 usage).
pub fn run(mut args: CheckArgs, config_flag: Option<&Path>) -> ExitCode {
    if args.region.is_none() {
        match config_region(config_flag) {
            Ok(r) => args.region = r,
            Err(e) => {
                eprintln!("leadline check: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut all_valid = true;
    let result = (|| -> io::Result<()> {
        for arg in &args.numbers {
            if arg == "-" {
                let stdin = io::stdin();
                let mut input = stdin.lock();
                let mut buf = Vec::with_capacity(256);
                loop {
                    buf.clear();
                    if input.read_until(b'\n', &mut buf)? == 0 {
                        break;
                    }
                    let line = trim_newline(&buf);
                    let text = String::from_utf8_lossy(line);
                    all_valid &= emit(&mut out, &text, args.region, args.json)?;
                }
            } else {
                all_valid &= emit(&mut out, arg, args.region, args.json)?;
            }
        }
        out.flush()
    })();
    match result {
        Ok(()) => {}
        // The reader went away (`leadline check - | head`): stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::from(1),
        Err(e) => {
            eprintln!("leadline check: {e}");
            return ExitCode::from(1);
        }
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Writes the line for one number; returns whether it is valid.
pub fn emit(
    out: &mut impl Write,
    input: &str,
    region: Option<Region>,
    json: bool,
) -> io::Result<bool> {
    let verdict = phone::check(input, region);
    if json {
        write_json(out, input, &verdict)?;
    } else {
        write_text(out, input, &verdict)?;
    }
    Ok(verdict.is_valid())
}

fn json_str(out: &mut impl Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, s).map_err(io::Error::other)
}

fn json_opt(out: &mut impl Write, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => json_str(out, s),
        None => out.write_all(b"null"),
    }
}

/// `{"input":…,"valid":…,"e164":…,"region":…,"type":…,"reason":…}` and a newline.
pub fn write_json(out: &mut impl Write, input: &str, verdict: &Verdict) -> io::Result<()> {
    let valid = verdict.valid();
    out.write_all(b"{\"input\":")?;
    json_str(out, input)?;
    out.write_all(if valid.is_some() {
        b",\"valid\":true,\"e164\":"
    } else {
        b",\"valid\":false,\"e164\":"
    })?;
    json_opt(out, valid.map(|v| v.e164.as_str()))?;
    out.write_all(b",\"region\":")?;
    json_opt(out, valid.map(|v| v.region.as_str()))?;
    out.write_all(b",\"type\":")?;
    json_opt(out, valid.map(|v| v.number_type.as_snake()))?;
    out.write_all(b",\"reason\":")?;
    let reason = match verdict {
        Verdict::Empty => Some("empty"),
        other => other.reason(),
    };
    json_opt(out, reason)?;
    out.write_all(b"}\n")
}

/// `07911 123456: valid +447911123456 (GB, mobile)`, or `0791: incomplete: …`.
pub fn write_text(out: &mut impl Write, input: &str, verdict: &Verdict) -> io::Result<()> {
    let shown = input.trim();
    match verdict {
        Verdict::Empty => writeln!(out, "{shown:?}: empty"),
        Verdict::Incomplete { reason } => writeln!(out, "{shown}: incomplete: {reason}"),
        Verdict::Invalid { reason } => writeln!(out, "{shown}: invalid: {reason}"),
        Verdict::Valid(v) => {
            write!(
                out,
                "{shown}: valid {} ({}, {})",
                v.e164,
                v.region,
                v.number_type.label()
            )?;
            if let Some(w) = v.whatsapp_warning() {
                write!(out, "; warning: {w}")?;
            }
            for note in &v.notes {
                write!(out, "; {note}")?;
            }
            writeln!(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(input: &str, region: Option<&str>) -> serde_json::Value {
        let mut buf = Vec::new();
        let r = region.map(|r| r.parse().unwrap());
        emit(&mut buf, input, r, true).unwrap();
        serde_json::from_slice(&buf).unwrap()
    }

    #[test]
    fn json_valid() {
        let v = json("07400 123456", Some("GB"));
        assert_eq!(
            v,
            serde_json::json!({"input":"07400 123456","valid":true,"e164":"+447400123456",
                "region":"GB","type":"mobile","reason":null})
        );
    }

    #[test]
    fn json_invalid_and_empty() {
        let v = json("+999 1234", None);
        assert_eq!(v["valid"], false);
        assert_eq!(v["e164"], serde_json::Value::Null);
        assert_eq!(v["type"], serde_json::Value::Null);
        assert_eq!(v["reason"], "no country with code +999");
        assert_eq!(json("", None)["reason"], "empty");
    }

    #[test]
    fn json_key_order() {
        let mut buf = Vec::new();
        emit(&mut buf, "\"+44\" 7400\t123456", None, true).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert!(
            s.starts_with("{\"input\":\"\\\"+44\\\" 7400\\t123456\",\"valid\":"),
            "{s}"
        );
        assert!(s.ends_with("}\n"));
    }

    #[test]
    fn text_lines() {
        let mut buf = Vec::new();
        emit(&mut buf, "+44 20 7031 3000", None, false).unwrap();
        emit(&mut buf, "+44 7400", None, false).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert_eq!(
            s,
            "+44 20 7031 3000: valid +442070313000 (GB, landline); warning: landline: WhatsApp needs a mobile number\n\
             +44 7400: incomplete: 6 more digits for a GB mobile\n"
        );
    }

    #[test]
    fn newline_trimming() {
        assert_eq!(trim_newline(b"123\r\n"), b"123");
        assert_eq!(trim_newline(b"123"), b"123");
    }
}
