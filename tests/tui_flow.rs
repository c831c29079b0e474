//! The whole app driven by key events on a TestBackend, against the fake
//! workspace over real HTTP: what the agent sees and what Intercom receives.

mod common;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use serde_json::json;

#[tokio::test]
async fn a_new_lead_gets_its_template_then_a_second_send_reuses_it() {
    let w = common::world().await;
    let mut h = w.harness(120, 40);
    h.start().await;
    assert_snapshot!("start_120x40", common::stable(&h.screen()));

    h.type_text("07911 123456");
    h.settle().await;
    h.key(KeyCode::Tab);
    h.type_text("Jane Doe");
    h.key(KeyCode::Tab);
    h.type_text("order");
    h.key(KeyCode::Enter);
    // The order number is typed once: the body's {{2}} and the button link
    // share its example, so they take it; the agent Tabs past them.
    for value in ["A-10482", "Jane", "", "Friday", ""] {
        h.type_text(value);
        h.key(KeyCode::Tab);
    }
    assert_snapshot!("filled_new_lead", common::stable(&h.screen()));

    h.ctrl('s');
    h.settle().await;
    assert_snapshot!("sent_new_lead", common::stable(&h.screen()));

    let contacts = w.fake.contacts();
    let created: Vec<_> = contacts
        .iter()
        .filter(|c| c.formatted_phone.as_deref() == Some("+447911123456"))
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].role, "lead");
    assert_eq!(created[0].name.as_deref(), Some("Jane Doe"));
    let messages = w.fake.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(
        (m.template.as_str(), m.locale.as_str()),
        ("order_update", "en_US")
    );
    assert_eq!(m.contact_id, created[0].id);
    assert_eq!(m.to, json!({"type": "lead", "id": created[0].id}));
    assert_eq!(
        m.components,
        json!([
            {"type": "header", "parameters": [{"type": "text", "text": "A-10482"}]},
            {"type": "body", "parameters": [
                {"type": "text", "text": "Jane"},
                {"type": "text", "text": "A-10482"},
                {"type": "text", "text": "Friday"}]},
            {"type": "button", "sub_type": "url", "index": "0",
             "parameters": [{"type": "text", "text": "A-10482"}]}
        ])
    );

    // The link goes to the clipboard.
    h.ctrl('y');
    assert_eq!(h.copied.lock().unwrap().len(), 1);
    assert!(h.copied.lock().unwrap()[0].contains("/inbox/conversation/"));

    // The same template again asks first, then reuses the lead.
    h.ctrl('s');
    h.settle().await;
    assert_snapshot!("confirm_repeat", common::stable(&h.screen()));
    h.key(KeyCode::Enter);
    h.settle().await;
    assert_eq!(w.fake.messages().len(), 2);
    let again: Vec<_> = w
        .fake
        .contacts()
        .into_iter()
        .filter(|c| c.formatted_phone.as_deref() == Some("+447911123456"))
        .collect();
    assert_eq!(again.len(), 1, "the second send reused the lead");
}

#[tokio::test]
async fn nothing_is_sent_without_a_valid_number_and_every_variable() {
    let w = common::world().await;
    let mut h = w.harness(120, 40);
    h.start().await;
    h.type_text("+44 12");
    h.ctrl('s');
    assert_snapshot!("refused_incomplete_number", common::stable(&h.screen()));
    h.ctrl('u');
    h.type_text("+44 7911 123456");
    h.settle().await;
    h.ctrl('s');
    assert_snapshot!("refused_missing_variable", common::stable(&h.screen()));
    h.settle().await;
    assert!(w.fake.messages().is_empty());
    assert_eq!(w.fake.contacts().len(), 4, "only the demo's contacts");
}

#[tokio::test]
async fn a_failed_call_shows_the_error_and_keeps_the_form_for_a_retry() {
    let w = common::world().await;
    let mut h = w.harness(120, 40);
    h.start().await;
    h.type_text("07400 123456");
    h.settle().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("callback");
    h.key(KeyCode::Enter);
    h.type_text("Priya");
    w.fake.script(
        leadline::fake::Endpoint::Message,
        [leadline::fake::Fault::Code(
            403,
            "api_plan_restricted".into(),
        )],
    );
    h.ctrl('s');
    h.settle().await;
    let screen = common::stable(&h.screen());
    assert_snapshot!("failed_plan_restricted", screen);
    assert!(w.fake.messages().is_empty());
    // Same keys again: it goes through, to the existing lead.
    h.ctrl('s');
    h.settle().await;
    assert_eq!(w.fake.messages().len(), 1);
    assert_eq!(w.fake.messages()[0].contact_id, "6762f0dd1bb69f9f2193bb83");
}

#[tokio::test]
async fn the_name_fills_a_positional_variable_the_config_names_per_template() {
    use leadline::config::VariablesSection;
    use leadline::tui::UiOptions;
    use leadline::tui::harness::Harness;

    let w = common::world().await;
    let mut variables = VariablesSection::default();
    variables.first_name.push("order_update.1".into());
    let opts = UiOptions {
        region: "GB".parse().ok(),
        variables,
        ..UiOptions::default()
    };
    let mut h = Harness::new(w.workspace(), opts, 120, 40);
    h.start().await;
    h.type_text("+34 612 345 680");
    h.key(KeyCode::Tab);
    h.type_text("Ana Ruiz");
    h.key(KeyCode::Tab);
    h.type_text("order");
    h.key(KeyCode::Enter);
    let fields: Vec<(String, String)> = h
        .app
        .fields()
        .iter()
        .map(|f| (f.slot.label.clone(), f.input.value().to_string()))
        .collect();
    // The body's {{1}} is the first name; the header's {{1}} (an order number) is not.
    assert_eq!(fields[0], ("header {{1}}".to_string(), String::new()));
    assert_eq!(fields[1], ("{{1}}".to_string(), "Ana".to_string()));
    assert!(fields[2..].iter().all(|(_, v)| v.is_empty()), "{fields:?}");
}

#[tokio::test]
async fn a_value_shared_by_examples_is_typed_once_and_an_edited_field_keeps_its_own() {
    let w = common::world().await;
    let mut h = w.harness(120, 40);
    h.start().await;
    h.type_text("+34 612 345 681");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("order");
    h.key(KeyCode::Enter);
    let values = |h: &leadline::tui::harness::Harness| -> Vec<String> {
        h.app
            .fields()
            .iter()
            .map(|f| f.input.value().to_string())
            .collect()
    };
    h.type_text("A-1");
    // header {{1}}, body {{1}}, {{2}}, {{3}}, button: the order number shows three times.
    assert_eq!(values(&h), ["A-1", "", "A-1", "", "A-1"]);

    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("9");
    h.shift_tab();
    h.shift_tab();
    h.type_text("2");
    assert_eq!(values(&h), ["A-12", "", "A-19", "", "A-12"]);
}

#[tokio::test]
async fn the_highlighted_template_is_marked_across_its_whole_row() {
    use ratatui::style::Modifier;
    let w = common::world().await;
    let mut h = w.harness(120, 40);
    h.start().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("rem");
    let screen = h.screen();
    let y = screen
        .lines()
        .position(|l| l.contains("› appointment_reminder"))
        .expect("the highlighted row") as u16;
    let line: Vec<char> = screen.lines().nth(y as usize).unwrap().chars().collect();
    let start = line.iter().position(|&c| c == '›').unwrap() as u16;
    let end = start
        + line[start as usize..]
            .iter()
            .position(|&c| c == '│')
            .unwrap() as u16;
    let buf = h.terminal.backend().buffer();
    for x in start..end {
        assert!(
            buf[(x, y)].modifier.contains(Modifier::REVERSED),
            "column {x} of the highlighted row is not marked"
        );
    }
}

#[tokio::test]
async fn coming_back_to_the_filter_typing_starts_a_new_query_and_editing_keys_keep_it() {
    let w = common::world().await;
    let mut h = w.harness(120, 40);
    h.start().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("callback");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.template().unwrap().name, "callback_request");

    // The next lead: the template stays, and typing the next one's name
    // replaces the old query rather than making "callbackwelcome".
    h.ctrl('n');
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    assert!(h.app.filter_replaced_on_type());
    h.type_text("welcome");
    assert_eq!(h.app.picker.filter.value(), "welcome");
    assert_eq!(h.app.template().unwrap().name, "welcome_lead");

    // Backspace as the first key edits the query that is there.
    h.key(KeyCode::Enter);
    h.shift_tab();
    h.key(KeyCode::Backspace);
    assert_eq!(h.app.picker.filter.value(), "welcom");
    h.type_text("e");
    assert_eq!(h.app.picker.filter.value(), "welcome");
}
