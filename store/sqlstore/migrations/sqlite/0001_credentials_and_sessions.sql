-- passkey sqlstore schema, version 1 (SQLite).
--
-- Times are Unix nanoseconds in INTEGER columns: a record keeps time to the
-- nanosecond, and a compare-and-swap compares instants exactly. Binary values
-- (credential IDs, user handles, names) are BLOBs so that they compare byte
-- for byte, whatever the collation.

-- One row per applied migration; every migration file ends by adding its
-- own, so the version is recorded whichever tool runs the files.
CREATE TABLE passkey_schema (
	version    INTEGER NOT NULL PRIMARY KEY,
	applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE passkey_credentials (
	-- Creation order: ListByUser breaks ties of created_at with it.
	seq         INTEGER PRIMARY KEY,
	id          BLOB    NOT NULL,
	user_handle BLOB    NOT NULL,
	-- Copies of record fields that queries and compare-and-swap need; the
	-- record column is the whole record, these are written with it.
	sign_count  INTEGER NOT NULL,
	last_used   INTEGER,          -- NULL: never used
	name        BLOB    NOT NULL, -- UTF-8 bytes of the name
	created_at  INTEGER NOT NULL, -- the zero time is the smallest int64
	-- The record in its binary encoding (credential.Record.MarshalBinary).
	record      BLOB    NOT NULL
);

CREATE UNIQUE INDEX passkey_credentials_id ON passkey_credentials (id);
CREATE INDEX passkey_credentials_user ON passkey_credentials (user_handle, created_at, seq);

CREATE TABLE passkey_sessions (
	id      BLOB    NOT NULL PRIMARY KEY, -- SHA-256 of the session ID
	state   BLOB    NOT NULL,
	expires INTEGER NOT NULL              -- Unix nanoseconds, the caller's clock
) WITHOUT ROWID;

CREATE INDEX passkey_sessions_expires ON passkey_sessions (expires);

INSERT INTO passkey_schema (version) VALUES (1);
