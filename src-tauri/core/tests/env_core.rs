//! Secrets where code runs, in the core: `env import` against a real SQLite file and a keyring that
//! counts its sessions (and can give out half way), reference resolution for `run`, and `scan`.

use keyden_core::clock::FixedClock;
use keyden_core::env::import::{self, ImportOptions};
use keyden_core::env::{self, Binding, EnvError};
use keyden_core::protocol::{EnvLineClass, FindingKind, ImportAction, KeyKind, KeyStatus};
use keyden_core::scan;
use keyden_core::secret::SecretValue;
use keyden_core::secret_store::{KeyringError, MemoryStore, NewEntry, SecretStore};
use keyden_core::vault::{NewKeyMeta, Use, Vault};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

/// A keyring that counts how it is used: single calls and bulk sessions.
#[derive(Default)]
struct Counting {
    inner: MemoryStore,
    puts: AtomicUsize,
    gets: AtomicUsize,
    bulk_puts: AtomicUsize,
    bulk_gets: AtomicUsize,
}

impl SecretStore for Counting {
    fn put(&self, id: &str, label: &str, secret: &SecretValue) -> Result<(), KeyringError> {
        self.puts.fetch_add(1, SeqCst);
        self.inner.put(id, label, secret)
    }
    fn get(&self, id: &str) -> Result<Option<SecretValue>, KeyringError> {
        self.gets.fetch_add(1, SeqCst);
        self.inner.get(id)
    }
    fn remove(&self, id: &str) -> Result<bool, KeyringError> {
        self.inner.remove(id)
    }
    fn get_many(&self, ids: &[String]) -> Result<Vec<Option<SecretValue>>, KeyringError> {
        self.bulk_gets.fetch_add(1, SeqCst);
        ids.iter().map(|id| self.inner.get(id)).collect()
    }
    fn put_many(&self, entries: &[NewEntry<'_>]) -> Result<(), (usize, KeyringError)> {
        self.bulk_puts.fetch_add(1, SeqCst);
        for (i, e) in entries.iter().enumerate() {
            self.inner.put(e.id, e.label, e.secret).map_err(|err| (i, err))?;
        }
        Ok(())
    }
}

struct Fixture {
    vault: Vault,
    store: Arc<Counting>,
    project: PathBuf,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Counting::default());
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let (vault, _) = Vault::open(&data, store.clone(), Arc::new(FixedClock::at(1_800_000_000)), "test").await.unwrap();
    vault.ensure_keyring().await.unwrap();
    let project = dir.path().join("acme-shop");
    std::fs::create_dir(&project).unwrap();
    Fixture { vault, store, project, _dir: dir }
}

/// A token key added straight to the vault.
/// Revokes as the skins do: through the providers layer.
async fn revoke(f: &Fixture, id: &str) {
    let http = keyden_core::providers::http::Http::from_env();
    keyden_core::providers::Providers::new(&f.vault, &http).revoke_key(id).await.unwrap();
}

async fn token(f: &Fixture, title: &str, value: &str) -> keyden_core::protocol::KeyRecord {
    let meta = NewKeyMeta { title: title.into(), kind: Some(KeyKind::Token), ..Default::default() };
    f.vault.add(meta, secret(value)).await.unwrap()
}

fn secret(v: &str) -> SecretValue {
    SecretValue::from_input(v.as_bytes().to_vec()).unwrap()
}

const STRIPE: &str = "sk_live_51HxQ2eLkdIwHu7ixAbCdEfGh0123456789";
const GITHUB: &str = "ghp_R2d2C3poBb8Luke0Leia1Han2Chewie3Yoda4";
const MINIS: &str = "6f1c2a9e8d7b4c3a2f1e0d9c8b7a6f5e";

fn dotenv_text() -> String {
    format!(
        "\u{feff}# Acme shop — local settings\r\nexport STRIPE_SECRET_KEY={STRIPE}   # live!\r\nPORT=3000\r\n\r\n\
         GITHUB_TOKEN='{GITHUB}'\r\nSHOP_MINIS_API_KEY=\"{MINIS}\"\r\nSTRIPE_PK=pk_live_51HxQ2eLkdIwHu7ixAbCdEf\r\n\
         API_KEY=changeme\r\nDATABASE_URL=postgres://localhost/acme\r\n"
    )
}

fn write_env(f: &Fixture, text: &str) -> PathBuf {
    let path = f.project.join(".env");
    std::fs::write(&path, text).unwrap();
    path
}

fn actions(report: &keyden_core::protocol::EnvFileView) -> Vec<String> {
    report
        .lines
        .iter()
        .filter_map(|l| match &l.class {
            EnvLineClass::Secret { action, .. } => Some(format!(
                "{}:{}",
                l.name,
                match action {
                    ImportAction::Store { .. } => "store",
                    ImportAction::Stored { .. } => "stored",
                    ImportAction::Reuse { .. } => "reuse",
                    ImportAction::Skip { .. } => "skip",
                }
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn import_moves_the_secrets_and_keeps_every_other_byte() {
    let f = fixture().await;
    let path = write_env(&f, &dotenv_text());
    let report = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
    assert!(report.rewritten);
    assert_eq!(actions(&report.file), ["STRIPE_SECRET_KEY:stored", "GITHUB_TOKEN:stored", "SHOP_MINIS_API_KEY:stored"]);

    let keys = f.vault.list(&Default::default()).await.unwrap().keys;
    let by_title = |t: &str| keys.iter().find(|k| k.title == t).unwrap_or_else(|| panic!("no key {t}: {keys:?}"));
    let stripe = by_title("STRIPE_SECRET_KEY");
    assert_eq!(
        (stripe.provider.as_str(), stripe.kind, stripe.account.as_str()),
        ("stripe", KeyKind::Secret, "acme-shop")
    );
    let github = by_title("GITHUB_TOKEN");
    assert_eq!((github.provider.as_str(), github.kind), ("github", KeyKind::Token));
    let minis = by_title("SHOP_MINIS_API_KEY");
    assert_eq!((minis.provider.as_str(), minis.kind), ("generic", KeyKind::Token));
    for (key, value) in [(stripe, STRIPE), (github, GITHUB), (minis, MINIS)] {
        assert_eq!(f.store.inner.get(&key.id).unwrap().unwrap().expose(), value);
    }

    let expected = dotenv_text()
        .replace(STRIPE, &format!("keyden://{}", stripe.id))
        .replace(GITHUB, &format!("keyden://{}", github.id))
        .replace(MINIS, &format!("keyden://{}", minis.id));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected, "only the three values changed");

    // Run again: the file holds references now; nothing to do, nothing changes.
    let again = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
    assert!(!again.rewritten);
    assert!(again.file.lines.iter().filter(|l| matches!(l.class, EnvLineClass::Reference { .. })).count() == 3);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}

#[tokio::test]
async fn a_value_the_vault_holds_is_referred_to_never_stored_twice() {
    let f = fixture().await;
    let held = token(&f, "GitHub CI", GITHUB).await;
    let text = format!("A_TOKEN={GITHUB}\nB_TOKEN={GITHUB}\nC_SECRET=abcdefgh12345678\nD_SECRET=abcdefgh12345678\n");
    let path = write_env(&f, &text);
    let report = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
    assert_eq!(actions(&report.file), ["A_TOKEN:reuse", "B_TOKEN:reuse", "C_SECRET:stored", "D_SECRET:stored"]);
    let keys = f.vault.list(&Default::default()).await.unwrap().keys;
    assert_eq!(keys.len(), 2, "one new key for the value written twice: {keys:?}");
    let c = keys.iter().find(|k| k.title == "C_SECRET").unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!(
            "A_TOKEN=keyden://{h}\nB_TOKEN=keyden://{h}\nC_SECRET=keyden://{c}\nD_SECRET=keyden://{c}\n",
            h = held.id,
            c = c.id
        )
    );
}

#[tokio::test]
async fn a_revoked_value_is_left_in_the_file_with_the_reason() {
    let f = fixture().await;
    let old = token(&f, "Old", GITHUB).await;
    revoke(&f, &old.id).await;
    let path = write_env(&f, &format!("GH_TOKEN={GITHUB}\n"));
    let report = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
    let EnvLineClass::Secret { action: ImportAction::Skip { reason }, .. } = &report.file.lines[0].class else {
        panic!("{report:?}")
    };
    assert!(reason.contains("revoked") && reason.contains("Old"), "{reason}");
    assert_eq!(report.file.skipped(), 1);
    assert!(!report.rewritten);
}

#[tokio::test]
async fn a_keyring_that_fails_half_way_leaves_the_file_untouched_and_a_rerun_reuses_what_was_stored() {
    let f = fixture().await;
    let text: String = (0..6).map(|i| format!("SERVICE_{i}_TOKEN=tok_{i}_a1b2c3d4e5f6g7h8\n")).collect();
    let path = write_env(&f, &text);
    f.store.inner.fail_after_puts(3);
    let err = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap_err();
    assert!(matches!(err, EnvError::PartlyStored { stored: 3, .. }), "{err:?}");
    assert_eq!(keyden_core::Coded::code(&err), "keyring_locked");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the file is untouched");
    assert_eq!(
        f.vault.list(&Default::default()).await.unwrap().keys.len(),
        3,
        "the stored keys stay; no half-made rows"
    );

    f.store.inner.set_failing(false);
    f.store.inner.fail_after_puts(usize::MAX);
    let report = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
    let got = actions(&report.file);
    assert_eq!(got.iter().filter(|a| a.ends_with(":reuse")).count(), 3, "{got:?}");
    assert_eq!(got.iter().filter(|a| a.ends_with(":stored")).count(), 3, "{got:?}");
    assert_eq!(f.vault.list(&Default::default()).await.unwrap().keys.len(), 6, "no duplicates");
    assert!(std::fs::read_to_string(&path).unwrap().lines().all(|l| l.contains("keyden://key_")));
}

#[tokio::test]
async fn five_hundred_lines_with_fifty_secrets_import_in_one_keyring_session() {
    let f = fixture().await;
    let mut text = String::new();
    for i in 0..450 {
        text.push_str(&if i % 2 == 0 { format!("# setting {i}\n") } else { format!("SETTING_{i}=value-{i}\n") });
    }
    for i in 0..50 {
        text.push_str(&format!("SERVICE_{i}_API_KEY=k{i:02}_9f8e7d6c5b4a39281706f5e4d3c2b1a0\n"));
    }
    assert_eq!(text.lines().count(), 500);
    let path = write_env(&f, &text);
    let (puts, gets) = (f.store.puts.load(SeqCst), f.store.gets.load(SeqCst));
    let report = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
    assert_eq!(actions(&report.file).iter().filter(|a| a.ends_with(":stored")).count(), 50);
    assert_eq!(f.store.bulk_puts.load(SeqCst), 1, "one keyring session for the 50 values");
    assert_eq!((f.store.puts.load(SeqCst), f.store.gets.load(SeqCst)), (puts, gets), "and no call besides it");
}

#[tokio::test]
async fn dry_runs_read_only_files_and_symlinks() {
    let f = fixture().await;
    let text = format!("GH_TOKEN={GITHUB}\n");
    let path = write_env(&f, &text);
    let dry = import::apply(&f.vault, &path, &ImportOptions { dry_run: true, ..Default::default() }).await.unwrap();
    assert_eq!(actions(&dry.file), ["GH_TOKEN:store"]);
    assert!(!dry.rewritten);
    assert!(f.vault.list(&Default::default()).await.unwrap().keys.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms.clone()).unwrap();
    let err = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap_err();
    assert_eq!(keyden_core::Coded::code(&err), "file_read_only");
    assert!(
        f.vault.list(&Default::default()).await.unwrap().keys.is_empty(),
        "nothing stored for a file that cannot change"
    );
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();

    #[cfg(unix)]
    {
        let shared = f.project.join("shared.env");
        std::fs::rename(&path, &shared).unwrap();
        std::os::unix::fs::symlink("shared.env", &path).unwrap();
        let report = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap();
        assert!(report.rewritten);
        assert!(report.target.as_deref().unwrap().ends_with("shared.env"));
        assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_symlink(), "the link stays a link");
        assert!(std::fs::read_to_string(&shared).unwrap().starts_with("GH_TOKEN=keyden://key_"));
    }
}

#[tokio::test]
async fn a_syntax_error_names_the_file_and_line_and_changes_nothing() {
    let f = fixture().await;
    let path = write_env(&f, &format!("GH_TOKEN={GITHUB}\nBROKEN LINE\n"));
    let err = import::apply(&f.vault, &path, &ImportOptions::default()).await.unwrap_err();
    assert_eq!(keyden_core::Coded::code(&err), "env_syntax");
    assert!(err.to_string().contains(".env:2:"), "{err}");
    assert!(f.vault.list(&Default::default()).await.unwrap().keys.is_empty());
}

#[tokio::test]
async fn run_resolution_reads_every_value_in_one_session_and_audits_each_key_once() {
    let f = fixture().await;
    let a = token(&f, "Stripe prod", STRIPE).await;
    let b = token(&f, "a=b#c", GITHUB).await;
    let path = write_env(&f, "ONE=keyden://Stripe%20prod\nTWO=\"keyden://Stripe prod\"\nTHREE=keyden://a=b#c\nPLAIN=hello\nONE=keyden://a=b#c\n");
    let mut bindings = env::from_file(&path).unwrap();
    bindings.extend(env::from_parent([("FROM_PARENT".to_string(), format!("keyden://{}", a.id))]).unwrap());
    bindings.push(Binding::flag("FLAG", &b.id));
    let (gets, bulk) = (f.store.gets.load(SeqCst), f.store.bulk_gets.load(SeqCst));
    let resolved = env::resolve(&f.vault, bindings, Use::Inject, "for `npm`").await.unwrap();
    assert_eq!((f.store.gets.load(SeqCst), f.store.bulk_gets.load(SeqCst)), (gets, bulk + 1));
    let got: Vec<(String, String)> =
        resolved.injected.iter().map(|(k, v)| (k.clone(), v.expose().to_string())).collect();
    let want = |k: &str, v: &str| (k.to_string(), v.to_string());
    // The later ONE (a=b#c) wins over the earlier.
    assert_eq!(
        got,
        [
            want("ONE", GITHUB),
            want("THREE", GITHUB),
            want("FLAG", GITHUB),
            want("TWO", STRIPE),
            want("FROM_PARENT", STRIPE)
        ]
    );
    assert_eq!(resolved.plain.len(), 1);
    let audit = f.vault.audit_log(None, 50).await.unwrap();
    let injects: Vec<_> = audit.iter().filter(|e| e.action.as_str() == "inject").collect();
    assert_eq!(injects.len(), 2, "one audit line per key: {injects:?}");
    assert!(injects.iter().any(|e| e.detail == "env ONE, THREE, FLAG for `npm`"), "{injects:?}");
}

#[tokio::test]
async fn a_revoked_or_missing_reference_stops_before_any_value_is_read() {
    let f = fixture().await;
    let k = token(&f, "Gone soon", GITHUB).await;
    revoke(&f, &k.id).await;
    let path = write_env(&f, "OK=plain\nTOKEN=keyden://Gone%20soon\n");
    let bulk = f.store.bulk_gets.load(SeqCst);
    let err = env::resolve(&f.vault, env::from_file(&path).unwrap(), Use::Inject, "").await.err().unwrap();
    assert_eq!(keyden_core::Coded::code(&err), "key_revoked");
    assert!(err.to_string().contains(".env:2: TOKEN"), "{err}");
    let path = write_env(&f, "X=keyden://nobody\n");
    let err = env::resolve(&f.vault, env::from_file(&path).unwrap(), Use::Inject, "").await.err().unwrap();
    assert_eq!(keyden_core::Coded::code(&err), "key_not_found");
    assert_eq!(f.store.bulk_gets.load(SeqCst), bulk, "no value was read");
}

fn tree(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[tokio::test]
async fn scan_finds_copies_of_vault_secrets_and_known_shapes_honouring_gitignore() {
    let f = fixture().await;
    let k = token(&f, "Stripe prod", STRIPE).await;
    let reads = (f.store.gets.load(SeqCst), f.store.bulk_gets.load(SeqCst));
    let root = &f.project;
    tree(
        root,
        &[
            (".gitignore", "ignored/\n*.log\n"),
            ("src/config.js", &format!("const a = 1;\nconst key = \"{STRIPE}\";\n")),
            ("deploy/.env", &format!("\nURL=https://x\nSTRIPE={STRIPE}\n")),
            ("ignored/copy.txt", STRIPE),
            ("debug.log", STRIPE),
            ("docs/readme.md", "use sk_live_xxx or sk_live_<your key>; GH ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n"),
        ],
    );
    std::fs::write(root.join("image.bin"), [STRIPE.as_bytes(), &[0, 1, 2]].concat()).unwrap();
    let index = scan::index(&f.vault).await.unwrap();
    let report = scan::scan_paths(&index, std::slice::from_ref(root)).unwrap();
    assert_eq!((f.store.gets.load(SeqCst), f.store.bulk_gets.load(SeqCst)), reads, "no secret read from the keyring");
    let mut found: Vec<String> = report
        .findings
        .iter()
        .map(|x| {
            let rel = Path::new(&x.path).strip_prefix(root).unwrap().display().to_string();
            match &x.what {
                FindingKind::VaultSecret { key } => format!("{rel}:{} vault {}", x.line, key.id),
                FindingKind::KnownShape { provider, .. } => format!("{rel}:{} shape {provider} {}", x.line, x.redacted),
            }
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            format!("deploy/.env:3 vault {}", k.id),
            "docs/readme.md:1 shape github ghp_Ab…6789".to_string(),
            format!("src/config.js:2 vault {}", k.id),
        ]
    );
    assert_eq!(report.vault_secrets(), 2);
    assert_eq!(report.files_skipped, 1, "the binary");
    // Revoked keys are still recognised, and say so.
    revoke(&f, &k.id).await;
    let index = scan::index(&f.vault).await.unwrap();
    let report = scan::scan_paths(&index, &[root.join("src")]).unwrap();
    assert!(matches!(&report.findings[0].what, FindingKind::VaultSecret { key } if key.status == KeyStatus::Revoked));
}
