//! WhatsApp message templates: the Graph model, the values an agent fills in,
//! WhatsApp's rules for them, the preview and the components sent to Intercom.

mod fill;
mod model;
mod placeholder;
mod preview;
mod rules;
mod send;

pub use fill::{Slot, SlotKey, Values};
pub use model::{
    Button, ButtonKind, Category, Component, Header, MediaKind, ParameterFormat, Template,
    TemplateError, TemplatePage, parse_template_json, parse_template_list,
};
pub use placeholder::{Placeholder, placeholders};
pub use preview::{Preview, PreviewButton, Segment, preview};
pub use rules::{BODY_MAX, CODE_MAX, HEADER_MAX, RuleIssue, URL_MAX, check_values};
pub use send::send_components;
