/* arena.h: a bump allocator for one request's short-lived memory.
 * Everything allocated from an arena is freed at once by arena_free;
 * handlers never call free() on it.  jansson values never live here. */
#ifndef KT_ARENA_H
#define KT_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
/* arena_free: frees every allocation of a; a may be reused after. */
void arena_free(struct arena *a);
/* arena_alloc: n zeroed bytes aligned for any type; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* arena_strndup: a NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
