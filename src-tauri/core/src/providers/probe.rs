//! The generic probe: a key of any provider (or none) with its own check — a URL and one header line
//! with `{key}` where the value goes — asked with a GET.

use super::http::Idempotent;
use super::provider::{judged, CheckAnswer};
use super::{ProviderError, Providers};
use keyden_protocol::KeyRecord;

/// `None` when the key has no probe (or no secret to send).
pub(crate) async fn check(p: &Providers<'_>, key: &KeyRecord) -> Option<Result<CheckAnswer, ProviderError>> {
    let (url, template) = (key.probe_url.clone()?, key.probe_header.clone()?);
    if !key.has_secret {
        return None;
    }
    Some(
        async {
            let secret = p.secret_for_check(key).await?;
            let (name, value) = template.split_once(':').unwrap_or_default();
            let value = zeroize::Zeroizing::new(value.trim().replace("{key}", secret.expose()));
            let service = format!("the probe for '{}' ({url})", key.title);
            let answer =
                p.http.send(&service, Idempotent::Yes, |c| c.get(&url).header(name.trim(), value.as_str())).await?;
            Ok(judged(answer.status))
        }
        .await,
    )
}
