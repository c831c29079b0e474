//! The whole state of the screen. `update` changes it, `view` draws it; both
//! are plain functions of this struct, so tests drive it without a terminal.

use super::input::TextInput;
use super::keymap::Keymap;
use super::picker::Picker;
use crate::config::VariablesSection;
use crate::http::WaitReason;
use crate::intercom::Contact;
use crate::phone::{Region, Verdict};
use crate::template::{RuleIssue, Slot, SlotKey, Template, Values, check_values};
use crate::workflow::{Lookup, SendError, SendOutcome, SendRecord, Step};
use crate::workspace::Sender;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Phone,
    Name,
    Templates,
    Variable(usize),
    Send,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LookupState {
    Idle,
    Waiting {
        e164: String,
    },
    Done {
        e164: String,
        lookup: Lookup,
        at: Instant,
    },
    Failed {
        e164: String,
        error: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepStatus {
    Running { since: Instant },
    Done { took_ms: u64 },
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepLine {
    pub step: Step,
    pub text: String,
    pub status: StepStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SendState {
    Idle,
    Running {
        steps: Vec<StepLine>,
        started: Instant,
        waiting: Option<(Instant, WaitReason)>,
    },
    Done {
        steps: Vec<StepLine>,
        outcome: Box<SendOutcome>,
    },
    Failed {
        steps: Vec<StepLine>,
        error: Box<SendError>,
    },
}

impl SendState {
    pub fn is_running(&self) -> bool {
        matches!(self, SendState::Running { .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    ConfirmRepeat(Box<SendRecord>),
    PickContact {
        contacts: Vec<Contact>,
        selected: usize,
    },
    History {
        records: Vec<SendRecord>,
        filter: TextInput,
        selected: usize,
    },
    /// Sends from an earlier session whose outcome is unknown.
    Attention(Vec<SendRecord>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub level: Level,
}

/// Which part of the lead's name a variable takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromLead {
    FirstName,
    FullName,
}

/// One variable's field.
#[derive(Debug, Clone, PartialEq)]
pub struct VarField {
    pub slot: Slot,
    pub input: TextInput,
    /// Filled from the lead's name until the agent edits it.
    pub from_lead: Option<FromLead>,
    pub touched: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplatesStatus {
    pub loading: bool,
    pub error: Option<String>,
    /// The list on screen came from the cache of an earlier run.
    pub from_cache: bool,
}

/// Where things are, for the help screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub log_file: Option<PathBuf>,
}

#[derive(Debug)]
pub struct App {
    pub focus: Focus,
    /// Where the focus was when the last key or paste arrived: the first
    /// typing after the focus moves into the template filter replaces the
    /// old query, as in a text field whose content is selected on entry.
    pub focus_at_last_input: Focus,
    pub phone: TextInput,
    pub name: TextInput,
    pub verdict: Verdict,
    pub lookup: LookupState,
    pub picker: Picker,
    pub templates_status: TemplatesStatus,
    /// Variable fields per template, by (name, language): switching back keeps them.
    pub vars: HashMap<(String, String), Vec<VarField>>,
    pub send: SendState,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// Set after a send attempt, so empty fields then show "required".
    pub show_required: bool,
    pub sender: Option<Result<Sender, String>>,
    pub keymap: Keymap,
    pub region: Option<Region>,
    pub name_vars: VariablesSection,
    pub workspace_label: String,
    pub paths: Paths,
    pub size: (u16, u16),
    /// The clock the view uses for spinners and countdowns (set on every tick).
    pub now: Instant,
    pub frame: u64,
    /// Ctrl-C was pressed once while a send was in flight.
    pub quit_armed: bool,
    pub quit: bool,
    pub colors: bool,
}

impl App {
    pub fn new(keymap: Keymap, region: Option<Region>, name_vars: VariablesSection) -> Self {
        App {
            focus: Focus::Phone,
            focus_at_last_input: Focus::Phone,
            phone: TextInput::default(),
            name: TextInput::default(),
            verdict: Verdict::Empty,
            lookup: LookupState::Idle,
            picker: Picker::default(),
            templates_status: TemplatesStatus::default(),
            vars: HashMap::new(),
            send: SendState::Idle,
            overlay: None,
            notice: None,
            show_required: false,
            sender: None,
            keymap,
            region,
            name_vars,
            workspace_label: String::new(),
            paths: Paths::default(),
            size: (80, 24),
            now: Instant::now(),
            frame: 0,
            quit_armed: false,
            quit: false,
            colors: true,
        }
    }

    /// True when the next typed text replaces the filter instead of adding
    /// to it: the focus has just come to the templates, and a query is there.
    pub fn filter_replaced_on_type(&self) -> bool {
        self.focus == Focus::Templates
            && self.focus_at_last_input != Focus::Templates
            && !self.picker.filter.is_empty()
    }

    pub fn template(&self) -> Option<&Template> {
        self.picker.selected()
    }

    fn key_of(t: &Template) -> (String, String) {
        (t.name.clone(), t.language.clone())
    }

    /// The variable fields of the highlighted template, created on first use.
    pub fn ensure_vars(&mut self) {
        let Some(t) = self.picker.selected() else {
            return;
        };
        let key = App::key_of(t);
        if !self.vars.contains_key(&key) {
            let fields = t
                .slots()
                .into_iter()
                .map(|slot| {
                    let from_lead = match &slot.key {
                        SlotKey::Body(p) | SlotKey::HeaderText(p) => {
                            let label = match p.name() {
                                Some(n) => n.to_string(),
                                None => p.to_string().trim_matches(['{', '}']).to_string(),
                            };
                            // `{{1}}` says nothing of what it holds: the config can
                            // name it per template, `order_update.1` (body) or
                            // `order_update.header.1`.
                            let qualified = match &slot.key {
                                SlotKey::HeaderText(_) => format!("{}.header.{label}", t.name),
                                _ => format!("{}.{label}", t.name),
                            };
                            let mapped = |names: &[String]| {
                                names.iter().any(|n| *n == label || *n == qualified)
                            };
                            if mapped(&self.name_vars.first_name) {
                                Some(FromLead::FirstName)
                            } else if mapped(&self.name_vars.full_name) {
                                Some(FromLead::FullName)
                            } else {
                                None
                            }
                        }
                        _ => None,
                    };
                    VarField {
                        slot,
                        input: TextInput::default(),
                        from_lead,
                        touched: false,
                    }
                })
                .collect();
            self.vars.insert(key, fields);
        }
        self.sync_lead_vars();
    }

    pub fn fields(&self) -> &[VarField] {
        self.picker
            .selected()
            .and_then(|t| self.vars.get(&App::key_of(t)))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn fields_mut(&mut self) -> Option<&mut Vec<VarField>> {
        let key = self.picker.selected().map(App::key_of)?;
        self.vars.get_mut(&key)
    }

    /// After the agent edits field `i`: the untouched fields whose template
    /// example is the same (the order number in a header, the body and a
    /// button link) take its value, so it is typed once.
    pub fn fill_same_as(&mut self, i: usize) {
        let Some(fields) = self.fields_mut() else {
            return;
        };
        let Some(source) = fields.get(i) else {
            return;
        };
        if matches!(source.slot.key, SlotKey::HeaderMedia(_)) {
            return;
        }
        let Some(example) = source.slot.example.clone().filter(|e| !e.trim().is_empty()) else {
            return;
        };
        let value = source.input.value().to_string();
        for (j, f) in fields.iter_mut().enumerate() {
            if j != i
                && !f.touched
                && f.from_lead.is_none()
                && !matches!(f.slot.key, SlotKey::HeaderMedia(_))
                && f.slot.example.as_deref() == Some(example.as_str())
            {
                f.input.set(&value);
            }
        }
    }

    /// Fills name-mapped variables from the Name field, unless edited by hand.
    pub fn sync_lead_vars(&mut self) {
        let full = crate::text::one_line(self.name.value(), 200);
        let first = full.split_whitespace().next().unwrap_or("").to_string();
        for fields in self.vars.values_mut() {
            for f in fields.iter_mut().filter(|f| !f.touched) {
                match f.from_lead {
                    Some(FromLead::FirstName) => {
                        f.input.set(&first);
                    }
                    Some(FromLead::FullName) => {
                        f.input.set(&full);
                    }
                    None => {}
                }
            }
        }
    }

    pub fn values(&self) -> Values {
        let mut v = Values::default();
        for f in self.fields() {
            v.set(f.slot.key.clone(), f.input.value());
        }
        v
    }

    pub fn issues(&self) -> Vec<RuleIssue> {
        match self.template() {
            Some(t) => check_values(t, &self.values()),
            None => Vec::new(),
        }
    }

    pub fn e164(&self) -> Option<&str> {
        match &self.verdict {
            Verdict::Valid(v) => Some(&v.e164),
            _ => None,
        }
    }

    /// The focus order Tab walks through.
    pub fn focus_order(&self) -> Vec<Focus> {
        let mut order = vec![Focus::Phone, Focus::Name, Focus::Templates];
        order.extend((0..self.fields().len()).map(Focus::Variable));
        order.push(Focus::Send);
        order
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            level,
        });
    }

    /// True while something on screen moves (spinner, countdown).
    pub fn animating(&self) -> bool {
        self.send.is_running()
            || matches!(self.lookup, LookupState::Waiting { .. })
            || self.templates_status.loading
            || self.sender.is_none()
    }
}
