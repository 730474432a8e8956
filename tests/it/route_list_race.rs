//! Starting a shop renders the app once to list its routes, and while it does,
//! leptos_server suppresses resource loading through a process-wide flag. A page
//! another shop of the same process renders meanwhile must still finish: every
//! `#[tokio::test]` of a test binary starts its own shop in the same process.
#![cfg(feature = "ssr")]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Shops the other thread starts at least.
const STARTS: usize = 40;
/// Pages that must be answered while shops are being started (the starter goes
/// on until they were), so that the race is run however fast either side is.
const PAGES_DURING_STARTS: usize = 20;
/// Shops started at most, whatever happens.
const MAX_STARTS: usize = 2_000;

#[tokio::test]
async fn starting_another_shop_never_stalls_a_page() {
    let s = common::shop(&[("CR_HANDLER_TIMEOUT_MS", "3000")]).await;
    let done = Arc::new(AtomicBool::new(false));
    let during = Arc::new(AtomicUsize::new(0));
    let starter = {
        let (done, during) = (done.clone(), during.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let mut started = 0;
            rt.block_on(async {
                while started < MAX_STARTS
                    && (started < STARTS || during.load(Ordering::SeqCst) < PAGES_DURING_STARTS)
                {
                    drop(common::shop(&[]).await);
                    started += 1;
                }
            });
            done.store(true, Ordering::SeqCst);
            started
        })
    };
    let (mut total, mut stalled) = (0, Vec::new());
    while !done.load(Ordering::SeqCst) {
        for path in ["/brands/ZZ/steam", "/brands/US/junk-3"] {
            let starting = !done.load(Ordering::SeqCst);
            let (st, _) = s.get(path).await;
            if starting && !done.load(Ordering::SeqCst) {
                // Asked and answered while the other thread was starting shops.
                during.fetch_add(1, Ordering::SeqCst);
            }
            total += 1;
            if st != 404 {
                stalled.push((path, st));
            }
        }
    }
    let started = starter.join().expect("starter");
    let during = during.load(Ordering::SeqCst);
    assert!(
        stalled.is_empty(),
        "{} of {total} brand pages did not answer 404 ({during} of them while {started} shops started): {stalled:?}",
        stalled.len()
    );
    assert!(
        during >= PAGES_DURING_STARTS,
        "the race was not run: {during} of {total} pages were answered while {started} shops started"
    );
}
