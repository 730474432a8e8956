//! Starting a shop renders the app once to list its routes, and while it does,
//! leptos_server suppresses resource loading through a process-wide flag. A page
//! another shop of the same process renders meanwhile must still finish: every
//! `#[tokio::test]` of a test binary starts its own shop in the same process.
#![cfg(feature = "ssr")]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many shops the other thread starts while this one renders pages.
const STARTS: usize = 40;

#[tokio::test]
async fn starting_another_shop_never_stalls_a_page() {
    let s = common::shop(&[("CR_HANDLER_TIMEOUT_MS", "3000")]).await;
    let done = Arc::new(AtomicBool::new(false));
    let starter = {
        let done = done.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                for _ in 0..STARTS {
                    drop(common::shop(&[]).await);
                }
            });
            done.store(true, Ordering::SeqCst);
        })
    };
    let (mut total, mut stalled) = (0, Vec::new());
    while !done.load(Ordering::SeqCst) || total < 20 {
        for path in ["/brands/ZZ/steam", "/brands/US/junk-3"] {
            let (st, _) = s.get(path).await;
            total += 1;
            if st != 404 {
                stalled.push((path, st));
            }
        }
    }
    starter.join().expect("starter");
    assert!(total > 0);
    assert!(
        stalled.is_empty(),
        "{} of {total} brand pages did not answer 404: {stalled:?}",
        stalled.len()
    );
}
