-- Two changes to accounts (issue 10):
-- * provider kinds are validated in Rust (ProviderKind::parse), so that a new provider is one file and a
--   registry line, not a table rebuild: the CHECK (provider IN …) goes;
-- * a failed sync keeps what kind of failure it was (last_sync_failure: unreachable | unauthorized |
--   refused | rate_limited | server | malformed | other), so the UI's "Offline" badge reads a kind, not
--   the English message beside it.
-- SQLite cannot drop a CHECK in place: the table is rebuilt. No other table references it.
CREATE TABLE accounts_new (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL UNIQUE,
    provider             TEXT NOT NULL,
    base_url             TEXT NOT NULL,
    auth                 TEXT NOT NULL CHECK (auth IN ('emailpass', 'secret-key', 'api-key')),
    login                TEXT NOT NULL DEFAULT '',
    credential_key_id    TEXT,
    actor                TEXT NOT NULL DEFAULT '',
    one_active_secret    INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    last_sync_at         INTEGER,
    last_sync_attempt_at INTEGER,
    last_sync_error      TEXT,
    last_sync_failure    TEXT CHECK (last_sync_failure IN
        ('unreachable', 'unauthorized', 'refused', 'rate_limited', 'server', 'malformed', 'other')),
    remote_count         INTEGER
);
INSERT INTO accounts_new (id, name, provider, base_url, auth, login, credential_key_id, actor, one_active_secret,
    created_at, last_sync_at, last_sync_attempt_at, last_sync_error, last_sync_failure, remote_count)
SELECT id, name, provider, base_url, auth, login, credential_key_id, actor, one_active_secret,
    created_at, last_sync_at, last_sync_attempt_at, last_sync_error,
    CASE WHEN last_sync_error IS NULL THEN NULL ELSE 'other' END, remote_count
FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
