/* mailtest.c: Settings → E-mail: GET /api/settings/mail (is e-mail set up,
 * through which server, from which address; never the URL's password) and
 * POST /api/settings/mail/test (one test message through the mailer, to
 * the admin's own address or a given one; a slow route: it waits for the
 * mail server). */
#include <string.h>

#include "api/api.h"
#include "core/app.h"
#include "jobs/mailer.h"

#define NOT_SET_UP "E-mail is not set up: set KONTAKT_SMTP_URL and KONTAKT_SMTP_FROM" \
	" (smtp_url and smtp_from in the configuration file) and restart the server."

static bool set(const char *s)
{
	return s && *s;
}

kt_err api_settings_mail_get(struct http_req *req)
{
	const struct app *app = req->app;
	char server[512];
	json_t *out = json_object();
	json_t *missing = json_array();
	if (!out || !missing) {
		json_decref(out);
		json_decref(missing);
		return ERR_NOMEM;
	}
	bool has_server = set(app->smtp_url) && mailer_url_server(app->smtp_url, server, sizeof server);
	if (!set(app->smtp_url))
		json_array_append_new(missing, json_string("KONTAKT_SMTP_URL"));
	if (!set(app->smtp_from))
		json_array_append_new(missing, json_string("KONTAKT_SMTP_FROM"));
	json_object_set_new(out, "configured", json_boolean(set(app->smtp_url) && set(app->smtp_from)));
	json_object_set_new(out, "server", has_server ? json_string(server) : json_null());
	json_object_set_new(out, "from", set(app->smtp_from) ? json_string(app->smtp_from) : json_null());
	json_object_set_new(out, "missing", missing);
	return http_reply_json(req, 200, out);
}

/* to_field: the address of the test message: the body's "to", else the
 * caller's own e-mail; ERR_INVALID with a field message when neither. */
static kt_err to_field(struct http_req *req, const char **to)
{
	json_t *given = req->body ? json_object_get(req->body, "to") : NULL;
	*to = NULL;
	if (given && !json_is_null(given) && !(json_is_string(given) && json_string_value(given)[0] == '\0')) {
		if (!json_is_string(given)) {
			req->err_fields = json_pack("{s:s}", "to", "Give the address as a string.");
			return ERR_INVALID;
		}
		*to = arena_strdup(&req->arena, json_string_value(given));
		return *to ? ERR_OK : ERR_NOMEM;
	}
	json_t *me = NULL;
	kt_err rc = api_me_json(req, &me);
	if (rc)
		return rc;
	const char *mine = json_string_value(json_object_get(me, "email"));
	bool has = mine && *mine; /* mine is me's: read it before me goes */
	if (has)
		*to = arena_strdup(&req->arena, mine);
	json_decref(me);
	if (has)
		return *to ? ERR_OK : ERR_NOMEM;
	req->err_fields = json_pack("{s:s}", "to",
				    "You have no e-mail address: give one here, or add yours under Settings → My account.");
	return ERR_INVALID;
}

kt_err api_settings_mail_test(struct http_req *req)
{
	const struct app *app = req->app;
	if (req->body && !json_is_object(req->body))
		return ERR_BAD_JSON;
	if (!set(app->smtp_url) || !set(app->smtp_from)) {
		req->err_message = NOT_SET_UP;
		return ERR_UNAVAILABLE;
	}
	const char *to = NULL;
	kt_err rc = to_field(req, &to);
	if (rc)
		return rc;
	bool pl = strcmp(req->auth.locale, "en") != 0;
	struct mail m = {
		.from = app->smtp_from,
		.to = to,
		.subject = pl ? "Kontakt: wiadomość próbna" : "Kontakt: test message",
		.body = pl ? "To jest wiadomość próbna z Kontaktu: poczta działa.\n"
			     "Wysłał ją administrator z Ustawień → E-mail.\n"
			   : "This is a test message from Kontakt: e-mail works.\n"
			     "An administrator sent it from Settings → E-mail.\n",
	};
	char why[512] = "";
	rc = mailer_send(app->smtp_url, app->smtp_allow_plaintext, &m, why, sizeof why);
	if (rc == ERR_INVALID && strstr(why, "sender")) {
		req->err_message = arena_printf(&req->arena, "The sender address is wrong: %s", why);
		return ERR_UNAVAILABLE;
	}
	if (rc == ERR_INVALID) {
		req->err_fields = json_pack("{s:s}", "to", "Give one plain e-mail address, such as jan@example.pl.");
		return ERR_INVALID;
	}
	if (rc) {
		req->err_message = arena_printf(&req->arena,
						"The mail server did not take the message (%s). Check KONTAKT_SMTP_URL and"
						" that the server is reachable.", why);
		return ERR_UNAVAILABLE;
	}
	char server[512] = "";
	mailer_url_server(app->smtp_url, server, sizeof server);
	return http_reply_json(req, 200, json_pack("{s:b,s:s,s:s}", "sent", 1, "to", to, "server", server));
}
