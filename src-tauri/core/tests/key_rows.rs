//! Key rows cross from SQLite as JSON arrays (`store::keys::ROW`), read back field by field in order:
//! every column must land in its own field. Each column here holds a value no other column holds.

use keyden_core::protocol::{CheckOutcome, KeyKind, KeyQuery, KeyStatus, RemoteState};
use keyden_core::store::{Database, KeyRows, Pending};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

#[tokio::test]
async fn every_column_lands_in_its_own_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyden.sqlite3");
    let db = Database::open(&path).await.unwrap();
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path)).await.unwrap();
    sqlx::query(
        "INSERT INTO keys (id, title, provider, account, environment, owner, kind, redacted, fingerprint, status, \
         created_at, revoked_at, expires_at, last_verified_at, remote_id, notes, pending, pending_pid, pending_at, \
         remote_state, synced_at, has_secret, last_checked_at, last_check, probe_url, probe_header, \
         team_account, team_key, team_version, shared_by) VALUES \
         ('key_id', 'the title', 'the provider', 'the account', 'the env', 'the owner', 'token', 'tok_…', 'fp', \
          'revoked', 11, 12, 13, 14, 'the remote id', 'the notes', 'delete', 18, 19, 'gone', 21, 1, 23, 'rejected', \
          'https://probe', 'X-Probe', 'the team', 'the team key', 29, 'the sharer')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let row = KeyRows(&db).get("key_id").await.unwrap().expect("the row");
    let k = &row.record;
    assert_eq!(
        (&*k.id, &*k.title, &*k.provider, &*k.account, &*k.environment, &*k.owner),
        ("key_id", "the title", "the provider", "the account", "the env", "the owner")
    );
    assert_eq!(
        (k.kind, &*k.redacted, &*row.fingerprint, k.status),
        (KeyKind::Token, "tok_…", "fp", KeyStatus::Revoked)
    );
    assert_eq!((k.created_at, k.revoked_at, k.expires_at, k.last_verified_at), (11, Some(12), Some(13), Some(14)));
    assert_eq!((k.remote_id.as_deref(), &*k.notes), (Some("the remote id"), "the notes"));
    assert_eq!((row.pending, row.pending_pid, row.pending_at), (Some(Pending::Delete), Some(18), Some(19)));
    assert_eq!((k.remote_state, k.synced_at, k.has_secret), (Some(RemoteState::Gone), Some(21), true));
    assert_eq!((k.last_checked_at, k.last_check), (Some(23), Some(CheckOutcome::Rejected)));
    assert_eq!((k.probe_url.as_deref(), k.probe_header.as_deref()), (Some("https://probe"), Some("X-Probe")));
    let team = k.team.as_ref().expect("the team link");
    assert_eq!(
        (&*team.account, &*team.key, team.version, &*team.shared_by),
        ("the team", "the team key", 29, "the sharer")
    );

    // The list reads the same rows through the page's aggregate: the same record, and none when the
    // search finds nothing.
    sqlx::query("UPDATE keys SET pending = NULL").execute(&pool).await.unwrap();
    let (page, matched) = KeyRows(&db).page(&KeyQuery::default(), 1).await.unwrap();
    assert_eq!((page.len(), matched), (1, 1));
    assert_eq!(&page[0], k);
    let nothing = KeyQuery { search: Some("no such key".into()), ..Default::default() };
    assert_eq!(KeyRows(&db).page(&nothing, 1).await.unwrap(), (vec![], 0));
}
