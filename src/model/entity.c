/* entity.c: look-ups in entity metadata.  The catalogue of entities with
 * their hooks is assembled in src/crm/entities.c; field tables are in
 * fields.c. */
#include <string.h>

#include "model/entity.h"

const struct field *entity_field(const struct entity *e, const char *name)
{
	for (int i = 0; e->fields[i].name; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}
