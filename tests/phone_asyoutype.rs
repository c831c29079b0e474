//! As-you-type formatting against libphonenumber's AsYouTypeFormatter 9.0.33: the
//! output after every keystroke (tests/fixtures/phone/asyoutype.jsonl).

use leadline::phone::asyoutype::outputs_per_keystroke;

const SEQUENCES: &str = include_str!("fixtures/phone/asyoutype.jsonl");

#[test]
fn every_keystroke_agrees_with_libphonenumber() {
    let mut total = 0;
    let mut bad = Vec::new();
    for line in SEQUENCES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let region = v[0].as_str().expect("region");
        let keys = v[1].as_str().expect("keys");
        let want: Vec<String> = v[2]
            .as_array()
            .expect("outputs")
            .iter()
            .map(|o| o.as_str().expect("output").to_string())
            .collect();
        total += 1;
        let got = outputs_per_keystroke(keys, region);
        if got != want {
            bad.push(format!("{region} {keys}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(total > 1000, "sequences missing");
    if !bad.is_empty() {
        panic!(
            "{} of {total} sequences disagree:\n{}",
            bad.len(),
            bad.iter().take(15).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}
