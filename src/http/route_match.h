/* route_match.h: finding the route of a method and path in a table.
 * Patterns are literal segments, {id} (a positive 64-bit integer) and
 * {token} (1-100 characters of [A-Za-z0-9_.-]). */
#ifndef KT_ROUTE_MATCH_H
#define KT_ROUTE_MATCH_H

#include "http/http.h"

struct route_match {
	const struct route *route;
	int64_t id;
	char token[101];
	char allow[64];         /* methods of the path, for a 405 */
};

/* route_find: ERR_OK with m filled; ERR_NOT_FOUND when no pattern matches
 * the path; ERR_METHOD when some do but not for method (m->allow says
 * which methods do); ERR_BAD_QUERY when {id} is not a positive integer. */
kt_err route_find(const struct route *routes, int n, const char *method, const char *path,
		  struct route_match *m);

#endif
