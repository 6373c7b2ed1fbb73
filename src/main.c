/* main.c: the kontakt command line: init, migrate, serve, user add, demo.
 * Each command parses its own flags from a table, prints --help, and
 * exits 2 with one clear line on a wrong flag or value.  Settings come
 * from --config FILE, then the environment, then flags. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/app.h"
#include "crm/bulkmail.h"
#include "crm/demo.h"
#include "crm/entities.h"
#include "crm/password.h"
#include "crm/remind_mail.h"
#include "db/db.h"
#include "db/inuse.h"
#include "db/migrate.h"
#include "http/listen.h"
#include "http/server.h"
#include "jobs/backup.h"
#include "jobs/jobs.h"

#define EXIT_USAGE 2

struct opt {
	const char *name;       /* "--db" */
	bool value;             /* takes a value */
	const char *help;
};

struct args {
	const char *vals[16];
	bool set[16];
};

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "kontakt %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see: kontakt %s --help)\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

static void print_help(const char *cmd, const char *synopsis, const struct opt *opts)
{
	printf("usage: kontakt %s %s\n\noptions:\n", cmd, synopsis);
	for (int i = 0; opts[i].name; i++)
		printf("  %-22s %s\n", opts[i].name, opts[i].help);
	printf("  %-22s %s\n", "--help", "show this help");
}

/* parse: fills a from argv by opts; returns -1 to go on, else an exit code. */
static int parse(const char *cmd, const char *synopsis, const struct opt *opts, int argc,
		 char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(cmd, synopsis, opts);
			return 0;
		}
		const char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		int k = -1;
		for (int j = 0; opts[j].name && k < 0; j++)
			if (strlen(opts[j].name) == n && strncmp(opts[j].name, argv[i], n) == 0)
				k = j;
		if (k < 0)
			return usage_error(cmd, "unknown option or argument '%s'", argv[i]);
		if (opts[k].value) {
			if (eq)
				a->vals[k] = eq + 1;
			else if (i + 1 < argc)
				a->vals[k] = argv[++i];
			else
				return usage_error(cmd, "option %s needs a value", opts[k].name);
		} else if (eq) {
			return usage_error(cmd, "option %s takes no value", opts[k].name);
		}
		a->set[k] = true;
	}
	return -1;
}

static const char *arg(const struct opt *opts, const struct args *a, const char *name)
{
	for (int j = 0; opts[j].name; j++)
		if (strcmp(opts[j].name, name) == 0)
			return a->vals[j];
	return NULL;
}

static bool flag(const struct opt *opts, const struct args *a, const char *name)
{
	for (int j = 0; opts[j].name; j++)
		if (strcmp(opts[j].name, name) == 0)
			return a->set[j];
	return false;
}

/* The settings of a command: --config, then environment, then flags. */
static int settings(const char *cmd, const struct opt *opts, const struct args *a, struct config *c)
{
	memset(c, 0, sizeof *c);
	const char *file = arg(opts, a, "--config");
	if (file) {
		int line = 0;
		kt_err rc = config_load_file(c, file, &line);
		if (rc == ERR_IO)
			return usage_error(cmd, "cannot read config file '%s'", file);
		if (rc) {
			fprintf(stderr, "kontakt %s: config file %s: unknown key or bad value on line %d\n", cmd, file, line);
			return EXIT_USAGE;
		}
	}
	config_load_env(c);
	static const char *const flags[][2] = {{"--db", "db"}, {"--pg", "pg"}, {"--listen", "listen"},
					      {"--data-dir", "data_dir"}, {"--web-dir", "web_dir"},
					      {"--threads", "threads"}};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		const char *v = arg(opts, a, flags[i][0]);
		if (v && config_set(c, flags[i][1], v) != ERR_OK)
			return usage_error(cmd, "bad value for %s", flags[i][0]);
	}
	if (c->log_level) {
		static const char *lv[] = {"debug", "info", "warn", "error", "off"};
		bool ok = false;
		for (int i = 0; i < 5; i++)
			if (strcmp(c->log_level, lv[i]) == 0) {
				log_min_level = (enum log_level)i;
				ok = true;
			}
		if (!ok)
			return usage_error(cmd, "log level '%s' is not one of debug, info, warn, error, off", c->log_level);
	}
	if (!c->db && !c->pg)
		return usage_error(cmd, "%s", "give --db PATH (SQLite) or --pg URL (PostgreSQL)");
	if (c->db && c->pg)
		return usage_error(cmd, "%s", "give either --db or --pg, not both");
	return -1;
}

static int open_db_opts(const char *cmd, const struct config *c, int pool, bool create, bool bulk, struct db **db);

static int open_db(const char *cmd, const struct config *c, int pool, bool create, struct db **db)
{
	return open_db_opts(cmd, c, pool, create, false, db);
}

static int open_db_opts(const char *cmd, const struct config *c, int pool, bool create, bool bulk, struct db **db)
{
	if (c->db && !create && access(c->db, F_OK) != 0) {
		fprintf(stderr, "kontakt %s: no database at %s (create one with: kontakt init --db %s)\n", cmd, c->db, c->db);
		return 1;
	}
	struct db_options o = {.sqlite_path = c->db, .pg_url = c->pg, .pool_size = pool, .create = create,
			       .bulk = bulk, .sync_normal = bulk};
	kt_err rc = db_open(&o, db);
	if (rc) {
		fprintf(stderr, "kontakt %s: cannot open the database %s: %s\n", cmd,
			c->db ? c->db : "(PostgreSQL)", err_info(rc)->message);
		return 1;
	}
	return -1;
}

static int migrate_now(const char *cmd, struct db *db, int *applied)
{
	kt_err rc = db_migrate(db, applied);
	if (rc) {
		fprintf(stderr, "kontakt %s: migrating the database failed: %s\n", cmd, err_info(rc)->message);
		return 1;
	}
	/* Search documents a migration queued for rebuilding (schema.c 11). */
	rc = record_search_rebuild(db, entities_find, NULL);
	if (rc) {
		fprintf(stderr, "kontakt %s: rebuilding the search index failed: %s\n", cmd, err_info(rc)->message);
		return 1;
	}
	return -1;
}

/* The actor of command-line writes: the system (user id 0). */
static void system_ctx(struct db_conn *c, struct rec_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->conn = c;
	ctx->now = app_now(NULL);
	ctx->default_cc = "48";
	ctx->role = ROLE_ADMIN;
	ctx->lookup = entities_find;
}

static void print_errors(const char *cmd, struct rec_ctx *ctx, kt_err rc)
{
	if (ctx->errors && json_object_size(ctx->errors)) {
		const char *k;
		json_t *v;
		json_object_foreach(ctx->errors, k, v)
			fprintf(stderr, "kontakt %s: %s %s\n", cmd, k, json_string_value(v));
	} else {
		fprintf(stderr, "kontakt %s: %s\n", cmd, ctx->message ? ctx->message : err_info(rc)->message);
	}
}

struct user_add {
	struct rec_ctx ctx;
	json_t *in;
	const char *department;
	json_t *out;
};

static kt_err find_or_make_department(struct rec_ctx *ctx, const char *name, int64_t *id)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT id FROM departments WHERE name = ? AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, name);
	rc = db_step(s);
	if (rc == ERR_ROW)
		*id = db_col_int64(s, 0);
	db_reset(s);
	if (rc == ERR_ROW)
		return ERR_OK;
	if (rc != ERR_DONE)
		return rc;
	json_t *in = json_pack("{ss}", "name", name), *out = NULL;
	rc = record_create(ctx, entities_find("departments"), in, &out);
	if (!rc)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return rc;
}

static kt_err user_add_tx(struct db_conn *c, void *arg)
{
	struct user_add *u = arg;
	rec_ctx_clear(&u->ctx);
	json_decref(u->out);
	u->out = NULL;
	if (u->department) {
		int64_t dep = 0;
		kt_err rc = find_or_make_department(&u->ctx, u->department, &dep);
		if (rc)
			return rc;
		json_object_set_new(u->in, "department_id", json_integer(dep));
	}
	return record_create(&u->ctx, entities_find("users"), u->in, &u->out);
}

static kt_err add_user(struct db *db, json_t *in, const char *department, const char *cmd)
{
	struct db_conn *c;
	db_conn_acquire(db, &c);
	struct user_add u = {.in = in, .department = department};
	system_ctx(c, &u.ctx);
	kt_err rc = db_tx_run(c, true, user_add_tx, &u);
	if (rc)
		print_errors(cmd, &u.ctx, rc);
	rec_ctx_clear(&u.ctx);
	json_decref(u.out);
	db_conn_release(c);
	return rc;
}

static kt_err count_users(struct db *db, int64_t *n)
{
	struct db_conn *c;
	db_conn_acquire(db, &c);
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "SELECT COUNT(*) FROM users", &s);
	if (!rc) {
		rc = db_step(s);
		*n = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
		rc = rc == ERR_ROW ? ERR_OK : rc;
		db_reset(s);
	}
	db_conn_release(c);
	return rc;
}

static void random_password(char out[17])
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[16] = '\0';
}

#define DB_OPTS \
	{"--db", true, "PATH of the SQLite database"}, \
	{"--pg", true, "URL of a PostgreSQL database instead of --db"}, \
	{"--config", true, "FILE with settings (INI)"}

static int cmd_init(int argc, char **argv)
{
	static const struct opt opts[] = {DB_OPTS,
		{"--admin-login", true, "login of the first admin (default: admin)"},
		{"--admin-password", true, "password of the first admin (default: generated and printed)"},
		{NULL, false, NULL}};
	struct args a;
	int r = parse("init", "--db PATH [--admin-login L --admin-password P]", opts, argc, argv, &a);
	if (r >= 0)
		return r;
	struct config c;
	if ((r = settings("init", opts, &a, &c)) >= 0)
		return config_clear(&c), r;
	const char *login = arg(opts, &a, "--admin-login");
	const char *pw = arg(opts, &a, "--admin-password");
	struct db *db = NULL;
	int applied = 0;
	int64_t users = 0;
	if ((r = open_db("init", &c, 1, true, &db)) < 0 && (r = migrate_now("init", db, &applied)) < 0) {
		r = 0;
		if (count_users(db, &users) != ERR_OK)
			r = 1;
	}
	if (r < 0 || (r == 0 && users == 0)) {
		char gen[17];
		if (!pw)
			random_password(gen);
		json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s}", "login", login ? login : "admin", "name", "Administrator",
				       "role", "admin", "password", pw ? pw : gen, "locale", "pl");
		r = add_user(db, in, NULL, "init") ? 1 : 0;
		json_decref(in);
		if (r == 0) {
			printf("Created the database %s with the admin '%s'.\n", c.db ? c.db : "(PostgreSQL)", login ? login : "admin");
			if (!pw)
				printf("Admin password (shown once): %s\n", gen);
		}
	} else if (r == 0) {
		printf("The database %s is up to date (%d migration%s applied); it already has users.\n",
		       c.db ? c.db : "(PostgreSQL)", applied, applied == 1 ? "" : "s");
	}
	db_free(db);
	config_clear(&c);
	return r;
}

static int cmd_migrate(int argc, char **argv)
{
	static const struct opt opts[] = {DB_OPTS, {NULL, false, NULL}};
	struct args a;
	int r = parse("migrate", "--db PATH", opts, argc, argv, &a);
	if (r >= 0)
		return r;
	struct config c;
	if ((r = settings("migrate", opts, &a, &c)) >= 0)
		return config_clear(&c), r;
	struct db *db = NULL;
	int applied = 0;
	if ((r = open_db("migrate", &c, 1, false, &db)) < 0 && (r = migrate_now("migrate", db, &applied)) < 0) {
		printf("Applied %d migration%s; the schema is at version %d.\n", applied, applied == 1 ? "" : "s",
		       db_schema_latest());
		r = 0;
	}
	db_free(db);
	config_clear(&c);
	return r;
}

static int read_password_stdin(char *out, size_t cap)
{
	if (!fgets(out, (int)cap, stdin))
		return -1;
	size_t n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	static const struct opt opts[] = {DB_OPTS,
		{"--login", true, "login of the new user"},
		{"--password-stdin", false, "read the password from standard input"},
		{"--role", true, "admin | manager | agent"},
		{"--department", true, "NAME of the department (created if missing)"},
		{"--name", true, "full name"},
		{"--email", true, "e-mail address"},
		{NULL, false, NULL}};
	if (argc < 1 || strcmp(argv[0], "add") != 0) {
		if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
			print_help("user add", "--db PATH --login L --password-stdin --role admin|manager|agent [--department NAME]", opts);
			return 0;
		}
		return usage_error("user", "unknown subcommand '%s' (the only one is: add)", argc ? argv[0] : "");
	}
	struct args a;
	int r = parse("user add", "--db PATH --login L --password-stdin --role admin|manager|agent [--department NAME]",
		      opts, argc - 1, argv + 1, &a);
	if (r >= 0)
		return r;
	const char *login = arg(opts, &a, "--login"), *role = arg(opts, &a, "--role");
	if (!login)
		return usage_error("user add", "%s", "--login is required");
	if (!role || (strcmp(role, "admin") && strcmp(role, "manager") && strcmp(role, "agent")))
		return usage_error("user add", "%s", "--role must be admin, manager or agent");
	if (!flag(opts, &a, "--password-stdin"))
		return usage_error("user add", "%s", "--password-stdin is required (the password is never a flag)");
	struct config c;
	if ((r = settings("user add", opts, &a, &c)) >= 0)
		return config_clear(&c), r;
	char pw[300];
	if (read_password_stdin(pw, sizeof pw) != 0) {
		config_clear(&c);
		fprintf(stderr, "kontakt user add: no password on standard input\n");
		return EXIT_USAGE;
	}
	struct db *db = NULL;
	if ((r = open_db("user add", &c, 1, false, &db)) < 0 && (r = migrate_now("user add", db, NULL)) < 0) {
		const char *name = arg(opts, &a, "--name"), *email = arg(opts, &a, "--email");
		json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "login", login, "role", role, "password", pw, "name", name ? name : login);
		if (email)
			json_object_set_new(in, "email", json_string(email));
		r = add_user(db, in, arg(opts, &a, "--department"), "user add") ? 1 : 0;
		json_decref(in);
		if (r == 0)
			printf("Added the %s '%s'.\n", role, login);
	}
	sodium_memzero(pw, sizeof pw);
	db_free(db);
	config_clear(&c);
	return r;
}

static int cmd_demo(int argc, char **argv)
{
	static const struct opt opts[] = {DB_OPTS,
		{"--contacts", true, "N clients to create (default 1000)"},
		{"--seed", true, "S, the random seed (default 1): the same seed gives the same data"},
		{"--activities", true, "N activities (default: as many as contacts)"},
		{"--inquiries", true, "N inquiries (default: a tenth of the contacts)"},
		{NULL, false, NULL}};
	struct args a;
	int r = parse("demo", "--db PATH [--contacts N] [--seed S]", opts, argc, argv, &a);
	if (r >= 0)
		return r;
	long long n = 1000, seed = 1;
	const char *ns = arg(opts, &a, "--contacts"), *ss = arg(opts, &a, "--seed");
	char *end;
	if (ns && (n = strtoll(ns, &end, 10), !*ns || *end || n < 0 || n > 100000000))
		return usage_error("demo", "--contacts must be a number from 0 to 100000000, not '%s'", ns);
	if (ss && (seed = strtoll(ss, &end, 10), !*ss || *end))
		return usage_error("demo", "--seed must be an integer, not '%s'", ss);
	long long na = -1, ni = -1;
	const char *as = arg(opts, &a, "--activities"), *is = arg(opts, &a, "--inquiries");
	if (as && (na = strtoll(as, &end, 10), !*as || *end || na < 0 || na > 100000000))
		return usage_error("demo", "--activities must be a number from 0 to 100000000, not '%s'", as);
	if (is && (ni = strtoll(is, &end, 10), !*is || *end || ni < 0 || ni > 100000000))
		return usage_error("demo", "--inquiries must be a number from 0 to 100000000, not '%s'", is);
	struct config c;
	if ((r = settings("demo", opts, &a, &c)) >= 0)
		return config_clear(&c), r;
	struct db *db = NULL;
	/* Sample data can be made again, so the demo trades durability on
	 * power loss (synchronous=NORMAL, still crash-safe in WAL) for speed. */
	if ((r = open_db_opts("demo", &c, 1, true, true, &db)) < 0 && (r = migrate_now("demo", db, NULL)) < 0) {
		struct demo_stats st;
		struct demo_opts o = {n, na, ni, (uint64_t)seed};
		kt_err rc = demo_generate_opts(db, &o, &st);
		if (rc) {
			fprintf(stderr, "kontakt demo: %s\n", err_info(rc)->message);
			r = 1;
		} else {
			printf("Demo data: %lld users, %lld companies, %lld contacts, %lld activities, %lld inquiries,"
			       " %lld announcements and articles (seed %lld). Demo users log in with the password"
			       " demo-password-1.\n",
			       (long long)st.users, (long long)st.companies, (long long)st.contacts,
			       (long long)st.activities, (long long)st.inquiries, (long long)st.office, seed);
			if (st.manager[0] && st.agent[0])
				printf("Demo users: %s (a manager), %s (an agent); password demo-password-1.\n", st.manager,
				       st.agent);
			r = 0;
		}
	}
	db_free(db);
	config_clear(&c);
	return r;
}

static const struct job_kind JOB_KINDS[] = {
	{"backup", backup_job, 3, 3600},
	{"remind", remind_mail_job, 8, 120},
	{"bulk_email", bulkmail_job, 5, 3600},
};

/* start_jobs: the background runner and the backup schedule. */
static int start_jobs(struct app *app, const struct config *c, struct jobs **out)
{
	char worker[96], host[64] = "host";
	gethostname(host, sizeof host - 1);
	snprintf(worker, sizeof worker, "%.60s:%ld", host, (long)getpid());
	struct db_conn *conn;
	db_conn_acquire(app->db, &conn);
	int64_t interval = (int64_t)(c->backup_interval_h ? c->backup_interval_h : 24) * 3600;
	kt_err rc = app->backup_password ? jobs_schedule(conn, "backup", interval, app_now(app) + interval) : ERR_OK;
	db_conn_release(conn);
	if (!app->backup_password)
		log_warn("event=backups_off reason=\"set KONTAKT_BACKUP_PASSWORD (and KONTAKT_DATA_DIR) for scheduled encrypted backups\"");
	if (!rc)
		rc = jobs_start(app, JOB_KINDS, (int)(sizeof JOB_KINDS / sizeof JOB_KINDS[0]), worker, out);
	if (rc) {
		fprintf(stderr, "kontakt serve: cannot start background jobs: %s\n", err_info(rc)->message);
		return 1;
	}
	return -1;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct opt opts[] = {DB_OPTS,
		{"--listen", true, "ADDRESS:PORT to serve on (default 127.0.0.1:8080)"},
		{"--threads", true, "N HTTP threads (default: the number of cores)"},
		{"--data-dir", true, "DIR for attachments and backups (KONTAKT_DATA_DIR)"},
		{"--web-dir", true, "DIR to serve the web UI from (development)"},
		{NULL, false, NULL}};
	struct args a;
	int r = parse("serve", "--db PATH [--listen 127.0.0.1:8080] [--config FILE]", opts, argc, argv, &a);
	if (r >= 0)
		return r;
	struct config c;
	if ((r = settings("serve", opts, &a, &c)) >= 0)
		return config_clear(&c), r;
	const char *listen = c.listen ? c.listen : "127.0.0.1:8080";
	struct sockaddr_storage ss;
	if (!http_listen_parse(listen, &ss)) {
		config_clear(&c);
		return usage_error("serve", "'%s' is not an address to listen on (e.g. 127.0.0.1:8080)", listen);
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = c.threads ? c.threads : (int)(cores > 0 ? cores : 1);
	struct app app = {.data_dir = c.data_dir, .smtp_url = c.smtp_url, .smtp_from = c.smtp_from,
			  .web_dir = c.web_dir, .backup_password = c.backup_password, .backup_keep = c.backup_keep,
			  .cookie_secure = c.cookie_secure == 1, .smtp_allow_plaintext = c.smtp_allow_plaintext == 1,
			  .login_delay_ms = c.login_delay_ms};
	struct db *db = NULL;
	struct route *routes = NULL;
	int nroutes = 0;
	struct http_server *srv = NULL;
	struct jobs *jobs = NULL;
	struct db_inuse *claim = NULL;
	/* Polling threads, password workers, the job runner, and spare. */
	if ((r = open_db("serve", &c, threads + LIM_HASH_WORKERS + 3, false, &db)) >= 0)
		goto out;
	/* Held while serving: `kontakt restore` refuses to replace the
	 * database under us, and we do not start during a restore. */
	struct db_options io = {.sqlite_path = c.db, .pg_url = c.pg};
	char why[300] = "";
	if (db_inuse_serve(&io, &claim, why, sizeof why) != ERR_OK) {
		fprintf(stderr, "kontakt serve: %s; start the server when it has finished\n", why[0] ? why : "out of memory");
		r = 1;
		goto out;
	}
	if ((r = migrate_now("serve", db, NULL)) >= 0)
		goto out;
	app.db = db;
	if (password_hash("not a password", 14, app.dummy_hash) || api_routes_new(&routes, &nroutes)) {
		fprintf(stderr, "kontakt serve: out of memory\n");
		r = 1;
		goto out;
	}
	struct http_server_options so = {.listen = listen, .threads = threads, .timeout_s = c.conn_timeout_s,
					 .routes = routes, .nroutes = nroutes};
	kt_err rc = http_server_start(&app, &so, &srv);
	if (rc) {
		fprintf(stderr, "kontakt serve: cannot listen on %s: %s\n", listen, strerror(errno));
		r = 1;
		goto out;
	}
	if ((r = start_jobs(&app, &c, &jobs)) >= 0)
		goto out;
	log_info("event=serving listen=%s db=\"%s\" threads=%d", listen, db_describe(db), threads);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("event=stopping signal=%d", sig);
	http_server_stop(srv);
	srv = NULL;
	log_info("event=stopped");
	r = 0;
out:
	http_server_stop(srv);
	/* The runner finishes the job in hand (no half-sent reminder left to a
	 * lease) before the connections it uses are closed. */
	jobs_stop(jobs);
	api_routes_free(routes, nroutes);
	db_free(db);
	db_inuse_free(claim);
	config_clear(&c);
	return r;
}

static int cmd_backup_restore(int argc, char **argv, bool restore)
{
	const char *cmd = restore ? "restore" : "backup";
	static const struct opt bopts[] = {DB_OPTS,
		{"--out", true, "FILE to write the encrypted backup to (must not exist)"},
		{"--password-stdin", false, "read the backup password from standard input"},
		{NULL, false, NULL}};
	static const struct opt ropts[] = {DB_OPTS,
		{"--in", true, "FILE of the encrypted backup"},
		{"--password-stdin", false, "read the backup password from standard input"},
		{"--force", false, "restore even while a server is using the database"},
		{NULL, false, NULL}};
	const struct opt *opts = restore ? ropts : bopts;
	struct args a;
	int r = parse(cmd, restore ? "--db PATH --in FILE --password-stdin [--force]" : "--db PATH --out FILE --password-stdin",
		      opts, argc, argv, &a);
	if (r >= 0)
		return r;
	const char *file = arg(opts, &a, restore ? "--in" : "--out");
	if (!file)
		return usage_error(cmd, "%s", restore ? "--in FILE is required" : "--out FILE is required");
	if (!flag(opts, &a, "--password-stdin"))
		return usage_error(cmd, "%s", "--password-stdin is required (the password is never a flag)");
	struct config c;
	if ((r = settings(cmd, opts, &a, &c)) >= 0)
		return config_clear(&c), r;
	char pw[300];
	if (read_password_stdin(pw, sizeof pw) != 0 || !pw[0]) {
		config_clear(&c);
		fprintf(stderr, "kontakt %s: no password on standard input\n", cmd);
		return EXIT_USAGE;
	}
	char err[256] = "";
	kt_err rc;
	if (restore) {
		/* Refused while a server uses the database: its later writes
		 * would go to the replaced file (SQLite) or meet a database
		 * dropped under it (PostgreSQL).  The claim also keeps a server
		 * from starting until the restore is done. */
		struct db_options o = {.sqlite_path = c.db, .pg_url = c.pg};
		struct db_inuse *claim = NULL;
		rc = flag(opts, &a, "--force") ? ERR_OK : db_inuse_restore(&o, &claim, err, sizeof err);
		if (rc == ERR_IN_USE) {
			fprintf(stderr, "kontakt restore: %s; stop the server first or pass --force\n", err);
			sodium_memzero(pw, sizeof pw);
			config_clear(&c);
			return 1;
		}
		if (!rc)
			rc = backup_restore(&o, file, pw, err, sizeof err);
		db_inuse_free(claim);
		if (!rc)
			printf("Restored %s from %s. Start the server again; it applies any newer migrations.\n",
			       c.db ? c.db : "the PostgreSQL database", file);
	} else {
		struct db *db = NULL;
		r = open_db(cmd, &c, 1, false, &db);
		if (r >= 0) {
			sodium_memzero(pw, sizeof pw);
			config_clear(&c);
			return r;
		}
		rc = backup_write(db, file, pw, err, sizeof err);
		db_free(db);
		if (!rc)
			printf("Wrote the encrypted backup %s.\n", file);
	}
	if (rc)
		fprintf(stderr, "kontakt %s: %s\n", cmd, err[0] ? err : err_info(rc)->message);
	sodium_memzero(pw, sizeof pw);
	config_clear(&c);
	return rc ? 1 : 0;
}

static int cmd_backup(int argc, char **argv)
{
	return cmd_backup_restore(argc, argv, false);
}

static int cmd_restore(int argc, char **argv)
{
	return cmd_backup_restore(argc, argv, true);
}

static void main_help(void)
{
	printf("kontakt: a CRM for small offices, one program serving a web UI and a JSON API.\n\n"
	       "usage: kontakt COMMAND [options]   (kontakt COMMAND --help for its options)\n\n"
	       "commands:\n"
	       "  init      create or upgrade a database, with a first admin\n"
	       "  migrate   apply pending schema migrations\n"
	       "  serve     serve the web UI and the API\n"
	       "  user add  add a user\n"
	       "  demo      fill a database with realistic Polish sample data\n"
	       "  backup    write an encrypted backup of a database\n"
	       "  restore   replace a database by an encrypted backup\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "kontakt: libsodium failed to start\n");
		return 1;
	}
	json_object_seed(0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		main_help();
		return argc < 2 ? EXIT_USAGE : 0;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"init", cmd_init}, {"migrate", cmd_migrate}, {"serve", cmd_serve},
		{"user", cmd_user}, {"demo", cmd_demo}, {"backup", cmd_backup}, {"restore", cmd_restore},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "kontakt: unknown command '%s' (see: kontakt --help)\n", argv[1]);
	return EXIT_USAGE;
}
