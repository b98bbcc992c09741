//! JWKS from a URL: fetched through the shared HTTP client (retries, a running body limit), cached in SQLite with its fetch time, so verification works
//! offline. A fresh cached copy (under an hour old) is used without asking the network; an older one
//! is refreshed, and if the server times out or fails, the cached set is used with a note saying so.

use crate::providers::http::{Http, Idempotent};
use crate::providers::ProviderError;
use crate::store::{Database, JwksCache, StoreError};
use std::time::Duration;

/// How long a fetched set is used without asking the server again.
pub const FRESH_SECONDS: i64 = 3600;
const TIMEOUT: Duration = Duration::from_secs(5);
/// Real JWKS documents are a few KB.
const MAX_BODY_BYTES: usize = 512 * 1024;

/// Why a download gave no usable JWKS.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("no answer within {0} s")]
    Timeout(f32),
    #[error("{0}")]
    Transport(ProviderError),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the answer is not text")]
    NotText,
    #[error("the answer is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("the answer is JSON but has no \"keys\" array")]
    NoKeys,
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("cannot fetch the JWKS at {url}: {why}")]
    Fetch { url: String, why: DownloadError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl crate::Coded for JwksError {
    fn code(&self) -> &'static str {
        match self {
            JwksError::Fetch { .. } => "jwks_unavailable",
            JwksError::Store(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            JwksError::Fetch { .. } => {
                Some("check the URL and the network; once fetched, a JWKS is cached and works offline".into())
            }
            JwksError::Store(e) => e.hint(),
        }
    }
}

pub struct Fetched {
    pub body: String,
    pub fetched_at: i64,
    /// Set when the cached copy was used because the server could not be reached.
    pub note: Option<String>,
}

async fn download(http: &Http, url: &str) -> Result<String, DownloadError> {
    let service = "the JWKS server";
    let answer = http
        .send_bounded(service, Idempotent::Yes, TIMEOUT, MAX_BODY_BYTES, |c| {
            c.get(url).header("accept", "application/json")
        })
        .await
        .map_err(|e| match e {
            ProviderError::Timeout { seconds, .. } => DownloadError::Timeout(seconds),
            other => DownloadError::Transport(other),
        })?;
    if !answer.is_success() {
        return Err(DownloadError::Status(answer.status));
    }
    let body = String::from_utf8(answer.body).map_err(|_| DownloadError::NotText)?;
    let parsed: serde_json::Value = serde_json::from_str(&body).map_err(DownloadError::NotJson)?;
    if !parsed.get("keys").is_some_and(|k| k.is_array()) {
        return Err(DownloadError::NoKeys);
    }
    Ok(body)
}

/// The JWKS at `url`, from the cache when fresh (or when the server fails), else from the network.
pub async fn fetch(db: &Database, http: &Http, url: &str, now: i64, refresh: bool) -> Result<Fetched, JwksError> {
    let cache = JwksCache(db);
    let cached = cache.get(url).await?;
    if let Some((body, fetched_at)) = &cached {
        if !refresh && now - fetched_at < FRESH_SECONDS && now >= *fetched_at {
            return Ok(Fetched { body: body.clone(), fetched_at: *fetched_at, note: None });
        }
    }
    match download(http, url).await {
        Ok(body) => {
            cache.put(url, &body, now).await?;
            Ok(Fetched { body, fetched_at: now, note: None })
        }
        Err(why) => match cached {
            Some((body, fetched_at)) => Ok(Fetched {
                note: Some(format!(
                    "the JWKS at {url} could not be fetched ({why}); using the copy cached {}",
                    keyden_protocol::relative_time(fetched_at, now)
                )),
                body,
                fetched_at,
            }),
            None => Err(JwksError::Fetch { url: url.into(), why }),
        },
    }
}
