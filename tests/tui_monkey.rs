//! Whatever an agent or a terminal throws at the screen (any keys with any
//! modifiers, pastes of any text, mouse events anywhere, resizes down to
//! nothing), `update` and `draw` never panic and the state stays coherent.
//! Effects are not run: this is the state machine and the views alone.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use leadline::fake::{FakeOptions, FakeServer, demo_templates};
use leadline::http::RetryPolicy;
use leadline::template::Template;
use leadline::tui::UiOptions;
use leadline::tui::harness::Harness;
use leadline::tui::msg::Msg;
use leadline::workspace::Workspace;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        6 => prop::sample::select(vec!['0', '7', '+', ' ', 'a', '/', '?', 'é', '😀', '\u{202E}'])
            .prop_map(KeyCode::Char),
        2 => any::<char>().prop_map(KeyCode::Char),
        4 => prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Esc,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::F(1),
            KeyCode::Insert,
        ]),
    ]
}

fn modifiers() -> impl Strategy<Value = KeyModifiers> {
    prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    ])
}

fn paste() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("call me on ＋４４ ７９１１ １２３４５６ 📞\tthanks\nJane".to_string()),
        Just("\t\t\n\r\u{0}\u{7f}\u{1b}[31m".to_string()),
        (1usize..12_000).prop_map(|n| "9".repeat(n)),
        (1usize..3_000).prop_map(|n| "ب🙂x ".repeat(n)),
    ]
}

/// What can reach the screen from outside, as generated values.
#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Paste(String),
    Resize(u16, u16),
    Mouse(u16, u16, usize),
    Tick,
}

impl Input {
    fn message(self) -> Msg {
        match self {
            Input::Key(c, m) => Msg::Key(KeyEvent::new(c, m)),
            Input::Paste(s) => Msg::Paste(s),
            Input::Resize(w, h) => Msg::Resize(w, h),
            Input::Mouse(x, y, k) => Msg::Mouse(MouseEvent {
                kind: [
                    MouseEventKind::Down(MouseButton::Left),
                    MouseEventKind::ScrollDown,
                    MouseEventKind::ScrollUp,
                    MouseEventKind::Moved,
                ][k % 4],
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            }),
            Input::Tick => Msg::Tick,
        }
    }
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        12 => (key_code(), modifiers()).prop_map(|(c, m)| Input::Key(c, m)),
        2 => paste().prop_map(Input::Paste),
        2 => (0u16..170, 0u16..55).prop_map(|(w, h)| Input::Resize(w, h)),
        1 => (0u16..200, 0u16..60, 0usize..4).prop_map(|(x, y, k)| Input::Mouse(x, y, k)),
        1 => Just(Input::Tick),
    ]
}

#[test]
fn no_sequence_of_input_panics_the_screen() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(FakeServer::start(FakeOptions::default()))
        .unwrap();
    let _inside = rt.enter();
    let dir = tempfile::tempdir().unwrap();
    let templates: Vec<Template> = demo_templates()
        .into_iter()
        .filter_map(|v| Template::from_graph(v).ok())
        .filter(Template::is_approved)
        .collect();
    // MONKEY_CASES=2000 for a longer hunt.
    let cases = std::env::var("MONKEY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(input(), 1..70), |inputs| {
        let ws = Workspace::for_fake(&fake, dir.path().into(), RetryPolicy::fast());
        let opts = UiOptions {
            region: "GB".parse().ok(),
            mouse: true,
            ..UiOptions::default()
        };
        let mut h = Harness::new(ws, opts, 100, 30);
        h.app.picker.set_templates(templates.clone());
        h.app.ensure_vars();
        h.app.templates_status.loading = false;
        for input in inputs {
            let m = input.message();
            if let Msg::Resize(w, ht) = m {
                h.terminal.backend_mut().resize(w, ht);
                let _ = h.terminal.resize(ratatui::layout::Rect::new(0, 0, w, ht));
            }
            let _ = h.apply(m);
            h.draw();
            // Whatever happened, a valid verdict is a real E.164.
            if let Some(e164) = h.app.e164() {
                prop_assert!(e164.starts_with('+'), "{e164}");
                prop_assert!(e164[1..].bytes().all(|b| b.is_ascii_digit()), "{e164}");
            }
            prop_assert!(
                h.app.picker.selected_pos() <= h.app.picker.shown().len(),
                "selection inside the list"
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
