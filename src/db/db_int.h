/* db_int.h: what the engine-neutral part of src/db (db.c) shares with the
 * engines (db_sqlite.c, db_pg.c).  Nothing outside src/db includes it. */
#ifndef KT_DB_INT_H
#define KT_DB_INT_H

#include <pthread.h>

#include "db/db.h"

struct buf;

struct db_ops {
	const char *name;
	kt_err (*connect)(struct db *db, struct db_conn *c);
	void (*disconnect)(struct db_conn *c);
	kt_err (*prepare)(struct db_stmt *s);        /* sets s->impl from s->sql */
	void (*finalize)(struct db_stmt *s);
	kt_err (*bind_int64)(struct db_stmt *s, int idx, int64_t v);
	kt_err (*bind_double)(struct db_stmt *s, int idx, double v);
	kt_err (*bind_text)(struct db_stmt *s, int idx, const char *v, size_t len);
	kt_err (*bind_null)(struct db_stmt *s, int idx);
	kt_err (*step)(struct db_stmt *s);
	int (*col_count)(struct db_stmt *s);
	bool (*col_is_null)(struct db_stmt *s, int col);
	int64_t (*col_int64)(struct db_stmt *s, int col);
	double (*col_double)(struct db_stmt *s, int col);
	const char *(*col_text)(struct db_stmt *s, int col, size_t *len);
	void (*reset)(struct db_stmt *s);
	kt_err (*exec)(struct db_conn *c, const char *sql);
	kt_err (*begin)(struct db_conn *c, bool write);
	const char *(*errmsg)(struct db_conn *c);
	int64_t (*changes)(struct db_conn *c);
	kt_err (*search_sql)(const char *table, struct buf *sql);
	kt_err (*search_bind)(struct db_stmt *s, int *idx, const char *folded_q);
	kt_err (*search_put)(struct db_conn *c, const char *table, int64_t id, const char *doc);
	kt_err (*search_del)(struct db_conn *c, const char *table, int64_t id);
	kt_err (*integrity_check)(struct db_conn *c);
	/* ddl_token: expands one schema token ("PK", "BLOB", "SEARCH:table"). */
	kt_err (*ddl_token)(const char *tok, size_t len, struct buf *out);
	/* migrate_lock: serialises migrations across processes, inside the
	 * migration's transaction (no-op where BEGIN IMMEDIATE already does). */
	kt_err (*migrate_lock)(struct db_conn *c);
};

#define DB_CACHE_BUCKETS 128
#define DB_CACHE_MAX     512

struct db_stmt {
	struct db_conn *conn;
	char *sql;              /* owned */
	uint64_t hash;
	void *impl;             /* engine statement */
	struct db_stmt *next;   /* cache bucket chain */
};

struct db_conn {
	struct db *db;
	void *impl;             /* engine connection */
	struct db_stmt *cache[DB_CACHE_BUCKETS];
	int ncached;
	int in_tx;
	struct db_conn *next_free;
};

struct db {
	const struct db_ops *ops;
	enum db_engine engine;
	char *describe;
	char *sqlite_path;
	char *pg_url;
	bool sync_normal;
	bool create;
	bool bulk;
	int nconns;
	struct db_conn *conns;  /* array of nconns */
	struct db_conn *free_list;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
