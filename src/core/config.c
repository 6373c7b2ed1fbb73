/* config.c: see config.h.  INI parsing is libinih's. */
#include "core/config.h"

#include <ini.h>
#include <stdlib.h>
#include <string.h>

static kt_err set_str(char **slot, const char *v)
{
	char *c = strdup(v);
	if (!c)
		return ERR_NOMEM;
	free(*slot);
	*slot = c;
	return ERR_OK;
}

kt_err config_set(struct config *c, const char *key, const char *value)
{
	struct {
		const char *name;
		char **slot;
	} keys[] = {
		{"db", &c->db}, {"pg", &c->pg}, {"listen", &c->listen}, {"data_dir", &c->data_dir},
		{"smtp_url", &c->smtp_url}, {"smtp_from", &c->smtp_from}, {"web_dir", &c->web_dir},
		{"log_level", &c->log_level}, {"backup_password", &c->backup_password},
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i].name, key) == 0)
			return set_str(keys[i].slot, value);
	struct {
		const char *name;
		int *slot;
		long min, max;
	} ints[] = {
		{"threads", &c->threads, 1, 256}, {"backup_interval_h", &c->backup_interval_h, 1, 24 * 365},
		{"backup_keep", &c->backup_keep, 1, 10000}, {"cookie_secure", &c->cookie_secure, 0, 1},
		{"conn_timeout_s", &c->conn_timeout_s, 1, 3600},
		{"smtp_allow_plaintext", &c->smtp_allow_plaintext, 0, 1},
		{"login_delay_ms", &c->login_delay_ms, 1, 3600 * 1000},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if (strcmp(ints[i].name, key) != 0)
			continue;
		char *end;
		long n = strtol(value, &end, 10);
		if (!*value || *end || n < ints[i].min || n > ints[i].max)
			return ERR_INVALID;
		*ints[i].slot = (int)n;
		return ERR_OK;
	}
	return ERR_INVALID;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	if (section[0] && strcmp(section, "kontakt") != 0)
		return 1;
	return config_set(user, name, value) == ERR_OK;
}

kt_err config_load_file(struct config *c, const char *path, int *line)
{
	int r = ini_parse(path, on_ini, c);
	*line = r;
	if (r < 0)
		return ERR_IO;
	return r == 0 ? ERR_OK : ERR_INVALID;
}

void config_load_env(struct config *c)
{
	static const struct {
		const char *env, *key;
	} map[] = {
		{"KONTAKT_DB", "db"}, {"KONTAKT_PG", "pg"}, {"KONTAKT_LISTEN", "listen"},
		{"KONTAKT_DATA_DIR", "data_dir"}, {"KONTAKT_SMTP_URL", "smtp_url"},
		{"KONTAKT_SMTP_FROM", "smtp_from"}, {"KONTAKT_WEB_DIR", "web_dir"},
		{"KONTAKT_LOG_LEVEL", "log_level"}, {"KONTAKT_BACKUP_PASSWORD", "backup_password"},
		{"KONTAKT_BACKUP_INTERVAL_H", "backup_interval_h"}, {"KONTAKT_BACKUP_KEEP", "backup_keep"},
		{"KONTAKT_COOKIE_SECURE", "cookie_secure"}, {"KONTAKT_CONN_TIMEOUT_S", "conn_timeout_s"},
		{"KONTAKT_SMTP_ALLOW_PLAINTEXT", "smtp_allow_plaintext"}, {"KONTAKT_LOGIN_DELAY_MS", "login_delay_ms"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		const char *v = getenv(map[i].env);
		if (v && *v)
			config_set(c, map[i].key, v);
	}
}

void config_clear(struct config *c)
{
	free(c->db);
	free(c->pg);
	free(c->listen);
	free(c->data_dir);
	free(c->smtp_url);
	free(c->smtp_from);
	free(c->web_dir);
	free(c->log_level);
	free(c->backup_password);
	memset(c, 0, sizeof *c);
}
