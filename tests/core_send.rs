//! The quick send against the fake over real HTTP: find-or-create, then send.

use leadline::fake::{FakeOptions, FakeServer};
use leadline::http::RetryPolicy;
use leadline::template::{Placeholder, SlotKey, Template, Values};
use leadline::workflow::{LeadPlan, Lookup, SendRequest, lookup_lead, quick_send};
use leadline::workspace::Workspace;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

async fn setup() -> (FakeServer, Workspace, tempfile::TempDir) {
    let fake = FakeServer::start(FakeOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::for_fake(&fake, dir.path().to_path_buf(), RetryPolicy::fast());
    (fake, ws, dir)
}

async fn template(ws: &Workspace, name: &str, lang: &str) -> Template {
    let all = ws.templates.load(&leadline::http::quiet()).await.unwrap();
    all.into_iter()
        .find(|t| t.name == name && t.language == lang)
        .unwrap()
}

fn appointment_values() -> Values {
    let mut v = Values::default();
    v.set(SlotKey::Body(Placeholder::Positional(1)), "Jane");
    v.set(SlotKey::Body(Placeholder::Positional(2)), "12 March");
    v.set(SlotKey::Body(Placeholder::Positional(3)), "10:30");
    v
}

#[tokio::test]
async fn creates_then_reuses_the_lead() {
    let (fake, ws, _dir) = setup().await;
    let t = template(&ws, "appointment_reminder", "en_US").await;
    let req = SendRequest {
        phone: "+447911123456".into(),
        name: Some("Jane Doe".into()),
        lead: LeadPlan::LookUp,
        template: t.clone(),
        values: appointment_values(),
        confirmed_repeat: false,
    };
    let out = quick_send(&ws, req.clone(), Arc::new(|_| {}), CancellationToken::new())
        .await
        .unwrap();
    assert!(out.lead_created);
    assert!(
        out.link
            .as_deref()
            .unwrap()
            .contains("/inbox/conversation/")
    );
    let msgs = fake.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].template, "appointment_reminder");
    assert_eq!(msgs[0].locale, "en_US");
    assert_eq!(
        msgs[0].rendered_body,
        "Hello Jane, this is a reminder of your appointment on 12 March at 10:30. Reply to this message if you need to change it."
    );

    // The same template again within 24 h asks first.
    let again = quick_send(&ws, req.clone(), Arc::new(|_| {}), CancellationToken::new()).await;
    assert!(matches!(
        again,
        Err(leadline::workflow::SendError::Repeat(_))
    ));

    // Confirmed, it reuses the lead (remembered; search may lag).
    fake.settings(|s| s.index_lag = std::time::Duration::from_secs(600));
    let out2 = quick_send(
        &ws,
        SendRequest {
            confirmed_repeat: true,
            ..req
        },
        Arc::new(|_| {}),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(!out2.lead_created);
    assert_eq!(out2.lead.contact.id, out.lead.contact.id);
    assert_eq!(fake.contacts().len(), 1);
    assert_eq!(fake.messages().len(), 2);
    match lookup_lead(&ws, "+447911123456", &leadline::http::quiet())
        .await
        .unwrap()
    {
        Lookup::Existing(k) => assert_eq!(k.contact.id, out.lead.contact.id),
        other => panic!("{other:?}"),
    }
}
