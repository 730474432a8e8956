//! Fault switches for tests: latency, 5xx, malformed JSON, missing fields and a
//! dropped event stream, each scoped by a substring of the request's path+query.

use serde::{Deserialize, Serialize};
use std::sync::{Mutex, PoisonError};

/// One fault rule.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rule {
    #[serde(default)]
    pub id: u64,
    /// Applies to requests whose path+query contains this.
    #[serde(rename = "match")]
    pub pattern: String,
    /// Applies only when the path+query is exactly `match` (`/v5/orders`, not
    /// `/v5/orders/validations`).
    #[serde(default)]
    pub exact: bool,
    /// `latency`, `status`, `drop_sse`, `malformed_json`, `missing_fields` or
    /// `lost_answer` (the request is carried out, then its answer is lost: 502).
    pub kind: String,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub after_events: Option<usize>,
    /// Expires after this many uses (forever when absent).
    #[serde(default)]
    pub times: Option<u32>,
}

impl Rule {
    fn matches(&self, target: &str) -> bool {
        if self.exact {
            target == self.pattern
        } else {
            target.contains(&self.pattern)
        }
    }
}

/// The kinds a rule may have.
pub const KINDS: [&str; 6] = [
    "latency",
    "status",
    "drop_sse",
    "malformed_json",
    "missing_fields",
    "lost_answer",
];

/// Rules held at most.
pub const MAX_RULES: usize = 100;

/// The active rules.
#[derive(Default)]
pub struct Faults {
    rules: Mutex<(u64, Vec<Rule>)>,
}

impl Faults {
    /// Adds a rule; answers its id, or why it is refused.
    pub fn add(&self, mut rule: Rule) -> Result<u64, String> {
        if !KINDS.contains(&rule.kind.as_str()) {
            return Err(format!("kind must be one of {KINDS:?}"));
        }
        if rule.kind == "status" && !rule.status.is_some_and(|s| (400..=599).contains(&s)) {
            return Err("status rules need a status from 400 to 599".into());
        }
        let mut r = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        if r.1.len() >= MAX_RULES {
            return Err(format!("at most {MAX_RULES} rules; delete some first"));
        }
        r.0 += 1;
        rule.id = r.0;
        r.1.push(rule);
        Ok(r.0)
    }

    /// Every rule.
    pub fn list(&self) -> Vec<Rule> {
        self.rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .clone()
    }

    /// Removes one rule (or all with `None`); answers how many went.
    pub fn remove(&self, id: Option<u64>) -> usize {
        let mut r = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let before = r.1.len();
        match id {
            Some(id) => r.1.retain(|x| x.id != id),
            None => r.1.clear(),
        }
        before - r.1.len()
    }

    /// Takes the first rule of `kind` matching `target`, counting one use.
    pub fn take(&self, target: &str, kind: &str) -> Option<Rule> {
        let mut r = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let i =
            r.1.iter()
                .position(|x| x.kind == kind && x.matches(target))?;
        let rule = r.1[i].clone();
        if let Some(t) = r.1[i].times.as_mut() {
            *t = t.saturating_sub(1);
            if *t == 0 {
                r.1.remove(i);
            }
        }
        Some(rule)
    }

    /// After how many events an event stream for `target` is dropped.
    pub fn sse_drop(&self, target: &str) -> Option<usize> {
        self.take(target, "drop_sse")
            .map(|r| r.after_events.unwrap_or(1))
    }
}

/// Removes the fields a client relies on, anywhere in the JSON.
pub fn strip_fields(v: &mut serde_json::Value) {
    const FIELDS: [&str; 6] = [
        "brand",
        "order_id",
        "coin_amount",
        "family",
        "all_brands",
        "products",
    ];
    match v {
        serde_json::Value::Object(m) => {
            for f in FIELDS {
                m.remove(f);
            }
            m.values_mut().for_each(strip_fields);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_fields),
        _ => {}
    }
}
