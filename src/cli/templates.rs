//! `leadline templates`: the approved WhatsApp templates, one line each, or
//! the Graph JSON (which `whatsapp.templates_file` accepts back).

use super::common::{describe_inputs, load_templates, open_templates};
use super::{exit, fail};
use crate::text::one_line;
use std::path::Path;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  leadline templates
  leadline templates --json > templates.json   # usable as whatsapp.templates_file

Each line: name, language, category, then the inputs a send needs: variables
by the name `leadline send --var NAME=VALUE` takes (1, 2, first_name,
header.1), --header-url for a media header, --button-var for a button.

Exit codes: 0 listed, 1 the templates could not be loaded, 2 usage or
configuration error, 3 Meta refused the token.")]
pub struct TemplatesArgs {
    /// Print the templates as Graph JSON: {"data": [template, ...]}.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: TemplatesArgs, config: Option<&Path>) -> ExitCode {
    let (source, _settings) = match open_templates(config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let templates = match load_templates(&source, &crate::http::quiet()).await {
        Ok(t) => t,
        Err(code) => return code,
    };
    if args.json {
        // Re-read as trees so that the pretty printer indents them too.
        let data: Vec<serde_json::Value> = templates
            .iter()
            .filter_map(|t| serde_json::from_str(t.raw().get()).ok())
            .collect();
        return match serde_json::to_string_pretty(&serde_json::json!({ "data": data })) {
            Ok(s) => {
                println!("{s}");
                ExitCode::from(exit::OK)
            }
            Err(e) => fail(exit::SOME_FAILED, e),
        };
    }
    if templates.is_empty() {
        eprintln!("leadline: no approved templates in this WhatsApp Business Account");
        return ExitCode::from(exit::OK);
    }
    let rows: Vec<[String; 4]> = templates
        .iter()
        .map(|t| {
            let inputs = describe_inputs(t);
            [
                one_line(&t.name, 60),
                one_line(&t.language, 12),
                one_line(t.category.as_str(), 16),
                if inputs.is_empty() {
                    "no variables".into()
                } else {
                    one_line(&inputs.join(", "), 200)
                },
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].width()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
    for r in &rows {
        println!(
            "{}  {}  {}  {}",
            pad(&r[0], w0),
            pad(&r[1], w1),
            pad(&r[2], w2),
            r[3]
        );
    }
    ExitCode::from(exit::OK)
}
