/* demo.c: placeholder being written. */
#include "crm/demo.h"

kt_err demo_generate(struct db *db, int64_t ncontacts, uint64_t seed, struct demo_stats *out)
{
	out->users = out->companies = out->contacts = 0;
	return ERR_OK;
}
