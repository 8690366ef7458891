import type { Database } from 'better-sqlite3';

/** Version of the on-disk layout; a data directory with another version is refused. */
export const SCHEMA_VERSION = 2;

// Layout notes:
// - traces: one row per low 64 bits of a trace id (a "trace group"), so mixed 64/128-bit spans of
//   one trace share a row, as Zipkin's stores index them. ts is Zipkin's trace timestamp (root span,
//   else earliest span) in epoch µs; links are this group's dependency links, summed per 10 minutes (level 0) and per hour
//   (level 1) into dep_buckets, so getDependencies reads few aggregate rows plus the traces at the
//   window's edges.
// - spans: clustered by trace (WITHOUT ROWID, key tid + content hash), so a trace is one range read
//   and an identical span accepted twice is stored once. Fields with their own column are left out
//   of body (compact JSON of the rest).
// - svc_traces: the traces of each local service by trace timestamp, so a search by service walks
//   only that service's traces, newest first (kept in step when a trace's timestamp changes).
// - tags: search terms per trace and service: hash of "key\0value" for tags, hash of "key" for tag
//   keys and of the value for annotations (bare words). Hits are verified against the spans.
const DDL = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS traces (
  tid INTEGER PRIMARY KEY,
  lo BLOB NOT NULL UNIQUE,
  ts INTEGER,
  root_ts INTEGER,
  min_ts INTEGER,
  links TEXT,
  lbucket INTEGER,
  svcs TEXT
);
CREATE INDEX IF NOT EXISTS traces_ts ON traces (ts);
CREATE TABLE IF NOT EXISTS svc_traces (
  svc INTEGER NOT NULL, ts INTEGER NOT NULL, tid INTEGER NOT NULL, PRIMARY KEY (svc, ts, tid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spans (
  tid INTEGER NOT NULL,
  h INTEGER NOT NULL,
  hi BLOB,
  id BLOB NOT NULL,
  pid BLOB,
  ts INTEGER,
  dur INTEGER,
  svc INTEGER,
  rsvc INTEGER,
  name INTEGER,
  kf INTEGER NOT NULL,
  body TEXT,
  PRIMARY KEY (tid, h)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
  tid INTEGER NOT NULL, h INTEGER NOT NULL, svc INTEGER NOT NULL, PRIMARY KEY (tid, h, svc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS services (svc INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS span_names (svc INTEGER NOT NULL, name INTEGER NOT NULL, PRIMARY KEY (svc, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS remote_names (svc INTEGER NOT NULL, rsvc INTEGER NOT NULL, PRIMARY KEY (svc, rsvc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dep_buckets (
  level INTEGER NOT NULL, bucket INTEGER NOT NULL, parent INTEGER NOT NULL, child INTEGER NOT NULL,
  calls INTEGER NOT NULL, errors INTEGER NOT NULL, PRIMARY KEY (level, bucket, parent, child)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS autocomplete (k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (k, v)) WITHOUT ROWID;
`;

/**
 * Pragmas and tables. WAL with synchronous=NORMAL: a commit is in the WAL file before accept()
 * resolves, so it survives the process being killed (kill -9, crash); only an OS crash or power
 * loss can lose the last commits, which FULL would prevent at the cost of an fsync per commit.
 */
export function initSchema(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.exec(DDL);
  const row = db.prepare('SELECT v FROM meta WHERE k = ?').get('schema') as { v: string } | undefined;
  if (row === undefined) {
    db.prepare('INSERT INTO meta (k, v) VALUES (?, ?)').run('schema', String(SCHEMA_VERSION));
  } else if (row.v !== String(SCHEMA_VERSION)) {
    throw Object.assign(new Error(
      `its database has layout version ${row.v} and this Skein reads version ${SCHEMA_VERSION}: move it away or use another --data-dir`,
    ), {
      code: 'STORAGE_SCHEMA_VERSION',
    });
  }
}
