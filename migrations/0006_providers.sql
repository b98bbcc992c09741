-- Provider accounts (issue 4). Credentials are never here: a Medusa password and its cached admin JWT
-- live in the keyring under `account:<id>:password` / `account:<id>:jwt`; a secret key or a Shop Minis API
-- key used as the account's credential is an ordinary vault key, named by credential_key_id.
CREATE TABLE accounts (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL UNIQUE,
    provider             TEXT NOT NULL CHECK (provider IN ('medusa', 'shop-minis')),
    base_url             TEXT NOT NULL,
    auth                 TEXT NOT NULL CHECK (auth IN ('emailpass', 'secret-key', 'api-key')),
    login                TEXT NOT NULL DEFAULT '',
    credential_key_id    TEXT,
    -- The remote user Keyden acts as (Medusa's actor_id), learned at login: the owner of the keys it creates.
    actor                TEXT NOT NULL DEFAULT '',
    one_active_secret    INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    last_sync_at         INTEGER,
    last_sync_attempt_at INTEGER,
    last_sync_error      TEXT,
    remote_count         INTEGER
);

-- What the mirror knows about a key's remote life. remote_state: NULL for a local-only key, 'present'
-- while the provider lists it, 'gone' once a sync no longer finds it (kept, never silently dropped).
-- has_secret = 0 for keys mirrored from a provider that never showed Keyden their secret.
ALTER TABLE keys ADD COLUMN remote_state TEXT CHECK (remote_state IN ('present', 'gone'));
ALTER TABLE keys ADD COLUMN synced_at INTEGER;
ALTER TABLE keys ADD COLUMN has_secret INTEGER NOT NULL DEFAULT 1;
ALTER TABLE keys ADD COLUMN last_checked_at INTEGER;
ALTER TABLE keys ADD COLUMN last_check TEXT CHECK (last_check IN ('accepted', 'rejected', 'error'));
-- A generic key's health probe: a URL and one header line with `{key}` where the value goes.
ALTER TABLE keys ADD COLUMN probe_url TEXT;
ALTER TABLE keys ADD COLUMN probe_header TEXT;

CREATE UNIQUE INDEX keys_remote ON keys (provider, account, remote_id) WHERE remote_id IS NOT NULL;

-- The one-active-secret rule is Keyden's policy for keys it makes; a provider's own list is mirrored as it
-- is (a newer Medusa allows several active secret keys), so mirrored rows are outside the index.
DROP INDEX keys_one_active_secret;
CREATE UNIQUE INDEX keys_one_active_secret ON keys (provider, account, owner)
    WHERE kind = 'secret' AND status = 'active' AND remote_id IS NULL;

-- Every health check: when it last worked, and when it started failing.
CREATE TABLE key_checks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'error')),
    http_status INTEGER,
    latency_ms  INTEGER NOT NULL,
    message     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX key_checks_key ON key_checks (key_id, at);
