/* workq.c: see workq.h.  A mutex, two condition variables and a ring. */
#include "core/workq.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct job {
	workq_fn fn;
	void *arg;
};

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *ring;
	int cap, head, len;
	bool stopping;
	int nthreads;
	pthread_t threads[];
};

static void *worker(void *arg)
{
	struct workq *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->len == 0 && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->len == 0) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		struct job j = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
		pthread_mutex_unlock(&q->mu);
		j.fn(j.arg);
	}
}

kt_err workq_new(int nthreads, int cap, struct workq **out)
{
	*out = NULL;
	struct workq *q = calloc(1, sizeof *q + (size_t)nthreads * sizeof(pthread_t));
	if (!q)
		return ERR_NOMEM;
	q->ring = calloc((size_t)cap, sizeof *q->ring);
	if (!q->ring) {
		free(q);
		return ERR_NOMEM;
	}
	q->cap = cap;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&q->threads[i], NULL, worker, q) != 0) {
			workq_free(q);
			return ERR_NOMEM;
		}
		q->nthreads++;
	}
	*out = q;
	return ERR_OK;
}

kt_err workq_push(struct workq *q, workq_fn fn, void *arg)
{
	pthread_mutex_lock(&q->mu);
	if (q->stopping || q->len == q->cap) {
		pthread_mutex_unlock(&q->mu);
		return ERR_UNAVAILABLE;
	}
	q->ring[(q->head + q->len) % q->cap] = (struct job){fn, arg};
	q->len++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return ERR_OK;
}

void workq_free(struct workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->ring);
	free(q);
}
