-- yuqi-db schema, version 1.
--
-- This file runs unchanged on SQLite and on PostgreSQL: only TEXT and BIGINT columns, ids are
-- application-generated text (no autoincrement), times are unix seconds, no vendor functions.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    -- argon2id PHC string; NULL means the user has no usable password (the local user).
    password_hash TEXT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    -- lowercase hex SHA-256 of the session token; the token itself is never stored.
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE cases (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    -- the case file (yuqi-case TOML) as the user last saved it.
    toml       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX cases_owner_id ON cases (owner_id);

-- Access for users other than the owner. The owner is cases.owner_id and never has a row here.
CREATE TABLE case_shares (
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

CREATE INDEX case_shares_user_id ON case_shares (user_id);
