//! What the vault adds to an inspection: which stored secret signed the token, which stored key is
//! the token's audience, whether a pasted opaque key is already stored. Reads secrets only to compute
//! HMACs — never returns them.

use super::{Vault, VaultError};
use crate::inspect::keys::secret as hmac_key;
use crate::inspect::{Algorithm, Analysis, SignatureState};
use crate::secret::SecretValue;
use keyden_protocol::{relative_time, KeyQuery, KeyRecord, KeyStatus, TokenKind, VaultMatch, Verdict};

/// Repeated verifications with one key within this many seconds share one audit line.
const VERIFY_AUDIT_EVERY_SECONDS: i64 = 60;

fn vault_match(k: &KeyRecord) -> VaultMatch {
    VaultMatch { id: k.id.clone(), title: k.title.clone(), status: k.status, revoked_at: k.revoked_at }
}

/// "'Staging app client secret' (revoked 3 days ago)".
fn named(m: &VaultMatch, now: i64) -> String {
    match (m.status, m.revoked_at) {
        (KeyStatus::Revoked, Some(at)) => format!("'{}' (revoked {})", m.title, relative_time(at, now)),
        (KeyStatus::Revoked, None) => format!("'{}' (revoked)", m.title),
        _ => format!("'{}'", m.title),
    }
}

impl Vault {
    /// Every settled key with its secret, active and revoked, read from the keyring once per vault:
    /// the signer search runs again on every keystroke in the Inspector.
    async fn hmac_candidates(&self) -> Result<std::sync::Arc<super::SecretsLoaded>, VaultError> {
        let mut cache = self.hmac_cache.lock().await;
        if let Some(c) = cache.as_ref() {
            return Ok(c.clone());
        }
        let mut keys = self.rows().list(&KeyQuery::default(), self.now()).await?;
        // Mirrored keys whose secret Keyden never saw have no keyring entry to read.
        keys.retain(|k| k.has_secret);
        let ids: Vec<String> = keys.iter().map(|k| k.id.clone()).collect();
        let secrets = self.keyring(move |s| s.get_many(&ids)).await?;
        let loaded: Vec<_> = keys.into_iter().zip(secrets).filter_map(|(k, s)| s.map(|s| (k, s))).collect();
        let loaded = std::sync::Arc::new(loaded);
        *cache = Some(loaded.clone());
        Ok(loaded)
    }

    /// Forgets the secrets the signer search keeps in memory (after a vault change, or on request).
    pub async fn forget_cached_secrets(&self) {
        *self.hmac_cache.lock().await = None;
    }

    /// Which vault secret signed this HMAC token, if any, and how many were tried.
    pub async fn find_signer(&self, analysis: &Analysis) -> Result<(Option<VaultMatch>, u32), VaultError> {
        let Some((decoded, alg)) = &analysis.token else { return Ok((None, 0)) };
        if !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
            return Ok((None, 0));
        }
        let candidates = self.hmac_candidates().await?;
        for (key, secret) in candidates.iter() {
            let Ok(crate::inspect::VerifyKey::Single { candidate, .. }) = hmac_key(secret.expose().as_bytes(), "")
            else {
                continue;
            };
            if crate::inspect::crypto::verify(
                &decoded.signature_b64,
                decoded.signing_input.as_bytes(),
                &candidate.key,
                *alg,
            ) == Ok(true)
            {
                return Ok((Some(vault_match(key)), candidates.len() as u32));
            }
        }
        Ok((None, candidates.len() as u32))
    }

    /// Whether [`explain`](Self::explain) has anything to look up for this analysis. A decode that asks
    /// nothing of the vault (a verified token with no audience) does not open it.
    pub fn has_questions(analysis: &Analysis) -> bool {
        let i = &analysis.inspection;
        match i.kind {
            TokenKind::OpaqueKey { .. } => return true,
            TokenKind::Unknown => return false,
            _ => {}
        }
        let audience = i.claims.as_ref().and_then(|c| c.get("aud")).is_some_and(|a| a.is_string());
        let hmac = matches!(&analysis.token, Some((_, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)));
        let signer_unknown = matches!(analysis.signature, SignatureState::NotChecked | SignatureState::Invalid);
        audience || (hmac && signer_unknown)
    }

    /// Adds the vault's knowledge to an inspection. Failures (a locked keyring) leave it as it was,
    /// with a sentence saying what could not be looked up.
    pub async fn explain(&self, analysis: &mut Analysis) {
        // "revoked 3 days ago" is about the vault's clock, not the instant the token is judged at.
        let now = self.now();
        let i = &mut analysis.inspection;
        match &i.kind {
            TokenKind::OpaqueKey { .. } => {
                if let Ok(value) = SecretValue::from_input(analysis.cleaned.clone().into_bytes()) {
                    if let Ok(found) = self.find_by_value(&value).await {
                        i.vault_matches = found.iter().map(vault_match).collect();
                        if let Some(m) = i.vault_matches.first() {
                            i.diagnosis.push_str(&format!(" It is in the vault as {}.", named(m, now)));
                        } else {
                            i.diagnosis.push_str(" It is not in the vault.");
                        }
                    }
                }
                return;
            }
            TokenKind::Unknown => return,
            _ => {}
        }
        // The audience, when a vault key's account holds that client id.
        if let Some(aud) = i.claims.as_ref().and_then(|c| c.get("aud")).and_then(|a| a.as_str()) {
            // A targeted query: the Inspector runs this on every keystroke, whatever the vault's size.
            if let Ok(keys) = self.rows().by_account(aud).await {
                i.vault_matches = keys.iter().map(|r| vault_match(&r.record)).collect();
                if i.verdict == Verdict::WrongAudience {
                    if let Some(m) = i.vault_matches.first() {
                        i.diagnosis
                            .push_str(&format!(" Client id {aud} is the account of the vault key {}.", named(m, now)));
                    }
                }
            }
        }
        // Name the signer when the signature was not checked (no key given) or did not match.
        if !matches!(analysis.signature, SignatureState::NotChecked | SignatureState::Invalid) {
            return;
        }
        match self.find_signer(analysis).await {
            Ok((signer, tried)) => {
                let i = &mut analysis.inspection;
                if tried == 0 && signer.is_none() {
                    return;
                }
                i.secrets_tried = Some(tried);
                match &signer {
                    Some(m) => i.diagnosis.push_str(&format!(" It was signed with {}.", named(m, now))),
                    None if analysis.signature == SignatureState::Invalid => {
                        i.diagnosis.push_str(&format!(" None of the {tried} secrets in the vault signed it."))
                    }
                    None => {}
                }
                i.signer = signer;
            }
            Err(e) => analysis
                .inspection
                .diagnosis
                .push_str(&format!(" (The vault's secrets could not be searched for the signer: {e}.)")),
        }
    }

    /// A vault key's secret as an HMAC verification key — revoked keys included, since diagnosing old
    /// tokens is exactly what a revoked secret is kept for. Audited as `verify`.
    /// An active key's secret, to sign a new token with. A revoked key still verifies old tokens (that
    /// is what it is kept for) but signs nothing new: a token minted with it would carry a dead key's
    /// authority.
    pub async fn signing_secret(&self, name: &str) -> Result<(KeyRecord, SecretValue), VaultError> {
        self.usable(name).await?;
        self.verification_secret(name).await
    }

    pub async fn verification_secret(&self, name: &str) -> Result<(KeyRecord, SecretValue), VaultError> {
        let key = self.resolve(name).await?;
        if !key.has_secret {
            return Err(VaultError::NeverHeld(key.title));
        }
        let id = key.id.clone();
        let secret =
            self.keyring(move |s| s.get(&id)).await?.ok_or_else(|| VaultError::SecretMissing(key.title.clone()))?;
        // The Inspector verifies on every keystroke: one audit line per key per minute says the same.
        let now = self.now();
        let recent = {
            let mut last = self.last_verify_audit.lock().await;
            let recent = last.get(&key.id).is_some_and(|at| now - at < VERIFY_AUDIT_EVERY_SECONDS);
            if !recent {
                last.insert(key.id.clone(), now);
            }
            recent
        };
        if !recent {
            self.audit(&key, keyden_protocol::AuditAction::Verify, "used to verify or mint a token").await?;
        }
        Ok((key, secret))
    }
}
