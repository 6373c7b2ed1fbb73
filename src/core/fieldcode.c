/* fieldcode.c: the one table of field error messages and their codes.
 * A pattern is the message with <name> where it holds a parameter and a
 * final '*' where any rest may follow.  A message that changes wording
 * here keeps its code, so clients' translations keep working; a new
 * message a form can show needs a row (tests/api/messages.test.mjs). */
#include <stdbool.h>
#include <string.h>

#include "core/fieldcode.h"

struct fieldcode {
	const char *code;
	const char *pattern;
};

static const struct fieldcode TABLE[] = {
	/* The record engine's generic checks (model/validate.c, custom.c). */
	{"required", "is required"},
	{"required", "must not be empty"},
	{"required", "must not be null"},
	{"required", "is required: non-empty text"},
	{"string", "must be a string"},
	{"object", "must be an object"},
	{"boolean", "must be true or false"},
	{"utf8", "must be valid UTF-8 text"},
	{"single_line", "must be a single line (found a line break)"},
	{"single_line", "must be one line"},
	{"control_chars", "must not contain control characters (found U+<char>, *"},
	{"control_chars", "must not contain control characters (found U+<char>)"},
	{"bidi", "must not contain bidirectional control characters, which reorder how text is shown"
		 " (found U+<char>)"},
	{"too_long", "must be at most <max> characters"},
	{"too_long", "must be text of at most <max> characters"},
	{"email", "is not a valid e-mail address"},
	{"phone", "is not a valid phone number*"},
	{"nip", "is not a valid NIP*"},
	{"regon", "is not a valid REGON*"},
	{"pesel", "is not a valid PESEL*"},
	{"color", "must be a colour like #1a2b3c"},
	{"one_of", "must be one of: <values>"},
	{"integer", "must be an integer"},
	{"number", "must be a number"},
	{"money", "must be an amount in minor units (grosze), an integer"},
	{"range", "must be between <min> and <max>"},
	{"ref", "must be the id of a record"},
	{"missing_ref", "refers to a record that does not exist"},
	{"time", "must be an ISO 8601 time*"},
	{"date", "must be a date YYYY-MM-DD"},
	{"flag", "must be 1 or 0"},
	{"read_only", "is set by the server"},
	{"unknown_field", "is not a field of this record"},
	{"unknown_field", "is not a custom field of this record"},
	{"not_accepted", "is not accepted here*"},
	{"immutable", "cannot be changed after creation"},
	{"version_mismatch", "differs from If-Match"},
	{"option", "must be one of the field's options"},
	/* Passwords and users (crm/password.c, users.c, api/session.c). */
	{"password_short", "is too short: it needs at least <min> characters"},
	{"password_long", "is too long: at most <max> bytes"},
	{"password_login", "must not be the same as the login"},
	{"password_common", "is too common*"},
	{"current_password", "is not your current password"},
	{"login", "must be 2 to 64 letters, digits or . _ @ -"},
	{"time_zone", "is not a known time zone*"},
	{"last_admin", "the office must keep at least one active admin"},
	{"user", "must be the id of a user"},
	{"token_name", "is required: 1 to 100 characters, and nothing else"},
	/* Whom an agent may make responsible (crm/rights.c). */
	{"owner_department", "agents can choose an owner only from their own department"},
	{"handler_department", "agents can choose a handler only from their own department"},
	{"assignee_department", "agents can assign activities only within their own department"},
	/* Clients (crm/contacts.c), notes. */
	{"birth_date_range", "must lie between <min> and today"},
	{"pesel_birth", "does not match the birth date in the PESEL"},
	{"finish_reason", "is required: why the service ends"},
	{"close_reason", "is not a close reason for clients"},
	{"close_reason", "is not a close reason for inquiries"},
	{"note_parent", "a note belongs to one client, company, inquiry or deal"},
	/* Activities (crm/activities.c). */
	{"ends_need_start", "needs starts_at"},
	{"ends_before_start", "must not be before starts_at"},
	{"activity_too_long", "an activity lasts at most <days> days"},
	{"done_locked", "a done activity's time cannot be changed*"},
	{"own_ancestor", "would make the activity its own ancestor"},
	{"next_object", "must be the activity to plan next, as an object"},
	{"next_not_done", "can only be planned when this activity is done"},
	{"next_nested", "plans one activity; its own next comes when it is done"},
	/* Inquiries (crm/inquiries.c). */
	{"inquiry_status", "is not a status of the inquiries pipeline"},
	{"outcome_status", "does not agree with the status"},
	{"lost_reason", "say why the inquiry was lost"},
	{"comment_required", "is required: the comment, up to <max> characters, and nothing else"},
	/* Announcements (crm/announcements.c). */
	{"audience_roles", "must be a list of roles: admin, manager, agent"},
	{"audience_departments", "must be a list of at most <max> department ids"},
	{"audience_departments", "must be a list of department ids"},
	{"missing_department", "refers to a department that does not exist"},
	{"audience_everyone", "cannot be combined with audience roles or departments"},
	{"no_audience", "announcements need an audience"},
	/* Custom fields (crm/custom_fields.c). */
	{"custom_fields_max", "already has <max> custom fields, the most a record can have"},
	{"field_name", "must start with a lower-case letter and hold only a-z, 0-9 and _"},
	{"options_required", "a select field needs a list of options"},
	{"options_max", "at most <max> options"},
	{"option_object", "each option must be an object {value, label, short_name, color, background}"},
	{"option_keys", "options may only have value, label, short_name, color, background"},
	{"option_texts", "each option needs a value (at most <max> characters); labels at most <label>,"
			 " short names <short>"},
	{"option_color", "option colours must look like #1a2b3c"},
	{"option_unique", "option values must be unique"},
	{"options_select_only", "only select fields have options"},
	/* Procedures (crm/procedures.c). */
	{"steps", "must be a list of 1 to <max> steps"},
	{"step_object", "each step must be an object {subject, kind, day_offset, duration_min}"},
	{"step_keys", "steps may only have subject, kind, day_offset and duration_min"},
	{"step_subject", "each step needs a subject of 1 to <max> characters"},
	{"step_kind", "each step's kind must be task, call, meeting or email"},
	{"step_day_offset", "each step needs a day_offset from 0 to <max>"},
	{"step_duration", "duration_min must be from 0 to <max>"},
	/* Knowledge base (crm/kb.c) and mass mailings' texts (crm/bulkmail.c). */
	{"tags", "must be a list of at most <count> tags of 1 to <max> characters, without commas"},
	{"tag", "must be a tag of 1 to <max> characters"},
	{"placeholder", "has an unknown placeholder <found> (use {first_name}, {last_name} or {name})"},
};

#define NCAPS 4

struct cap {
	const char *name;       /* in the pattern, ends at '>' */
	const char *s;
	size_t len;
};

/* match: whether s matches pattern p from here on; caps[*n..] get the
 * parameters (shortest first, so "<max> characters" stops at the first
 * " characters").  Recursion depth is bounded by the pattern's length. */
static bool match(const char *p, const char *s, struct cap *caps, int *n)
{
	for (;;) {
		if (*p == '*' && !p[1])
			return true;
		if (*p == '<') {
			const char *end = strchr(p, '>');
			if (!end || *n >= NCAPS)
				return false;
			int k = (*n)++;
			caps[k].name = p + 1;
			for (size_t len = 1; s[len - 1]; len++) {
				caps[k].s = s;
				caps[k].len = len;
				if (match(end + 1, s + len, caps, n))
					return true;
				*n = k + 1;
			}
			*n = k;
			return false;
		}
		if (!*p)
			return !*s;
		if (*p != *s)
			return false;
		p++;
		s++;
	}
}

/* param: a captured number ("20,000" and "-5" too) as an integer, else
 * the text (a code point such as "0009" too). */
static json_t *param(const char *s, size_t len)
{
	size_t i = len > 1 && s[0] == '-';
	json_int_t v = 0;
	bool digits = len > i && len - i < 16 && (s[i] != '0' || len - i == 1);
	for (size_t j = i; j < len && digits; j++)
		if (s[j] >= '0' && s[j] <= '9')
			v = v * 10 + (s[j] - '0');
		else if (s[j] != ',' || j == i)
			digits = false;
	return digits ? json_integer(i ? -v : v) : json_stringn(s, len);
}

const char *fieldcode_of(const char *message, json_t **params)
{
	if (params)
		*params = NULL;
	if (!message)
		return NULL;
	for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
		struct cap caps[NCAPS];
		int n = 0;
		if (!match(TABLE[i].pattern, message, caps, &n))
			continue;
		if (params && n) {
			*params = json_object();
			for (int k = 0; k < n && *params; k++)
				json_object_setn_new(*params, caps[k].name, (size_t)(strchr(caps[k].name, '>') - caps[k].name),
						     param(caps[k].s, caps[k].len));
		}
		return TABLE[i].code;
	}
	return NULL;
}

json_t *fieldcode_table(void)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < sizeof TABLE / sizeof TABLE[0]; i++)
		json_array_append_new(a, json_pack("{ssss}", "code", TABLE[i].code, "pattern", TABLE[i].pattern));
	return a;
}

void fieldcode_add(json_t *target, json_t *fields)
{
	json_t *codes = json_object(), *params = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		json_t *p = NULL;
		const char *code = fieldcode_of(json_string_value(v), &p);
		if (code && codes)
			json_object_set_new(codes, k, json_string(code));
		if (p && params)
			json_object_set_new(params, k, p);
		else
			json_decref(p);
	}
	if (codes && json_object_size(codes))
		json_object_set(target, "field_codes", codes);
	if (params && json_object_size(params))
		json_object_set(target, "field_params", params);
	json_decref(codes);
	json_decref(params);
}
