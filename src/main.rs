//! The storefront server: configuration and tracing, then `server::run`.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    use storefront::server::{config::Config, run::run};
    use tracing_subscriber::EnvFilter;

    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,hyper=warn,reqwest=warn"));
    // `CR_LOG_FORMAT=json`: one JSON object a line, with the request's span
    // (its id) in each, for log pipelines; text otherwise.
    match std::env::var("CR_LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter(filter)
            .init(),
        Ok("text") | Ok("") | Err(_) => tracing_subscriber::fmt().with_env_filter(filter).init(),
        Ok(other) => {
            eprintln!("storefront: CR_LOG_FORMAT must be json or text (got {other:?})");
            return ExitCode::from(2);
        }
    }

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("storefront: {e}");
            return ExitCode::from(2);
        }
    };
    // Leptos.toml holds the site settings; LEPTOS_* variables override it.
    let file = std::path::Path::new("Leptos.toml")
        .exists()
        .then_some("Leptos.toml");
    let leptos = match leptos::config::get_configuration(file) {
        Ok(c) => c.leptos_options,
        Err(e) => {
            eprintln!("storefront: Leptos configuration: {e}");
            return ExitCode::from(2);
        }
    };
    match run(config, leptos).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storefront: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build starts from `lib.rs::hydrate`.
}
