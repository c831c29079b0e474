//! Every screen state, at the smallest supported size (60×20) and a roomy one
//! (120×40), as insta snapshots. Colours are off: meaning must be in the text.

mod common;

use common::World;
use crossterm::event::KeyCode;
use leadline::fake::{Endpoint, Fault};
use leadline::tui::app::{Overlay, SendState};
use leadline::tui::harness::Harness;
use std::time::Duration;

const SIZES: [(u16, u16); 2] = [(60, 20), (120, 40)];

async fn shot(name: &str, steps: impl AsyncFn(&mut Harness, &World)) {
    for (width, height) in SIZES {
        let world = common::world().await;
        let mut h = world.harness(width, height);
        h.start().await;
        steps(&mut h, &world).await;
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            common::stable(&h.screen())
        );
    }
}

/// Phone, name and a template with its variables, ready to send.
async fn ready(h: &mut Harness, phone: &str, template: &str, values: &[&str]) {
    h.type_text(phone);
    h.settle().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text(template);
    h.key(KeyCode::Enter);
    for v in values {
        h.type_text(v);
        h.key(KeyCode::Tab);
    }
}

#[tokio::test]
async fn empty() {
    shot("empty", async |_, _| {}).await;
}

#[tokio::test]
async fn phone_incomplete() {
    shot("phone_incomplete", async |h, _| h.type_text("+44 7911 12")).await;
}

#[tokio::test]
async fn phone_unknown_country() {
    shot("phone_unknown_country", async |h, _| {
        h.type_text("+999 1234 5678")
    })
    .await;
}

#[tokio::test]
async fn phone_too_long() {
    shot("phone_too_long", async |h, _| {
        h.type_text("+44 7911 123456 789")
    })
    .await;
}

#[tokio::test]
async fn phone_stray_characters() {
    shot("phone_stray_characters", async |h, _| {
        h.type_text("07911 123:456")
    })
    .await;
}

#[tokio::test]
async fn phone_landline_warning() {
    shot("phone_landline_warning", async |h, _| {
        h.type_text("+44 20 7946 0018");
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn phone_extension_dropped() {
    shot("phone_extension_dropped", async |h, _| {
        h.type_text("+44 7911 123456 ext. 12");
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn phone_pasted_text_with_fullwidth_digits() {
    shot("phone_pasted_text", async |h, _| {
        h.paste("Call Jane on\t＋４４ ７９１１ １２３４５６ after 5pm 🙂");
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn lookup_in_progress() {
    shot("lookup_in_progress", async |h, _| {
        h.type_text("+44 7911 123456")
    })
    .await;
}

#[tokio::test]
async fn lookup_existing_lead() {
    shot("lookup_existing", async |h, _| {
        h.type_text("07400 123456");
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn lookup_new_lead() {
    shot("lookup_new", async |h, _| {
        h.type_text("+34 612 345 679");
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn lookup_several_contacts() {
    shot("lookup_several", async |h, _| {
        h.type_text("+49 151 23456789");
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn picker_filtered() {
    shot("picker_filtered", async |h, _| {
        h.key(KeyCode::Tab);
        h.key(KeyCode::Tab);
        h.type_text("apt rem");
    })
    .await;
}

#[tokio::test]
async fn picker_no_match() {
    shot("picker_no_match", async |h, _| {
        h.key(KeyCode::Tab);
        h.key(KeyCode::Tab);
        h.type_text("zzzz");
    })
    .await;
}

#[tokio::test]
async fn picker_marketing_to_us_number() {
    shot("picker_marketing_us", async |h, _| {
        h.type_text("+1 202 555 0123");
        h.settle().await;
        h.key(KeyCode::Tab);
        h.key(KeyCode::Tab);
        h.type_text("welcome");
    })
    .await;
}

#[tokio::test]
async fn variables_rule_error() {
    shot("variables_rule_error", async |h, _| {
        ready(
            h,
            "07400 123456",
            "spring",
            &["http://cdn.example.com/a.jpg", "Priya"],
        )
        .await;
        h.paste("25%\toff");
        h.key(KeyCode::Tab);
        h.type_text("30 April");
        h.key(KeyCode::Tab);
        h.type_text("SPRING-2025-TWENTYFIVE");
    })
    .await;
}

#[tokio::test]
async fn variables_required_after_send_attempt() {
    shot("variables_required", async |h, _| {
        ready(h, "07400 123456", "order", &["A-1"]).await;
        h.ctrl('s');
    })
    .await;
}

#[tokio::test]
async fn send_looking_up() {
    shot("send_looking_up", async |h, w| {
        w.fake
            .script(Endpoint::Search, [Fault::Delay(Duration::from_secs(5))]);
        h.type_text("+34 612 345 679");
        h.key(KeyCode::Tab);
        h.key(KeyCode::Tab);
        h.type_text("callback");
        h.key(KeyCode::Enter);
        h.type_text("Lucía");
        h.ctrl('s');
        assert!(
            h.pump_until(
                |a| matches!(&a.send, SendState::Running { steps, .. } if !steps.is_empty())
            )
            .await
        );
    })
    .await;
}

#[tokio::test]
async fn send_creating_lead() {
    shot("send_creating", async |h, w| {
        ready(h, "+34 612 345 679", "callback", &["Lucía"]).await;
        w.fake.script(Endpoint::Create, [Fault::Delay(Duration::from_secs(5))]);
        h.ctrl('s');
        assert!(h.pump_until(|a| matches!(&a.send, SendState::Running { steps, .. } if steps.iter().any(|s| s.text.contains("creating")))).await);
    })
    .await;
}

#[tokio::test]
async fn send_sending_message() {
    shot("send_sending", async |h, w| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        w.fake
            .script(Endpoint::Message, [Fault::Delay(Duration::from_secs(5))]);
        h.ctrl('s');
        assert!(h.pump_until(|a| running_step_app(a, "sending")).await);
    })
    .await;
}

fn running_step_app(a: &leadline::tui::app::App, word: &str) -> bool {
    matches!(&a.send, SendState::Running { steps, .. } if steps.iter().any(|s| s.text.contains(word) && matches!(s.status, leadline::tui::app::StepStatus::Running { .. })))
}

#[tokio::test]
async fn send_rate_limited_countdown() {
    shot("send_rate_limited", async |h, w| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        w.fake.script(
            Endpoint::Message,
            [Fault::RateLimit(Duration::from_secs(1))],
        );
        h.ctrl('s');
        assert!(
            h.pump_until(|a| matches!(
                &a.send,
                SendState::Running {
                    waiting: Some(_),
                    ..
                }
            ))
            .await
        );
    })
    .await;
}

#[tokio::test]
async fn send_cancelled_while_sending() {
    shot("send_cancelled", async |h, w| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        w.fake
            .script(Endpoint::Message, [Fault::Delay(Duration::from_secs(5))]);
        h.ctrl('s');
        assert!(h.pump_until(|a| running_step_app(a, "sending")).await);
        h.key(KeyCode::Esc);
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn send_done_new_lead() {
    shot("send_done_new", async |h, _| {
        ready(
            h,
            "+34 612 345 679",
            "appointment",
            &["Lucía", "12 de marzo", "10:30"],
        )
        .await;
        h.ctrl('s');
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn send_done_existing_lead() {
    shot("send_done_existing", async |h, _| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        h.ctrl('s');
        h.settle().await;
    })
    .await;
}

async fn failing(h: &mut Harness, w: &World, fault: Fault) {
    ready(h, "07400 123456", "callback", &["Priya"]).await;
    w.fake.script(Endpoint::Message, [fault]);
    h.ctrl('s');
    h.settle().await;
}

#[tokio::test]
async fn error_token_revoked() {
    shot("error_token_revoked", async |h, w| {
        failing(h, w, Fault::Code(401, "token_revoked".into())).await
    })
    .await;
}

#[tokio::test]
async fn error_plan_restricted() {
    shot("error_plan_restricted", async |h, w| {
        failing(h, w, Fault::Code(403, "api_plan_restricted".into())).await
    })
    .await;
}

#[tokio::test]
async fn error_server_outcome_unknown() {
    shot("error_server_unknown", async |h, w| {
        failing(h, w, Fault::Status(500)).await
    })
    .await;
}

#[tokio::test]
async fn error_rate_limit_gave_up() {
    shot("error_rate_limited", async |h, w| {
        failing(h, w, Fault::RateLimit(Duration::from_secs(3600))).await
    })
    .await;
}

#[tokio::test]
async fn error_whatsapp_rejected() {
    shot("error_whatsapp_rejected", async |h, _| {
        ready(
            h,
            "+1 202 555 0123",
            "welcome_lead",
            &["Jane", "Sam", "the team plan"],
        )
        .await;
        h.ctrl('s');
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn error_service_unreachable() {
    shot("error_unreachable", async |h, w| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        w.fake.stop();
        tokio::time::sleep(Duration::from_millis(50)).await;
        h.ctrl('s');
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn several_contacts_to_pick_from() {
    shot("pick_contact", async |h, _| {
        ready(h, "+49 151 23456789", "callback", &["Jonas"]).await;
        h.ctrl('s');
        h.settle().await;
        assert!(matches!(h.app.overlay, Some(Overlay::PickContact { .. })));
    })
    .await;
}

#[tokio::test]
async fn repeat_needs_confirmation() {
    shot("confirm_repeat", async |h, _| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        h.ctrl('s');
        h.settle().await;
        h.ctrl('s');
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn history() {
    shot("history", async |h, _| {
        ready(h, "07400 123456", "callback", &["Priya"]).await;
        h.ctrl('s');
        h.settle().await;
        h.ctrl('o');
        h.settle().await;
    })
    .await;
}

#[tokio::test]
async fn help() {
    shot("help", async |h, _| h.key(KeyCode::F(1))).await;
}

#[tokio::test]
async fn too_small() {
    shot("too_small", async |h, _| {
        h.type_text("+44 7911");
        h.resize(50, 15);
    })
    .await;
}

#[tokio::test]
async fn long_names_emoji_and_right_to_left_text() {
    shot("long_rtl_emoji", async |h, _| {
        h.type_text("+44 7911 123456");
        h.settle().await;
        h.key(KeyCode::Tab);
        h.type_text("محمد عبد الله 👨‍👩‍👧 Wolfeschlegelsteinhausenbergerdorff");
        h.key(KeyCode::Tab);
        h.type_text("referral");
        h.key(KeyCode::Enter);
        h.type_text("日本語のエージェント名前がとても長い");
    })
    .await;
}
