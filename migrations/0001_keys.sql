-- Key metadata. Never a secret value: that lives in the OS keyring under service 'keyden', user = id.
CREATE TABLE keys (
    id               TEXT PRIMARY KEY NOT NULL,
    title            TEXT NOT NULL,
    provider         TEXT NOT NULL DEFAULT 'generic',
    account          TEXT NOT NULL DEFAULT '',
    environment      TEXT NOT NULL DEFAULT '',
    owner            TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL CHECK (kind IN ('secret', 'publishable', 'token', 'client-secret')),
    redacted         TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at       INTEGER NOT NULL,
    revoked_at       INTEGER,
    expires_at       INTEGER,
    last_verified_at INTEGER,
    remote_id        TEXT,
    notes            TEXT NOT NULL DEFAULT '',
    -- The journal between SQLite and the keyring: NULL once both stores agree; 'create' while the
    -- secret is being written, 'delete' while it is being removed. pending_pid/pending_at let the
    -- start-up recovery tell an abandoned step from one another process is still running.
    pending          TEXT CHECK (pending IN ('create', 'delete')),
    pending_pid      INTEGER,
    pending_at       INTEGER
);

-- At most one active secret key per (provider, account, owner): enforced here so that the app and the
-- CLI, writing to one database at the same time, cannot both win.
CREATE UNIQUE INDEX keys_one_active_secret ON keys (provider, account, owner)
    WHERE kind = 'secret' AND status = 'active';

CREATE INDEX keys_fingerprint ON keys (fingerprint);
-- Serves the filter menus (facets) without a table scan.
CREATE INDEX keys_facets ON keys (provider, environment, pending);
CREATE INDEX keys_pending ON keys (pending) WHERE pending IS NOT NULL;
