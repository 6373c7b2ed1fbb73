/* rules.h: the domain hooks of the entities in entities.c, one file per
 * entity (users.c, departments.c, custom_fields.c, contacts.c).  Each has
 * the signature of its slot in struct entity_hooks. */
#ifndef KT_RULES_H
#define KT_RULES_H

#include "model/record.h"

kt_err users_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err users_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);
kt_err users_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur);
kt_err users_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err departments_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err custom_fields_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err contacts_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
/* owned_before_write: a new record's owner_id defaults to its creator. */
kt_err owned_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);

#endif
