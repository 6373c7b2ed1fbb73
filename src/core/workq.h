/* workq.h: a fixed pool of worker threads with a bounded queue, for work
 * that must not run on the HTTP polling threads (password hashing, long
 * exports).  Nothing here knows what the work is. */
#ifndef KT_WORKQ_H
#define KT_WORKQ_H

#include "core/err.h"

struct workq;
typedef void (*workq_fn)(void *arg);

/* workq_new: nthreads workers and room for cap queued jobs. */
kt_err workq_new(int nthreads, int cap, struct workq **out);
/* workq_push: queues fn(arg); ERR_UNAVAILABLE when the queue is full or
 * the pool is stopping. */
kt_err workq_push(struct workq *q, workq_fn fn, void *arg);
/* workq_free: runs what is queued, then joins the workers. */
void workq_free(struct workq *q);

#endif
