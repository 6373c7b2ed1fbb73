/* bench/jsonw.c: the cost of writing a reply's JSON text, jansson's
 * json_dumps against core/jsonw, on a JSON file (default: a reminders
 * reply of 50 activities and 50 inquiries a bucket, made here).
 *   build/bench_jsonw [FILE] [ROUNDS]
 * Prints microseconds per reply for each and checks that both texts are
 * the same. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonw.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A reminders-like reply: four buckets of records with Polish text. */
static json_t *sample(void)
{
	json_t *r = json_object();
	static const char *const names[] = {"overdue", "today", "tomorrow", "day_after"};
	for (int b = 0; b < 4; b++) {
		json_t *list = json_array();
		for (int i = 0; i < 100; i++)
			json_array_append_new(list, json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:I,s:s,s:s,s:s}", "id",
				(json_int_t)(1000000 + b * 100 + i), "version", (json_int_t)3, "kind", "call",
				"action_type_id", (json_int_t)2, "subject", "Zadzwonić w sprawie oferty — „Wycieczka do Rzymu”",
				"status", "planned", "contact_id", (json_int_t)(500000 + i), "starts_at", "2026-11-23T09:30:00Z",
				"type", "activity", "contact_name", "Małgorzata Wiśniewska-Żak"));
		json_object_set_new(r, names[b], list);
	}
	return r;
}

int main(int argc, char **argv)
{
	json_t *v = argc > 1 ? json_load_file(argv[1], 0, NULL) : sample();
	int rounds = argc > 2 ? atoi(argv[2]) : 2000;
	if (!v || rounds <= 0) {
		fprintf(stderr, "bench_jsonw: usage: bench_jsonw [FILE] [ROUNDS]\n");
		return 2;
	}
	size_t n = 0;
	char *a = json_dumps(v, JSON_COMPACT), *b = jsonw_dumps(v, &n);
	if (!a || !b || strcmp(a, b) != 0) {
		fprintf(stderr, "bench_jsonw: the texts differ\n");
		return 1;
	}
	double t = now();
	for (int i = 0; i < rounds; i++)
		free(json_dumps(v, JSON_COMPACT));
	double jansson = (now() - t) / rounds * 1e6;
	t = now();
	for (int i = 0; i < rounds; i++)
		free(jsonw_dumps(v, &n));
	double ours = (now() - t) / rounds * 1e6;
	printf("reply of %zu bytes: json_dumps %.1f us, jsonw %.1f us (%.1fx)\n", strlen(a), jansson, ours, jansson / ours);
	free(a);
	free(b);
	json_decref(v);
	return 0;
}
