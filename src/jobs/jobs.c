/* jobs.c: see jobs.h. */
#include "jobs/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/app.h"
#include "db/db.h"

kt_err jobs_enqueue(struct db_conn *c, const char *kind, json_t *payload, int64_t run_at,
		    const char *dedupe_key, int64_t now, int64_t *id)
{
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO jobs (kind, payload, run_at, dedupe_key, created_at)"
			       " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id", &s);
	if (rc) {
		free(text);
		return rc;
	}
	db_bind_str(s, 1, kind);
	db_bind_str(s, 2, text ? text : "{}");
	db_bind_int64(s, 3, run_at);
	db_bind_str(s, 4, dedupe_key);
	db_bind_int64(s, 5, now);
	free(text);
	rc = db_step(s);
	if (id)
		*id = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

struct claim {
	const char *worker;
	int64_t now;
	int lease_s;
	struct job *out;
	bool found;
};

static kt_err claim_tx(struct db_conn *c, void *arg)
{
	struct claim *cl = arg;
	cl->found = false;
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT id, kind, payload, attempts, max_attempts FROM jobs"
		 " WHERE state = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT 1%s",
		 db_sql_skip_locked(db_conn_db(c)));
	struct db_stmt *s;
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, cl->now);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		struct job *j = cl->out;
		j->id = db_col_int64(s, 0);
		snprintf(j->kind, sizeof j->kind, "%s", db_col_text(s, 1, NULL));
		size_t len;
		const char *p = db_col_text(s, 2, &len);
		j->payload = json_loadb(p ? p : "{}", p ? len : 2, 0, NULL);
		j->attempts = (int)db_col_int64(s, 3) + 1;
		j->max_attempts = (int)db_col_int64(s, 4);
		cl->found = true;
	}
	db_reset(s);
	if (rc != ERR_ROW)
		return rc == ERR_DONE ? ERR_OK : rc;
	rc = db_prepare(c,
			"UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?,"
			" locked_until = ? WHERE id = ? AND state = 'queued'", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, cl->worker);
	db_bind_int64(s, 2, cl->now + cl->lease_s);
	db_bind_int64(s, 3, cl->out->id);
	rc = db_exec_stmt(s);
	if (!rc && db_changes(c) != 1)
		rc = ERR_BUSY;
	return rc;
}

/* Jobs whose server died mid-run go back to the queue when their lease ends. */
static kt_err requeue_expired(struct db_conn *c, void *arg)
{
	const int64_t *now = arg;
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "UPDATE jobs SET state = 'queued', locked_by = NULL, last_error = 'lease expired'"
			       " WHERE state = 'running' AND locked_until < ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, *now);
	return db_exec_stmt(s);
}

kt_err jobs_claim(struct db_conn *c, const char *worker, int64_t now, int lease_s, struct job *out)
{
	memset(out, 0, sizeof *out);
	kt_err rc = db_tx_run(c, true, requeue_expired, &now);
	if (rc)
		return rc;
	struct claim cl = {worker, now, lease_s, out, false};
	rc = db_tx_run(c, true, claim_tx, &cl);
	if (rc) {
		json_decref(out->payload);
		out->payload = NULL;
		return rc;
	}
	if (!cl.found) {
		json_decref(out->payload);
		out->payload = NULL;
		return ERR_NOT_FOUND;
	}
	return ERR_OK;
}

static int64_t backoff_s(int attempts)
{
	int64_t s = 30;
	for (int i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return s < 3600 ? s : 3600;
}

kt_err jobs_finish(struct db_conn *c, const struct job *j, const char *worker, bool ok,
		   const char *error, int64_t now)
{
	struct db_stmt *s;
	kt_err rc;
	if (ok) {
		rc = db_prepare(c,
				"UPDATE jobs SET state = 'done', finished_at = ?, locked_by = NULL, last_error = NULL"
				" WHERE id = ? AND locked_by = ?", &s);
		if (rc)
			return rc;
		db_bind_int64(s, 1, now);
		db_bind_int64(s, 2, j->id);
		db_bind_str(s, 3, worker);
		return db_exec_stmt(s);
	}
	bool again = j->attempts < j->max_attempts;
	rc = db_prepare(c,
			"UPDATE jobs SET state = ?, run_at = ?, finished_at = ?, locked_by = NULL, last_error = ?"
			" WHERE id = ? AND locked_by = ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, again ? "queued" : "failed");
	db_bind_int64(s, 2, now + backoff_s(j->attempts));
	if (again)
		db_bind_null(s, 3);
	else
		db_bind_int64(s, 3, now);
	db_bind_str(s, 4, error ? error : "failed");
	db_bind_int64(s, 5, j->id);
	db_bind_str(s, 6, worker);
	return db_exec_stmt(s);
}

kt_err jobs_schedule(struct db_conn *c, const char *name, int64_t interval_s, int64_t first_run)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO schedules (name, interval_s, next_run_at) VALUES (?, ?, ?)"
			       " ON CONFLICT (name) DO UPDATE SET interval_s = excluded.interval_s", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, name);
	db_bind_int64(s, 2, interval_s);
	db_bind_int64(s, 3, first_run);
	return db_exec_stmt(s);
}

struct tick {
	int64_t now;
	int n;
};

static kt_err tick_tx(struct db_conn *c, void *arg)
{
	struct tick *t = arg;
	t->n = 0;
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "SELECT name, interval_s, next_run_at FROM schedules WHERE next_run_at <= ? LIMIT 20", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, t->now);
	struct {
		char name[64];
		int64_t interval, next;
	} due[20];
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n < 20) {
		snprintf(due[n].name, sizeof due[n].name, "%s", db_col_text(s, 0, NULL));
		due[n].interval = db_col_int64(s, 1);
		due[n].next = db_col_int64(s, 2);
		n++;
	}
	db_reset(s);
	if (rc != ERR_DONE && rc != ERR_ROW)
		return rc;
	for (int i = 0; i < n; i++) {
		int64_t next = due[i].next;
		while (next <= t->now)
			next += due[i].interval > 0 ? due[i].interval : 86400;
		rc = db_prepare(c, "UPDATE schedules SET next_run_at = ? WHERE name = ? AND next_run_at = ?", &s);
		if (rc)
			return rc;
		db_bind_int64(s, 1, next);
		db_bind_str(s, 2, due[i].name);
		db_bind_int64(s, 3, due[i].next);
		rc = db_exec_stmt(s);
		if (rc)
			return rc;
		if (db_changes(c) != 1)
			continue; /* another server took this tick */
		char key[128];
		snprintf(key, sizeof key, "%.60s@%lld", due[i].name, (long long)due[i].next);
		rc = jobs_enqueue(c, due[i].name, NULL, t->now, key, t->now, NULL);
		if (rc)
			return rc;
		t->n++;
	}
	return ERR_OK;
}

kt_err jobs_tick(struct db_conn *c, int64_t now, int *enqueued)
{
	struct tick t = {now, 0};
	kt_err rc = db_tx_run(c, true, tick_tx, &t);
	if (enqueued)
		*enqueued = t.n;
	return rc;
}

struct jobs {
	struct app *app;
	const struct job_kind *kinds;
	int nkinds;
	char worker[96];
	int lease_s;            /* the longest lease any kind needs */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stopping;
	bool woken;
};

static const struct job_kind *find_kind(struct jobs *js, const char *kind)
{
	for (int i = 0; i < js->nkinds; i++)
		if (strcmp(js->kinds[i].kind, kind) == 0)
			return &js->kinds[i];
	return NULL;
}

/* run_one: claims and runs one job; false when nothing was due. */
static bool run_one(struct jobs *js, struct db_conn *c)
{
	struct job j;
	int64_t now = app_now(js->app);
	kt_err rc = jobs_claim(c, js->worker, now, js->lease_s, &j);
	if (rc) {
		if (rc != ERR_NOT_FOUND)
			log_warn("event=job_claim_failed code=%s", err_info(rc)->code);
		return false;
	}
	const struct job_kind *k = find_kind(js, j.kind);
	/* The claim took the longest lease any kind needs; a short job gets
	 * its own, so a crash delays it by minutes, not by an hour. */
	if (k && k->lease_s < js->lease_s) {
		struct db_stmt *s;
		if (db_prepare(c, "UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ?", &s) == ERR_OK) {
			db_bind_int64(s, 1, now + k->lease_s);
			db_bind_int64(s, 2, j.id);
			db_bind_str(s, 3, js->worker);
			if (db_exec_stmt(s))
				log_warn("event=job_lease_failed id=%lld", (long long)j.id);
		}
	}
	char err[256] = "";
	kt_err jr = ERR_INTERNAL;
	if (!k)
		snprintf(err, sizeof err, "no handler for kind %s", j.kind);
	else
		jr = k->fn(js->app, c, j.payload, err, sizeof err);
	if (!k)
		j.max_attempts = 0;
	now = app_now(js->app);
	rc = jobs_finish(c, &j, js->worker, jr == ERR_OK, err[0] ? err : err_info(jr)->code, now);
	if (jr == ERR_OK)
		log_info("event=job_done id=%lld kind=%s attempt=%d", (long long)j.id, j.kind, j.attempts);
	else
		log_warn("event=job_failed id=%lld kind=%s attempt=%d error=\"%s\"", (long long)j.id, j.kind,
			 j.attempts, err);
	if (rc)
		log_error("event=job_finish_failed id=%lld code=%s", (long long)j.id, err_info(rc)->code);
	json_decref(j.payload);
	return true;
}

static void *runner(void *arg)
{
	struct jobs *js = arg;
	for (;;) {
		pthread_mutex_lock(&js->mu);
		if (!js->stopping && !js->woken) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&js->cv, &js->mu, &ts);
		}
		js->woken = false;
		bool stop = js->stopping;
		pthread_mutex_unlock(&js->mu);
		if (stop)
			return NULL;
		struct db_conn *c;
		if (db_conn_acquire(js->app->db, &c) != ERR_OK)
			continue;
		if (jobs_tick(c, app_now(js->app), NULL) != ERR_OK)
			log_warn("event=job_tick_failed");
		for (int i = 0; i < 100 && run_one(js, c); i++) {
			pthread_mutex_lock(&js->mu);
			bool s = js->stopping;
			pthread_mutex_unlock(&js->mu);
			if (s)
				break;
		}
		db_conn_release(c);
	}
}

kt_err jobs_start(struct app *app, const struct job_kind *kinds, int nkinds, const char *worker,
		  struct jobs **out)
{
	*out = NULL;
	struct jobs *js = calloc(1, sizeof *js);
	if (!js)
		return ERR_NOMEM;
	js->app = app;
	js->kinds = kinds;
	js->nkinds = nkinds;
	snprintf(js->worker, sizeof js->worker, "%s", worker);
	js->lease_s = 60;
	for (int i = 0; i < nkinds; i++)
		if (kinds[i].lease_s > js->lease_s)
			js->lease_s = kinds[i].lease_s;
	pthread_mutex_init(&js->mu, NULL);
	pthread_cond_init(&js->cv, NULL);
	if (pthread_create(&js->thread, NULL, runner, js) != 0) {
		free(js);
		return ERR_NOMEM;
	}
	*out = js;
	return ERR_OK;
}

void jobs_wake(struct jobs *js)
{
	pthread_mutex_lock(&js->mu);
	js->woken = true;
	pthread_cond_signal(&js->cv);
	pthread_mutex_unlock(&js->mu);
}

void jobs_stop(struct jobs *js)
{
	if (!js)
		return;
	pthread_mutex_lock(&js->mu);
	js->stopping = true;
	pthread_cond_signal(&js->cv);
	pthread_mutex_unlock(&js->mu);
	pthread_join(js->thread, NULL);
	pthread_mutex_destroy(&js->mu);
	pthread_cond_destroy(&js->cv);
	free(js);
}
