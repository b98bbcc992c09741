-- The team vault (issue 12): OpenBao accounts and keys shared through them.
-- * accounts: three more ways to sign in (an OpenBao token, userpass, AppRole), where the team's keys
--   live (KV v2 mount and prefix; base_url may hold several URLs, comma-separated), and when the
--   session token expires (never the token: it is a keyring entry, `account:<id>:jwt`). SQLite cannot
--   widen a CHECK in place: the table is rebuilt.
-- * keys: the link to the shared copy (team account name, the key's name under the prefix, the version
--   this member last synced, who shared it). A shared key keeps its own provider, account and owner.
CREATE TABLE accounts_new (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL UNIQUE,
    provider             TEXT NOT NULL,
    base_url             TEXT NOT NULL,
    auth                 TEXT NOT NULL CHECK (auth IN
        ('emailpass', 'secret-key', 'api-key', 'token', 'userpass', 'approle')),
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
    remote_count         INTEGER,
    team_mount           TEXT,
    team_prefix          TEXT,
    token_expires_at     INTEGER,
    token_ttl            INTEGER
);
INSERT INTO accounts_new (id, name, provider, base_url, auth, login, credential_key_id, actor, one_active_secret,
    created_at, last_sync_at, last_sync_attempt_at, last_sync_error, last_sync_failure, remote_count)
SELECT id, name, provider, base_url, auth, login, credential_key_id, actor, one_active_secret,
    created_at, last_sync_at, last_sync_attempt_at, last_sync_error, last_sync_failure, remote_count
FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

ALTER TABLE keys ADD COLUMN team_account TEXT;
ALTER TABLE keys ADD COLUMN team_key TEXT;
ALTER TABLE keys ADD COLUMN team_version INTEGER;
ALTER TABLE keys ADD COLUMN shared_by TEXT;
CREATE UNIQUE INDEX keys_team ON keys (team_account, team_key) WHERE team_account IS NOT NULL;

-- The one-active-secret rule is Keyden's policy for keys it makes; a key that came from the team is
-- the team's, mirrored as it is (two members' keys for one slot must not make a sync fail).
DROP INDEX keys_one_active_secret;
CREATE UNIQUE INDEX keys_one_active_secret ON keys (provider, account, owner)
    WHERE kind = 'secret' AND status = 'active' AND remote_id IS NULL AND team_account IS NULL;
