/// Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
///
/// Append new migrations, never edit old ones: a catalog written by an older build is upgraded in
/// place at open, each migration in its own transaction.
enum CatalogSchema {
    static let migrations: [String] = [
        // 1: items, tags, auto-tags, frames, text vectors, full-text index.
        """
        CREATE TABLE items(
            key INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
            source TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',          -- JSON array, as given
            width INTEGER, height INTEGER,
            duration REAL,
            added_at REAL NOT NULL,                  -- seconds since 1970
            content_hash TEXT
        );
        CREATE INDEX items_content_hash ON items(content_hash) WHERE content_hash IS NOT NULL;
        CREATE INDEX items_kind_added ON items(kind, added_at);
        CREATE INDEX items_duration ON items(duration) WHERE duration IS NOT NULL;
        CREATE TABLE item_tags(
            item INTEGER NOT NULL REFERENCES items(key) ON DELETE CASCADE,
            tag TEXT NOT NULL,                       -- lower-cased, for filters
            PRIMARY KEY (item, tag)
        ) WITHOUT ROWID;
        CREATE INDEX item_tags_by_tag ON item_tags(tag, item);
        CREATE TABLE auto_tags(
            item INTEGER NOT NULL REFERENCES items(key) ON DELETE CASCADE,
            label TEXT NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (item, label)
        ) WITHOUT ROWID;
        CREATE TABLE frames(
            video INTEGER NOT NULL REFERENCES items(key) ON DELETE CASCADE,
            timestamp REAL NOT NULL,
            vector_id INTEGER NOT NULL UNIQUE,
            PRIMARY KEY (video, timestamp)
        ) WITHOUT ROWID;
        CREATE TABLE text_vectors(
            item INTEGER PRIMARY KEY REFERENCES items(key) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL                     -- little-endian float32
        );
        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, description, tags, auto_tags,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
        // 2: per-term document counts of the full-text index (for pruning near-zero-IDF query terms).
        """
        CREATE VIRTUAL TABLE items_fts_terms USING fts5vocab(items_fts, 'row');
        """,
        // 3: item keys are never reused. Vector ids are `key << 16 | frame`, and a removed item's vectors
        // stay as tombstones in the index log until compaction, so a new item must never get an old key.
        // Plain `INTEGER PRIMARY KEY` hands out max(key) + 1 (a removed last item's key comes back);
        // instead every insert takes `high_water + 1` and a trigger keeps `high_water` = the largest key
        // ever inserted. Existing catalogs start from their current largest key (the index layer raises
        // it further from the vector ids it holds, see `Catalog.raiseKeyHighWater`). `pending_adds`
        // records keys an incremental add has reserved and not finished (crash recovery).
        """
        CREATE TABLE item_key_high_water(
            singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
            key INTEGER NOT NULL
        );
        INSERT INTO item_key_high_water(singleton, key) VALUES (0, (SELECT coalesce(max(key), 0) FROM items));
        CREATE TRIGGER items_key_high_water AFTER INSERT ON items BEGIN
            UPDATE item_key_high_water SET key = NEW.key WHERE singleton = 0 AND key < NEW.key;
        END;
        CREATE TABLE pending_adds(
            key INTEGER PRIMARY KEY,
            vectors INTEGER NOT NULL
        );
        """,
        // 4: whether the high-water mark has been raised from the index's vector ids yet. That raise scans
        // every id of the visual index, so it is done once per catalog (the first add/remove after this
        // migration, or after a build), not on every incremental write.
        """
        ALTER TABLE item_key_high_water ADD COLUMN checked_against_index INTEGER NOT NULL DEFAULT 0;
        """,
        // 5: a revision number that moves on every change to `items` (paging cursors are bound to it), and
        // the keys whose text vector changed in the catalog but not yet in the text IVF (an edit in
        // progress: `IndexMaintenance.update` writes the catalog first, then the IVF log, then clears it). Idempotent: a catalog whose version mark was lowered by hand still migrates.
        """
        CREATE TABLE IF NOT EXISTS catalog_revision(
            singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
            revision INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO catalog_revision(singleton, revision) VALUES (0, 0);
        CREATE TRIGGER IF NOT EXISTS items_revision_insert AFTER INSERT ON items BEGIN
            UPDATE catalog_revision SET revision = revision + 1 WHERE singleton = 0;
        END;
        CREATE TRIGGER IF NOT EXISTS items_revision_update AFTER UPDATE ON items BEGIN
            UPDATE catalog_revision SET revision = revision + 1 WHERE singleton = 0;
        END;
        CREATE TRIGGER IF NOT EXISTS items_revision_delete AFTER DELETE ON items BEGIN
            UPDATE catalog_revision SET revision = revision + 1 WHERE singleton = 0;
        END;
        CREATE TABLE IF NOT EXISTS pending_text_vectors(
            key INTEGER PRIMARY KEY
        );
        """,
        // 6: each image's (a video's) concept vector: the ConSE bridge from the CNN's class probabilities into
        // MiniLM's sentence space (`ConceptSpace`), searched by text queries as the `concepts` source. Made
        // from the image vectors' model outputs, so edits of title/description/tags never touch it.
        """
        CREATE TABLE IF NOT EXISTS concept_vectors(
            item INTEGER PRIMARY KEY REFERENCES items(key) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL                     -- little-endian float32
        );
        """,
    ]
}
