/* db_pg.c: the PostgreSQL engine behind db.h, through libpq.  Callers'
 * '?' placeholders become $1..$n; every value travels as text; a result is
 * fetched whole on the first step and walked row by row.  A lost connection
 * is reset once and reported as ERR_BUSY so the transaction is retried.
 * Search is one <table>_fts side table with a tsvector per searchable table.
 * Not here: single-row (streaming) results, binary parameters, COPY. */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "db/db_int.h"

#define PG_MAX_PARAMS	65535 /* the protocol's limit */
#define PG_ERRMSG_SIZE	512
#define PG_MIGRATE_LOCK "SELECT pg_advisory_xact_lock(727274)"

struct pg_conn {
	PGconn *pg;
	unsigned long long next_name; /* statement names "s<n>", unique per connection */
	unsigned long epoch;	      /* bumped by a reset: older statements are gone */
	int64_t changes;
	bool tx_lost;		     /* the session died inside a transaction */
	char errmsg[PG_ERRMSG_SIZE]; /* error of the last operation, one line, no values */
};

struct pg_stmt {
	char name[24];
	char *sql; /* translated to $n placeholders; owned */
	int nparams;
	char **values;	     /* nparams bound texts, NULL = SQL NULL; owned */
	unsigned long epoch; /* the connection epoch it was prepared in */
	PGresult *res;	     /* NULL until the first step after a reset */
	int nrows;
	int row;   /* current row; -1 before the first */
	int ncols; /* -1 until known */
};

#define PC(c) ((struct pg_conn *)(c)->impl)
#define ST(s) ((struct pg_stmt *)(s)->impl)

/* ---- errors -------------------------------------------------------- */

/* set_errmsg: keeps msg on one line, double quotes made single, so it
 * fits in a key=value log line. */
static void set_errmsg(struct pg_conn *pc, const char *state, const char *msg)
{
	int n = snprintf(pc->errmsg, sizeof pc->errmsg, "%s%s%s", state ? state : "",
			 state ? ": " : "", msg ? msg : "unknown error");
	if (n < 0)
		pc->errmsg[0] = '\0';
	size_t len = strlen(pc->errmsg);
	while (len && (pc->errmsg[len - 1] == '\n' || pc->errmsg[len - 1] == ' '))
		pc->errmsg[--len] = '\0';
	for (char *p = pc->errmsg; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
		else if (*p == '"')
			*p = '\'';
	}
}

static kt_err map_sqlstate(const char *state)
{
	if (!state || strlen(state) != 5)
		return ERR_DB;
	if (strcmp(state, "23505") == 0)
		return ERR_DUPLICATE;
	if (strcmp(state, "23503") == 0)
		return ERR_IN_USE;
	if (strcmp(state, "23502") == 0 || strcmp(state, "23514") == 0 ||
	    memcmp(state, "22", 2) == 0)
		return ERR_INVALID;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return ERR_BUSY;
	if (strcmp(state, "53100") == 0)
		return ERR_UNAVAILABLE;
	return ERR_DB;
}

/* session_setup: what every new or reset session needs. */
static kt_err session_setup(struct pg_conn *pc)
{
	PGresult *r = PQexec(pc->pg, "SET client_encoding = 'UTF8'; "
				     "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	kt_err rc = PQresultStatus(r) == PGRES_COMMAND_OK ? ERR_OK : ERR_IO;
	if (rc)
		set_errmsg(pc, r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL,
			   r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
			     : PQerrorMessage(pc->pg));
	PQclear(r);
	return rc;
}

/* reconnect: the connection is gone; reset it once.  Every statement
 * prepared on the old session is stale and is prepared again on its next
 * step.  ERR_BUSY either way, so db_tx_run retries the transaction; until
 * the caller rolls back, the rest of a lost transaction fails too (else it
 * would run piecemeal in autocommit on the new session). */
static kt_err reconnect(struct db_conn *c)
{
	struct pg_conn *pc = PC(c);
	PQreset(pc->pg);
	pc->epoch++;
	pc->tx_lost = c->in_tx != 0;
	bool ok = PQstatus(pc->pg) == CONNECTION_OK && session_setup(pc) == ERR_OK;
	log_warn("event=db_reconnect ok=%d", ok ? 1 : 0);
	if (!ok)
		set_errmsg(pc, NULL, PQerrorMessage(pc->pg));
	return ERR_BUSY;
}

/* fail: the error of a failed libpq call (r may be NULL); clears r. */
static kt_err fail(struct db_conn *c, PGresult *r)
{
	struct pg_conn *pc = PC(c);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	set_errmsg(pc, state, msg ? msg : PQerrorMessage(pc->pg));
	/* A data exception quotes the bad value after a colon ("invalid input
	 * syntax for type integer: ..."); logs never show bound values. */
	if (state && strncmp(state, "22", 2) == 0 && strlen(pc->errmsg) > strlen(state) + 2) {
		char *colon = strstr(pc->errmsg + strlen(state) + 2, ": ");
		if (colon)
			*colon = '\0';
	}
	kt_err rc = map_sqlstate(state);
	if (!r && PQstatus(pc->pg) == CONNECTION_OK)
		rc = ERR_NOMEM;
	PQclear(r);
	if (PQstatus(pc->pg) != CONNECTION_OK)
		return reconnect(c);
	return rc;
}

/* record_changes: rows touched by the command of r, when it is one that
 * changes rows (a SELECT leaves the count as it was, as in SQLite). */
static void record_changes(struct pg_conn *pc, PGresult *r)
{
	static const char *const tags[] = {"INSERT ", "UPDATE ", "DELETE ", "MERGE "};
	const char *status = PQcmdStatus(r);
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if (strncmp(status, tags[i], strlen(tags[i])) == 0) {
			pc->changes = strtoll(PQcmdTuples(r), NULL, 10);
			return;
		}
	}
}

/* ---- connections --------------------------------------------------- */

/* quiet_notice: warnings (ROLLBACK outside a transaction after a reset,
 * for instance) go to the debug log, not to stderr. */
static void quiet_notice(void *arg, const char *msg)
{
	struct pg_conn tmp;
	(void)arg;
	if (log_min_level > LOG_DEBUG)
		return;
	set_errmsg(&tmp, NULL, msg);
	log_debug("event=db_notice msg=\"%.200s\"", tmp.errmsg);
}

/* log_connect_failure: names the server, never the password. */
static void log_connect_failure(struct db *db, PGconn *pg)
{
	char msg[PG_ERRMSG_SIZE];
	struct pg_conn tmp;
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(db->pg_url, &perr);
	if (!opts) {
		/* The parser's message may quote a piece of the URL. */
		log_error("event=db_connect_failed msg=\"the connection URL does not parse\"");
		PQfreemem(perr);
		return;
	}
	const char *pw = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			pw = o->val;
	set_errmsg(&tmp, NULL, pg ? PQerrorMessage(pg) : "out of memory");
	snprintf(msg, sizeof msg, "%s", tmp.errmsg);
	if (pw && strstr(msg, pw))
		snprintf(msg, sizeof msg, "%s",
			 "connection failed (message withheld: it quotes the password)");
	log_error(
		"event=db_connect_failed host=\"%s\" port=\"%s\" db=\"%s\" user=\"%s\" msg=\"%s\"",
		pg && PQhost(pg) ? PQhost(pg) : "", pg && PQport(pg) ? PQport(pg) : "",
		pg && PQdb(pg) ? PQdb(pg) : "", pg && PQuser(pg) ? PQuser(pg) : "", msg);
	PQconninfoFree(opts);
}

static kt_err pg_connect(struct db *db, struct db_conn *c)
{
	struct pg_conn *pc = calloc(1, sizeof *pc);
	if (!pc)
		return ERR_NOMEM;
	pc->pg = PQconnectdb(db->pg_url);
	if (!pc->pg || PQstatus(pc->pg) != CONNECTION_OK) {
		log_connect_failure(db, pc->pg);
		PQfinish(pc->pg);
		free(pc);
		return ERR_IO;
	}
	PQsetNoticeProcessor(pc->pg, quiet_notice, NULL);
	PQsetErrorVerbosity(pc->pg, PQERRORS_TERSE);
	if (session_setup(pc) != ERR_OK) {
		log_error("event=db_setup_failed msg=\"%s\"", pc->errmsg);
		PQfinish(pc->pg);
		free(pc);
		return ERR_IO;
	}
	c->impl = pc;
	return ERR_OK;
}

static void pg_disconnect(struct db_conn *c)
{
	struct pg_conn *pc = PC(c);
	if (pc)
		PQfinish(pc->pg);
	free(pc);
	c->impl = NULL;
}

/* ---- statements ---------------------------------------------------- */

/* skip_quoted: p at an opening quote q; returns just past the closing one
 * (a doubled quote is part of the text; with backslashes, as in E'..',
 * a backslash escapes the next character), or at the end of the text. */
static const char *skip_quoted(const char *p, char q, bool backslashes)
{
	for (p++; *p; p++) {
		if (backslashes && *p == '\\' && p[1]) {
			p++;
		} else if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p++;
		}
	}
	return p;
}

static bool is_ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || (unsigned char)ch >= 0x80;
}

/* translate: SQLite-style placeholders to PostgreSQL's: '?' takes the
 * number after the largest so far, '?NNN' is number NNN.  Text in quotes
 * ('..', E'..', "..") and comments (-- and / * * /) is copied unchanged.
 * *out is malloc'd; *nparams the largest number. */
static kt_err translate(const char *sql, char **out, int *nparams)
{
	size_t len = strlen(sql);
	struct buf b;
	buf_init(&b, len * 6 + 16);
	int maxn = 0;
	kt_err rc = ERR_OK;
	const char *p = sql;
	*out = NULL;
	*nparams = 0;
	while (*p && !rc) {
		const char *from = p;
		if (*p == '\'') {
			bool e = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				 (p - 1 == sql || !is_ident_char(p[-2]));
			p = skip_quoted(p, '\'', e);
		} else if (*p == '"') {
			p = skip_quoted(p, '"', false);
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
		} else if (*p == '?') {
			long n;
			p++;
			if (*p >= '0' && *p <= '9') {
				char *end;
				errno = 0;
				n = strtol(p, &end, 10);
				if (errno || n < 1 || n > PG_MAX_PARAMS)
					rc = ERR_INVALID;
				p = end;
			} else {
				n = maxn + 1;
			}
			if (n > PG_MAX_PARAMS)
				rc = ERR_INVALID;
			if (!rc) {
				if (n > maxn)
					maxn = (int)n;
				rc = buf_printf(&b, "$%ld", n);
			}
			continue;
		} else {
			while (*p && *p != '\'' && *p != '"' && *p != '?' &&
			       !(p[0] == '-' && p[1] == '-') && !(p[0] == '/' && p[1] == '*'))
				p++;
		}
		rc = buf_append(&b, from, (size_t)(p - from));
	}
	if (!rc) {
		*out = buf_take(&b);
		if (!*out)
			rc = ERR_NOMEM;
		*nparams = maxn;
	}
	buf_clear(&b);
	return rc;
}

/* server_prepare: prepares st on the current session under a new name. */
static kt_err server_prepare(struct db_conn *c, struct pg_stmt *st)
{
	struct pg_conn *pc = PC(c);
	snprintf(st->name, sizeof st->name, "s%llu", ++pc->next_name);
	PGresult *r = PQprepare(pc->pg, st->name, st->sql, st->nparams, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return fail(c, r);
	PQclear(r);
	st->epoch = pc->epoch;
	return ERR_OK;
}

static void clear_values(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
	}
}

static void stmt_free(struct pg_stmt *st)
{
	if (!st)
		return;
	PQclear(st->res);
	if (st->values)
		clear_values(st);
	free(st->values);
	free(st->sql);
	free(st);
}

static kt_err pg_prepare(struct db_stmt *s)
{
	struct pg_conn *pc = PC(s->conn);
	struct pg_stmt *st = calloc(1, sizeof *st);
	if (!st)
		return ERR_NOMEM;
	st->row = -1;
	st->ncols = -1;
	kt_err rc = translate(s->sql, &st->sql, &st->nparams);
	if (rc == ERR_INVALID)
		set_errmsg(pc, NULL, "bad placeholder number");
	if (!rc && st->nparams) {
		st->values = calloc((size_t)st->nparams, sizeof *st->values);
		if (!st->values)
			rc = ERR_NOMEM;
	}
	if (!rc)
		rc = server_prepare(s->conn, st);
	if (rc) {
		stmt_free(st);
		return rc == ERR_BUSY ? ERR_BUSY : rc == ERR_NOMEM ? ERR_NOMEM : ERR_DB;
	}
	s->impl = st;
	return ERR_OK;
}

static void pg_finalize(struct db_stmt *s)
{
	struct pg_conn *pc = PC(s->conn);
	struct pg_stmt *st = ST(s);
	if (!st)
		return;
	/* Free the server's copy too, unless the session is gone or inside a
	 * failed transaction (where DEALLOCATE would fail; it then lives until
	 * the connection closes). */
	if (pc && st->epoch == pc->epoch && PQstatus(pc->pg) == CONNECTION_OK) {
		PGTransactionStatusType ts = PQtransactionStatus(pc->pg);
		if (ts == PQTRANS_IDLE || ts == PQTRANS_INTRANS) {
			char sql[48];
			snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
			PQclear(PQexec(pc->pg, sql));
		}
	}
	stmt_free(st);
	s->impl = NULL;
}

static kt_err set_value(struct db_stmt *s, int idx, char *v)
{
	struct pg_stmt *st = ST(s);
	if (idx < 1 || idx > st->nparams) {
		free(v);
		set_errmsg(PC(s->conn), NULL, "bind index out of range");
		return ERR_DB;
	}
	free(st->values[idx - 1]);
	st->values[idx - 1] = v;
	return ERR_OK;
}

static kt_err pg_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	char *t = strdup(tmp);
	return t ? set_value(s, idx, t) : ERR_NOMEM;
}

static kt_err pg_bind_double(struct db_stmt *s, int idx, double v)
{
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%.17g", v);
	char *t = strdup(tmp);
	return t ? set_value(s, idx, t) : ERR_NOMEM;
}

static kt_err pg_bind_text(struct db_stmt *s, int idx, const char *v, size_t len)
{
	/* PostgreSQL text cannot hold NUL; refuse rather than truncate. */
	if (memchr(v, '\0', len)) {
		set_errmsg(PC(s->conn), NULL, "text holds a NUL byte");
		return ERR_INVALID;
	}
	char *t = malloc(len + 1);
	if (!t)
		return ERR_NOMEM;
	memcpy(t, v, len);
	t[len] = '\0';
	return set_value(s, idx, t);
}

static kt_err pg_bind_null(struct db_stmt *s, int idx)
{
	return set_value(s, idx, NULL);
}

static kt_err pg_step(struct db_stmt *s)
{
	struct pg_conn *pc = PC(s->conn);
	struct pg_stmt *st = ST(s);
	if (!st->res) {
		pc->errmsg[0] = '\0';
		if (pc->tx_lost) {
			set_errmsg(pc, NULL, "the connection was lost inside this transaction");
			return ERR_BUSY;
		}
		if (st->epoch != pc->epoch) {
			kt_err rc = server_prepare(s->conn, st);
			if (rc)
				return rc;
		}
		PGresult *r = PQexecPrepared(pc->pg, st->name, st->nparams,
					     (const char *const *)st->values, NULL, NULL, 0);
		ExecStatusType status = PQresultStatus(r);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
			return fail(s->conn, r);
		record_changes(pc, r);
		st->res = r;
		st->nrows = status == PGRES_TUPLES_OK ? PQntuples(r) : 0;
		st->ncols = PQnfields(r);
		st->row = -1;
	}
	if (st->row < st->nrows)
		st->row++;
	return st->row < st->nrows ? ERR_ROW : ERR_DONE;
}

static int pg_col_count(struct db_stmt *s)
{
	struct pg_stmt *st = ST(s);
	if (st->ncols >= 0)
		return st->ncols;
	/* Not run yet: ask the server (SQLite knows this from the prepare). */
	struct pg_conn *pc = PC(s->conn);
	if (st->epoch != pc->epoch && server_prepare(s->conn, st) != ERR_OK)
		return 0;
	PGresult *r = PQdescribePrepared(pc->pg, st->name);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fail(s->conn, r);
		return 0;
	}
	st->ncols = PQnfields(r);
	PQclear(r);
	return st->ncols;
}

/* cell: the text of column col of the current row; NULL when there is no
 * such cell or it is SQL NULL. */
static const char *cell(struct db_stmt *s, int col, size_t *len)
{
	struct pg_stmt *st = ST(s);
	if (len)
		*len = 0;
	if (!st->res || st->row < 0 || st->row >= st->nrows || col < 0 || col >= st->ncols ||
	    PQgetisnull(st->res, st->row, col))
		return NULL;
	if (len)
		*len = (size_t)PQgetlength(st->res, st->row, col);
	return PQgetvalue(st->res, st->row, col);
}

static bool pg_col_is_null(struct db_stmt *s, int col)
{
	return cell(s, col, NULL) == NULL;
}

static int64_t pg_col_int64(struct db_stmt *s, int col)
{
	const char *t = cell(s, col, NULL);
	if (!t)
		return 0;
	if (t[0] == 't' && !t[1])
		return 1;
	if (t[0] == 'f' && !t[1])
		return 0;
	char *end;
	long long v = strtoll(t, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		/* numeric or float text: truncate, saturating like SQLite */
		double d = strtod(t, NULL);
		if (d >= 9223372036854775807.0)
			return INT64_MAX;
		if (d <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)d;
	}
	return (int64_t)v;
}

static double pg_col_double(struct db_stmt *s, int col)
{
	const char *t = cell(s, col, NULL);
	if (!t)
		return 0.0;
	if (t[0] == 't' && !t[1])
		return 1.0;
	return strtod(t, NULL);
}

static const char *pg_col_text(struct db_stmt *s, int col, size_t *len)
{
	return cell(s, col, len);
}

static void pg_reset(struct db_stmt *s)
{
	struct pg_stmt *st = ST(s);
	PQclear(st->res);
	st->res = NULL;
	st->nrows = 0;
	st->row = -1;
	clear_values(st);
}

/* ---- connection-level operations ----------------------------------- */

/* lost_create_race: r is the failure of a lone "CREATE ... IF NOT EXISTS"
 * outside a transaction because another session created the same object
 * at the same moment (PostgreSQL's IF NOT EXISTS is not safe against that;
 * two servers starting at once hit it).  The object exists: that is what
 * was asked for, as on SQLite. */
static bool lost_create_race(struct db_conn *c, const char *sql, PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (c->in_tx || !state || strncmp(sql, "CREATE ", 7) != 0 ||
	    !strstr(sql, " IF NOT EXISTS ") || strchr(sql, ';'))
		return false;
	if (strcmp(state, "23505") && strcmp(state, "42P07") && strcmp(state, "42710"))
		return false;
	log_debug("event=db_create_race sqlstate=%s", state);
	return true;
}

static kt_err pg_exec(struct db_conn *c, const char *sql)
{
	struct pg_conn *pc = PC(c);
	bool rollback = strcmp(sql, "ROLLBACK") == 0;
	if (!rollback) /* after a rollback the error that caused it still counts */
		pc->errmsg[0] = '\0';
	if (pc->tx_lost) {
		if (!rollback && strcmp(sql, "BEGIN") != 0) {
			set_errmsg(pc, NULL, "the connection was lost inside this transaction");
			return ERR_BUSY;
		}
		pc->tx_lost = false;
	}
	PGresult *r = PQexec(pc->pg, sql);
	ExecStatusType status = PQresultStatus(r);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
	    status != PGRES_EMPTY_QUERY) {
		if (lost_create_race(c, sql, r)) {
			PQclear(r);
			return ERR_OK;
		}
		kt_err rc = fail(c, r);
		if (rollback) /* whatever happened, no transaction is left */
			pc->tx_lost = false;
		return rc;
	}
	/* COMMIT of a transaction that had failed "succeeds" as ROLLBACK. */
	bool rolled_back =
		strncmp(sql, "COMMIT", 6) == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
	record_changes(pc, r);
	PQclear(r);
	if (rolled_back) {
		set_errmsg(pc, "25P02", "COMMIT rolled back a transaction that had failed");
		return ERR_DB;
	}
	return ERR_OK;
}

/* Read committed either way: writers serialise on the rows they lock and
 * on the version checks of their UPDATEs. */
static kt_err pg_begin(struct db_conn *c, bool write)
{
	(void)write;
	return pg_exec(c, "BEGIN");
}

static const char *pg_errmsg(struct db_conn *c)
{
	struct pg_conn *pc = PC(c);
	if (!pc)
		return "not connected";
	if (pc->errmsg[0])
		return pc->errmsg;
	return PQstatus(pc->pg) == CONNECTION_OK ? "" : "connection lost";
}

static int64_t pg_changes(struct db_conn *c)
{
	return PC(c)->changes;
}

/* ---- search -------------------------------------------------------- */

/* table names come from entity metadata; refuse anything that is not a
 * plain identifier rather than build SQL with it. */
static bool plain_ident(const char *t, size_t len)
{
	if (len == 0 || len > 48 || (t[0] >= '0' && t[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
			return false;
	return true;
}

static kt_err pg_search_sql(const char *table, struct buf *sql)
{
	if (!plain_ident(table, strlen(table)))
		return ERR_INTERNAL;
	return buf_printf(sql, "id IN (SELECT id FROM %s_fts WHERE tsv @@ to_tsquery('simple', ?))",
			  table);
}

/* Each space-separated token of folded_q becomes a quoted prefix lexeme,
 * all required: "jan kow" -> "'jan':* & 'kow':*".  Inside the quotes a
 * single quote is doubled and a backslash escaped, so no text breaks the
 * query; the parser drops what holds no word.  An empty query binds '',
 * which to_tsquery turns into a query matching nothing. */
static kt_err pg_search_bind(struct db_stmt *s, int *idx, const char *folded_q)
{
	struct buf q;
	buf_init(&q, 8 * strlen(folded_q) + 64);
	kt_err rc = ERR_OK;
	const char *p = folded_q;
	while (*p && !rc) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (q.len)
			rc = buf_puts(&q, " & ");
		if (!rc)
			rc = buf_putc(&q, '\'');
		for (; *p && *p != ' ' && !rc; p++) {
			if (*p == '\'')
				rc = buf_puts(&q, "''");
			else if (*p == '\\')
				rc = buf_puts(&q, "\\\\");
			else
				rc = buf_putc(&q, *p);
		}
		if (!rc)
			rc = buf_puts(&q, "':*");
	}
	if (!rc)
		rc = pg_bind_text(s, (*idx)++, buf_cstr(&q), q.len);
	buf_clear(&q);
	return rc;
}

static kt_err pg_search_put(struct db_conn *c, const char *table, int64_t id, const char *doc)
{
	char sql[256];
	struct db_stmt *s;
	if (!plain_ident(table, strlen(table)))
		return ERR_INTERNAL;
	snprintf(sql, sizeof sql,
		 "INSERT INTO %s_fts(id, doc) VALUES (?, ?)"
		 " ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc",
		 table);
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	rc = pg_bind_int64(s, 1, id);
	if (!rc)
		rc = pg_bind_text(s, 2, doc, strlen(doc));
	if (rc) {
		pg_reset(s);
		return rc;
	}
	return db_exec_stmt(s);
}

static kt_err pg_search_del(struct db_conn *c, const char *table, int64_t id)
{
	char sql[128];
	struct db_stmt *s;
	if (!plain_ident(table, strlen(table)))
		return ERR_INTERNAL;
	snprintf(sql, sizeof sql, "DELETE FROM %s_fts WHERE id = ?", table);
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	rc = pg_bind_int64(s, 1, id);
	if (rc) {
		pg_reset(s);
		return rc;
	}
	return db_exec_stmt(s);
}

/* PostgreSQL checks its own pages; this only proves the session works. */
static kt_err pg_integrity_check(struct db_conn *c)
{
	return pg_exec(c, "SELECT 1");
}

static kt_err pg_ddl_token(const char *tok, size_t len, struct buf *out)
{
	if (len == 2 && memcmp(tok, "PK", 2) == 0)
		return buf_puts(out, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
	if (len == 4 && memcmp(tok, "BLOB", 4) == 0)
		return buf_puts(out, "BYTEA");
	if (len == 9 && memcmp(tok, "COLLATION", 9) == 0)
		return buf_puts(out, "CREATE COLLATION IF NOT EXISTS kt_pl (provider = icu, locale = 'pl-PL')");
	if (len > 7 && memcmp(tok, "SEARCH:", 7) == 0 && plain_ident(tok + 7, len - 7)) {
		int n = (int)(len - 7);
		const char *t = tok + 7;
		return buf_printf(
			out,
			"CREATE TABLE %.*s_fts (id BIGINT PRIMARY KEY, doc TEXT NOT NULL,"
			" tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', doc)) STORED);"
			" CREATE INDEX %.*s_fts_tsv ON %.*s_fts USING GIN (tsv);",
			n, t, n, t, n, t);
	}
	return ERR_INTERNAL;
}

/* Held until the migration's transaction ends, so two servers starting
 * at once apply each migration once. */
static kt_err pg_migrate_lock(struct db_conn *c)
{
	return pg_exec(c, PG_MIGRATE_LOCK);
}

const struct db_ops db_pg_ops = {
	.name = "postgresql",
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.reset = pg_reset,
	.exec = pg_exec,
	.begin = pg_begin,
	.errmsg = pg_errmsg,
	.changes = pg_changes,
	.search_sql = pg_search_sql,
	.search_bind = pg_search_bind,
	.search_put = pg_search_put,
	.search_del = pg_search_del,
	.integrity_check = pg_integrity_check,
	.ddl_token = pg_ddl_token,
	.migrate_lock = pg_migrate_lock,
};
