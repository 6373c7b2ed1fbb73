/* inquiries.c: the routes of sales beyond plain records: comments on an
 * inquiry, the board by status, the reports (JSON, CSV, XLSX), and
 * finishing or reopening a client's service. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/isotime.h"
#include "core/table.h"
#include "crm/inquiries.h"

kt_err api_inquiries_comment(struct http_req *req)
{
	return api_write_body(req, inquiries_comment, "Send the comment as {\"body\": \"...\"}.", 201);
}

kt_err api_contacts_finish(struct http_req *req)
{
	return api_write_body(req, contacts_finish, "Send {\"close_reason_id\": ..., \"note\": \"...\"}.", 200);
}

kt_err api_contacts_reopen(struct http_req *req)
{
	return api_write_id(req, contacts_reopen, 200);
}

kt_err api_inquiries_board(struct http_req *req)
{
	return api_read_query(req, inquiries_board);
}

struct report_q {
	int32_t from, to;
	enum report_group group;
	const char *format;
};

static kt_err parse_report(struct http_req *req, json_t *q, bool grouped, struct report_q *r)
{
	r->from = (int32_t)isotime_days_from_civil(2000, 1, 1);
	r->to = (int32_t)isotime_days_from_civil(2100, 1, 1);
	r->group = REPORT_STATUS;
	r->format = "json";
	const char *k;
	json_t *v;
	json_object_foreach(q, k, v) {
		const char *s = json_string_value(v);
		if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			int32_t d;
			if (!isodate_parse(s, strlen(s), &d))
				api_param_error(req, k, "must be a date YYYY-MM-DD");
			else if (k[0] == 'f')
				r->from = d;
			else
				r->to = d + 1;
		} else if (grouped && strcmp(k, "group_by") == 0) {
			static const char *const g[] = {"status", "handler", "close_reason", "month"};
			bool ok = false;
			for (int i = 0; i < 4; i++)
				if (strcmp(s, g[i]) == 0)
					r->group = (enum report_group)i, ok = true;
			if (!ok)
				api_param_error(req, k, "must be status, handler, close_reason or month");
		} else if (strcmp(k, "format") == 0) {
			if (strcmp(s, "json") && strcmp(s, "csv") && strcmp(s, "xlsx"))
				api_param_error(req, k, "must be json, csv or xlsx");
			r->format = s;
		} else {
			api_param_error(req, k, "is not a parameter of this report");
		}
	}
	return req->err_fields ? ERR_BAD_QUERY : ERR_OK;
}

/* The rows of a report as a table, in the format asked for. */
static kt_err reply_report(struct http_req *req, const char *name, const char *format, json_t *out,
			   const char *const *cols, int ncols)
{
	if (strcmp(format, "json") == 0)
		return http_reply_json(req, 200, out);
	json_t *header = json_array(), *rows = json_array();
	for (int i = 0; i < ncols; i++)
		json_array_append_new(header, json_string(cols[i]));
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(out, "rows"), i, r) {
		json_t *row = json_array();
		for (int c = 0; c < ncols; c++)
			json_array_append(row, json_object_get(r, cols[c]) ? json_object_get(r, cols[c]) : json_null());
		json_array_append_new(rows, row);
	}
	json_decref(out);
	kt_err rc;
	if (strcmp(format, "csv") == 0) {
		struct buf b;
		buf_init(&b, 64 * 1024 * 1024);
		rc = table_csv(header, rows, &b);
		if (!rc)
			rc = http_reply_bytes(req, 200, "text/csv; charset=utf-8", b.data, b.len);
		buf_clear(&b);
	} else {
		char *x = NULL;
		size_t n = 0;
		rc = table_xlsx(name, header, rows, getenv("TMPDIR"), &x, &n);
		if (!rc)
			rc = http_reply_bytes(req, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", x, n);
		free(x);
	}
	json_decref(header);
	json_decref(rows);
	return rc;
}

/* The inquiries report (grouped) or the finished clients' one. */
static kt_err report(struct http_req *req, bool inquiries)
{
	json_t *q = http_query(req);
	struct report_q r;
	kt_err rc = parse_report(req, q, inquiries, &r);
	const char *format = r.format[0] == 'c' ? "csv" : r.format[0] == 'x' ? "xlsx" : "json";
	json_decref(q);
	if (rc)
		return rc;
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL;
	rc = inquiries ? inquiries_report(&ctx, r.from, r.to, r.group, &out) : contacts_report(&ctx, r.from, r.to, &out);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	static const char *const icols[] = {"key", "label", "count", "open", "won", "lost", "value", "value_won"};
	static const char *const ccols[] = {"key", "label", "count"};
	return inquiries ? reply_report(req, "inquiries", format, out, icols, 8)
			 : reply_report(req, "clients", format, out, ccols, 3);
}

kt_err api_reports_inquiries(struct http_req *req)
{
	return report(req, true);
}

kt_err api_reports_contacts(struct http_req *req)
{
	return report(req, false);
}
