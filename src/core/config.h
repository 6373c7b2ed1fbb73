/* config.h: settings of a Kontakt process: an INI file (--config),
 * overridden by environment variables, overridden by flags.  Only the
 * values live here; what they mean is decided by their users. */
#ifndef KT_CONFIG_H
#define KT_CONFIG_H

#include "core/err.h"

struct config {
	char *db;               /* SQLite path */
	char *pg;               /* PostgreSQL URL */
	char *listen;
	char *data_dir;
	char *smtp_url;
	char *smtp_from;
	char *web_dir;
	char *log_level;
	char *backup_password;  /* scheduled backups are off without one */
	int threads;
	int backup_interval_h;  /* 0 = default 24 */
	int backup_keep;        /* 0 = default 7 */
	int cookie_secure;      /* 1: cookies only over HTTPS (behind a TLS proxy) */
	int smtp_allow_plaintext; /* 1: no STARTTLS required of a mail server off this machine */
	int conn_timeout_s;     /* 0 = default (LIM_CONN_TIMEOUT_S) */
	int login_delay_ms;     /* 0 = default (LIM_LOGIN_DELAY_MS) */
};

/* config_load_file: reads [kontakt] (or top-level) keys of an INI file;
 * *line gets the first bad line on ERR_INVALID. */
kt_err config_load_file(struct config *c, const char *path, int *line);
/* config_load_env: KONTAKT_DB, KONTAKT_PG, KONTAKT_LISTEN, KONTAKT_DATA_DIR,
 * KONTAKT_SMTP_URL, KONTAKT_SMTP_FROM, KONTAKT_WEB_DIR, KONTAKT_LOG_LEVEL,
 * KONTAKT_BACKUP_PASSWORD, KONTAKT_BACKUP_INTERVAL_H, KONTAKT_BACKUP_KEEP,
 * KONTAKT_COOKIE_SECURE, KONTAKT_CONN_TIMEOUT_S, KONTAKT_SMTP_ALLOW_PLAINTEXT,
 * KONTAKT_LOGIN_DELAY_MS. */
void config_load_env(struct config *c);
/* config_set: sets one key by name ("smtp_url"...); ERR_INVALID if unknown. */
kt_err config_set(struct config *c, const char *key, const char *value);
void config_clear(struct config *c);

#endif
