/* fieldcode.h: the stable code of a field error message, so a client can
 * translate "must be at most 100 characters" as err.too_long {max: 100}
 * instead of by its English text.  One table of message patterns, in
 * fieldcode.c, for every message a form can show; messages of query
 * parameters and of tools without a form (import, merge) have none. */
#ifndef KT_FIELDCODE_H
#define KT_FIELDCODE_H

#include <jansson.h>

/* fieldcode_of: the code of message (a static string), or NULL when no
 * pattern matches; *params (when params is not NULL) becomes a new
 * object of the message's parameters ({"max": 100}), or NULL when it has
 * none. */
const char *fieldcode_of(const char *message, json_t **params);

/* fieldcode_add: beside target's fields (field -> message), adds
 * "field_codes" (field -> code) and "field_params" (field -> parameters)
 * for the messages that have them; none when no message has one. */
void fieldcode_add(json_t *target, json_t *fields);

/* fieldcode_table: a new array of {code, pattern} of every pattern, for
 * the API reference; a pattern's {name} stands for a parameter, a final
 * '*' for any rest. */
json_t *fieldcode_table(void);

#endif
