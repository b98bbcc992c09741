//! A small HTTP/1.1 server on 127.0.0.1 for contract fakes: a handler sees each request (method, path,
//! headers, body) and says how to answer — including the failures a real network produces (no
//! answer, a dropped connection, a body cut short).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// A query parameter's value (no percent-decoding: the fakes only read plain numbers).
    pub fn query(&self, name: &str) -> Option<&str> {
        let q = self.target.split_once('?')?.1;
        q.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub enum Answer {
    /// Status, extra headers, body (sent as application/json).
    Http(u16, Vec<(String, String)>, String),
    /// Keep the connection open and never answer.
    Hang,
    /// Close the connection without a word.
    Drop,
    /// Announce the whole body's length, send only the first `n` bytes, close.
    CutShort(u16, String, usize),
}

impl Answer {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Answer::Http(status, vec![], body.into())
    }
}

pub struct HttpFake {
    pub url: String,
    hits: Arc<AtomicUsize>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl HttpFake {
    pub fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (counter, stopped) = (hits.clone(), stop.clone());
        let handler = Arc::new(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let (handler, counter) = (handler.clone(), counter.clone());
                std::thread::spawn(move || serve(stream, handler.as_ref(), &counter));
            }
        });
        HttpFake { url, hits, stop }
    }

    /// Requests answered (or refused) so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for HttpFake {
    fn drop(&mut self) {
        // Stop accepting: wake the accept loop with one last connection it will not serve.
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn serve(stream: TcpStream, handler: &(dyn Fn(&Request) -> Answer + Send + Sync), hits: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let Some(request) = read_request(&mut reader) else { return };
        hits.fetch_add(1, Ordering::SeqCst);
        let mut stream = stream.try_clone().unwrap();
        match handler(&request) {
            Answer::Http(status, headers, body) => {
                let extra: String = headers.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).is_err() {
                    return;
                }
            }
            Answer::Hang => {
                std::thread::sleep(std::time::Duration::from_secs(120));
                return;
            }
            Answer::Drop => return,
            Answer::CutShort(status, body, n) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body.as_bytes()[..n.min(body.len())]);
                return;
            }
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request { method, target, headers, body })
}
