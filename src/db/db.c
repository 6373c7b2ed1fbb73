/* db.c: the engine-neutral half of src/db: the connection pool, the
 * per-connection statement cache, transactions with retry, and dispatch
 * to the engine's operations.  No SQL dialect lives here. */
#include "db/db_int.h"

#include <stdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

kt_err db_open(const struct db_options *opt, struct db **out)
{
	*out = NULL;
	struct db *db = calloc(1, sizeof *db);
	if (!db)
		return ERR_NOMEM;
	pthread_mutex_init(&db->mu, NULL);
	pthread_cond_init(&db->cv, NULL);
	db->sync_normal = opt->sync_normal;
	db->create = opt->create;
	db->bulk = opt->bulk;
	if (opt->pg_url) {
		db->ops = &db_pg_ops;
		db->engine = DB_PG;
		db->pg_url = strdup(opt->pg_url);
		db->describe = strdup("postgresql");
	} else {
		db->ops = &db_sqlite_ops;
		db->engine = DB_SQLITE;
		db->sqlite_path = dup_or_null(opt->sqlite_path);
		size_t n = strlen(opt->sqlite_path ? opt->sqlite_path : "") + 8;
		db->describe = malloc(n);
		if (db->describe)
			snprintf(db->describe, n, "sqlite:%s", opt->sqlite_path ? opt->sqlite_path : "");
	}
	db->nconns = opt->pool_size > 0 ? opt->pool_size : 1;
	db->conns = calloc((size_t)db->nconns, sizeof *db->conns);
	if (!db->conns || !db->describe || (opt->pg_url ? !db->pg_url : !db->sqlite_path)) {
		db_free(db);
		return ERR_NOMEM;
	}
	for (int i = 0; i < db->nconns; i++) {
		struct db_conn *c = &db->conns[i];
		c->db = db;
		kt_err rc = db->ops->connect(db, c);
		if (rc) {
			db->nconns = i;
			db_free(db);
			return rc;
		}
		c->next_free = db->free_list;
		db->free_list = c;
	}
	*out = db;
	return ERR_OK;
}

static void cache_clear(struct db_conn *c)
{
	for (int b = 0; b < DB_CACHE_BUCKETS; b++) {
		struct db_stmt *s = c->cache[b];
		while (s) {
			struct db_stmt *n = s->next;
			c->db->ops->finalize(s);
			free(s->sql);
			free(s);
			s = n;
		}
		c->cache[b] = NULL;
	}
	c->ncached = 0;
}

void db_free(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->nconns; i++) {
		cache_clear(&db->conns[i]);
		if (db->conns[i].impl)
			db->ops->disconnect(&db->conns[i]);
	}
	free(db->conns);
	free(db->describe);
	free(db->sqlite_path);
	free(db->pg_url);
	pthread_mutex_destroy(&db->mu);
	pthread_cond_destroy(&db->cv);
	free(db);
}

enum db_engine db_engine_of(const struct db *db)
{
	return db->engine;
}

const char *db_describe(const struct db *db)
{
	return db->describe;
}

kt_err db_conn_acquire(struct db *db, struct db_conn **out)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&db->mu);
	while (!db->free_list) {
		if (pthread_cond_timedwait(&db->cv, &db->mu, &until) != 0 && !db->free_list) {
			pthread_mutex_unlock(&db->mu);
			log_warn("event=db_pool_exhausted");
			*out = NULL;
			return ERR_BUSY;
		}
	}
	struct db_conn *c = db->free_list;
	db->free_list = c->next_free;
	pthread_mutex_unlock(&db->mu);
	c->next_free = NULL;
	*out = c;
	return ERR_OK;
}

void db_conn_release(struct db_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		db_rollback(c);
	struct db *db = c->db;
	pthread_mutex_lock(&db->mu);
	c->next_free = db->free_list;
	db->free_list = c;
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

struct db *db_conn_db(struct db_conn *c)
{
	return c->db;
}

kt_err db_begin(struct db_conn *c, bool write)
{
	kt_err rc = c->db->ops->begin(c, write);
	if (rc == ERR_OK)
		c->in_tx = 1;
	return rc;
}

kt_err db_commit(struct db_conn *c)
{
	kt_err rc = c->db->ops->exec(c, "COMMIT");
	if (rc == ERR_OK)
		c->in_tx = 0;
	return rc;
}

void db_rollback(struct db_conn *c)
{
	if (c->db->ops->exec(c, "ROLLBACK") != ERR_OK)
		log_debug("event=db_rollback_failed msg=\"%s\"", db_errmsg(c));
	c->in_tx = 0;
}

static void backoff(int attempt)
{
	struct timespec ts = {0, (long)(1 + attempt * attempt) * 5 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

kt_err db_tx_run(struct db_conn *c, bool write, db_tx_fn fn, void *ctx)
{
	kt_err rc = ERR_BUSY;
	for (int attempt = 0; attempt <= LIM_DB_RETRIES; attempt++) {
		if (attempt)
			backoff(attempt);
		rc = db_begin(c, write);
		if (rc == ERR_BUSY)
			continue;
		if (rc)
			return rc;
		rc = fn(c, ctx);
		if (rc == ERR_OK)
			rc = db_commit(c);
		if (rc != ERR_OK)
			db_rollback(c);
		if (rc != ERR_BUSY)
			return rc;
		log_info("event=db_retry attempt=%d", attempt + 1);
	}
	return rc;
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

kt_err db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	uint64_t h = hash_sql(sql);
	struct db_stmt **bucket = &c->cache[h % DB_CACHE_BUCKETS];
	for (struct db_stmt *s = *bucket; s; s = s->next) {
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			c->db->ops->reset(s);
			*out = s;
			return ERR_OK;
		}
	}
	if (c->ncached >= DB_CACHE_MAX && !c->in_tx)
		cache_clear(c);
	struct db_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return ERR_NOMEM;
	s->conn = c;
	s->hash = h;
	s->sql = strdup(sql);
	if (!s->sql) {
		free(s);
		return ERR_NOMEM;
	}
	kt_err rc = c->db->ops->prepare(s);
	if (rc) {
		log_error("event=db_prepare_failed sql=\"%.60s\" msg=\"%s\"", sql, db_errmsg(c));
		free(s->sql);
		free(s);
		return rc;
	}
	bucket = &c->cache[h % DB_CACHE_BUCKETS];
	s->next = *bucket;
	*bucket = s;
	c->ncached++;
	*out = s;
	return ERR_OK;
}

kt_err db_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
	return s->conn->db->ops->bind_int64(s, idx, v);
}

kt_err db_bind_double(struct db_stmt *s, int idx, double v)
{
	return s->conn->db->ops->bind_double(s, idx, v);
}

kt_err db_bind_text(struct db_stmt *s, int idx, const char *v, size_t len)
{
	if (!v)
		return s->conn->db->ops->bind_null(s, idx);
	return s->conn->db->ops->bind_text(s, idx, v, len);
}

kt_err db_bind_str(struct db_stmt *s, int idx, const char *v)
{
	return db_bind_text(s, idx, v, v ? strlen(v) : 0);
}

kt_err db_bind_null(struct db_stmt *s, int idx)
{
	return s->conn->db->ops->bind_null(s, idx);
}

kt_err db_step(struct db_stmt *s)
{
	kt_err rc = s->conn->db->ops->step(s);
	if (rc != ERR_ROW && rc != ERR_DONE && rc != ERR_DUPLICATE && rc != ERR_BUSY)
		log_error("event=db_step_failed sql=\"%.60s\" msg=\"%s\"", s->sql, db_errmsg(s->conn));
	return rc;
}

kt_err db_exec_stmt(struct db_stmt *s)
{
	kt_err rc = db_step(s);
	if (rc == ERR_ROW || rc == ERR_DONE)
		rc = ERR_OK;
	db_reset(s);
	return rc;
}

int db_col_count(struct db_stmt *s)
{
	return s->conn->db->ops->col_count(s);
}

bool db_col_is_null(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_is_null(s, col);
}

int64_t db_col_int64(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_int64(s, col);
}

double db_col_double(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_double(s, col);
}

const char *db_col_text(struct db_stmt *s, int col, size_t *len)
{
	return s->conn->db->ops->col_text(s, col, len);
}

void db_reset(struct db_stmt *s)
{
	s->conn->db->ops->reset(s);
}

kt_err db_exec(struct db_conn *c, const char *sql)
{
	return c->db->ops->exec(c, sql);
}

const char *db_errmsg(struct db_conn *c)
{
	return c->db->ops->errmsg(c);
}

int64_t db_changes(struct db_conn *c)
{
	return c->db->ops->changes(c);
}

kt_err db_search_sql(struct db *db, const char *table, struct buf *sql)
{
	return db->ops->search_sql(table, sql);
}

kt_err db_search_bind(struct db_stmt *s, int *idx, const char *folded_q)
{
	return s->conn->db->ops->search_bind(s, idx, folded_q);
}

kt_err db_search_put(struct db_conn *c, const char *table, int64_t id, const char *doc)
{
	return c->db->ops->search_put(c, table, id, doc);
}

kt_err db_search_del(struct db_conn *c, const char *table, int64_t id)
{
	return c->db->ops->search_del(c, table, id);
}

kt_err db_integrity_check(struct db_conn *c)
{
	return c->db->ops->integrity_check(c);
}
