/* inquiries.c: the rules of a sales inquiry: its handler (the creator by
 * default; an agent chooses within their department), its status from the
 * inquiries pipeline (the first open one by default), and the outcome that
 * follows a closed status: won, or lost with a reason.  Comments are
 * history entries (inquiries_comment). */
#include <stdio.h>
#include <string.h>

#include "crm/entities.h"
#include "crm/inquiries.h"
#include "crm/rules.h"
#include "db/db.h"

struct status_row {
	char entity[16];
	bool closed;
	char outcome[8];
};

static kt_err load_status(struct rec_ctx *ctx, int64_t id, struct status_row *r)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT entity, closed, outcome FROM statuses WHERE id = ? AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		snprintf(r->entity, sizeof r->entity, "%s", db_col_text(s, 0, NULL));
		r->closed = db_col_int64(s, 1) != 0;
		const char *o = db_col_text(s, 2, NULL);
		snprintf(r->outcome, sizeof r->outcome, "%s", o ? o : "");
	}
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc == ERR_DONE ? ERR_NOT_FOUND : rc;
}

static kt_err entity_of(struct rec_ctx *ctx, const char *table, int64_t id, char out[16])
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT entity FROM %s WHERE id = ?", table);
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	out[0] = '\0';
	if (rc == ERR_ROW)
		snprintf(out, 16, "%s", db_col_text(s, 0, NULL));
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

/* The status an outcome moves an inquiry to when none is given. */
static kt_err status_for(struct rec_ctx *ctx, const char *outcome, int64_t *id)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       strcmp(outcome, "open") == 0
				       ? "SELECT id FROM statuses WHERE entity = 'inquiries' AND closed = 0 AND deleted_at IS NULL"
					 " AND (outcome IS NULL OR outcome <> ?) ORDER BY position, id LIMIT 1"
				       : "SELECT id FROM statuses WHERE entity = 'inquiries' AND outcome = ? AND deleted_at IS NULL"
					 " ORDER BY position, id LIMIT 1", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, outcome);
	rc = db_step(s);
	*id = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

static json_t *pick(json_t *values, json_t *cur, const char *k)
{
	json_t *v = json_object_get(values, k);
	return v ? v : cur ? json_object_get(cur, k) : NULL;
}

kt_err inquiries_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	json_t *st = json_object_get(values, "status_id");
	if (json_is_integer(st)) {
		struct status_row r;
		kt_err rc = load_status(ctx, json_integer_value(st), &r);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (rc || strcmp(r.entity, "inquiries") != 0)
			rec_error(ctx, "status_id", "is not a status of the inquiries pipeline");
	}
	json_t *cr = json_object_get(values, "close_reason_id");
	if (json_is_integer(cr)) {
		char ent[16];
		kt_err rc = entity_of(ctx, "close_reasons", json_integer_value(cr), ent);
		if (rc)
			return rc;
		if (strcmp(ent, "inquiries") != 0)
			rec_error(ctx, "close_reason_id", "is not a close reason for inquiries");
	}
	return rights_person(ctx, values, cur, "handler_id", "agents can choose a handler only from their own department");
}

kt_err inquiries_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	if (!cur && !json_object_get(values, "handler_id") && ctx->user_id)
		json_object_set_new(values, "handler_id", json_integer(ctx->user_id));
	kt_err rc = ERR_OK;
	json_t *st = json_object_get(values, "status_id");
	json_t *given_outcome = json_object_get(values, "outcome");
	if (json_is_integer(st)) {
		struct status_row r;
		if ((rc = load_status(ctx, json_integer_value(st), &r)) != ERR_OK)
			return rc;
		const char *o = r.closed && r.outcome[0] ? r.outcome : "open";
		if (!given_outcome)
			json_object_set_new(values, "outcome", json_string(o));
		else if (strcmp(json_string_value(given_outcome), o) != 0)
			return rec_error(ctx, "outcome", "does not agree with the status");
	} else if (json_is_string(given_outcome) || (!cur && !st)) {
		int64_t sid = 0;
		const char *o = json_is_string(given_outcome) ? json_string_value(given_outcome) : "open";
		if ((rc = status_for(ctx, o, &sid)) != ERR_OK)
			return rc;
		if (sid)
			json_object_set_new(values, "status_id", json_integer(sid));
	}
	if (!cur && !json_object_get(values, "outcome"))
		json_object_set_new(values, "outcome", json_string("open"));
	const char *outcome = json_string_value(pick(values, cur, "outcome"));
	const char *was = cur ? json_string_value(json_object_get(cur, "outcome")) : "open";
	if (outcome && strcmp(outcome, "lost") == 0 && !json_is_integer(pick(values, cur, "close_reason_id")))
		return rec_error(ctx, "close_reason_id", "say why the inquiry was lost");
	if (outcome && was && strcmp(outcome, was) != 0)
		json_object_set_new(values, "closed_at", strcmp(outcome, "open") == 0 ? json_null() : json_integer(ctx->now));
	if (outcome && strcmp(outcome, "open") == 0 && cur && json_is_integer(json_object_get(cur, "close_reason_id")) &&
	    !json_object_get(values, "close_reason_id"))
		json_object_set_new(values, "close_reason_id", json_null());
	return scope_department(ctx, values, cur, "handler_id");
}

kt_err inquiries_comment(struct rec_ctx *ctx, int64_t id, json_t *in, json_t **out)
{
	*out = NULL;
	json_t *body = json_object_get(in, "body");
	if (!json_is_object(in) || json_object_size(in) != 1 || !json_is_string(body) || json_string_length(body) == 0 ||
	    json_string_length(body) > 20000)
		return rec_error(ctx, "body", "is required: the comment, up to 20,000 characters, and nothing else");
	json_t *inq = NULL;
	kt_err rc = record_get(ctx, ctx->lookup("inquiries"), id, false, &inq);
	json_decref(inq);
	if (rc)
		return rc;
	json_t *changes = json_pack("{s:O}", "comment", body);
	rc = record_history_add(ctx, "inquiries", id, "comment", changes);
	json_decref(changes);
	json_t *p = json_pack("{s:s}", "limit", "1");
	if (!rc)
		rc = record_history(ctx, ctx->lookup("inquiries"), id, p, out);
	json_decref(p);
	return rc;
}

/* The client as the caller may see it: {"id", "name"}, or {"id",
 * "hidden": true} for a client of another department (the inquiry may be
 * visible company-wide while its client is not). */
kt_err inquiries_decorate(struct rec_ctx *ctx, json_t *items)
{
	return record_links_fill(ctx, entities_find("contacts"), "contact_id", "contact", NULL, items);
}
