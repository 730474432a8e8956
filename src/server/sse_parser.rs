//! Reading the upstream's `text/event-stream`: its events ([`Frame`]) from
//! bytes as they come, across chunks (`server::sse` fans them out).

/// One server-sent event as read from the upstream.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

impl Frame {
    /// The upstream's last event of a stream.
    pub fn is_stop(&self) -> bool {
        self.event.as_deref() == Some("stop")
    }
}

/// An incremental `text/event-stream` parser.
#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
    current: Frame,
    has_data: bool,
}

impl Parser {
    /// Feeds bytes; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Frame> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if self.has_data || self.current.event.is_some() {
                    out.push(std::mem::take(&mut self.current));
                } else {
                    self.current = Frame::default();
                }
                self.has_data = false;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()),
                None => (line.clone(), String::new()),
            };
            match field.as_str() {
                "data" => {
                    if self.has_data {
                        self.current.data.push('\n');
                    }
                    self.current.data.push_str(&value);
                    self.has_data = true;
                }
                "event" => self.current.event = Some(value),
                "id" => self.current.id = Some(value),
                _ => {}
            }
        }
        if self.buf.len() > 1 << 20 {
            // A line longer than 1 MiB is not an order: drop it.
            self.buf.clear();
        }
        out
    }
}
