//! The sandbox alone, so that several storefronts can share one upstream:
//! `cargo run -p sandbox -- --port 8081 [--host 127.0.0.1]`.
//! Environment: `CR_SANDBOX_CONTROL_TOKEN` (else a random token, printed),
//! `CR_SANDBOX_DELIVERY_DELAY_MS` (default 2000), `CR_PARTNER_ID` (the only
//! `X-Cr-Application` served; else any), `CR_SANDBOX_MAX_STREAMS_PER_CLIENT`
//! (open event streams per client address, default 32), `RUST_LOG`.

use sandbox::SandboxConfig;
use std::process::ExitCode;
use std::time::Duration;

/// Command-line settings.
struct Args {
    host: String,
    port: u16,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        host: "127.0.0.1".into(),
        port: 8081,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                args.port = value()?
                    .parse()
                    .map_err(|_| "--port needs a number from 0 to 65535".to_string())?
            }
            "--host" => args.host = value()?,
            "-h" | "--help" => {
                return Err("usage: sandbox [--host 127.0.0.1] [--port 8081]".into());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

/// The configuration from the process environment.
fn config_from_env() -> Result<(SandboxConfig, bool), String> {
    config_from(|name| std::env::var(name).ok())
}

/// The configuration from `get` (an environment), and whether its control token
/// was chosen at random.
fn config_from(get: impl Fn(&str) -> Option<String>) -> Result<(SandboxConfig, bool), String> {
    let mut config = SandboxConfig::default();
    let mut random_token = true;
    if let Some(token) = get("CR_SANDBOX_CONTROL_TOKEN")
        && !token.trim().is_empty()
    {
        config.control_token = token.trim().to_string();
        random_token = false;
    }
    if let Some(ms) = get("CR_SANDBOX_DELIVERY_DELAY_MS") {
        let ms: u64 = ms.trim().parse().map_err(|_| {
            format!("CR_SANDBOX_DELIVERY_DELAY_MS must be milliseconds (got {ms:?})")
        })?;
        config.delivery_delay = Duration::from_millis(ms);
    }
    if let Some(id) = get("CR_PARTNER_ID")
        && !id.trim().is_empty()
    {
        config.partner_id = Some(id.trim().to_string());
    }
    if let Some(n) = get("CR_SANDBOX_MAX_STREAMS_PER_CLIENT") {
        config.max_streams_per_client = n.trim().parse().ok().filter(|n| *n > 0).ok_or(format!(
            "CR_SANDBOX_MAX_STREAMS_PER_CLIENT must be a positive number (got {n:?})"
        ))?;
    }
    config.chains = sandbox::chain::from_env(
        get("CR_SANDBOX_EVM_RPC").as_deref(),
        get("CR_SANDBOX_EVM_TOKEN").as_deref(),
    )?;
    Ok((config, random_token))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let (args, (config, random_token)) = match (parse_args(), config_from_env()) {
        (Ok(a), Ok(c)) => (a, c),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("sandbox: can't listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    println!("sandbox listening on http://{addr}");
    if random_token {
        println!("sandbox control token: {}", config.control_token);
    }
    match sandbox::serve(listener, config, sandbox::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<SandboxConfig, String> {
        config_from(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
        .map(|(c, _)| c)
    }

    #[test]
    fn the_partner_id_is_read_from_cr_partner_id() {
        let c = config(&[("CR_PARTNER_ID", " demo-shop ")]).expect("config");
        assert_eq!(c.partner_id.as_deref(), Some("demo-shop"));
        assert_eq!(config(&[]).expect("config").partner_id, None);
        assert_eq!(
            config(&[("CR_PARTNER_ID", " ")])
                .expect("config")
                .partner_id,
            None
        );
    }

    #[test]
    fn the_stream_cap_is_read_and_must_be_a_positive_number() {
        assert_eq!(config(&[]).expect("config").max_streams_per_client, 32);
        let c = config(&[("CR_SANDBOX_MAX_STREAMS_PER_CLIENT", "200")]).expect("config");
        assert_eq!(c.max_streams_per_client, 200);
        for bad in ["0", "-1", "many", ""] {
            assert!(
                config(&[("CR_SANDBOX_MAX_STREAMS_PER_CLIENT", bad)]).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_control_token_and_delay_are_still_read() {
        let (c, random) = config_from(|name| match name {
            "CR_SANDBOX_CONTROL_TOKEN" => Some("secret".into()),
            "CR_SANDBOX_DELIVERY_DELAY_MS" => Some("250".into()),
            _ => None,
        })
        .expect("config");
        assert!(!random);
        assert_eq!(c.control_token, "secret");
        assert_eq!(c.delivery_delay, Duration::from_millis(250));
    }
}
