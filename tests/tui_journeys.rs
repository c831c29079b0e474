//! Longer journeys through the app: three leads in a row with keys only, and
//! a send cut between request and response that the next start reports.

mod common;

use crossterm::event::KeyCode;
use leadline::fake::{Endpoint, Fault};
use leadline::tui::app::{Overlay, SendState};

#[tokio::test]
async fn three_leads_in_a_row_with_ctrl_n() {
    let w = common::world().await;
    let mut h = w.harness(100, 30);
    h.start().await;
    // Pick the template once: filter, then the variable fields.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("referral");
    h.key(KeyCode::Enter);
    // first_name comes from the lead; agent_name, referrer and topic stay for every lead.
    h.key(KeyCode::Tab);
    h.type_text("Alex");
    h.key(KeyCode::Tab);
    h.type_text("Sam");
    h.key(KeyCode::Tab);
    h.type_text("your account setup");
    h.ctrl('n');
    let leads = [
        ("+44 7911 123456", "Jane Doe"),
        ("+34 612 345 679", "Lucía García"),
        ("+55 11 96123 4568", "João Silva"),
    ];
    for (i, (phone, name)) in leads.iter().enumerate() {
        h.type_text(phone);
        h.settle().await;
        h.key(KeyCode::Tab);
        h.type_text(name);
        h.ctrl('s');
        h.settle().await;
        assert!(
            matches!(h.app.send, SendState::Done { .. }),
            "lead {i}: {}",
            h.screen()
        );
        h.ctrl('n');
    }
    let messages = w.fake.messages();
    assert_eq!(messages.len(), 3);
    let new_contacts = w.fake.contacts().len() - 4;
    assert_eq!(new_contacts, 3);
    let firsts: Vec<String> = messages
        .iter()
        .map(|m| {
            m.rendered_body
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        firsts,
        ["Alex", "Alex", "Alex"],
        "values not from the lead stay"
    );
    assert!(messages[1].rendered_body.contains("Sam asked us"));
    let headers: Vec<&str> = messages
        .iter()
        .map(|m| m.components[0]["parameters"][0]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        headers,
        ["Jane", "Lucía", "João"],
        "first names come from each lead"
    );
}

#[tokio::test]
async fn a_send_cut_mid_flight_is_reported_at_the_next_start_and_not_repeated() {
    let w = common::world().await;
    {
        let mut h = w.harness(100, 30);
        h.start().await;
        h.type_text("07400 123456");
        h.settle().await;
        h.key(KeyCode::Tab);
        h.key(KeyCode::Tab);
        h.type_text("callback");
        h.key(KeyCode::Enter);
        h.type_text("Priya");
        // The fake processes the message, then drops the connection unanswered.
        w.fake.script(Endpoint::Message, [Fault::DropAfter]);
        h.ctrl('s');
        h.settle().await;
        let screen = h.screen();
        assert!(screen.contains("outcome unknown"), "{screen}");
        assert_eq!(w.fake.messages().len(), 1, "the fake did process it");
    }
    // Next start: the journal says a send needs checking.
    let mut h = w.harness(100, 30);
    h.start().await;
    let screen = h.screen();
    assert!(
        matches!(&h.app.overlay, Some(Overlay::Attention(list)) if list.len() == 1),
        "{screen}"
    );
    assert!(screen.contains("Sends to check"), "{screen}");
    // The same send again asks for confirmation: an unknown outcome counts as maybe delivered.
    h.key(KeyCode::Enter);
    h.type_text("07400 123456");
    h.settle().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("callback");
    h.key(KeyCode::Enter);
    h.type_text("Priya");
    h.ctrl('s');
    h.settle().await;
    assert!(matches!(h.app.overlay, Some(Overlay::ConfirmRepeat(_))));
    h.key(KeyCode::Esc);
    assert_eq!(w.fake.messages().len(), 1, "nothing was sent twice");
}
