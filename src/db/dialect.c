/* dialect.c: the few SQL fragments that differ between the engines and
 * that callers outside src/db must splice into otherwise portable SQL.
 * Each returns a static string. */
#include "db/db_int.h"

const char *db_sql_skip_locked(const struct db *db)
{
	/* SQLite's write transaction already excludes every other writer. */
	return db->engine == DB_PG ? " FOR UPDATE SKIP LOCKED" : "";
}
