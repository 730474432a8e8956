//! Live order streams served on the bare connection. A connection whose first
//! request is `GET /api/orders/{id}/subscribe` over HTTP/1.1 (what a browser's
//! `EventSource` opens) is read and answered here instead of by hyper: its head
//! is parsed once, the request goes through the whole router as any other
//! (layers, limits and handler alike), and the answer is written as it comes,
//! with `Connection: close`. An open stream then holds its socket, its event
//! stream and a few bytes, where hyper's connection machinery held a 16 kB read
//! buffer and its own task state for the life of every watcher (heaptrack,
//! issue 29). Anything else, or anything unusual about the head, is left to
//! hyper, which sees the connection untouched: the decision is made on bytes
//! peeked, not read.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, Version, header};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// Bytes peeked to decide: a subscribe request line is far shorter.
const PEEK: usize = 512;
/// Largest head read here (hyper's own limit is larger; browsers send ~1 kB).
const MAX_HEAD: usize = 16 * 1024;
/// Most header lines read here.
const MAX_HEADERS: usize = 64;

/// What a connection's first bytes open.
#[derive(Debug, PartialEq)]
pub enum Opening {
    /// A live-stream request: served here.
    Stream,
    /// Anything else: hyper's.
    Other,
    /// Nothing within the header-read timeout (or the connection failed): closed.
    Nothing,
}

/// What the connection's first bytes open: waits up to `within` for them.
pub async fn opening(stream: &TcpStream, within: Duration) -> Opening {
    let mut buf = [0u8; PEEK];
    match tokio::time::timeout(within, stream.peek(&mut buf)).await {
        Ok(Ok(n)) if n > 0 && is_stream_request(&buf[..n]) => Opening::Stream,
        Ok(Ok(n)) if n > 0 => Opening::Other,
        _ => Opening::Nothing,
    }
}

/// `GET /api/orders/{id}/subscribe[?…] HTTP/1.1` at the start of `head`.
fn is_stream_request(head: &[u8]) -> bool {
    let Some(line_end) = memchr::memmem::find(head, b"\r\n") else {
        return false;
    };
    let line = &head[..line_end];
    let Some(target) = line
        .strip_prefix(b"GET ")
        .and_then(|rest| rest.strip_suffix(b" HTTP/1.1"))
    else {
        return false;
    };
    let path = target.split(|b| *b == b'?').next().unwrap_or_default();
    let segments: Vec<&[u8]> = path.split(|b| *b == b'/').collect();
    matches!(
        segments.as_slice(),
        [b"", b"api", b"orders", id, b"subscribe"] if !id.is_empty()
    )
}

/// The request of a whole head, or the status that refuses it.
fn parse(head: &[u8], peer: SocketAddr) -> Result<Request<Body>, StatusCode> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => {
            return Err(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
        }
        _ => return Err(StatusCode::BAD_REQUEST),
    }
    let mut req = Request::new(Body::empty());
    *req.method_mut() = Method::GET;
    *req.version_mut() = Version::HTTP_11;
    *req.uri_mut() = parsed
        .path
        .and_then(|p| p.parse().ok())
        .ok_or(StatusCode::BAD_REQUEST)?;
    for h in parsed.headers.iter() {
        let name =
            HeaderName::from_bytes(h.name.as_bytes()).map_err(|_| StatusCode::BAD_REQUEST)?;
        let value = HeaderValue::from_bytes(h.value).map_err(|_| StatusCode::BAD_REQUEST)?;
        req.headers_mut().append(name, value);
    }
    // A stream request has no body: one announced is not read here.
    if req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING)
    {
        return Err(StatusCode::BAD_REQUEST);
    }
    req.extensions_mut().insert(ConnectInfo(peer));
    Ok(req)
}

/// Reads the head (up to its blank line) within `within`.
async fn read_head<S: AsyncRead + Unpin>(
    stream: &mut S,
    within: Duration,
) -> Result<Vec<u8>, StatusCode> {
    let mut head = Vec::with_capacity(PEEK);
    let read = async {
        loop {
            if memchr::memmem::find(&head, b"\r\n\r\n").is_some() {
                return Ok(());
            }
            if head.len() >= MAX_HEAD {
                return Err(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
            }
            let mut chunk = [0u8; 1024];
            let want = chunk.len().min(MAX_HEAD - head.len());
            match stream.read(&mut chunk[..want]).await {
                Ok(0) | Err(_) => return Err(StatusCode::BAD_REQUEST),
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
        }
    };
    match tokio::time::timeout(within, read).await {
        Ok(Ok(())) => Ok(head),
        Ok(Err(status)) => Err(status),
        Err(_) => Err(StatusCode::REQUEST_TIMEOUT),
    }
}

/// The status line and headers of an answer, closing the connection after it.
fn head_of(status: StatusCode, headers: &axum::http::HeaderMap, length: Option<u64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        if name == header::CONNECTION
            || name == header::CONTENT_LENGTH
            || name == header::TRANSFER_ENCODING
        {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if let Some(length) = length {
        out.extend_from_slice(format!("content-length: {length}\r\n").as_bytes());
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out
}

/// Serves the connection's one stream request, then closes it. The answer's
/// body is written as it comes; the client leaving (its side closed, or an
/// error) ends it, as the stream ending does.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    peer: SocketAddr,
    app: Router,
    header_read_timeout: Duration,
) {
    let req = match read_head(&mut stream, header_read_timeout).await {
        Ok(head) => parse(&head, peer),
        Err(status) => Err(status),
    };
    let resp = match req {
        Ok(req) => match app.oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        },
        Err(status) => {
            let _ = stream
                .write_all(&head_of(status, &axum::http::HeaderMap::new(), Some(0)))
                .await;
            let _ = stream.shutdown().await;
            return;
        }
    };
    let (parts, mut body) = resp.into_parts();
    let length = axum::body::HttpBody::size_hint(&body).exact();
    if stream
        .write_all(&head_of(parts.status, &parts.headers, length))
        .await
        .is_err()
    {
        return;
    }
    drop(parts);
    let mut probe = [0u8; 64];
    loop {
        tokio::select! {
            frame = body.frame() => match frame {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data()
                        && stream.write_all(&data).await.is_err()
                    {
                        return;
                    }
                }
                _ => break,
            },
            // Whatever the client sends after its request is not read; its
            // side closing ends the stream.
            read = stream.read(&mut probe) => match read {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
        }
    }
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_subscribe_request_line_is_a_stream() {
        for yes in [
            "GET /api/orders/abc-123/subscribe HTTP/1.1\r\nHost: x\r\n",
            "GET /api/orders/abc/subscribe?x=1 HTTP/1.1\r\n",
        ] {
            assert!(is_stream_request(yes.as_bytes()), "{yes}");
        }
        for no in [
            "GET /api/orders/abc/subscribe HTTP/1.0\r\n",
            "HEAD /api/orders/abc/subscribe HTTP/1.1\r\n",
            "POST /api/orders/abc/subscribe HTTP/1.1\r\n",
            "GET /api/orders//subscribe HTTP/1.1\r\n",
            "GET /api/orders/a/b/subscribe HTTP/1.1\r\n",
            "GET /tr/api/orders/abc/subscribe HTTP/1.1\r\n",
            "GET / HTTP/1.1\r\n",
            "GET /api/orders/abc/subscribe HTTP/1.1",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "",
        ] {
            assert!(!is_stream_request(no.as_bytes()), "{no:?}");
        }
    }

    #[test]
    fn a_head_becomes_the_request_with_its_peer() {
        let peer: SocketAddr = "192.0.2.7:5000".parse().expect("addr");
        let req = parse(
            b"GET /api/orders/abc/subscribe HTTP/1.1\r\nHost: shop\r\nLast-Event-ID: 7\r\n\r\n",
            peer,
        )
        .expect("request");
        assert_eq!(req.uri().path(), "/api/orders/abc/subscribe");
        assert_eq!(req.headers()["last-event-id"], "7");
        assert_eq!(
            req.extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
            Some(peer)
        );
        let with_body = b"GET /api/orders/abc/subscribe HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        assert_eq!(parse(with_body, peer).err(), Some(StatusCode::BAD_REQUEST));
        let broken = b"GET /api/orders/abc/subscribe HTTP/1.1\r\nNo colon\r\n\r\n";
        assert_eq!(parse(broken, peer).err(), Some(StatusCode::BAD_REQUEST));
        let many = format!(
            "GET /api/orders/abc/subscribe HTTP/1.1\r\n{}\r\n",
            "X-A: 1\r\n".repeat(100)
        );
        assert_eq!(
            parse(many.as_bytes(), peer).err(),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
    }

    #[test]
    fn an_answer_s_head_closes_the_connection() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        h.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        let head = String::from_utf8(head_of(StatusCode::OK, &h, None)).expect("text");
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
        );
        let head = String::from_utf8(head_of(
            StatusCode::NOT_FOUND,
            &axum::http::HeaderMap::new(),
            Some(9),
        ))
        .expect("text");
        assert!(
            head.starts_with("HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n"),
            "{head}"
        );
    }
}
