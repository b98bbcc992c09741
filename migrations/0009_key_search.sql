-- The search box's index (issue 14): a trigram full-text index over what `keys list --search` matches
-- (title, provider, id, redacted prefix), so a search reads the few rows that contain the text instead
-- of lower-casing four columns of every row. It holds no value the keys table does not already hold
-- (external content: only the trigrams are stored) and is kept in step by the triggers below, in the
-- same transaction as the change. The exact rule (substring of title or provider, prefix of id or
-- redacted) is still applied to the rows it finds: the index only narrows, it never decides.
-- Keyed by the keys table's rowid, which only a VACUUM could renumber; Keyden runs none.
CREATE VIRTUAL TABLE keys_search USING fts5(
    title, provider, id, redacted,
    content = 'keys', content_rowid = 'rowid', tokenize = 'trigram'
);

INSERT INTO keys_search (keys_search) VALUES ('rebuild');

CREATE TRIGGER keys_search_insert AFTER INSERT ON keys BEGIN
    INSERT INTO keys_search (rowid, title, provider, id, redacted)
        VALUES (new.rowid, new.title, new.provider, new.id, new.redacted);
END;

CREATE TRIGGER keys_search_delete AFTER DELETE ON keys BEGIN
    INSERT INTO keys_search (keys_search, rowid, title, provider, id, redacted)
        VALUES ('delete', old.rowid, old.title, old.provider, old.id, old.redacted);
END;

CREATE TRIGGER keys_search_update AFTER UPDATE OF title, provider, id, redacted ON keys BEGIN
    INSERT INTO keys_search (keys_search, rowid, title, provider, id, redacted)
        VALUES ('delete', old.rowid, old.title, old.provider, old.id, old.redacted);
    INSERT INTO keys_search (rowid, title, provider, id, redacted)
        VALUES (new.rowid, new.title, new.provider, new.id, new.redacted);
END;
