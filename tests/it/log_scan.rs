//! The logs of a whole journey, read line by line: a catalogue visit, a
//! refused checkout, a gift card and a top-up ordered, paid and delivered
//! with their live views, a cart, "Find my order" — and not one line carries
//! an email, a beneficiary, a delivered code or the partner id. The shop's own
//! lines at every level (trace included) and its libraries' at info.

use crate::common;
use crate::money::{first_amount, top_up};

use common::shop;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Every line the journey logs, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

const PARTNER: &str = "log-scan-canary-partner-9c1";
const BUYER: &str = "log.scan.buyer@example.com";
const FRIEND: &str = "log.scan.friend@example.com";
const CART_TO: &str = "log.scan.cart@example.com";
const LOCAL_NUMBER: &str = "0912 345 678";
const NUMBER: &str = "+84912345678";

/// Waits for `id` to be Done: its delivered codes.
async fn codes_at_done(s: &common::Shop, id: &str) -> Vec<String> {
    let order = common::order_at_done(s, id)
        .await
        .unwrap_or_else(|| panic!("{id} never reached Done"));
    order["deliveries"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|d| d["deliverable"]["pin_code"].as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn order_id(o: &Value) -> String {
    o["order_id"].as_str().expect("an order id").to_string()
}

// One thread: every task of the shop runs where the capturing subscriber is
// this thread's default.
#[tokio::test(flavor = "current_thread")]
async fn a_full_journey_logs_no_email_beneficiary_code_or_partner_id() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "info,storefront=trace,tower_http=debug,sandbox=off",
        ))
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let s = shop(&[("CR_PARTNER_ID", PARTNER)]).await;
    let (family, amount) = common::some_family(&s, "US").await;
    for path in ["/", "/tr/", &format!("/brands/US/{family}")] {
        assert_eq!(s.get(path).await.0, 200, "{path}");
    }
    // Refused before any order: an unknown amount, then an upstream refusal.
    let mut refused = common::checkout(&family, "0.01", "log-scan-key-000001");
    refused[4] = ("beneficiary", FRIEND);
    refused[5] = ("email", BUYER);
    let (st, body) = s.call("orders/create", &refused).await;
    assert!((400..500).contains(&st), "{st} {body}");

    // A gift card, ordered, watched, paid and delivered.
    let mut form = common::checkout(&family, &amount, "log-scan-key-000002");
    form[4] = ("beneficiary", FRIEND);
    form[5] = ("email", BUYER);
    let (st, o) = s.call("orders/create", &form).await;
    assert_eq!(st, 200, "{o}");
    let card = order_id(&o);
    let stream = s.subscribe(&card).await;
    assert_eq!(s.get(&format!("/orders/{card}")).await.0, 200);
    s.control(&format!("/orders/{card}/pay"), json!({})).await;
    let mut codes = codes_at_done(&s, &card).await;
    common::stream_text(stream, std::time::Duration::from_secs(2)).await;
    assert_eq!(s.get(&format!("/orders/{card}")).await.0, 200);

    // A top-up to a Vietnamese number typed the local way.
    let viettel = first_amount(&s, "VN", "viettel").await;
    let mut top = top_up("VN", "viettel", &viettel, LOCAL_NUMBER);
    top[5] = ("email", BUYER);
    top[7] = ("idempotency_key", "log-scan-key-000003");
    let (st, o) = s.call("orders/create", &top).await;
    assert_eq!(st, 200, "{o}");
    let topped = order_id(&o);
    s.control(&format!("/orders/{topped}/pay"), json!({})).await;
    codes_at_done(&s, &topped).await;

    // A cart, and "Find my order" with the right and a wrong email.
    let jar = common::cart_of(&s, &family, &amount, &[CART_TO]).await;
    let (_, cart, _) = s.call_cookies("cart/get", &[], &jar).await;
    let key = cart["key"].as_str().expect("the cart's key").to_string();
    let (st, paid) = common::pay_cart(&s, &jar, &key).await;
    assert_eq!(st, 200, "{paid}");
    let carted = order_id(&paid);
    s.control(&format!("/orders/{carted}/pay"), json!({})).await;
    codes.extend(codes_at_done(&s, &carted).await);
    for email in ["buyer@example.com", "not.the.buyer@example.com"] {
        let resp = s
            .http
            .post(format!("{}/api/orders/find", s.base))
            .header("accept", "text/html")
            .form(&[("order_id", carted.as_str()), ("email", email)])
            .send()
            .await
            .expect("find");
        assert!(resp.status().as_u16() < 500);
    }
    s.running.shutdown.cancel();

    let logs = String::from_utf8_lossy(
        &captured
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone(),
    )
    .into_owned();
    let lines = logs.lines().count();
    assert!(
        lines > 20 && logs.contains("request"),
        "the journey was logged ({lines} lines):\n{logs}"
    );
    assert!(!codes.is_empty(), "codes were delivered");
    let mut secrets: Vec<&str> = vec![
        PARTNER,
        BUYER,
        FRIEND,
        CART_TO,
        "buyer@example.com",
        "not.the.buyer@example.com",
        NUMBER,
        "912345678",
        LOCAL_NUMBER,
    ];
    secrets.extend(codes.iter().map(String::as_str));
    for secret in secrets {
        let found: Vec<&str> = logs.lines().filter(|l| l.contains(secret)).collect();
        assert!(found.is_empty(), "{secret} logged:\n{}", found.join("\n"));
    }
    eprintln!(
        "log scan: {lines} lines, {} codes, none leaked",
        codes.len()
    );
}
