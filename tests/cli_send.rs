//! `leadline send`, `templates` and `history` as a script would run them:
//! the real binary against the fake workspace.

mod cli_support;

use cli_support::{Env, Ran};
use serde_json::Value;
use std::time::Duration;

fn json(r: &Ran) -> Value {
    serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {r:?}"))
}

const APPOINTMENT: &[&str] = &[
    "send",
    "--phone",
    "+34 612 345 679",
    "--name",
    "Jane Doe",
    "--template",
    "appointment_reminder",
    "--language",
    "en_US",
    "--var",
    "Jane",
    "--var",
    "12 March",
    "--var",
    "10:30",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_creates_then_reuses_the_lead() {
    let env = Env::demo().await;
    let before = env.fake.contacts().len();
    let first = env.run(APPOINTMENT).await;
    assert_eq!(first.code, 0, "{first:?}");
    assert!(first.stdout.contains("✓ lead created"), "{first:?}");
    assert!(
        first
            .stdout
            .contains("inbox: https://app.intercom.com/a/inbox/"),
        "{first:?}"
    );
    assert_eq!(env.fake.contacts().len(), before + 1);
    let msgs = env.fake.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        msgs[0].rendered_body,
        "Hello Jane, this is a reminder of your appointment on 12 March at 10:30. Reply to this message if you need to change it."
    );

    // The same template again within 24 h: refused without --yes, nothing sent.
    let again = env.run(APPOINTMENT).await;
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("already sent"), "{again:?}");
    assert!(again.stderr.contains("--yes"), "{again:?}");
    assert_eq!(env.fake.messages().len(), 1);

    // Confirmed, it reuses the lead even while search lags (the lead memory).
    env.fake
        .settings(|s| s.index_lag = Duration::from_secs(600));
    let mut args = APPOINTMENT.to_vec();
    args.extend(["--yes", "--json"]);
    let third = env.run(&args).await;
    assert_eq!(third.code, 0, "{third:?}");
    let v = json(&third);
    assert_eq!(v["ok"], true);
    assert_eq!(v["lead"]["created"], false);
    assert_eq!(v["phone"], "+34612345679");
    assert_eq!(v["lead"]["id"], msgs[0].contact_id.as_str());
    assert!(v["message"]["id"].is_string());
    assert_eq!(env.fake.contacts().len(), before + 1, "no second lead");
    assert_eq!(env.fake.messages().len(), 2);

    // A different template to the same number: no confirmation needed, same lead.
    let other = env
        .run(&[
            "send",
            "--phone",
            "0034612345679",
            "--template",
            "welcome_lead",
            "--language",
            "en",
            "--name",
            "Jane Doe",
            "--var",
            "referrer=Sam",
            "--var",
            "product=our team plan",
        ])
        .await;
    assert_eq!(other.code, 0, "{other:?}");
    assert!(other.stdout.contains("✓ lead found"), "{other:?}");
    let last = env.fake.messages().pop().unwrap();
    assert!(
        last.rendered_body.starts_with("Hi Jane! Sam told us"),
        "{}",
        last.rendered_body
    );

    // The journal has all three sends.
    let history = env.run(&["history", "--json"]).await;
    assert_eq!(history.code, 0, "{history:?}");
    let records = json(&history);
    assert_eq!(records.as_array().unwrap().len(), 3);
    assert_eq!(records[0]["lead_created"], true);
    assert_eq!(records[0]["status"], "sent");
    let text = env.run(&["history"]).await;
    assert_eq!(text.code, 0);
    assert_eq!(text.stdout.matches("✓ sent").count(), 3, "{text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_contacts_need_a_choice() {
    let env = Env::demo().await;
    let args = [
        "send",
        "--phone",
        "+49 151 23456789",
        "--template",
        "callback_request",
        "--var",
        "Jonas",
    ];
    let r = env.run(&args).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("2 contacts have +4915123456789"), "{r:?}");
    assert!(r.stderr.contains("6762f0e51bb69f9f2193bb97"), "{r:?}");
    assert!(r.stderr.contains("6762f0e91bb69f9f2193bb9e"), "{r:?}");
    assert!(r.stderr.contains("--contact"), "{r:?}");
    assert!(env.fake.messages().is_empty());

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let j = env.run(&json_args).await;
    assert_eq!(j.code, 1);
    let v = json(&j);
    assert_eq!(v["ok"], false);
    assert_eq!(v["reason"], "several_contacts");
    assert_eq!(v["contacts"].as_array().unwrap().len(), 2);

    let mut wrong = args.to_vec();
    wrong.extend(["--contact", "000000000000000000000000"]);
    let r = env.run(&wrong).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("is not one of the 2 contacts"), "{r:?}");

    let mut pick = args.to_vec();
    pick.extend(["--contact", "6762f0e91bb69f9f2193bb9e"]);
    let ok = env.run(&pick).await;
    assert_eq!(ok.code, 0, "{ok:?}");
    let msgs = env.fake.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].contact_id, "6762f0e91bb69f9f2193bb9e");
    // The guard comes before anything else once it was sent.
    let r = env.run(&pick).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("already sent"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_get_words_and_exit_codes() {
    let env = Env::demo().await;
    let send = |extra: &[&str]| {
        let mut a = vec!["send", "--phone", "+44 7911 123456"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let env = &env;
        async move {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            env.run(&refs).await
        }
    };
    // Unknown template: usage (2), named.
    let r = run(send(&["--template", "nope"])).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("no approved template named \"nope\""),
        "{r:?}"
    );
    // Several languages, none chosen.
    let r = run(send(&["--template", "welcome_lead"])).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("pass --language"), "{r:?}");
    // A missing variable, with the template's example.
    let r = run(send(&["--template", "callback_request"])).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("variable 1: required"), "{r:?}");
    // A name the template does not have.
    let r = run(send(&[
        "--template",
        "welcome_lead",
        "--language",
        "en",
        "--var",
        "firstname=Jane",
    ]))
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("has no variable \"firstname\""), "{r:?}");
    // A number that is not one.
    let r = env
        .run(&[
            "send",
            "--phone",
            "12",
            "--template",
            "callback_request",
            "--var",
            "x",
        ])
        .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("\"12\""), "{r:?}");
    // The token refused: 3, and the variable to fix is named.
    let mut cmd = env.command(&[
        "send",
        "--phone",
        "+44 7911 123456",
        "--template",
        "callback_request",
        "--var",
        "x",
    ]);
    cmd.env("INTERCOM_TOKEN", "wrong-token");
    let r = env.run_with(cmd).await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("INTERCOM_TOKEN"), "{r:?}");
    // No config file: 2, and where to put one.
    let mut cmd = env.command(&["templates"]);
    cmd.args(["--config", "/nonexistent/leadline.toml"]);
    let r = env.run_with(cmd).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no config file"), "{r:?}");
    assert!(env.fake.messages().is_empty());
    assert_eq!(
        env.fake.contacts().len(),
        leadline::fake::demo_contacts().len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_listed_and_dumped() {
    let env = Env::demo().await;
    let r = env.run(&["templates"]).await;
    assert_eq!(r.code, 0, "{r:?}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("order_update"))
        .expect("order_update listed");
    assert!(line.contains("en_US") && line.contains("UTILITY"), "{line}");
    assert!(line.contains("header.1, 1, 2, 3, --button-var"), "{line}");
    assert!(
        !r.stdout.contains("payment_reminder"),
        "pending templates are not listed"
    );
    let j = env.run(&["templates", "--json"]).await;
    assert_eq!(j.code, 0);
    let v = json(&j);
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), r.stdout.lines().count());
    assert!(data.iter().all(|t| t["status"] == "APPROVED"));
    // The dump is a templates_file: sends work from it without Meta.
    std::fs::write(env.path("templates.json"), &j.stdout).unwrap();
    let config = std::fs::read_to_string(&env.config).unwrap();
    let from_file = env.path("file.toml");
    std::fs::write(
        &from_file,
        config.replace(
            "[whatsapp]\n",
            "[whatsapp]\ntemplates_file = \"templates.json\"\n",
        ),
    )
    .unwrap();
    let mut cmd = env.command(&["templates"]);
    cmd.arg("--config")
        .arg(&from_file)
        .env_remove("WHATSAPP_TOKEN");
    let again = env.run_with(cmd).await;
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(again.stdout, r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_has_help_with_an_example() {
    let env = Env::demo().await;
    for cmd in ["templates", "send", "import", "history"] {
        let r = env.run(&[cmd, "--help"]).await;
        assert_eq!(r.code, 0, "{cmd}: {r:?}");
        assert!(r.stdout.contains("Example"), "{cmd}: {}", r.stdout);
        assert!(r.stdout.contains("--config"), "{cmd}: {}", r.stdout);
        assert!(r.stdout.contains("Exit codes"), "{cmd}: {}", r.stdout);
    }
    let r = env.run(&["send", "--phone"]).await;
    assert_eq!(r.code, 2, "clap's usage errors are 2: {r:?}");
}
