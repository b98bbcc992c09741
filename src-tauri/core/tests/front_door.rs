//! The front door both skins call: one set of rules for inspection and minting, whoever asks.

use keyden_core::clock::FixedClock;
use keyden_core::keyden::{InspectInput, KeyOrigin, MAX_LEEWAY_SECONDS};
use keyden_core::protocol::{InspectRequest, KeySource, MintRequest, Verdict};
use keyden_core::secret_store::MemoryStore;
use keyden_core::Keyden;
use std::sync::Arc;
use zeroize::Zeroizing;

const NOW: i64 = 1_800_000_000;

fn keyden(dir: &std::path::Path) -> Keyden {
    Keyden::with_parts(dir.to_path_buf(), Arc::new(MemoryStore::default()), Arc::new(FixedClock::at(NOW)), "test")
}

fn hs256(secret: &str, claims: serde_json::Value) -> String {
    keyden_core::inspect::mint::hs256(secret.as_bytes(), &claims).unwrap()
}

#[tokio::test]
async fn the_leeway_is_clamped_the_same_for_every_skin() {
    let dir = tempfile::tempdir().unwrap();
    let k = keyden(dir.path());
    let expired_long_ago = hs256("s3cret-s3cret-s3cret", serde_json::json!({ "exp": NOW - MAX_LEEWAY_SECONDS - 60 }));
    let input = |leeway| InspectInput {
        token: expired_long_ago.clone(),
        key: Some(KeyOrigin::Secret { bytes: Zeroizing::new(b"s3cret-s3cret-s3cret".to_vec()), label: "x".into() }),
        at: None,
        leeway,
        audience: None,
        issuer: None,
        shopify_api_key: None,
    };
    // A day of leeway asked for: an hour is granted, and the token is still expired.
    assert_eq!(k.inspect(input(86_400)).await.unwrap().inspection.verdict, Verdict::Expired);
    // A negative leeway is none at all, not a stricter clock.
    let fresh = hs256("s3cret-s3cret-s3cret", serde_json::json!({ "exp": NOW + 5 }));
    let i = k.inspect(InspectInput { token: fresh, ..input(-50) }).await.unwrap();
    assert_eq!(i.inspection.verdict, Verdict::Valid);
}

#[tokio::test]
async fn an_empty_pasted_secret_means_no_key_yet() {
    let dir = tempfile::tempdir().unwrap();
    let k = keyden(dir.path());
    let token = hs256("s3cret-s3cret-s3cret", serde_json::json!({ "exp": NOW + 60 }));
    let request = InspectRequest { token, key: Some(KeySource::Secret(String::new())), ..Default::default() };
    let i = k.inspect(request.into()).await.unwrap();
    assert_eq!(i.inspection.verdict, Verdict::Unverified);
}

#[tokio::test]
async fn a_minted_lifetime_stays_within_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let k = keyden(dir.path());
    let vault = k.vault().await.unwrap();
    let meta = keyden_core::vault::NewKeyMeta {
        title: "App secret".into(),
        kind: Some(keyden_core::protocol::KeyKind::ClientSecret),
        ..Default::default()
    };
    let secret =
        keyden_core::secret::SecretValue::from_input(b"shpss_0123456789abcdef0123456789abcdef".to_vec()).unwrap();
    let key = vault.add(meta, secret).await.unwrap();
    let request = MintRequest::Shopify {
        key_id: key.id,
        api_key: "client-1".into(),
        shop: "example.myshopify.com".into(),
        user: "42".into(),
        lifetime: 10 * 86_400,
    };
    let token = k.mint(request).await.unwrap().token;
    let claims = keyden_core::inspect::analyze(&token, &Default::default()).inspection.claims.unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 86_400);
}

#[tokio::test]
async fn without_a_data_directory_a_decode_still_works_and_the_vault_says_why_not() {
    let k = Keyden::open_for_inspection(keyden_core::Config {
        data_dir: Some("/proc/keyden-cannot-be-here".into()),
        origin: "test",
    });
    let token = hs256("s3cret-s3cret-s3cret", serde_json::json!({ "sub": "1" }));
    let i = k.inspect(InspectRequest { token, ..Default::default() }.into()).await.unwrap();
    assert_eq!(i.inspection.verdict, Verdict::Unverified);
    let err = k.vault().await.err().unwrap();
    assert_eq!(keyden_core::Coded::code(&err), "vault_unavailable");
}

#[test]
fn the_vault_is_asked_only_what_it_can_answer() {
    use keyden_core::inspect::{analyze, keys, Options};
    use keyden_core::vault::Vault;
    const S: &str = "s3cret-s3cret-s3cret";
    let asks = |token: &str, key: Option<&str>| {
        let key = key.map(|k| keys::secret(k.as_bytes(), "k").unwrap());
        Vault::has_questions(&analyze(token, &Options { at: NOW, key, ..Default::default() }))
    };
    let plain = hs256(S, serde_json::json!({ "sub": "1" }));
    let with_aud = hs256(S, serde_json::json!({ "sub": "1", "aud": "client-1" }));
    // Verified, no audience: nothing to look up, so a decode opens no vault.
    assert!(!asks(&plain, Some(S)));
    // Not checked, or checked and wrong: which stored secret signed it?
    assert!(asks(&plain, None));
    assert!(asks(&plain, Some("another-secret-another")));
    // An audience: which stored key's account is that client id?
    assert!(asks(&with_aud, Some(S)));
    // An opaque key: is it stored? Unrecognised input: nothing to ask.
    assert!(asks("sk_live_51HqLyjWDarjtT1zdp7dcXYZabc", None));
    assert!(!asks("not a token at all", None));
}

/// A keyring that counts its single reads, and can be locked.
#[derive(Default)]
struct CountingReads {
    inner: MemoryStore,
    gets: std::sync::atomic::AtomicUsize,
    locked: std::sync::atomic::AtomicBool,
}

impl keyden_core::secret_store::SecretStore for CountingReads {
    fn put(
        &self,
        id: &str,
        label: &str,
        secret: &keyden_core::secret::SecretValue,
    ) -> Result<(), keyden_core::secret_store::KeyringError> {
        self.inner.put(id, label, secret)
    }
    fn get(
        &self,
        id: &str,
    ) -> Result<Option<keyden_core::secret::SecretValue>, keyden_core::secret_store::KeyringError> {
        self.gets.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(keyden_core::secret_store::KeyringError::Locked("the collection is locked".into()));
        }
        self.inner.get(id)
    }
    fn remove(&self, id: &str) -> Result<bool, keyden_core::secret_store::KeyringError> {
        self.inner.remove(id)
    }
}

#[tokio::test]
async fn a_value_read_ahead_is_handed_out_only_after_the_vault_s_checks_and_read_once() {
    use keyden_core::secret::SecretValue;
    use keyden_core::vault::{NewKeyMeta, Use};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(CountingReads::default());
    let open = || Keyden::with_parts(dir.path().to_path_buf(), store.clone(), Arc::new(FixedClock::at(NOW)), "test");
    let first = open();
    let meta = |title: &str| NewKeyMeta { title: title.into(), ..Default::default() };
    let value = |v: &str| SecretValue::from_input(v.as_bytes().to_vec()).unwrap();
    let old = first.add_key(meta("Old"), value("sk_old_read_ahead_0002")).await.unwrap();
    first.revoke_key(&old.id).await.unwrap();
    let live = first.add_key(meta("Live"), value("sk_live_read_ahead_0001")).await.unwrap();
    drop(first);

    // A new process: the read starts before the vault is open; the value comes out once the key is
    // checked, and the keyring was read once.
    let k = open();
    let reads = || store.gets.load(std::sync::atomic::Ordering::SeqCst);
    let before = reads();
    k.read_ahead(&live.id);
    let (key, secret) = k.use_secret(&live.id, Use::Reveal, "test").await.unwrap();
    assert_eq!((key.id.as_str(), secret.expose()), (live.id.as_str(), "sk_live_read_ahead_0001"));
    assert_eq!(reads() - before, 1, "the value read ahead was the one handed out");

    // A revoked key is refused all the same, though its value was read ahead.
    k.read_ahead(&old.id);
    let refused = k.use_secret(&old.id, Use::Reveal, "test").await.unwrap_err();
    assert_eq!(keyden_core::Coded::code(&refused), "key_revoked", "{refused:?}");

    // Titles are not read ahead (only names with an id's form), and the key is still found by title.
    let before = reads();
    k.read_ahead("Live");
    assert_eq!(reads(), before);
    assert_eq!(k.use_secret("Live", Use::Reveal, "test").await.unwrap().1.expose(), "sk_live_read_ahead_0001");
    assert_eq!(reads() - before, 1);

    // A locked keyring: its answer to the read ahead is the answer, not asked twice.
    store.locked.store(true, std::sync::atomic::Ordering::SeqCst);
    let before = reads();
    k.read_ahead(&live.id);
    let locked = k.use_secret(&live.id, Use::Reveal, "test").await.unwrap_err();
    assert_eq!(keyden_core::Coded::code(&locked), "keyring_locked", "{locked:?}");
    assert_eq!(reads() - before, 1);
}
