//! The server's schema and queries, written once for both backends. Statements use
//! SQLite's numbered placeholders (`?1`); [`pg`] turns them into PostgreSQL's (`$1`).
//! Types are spelled so both read them the same (`BIGINT`, `INTEGER` 0/1 flags, `TEXT`);
//! `storage_conformance` tests that the two live schemas agree.
//!
//! The `records` table is laid out for the two hot paths:
//! - ingest writes a row and four small indexes (primary key, change number, the pull
//!   partition, the province) — the state is one column of canonical JSON and the
//!   per-field versions are compact (`engine::state`);
//! - a pull walks `(scope, change_seq)` (or `(province, change_seq)`) from its cursor and
//!   reads only placement columns; the state (`fields`, last) is read for rows it sends.

/// Schema version of the server database.
pub const SCHEMA_VERSION: i64 = 2;

/// The schema of a new database (version [`SCHEMA_VERSION`]).
pub const SCHEMA: &str = concat!(
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last BIGINT NOT NULL);
INSERT INTO change_counter (id, last) VALUES (1, 0);
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    member_id TEXT,
    team_id TEXT,
    household_id TEXT,
    commune_key TEXT,
    name TEXT NOT NULL,
    holder_name TEXT,
    enrolled_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    last_seq BIGINT NOT NULL DEFAULT 0
);
"#,
    r#"
CREATE TABLE enrolment_codes (
    code_sha256 TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    member_id TEXT,
    team_id TEXT,
    household_id TEXT,
    commune_key TEXT,
    holder_name TEXT,
    issued_by TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_by TEXT,
    used_at_ms BIGINT
);
CREATE TABLE op_log (
    op_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    rejection TEXT,
    logged_at_ms BIGINT NOT NULL
) /* WITHOUT ROWID */;
CREATE TABLE records (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    change_seq BIGINT,
    scope TEXT NOT NULL,
    unit TEXT,
    province TEXT,
    village_id TEXT,
    household_id TEXT,
    team_id TEXT,
    touches TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    version TEXT,
    versions TEXT,
    fields TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE UNIQUE INDEX records_change ON records (change_seq);
CREATE INDEX records_scope ON records (scope, change_seq);
CREATE INDEX records_province ON records (province, change_seq);
CREATE INDEX records_assignments ON records (team_id) WHERE entity = 'assignment';
CREATE INDEX records_teams ON records (unit) WHERE entity = 'team';
CREATE TABLE scope_defs (hash TEXT PRIMARY KEY, def TEXT NOT NULL) /* WITHOUT ROWID */;
"#
);

/// The tables version 2 made new (version 1's `meta` and `devices` stay as they were).
pub fn sync_tables(schema: &str) -> &str {
    let at = schema.find("CREATE TABLE enrolment_codes").unwrap_or(0);
    &schema[at..]
}

/// [`SCHEMA`] as SQLite runs it: small tables keyed by text are stored in their primary
/// key's b-tree (`WITHOUT ROWID`, one b-tree to write instead of two). PostgreSQL reads
/// the marker as a comment.
pub fn sqlite_schema() -> String {
    SCHEMA.replace("/* WITHOUT ROWID */", "WITHOUT ROWID")
}

/// Placement columns, in the order `placement_from` reads them.
pub const PLACEMENT_COLUMNS: &str = "unit, province, village_id, household_id, team_id, touches, deleted";
/// A whole record: entity, id, placement, then state.
pub const RECORD_COLUMNS: &str =
    "entity, entity_id, unit, province, village_id, household_id, team_id, touches, deleted, fields, versions, version";
/// What a walk of the change index reads.
pub const SCAN_COLUMNS: &str = "entity, entity_id, change_seq, scope, village_id, household_id, team_id, touches";

pub const DEVICE_ROW: &str = "SELECT last_seq, enrolled_at_ms, revoked_at_ms FROM devices WHERE device_id = ?1";
pub const SET_LAST_SEQ: &str = "UPDATE devices SET last_seq = ?2 WHERE device_id = ?1";
/// The op log's entries for a list of op ids (SQLite: a JSON array; PostgreSQL: `text[]`).
pub const OP_LOG_MANY_SQLITE: &str =
    "SELECT op_id, device_id, seq, content_hash, rejection, logged_at_ms FROM op_log WHERE op_id IN (SELECT value FROM json_each(?1))";
pub const OP_LOG_MANY_PG: &str = "SELECT op_id, device_id, seq, content_hash, rejection, logged_at_ms FROM op_log WHERE op_id = ANY($1)";
pub const OP_LOG_PUT: &str =
    "INSERT INTO op_log (op_id, device_id, seq, content_hash, rejection, logged_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
pub const PLACEMENT: &str =
    "SELECT unit, province, village_id, household_id, team_id, touches, deleted FROM records WHERE entity = ?1 AND entity_id = ?2";
pub const EXISTS: &str = "SELECT 1 FROM records WHERE entity = ?1 AND entity_id = ?2";
pub const RECORD: &str = "SELECT entity, entity_id, unit, province, village_id, household_id, team_id, touches, deleted, fields, versions, version FROM records WHERE entity = ?1 AND entity_id = ?2";
/// A new record; `?3` is its change number (SQLite) or NULL (PostgreSQL numbers at commit).
pub const INSERT_RECORD: &str = "INSERT INTO records (entity, entity_id, change_seq, scope, unit, province, village_id, household_id, team_id, touches, deleted, version, versions, fields)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (entity, entity_id) DO NOTHING";
/// A changed record; `?7` as `?3` above.
pub const UPDATE_RECORD: &str =
    "UPDATE records SET change_seq = ?7, deleted = ?3, version = ?4, versions = ?5, fields = ?6 WHERE entity = ?1 AND entity_id = ?2";
pub const LOCAL_TOPICS: &str = "SELECT entity_id FROM records WHERE scope = '*' AND entity = 'local_topic' AND deleted = 0";
pub const TEAMS_IN_UNIT: &str = "SELECT entity, entity_id, unit, province, village_id, household_id, team_id, touches, deleted, fields, versions, version FROM records WHERE entity = 'team' AND unit = ?1 AND deleted = 0 ORDER BY entity_id";
pub const TEAM_TARGETS: &str = "SELECT village_id, household_id FROM records WHERE entity = 'assignment' AND team_id = ?1 AND deleted = 0";
pub const MAX_CHANGE: &str = "SELECT last FROM change_counter WHERE id = 1";
pub const SCAN_SCOPE: &str = "SELECT entity, entity_id, change_seq, scope, village_id, household_id, team_id, touches FROM records
     WHERE scope = ?1 AND change_seq > ?2 AND change_seq <= ?3 ORDER BY change_seq LIMIT ?4";
pub const SCAN_PROVINCE: &str = "SELECT entity, entity_id, change_seq, scope, village_id, household_id, team_id, touches FROM records
     WHERE province = ?1 AND change_seq > ?2 AND change_seq <= ?3 ORDER BY change_seq LIMIT ?4";
pub const SCAN_ALL: &str = "SELECT entity, entity_id, change_seq, scope, village_id, household_id, team_id, touches FROM records
     WHERE change_seq > ?1 AND change_seq <= ?2 ORDER BY change_seq LIMIT ?3";
pub const STATE: &str = "SELECT fields, version, deleted FROM records WHERE entity = ?1 AND entity_id = ?2";
pub const SCOPE_DEF: &str = "SELECT def FROM scope_defs WHERE hash = ?1";
pub const PUT_SCOPE_DEF: &str = "INSERT INTO scope_defs (hash, def) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING";
pub const SET_CHANGE: &str = "UPDATE records SET change_seq = ?3 WHERE entity = ?1 AND entity_id = ?2";
pub const SET_COUNTER: &str = "UPDATE change_counter SET last = ?1 WHERE id = 1";
pub const BUMP_COUNTER: &str = "UPDATE change_counter SET last = last + ?1 WHERE id = 1 RETURNING last";

pub const DEVICE_COLUMNS: &str =
    "device_id, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms, revoked_at_ms";
pub const DEVICE_BY_TOKEN: &str =
    "SELECT device_id, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms, revoked_at_ms
     FROM devices WHERE token_sha256 = ?1";
pub const DEVICES: &str =
    "SELECT device_id, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms, revoked_at_ms
     FROM devices ORDER BY enrolled_at_ms, device_id";
pub const REVOKE: &str = "UPDATE devices SET revoked_at_ms = ?2 WHERE device_id = ?1 AND revoked_at_ms IS NULL";
pub const DEVICE_EXISTS: &str = "SELECT COUNT(*) FROM devices WHERE device_id = ?1";
pub const INSERT_CODE: &str = "INSERT INTO enrolment_codes (code_sha256, role, member_id, team_id, household_id, commune_key, holder_name, issued_by, issued_at_ms, expires_at_ms)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (code_sha256) DO NOTHING";
/// Use a code: single use, unexpired, and its issuer (if a device) not revoked.
pub const USE_CODE: &str = "UPDATE enrolment_codes SET used_by = ?2, used_at_ms = ?3
     WHERE code_sha256 = ?1 AND used_by IS NULL AND expires_at_ms > ?3
       AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.device_id = enrolment_codes.issued_by AND d.revoked_at_ms IS NOT NULL)
     RETURNING role, member_id, team_id, household_id, commune_key, holder_name";
pub const SET_CODE_USER: &str = "UPDATE enrolment_codes SET used_by = ?2 WHERE code_sha256 = ?1";
pub const DEVICE_TOKEN: &str = "SELECT token_sha256 FROM devices WHERE device_id = ?1";
/// Enrol a device (the caller decided the id is free, or proven to be this device's).
pub const UPSERT_DEVICE: &str =
    "INSERT INTO devices (device_id, token_sha256, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
     ON CONFLICT (device_id) DO UPDATE SET token_sha256 = excluded.token_sha256, role = excluded.role, member_id = excluded.member_id,
        team_id = excluded.team_id, household_id = excluded.household_id, commune_key = excluded.commune_key, name = excluded.name,
        holder_name = excluded.holder_name, enrolled_at_ms = excluded.enrolled_at_ms, revoked_at_ms = NULL";

/// A statement for PostgreSQL: `?N` placeholders become `$N`.
pub fn pg(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// The row-locking form of a read in a writing transaction (PostgreSQL; SQLite's single
/// writer already excludes others).
pub fn for_update(sql: &str) -> String {
    format!("{} FOR UPDATE", pg(sql))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_convert() {
        assert_eq!(pg("SELECT a FROM t WHERE x = ?1 AND y = ?12 AND z = '?'"), "SELECT a FROM t WHERE x = $1 AND y = $12 AND z = '?'");
    }
}
