//! `leadline check` as a user runs it: the real binary, arguments, stdin, exit codes.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// The binary, blind to any config of the machine it runs on: `check` reads
/// `default_region` from a config when it finds one.
fn leadline() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadline"));
    cmd.env_remove("LEADLINE_CONFIG").env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join("leadline-check-tests-no-config"),
    );
    cmd
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = leadline()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run leadline");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(input);
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn all_valid_exits_0() {
    let (code, out, _) = run(
        &["check", "--region", "gb", "07400 123456", "+1 650 253 0000"],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 2);
    assert!(
        out.starts_with("07400 123456: valid +447400123456 (GB, mobile)"),
        "{out}"
    );
}

#[test]
fn any_invalid_exits_1() {
    let (code, out, _) = run(&["check", "--json", "+44 7400 123456", "+999 1"], None);
    assert_eq!(code, 1);
    let v = json_lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(
        v[0],
        serde_json::json!({"input":"+44 7400 123456","valid":true,"e164":"+447400123456",
            "region":"GB","type":"mobile","reason":null})
    );
    assert_eq!(v[1]["valid"], false);
    assert_eq!(v[1]["e164"], serde_json::Value::Null);
    assert_eq!(v[1]["region"], serde_json::Value::Null);
    assert!(
        v[1]["reason"].as_str().unwrap().contains("+999"),
        "{}",
        v[1]
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check"], None).0, 2);
    let (code, _, err) = run(&["check", "--region", "XX", "123"], None);
    assert_eq!(code, 2);
    assert!(err.contains("unknown region"), "{err}");
    assert_eq!(run(&["check", "--bogus", "123"], None).0, 2);
}

#[test]
fn stdin_in_input_order() {
    let input = "+44 7400 123456\n\n07400 123456\r\n+1 (650) 253-0000\nnot a number\n020 7031 3000";
    let (code, out, _) = run(&["check", "--json", "--region", "GB", "-"], Some(input));
    assert_eq!(code, 1);
    let v = json_lines(&out);
    let inputs: Vec<&str> = v.iter().map(|o| o["input"].as_str().unwrap()).collect();
    assert_eq!(
        inputs,
        [
            "+44 7400 123456",
            "",
            "07400 123456",
            "+1 (650) 253-0000",
            "not a number",
            "020 7031 3000"
        ]
    );
    let valid: Vec<bool> = v.iter().map(|o| o["valid"].as_bool().unwrap()).collect();
    assert_eq!(valid, [true, false, true, true, false, true]);
    assert_eq!(v[1]["reason"], "empty");
    assert_eq!(v[3]["type"], "fixed_line_or_mobile");
    assert_eq!(v[5]["type"], "fixed_line");
}

#[test]
fn arguments_and_stdin_mixed() {
    let (code, out, _) = run(
        &["check", "+44 7400 123456", "-", "+1 650 253 0000"],
        Some("+33 6 12 34 56 78\n"),
    );
    assert_eq!(code, 0, "{out}");
    let firsts: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        firsts,
        ["+44 7400 123456", "+33 6 12 34 56 78", "+1 650 253 0000"]
    );
}

#[test]
fn streams_many_lines() {
    // 100,000 lines through a pipe, read while they are written: the output keeps pace
    // with the input (nothing is collected before printing).
    let mut child = leadline()
        .args(["check", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run leadline");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let line = b"+44 7400 123456\n+1 650 253 0000\n+33 6 12 34 56 78\n+49 30 123456\n";
        for _ in 0..25_000 {
            stdin.write_all(line).expect("write");
        }
    });
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    writer.join().expect("writer");
    assert!(child.wait().expect("wait").success());
    assert_eq!(out.lines().count(), 100_000);
}

#[test]
fn national_numbers_read_in_the_config_region() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "default_region = \"GB\"\n").unwrap();
    let good = good.to_str().unwrap();
    let (code, out, _) = run(&["--config", good, "check", "07400 123456"], None);
    assert_eq!(
        (code, out.trim()),
        (0, "07400 123456: valid +447400123456 (GB, mobile)")
    );
    // --region still wins.
    let (_, out, _) = run(
        &["--config", good, "check", "--region", "ES", "612345678"],
        None,
    );
    assert!(out.contains("+34612345678"), "{out}");

    // A config named on purpose must be right.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "default_region = \"XX\"\n").unwrap();
    let (code, _, err) = run(
        &["--config", bad.to_str().unwrap(), "check", "+447400123456"],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("default_region"), "{err}");

    // One merely found at the usual place is warned about, not obeyed.
    let home = dir.path().join("xdg");
    std::fs::create_dir_all(home.join("leadline")).unwrap();
    std::fs::write(
        home.join("leadline/config.toml"),
        "default_region = \"XX\"\n",
    )
    .unwrap();
    let out = leadline()
        .env("XDG_CONFIG_HOME", &home)
        .args(["check", "+447400123456"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("without a default region"), "{err}");
}
