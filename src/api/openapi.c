/* openapi.c: GET /api/openapi.json, the API reference generated from the
 * same entity tables that drive the record engine, so the document can
 * never drift from what the server accepts.  The other routes are
 * described where they are declared, in the route table (routes.c). */
#include <string.h>

#include "api/api.h"
#include "core/fieldcode.h"
#include "core/limits.h"
#include "crm/entities.h"

static json_t *field_schema(const struct field *f)
{
	json_t *s = json_object();
	switch (f->type) {
	case FT_INT:
	case FT_REF:
	case FT_MONEY:
		json_object_set_new(s, "type", json_string("integer"));
		if (f->type == FT_REF)
			json_object_set_new(s, "description", json_sprintf("id of a record of %s", f->ref));
		if (f->type == FT_MONEY)
			json_object_set_new(s, "description", json_string("amount in minor units (grosze)"));
		if (f->min || f->max) {
			json_object_set_new(s, "minimum", json_integer(f->min));
			json_object_set_new(s, "maximum", json_integer(f->max));
		}
		break;
	case FT_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case FT_CUSTOM:
		json_object_set_new(s, "type", json_string("object"));
		json_object_set_new(s, "description", json_string("custom field values, see /api/custom_fields"));
		break;
	case FT_JSON:
		json_object_set_new(s, "description", json_string("structured value"));
		break;
	case FT_ENUM: {
		json_t *e = json_array();
		for (int i = 0; f->values[i]; i++)
			json_array_append_new(e, json_string(f->values[i]));
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "enum", e);
		break;
	}
	default: {
		static const char *const formats[] = {
			[FT_DATE] = "date", [FT_TIME] = "date-time", [FT_EMAIL] = "email",
			[FT_PHONE] = "phone (stored as E.164)", [FT_NIP] = "NIP", [FT_REGON] = "REGON",
			[FT_PESEL] = "PESEL", [FT_COLOR] = "#rrggbb", [FT_PASSWORD] = "password",
		};
		json_object_set_new(s, "type", json_string("string"));
		if ((size_t)f->type < sizeof formats / sizeof formats[0] && formats[f->type])
			json_object_set_new(s, "format", json_string(formats[f->type]));
		if (f->type == FT_TEXT)
			json_object_set_new(s, "maxLength", json_integer(f->max ? f->max : LIM_TEXT_DEFAULT));
	}
	}
	if (f->flags & F_READONLY)
		json_object_set_new(s, "readOnly", json_true());
	if (f->flags & F_VIRTUAL)
		json_object_set_new(s, "writeOnly", json_true());
	return s;
}

static json_t *entity_schema(const struct entity *e)
{
	json_t *props = json_object(), *req = json_array();
	static const char *const std[] = {"id", "version", "created_at", "updated_at", "created_by", "updated_by"};
	for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
		json_object_set_new(props, std[i], json_pack("{s:s, s:b}", "type",
			strstr(std[i], "_at") ? "string" : "integer", "readOnly", 1));
	for (int i = 0; e->fields[i].name; i++)
		if (!(e->fields[i].flags & F_HIDDEN)) {
			json_object_set_new(props, e->fields[i].name, field_schema(&e->fields[i]));
			if (e->fields[i].flags & F_REQUIRED)
				json_array_append_new(req, json_string(e->fields[i].name));
		}
	return json_pack("{s:s, s:o, s:o}", "type", "object", "properties", props, "required", req);
}

static json_t *op(const char *summary, const char *role, const char *schema_ref, int ok)
{
	json_t *o = json_pack("{s:s, s:s}", "summary", summary, "x-role", role);
	json_t *resp = json_object();
	char code[8];
	snprintf(code, sizeof code, "%d", ok);
	json_object_set_new(resp, code, schema_ref
		? json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "OK", "content", "application/json",
			    "schema", "$ref", schema_ref)
		: json_pack("{s:s}", "description", "OK"));
	json_object_set_new(resp, "4XX", json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
		"error: {\"error\": {\"code\", \"message\", \"fields\"}}", "content", "application/json",
		"schema", "$ref", "#/components/schemas/Error"));
	json_object_set_new(o, "responses", resp);
	return o;
}

static void add_entity_paths(json_t *paths, json_t *schemas, const struct entity *e)
{
	const char *rr = accounts_role_name(e->read_role), *wr = accounts_role_name(e->write_role);
	char ref[96];
	snprintf(ref, sizeof ref, "#/components/schemas/%s", e->name);
	json_object_set_new(schemas, e->name, entity_schema(e));
	json_t *coll = json_object(), *item = json_object();
	json_t *list = op("list (q, filters on filterable fields, sort, limit <= 500, cursor, trash=1, count=1: a count of at most 10001)", rr, NULL, 200);
	json_t *params = json_array();
	for (int i = 0; e->fields[i].name; i++)
		if (e->fields[i].flags & F_FILTER)
			json_array_append_new(params, json_pack("{s:s, s:s, s:o}", "name", e->fields[i].name, "in", "query",
								"schema", field_schema(&e->fields[i])));
	static const char *const common[] = {"q", "sort", "limit", "cursor", "trash", "count"};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcmp(common[i], "q") != 0 || e->searchable)
			json_array_append_new(params, json_pack("{s:s, s:s, s:{s:s}}", "name", common[i], "in", "query",
								"schema", "type", "string"));
	json_object_set_new(list, "parameters", params);
	json_object_set_new(coll, "get", list);
	json_object_set_new(coll, "post", op("create", wr, ref, 201));
	json_object_set_new(item, "get", op("read", rr, ref, 200));
	json_object_set_new(item, "patch", op("update (send \"version\" or If-Match; a stale one gets 409)", wr, ref, 200));
	json_object_set_new(item, "delete", op("move to the trash", wr, NULL, 204));
	char p[128];
	snprintf(p, sizeof p, "/api/%s", e->name);
	json_object_set_new(paths, p, coll);
	snprintf(p, sizeof p, "/api/%s/{id}", e->name);
	json_object_set_new(paths, p, item);
	snprintf(p, sizeof p, "/api/%s/{id}/history", e->name);
	json_object_set_new(paths, p, json_pack("{s:o}", "get", op("history: who changed what, newest first", rr, NULL, 200)));
	snprintf(p, sizeof p, "/api/%s/{id}/restore", e->name);
	json_object_set_new(paths, p, json_pack("{s:o}", "post", op("restore from the trash", wr, ref, 200)));
	snprintf(p, sizeof p, "/api/%s/export", e->name);
	json_object_set_new(paths, p, json_pack("{s:o}", "get", op("the list as a file: format=csv|xlsx, columns=a,b,custom.x,"
		" sep=;|,|tab (CSV; default ; for a Polish user, , for an English one), raw=1 (field names, codes,"
		" ids and UTC times instead of what the list shows in the caller's language and time zone), and the"
		" list's filters, q and sort; streamed, every row", rr, NULL, 200)));
}

/* The documented routes of the table (its end is a zeroed route). */
static void add_table_paths(json_t *paths, const struct route *r)
{
	for (; r && r->pattern; r++) {
		if (!r->doc)
			continue;
		json_t *item = json_object_get(paths, r->pattern);
		if (!item)
			json_object_set_new(paths, r->pattern, item = json_object());
		char method[8];
		size_t i = 0;
		for (; r->method[i] && i < sizeof method - 1; i++)
			method[i] = (char)(r->method[i] | 0x20);
		method[i] = 0;
		const char *role = r->role == ROLE_NONE ? "none" : accounts_role_name(r->role);
		json_object_set_new(item, method, op(r->doc, role, NULL, r->ok));
	}
}

kt_err api_openapi_get(struct http_req *req)
{
	json_t *paths = json_object(), *schemas = json_object();
	add_table_paths(paths, req->route->arg);
	for (const struct entity *const *e = entities_all(); *e; e++)
		add_entity_paths(paths, schemas, *e);
	json_object_set_new(schemas, "Error", json_pack("{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}",
		"type", "object", "properties", "error", "type", "object", "properties",
		"code", "type", "string", "message", "type", "string", "fields", "type", "object"));
	json_t *props = json_object_get(json_object_get(json_object_get(json_object_get(schemas, "Error"), "properties"),
							"error"), "properties");
	json_object_set_new(props, "field_codes", json_pack("{ss}", "type", "object"));
	json_object_set_new(props, "field_params", json_pack("{ss}", "type", "object"));
	json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}},"
				" s:[{s:[]}, {s:[]}]}",
		"openapi", "3.0.3",
		"info", "title", "Kontakt API", "version", "1", "description",
		"JSON over /api. Log in with POST /api/session (cookie; mutations carry X-CSRF-Token) or use"
		" Authorization: Bearer <token>. Lists return {items, next_cursor}; errors"
		" {error: {code, message, fields}}. Times are UTC ISO 8601, money in minor units.",
		"paths", paths,
		"components", "schemas", schemas, "securitySchemes",
		"cookie", "type", "apiKey", "in", "cookie", "name", HTTP_SESSION_COOKIE,
		"bearer", "type", "http", "scheme", "bearer",
		"security", "cookie", "bearer");
	if (!doc)
		return ERR_NOMEM;
	/* What error.field_codes may hold, for clients' translations. */
	json_object_set_new(doc, "x-field-codes", fieldcode_table());
	return http_reply_json(req, 200, doc);
}
