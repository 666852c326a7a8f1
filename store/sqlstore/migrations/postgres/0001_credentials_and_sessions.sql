-- passkey sqlstore schema, version 1 (PostgreSQL).
--
-- Times are Unix nanoseconds in BIGINT columns: a record keeps time to the
-- nanosecond (timestamptz keeps microseconds), and a compare-and-swap
-- compares instants exactly. Binary values (credential IDs, user handles,
-- names) are BYTEA: text cannot hold the NUL that a name may contain, and
-- bytes compare byte for byte, whatever the collation.
--
-- Tables go into the first schema of search_path.

-- One row per applied migration; every migration file ends by adding its
-- own, so the version is recorded whichever tool runs the files.
CREATE TABLE passkey_schema (
	version    INTEGER NOT NULL PRIMARY KEY,
	applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE passkey_credentials (
	-- Creation order: ListByUser breaks ties of created_at with it.
	seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          BYTEA  NOT NULL,
	user_handle BYTEA  NOT NULL,
	-- Copies of record fields that queries and compare-and-swap need; the
	-- record column is the whole record, these are written with it.
	sign_count  BIGINT NOT NULL,
	last_used   BIGINT,          -- NULL: never used
	name        BYTEA  NOT NULL, -- UTF-8 bytes of the name
	created_at  BIGINT NOT NULL, -- the zero time is the smallest bigint
	-- The record in its binary encoding (credential.Record.MarshalBinary).
	record      BYTEA  NOT NULL,
	CONSTRAINT passkey_credentials_id UNIQUE (id)
);

CREATE INDEX passkey_credentials_user ON passkey_credentials (user_handle, created_at, seq);

CREATE TABLE passkey_sessions (
	id      BYTEA  NOT NULL PRIMARY KEY, -- SHA-256 of the session ID
	state   BYTEA  NOT NULL,
	expires BIGINT NOT NULL              -- Unix nanoseconds, the caller's clock
);

CREATE INDEX passkey_sessions_expires ON passkey_sessions (expires);

INSERT INTO passkey_schema (version) VALUES (1);
