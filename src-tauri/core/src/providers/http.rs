//! The one HTTP client every provider call goes through: timeouts, retries with exponential backoff on
//! 5xx, 429 and dropped connections (Retry-After honoured), and a cap on how much of a body is read.
//!
//! Only requests that are safe to repeat are retried on a 5xx or a timeout: a POST that creates a key may
//! have been applied before the server failed, so it is retried only when it never reached the server
//! (connection refused) or the server said 429 (rate limited: not processed).

use super::ProviderError;
use std::time::{Duration, Instant};

/// A response body larger than this is refused, not read.
const MAX_BODY: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A Retry-After longer than this is not waited out: the caller gets `RateLimited` at once.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
pub struct Http {
    /// Built at the first request: building it loads and parses every CA certificate of the system
    /// (a few ms), which a `keyden get` or the app's first screen should not pay. Shared by clones.
    /// A client that could not be built (no TLS trust store on this machine) is an error at the first
    /// request, not a panic at start-up: with `panic = "abort"` the app would simply vanish.
    client: std::sync::Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    timeout: Duration,
    policy: RetryPolicy,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub latency: Duration,
    pub retry_after: Option<Duration>,
    /// Where a redirect that was not followed pointed.
    pub location: Option<String>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self, service: &str) -> Result<T, ProviderError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| ProviderError::Malformed { service: service.to_string(), reason: e.to_string() })
    }

    pub fn latency_ms(&self) -> u32 {
        u32::try_from(self.latency.as_millis()).unwrap_or(u32::MAX)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Idempotent {
    Yes,
    No,
}

impl Http {
    /// Timeout and retry timing can be shortened for tests through `KEYDEN_HTTP_TIMEOUT_MS` and
    /// `KEYDEN_HTTP_RETRY_BASE_MS`; nothing else reads the environment.
    pub fn from_env() -> Self {
        let ms = |name: &str, default: u64| {
            std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok()).map_or(default, |v| v)
        };
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(ms("KEYDEN_HTTP_RETRY_BASE_MS", 300)),
            ..RetryPolicy::default()
        };
        Http::new(Duration::from_millis(ms("KEYDEN_HTTP_TIMEOUT_MS", 15_000)), policy)
    }

    pub fn new(timeout: Duration, policy: RetryPolicy) -> Self {
        Http { client: Default::default(), timeout, policy }
    }

    fn client(&self) -> &Result<reqwest::Client, String> {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.timeout.min(Duration::from_secs(5)))
                .user_agent(concat!("keyden/", env!("CARGO_PKG_VERSION")))
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| root_cause(&e))
        })
    }

    /// Sends the request `build` makes (again for each attempt) and reads the answer. A 5xx or 429 that
    /// outlives the retries comes back as an `Answer` for the provider to map with its own error body.
    pub async fn send(
        &self,
        service: &str,
        idempotent: Idempotent,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, ProviderError> {
        self.send_bounded(service, idempotent, self.timeout, MAX_BODY, build).await
    }

    /// [`send`](Self::send) with a shorter timeout per attempt and a smaller body limit, for a caller
    /// that knows what it expects (a JWKS is a few KB, and someone is waiting for it).
    pub async fn send_bounded(
        &self,
        service: &str,
        idempotent: Idempotent,
        timeout: Duration,
        max_body: usize,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, ProviderError> {
        let timeout = timeout.min(self.timeout);
        let client =
            self.client().as_ref().map_err(|reason| ProviderError::TlsUnavailable { reason: reason.clone() })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= self.policy.attempts;
            let started = Instant::now();
            let outcome = match build(client).timeout(timeout).send().await {
                Ok(response) => read(response, started, max_body).await,
                Err(e) => Err(Failed::Transport(e)),
            };
            let wait = match &outcome {
                Ok(a) if a.status == 429 => match a.retry_after {
                    Some(d) if d > self.policy.max_retry_after => None,
                    Some(d) => Some(d),
                    None => Some(self.backoff(attempt)),
                },
                Ok(a) if a.status >= 500 && idempotent == Idempotent::Yes => Some(self.backoff(attempt)),
                Ok(a) if (300..400).contains(&a.status) => {
                    return Err(ProviderError::Redirected {
                        service: service.to_string(),
                        status: a.status,
                        to: a.location.clone().unwrap_or_else(|| "no Location given".into()),
                    })
                }
                Ok(_) => None,
                Err(Failed::Transport(e)) if e.is_connect() => Some(self.backoff(attempt)),
                Err(Failed::Transport(e))
                    if idempotent == Idempotent::Yes && (e.is_timeout() || e.is_request() || e.is_body()) =>
                {
                    Some(self.backoff(attempt))
                }
                Err(_) => None,
            };
            match (wait, last) {
                (Some(d), false) => {
                    tracing::debug!(service, attempt, delay_ms = d.as_millis() as u64, "retrying");
                    tokio::time::sleep(d).await;
                }
                _ => {
                    return outcome.map_err(|failed| match failed {
                        Failed::Transport(e) => transport_error(service, timeout, e),
                        Failed::TooLarge => ProviderError::Malformed {
                            service: service.to_string(),
                            reason: format!("the answer is larger than {max_body} bytes"),
                        },
                    })
                }
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.policy.base_delay.saturating_mul(1 << (attempt - 1).min(10));
        // Up to 25% jitter, so clients that failed together do not retry together.
        let mut b = [0u8; 1];
        let _ = getrandom::getrandom(&mut b);
        let jitter = exp.mul_f64(f64::from(b[0]) / 255.0 / 4.0);
        (exp + jitter).min(self.policy.max_delay)
    }
}

/// Redirects are followed only within the origin (scheme, host and port) the request was sent to: every
/// request may carry a credential — a header, a body, Basic — and a server must not be able to hand it on
/// to another origin. A redirect elsewhere is not followed; `send` turns it into `Redirected`.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if !same || attempt.previous().len() > 5 {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

fn transport_error(service: &str, timeout: Duration, e: reqwest::Error) -> ProviderError {
    let service = service.to_string();
    if e.is_timeout() {
        ProviderError::Timeout { service, seconds: timeout.as_secs_f32() }
    } else if e.is_decode() || e.is_body() {
        ProviderError::Malformed { service, reason: format!("the answer broke off: {}", root_cause(&e)) }
    } else {
        ProviderError::Unreachable { service, reason: root_cause(&e) }
    }
}

enum Failed {
    Transport(reqwest::Error),
    /// The body outgrew its limit: read no further, and never hand on a cut-off body as if whole.
    TooLarge,
}

async fn read(mut response: reqwest::Response, started: Instant, max_body: usize) -> Result<Answer, Failed> {
    let status = response.status().as_u16();
    let retry_after =
        response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| parse_retry_after(v.to_str().ok()?));
    let location =
        response.headers().get(reqwest::header::LOCATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failed::Transport)? {
        if body.len() + chunk.len() > max_body {
            return Err(Failed::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body, latency: started.elapsed(), retry_after, location })
}

/// Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

/// The innermost error's words ("Connection refused"), not reqwest's wrapper chain.
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_and_its_trust_store_are_built_at_the_first_request_and_shared() {
        let http = Http::new(Duration::from_secs(1), RetryPolicy::default());
        let copy = http.clone();
        assert!(http.client.get().is_none(), "no CA certificates read before a request needs them");
        assert!(copy.client().is_ok());
        assert!(http.client.get().is_some(), "a clone's client is the same one");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        let d = parse_retry_after(&later).unwrap();
        assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120), "{d:?}");
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[tokio::test]
    async fn a_client_that_could_not_be_built_fails_its_requests_not_the_process() {
        let http = Http {
            client: std::sync::Arc::new(Err("no trusted certificates".to_string()).into()),
            ..Http::new(Duration::from_secs(1), RetryPolicy::default())
        };
        let err = http.send("Test", Idempotent::Yes, |c| c.get("https://127.0.0.1:9/")).await.unwrap_err();
        assert!(matches!(&err, ProviderError::TlsUnavailable { reason } if reason.contains("certificates")), "{err:?}");
        assert_eq!(crate::Coded::code(&err), "tls_unavailable");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let http = Http::new(Duration::from_secs(1), RetryPolicy::default());
        let (a, b, c) = (http.backoff(1), http.backoff(2), http.backoff(20));
        assert!(a >= Duration::from_millis(300) && a <= Duration::from_millis(375), "{a:?}");
        assert!(b >= Duration::from_millis(600), "{b:?}");
        assert_eq!(c, Duration::from_secs(5));
    }
}
