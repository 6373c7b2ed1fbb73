/* settings.c: see settings.h.  Known settings:
 *   autoplan_enabled  1/0   plan a first activity for every new client
 *   autoplan_hour     0..23 local hour of that activity
 *   autoplan_days     0..30 working days after creation (0 = the same day) */
#include "crm/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

struct known {
	const char *key;
	int64_t def, min, max;
};

static const struct known KNOWN[] = {
	{"autoplan_enabled", 1, 0, 1},
	{"autoplan_hour", 9, 0, 23},
	{"autoplan_days", 1, 0, 30},
};

#define NKNOWN ((int)(sizeof KNOWN / sizeof KNOWN[0]))

int64_t settings_get_int(struct db_conn *c, const char *key, int64_t def)
{
	struct db_stmt *s;
	if (db_prepare(c, "SELECT value FROM settings WHERE key = ?", &s))
		return def;
	db_bind_str(s, 1, key);
	int64_t v = def;
	if (db_step(s) == ERR_ROW) {
		const char *t = db_col_text(s, 0, NULL);
		char *end;
		long long n = t ? strtoll(t, &end, 10) : 0;
		if (t && *t && !*end)
			v = n;
	}
	db_reset(s);
	return v;
}

kt_err settings_all(struct db_conn *c, json_t **out)
{
	json_t *o = json_object();
	for (int i = 0; i < NKNOWN; i++)
		json_object_set_new(o, KNOWN[i].key, json_integer(settings_get_int(c, KNOWN[i].key, KNOWN[i].def)));
	*out = o;
	return ERR_OK;
}

kt_err settings_set(struct db_conn *c, json_t *in, int64_t now, json_t *errors)
{
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v) {
		const struct known *kn = NULL;
		for (int i = 0; i < NKNOWN && !kn; i++)
			if (strcmp(KNOWN[i].key, k) == 0)
				kn = &KNOWN[i];
		if (!kn)
			json_object_set_new(errors, k, json_string("is not a setting"));
		else if (!json_is_integer(v) || json_integer_value(v) < kn->min || json_integer_value(v) > kn->max)
			json_object_set_new(errors, k, json_sprintf("must be an integer from %lld to %lld",
								    (long long)kn->min, (long long)kn->max));
	}
	if (json_object_size(errors))
		return ERR_INVALID;
	json_object_foreach(in, k, v) {
		struct db_stmt *s;
		kt_err rc = db_prepare(c,
				       "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
				       " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", &s);
		if (rc)
			return rc;
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		db_bind_str(s, 1, k);
		db_bind_str(s, 2, num);
		db_bind_int64(s, 3, now);
		rc = db_exec_stmt(s);
		if (rc)
			return rc;
	}
	return ERR_OK;
}
