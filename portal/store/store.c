#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/crypto.h"
#include "base/sb.h"

#define STMT_CACHE 128

struct store {
	sqlite3 *db;
	bool group;     /* inside the writer's group transaction */
	bool savepoint; /* a job's savepoint is open in the group */
	const char *sql[STMT_CACHE];
	sqlite3_stmt *stmt[STMT_CACHE];
	size_t nstmt;
};

/* Each entry moves the schema one version up. Never edit an entry that
 * has shipped; add a new one. */
static const char *const migrations[] = {
    /* 1: secrets for signing forms and links */
    "CREATE TABLE secret ("
    "  name TEXT PRIMARY KEY,"
    "  value BLOB NOT NULL"
    ") STRICT;",
    /* 2: appointments. A booking claims one desk per slot it covers; the
       partial unique index makes a double claim impossible. */
    "CREATE TABLE booking ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash BLOB UNIQUE,"
    "  reference TEXT UNIQUE,"
    "  location_id TEXT NOT NULL,"
    "  start TEXT NOT NULL,"
    "  end TEXT NOT NULL,"
    "  topic TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled', 'checked_in', 'no_show')),"
    "  name TEXT, phone TEXT, email TEXT,"
    "  lang TEXT NOT NULL,"
    "  needs INTEGER NOT NULL DEFAULT 0,"
    "  interpreter_lang TEXT,"
    "  summary TEXT,"
    "  origin TEXT NOT NULL DEFAULT 'web',"
    "  contact_hash BLOB,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  purged INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE INDEX booking_location_start ON booking(location_id, start);"
    "CREATE INDEX booking_contact ON booking(contact_hash) WHERE contact_hash IS NOT NULL;"
    "CREATE TABLE slot_claim ("
    "  booking_id INTEGER NOT NULL REFERENCES booking(id),"
    "  location_id TEXT NOT NULL,"
    "  slot TEXT NOT NULL,"
    "  desk INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 16),"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
    ") STRICT;"
    "CREATE UNIQUE INDEX slot_claim_desk ON slot_claim(location_id, slot, desk) WHERE active = 1;"
    "CREATE INDEX slot_claim_booking ON slot_claim(booking_id);"
    "CREATE TABLE slot_block ("
    "  location_id TEXT NOT NULL,"
    "  what TEXT NOT NULL,"
    "  PRIMARY KEY (location_id, what)"
    ") STRICT;"
    "CREATE TABLE callback_request ("
    "  id INTEGER PRIMARY KEY,"
    "  location_id TEXT NOT NULL,"
    "  topic TEXT,"
    "  name TEXT, phone TEXT,"
    "  lang TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  purged INTEGER NOT NULL DEFAULT 0"
    ") STRICT;",
    /* 3: wijkwijzer staff: one password per location (yescrypt), sessions */
    "CREATE TABLE staff_account ("
    "  location_id TEXT PRIMARY KEY,"
    "  hash TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE staff_session ("
    "  token_hash BLOB PRIMARY KEY,"
    "  location_id TEXT NOT NULL,"
    "  expires INTEGER NOT NULL"
    ") STRICT;",
    /* 4: calendar files follow a moved or cancelled appointment (RFC 5545
       SEQUENCE): how often it changed since it was made */
    "ALTER TABLE booking ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;",
    /* 5: kiosk terminals are enrolled (enrol.h): a one-time code per
       terminal, and the hash of the secret its browser holds */
    "CREATE TABLE terminal_enrolment ("
    "  terminal_id TEXT PRIMARY KEY,"
    "  code_hash BLOB NOT NULL,"
    "  expires INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE terminal_key ("
    "  terminal_id TEXT PRIMARY KEY,"
    "  key_hash BLOB NOT NULL,"
    "  enrolled_at INTEGER NOT NULL"
    ") STRICT;"
    /* what the running server is: its public address, for the links the
       command line prints */
    "CREATE TABLE setting ("
    "  name TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") STRICT;",
    /* 6: bookings without phone or e-mail count for their client (at most
       --client-bookings a week): a keyed hash of the client address (or
       of the enrolled kiosk terminal), never the address; cleared with
       the other personal data by the retention job */
    ("ALTER TABLE booking ADD COLUMN client_hash BLOB;"
     "CREATE INDEX booking_client ON booking(client_hash) WHERE client_hash IS NOT NULL;"),
    /* 7: an appointment found again (reference and the last digits of the
       phone number) gets a new link of its own beside the first, so a
       printed QR code keeps working; only the hash, deleted with the
       booking's personal data */
    "CREATE TABLE booking_token ("
    "  token_hash BLOB PRIMARY KEY,"
    "  booking_id INTEGER NOT NULL REFERENCES booking(id)"
    ") STRICT;"
    "CREATE INDEX booking_token_booking ON booking_token(booking_id);",
    /* 8: personal staff accounts with a role (domain/staff.h) replace the
       one password per location of migration 3, whose table stays only so
       the server can say that those passwords no longer log in; sessions
       belong to an account and end after inactivity; the audit trail of
       what staff did with personal data (domain/audit.h) */
    "CREATE TABLE staff_user ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('medewerker', 'beheerder')),"
    "  hash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE staff_user_location ("
    "  user_id INTEGER NOT NULL REFERENCES staff_user(id),"
    "  location_id TEXT NOT NULL,"
    "  PRIMARY KEY (user_id, location_id)"
    ") STRICT;"
    "DROP TABLE staff_session;"
    "CREATE TABLE staff_session ("
    "  token_hash BLOB PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES staff_user(id),"
    "  last_seen INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX staff_session_user ON staff_session(user_id);"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  location_id TEXT,"
    "  booking_id INTEGER,"
    "  callback_id INTEGER,"
    "  account_id INTEGER,"
    "  detail TEXT"
    ") STRICT;"
    "CREATE INDEX audit_log_at ON audit_log(at);",
    /* 9: outbox: messages to residents (domain/outbox.h), sent by the mail
       thread with retries. No address or text is kept: the recipient is
       read from the booking when the message goes out, so purging the
       booking's personal data stops its mail too. channel: how it goes
       ('sms' is not sent yet); due and the times are seconds since the
       epoch on the server's clock */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),"
    "  kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'moved', 'cancelled')),"
    "  booking_id INTEGER NOT NULL REFERENCES booking(id),"
    "  due INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),"
    "  last_error TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER"
    ") STRICT;"
    "CREATE INDEX outbox_due ON outbox(due) WHERE status = 'pending';"
    "CREATE INDEX outbox_booking ON outbox(booking_id);",
    /* 10: call-back inbox: a request's status ('done' is handled; 'called'
       and 'not_reached' count attempts), a staff note, the deadline
       promised (local "YYYY-MM-DDTHH:MM", the end of the second working
       day), when it changed and was handled (retention counts from then),
       and the part of the day that suits the resident ('', 'ochtend',
       'middag'). Requests from before have their personal data or not:
       purged ones count as handled; the others get the deadline without
       holidays (Thursday and Friday: +4 days, Saturday +3, else +2) */
    ("ALTER TABLE callback_request ADD COLUMN status TEXT NOT NULL DEFAULT 'open' "
     "CHECK (status IN ('open', 'called', 'not_reached', 'done'));"
     "ALTER TABLE callback_request ADD COLUMN note TEXT;"
     "ALTER TABLE callback_request ADD COLUMN deadline TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE callback_request ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE callback_request ADD COLUMN updated_at TEXT;"
     "ALTER TABLE callback_request ADD COLUMN handled_at TEXT;"
     "ALTER TABLE callback_request ADD COLUMN daypart TEXT NOT NULL DEFAULT '';"
     "UPDATE callback_request SET status = 'done', handled_at = created_at WHERE purged = 1;"
     "UPDATE callback_request SET updated_at = created_at, deadline = date(created_at, '+' || "
     "CASE strftime('%w', created_at) WHEN '4' THEN 4 WHEN '5' THEN 4 WHEN '6' THEN 3 ELSE 2 "
     "END || ' days') || 'T17:00';"
     "CREATE INDEX callback_request_location ON callback_request(location_id, status);"),
    /* 11: anonymous insight (domain/insight.h): counts only, never a row
       per person. week: the ISO week ("2026-W50"), nothing finer; key: a
       need, a PC4, a topic or a normalized search text; sub: a second
       dimension (a PC4, 'kiosk' / 'web'); example: generated example
       counts (--insight-example), kept apart from real ones */
    "CREATE TABLE insight_count ("
    "  week TEXT NOT NULL,"
    "  metric TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  sub TEXT NOT NULL DEFAULT '',"
    "  n INTEGER NOT NULL,"
    "  example INTEGER NOT NULL DEFAULT 0 CHECK (example IN (0, 1)),"
    "  PRIMARY KEY (week, metric, key, sub, example)"
    ") STRICT;"
    "CREATE INDEX insight_count_metric ON insight_count(metric, week);",
    /* 12: content edited in the browser (domain/content_drafts.h): a draft
       is one part of one entry of the content (part: store/content_edit.h,
       target: the entry's slug) with its new values as CSV, until a
       beheerder publishes or discards it; and the role aanbieder, an
       account of a provider that edits its own organisation
       (organization_id, the organisation's slug). The accounts table is
       rebuilt for its CHECK (migrate() runs with foreign keys off and
       checks them before the COMMIT) */
    "CREATE TABLE content_draft ("
    "  id INTEGER PRIMARY KEY,"
    "  part TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  account_id INTEGER NOT NULL REFERENCES staff_user(id),"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE (part, target)"
    ") STRICT;"
    "CREATE TABLE staff_user_new ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('medewerker', 'beheerder', 'aanbieder')),"
    "  hash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  organization_id TEXT,"
    "  CHECK ((role = 'aanbieder') = (organization_id IS NOT NULL))"
    ") STRICT;"
    "INSERT INTO staff_user_new(id, name, role, hash, active, created_at, updated_at) "
    "SELECT id, name, role, hash, active, created_at, updated_at FROM staff_user;"
    "DROP TABLE staff_user;"
    "ALTER TABLE staff_user_new RENAME TO staff_user;",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

const char *store_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

const char *store_text_or_null(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int store_latest_version(void)
{
	return NMIGRATIONS;
}

const char *store_errmsg(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

bool store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "wijkwijzer: database: %s\n", msg ? msg : "error");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

/* Inside a group commit a job's own transaction is a savepoint: its
 * rollback undoes only its own changes, and its commit waits for the
 * group's. */
bool store_begin_immediate(struct store *s)
{
	if (s->group) {
		s->savepoint = store_exec(s, "SAVEPOINT job");
		return s->savepoint;
	}
	return store_exec(s, "BEGIN IMMEDIATE");
}

bool store_commit(struct store *s)
{
	if (s->group) {
		bool ok = s->savepoint && store_exec(s, "RELEASE job");
		s->savepoint = false;
		return ok;
	}
	return store_exec(s, "COMMIT");
}

void store_rollback(struct store *s)
{
	if (s->group) {
		if (s->savepoint)
			(void)store_exec(s, "ROLLBACK TO job; RELEASE job");
		s->savepoint = false;
		return;
	}
	if (!sqlite3_get_autocommit(s->db))
		(void)store_exec(s, "ROLLBACK");
}

bool store_group_begin(struct store *s)
{
	if (!store_exec(s, "BEGIN IMMEDIATE"))
		return false;
	s->group = true;
	s->savepoint = false;
	return true;
}

bool store_group_alive(struct store *s)
{
	/* some errors (disk full, I/O) make SQLite roll back the whole
	   transaction: the group is then lost, and must not go on in
	   autocommit, where each write would be committed on its own */
	return s->group && !sqlite3_get_autocommit(s->db);
}

bool store_group_commit(struct store *s)
{
	s->group = false;
	if (s->savepoint)
		(void)store_exec(s, "ROLLBACK TO job; RELEASE job");
	s->savepoint = false;
	if (store_exec(s, "COMMIT"))
		return true;
	if (!sqlite3_get_autocommit(s->db))
		(void)store_exec(s, "ROLLBACK");
	return false;
}

int store_schema_version(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* True when no row points to a row that is not there. */
static bool foreign_keys_hold(struct store *s)
{
	sqlite3_stmt *st = NULL;
	bool ok =
	    sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

static bool migrate_all(struct store *s, char *err, size_t errlen)
{
	if (!store_begin_immediate(s)) {
		snprintf(err, errlen, "cannot lock the database: %s", sqlite3_errmsg(s->db));
		return false;
	}
	int v = store_schema_version(s);
	if (v < 0 || v > NMIGRATIONS) {
		snprintf(err, errlen, "database schema version %d is newer than this program (%d)",
		         v, NMIGRATIONS);
		store_rollback(s);
		return false;
	}
	for (int i = v; i < NMIGRATIONS; i++) {
		if (!store_exec(s, migrations[i])) {
			snprintf(err, errlen, "migration %d failed: %s", i + 1,
			         sqlite3_errmsg(s->db));
			store_rollback(s);
			return false;
		}
	}
	if (v != NMIGRATIONS) {
		struct sb q;
		sb_init(&q, 64);
		bool ok = sb_appendf(&q, "PRAGMA user_version = %d", NMIGRATIONS) &&
		          store_exec(s, sb_str(&q));
		sb_free(&q);
		if (!ok) {
			snprintf(err, errlen, "cannot record the schema version");
			store_rollback(s);
			return false;
		}
	}
	if (v != NMIGRATIONS && !foreign_keys_hold(s)) {
		snprintf(err, errlen, "the migrations left rows pointing to nothing");
		store_rollback(s);
		return false;
	}
	if (!store_commit(s)) {
		snprintf(err, errlen, "cannot commit migrations: %s", sqlite3_errmsg(s->db));
		store_rollback(s);
		return false;
	}
	return true;
}

/* Runs the migrations the database lacks in one transaction. Foreign keys
 * are off meanwhile (SQLite ignores the pragma inside a transaction), so a
 * migration can rebuild a table that others point to; they are checked
 * before the COMMIT and on again after. */
static bool migrate(struct store *s, char *err, size_t errlen)
{
	if (!store_exec(s, "PRAGMA foreign_keys=OFF")) {
		snprintf(err, errlen, "cannot prepare the migrations: %s", sqlite3_errmsg(s->db));
		return false;
	}
	bool ok = migrate_all(s, err, errlen);
	if (!store_exec(s, "PRAGMA foreign_keys=ON") && ok) {
		snprintf(err, errlen, "cannot turn foreign keys on: %s", sqlite3_errmsg(s->db));
		ok = false;
	}
	return ok;
}

/* The data folder holds personal data: 0700 and its database files
 * 0600, whoever made them (a folder made by `mkdir -p`, a file SQLite
 * made under an open umask). */
static bool make_private(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	if (mkdir(dir, 0700) != 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		snprintf(err, errlen, "data folder %s cannot be created", dir);
		return false;
	}
	if (stat(dir, &st) != 0 || ((st.st_mode & 077) && chmod(dir, 0700) != 0)) {
		snprintf(err, errlen, "data folder %s cannot be made private (mode 0700)", dir);
		return false;
	}
	static const char *const files[] = {"wijkwijzer.db", "wijkwijzer.db-wal",
	                                    "wijkwijzer.db-shm", "wijkwijzer.db-journal"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct sb path;
		sb_init(&path, 4096);
		bool ok = sb_appendf(&path, "%s/%s", dir, files[i]);
		if (ok && stat(sb_str(&path), &st) == 0 && (st.st_mode & 077))
			ok = chmod(sb_str(&path), 0600) == 0;
		sb_free(&path);
		if (!ok) {
			snprintf(err, errlen, "%s/%s cannot be made private (mode 0600)", dir,
			         files[i]);
			return false;
		}
	}
	return true;
}

struct store *store_open(const char *dir, char *err, size_t errlen)
{
	if (!make_private(dir, err, errlen))
		return NULL;
	struct sb path;
	sb_init(&path, 4096);
	if (!sb_appendf(&path, "%s/wijkwijzer.db", dir)) {
		snprintf(err, errlen, "data folder path too long");
		sb_free(&path);
		return NULL;
	}
	struct store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		sb_free(&path);
		return NULL;
	}
	int rc =
	    sqlite3_open_v2(sb_str(&path), &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	sb_free(&path);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open the database in %s: %s", dir,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK ||
	    !store_exec(s, "PRAGMA journal_mode=WAL") ||
	    !store_exec(s, "PRAGMA synchronous=FULL") || !store_exec(s, "PRAGMA foreign_keys=ON")) {
		snprintf(err, errlen, "cannot use the database in %s: %s", dir,
		         sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	if (!migrate(s, err, errlen)) {
		store_close(s);
		return NULL;
	}
	return s;
}

struct store *store_open_reader(const char *dir, char *err, size_t errlen)
{
	struct sb path;
	sb_init(&path, 4096);
	struct store *s = calloc(1, sizeof(*s));
	if (!s || !sb_appendf(&path, "%s/wijkwijzer.db", dir)) {
		snprintf(err, errlen, "out of memory");
		sb_free(&path);
		free(s);
		return NULL;
	}
	/* read-write at the file level because WAL readers use the shared
	   memory index; query_only makes any write through it fail */
	int rc = sqlite3_open_v2(sb_str(&path), &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	sb_free(&path);
	if (rc != SQLITE_OK || sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK ||
	    !store_exec(s, "PRAGMA query_only=1")) {
		snprintf(err, errlen, "cannot open the database in %s: %s", dir,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	return s;
}

struct store *store_open_readonly(const char *path, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* immutable: the content is never written in place (a new file is
	   renamed over it), so SQLite may skip the file locks and the change
	   checks it would otherwise make for every statement */
	struct sb uri;
	sb_init(&uri, 16384);
	sb_puts(&uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p))
			sb_putc(&uri, (char)*p);
		else
			sb_appendf(&uri, "%%%02X", *p);
	}
	sb_puts(&uri, "?immutable=1");
	int rc = sb_failed(&uri)
	             ? SQLITE_NOMEM
	             : sqlite3_open_v2(sb_str(&uri), &s->db,
	                               SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
	                               NULL);
	sb_free(&uri);
	if (rc != SQLITE_OK || sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
	                                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nstmt; i++)
		sqlite3_finalize(s->stmt[i]);
	if (s->db && sqlite3_close(s->db) != SQLITE_OK)
		fprintf(stderr, "wijkwijzer: database did not close cleanly\n");
	free(s);
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql)
{
	for (size_t i = 0; i < s->nstmt; i++) {
		if (s->sql[i] == sql) {
			sqlite3_reset(s->stmt[i]);
			sqlite3_clear_bindings(s->stmt[i]);
			return s->stmt[i];
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "wijkwijzer: database: cannot prepare statement: %s\n",
		        sqlite3_errmsg(s->db));
		return NULL;
	}
	if (s->nstmt < STMT_CACHE) {
		s->sql[s->nstmt] = sql;
		s->stmt[s->nstmt] = st;
		s->nstmt++;
	} else {
		/* the cache is sized for every statement in the program */
		fprintf(stderr, "wijkwijzer: statement cache full\n");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

bool store_secret(struct store *s, const char *name, unsigned char *out, size_t bytes)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM secret WHERE name = ?1");
	if (!st || sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
		return false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == bytes) {
		memcpy(out, sqlite3_column_blob(st, 0), bytes);
		sqlite3_reset(st);
		return true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return false;
	if (!crypto_random(out, bytes))
		return false;
	sqlite3_stmt *ins =
	    store_stmt(s, "INSERT OR REPLACE INTO secret(name, value) VALUES (?1, ?2)");
	if (!ins || sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(ins, 2, out, (int)bytes, SQLITE_STATIC) != SQLITE_OK)
		return false;
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	return rc == SQLITE_DONE;
}

bool store_setting_get(struct store *s, const char *name, struct sb *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM setting WHERE name = ?1");
	if (!st || sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
		return false;
	bool ok = sqlite3_step(st) == SQLITE_ROW && sb_puts(out, store_text(st, 0));
	sqlite3_reset(st);
	return ok;
}

bool store_setting_set(struct store *s, const char *name, const char *value)
{
	sqlite3_stmt *st =
	    store_stmt(s, "INSERT OR REPLACE INTO setting(name, value) VALUES (?1, ?2)");
	if (!st || sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) != SQLITE_OK)
		return false;
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok;
}
