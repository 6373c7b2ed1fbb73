/* schema.h: the list of migrations (schema.c).  Their SQL is portable
 * except for @TOKENS@ that migrate.c expands per engine:
 *   @PK@            an auto-increment 64-bit primary key
 *   @SEARCH:table@  the search index of a table (FTS5 / tsvector)
 *   @BLOB@          a byte column
 *   @COLLATION@     creates the collation kt_pl where the engine needs it */
#ifndef KT_SCHEMA_H
#define KT_SCHEMA_H

struct migration {
	int version;
	const char *name;
	const char *const *sql;     /* statements, NULL-terminated */
};

extern const struct migration schema_migrations[];
extern const int schema_nmigrations;

#endif
