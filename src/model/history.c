/* history.c: the change log of every record (who, when, what: old -> new
 * values), written by the engine and read at /api/<entity>/{id}/history. */
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "model/record_int.h"

kt_err record_history_add(struct rec_ctx *ctx, const char *entity, int64_t id, const char *action,
			  json_t *changes)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "INSERT INTO history (entity, record_id, user_id, at, action, changes)"
			       " VALUES (?, ?, ?, ?, ?, ?)", &s);
	if (rc)
		return rc;
	char *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
	db_bind_str(s, 1, entity);
	db_bind_int64(s, 2, id);
	ctx->user_id ? db_bind_int64(s, 3, ctx->user_id) : db_bind_null(s, 3);
	db_bind_int64(s, 4, ctx->now);
	db_bind_str(s, 5, action);
	db_bind_str(s, 6, text ? text : "{}");
	free(text);
	return db_exec_stmt(s);
}

/* The cursor of a history page is the last id shown, base64url-encoded. */
static kt_err parse_cursor(const char *c, int64_t *after)
{
	unsigned char raw[32];
	size_t n;
	if (strlen(c) > 40 || !b64url_decode(c, strlen(c), raw, sizeof raw - 1, &n))
		return ERR_BAD_QUERY;
	raw[n] = '\0';
	char *end;
	long long v = strtoll((char *)raw, &end, 10);
	if (n == 0 || *end || v <= 0)
		return ERR_BAD_QUERY;
	*after = v;
	return ERR_OK;
}

kt_err record_history(struct rec_ctx *ctx, const struct entity *e, int64_t id, json_t *params,
		      json_t **out)
{
	*out = NULL;
	json_t *cur = NULL;
	kt_err rc = record_get(ctx, e, id, true, &cur);
	/* Changes of fields kept from the caller are left out (read_role). */
	bool own = !rc && rec_own(ctx, e, cur);
	json_decref(cur);
	if (rc)
		return rc;
	int64_t limit = LIM_LIST_DEFAULT, after = INT64_MAX;
	const char *k;
	json_t *v;
	json_object_foreach(params, k, v) {
		const char *val = json_string_value(v);
		if (strcmp(k, "limit") == 0) {
			char *end;
			long long n = strtoll(val, &end, 10);
			if (!*val || *end || n < 1 || n > LIM_LIST_MAX)
				return rec_error(ctx, "limit", "must be an integer from 1 to 500"), ERR_BAD_QUERY;
			limit = n;
		} else if (strcmp(k, "cursor") == 0) {
			if (parse_cursor(val, &after))
				return rec_error(ctx, "cursor", "is not a cursor this server gave"), ERR_BAD_QUERY;
		} else {
			return rec_error(ctx, k, "is not a parameter of this list"), ERR_BAD_QUERY;
		}
	}
	struct db_stmt *s;
	rc = db_prepare(ctx->conn,
			"SELECT h.id, h.user_id, h.at, h.action, h.changes, u.name FROM history h"
			" LEFT JOIN users u ON u.id = h.user_id"
			" WHERE h.entity = ? AND h.record_id = ? AND h.id < ? ORDER BY h.id DESC LIMIT ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, e->name);
	db_bind_int64(s, 2, id);
	db_bind_int64(s, 3, after);
	db_bind_int64(s, 4, limit + 1);
	json_t *items = json_array();
	int64_t last = 0;
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW) {
		if (++n > limit)
			break;
		char at[21];
		size_t len;
		isotime_format(db_col_int64(s, 2), at);
		const char *ch = db_col_text(s, 4, &len);
		json_t *changes = json_loadb(ch ? ch : "{}", ch ? len : 2, 0, NULL);
		for (int i = 0; e->fields[i].name && changes && !own; i++)
			if (!record_field_shown(ctx, &e->fields[i]))
				json_object_del(changes, e->fields[i].name);
		last = db_col_int64(s, 0);
		json_array_append_new(items, json_pack("{sI so ss ss so so}", "id", (json_int_t)last,
			"user_id", db_col_is_null(s, 1) ? json_null() : json_integer(db_col_int64(s, 1)),
			"at", at, "action", db_col_text(s, 3, NULL),
			"user_name", db_col_is_null(s, 5) ? json_null() : json_string(db_col_text(s, 5, NULL)),
			"changes", changes ? changes : json_object()));
	}
	db_reset(s);
	if (rc != ERR_ROW && rc != ERR_DONE) {
		json_decref(items);
		return rc;
	}
	json_t *next = json_null();
	if (n > limit) {
		char num[24], enc[40];
		snprintf(num, sizeof num, "%lld", (long long)last);
		b64url_encode((const unsigned char *)num, strlen(num), enc, sizeof enc);
		next = json_string(enc);
	}
	*out = json_pack("{so so}", "items", items, "next_cursor", next);
	return *out ? ERR_OK : ERR_NOMEM;
}
