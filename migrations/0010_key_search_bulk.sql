-- The search index's upkeep, cheaper (issue 14): indexing row by row from a trigger cost a first mirror
-- sync of 10,000 keys ~1 s more than the inserts themselves; one INSERT … SELECT over the same rows after
-- them costs a quarter of that.
-- * keys_search_deferred: while it holds a row, new keys are not indexed by the trigger; the writer that
--   put the row there (the mirror sync) indexes the keys it inserted itself, then deletes the row, all in
--   one transaction. The row is never committed, so every other writer finds the table empty.
-- * updates re-index a key only when a searched column changed (the sync rewrites titles unchanged).
CREATE TABLE keys_search_deferred (
    since INTEGER NOT NULL  -- the largest keys rowid before the bulk insert: newer rows are the writer's
);

DROP TRIGGER keys_search_insert;
CREATE TRIGGER keys_search_insert AFTER INSERT ON keys
WHEN NOT EXISTS (SELECT 1 FROM keys_search_deferred) BEGIN
    INSERT INTO keys_search (rowid, title, provider, id, redacted)
        VALUES (new.rowid, new.title, new.provider, new.id, new.redacted);
END;

DROP TRIGGER keys_search_update;
CREATE TRIGGER keys_search_update AFTER UPDATE OF title, provider, id, redacted ON keys
WHEN old.title IS NOT new.title OR old.provider IS NOT new.provider OR old.id IS NOT new.id
    OR old.redacted IS NOT new.redacted BEGIN
    INSERT INTO keys_search (keys_search, rowid, title, provider, id, redacted)
        VALUES ('delete', old.rowid, old.title, old.provider, old.id, old.redacted);
    INSERT INTO keys_search (rowid, title, provider, id, redacted)
        VALUES (new.rowid, new.title, new.provider, new.id, new.redacted);
END;
