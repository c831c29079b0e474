//! The terminal face of leadline: one loop where terminal events and finished
//! background work arrive as messages; `update` changes the state and returns
//! effects; effects run as tasks; `draw` renders when the queue is empty.

pub mod app;
pub mod clipboard;
pub mod harness;
pub mod input;
pub mod keymap;
pub mod msg;
pub mod picker;
pub mod runtime;
mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use crate::config::VariablesSection;
use crate::phone::Region;
use crate::workspace::Workspace;
use app::{App, Paths};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use keymap::Keymap;
use msg::{Effect, Msg};
use runtime::Runtime;
use std::sync::Arc;
use std::time::Duration;

/// How the screen behaves. The default: built-in keys, no default region,
/// the usual name variables, no mouse.
#[derive(Default)]
pub struct UiOptions {
    pub keymap: Keymap,
    pub region: Option<Region>,
    pub variables: VariablesSection,
    pub mouse: bool,
    pub paths: Paths,
}

/// A ready-to-draw app for `ws`: the cached templates are already on it, so
/// the first frame shows them without waiting for the network.
pub fn new_app(ws: &Workspace, opts: &UiOptions) -> App {
    let mut app = App::new(opts.keymap.clone(), opts.region, opts.variables.clone());
    app.colors = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    app.workspace_label = ws.label.clone();
    app.paths = opts.paths.clone();
    if let Some(cached) = runtime::load_cache(ws) {
        app.picker.set_templates(cached);
        app.templates_status.from_cache = true;
        app.ensure_vars();
    }
    app.templates_status.loading = true;
    app
}

/// What the app asks for as soon as it starts (after the first frame).
pub fn startup_effects() -> Vec<Effect> {
    vec![
        Effect::LoadSender,
        Effect::LoadTemplates,
        Effect::LoadHistory { at_start: true },
    ]
}

pub async fn run(ws: Workspace, opts: UiOptions) -> std::io::Result<()> {
    let ws = Arc::new(ws);
    let mut app = new_app(&ws, &opts);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(ws, tx.clone(), Arc::new(clipboard::copy_to_terminal));
    // The phone metadata loads off the first keystroke's path.
    std::thread::spawn(crate::phone::warm_up);

    let mut term = terminal::enter(opts.mouse)?;
    let size = term.size()?;
    app.size = (size.width, size.height);
    term.draw(|f| view::draw(&mut app, f))?;
    for e in startup_effects() {
        rt.run(e);
    }

    let events_tx = tx.clone();
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let msg = match event {
                Ok(Event::Key(k)) => Msg::Key(k),
                Ok(Event::Paste(s)) => Msg::Paste(s),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "terminal input failed");
                    break;
                }
            };
            if events_tx.send(msg).is_err() {
                break;
            }
        }
    });

    let mut tick = tokio::time::interval(Duration::from_millis(80));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        let first = tokio::select! {
            m = rx.recv() => m,
            _ = tick.tick(), if app.animating() => Some(Msg::Tick),
        };
        let Some(first) = first else { break Ok(()) };
        let mut next = Some(first);
        // Drain everything queued, then draw once.
        while let Some(m) = next {
            for effect in update::update(&mut app, m) {
                rt.run(effect);
            }
            next = rx.try_recv().ok();
        }
        if app.quit {
            break Ok(());
        }
        app.now = std::time::Instant::now();
        if let Err(e) = term.draw(|f| view::draw(&mut app, f)) {
            break Err(e);
        }
    };
    terminal::leave();
    result
}
