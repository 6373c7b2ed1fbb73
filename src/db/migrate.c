/* migrate.c: applies schema.c's migrations in order, each in its own
 * write transaction, recording them in schema_migrations.  Dialect tokens
 * in the SQL are expanded by the engine (db_ops.ddl_token). */
#include "db/migrate.h"

#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "db/db_int.h"
#include "db/schema.h"

#define CREATE_MIGRATIONS \
	"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY," \
	" name TEXT NOT NULL, applied_at BIGINT NOT NULL)"

static kt_err create_table(struct db_conn *c, void *arg)
{
	kt_err rc = db_conn_db(c)->ops->migrate_lock(c);
	return rc ? rc : db_exec(c, CREATE_MIGRATIONS);
}

int db_schema_latest(void)
{
	return schema_migrations[schema_nmigrations - 1].version;
}

static kt_err expand(struct db *db, const char *sql, struct buf *out)
{
	kt_err rc = ERR_OK;
	const char *p = sql;
	while (*p && !rc) {
		const char *at = strchr(p, '@');
		if (!at)
			return buf_puts(out, p);
		const char *end = strchr(at + 1, '@');
		if (!end)
			return ERR_INTERNAL;
		rc = buf_append(out, p, (size_t)(at - p));
		if (!rc)
			rc = db->ops->ddl_token(at + 1, (size_t)(end - at - 1), out);
		p = end + 1;
	}
	return rc;
}

static kt_err read_version(struct db_conn *c, int *version)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &s);
	if (rc)
		return rc;
	rc = db_step(s);
	*version = rc == ERR_ROW ? (int)db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc;
}

struct step_ctx {
	const struct migration *m;
	bool applied;
};

static kt_err apply_one(struct db_conn *c, void *arg)
{
	struct step_ctx *ctx = arg;
	struct db *db = db_conn_db(c);
	/* The lock comes first, so two servers starting together never both
	 * create the bookkeeping table or apply the same step. */
	kt_err rc = db->ops->migrate_lock(c);
	int version = 0;
	if (!rc)
		rc = db_exec(c, CREATE_MIGRATIONS);
	if (!rc)
		rc = read_version(c, &version);
	if (rc || version >= ctx->m->version)
		return rc;
	struct buf sql;
	buf_init(&sql, 1 << 20);
	for (int i = 0; ctx->m->sql[i] && !rc; i++) {
		buf_reset(&sql);
		rc = expand(db, ctx->m->sql[i], &sql);
		if (!rc)
			rc = db_exec(c, buf_cstr(&sql));
		if (rc)
			log_error("event=migration_failed version=%d statement=%d msg=\"%s\"", ctx->m->version, i,
				  db_errmsg(c));
	}
	buf_clear(&sql);
	struct db_stmt *s;
	if (!rc)
		rc = db_prepare(c, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)", &s);
	if (!rc) {
		db_bind_int64(s, 1, ctx->m->version);
		db_bind_str(s, 2, ctx->m->name);
		db_bind_int64(s, 3, (int64_t)time(NULL));
		rc = db_exec_stmt(s);
	}
	ctx->applied = rc == ERR_OK;
	return rc;
}

kt_err db_migrate(struct db *db, int *applied)
{
	struct db_conn *c;
	int n = 0;
	kt_err rc = db_conn_acquire(db, &c);
	if (rc)
		return rc;
	for (int i = 0; i < schema_nmigrations && !rc; i++) {
		struct step_ctx ctx = {&schema_migrations[i], false};
		rc = db_tx_run(c, true, apply_one, &ctx);
		if (!rc && ctx.applied) {
			n++;
			log_info("event=migration_applied version=%d name=\"%s\"", ctx.m->version, ctx.m->name);
		}
	}
	db_conn_release(c);
	if (applied)
		*applied = n;
	return rc;
}

kt_err db_schema_version(struct db *db, int *version)
{
	struct db_conn *c;
	kt_err rc = db_conn_acquire(db, &c);
	if (rc)
		return rc;
	rc = db_tx_run(c, true, create_table, NULL);
	if (!rc)
		rc = read_version(c, version);
	db_conn_release(c);
	return rc;
}
