-- JWKS documents fetched from URLs, kept so that verification works offline. Public keys only.
CREATE TABLE jwks_cache (
    url        TEXT PRIMARY KEY NOT NULL,
    body       TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
);
