/* entities.h: the catalogue of Kontakt's entities: field tables from
 * src/model/fields.c with the roles and domain hooks of each.  The API
 * builds its generic routes from this list. */
#ifndef KT_ENTITIES_H
#define KT_ENTITIES_H

#include "model/entity.h"

/* entities_find: the entity called name, or NULL. */
const struct entity *entities_find(const char *name);
/* entities_all: the NULL-terminated list. */
const struct entity *const *entities_all(void);

#endif
