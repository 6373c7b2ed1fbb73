/* app.h: the long-lived state of a running Kontakt (the server context):
 * the database, settings and what is derived from them at start-up.  One
 * struct app per process, created by main.c and passed down; nothing
 * else in the program is mutable and global. */
#ifndef KT_APP_H
#define KT_APP_H

#include <stdbool.h>
#include <stdint.h>

struct db;

struct app {
	struct db *db;
	const char *data_dir;           /* KONTAKT_DATA_DIR */
	const char *smtp_url;           /* KONTAKT_SMTP_URL */
	const char *smtp_from;          /* KONTAKT_SMTP_FROM */
	bool smtp_allow_plaintext;      /* KONTAKT_SMTP_ALLOW_PLAINTEXT: no STARTTLS required off this machine */
	const char *web_dir;            /* serve the UI from here instead of the embedded copy */
	const char *backup_password;    /* scheduled backups need one */
	int backup_keep;                /* scheduled backups kept */
	bool cookie_secure;             /* add Secure to cookies (behind HTTPS) */
	int threads;                    /* HTTP polling threads */
	int login_delay_ms;             /* first log-in wait; 0 = LIM_LOGIN_DELAY_MS */
	char dummy_hash[160];           /* verified against when a login does not exist */
};

/* app_now: the current time in Unix seconds. */
int64_t app_now(const struct app *app);

#endif
