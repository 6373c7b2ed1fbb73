/* jobs.h: background jobs that several servers can share safely.
 *
 * A job is a row of the jobs table: kind, JSON payload, when to run.  A
 * runner thread per server claims due jobs one at a time in a write
 * transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive write
 * transaction on SQLite), runs them with a lease, and retries failures
 * with backoff.  Schedules (name, interval) enqueue periodic jobs; only
 * one server wins each tick.  What a kind does is its handler's business. */
#ifndef KT_JOBS_H
#define KT_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct app;
struct db_conn;
struct jobs;

/* A handler runs outside any transaction on its own connection; it
 * writes a reason into err on failure. */
typedef kt_err (*job_fn)(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap);

struct job_kind {
	const char *kind;
	job_fn fn;
	int max_attempts;
	int lease_s;            /* how long a claim lasts before another server may retry it */
};

struct job {
	int64_t id;
	char kind[64];
	json_t *payload;        /* owned: json_decref */
	int attempts;
	int max_attempts;
};

/* jobs_enqueue: a job to run at run_at; a dedupe_key (may be NULL) makes a
 * second enqueue of the same key a no-op (ERR_OK, *id = 0). */
kt_err jobs_enqueue(struct db_conn *c, const char *kind, json_t *payload, int64_t run_at,
		    const char *dedupe_key, int64_t now, int64_t *id);
/* jobs_claim: the next due job, now locked by worker until now + lease_s;
 * ERR_NOT_FOUND when nothing is due. */
kt_err jobs_claim(struct db_conn *c, const char *worker, int64_t now, int lease_s, struct job *out);
/* jobs_finish: records the outcome; a failure is retried with backoff
 * until max_attempts. */
kt_err jobs_finish(struct db_conn *c, const struct job *j, const char *worker, bool ok,
		   const char *error, int64_t now);
/* jobs_schedule: makes sure a periodic schedule exists (first run at
 * first_run); jobs_tick enqueues the jobs of schedules that are due. */
kt_err jobs_schedule(struct db_conn *c, const char *name, int64_t interval_s, int64_t first_run);
kt_err jobs_tick(struct db_conn *c, int64_t now, int *enqueued);

/* jobs_start: a runner thread for the given kinds; worker names this
 * server in locks.  jobs_stop finishes the job in hand and joins. */
kt_err jobs_start(struct app *app, const struct job_kind *kinds, int nkinds, const char *worker,
		  struct jobs **out);
void jobs_stop(struct jobs *j);
/* jobs_wake: run a pass now (after enqueueing something urgent). */
void jobs_wake(struct jobs *j);

#endif
