//! `leadline import` against the fake workspace, as a user runs it: the real
//! binary, real CSV files, the fake's rate limit, and `kill -9` mid-run.

mod cli_support;

use cli_support::{Env, old_contact, report};
use leadline::fake::FakeOptions;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What a generated row must end as.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Created(String),
    Existing(String, String),
    Duplicate(String, usize),
    Invalid,
}

/// A small deterministic generator (no dependency, same file every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// The same number written the ways spreadsheets hold it.
fn write_as(e164: &str, style: usize) -> String {
    let d = &e164[3..]; // after +44: 7911xxxxxx
    match style % 5 {
        0 => format!("+44 {} {}", &d[..4], &d[4..]),
        1 => format!("0{d}"),
        2 => format!("0044 {} {} {}", &d[..4], &d[4..7], &d[7..]),
        3 => format!("(0{}) {}-{}", &d[..4], &d[4..7], &d[7..]),
        _ => format!("+44-{}-{}", &d[..4], &d[4..]),
    }
}

const INVALID: &[&str] = &[
    "12345",
    "hello",
    "",
    "+999 1234 5678",
    "07911 12",
    "+44 7911 1234567890123",
    "n/a",
    "+44 (0) abc",
];

/// 10,000 rows: 1,500 new numbers, 1,000 already in the workspace, 4,500
/// repeats of either (in other spellings) and 3,000 that are not numbers.
fn generate(existing: &[(String, String)]) -> (String, Vec<Expect>) {
    let mut rng = Lcg(42);
    let (mut new_left, mut existing_left, mut dup_left, mut invalid_left) =
        (1500usize, existing.len(), 4500usize, 3000usize);
    let mut seen: Vec<(usize, String)> = Vec::new();
    let mut next_new = 0;
    let mut next_existing = 0;
    let mut csv = String::from("Name,Phone Number,Notes\r\n");
    let mut expect = Vec::new();
    for row in 0..10_000 {
        let dup_ok = if seen.is_empty() { 0 } else { dup_left };
        let total = new_left + existing_left + dup_ok + invalid_left;
        let pick = rng.next(total);
        let kind = if pick < new_left {
            0
        } else if pick < new_left + existing_left {
            1
        } else if pick < new_left + existing_left + dup_ok {
            2
        } else {
            3
        };
        let (phone, e) = match kind {
            0 => {
                new_left -= 1;
                let e164 = format!("+447911{}", 100_000 + next_new);
                next_new += 1;
                seen.push((row, e164.clone()));
                (write_as(&e164, rng.next(5)), Expect::Created(e164))
            }
            1 => {
                existing_left -= 1;
                let (e164, id) = existing[next_existing].clone();
                next_existing += 1;
                seen.push((row, e164.clone()));
                (write_as(&e164, rng.next(5)), Expect::Existing(e164, id))
            }
            2 => {
                dup_left -= 1;
                let (first, e164) = seen[rng.next(seen.len())].clone();
                (write_as(&e164, rng.next(5)), Expect::Duplicate(e164, first))
            }
            _ => {
                invalid_left -= 1;
                (
                    INVALID[rng.next(INVALID.len())].to_string(),
                    Expect::Invalid,
                )
            }
        };
        let name = match row % 4 {
            0 => format!("Person {row}"),
            1 => format!("\"Doe, Person {row}\""),
            2 => format!("\"Person \"\"{row}\"\"\""),
            _ => String::new(),
        };
        csv.push_str(&format!("{name},{phone},note {row}\r\n"));
        expect.push(e);
    }
    assert_eq!(new_left + existing_left + dup_left + invalid_left, 0);
    (csv, expect)
}

const LIMIT: u32 = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_rows_under_a_low_rate_limit_killed_and_resumed() {
    let env = Env::start(FakeOptions::default()).await;
    env.fake.settings(|s| {
        s.rate_limit = Some(LIMIT);
        s.window = Duration::from_secs(1);
    });
    let mut existing = Vec::new();
    for j in 0..1000 {
        let e164 = format!("+447911{:06}", 50_000 + j);
        let id = format!("{:024x}", 0xe000_0000u64 + j as u64);
        // Half stored as typed (only formatted_phone is E.164), as Intercom keeps them.
        let stored = if j % 2 == 0 {
            format!("0{}", &e164[3..])
        } else {
            e164.clone()
        };
        env.fake
            .add_contact(old_contact(&id, &stored, &e164, &format!("Old {j}")));
        existing.push((e164, id));
    }
    let (csv, expect) = generate(&existing);
    let file = env.path("leads.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.to_str().unwrap().to_string();
    let args = ["import", file.as_str(), "--report", "report.csv"];

    // Run 1: killed (SIGKILL, no chance to tidy up) once some leads exist.
    let mut child = env.command(&args).spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let made = env.fake.contacts().len() - 1000;
        if made >= 400 {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the import finished before it could be interrupted: {status}");
        }
        assert!(Instant::now() < deadline, "no progress: {made} leads");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap();
    let _ = child.wait().await;
    let after_kill = env.fake.contacts().len() - 1000;
    assert!(
        after_kill < 1500,
        "killed mid-way ({after_kill} of 1500 created)"
    );
    let resumed_from_ms = env.fake.requests().last().map(|r| r.at_ms + 1).unwrap_or(0);

    // Run 2: the same command resumes. (Settle 0: the fake's search has no lag.)
    let mut resume_args = args.to_vec();
    resume_args.extend(["--settle-secs", "0"]);
    let run = env.run(&resume_args).await;
    assert_eq!(run.code, 1, "invalid rows make it 1: {run:?}");
    assert!(run.stderr.contains("resuming an earlier run"), "{run:?}");
    assert!(run.stdout.contains("10000 rows"), "{run:?}");
    assert!(
        run.stdout.contains(
            "1500 created · 1000 existing · 4500 duplicate-in-file · 3000 invalid · 0 failed"
        ),
        "{run:?}"
    );

    // Every row accounted for, as an uninterrupted run would have it.
    let rows = report(&env.path("report.csv"));
    assert_eq!(rows.len(), 10_000);
    for (i, (row, want)) in rows.iter().zip(&expect).enumerate() {
        assert_eq!(row["line"], (i + 2).to_string(), "row {i}");
        let ok = match want {
            Expect::Created(e) => {
                row["status"] == "created" && &row["e164"] == e && !row["contact_id"].is_empty()
            }
            Expect::Existing(e, id) => {
                row["status"] == "existing" && &row["e164"] == e && &row["contact_id"] == id
            }
            Expect::Duplicate(e, first) => {
                row["status"] == "duplicate-in-file"
                    && &row["e164"] == e
                    && row["contact_id"] == rows[*first]["contact_id"]
                    && row["detail"] == format!("same number as line {}", first + 2)
            }
            Expect::Invalid => row["status"] == "invalid" && !row["detail"].is_empty(),
        };
        assert!(ok, "row {i}: want {want:?}, got {row:?}");
    }

    // Zero duplicate leads: each number exactly once in the workspace.
    let contacts = env.fake.contacts();
    assert_eq!(contacts.len(), 2500);
    let mut per_number: HashMap<String, usize> = HashMap::new();
    for c in &contacts {
        *per_number
            .entry(c.formatted_phone.clone().unwrap_or_default())
            .or_default() += 1;
    }
    assert!(
        per_number.values().all(|&n| n == 1),
        "a number has two leads"
    );
    for (row, want) in rows.iter().zip(&expect) {
        if let Expect::Created(e) = want {
            let c = contacts
                .iter()
                .find(|c| c.id == row["contact_id"])
                .expect("the lead exists");
            assert_eq!(c.formatted_phone.as_deref(), Some(e.as_str()));
            assert_eq!(c.role, "lead");
            assert!(c.email.is_none(), "phone-only");
        }
    }

    // Throughput of the resumed run against the limit, over whole windows.
    let requests: Vec<_> = env
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.at_ms >= resumed_from_ms && matches!(r.endpoint, Some("create" | "search")))
        .collect();
    let throttled = requests.iter().filter(|r| r.status == 429).count();
    let ok: Vec<u64> = requests
        .iter()
        .filter(|r| r.status != 429)
        .map(|r| r.at_ms)
        .collect();
    let (first, last) = (ok[0], ok[ok.len() - 1]);
    let inner: Vec<&u64> = ok
        .iter()
        .filter(|&&t| t >= first + 1000 && t < last.saturating_sub(1000))
        .collect();
    let seconds = (last.saturating_sub(1000) - (first + 1000)) as f64 / 1000.0;
    let per_sec = inner.len() as f64 / seconds.max(1.0);
    eprintln!(
        "resumed run: {} requests ({throttled} answered 429), {per_sec:.0}/s in steady state = {:.0}% of the fake's limit of {LIMIT}/s",
        requests.len(),
        per_sec * 100.0 / LIMIT as f64
    );
    assert!(
        throttled * 20 < requests.len(),
        "few requests over the limit: {throttled}"
    );
    // A loose bound (CI machines are slow and shared); measured ~95-100% on a quiet one.
    assert!(
        per_sec >= LIMIT as f64 * 0.5,
        "{per_sec:.0}/s against a limit of {LIMIT}/s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_cells_get_clear_row_messages() {
    let env = Env::demo().await;
    let huge_name = "N".repeat(10_000);
    let rows = [
        "\u{FEFF}Full Name;Mobile;Order".to_string(),
        "Jane Doe;+44 7911 123456;A1".into(),
        "\"Doe; John \"\"JJ\"\"\";07911 123457;A2".into(),
        "Emoji 😀 Person;+34 612 345 680;A3".into(),
        "Fullwidth;＋４４ ７９１１ １２３４５８;A4".into(),
        "Dup Jane;+447911123456;A5".into(),
        "Existing Priya;07400 123456;A6".into(),
        "Bad;12345;A7".into(),
        "Empty;;A8".into(),
        format!("Huge;{};A9", "9".repeat(5000)),
        "=HYPERLINK(\"http://evil\");+44 7911 123459;A10".into(),
        "\"Multi\nline\";+44 7911 123460;A11".into(),
        "Two Webers;+49 151 23456789;A12".into(),
        ";;".into(),
        "Ragged only name".into(),
        format!("{huge_name};+44 7911 123461;A15"),
        "Control \u{1b}[31mred;+44 7911 123462;A16".into(),
    ];
    std::fs::write(env.path("hostile.csv"), rows.join("\r\n") + "\r\n").unwrap();
    let r = env.run(&["import", "hostile.csv"]).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("separator ';'"), "{r:?}");
    let report = report(&env.path("hostile.report.csv"));
    assert_eq!(report.len(), rows.len() - 1, "one report row per input row");
    let by_order: HashMap<String, &HashMap<String, String>> = report
        .iter()
        .map(|r| (r["name"].chars().take(12).collect(), r))
        .collect();
    let get = |prefix: &str| {
        by_order
            .iter()
            .find(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no row {prefix}: {report:?}"))
    };
    assert_eq!(get("Jane Doe")["status"], "created");
    assert_eq!(get("Jane Doe")["line"], "2");
    assert_eq!(get("Doe; John")["name"], "Doe; John \"JJ\"");
    assert_eq!(get("Doe; John")["status"], "created");
    assert_eq!(get("Emoji")["name"], "Emoji 😀 Person");
    assert_eq!(get("Emoji")["e164"], "+34612345680");
    let fw = get("Fullwidth");
    assert!(
        fw["status"] == "created" || (fw["status"] == "invalid" && !fw["detail"].is_empty()),
        "{fw:?}"
    );
    assert_eq!(get("Dup Jane")["status"], "duplicate-in-file");
    assert_eq!(get("Dup Jane")["detail"], "same number as line 2");
    assert_eq!(get("Dup Jane")["contact_id"], get("Jane Doe")["contact_id"]);
    assert_eq!(get("Existing")["status"], "existing");
    assert_eq!(get("Existing")["contact_id"], "6762f0dd1bb69f9f2193bb83");
    assert_eq!(get("Bad")["status"], "invalid");
    assert_eq!(get("Empty")["detail"], "no phone number");
    assert!(
        get("Huge")["detail"].contains("5000 characters"),
        "{:?}",
        get("Huge")
    );
    assert!(get("Huge")["phone"].chars().count() <= 60);
    assert!(
        get("'=HYPERLINK")["name"].starts_with("'="),
        "a formula is defused"
    );
    assert_eq!(get("Multi line")["status"], "created");
    assert_eq!(get("Multi line")["line"], "12");
    assert_eq!(get("Two Webers")["status"], "existing");
    assert!(get("Two Webers")["detail"].contains("1 other contact"));
    assert_eq!(get("Ragged")["detail"], "no phone number");
    let long = get("NNNNNNNN");
    assert_eq!(long["status"], "created");
    assert!(long["detail"].contains("name shortened"), "{long:?}");
    assert_eq!(long["line"], "17");
    let ctrl = get("Control");
    assert!(
        !ctrl["name"].contains('\u{1b}'),
        "no terminal escapes echoed"
    );
    assert!(report.iter().filter(|r| r["status"] == "invalid").count() >= 5);
    assert!(report.iter().any(|r| r["detail"] == "empty row"));
    // Names reached Intercom intact (quotes, emoji), and one line.
    let contacts = env.fake.contacts();
    assert!(
        contacts
            .iter()
            .any(|c| c.name.as_deref() == Some("Doe; John \"JJ\""))
    );
    assert!(
        contacts
            .iter()
            .any(|c| c.name.as_deref() == Some("Emoji 😀 Person"))
    );
    assert!(
        contacts
            .iter()
            .any(|c| c.name.as_deref() == Some("Multi line"))
    );

    // Windows-1252 and UTF-16 (Excel's "Unicode text", tab-separated).
    std::fs::write(
        env.path("latin.csv"),
        b"phone,name\r\n+44 7911 223344,Ren\xe9 \x80\r\n",
    )
    .unwrap();
    let r = env.run(&["import", "latin.csv"]).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("Windows-1252"), "{r:?}");
    assert_eq!(report_of(&env, "latin.report.csv")[0]["name"], "René €");
    let utf16: Vec<u8> = "\u{FEFF}phone\tname\r\n+44 7911 223355\tZoë\r\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    std::fs::write(env.path("unicode.txt"), utf16).unwrap();
    let r = env
        .run(&["import", "unicode.txt", "--report", "u.csv"])
        .await;
    assert_eq!(r.code, 0, "{r:?}");
    let u = report_of(&env, "u.csv");
    assert_eq!(
        (u[0]["name"].as_str(), u[0]["status"].as_str()),
        ("Zoë", "created")
    );

    // Files that cannot be imported at all: usage errors, nothing touched.
    let before = env.fake.contacts().len();
    std::fs::write(env.path("nophone.csv"), "name,email\nJane,j@x.io\n").unwrap();
    let r = env.run(&["import", "nophone.csv"]).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--phone-column"), "{r:?}");
    std::fs::write(env.path("empty.csv"), "").unwrap();
    let r = env.run(&["import", "empty.csv"]).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("header row"), "{r:?}");
    let r = env.run(&["import", "missing.csv"]).await;
    assert_eq!(r.code, 2, "{r:?}");
    std::fs::write(env.path("binary.csv"), [0u8, 159, 146, 150, 255, 0, 1, 2]).unwrap();
    let r = env.run(&["import", "binary.csv"]).await;
    assert!(r.code == 2 || r.code == 1, "never a panic: {r:?}");
    assert_eq!(env.fake.contacts().len(), before);
}

fn report_of(env: &Env, name: &str) -> Vec<HashMap<String, String>> {
    report(&env.path(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_creates_nothing_and_a_refused_token_stops_before_any_row() {
    let env = Env::demo().await;
    std::fs::write(
        env.path("leads.csv"),
        "phone,name\n+44 7911 140001,A\n07400 123456,Priya\n+447911140001,A again\nxyz,B\n",
    )
    .unwrap();
    let before = env.fake.contacts().len();
    let r = env
        .run(&["import", "leads.csv", "--dry-run", "--json"])
        .await;
    assert_eq!(r.code, 1, "an invalid row: {r:?}");
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["would_create"], 1);
    assert_eq!(v["existing"], 1);
    assert_eq!(v["duplicate_in_file"], 1);
    assert_eq!(v["invalid"], 1);
    assert_eq!(v["created"], 0);
    assert_eq!(env.fake.contacts().len(), before);

    let mut cmd = env.command(&["import", "leads.csv"]);
    cmd.env("INTERCOM_TOKEN", "revoked");
    let r = env.run_with(cmd).await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("INTERCOM_TOKEN"), "{r:?}");
    assert_eq!(env.fake.contacts().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_alone_need_no_whatsapp_token_but_a_template_does() {
    let env = Env::demo().await;
    std::fs::write(env.path("leads.csv"), "phone\n+44 7911 150001\n").unwrap();
    let mut cmd = env.command(&["import", "leads.csv"]);
    cmd.env_remove("WHATSAPP_TOKEN");
    let r = env.run_with(cmd).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        env.fake
            .contacts()
            .iter()
            .any(|c| c.phone.as_deref() == Some("+447911150001")),
        "{r:?}"
    );

    let mut cmd = env.command(&["import", "leads.csv", "--template", "callback_request"]);
    cmd.env_remove("WHATSAPP_TOKEN");
    let r = env.run_with(cmd).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("WHATSAPP_TOKEN"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_a_template_sends_once_per_lead_and_never_twice() {
    let env = Env::demo().await;
    std::fs::write(
        env.path("referrals.csv"),
        "Name,Phone,Product\n\
         Jane Doe,+44 7911 130001,the team plan\n\
         Sam Lee,+44 7911 130002,the starter plan\n\
         Jane again,+447911130001,x\n\
         No Product,+44 7911 130003,\n",
    )
    .unwrap();
    let args = [
        "import",
        "referrals.csv",
        "--template",
        "welcome_lead",
        "--language",
        "en",
        "--var",
        "referrer=Priya",
    ];
    let r = env.run(&args).await;
    assert_eq!(r.code, 1, "one row cannot be sent: {r:?}");
    assert!(
        r.stdout
            .contains("messages (welcome_lead en): 2 sent · 1 skipped · 1 failed"),
        "{r:?}"
    );
    let rows = report_of(&env, "referrals.report.csv");
    let cols: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["status"].as_str(), r["message"].as_str()))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("created", "sent"),
            ("created", "sent"),
            ("duplicate-in-file", "skipped"),
            ("created", "failed")
        ]
    );
    assert!(
        rows[3]["detail"].contains("variable product: required"),
        "{:?}",
        rows[3]
    );
    let msgs = env.fake.messages();
    assert_eq!(msgs.len(), 2);
    // Sends run concurrently, so the fake may hold them in either order.
    assert!(
        msgs.iter()
            .any(|m| m.rendered_body.contains("Hi Jane! Priya told us")),
        "{msgs:?}"
    );

    assert!(
        msgs.iter()
            .any(|m| m.rendered_body.contains("the starter plan"))
    );
    assert_eq!(
        rows[0]["message_id"],
        msgs.iter()
            .find(|m| m.contact_id == rows[0]["contact_id"])
            .unwrap()
            .id
    );

    // Run again: the log says what was done; nothing is sent twice.
    let again = env.run(&args).await;
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("resuming"), "{again:?}");
    assert_eq!(env.fake.messages().len(), 2);
    let rows2 = report_of(&env, "referrals.report.csv");
    assert_eq!(rows2[0]["message_id"], rows[0]["message_id"]);
    assert_eq!(
        env.fake.contacts().len(),
        leadline::fake::demo_contacts().len() + 3
    );

    // --fresh forgets the log, but the journal's 24-hour guard still holds.
    let mut fresh = args.to_vec();
    fresh.push("--fresh");
    let r = env.run(&fresh).await;
    assert_eq!(r.code, 1, "{r:?}");
    let rows3 = report_of(&env, "referrals.report.csv");
    assert_eq!(rows3[0]["status"], "existing", "found, not created again");
    assert_eq!(rows3[0]["message"], "skipped");
    assert!(
        rows3[0]["detail"].contains("--yes sends again"),
        "{:?}",
        rows3[0]
    );
    assert_eq!(env.fake.messages().len(), 2);
    assert_eq!(
        env.fake.contacts().len(),
        leadline::fake::demo_contacts().len() + 3
    );

    // Variables no row can fill are a usage error before anything happens.
    let r = env
        .run(&[
            "import",
            "referrals.csv",
            "--template",
            "order_update",
            "--var",
            "header.1=A",
        ])
        .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("variable 1"), "{r:?}");
}
