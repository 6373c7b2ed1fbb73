/* collate.h: the order of names in lists: the Polish alphabet (a ą b c ć
 * d e ę ... z ź ż), case-insensitive first, then lower before upper case,
 * then the bytes, so equal keys only for equal strings.  Other accented
 * Latin letters sort with their base letter.  Registered with SQLite as
 * the collation kt_pl (PostgreSQL gets an ICU collation of that name). */
#ifndef KT_COLLATE_H
#define KT_COLLATE_H

#include <stddef.h>

/* collate_pl: <0, 0 or >0 as a sorts before, with or after b. */
int collate_pl(const char *a, size_t alen, const char *b, size_t blen);

#endif
