//! After the agent presses send, only the requests that are left happen:
//! one for a lead found while typing, two for a new lead (create, send).

mod common;

use crossterm::event::KeyCode;
use leadline::tui::app::SendState;

async fn requests_for_send(phone: &str) -> Vec<String> {
    let w = common::world().await;
    let mut h = w.harness(100, 30);
    h.start().await;
    h.type_text(phone);
    h.settle().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("callback");
    h.key(KeyCode::Enter);
    h.type_text("Sam");
    let before = w.fake.requests().len();
    h.ctrl('s');
    h.settle().await;
    assert!(
        matches!(h.app.send, SendState::Done { .. }),
        "{}",
        h.screen()
    );
    w.fake.requests()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn one_request_for_a_lead_found_while_typing() {
    assert_eq!(requests_for_send("07400 123456").await, ["POST /messages"]);
}

#[tokio::test]
async fn two_requests_for_a_new_lead() {
    assert_eq!(
        requests_for_send("+34 612 345 679").await,
        ["POST /contacts", "POST /messages"]
    );
}
