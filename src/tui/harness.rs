//! Drives the whole app without a terminal: key events in, effects run
//! against a real workspace (the fake, over HTTP), frames drawn on ratatui's
//! TestBackend. For tests and benches.

use super::app::App;
use super::msg::{Effect, Msg};
use super::runtime::Runtime;
use super::{UiOptions, new_app, startup_effects, update, view};
use crate::workspace::Workspace;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

pub struct Harness {
    pub app: App,
    pub runtime: Runtime,
    rx: UnboundedReceiver<Msg>,
    pub terminal: Terminal<TestBackend>,
    /// What the app put on the clipboard.
    pub copied: Arc<Mutex<Vec<String>>>,
    /// Every effect `update` asked for, in order.
    pub effects: Vec<Effect>,
}

impl Harness {
    /// An app on a `width`×`height` screen over `ws`, without the start-up
    /// effects (call [`Harness::start`] for those).
    pub fn new(ws: Workspace, opts: UiOptions, width: u16, height: u16) -> Self {
        let ws = Arc::new(ws);
        let mut app = new_app(&ws, &opts);
        app.colors = false;
        app.size = (width, height);
        let (tx, rx) = unbounded_channel();
        let copied: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = copied.clone();
        let mut runtime = Runtime::new(
            ws,
            tx,
            Arc::new(move |s: &str| {
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(s.to_string())
            }),
        );
        runtime.debounce = Duration::ZERO;
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        Harness {
            app,
            runtime,
            rx,
            terminal,
            copied,
            effects: Vec::new(),
        }
    }

    /// Runs the start-up effects and waits for them.
    pub async fn start(&mut self) {
        for e in startup_effects() {
            self.effects.push(e.clone());
            self.runtime.run(e);
        }
        self.settle().await;
    }

    pub fn send(&mut self, msg: Msg) {
        for e in update::update(&mut self.app, msg) {
            self.effects.push(e.clone());
            self.runtime.run(e);
        }
    }

    /// Updates the state without running the effects it asks for (benches
    /// measure the frame path; effects run in the background anyway).
    pub fn apply(&mut self, msg: Msg) -> Vec<Effect> {
        update::update(&mut self.app, msg)
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.send(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    pub fn shift_tab(&mut self) {
        self.send(Msg::Key(KeyEvent::new(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
        )));
    }

    /// Types each character as a key press.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(Msg::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.send(Msg::Paste(text.to_string()));
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        let _ = self
            .terminal
            .resize(ratatui::layout::Rect::new(0, 0, width, height));
        self.send(Msg::Resize(width, height));
    }

    /// Processes messages until no background work is left (bounded at 30 s).
    pub async fn settle(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            while let Ok(m) = self.rx.try_recv() {
                self.send(m);
            }
            if self.runtime.in_flight() == 0 && self.rx.is_empty() {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                return;
            }
            match tokio::time::timeout(Duration::from_millis(20), self.rx.recv()).await {
                Ok(Some(m)) => self.send(m),
                Ok(None) => return,
                Err(_) => {}
            }
        }
    }

    /// Processes messages until `done(app)` holds (bounded at 10 s); background
    /// work may still be running afterwards. Returns whether it held.
    pub async fn pump_until(&mut self, done: impl Fn(&App) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.app) {
            if tokio::time::Instant::now() > deadline {
                return false;
            }
            match tokio::time::timeout(Duration::from_millis(20), self.rx.recv()).await {
                Ok(Some(m)) => self.send(m),
                Ok(None) => return done(&self.app),
                Err(_) => {}
            }
        }
        true
    }

    /// Draws a frame and returns it as text, one line per row, trailing spaces trimmed.
    pub fn screen(&mut self) -> String {
        // The clock moves before a frame, as in the real loop.
        self.app.now = std::time::Instant::now();
        let app = &mut self.app;
        self.terminal
            .draw(|f| view::draw(app, f))
            .expect("draw on the test backend");
        buffer_text(self.terminal.backend().buffer())
    }

    /// Draws one frame without reading it back (for benches).
    pub fn draw(&mut self) {
        let app = &mut self.app;
        let _ = self.terminal.draw(|f| view::draw(app, f));
    }
}

pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
