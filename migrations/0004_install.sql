-- This install's identity: names its fingerprint key in the keyring, so two data directories (or two
-- test sandboxes) never share or overwrite one another's key.
CREATE TABLE install (
    id TEXT NOT NULL
);
INSERT INTO install (id) VALUES (lower(hex(randomblob(8))));
