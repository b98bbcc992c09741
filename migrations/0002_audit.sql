-- Local audit log: who did what to which key, when. Never the value.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    key_id    TEXT NOT NULL,
    key_title TEXT NOT NULL,
    action    TEXT NOT NULL,
    origin    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_key ON audit (key_id, at);
