//! A fault-injecting proxy in front of a real server: requests pass through unchanged until a test
//! switches on a fault — a burst of 5xx answers, or answers cut short — for the requests whose path
//! holds a given text. The server behind stays the real one; only the network misbehaves.

use crate::http::{Answer, HttpFake, Request};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    None,
    /// The next `n` matching requests answer this status.
    Burst(u16, usize),
    /// The next `n` matching requests get this answer: a server's own words, such as OpenBao's
    /// refusal to renew a token past its max TTL.
    Says(u16, &'static str, usize),
    /// Every matching answer is cut short after `n` bytes of its body.
    CutShort(usize),
}

pub struct FaultProxy {
    pub fake: HttpFake,
    fault: Arc<Mutex<(String, Fault)>>,
}

impl FaultProxy {
    pub fn start(backend: &str) -> Self {
        let fault = Arc::new(Mutex::new((String::new(), Fault::None)));
        let (shared, backend) = (fault.clone(), backend.trim_start_matches("http://").to_string());
        let fake = HttpFake::start(move |req: &Request| {
            let mut f = shared.lock().unwrap();
            let matches = req.target.contains(f.0.as_str());
            match f.1.clone() {
                Fault::Burst(status, n) if matches && n > 0 => {
                    f.1 = Fault::Burst(status, n - 1);
                    return Answer::json(status, r#"{"errors":["injected failure"]}"#);
                }
                Fault::Says(status, body, n) if matches && n > 0 => {
                    f.1 = Fault::Says(status, body, n - 1);
                    return Answer::json(status, body);
                }
                Fault::CutShort(n) if matches => {
                    let (status, body) = forward(&backend, req);
                    return Answer::CutShort(status, body, n);
                }
                _ => {}
            }
            drop(f);
            let (status, body) = forward(&backend, req);
            Answer::json(status, body)
        });
        FaultProxy { fake, fault }
    }

    pub fn url(&self) -> &str {
        &self.fake.url
    }

    /// The fault as it stands: a burst's count tells how many of its answers were not yet asked for.
    pub fn fault(&self) -> Fault {
        self.fault.lock().unwrap().1.clone()
    }

    /// Applies `fault` to the requests whose path and query contain `path_part`.
    pub fn set(&self, path_part: &str, fault: Fault) {
        *self.fault.lock().unwrap() = (path_part.to_string(), fault);
    }
}

/// The request as HTTP/1.0 (so the answer comes whole, closed at its end, never chunked).
fn forward(backend: &str, req: &Request) -> (u16, String) {
    let mut s = TcpStream::connect(backend).expect("the backend answers");
    let mut head =
        format!("{} {} HTTP/1.0\r\nHost: {backend}\r\nContent-Length: {}\r\n", req.method, req.target, req.body.len());
    for (n, v) in &req.headers {
        if n.eq_ignore_ascii_case("x-vault-token") || n.eq_ignore_ascii_case("content-type") {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&req.body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_str(), ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(502);
    (status, body.to_string())
}
