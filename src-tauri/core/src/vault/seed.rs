//! Deterministic sample keys for benches, demos and screenshots (never called by the app or CLI).

use super::{NewKeyMeta, Vault, VaultError};
use crate::secret::SecretValue;
use keyden_protocol::KeyKind;

const PROVIDERS: [(&str, &str); 6] = [
    ("stripe", "sk_live_"),
    ("medusa", "sk_"),
    ("shopify", "shpat_"),
    ("github", "ghp_"),
    ("slack", "xoxb-"),
    ("shop-minis", "mini_"),
];
const ENVS: [&str; 3] = ["prod", "staging", "dev"];

/// Adds `n` keys: titles like "stripe prod key 42", one secret key per account so the one-active rule
/// holds, tokens and client secrets for the rest, a tenth of them expiring.
pub async fn seed(vault: &Vault, n: usize) -> Result<(), VaultError> {
    let now = vault.now();
    for i in 0..n {
        let (provider, prefix) = PROVIDERS[i % PROVIDERS.len()];
        let env = ENVS[(i / PROVIDERS.len()) % ENVS.len()];
        let kind = match i % 4 {
            0 => KeyKind::Secret,
            1 => KeyKind::Publishable,
            2 => KeyKind::Token,
            _ => KeyKind::ClientSecret,
        };
        let meta = NewKeyMeta {
            title: format!("{provider} {env} key {i}"),
            provider: provider.into(),
            account: format!("account-{i}"),
            environment: env.into(),
            owner: "seed".into(),
            kind: Some(kind),
            expires_at: (i % 10 == 0).then_some(now + (i as i64 % 60) * 86_400),
            notes: String::new(),
            ..Default::default()
        };
        let value = SecretValue::from_input(
            format!("{prefix}{:032x}", (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15)).into_bytes(),
        )?;
        vault.add(meta, value).await?;
    }
    Ok(())
}
