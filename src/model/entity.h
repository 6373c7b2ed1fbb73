/* entity.h: entity metadata.  Every entity and field is declared once, in
 * a table (entities.c); the record engine (record.h) derives validation,
 * CRUD SQL, filters, sorting, pagination, JSON encoding, history and
 * search from it.  Domain rules are hooks here, never a second CRUD. */
#ifndef KT_ENTITY_H
#define KT_ENTITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/limits.h"

struct db_conn;
struct buf;
struct rec_ctx;

/* A condition an entity adds to a list query (or to every read of it):
 * SQL with '?' placeholders and their values (integers or strings). */
struct rec_cond {
	char sql[LIM_COND_SQL];
	json_t *args;           /* array, owned by the engine once set */
};

enum ftype {
	FT_TEXT,        /* string, max = characters */
	FT_INT,         /* 64-bit integer in [min, max] */
	FT_BOOL,
	FT_DATE,        /* "YYYY-MM-DD", stored as text */
	FT_TIME,        /* ISO 8601 in the API, Unix seconds in the store */
	FT_ENUM,        /* one of values[] */
	FT_REF,         /* id of a live row of ref (table) */
	FT_EMAIL,
	FT_PHONE,       /* stored E.164 */
	FT_NIP,
	FT_REGON,
	FT_PESEL,
	FT_MONEY,       /* integer minor units */
	FT_COLOR,       /* "#rrggbb" */
	FT_CUSTOM,      /* the record's custom-field object */
	FT_PASSWORD,    /* write-only; a hook turns it into a hash column */
	FT_JSON,        /* structured value validated by a hook, stored as JSON text */
};

enum fflag {
	F_REQUIRED = 1 << 0,    /* must be given on create */
	F_FILTER = 1 << 1,      /* ?name=value filters lists */
	F_SORT = 1 << 2,        /* ?sort=[-]name (column NOT NULL, indexed with id) */
	F_SEARCH = 1 << 3,      /* part of the ?q= search document */
	F_READONLY = 1 << 4,    /* set by the server only */
	F_CREATE_ONLY = 1 << 5, /* writable on create, not on update */
	F_HIDDEN = 1 << 6,      /* a column never shown in the API */
	F_VIRTUAL = 1 << 7,     /* accepted in input, not a column */
	F_NONEMPTY = 1 << 8,    /* a given text must not be empty */
	F_NULLABLE = 1 << 9,    /* the column may be NULL: null clears an enum; an F_SORT
				 * list pages through the NULLs too */
	F_PARENT = 1 << 10,     /* FT_REF: the record hangs on the one it names and is
				 * never visible where that one is not (record_scope) */
	F_MULTILINE = 1 << 11,  /* text of lines (notes, bodies, addresses): TAB and LF
				 * allowed, bidi controls too; every other text is one line */
};

enum role { ROLE_NONE = 0, ROLE_AGENT = 1, ROLE_MANAGER = 2, ROLE_ADMIN = 3 };

struct field {
	const char *name;               /* API and column name */
	enum ftype type;
	unsigned flags;
	int64_t min, max;               /* FT_TEXT: max characters; FT_INT: range */
	const char *const *values;      /* FT_ENUM: NULL-terminated */
	const char *ref;                /* FT_REF: referenced table */
	const char *def;                /* value on create when not given (JSON text) */
	/* read_role: who sees the value (ROLE_NONE: whoever reads the entity).
	 * A caller below it gets records without the key (but their own, see
	 * hooks.own), its changes left out of history, and may not filter,
	 * sort or pick (?fields=) by it.  Never on an F_SEARCH field. */
	enum role read_role;
};

/* Hooks: each may be NULL.  values is the object of column values about to
 * be written (normalised); cur the stored record on update (NULL on
 * create); errors collects field -> message. */
struct entity_hooks {
	/* validate: cross-field rules; add to errors, return ERR_OK or a
	 * non-validation error. */
	kt_err (*validate)(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
	/* before_write: last change to values inside the transaction. */
	kt_err (*before_write)(struct rec_ctx *ctx, json_t *values, json_t *cur);
	/* after_write: follow-up work in the same transaction; rec is the
	 * record as now stored. */
	kt_err (*after_write)(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur);
	/* search_doc: extra words for the search document (folded text). */
	kt_err (*search_doc)(json_t *rec, struct buf *doc);
	/* before_delete: refuse a delete (e.g. the last admin) or tidy up. */
	kt_err (*before_delete)(struct rec_ctx *ctx, int64_t id, json_t *cur);
	/* before_restore: refuse a restore from the trash (who may delete may
	 * restore) or undo what before_delete tidied; cur is the deleted
	 * record, deleted_at included. */
	kt_err (*before_restore)(struct rec_ctx *ctx, int64_t id, json_t *cur);
	/* scope: the condition (columns prefixed with prefix, e.g. "a.")
	 * that limits every read of this entity to what the caller may see;
	 * leave out->sql empty for no limit.  Applied to gets, lists,
	 * references, history and domain reads alike. */
	kt_err (*scope)(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
	/* decorate: adds read-only conveniences to records about to be
	 * returned (e.g. the linked client's name), for a whole page at once. */
	kt_err (*decorate)(struct rec_ctx *ctx, json_t *items);
	/* list_param: a list parameter the fields don't declare (e.g.
	 * activities' mine=1); ERR_NOT_FOUND when the key is unknown. */
	kt_err (*list_param)(struct rec_ctx *ctx, const char *key, const char *value, struct rec_cond *out);
	/* own: whether rec is the caller's own record, whose fields of a
	 * read_role above the caller's they see all the same (users: one's
	 * own account). */
	bool (*own)(struct rec_ctx *ctx, json_t *rec);
};

struct entity {
	const char *name;               /* API plural and table name */
	const struct field *fields;     /* ends with an entry whose name is NULL */
	enum role read_role;
	enum role write_role;
	bool searchable;                /* has a search index (<name>_fts) */
	bool custom;                    /* has custom fields */
	const char *default_sort;       /* e.g. "-updated_at" */
	/* keeper: the column naming the person who does the work (a task's
	 * assignee): they and the record's creator see it even where an
	 * F_PARENT link hides it (the linked record itself stays hidden). */
	const char *keeper;
	/* title: the fields whose values, joined by spaces, name a record
	 * where another record links to it (record_links_fill). */
	const char *const *title;
	/* search_link: an FT_REF field through which ?q= also finds the
	 * record: an inquiry is found by its client's name when the caller
	 * may see that client (matched at query time under the target's
	 * scope, so a search never reveals a hidden record's words). */
	const char *search_link;
	struct entity_hooks hooks;
};

/* entity_field: the field called name of e, or NULL. */
const struct field *entity_field(const struct entity *e, const char *name);

#endif
