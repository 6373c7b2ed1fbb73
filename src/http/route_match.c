/* route_match.c: see route_match.h.  A linear scan: the table is small
 * and the comparison stops at the first differing segment. */
#include "http/route_match.h"

#include <stdlib.h>
#include <string.h>

enum seg_match { SEG_NO, SEG_YES, SEG_BAD_ID };

/* Compares pattern and path segment by segment; *id gets {id}. */
static bool token_ok(const char *s, size_t n)
{
	if (n == 0 || n > 100)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

static enum seg_match match(const char *pat, const char *path, int64_t *id, char token[101])
{
	bool bad_id = false;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return SEG_NO;
		pat++;
		path++;
		const char *pe = strchr(pat, '/');
		const char *se = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (pl == 4 && memcmp(pat, "{id}", 4) == 0) {
			char *end;
			long long v = (sl > 0 && sl < 20 && path[0] >= '1' && path[0] <= '9') ? strtoll(path, &end, 10) : 0;
			if (v <= 0 || end != path + sl)
				bad_id = true;
			else
				*id = v;
		} else if (pl == 7 && memcmp(pat, "{token}", 7) == 0) {
			if (!token_ok(path, sl))
				return SEG_NO;
			memcpy(token, path, sl);
			token[sl] = '\0';
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return SEG_NO;
		}
		pat += pl;
		path += sl;
	}
	if (*pat || *path)
		return SEG_NO;
	return bad_id ? SEG_BAD_ID : SEG_YES;
}

kt_err route_find(const struct route *routes, int n, const char *method, const char *path,
		  struct route_match *m)
{
	memset(m, 0, sizeof *m);
	bool path_seen = false, bad_id = false;
	size_t alen = 0;
	for (int i = 0; i < n; i++) {
		int64_t id = 0;
		enum seg_match r = match(routes[i].pattern, path, &id, m->token);
		if (r == SEG_NO)
			continue;
		path_seen = true;
		if (strcmp(routes[i].method, method) != 0) {
			size_t ml = strlen(routes[i].method);
			if (!strstr(m->allow, routes[i].method) && alen + ml + 3 < sizeof m->allow) {
				if (alen) {
					memcpy(m->allow + alen, ", ", 2);
					alen += 2;
				}
				memcpy(m->allow + alen, routes[i].method, ml + 1);
				alen += ml;
			}
			continue;
		}
		if (r == SEG_BAD_ID) {
			bad_id = true;
			continue;
		}
		m->route = &routes[i];
		m->id = id;
		return ERR_OK;
	}
	if (bad_id)
		return ERR_BAD_QUERY;
	return path_seen ? ERR_METHOD : ERR_NOT_FOUND;
}
