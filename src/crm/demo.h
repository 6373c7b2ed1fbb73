/* demo.h: realistic, deterministic Polish sample data for `kontakt demo`:
 * departments, users, companies with valid NIPs, contacts with diacritics
 * in their names, phones and e-mails, activities around today and
 * inquiries.  The same seed on the same day gives the same data. */
#ifndef KT_DEMO_H
#define KT_DEMO_H

#include <stdint.h>

#include "core/err.h"

struct db;

struct demo_stats {
	int64_t users;
	int64_t companies;
	int64_t contacts;
	int64_t activities;     /* about one per contact, a year around today */
	int64_t inquiries;      /* one per ten contacts */
	int64_t office;         /* announcements and knowledge base articles (the first run) */
	char manager[80];       /* a manager's and an agent's login, to try the demo as */
	char agent[80];
};

/* demo_generate: adds ncontacts contacts (and companies and users in
 * proportion) to db.  Fast enough for a million. */
kt_err demo_generate(struct db *db, int64_t ncontacts, uint64_t seed, struct demo_stats *out);

struct demo_opts {
	int64_t contacts;
	int64_t activities;     /* -1: as many as contacts */
	int64_t inquiries;      /* -1: a tenth of the contacts */
	uint64_t seed;
};

/* demo_generate_opts: the same with the number of activities and
 * inquiries chosen (benchmarks need other proportions). */
kt_err demo_generate_opts(struct db *db, const struct demo_opts *o, struct demo_stats *out);

#endif
