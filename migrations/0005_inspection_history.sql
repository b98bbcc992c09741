-- Inspections the user asked to keep. Only a JWT's header and claims (`header.claims.`) are stored:
-- never its signature (without it the token cannot be replayed), never an opaque key.
CREATE TABLE inspection_history (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    saved_at  INTEGER NOT NULL,
    unsigned  TEXT NOT NULL,
    verdict   TEXT NOT NULL,
    summary   TEXT NOT NULL
);

-- The Inspector looks keys up by account (a token's audience is a client id) on every keystroke.
CREATE INDEX keys_account ON keys (account);
