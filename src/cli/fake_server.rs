//! `leadline fake-server`: the fake workspace on its own, for trying the CLI
//! and for tests that drive the real binary.

use super::{exit, fail};
use crate::fake::{FakeOptions, FakeServer, Settings, parse_script};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  leadline fake-server --port 8900 --rate-limit 50 --fault 'search=503,503,ok'\n  INTERCOM_TOKEN=demo-intercom-token leadline --config fake.toml"
)]
pub struct FakeServerArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8900)]
    pub port: u16,
    /// Added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Intercom requests allowed per window (429 past it); default 1666, Intercom's usual.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Length of a rate-limit window in seconds.
    #[arg(long, default_value_t = 10)]
    pub window_secs: u64,
    /// New contacts stay out of search this many seconds.
    #[arg(long, default_value_t = 0.0)]
    pub index_lag_secs: f64,
    /// Messages to contacts younger than this many seconds get 404.
    #[arg(long, default_value_t = 0.0)]
    pub new_contact_404_secs: f64,
    /// Leave `conversation_id` out of message answers (as Intercom may).
    #[arg(long)]
    pub omit_conversation_id: bool,
    /// Answer contacts with real workspaces' type quirks (owner_id a number, avatar a string…).
    #[arg(long)]
    pub quirks: bool,
    /// Templates per Graph page at most (to try paging with `next`).
    #[arg(long, default_value_t = 25)]
    pub graph_page_size: usize,
    /// Scripted faults, e.g. `search=503,503,ok` or `message=drop-after` (repeatable).
    #[arg(long = "fault", value_name = "ENDPOINT=FAULT,…")]
    pub faults: Vec<String>,
    /// Start with no contacts (the demo has a few).
    #[arg(long)]
    pub empty: bool,
}

fn secs(s: f64) -> Duration {
    if s.is_finite() && s > 0.0 {
        Duration::from_secs_f64(s)
    } else {
        Duration::ZERO
    }
}

pub async fn run(args: FakeServerArgs) -> ExitCode {
    let mut scripts = Vec::new();
    for f in &args.faults {
        match parse_script(f) {
            Ok(s) => scripts.push(s),
            Err(e) => return fail(exit::USAGE, e),
        }
    }
    let settings = Settings {
        latency: Duration::from_millis(args.latency_ms),
        rate_limit: args.rate_limit,
        window: Duration::from_secs(args.window_secs.max(1)),
        index_lag: secs(args.index_lag_secs),
        new_contact_404: secs(args.new_contact_404_secs),
        omit_conversation_id: args.omit_conversation_id,
        graph_page_size: args.graph_page_size.max(1),
        quirks: args.quirks,
    };
    let fake = match FakeServer::start(FakeOptions {
        port: args.port,
        settings,
        seed_contacts: !args.empty,
        ..FakeOptions::default()
    })
    .await
    {
        Ok(f) => f,
        Err(e) => {
            return fail(
                exit::USAGE,
                format!("cannot listen on 127.0.0.1:{}: {e}", args.port),
            );
        }
    };
    for (endpoint, faults) in scripts {
        fake.script(endpoint, faults);
    }
    let id = fake.identity();
    println!("leadline fake workspace on http://{}", fake.addr());
    println!("  intercom.base_url     = \"{}\"", fake.intercom_url());
    println!("  whatsapp.graph_url    = \"{}\"", fake.graph_url());
    println!("  whatsapp.waba_id      = \"{}\"", id.waba_id);
    println!("  INTERCOM_TOKEN={}", id.intercom_token);
    println!("  WHATSAPP_TOKEN={}", id.whatsapp_token);
    println!("  inspect: GET /_fake/contacts, /_fake/messages, /_fake/requests, /_fake/settings");
    println!(
        "  steer:   POST /_fake/faults {{\"script\":\"search=503,ok\"}}, /_fake/settings, /_fake/reset"
    );
    println!("Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::from(exit::OK)
}
