/* settings.h: office-wide settings kept in the database (table settings,
 * key -> JSON value), read with a default.  Admins change them through
 * /api/settings; the keys and their meaning are listed in settings.c. */
#ifndef KT_SETTINGS_H
#define KT_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"

struct db_conn;

/* settings_get_int: the integer setting key, or def when unset. */
int64_t settings_get_int(struct db_conn *c, const char *key, int64_t def);
/* settings_all: every known setting with its value or default (new ref). */
kt_err settings_all(struct db_conn *c, json_t **out);
/* settings_set: validates and stores the known keys of in; unknown keys
 * and bad values go to errors (field -> message). */
kt_err settings_set(struct db_conn *c, json_t *in, int64_t now, json_t *errors);

#endif
