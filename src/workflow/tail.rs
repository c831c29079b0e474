//! Reading an append-only JSON-lines file from its end: the journal and the
//! lead memory are only ever asked about their recent past, so the cost of
//! a read should follow that past, not the file's whole life.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

const BLOCK: u64 = 64 * 1024;

/// Calls `visit` with each line of the file, newest first, until it returns
/// false or the file's start is reached. A missing file has no lines.
/// Lines are passed whole, however long; the newline is not included.
pub fn lines_backwards(path: &Path, mut visit: impl FnMut(&[u8]) -> bool) -> io::Result<()> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut end = file.metadata()?.len();
    // The start of a line whose beginning lies in an earlier block.
    let mut cut: Vec<u8> = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let mut block = vec![0u8; (end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut block)?;
        block.extend_from_slice(&cut);
        let whole_from = if start == 0 {
            0
        } else {
            match block.iter().position(|b| *b == b'\n') {
                Some(i) => i + 1,
                None => block.len(),
            }
        };
        for line in block[whole_from..].split(|b| *b == b'\n').rev() {
            if !line.is_empty() && !visit(line) {
                return Ok(());
            }
        }
        block.truncate(whole_from);
        cut = block;
        end = start;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_newest_first_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        let mut text = Vec::new();
        let mut expected = Vec::new();
        for i in 0..5_000 {
            // Some lines longer than a block, some empty, no newline at the end.
            let line = if i % 997 == 0 {
                format!("{i}:{}", "y".repeat(150_000))
            } else {
                format!("{i}")
            };
            text.extend_from_slice(line.as_bytes());
            if i % 13 == 0 {
                text.push(b'\n');
            }
            if i != 4_999 {
                text.push(b'\n');
            }
            expected.push(line);
        }
        std::fs::write(&path, text).unwrap();
        let mut got = Vec::new();
        lines_backwards(&path, |l| {
            got.push(String::from_utf8(l.to_vec()).unwrap());
            true
        })
        .unwrap();
        expected.reverse();
        assert_eq!(got, expected);

        let mut first_three = Vec::new();
        lines_backwards(&path, |l| {
            first_three.push(l.to_vec());
            first_three.len() < 3
        })
        .unwrap();
        assert_eq!(
            first_three,
            [b"4999".to_vec(), b"4998".to_vec(), b"4997".to_vec()]
        );
        lines_backwards(&dir.path().join("none"), |_| panic!("no lines")).unwrap();
    }
}
