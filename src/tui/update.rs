//! `update(app, msg) -> effects`: every change of state, and nothing else.
//! No I/O here; what needs the network or a file comes back as an [`Effect`].

use super::app::{App, Focus, Level, LookupState, Overlay, SendState, StepLine, StepStatus};
use super::input::TextInput;
use super::keymap::{Action, Key};
use super::msg::{Effect, Msg};
use crate::phone::{self, Verdict};
use crate::workflow::{LeadPlan, Lookup, Progress, SendError, SendRequest, Step};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use std::time::{Duration, Instant};

/// A lookup older than this is not trusted to mean "no contact": search again on send.
const FRESH_LOOKUP: Duration = Duration::from_secs(120);

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind != KeyEventKind::Release => on_key(app, k),
        Msg::Key(_) => Vec::new(),
        Msg::Paste(text) => on_paste(app, &text),
        Msg::Mouse(m) => on_mouse(app, m.kind),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            Vec::new()
        }
        Msg::Tick => {
            app.now = Instant::now();
            app.frame = app.frame.wrapping_add(1);
            Vec::new()
        }
        Msg::SenderLoaded(r) => {
            if let Err(e) = &r {
                app.notify(Level::Error, format!("✗ {e}"));
            }
            app.sender = Some(r);
            Vec::new()
        }
        Msg::TemplatesLoaded(r) => {
            app.templates_status.loading = false;
            match r {
                Ok(list) => {
                    app.templates_status.error = None;
                    app.templates_status.from_cache = false;
                    app.picker.set_templates(list);
                    app.ensure_vars();
                }
                Err(e) => {
                    app.notify(Level::Error, format!("✗ templates: {e}"));
                    app.templates_status.error = Some(e);
                }
            }
            Vec::new()
        }
        Msg::LookupDone { e164, result } => {
            if app.e164() == Some(e164.as_str()) {
                app.lookup = match result {
                    Ok(lookup) => LookupState::Done {
                        e164,
                        lookup,
                        at: Instant::now(),
                    },
                    Err(error) => LookupState::Failed { e164, error },
                };
            }
            Vec::new()
        }
        Msg::SendProgress(p) => {
            on_progress(app, p);
            Vec::new()
        }
        Msg::SendDone(r) => on_send_done(app, r),
        Msg::HistoryLoaded { result, at_start } => {
            match result {
                Ok(records) if at_start => {
                    let open: Vec<_> = records
                        .into_iter()
                        .filter(|r| r.status.needs_attention())
                        .collect();
                    if !open.is_empty() && app.overlay.is_none() {
                        app.overlay = Some(Overlay::Attention(open));
                    }
                }
                Ok(mut records) => {
                    records.reverse();
                    app.overlay = Some(Overlay::History {
                        records,
                        filter: TextInput::default(),
                        selected: 0,
                    });
                }
                Err(e) => app.notify(Level::Error, format!("✗ journal: {e}")),
            }
            Vec::new()
        }
    }
}

fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let key = Key::from_event(&k);
    let action = app.keymap.action(&key);
    if action == Some(Action::Quit) {
        return quit(app);
    }
    app.quit_armed = false;
    if app.overlay.is_some() {
        return overlay_key(app, &key, action);
    }
    let replace_filter = app.filter_replaced_on_type();
    app.focus_at_last_input = app.focus;
    // Printable keys and editing keys go to the focused text field first.
    if let Some(c) = key.printable()
        && is_text_focus(app.focus)
    {
        let mut s = [0u8; 4];
        return edit(app, |t| {
            if replace_filter {
                t.clear();
            }
            t.insert(c.encode_utf8(&mut s));
        });
    }
    if is_text_focus(app.focus)
        && let Some(effects) = editing_key(app, &key)
    {
        return effects;
    }
    match action {
        Some(a) => act(app, a),
        None => match key.code {
            KeyCode::PageDown if app.focus == Focus::Templates => {
                app.picker.page(5, true);
                after_template_move(app)
            }
            KeyCode::PageUp if app.focus == Focus::Templates => {
                app.picker.page(5, false);
                after_template_move(app)
            }
            _ => Vec::new(),
        },
    }
}

fn is_text_focus(f: Focus) -> bool {
    !matches!(f, Focus::Send)
}

/// Backspace, Delete, arrows, Home/End, Ctrl-W/U/A/E in a text field.
fn editing_key(app: &mut App, key: &Key) -> Option<Vec<Effect>> {
    let ctrl = key.mods.contains(KeyModifiers::CONTROL);
    let alt = key.mods.contains(KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Backspace if ctrl || alt => edit(app, TextInput::delete_word),
        KeyCode::Backspace => edit(app, TextInput::backspace),
        KeyCode::Delete => edit(app, TextInput::delete),
        KeyCode::Char('w') if ctrl => edit(app, TextInput::delete_word),
        KeyCode::Char('u') if ctrl => edit(app, TextInput::delete_to_start),
        KeyCode::Left => move_cursor(app, TextInput::left),
        KeyCode::Right => move_cursor(app, TextInput::right),
        KeyCode::Home => move_cursor(app, TextInput::home),
        KeyCode::End => move_cursor(app, TextInput::end),
        KeyCode::Char('a') if ctrl => move_cursor(app, TextInput::home),
        KeyCode::Char('e') if ctrl => move_cursor(app, TextInput::end),
        _ => return None,
    })
}

fn focused_input(app: &mut App) -> Option<&mut TextInput> {
    match app.focus {
        Focus::Phone => Some(&mut app.phone),
        Focus::Name => Some(&mut app.name),
        Focus::Templates => Some(&mut app.picker.filter),
        Focus::Variable(i) => app.fields_mut()?.get_mut(i).map(|f| &mut f.input),
        Focus::Send => None,
    }
}

fn move_cursor(app: &mut App, f: impl FnOnce(&mut TextInput)) -> Vec<Effect> {
    if let Some(t) = focused_input(app) {
        f(t);
    }
    Vec::new()
}

/// Applies an edit to the focused field and everything that follows from it.
fn edit(app: &mut App, f: impl FnOnce(&mut TextInput)) -> Vec<Effect> {
    let Some(t) = focused_input(app) else {
        return Vec::new();
    };
    let before = t.value().to_string();
    f(t);
    if t.value() == before {
        return Vec::new();
    }
    after_edit(app)
}

fn after_edit(app: &mut App) -> Vec<Effect> {
    // An edit after a finished send starts a new one.
    if matches!(app.send, SendState::Done { .. } | SendState::Failed { .. }) {
        app.send = SendState::Idle;
    }
    if app.notice.as_ref().is_some_and(|n| n.level != Level::Info) {
        app.notice = None;
    }
    match app.focus {
        Focus::Phone => phone_changed(app),
        Focus::Name => {
            app.sync_lead_vars();
            Vec::new()
        }
        Focus::Templates => {
            app.picker.refilter();
            app.ensure_vars();
            Vec::new()
        }
        Focus::Variable(i) => {
            if let Some(f) = app.fields_mut().and_then(|f| f.get_mut(i)) {
                f.touched = true;
            }
            app.fill_same_as(i);
            Vec::new()
        }
        Focus::Send => Vec::new(),
    }
}

/// New verdict on every keystroke; a valid number is looked up in the background.
fn phone_changed(app: &mut App) -> Vec<Effect> {
    app.verdict = phone::check(app.phone.value(), app.region);
    let current = app.e164().map(str::to_string);
    let looked_up = match &app.lookup {
        LookupState::Waiting { e164 }
        | LookupState::Done { e164, .. }
        | LookupState::Failed { e164, .. } => Some(e164.clone()),
        LookupState::Idle => None,
    };
    match current {
        Some(e164) if looked_up.as_deref() != Some(e164.as_str()) => {
            app.lookup = LookupState::Waiting { e164: e164.clone() };
            vec![Effect::Lookup { e164 }]
        }
        Some(_) => Vec::new(),
        None => {
            let was_waiting = matches!(app.lookup, LookupState::Waiting { .. });
            app.lookup = LookupState::Idle;
            if was_waiting {
                vec![Effect::CancelLookup]
            } else {
                Vec::new()
            }
        }
    }
}

fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    if let Some(Overlay::History {
        filter, selected, ..
    }) = &mut app.overlay
    {
        filter.insert(&crate::text::one_line(text, 200));
        *selected = 0;
        return Vec::new();
    }
    if app.overlay.is_some() || !is_text_focus(app.focus) {
        return Vec::new();
    }
    // Names and filters are one line; the phone field reads the number out of
    // whatever was pasted; variables keep what was pasted so the rules can say what is wrong.
    let text = match app.focus {
        Focus::Name | Focus::Templates => text.replace(['\r', '\n', '\t'], " "),
        Focus::Phone => text.replace(['\r', '\n', '\t'], " "),
        _ => text.to_string(),
    };
    let replace_filter = app.filter_replaced_on_type();
    app.focus_at_last_input = app.focus;
    let mut whole = true;
    let effects = edit(app, |t| {
        if replace_filter {
            t.clear();
        }
        whole = t.insert(&text)
    });
    if !whole {
        app.notify(
            Level::Warn,
            format!(
                "⚠ the paste was cut to {} characters",
                super::input::MAX_CHARS
            ),
        );
    }
    effects
}

fn on_mouse(app: &mut App, kind: MouseEventKind) -> Vec<Effect> {
    if app.overlay.is_some() {
        return Vec::new();
    }
    match kind {
        MouseEventKind::ScrollDown => {
            app.picker.down();
            after_template_move(app)
        }
        MouseEventKind::ScrollUp => {
            app.picker.up();
            after_template_move(app)
        }
        _ => Vec::new(),
    }
}

fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::NextField => {
            cycle_focus(app, true);
            Vec::new()
        }
        Action::PrevField => {
            cycle_focus(app, false);
            Vec::new()
        }
        Action::Up | Action::Down => {
            let down = action == Action::Down;
            match app.focus {
                Focus::Templates => {
                    if down {
                        app.picker.down()
                    } else {
                        app.picker.up()
                    }
                    return after_template_move(app);
                }
                Focus::Variable(_) | Focus::Send | Focus::Name | Focus::Phone => {
                    cycle_focus(app, down)
                }
            }
            Vec::new()
        }
        Action::Accept => match app.focus {
            Focus::Send => try_send(app, false),
            Focus::Templates if app.template().is_none() => Vec::new(),
            _ => {
                cycle_focus(app, true);
                Vec::new()
            }
        },
        Action::FocusFilter => {
            app.focus = Focus::Templates;
            Vec::new()
        }
        Action::Send => try_send(app, false),
        Action::NextLead => next_lead(app),
        Action::RefreshTemplates => {
            if app.templates_status.loading {
                return Vec::new();
            }
            app.templates_status.loading = true;
            vec![Effect::LoadTemplates]
        }
        Action::CopyLink => match &app.send {
            SendState::Done { outcome, .. } => match &outcome.link {
                Some(link) => {
                    let link = link.clone();
                    app.notify(Level::Info, "✓ inbox link copied to the clipboard");
                    vec![Effect::Copy(link)]
                }
                None => {
                    app.notify(
                        Level::Warn,
                        "⚠ no inbox link yet: Intercom opens the conversation when the lead replies",
                    );
                    Vec::new()
                }
            },
            _ => {
                app.notify(Level::Info, "nothing to copy yet: send first");
                Vec::new()
            }
        },
        Action::History => vec![Effect::LoadHistory { at_start: false }],
        Action::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Action::Cancel => {
            if app.send.is_running() {
                app.notify(Level::Warn, "⚠ cancelling the send…");
                return vec![Effect::CancelSend];
            }
            if app.notice.is_some() {
                app.notice = None;
            } else if app.focus == Focus::Templates && !app.picker.filter.is_empty() {
                app.picker.filter.clear();
                app.picker.refilter();
                app.ensure_vars();
            }
            Vec::new()
        }
        Action::Quit => quit(app),
    }
}

fn quit(app: &mut App) -> Vec<Effect> {
    if app.send.is_running() && !app.quit_armed {
        app.quit_armed = true;
        app.notify(
            Level::Warn,
            "⚠ a send is in flight: press Ctrl-C again to quit anyway (the journal keeps it)",
        );
        return Vec::new();
    }
    app.quit = true;
    Vec::new()
}

fn cycle_focus(app: &mut App, forward: bool) {
    let order = app.focus_order();
    let at = order.iter().position(|f| *f == app.focus).unwrap_or(0);
    let n = order.len();
    app.focus = order[if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    }];
}

fn after_template_move(app: &mut App) -> Vec<Effect> {
    app.ensure_vars();
    if matches!(app.send, SendState::Done { .. } | SendState::Failed { .. }) {
        app.send = SendState::Idle;
    }
    Vec::new()
}

/// Ctrl-N: a new lead; the template and the values not taken from the lead stay.
fn next_lead(app: &mut App) -> Vec<Effect> {
    if app.send.is_running() {
        app.notify(
            Level::Warn,
            "⚠ wait for the send to finish (or Esc to cancel it)",
        );
        return Vec::new();
    }
    let was_waiting = matches!(app.lookup, LookupState::Waiting { .. });
    app.phone.clear();
    app.name.clear();
    app.verdict = Verdict::Empty;
    app.lookup = LookupState::Idle;
    app.send = SendState::Idle;
    app.notice = None;
    app.show_required = false;
    for fields in app.vars.values_mut() {
        for f in fields.iter_mut().filter(|f| f.from_lead.is_some()) {
            f.touched = false;
            f.input.clear();
        }
    }
    app.focus = Focus::Phone;
    if was_waiting {
        vec![Effect::CancelLookup]
    } else {
        Vec::new()
    }
}

fn try_send(app: &mut App, confirmed_repeat: bool) -> Vec<Effect> {
    if app.send.is_running() {
        app.notify(Level::Info, "already sending…");
        return Vec::new();
    }
    let e164 = match &app.verdict {
        Verdict::Valid(v) => v.e164.clone(),
        Verdict::Empty => {
            return refuse(
                app,
                Focus::Phone,
                "✗ cannot send yet: type the lead's phone number",
            );
        }
        Verdict::Incomplete { reason } => {
            let text = format!("✗ cannot send: the number is incomplete ({reason})");
            return refuse(app, Focus::Phone, &text);
        }
        Verdict::Invalid { reason } => {
            let text = format!("✗ cannot send: the number is not valid ({reason})");
            return refuse(app, Focus::Phone, &text);
        }
    };
    let Some(template) = app.template().cloned() else {
        return refuse(app, Focus::Templates, "✗ cannot send yet: pick a template");
    };
    let issues = app.issues();
    if let Some(first) = issues.first() {
        app.show_required = true;
        let pos = first
            .slot
            .as_ref()
            .and_then(|k| app.fields().iter().position(|f| &f.slot.key == k));
        let label = pos
            .and_then(|p| app.fields().get(p))
            .map(|f| f.slot.label.clone());
        let text = match label {
            Some(l) => format!("✗ cannot send yet: {l}: {}", first.message),
            None => format!("✗ cannot send yet: {}", first.message),
        };
        return refuse(app, pos.map(Focus::Variable).unwrap_or(Focus::Send), &text);
    }
    let lead = match &app.lookup {
        LookupState::Done {
            e164: e,
            lookup,
            at,
        } if *e == e164 => match lookup {
            Lookup::Existing(k) => LeadPlan::Known(k.clone()),
            Lookup::New if at.elapsed() < FRESH_LOOKUP => LeadPlan::Create,
            Lookup::New => LeadPlan::LookUp,
            Lookup::Several(list) => {
                app.overlay = Some(Overlay::PickContact {
                    contacts: list.clone(),
                    selected: 0,
                });
                return Vec::new();
            }
        },
        _ => LeadPlan::LookUp,
    };
    let name = crate::text::one_line(app.name.value(), 200);
    let req = SendRequest {
        phone: e164,
        name: (!name.is_empty()).then_some(name),
        lead,
        values: app.values(),
        template,
        confirmed_repeat,
    };
    start_send(app, req)
}

fn start_send(app: &mut App, req: SendRequest) -> Vec<Effect> {
    app.notice = None;
    app.send = SendState::Running {
        steps: Vec::new(),
        started: Instant::now(),
        waiting: None,
    };
    app.focus = Focus::Send;
    vec![Effect::Send(Box::new(req))]
}

fn refuse(app: &mut App, focus: Focus, text: &str) -> Vec<Effect> {
    app.focus = focus;
    app.notify(Level::Error, text);
    Vec::new()
}

fn on_progress(app: &mut App, p: Progress) {
    let SendState::Running { steps, waiting, .. } = &mut app.send else {
        return;
    };
    let now = Instant::now();
    let finish_running = |steps: &mut Vec<StepLine>, step: Step| {
        if let Some(line) = steps
            .iter_mut()
            .rev()
            .find(|l| l.step == step && matches!(l.status, StepStatus::Running { .. }))
            && let StepStatus::Running { since } = line.status
        {
            line.status = StepStatus::Done {
                took_ms: since.elapsed().as_millis() as u64,
            };
        }
    };
    match p {
        Progress::Journaled { .. } => {}
        Progress::Started { step, detail } => {
            *waiting = None;
            finish_running(steps, step);
            steps.push(StepLine {
                step,
                text: detail,
                status: StepStatus::Running { since: now },
            });
        }
        Progress::Done { step, detail } => {
            *waiting = None;
            let since = steps
                .iter()
                .rev()
                .find(|l| l.step == step)
                .and_then(|l| match l.status {
                    StepStatus::Running { since } => Some(since),
                    _ => None,
                });
            steps.retain(|l| !(l.step == step && matches!(l.status, StepStatus::Running { .. })));
            steps.push(StepLine {
                step,
                text: detail,
                status: StepStatus::Done {
                    took_ms: since.map(|s| s.elapsed().as_millis() as u64).unwrap_or(0),
                },
            });
        }
        Progress::Waiting { until, reason, .. } => *waiting = Some((until, reason)),
    }
}

fn on_send_done(app: &mut App, r: Result<crate::workflow::SendOutcome, SendError>) -> Vec<Effect> {
    let mut steps = match std::mem::replace(&mut app.send, SendState::Idle) {
        SendState::Running { steps, .. } => steps,
        _ => Vec::new(),
    };
    match r {
        Ok(outcome) => {
            // The lead exists now: a second send to this number needs no lookup.
            if let Some(e164) = app.e164().map(str::to_string) {
                app.lookup = LookupState::Done {
                    e164,
                    lookup: Lookup::Existing(crate::workflow::KnownLead {
                        created_now: false,
                        ..outcome.lead.clone()
                    }),
                    at: Instant::now(),
                };
            }
            app.send = SendState::Done {
                steps,
                outcome: Box::new(outcome),
            };
            app.show_required = false;
            Vec::new()
        }
        Err(SendError::Repeat(previous)) => {
            app.overlay = Some(Overlay::ConfirmRepeat(previous));
            Vec::new()
        }
        Err(SendError::Several(contacts)) => {
            app.overlay = Some(Overlay::PickContact {
                contacts,
                selected: 0,
            });
            Vec::new()
        }
        Err(SendError::Invalid(issues)) => {
            app.show_required = true;
            let text = issues
                .first()
                .map(|i| format!("✗ cannot send yet: {}", i.message))
                .unwrap_or_default();
            app.notify(Level::Error, text);
            Vec::new()
        }
        Err(error) => {
            for line in steps.iter_mut() {
                if matches!(line.status, StepStatus::Running { .. }) {
                    line.status = StepStatus::Failed;
                }
            }
            app.send = SendState::Failed {
                steps,
                error: Box::new(error),
            };
            Vec::new()
        }
    }
}

fn overlay_key(app: &mut App, key: &Key, action: Option<Action>) -> Vec<Effect> {
    let Some(overlay) = app.overlay.take() else {
        return Vec::new();
    };
    let close = matches!(action, Some(Action::Cancel));
    match overlay {
        Overlay::Help { scroll } => {
            // Arrows scroll; any other key closes help.
            let scroll = match key.code {
                KeyCode::Up => scroll.saturating_sub(1),
                KeyCode::Down => scroll.saturating_add(1),
                KeyCode::PageUp => scroll.saturating_sub(10),
                KeyCode::PageDown => scroll.saturating_add(10),
                _ => return Vec::new(),
            };
            app.overlay = Some(Overlay::Help { scroll });
            Vec::new()
        }
        Overlay::ConfirmRepeat(previous) => {
            let yes = matches!(
                key.code,
                KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y')
            ) || action == Some(Action::Send);
            if yes {
                return try_send(app, true);
            }
            if !close && !matches!(key.code, KeyCode::Char('n') | KeyCode::Char('N')) {
                app.overlay = Some(Overlay::ConfirmRepeat(previous));
            } else {
                app.notify(Level::Info, "not sent again");
            }
            Vec::new()
        }
        Overlay::PickContact {
            contacts,
            mut selected,
        } => {
            if close {
                app.notify(Level::Info, "not sent: no contact picked");
                return Vec::new();
            }
            match key.code {
                KeyCode::Up => selected = selected.saturating_sub(1),
                KeyCode::Down => selected = (selected + 1).min(contacts.len().saturating_sub(1)),
                KeyCode::Enter => {
                    if let Some(c) = contacts.get(selected) {
                        let known = crate::workflow::KnownLead::from_contact(c, false);
                        if let Some(e164) = app.e164().map(str::to_string) {
                            app.lookup = LookupState::Done {
                                e164,
                                lookup: Lookup::Existing(known),
                                at: Instant::now(),
                            };
                        }
                        return try_send(app, false);
                    }
                }
                _ => {}
            }
            app.overlay = Some(Overlay::PickContact { contacts, selected });
            Vec::new()
        }
        Overlay::History {
            records,
            mut filter,
            mut selected,
        } => {
            if close || action == Some(Action::History) {
                return Vec::new();
            }
            let mut effects = Vec::new();
            match key.code {
                KeyCode::Up => selected = selected.saturating_sub(1),
                KeyCode::Down => selected += 1,
                KeyCode::Backspace => {
                    filter.backspace();
                    selected = 0;
                }
                KeyCode::Enter => {
                    let shown = super::view::history_matches(&records, filter.value());
                    if let Some(link) = shown.get(selected).and_then(|r| r.link.clone()) {
                        app.notify(Level::Info, "✓ inbox link copied to the clipboard");
                        effects.push(Effect::Copy(link));
                    }
                }
                _ => {
                    if let Some(c) = key.printable() {
                        let mut s = [0u8; 4];
                        filter.insert(c.encode_utf8(&mut s));
                        selected = 0;
                    }
                }
            }
            let count = super::view::history_matches(&records, filter.value()).len();
            selected = selected.min(count.saturating_sub(1));
            app.overlay = Some(Overlay::History {
                records,
                filter,
                selected,
            });
            effects
        }
        Overlay::Attention(records) => {
            if matches!(key.code, KeyCode::Enter) {
                app.notify(Level::Info, "✓ marked as checked in the journal");
                return vec![Effect::MarkChecked(
                    records.iter().map(|r| r.send_id.clone()).collect(),
                )];
            }
            if !close {
                app.overlay = Some(Overlay::Attention(records));
            }
            Vec::new()
        }
    }
}
