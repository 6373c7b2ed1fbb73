/* fields.h: the field tables of Kontakt's entities, declared once; each
 * table ends with an entry whose name is NULL.
 * Entities (name, roles, hooks) are assembled from them in
 * src/crm/entities.c. */
#ifndef KT_FIELDS_H
#define KT_FIELDS_H

#include "model/entity.h"

#define FIELDS_DECL(x) extern const struct field x##_fields[]
FIELDS_DECL(departments);
FIELDS_DECL(users);
FIELDS_DECL(custom_fields);
FIELDS_DECL(companies);
FIELDS_DECL(contacts);
FIELDS_DECL(action_types);
FIELDS_DECL(activities);
FIELDS_DECL(notes);
FIELDS_DECL(procedures);
FIELDS_DECL(statuses);
FIELDS_DECL(close_reasons);
FIELDS_DECL(inquiries);
FIELDS_DECL(announcements);
FIELDS_DECL(kb_articles);
FIELDS_DECL(attachments);
#undef FIELDS_DECL

/* Entities that carry custom fields (values of custom_fields.entity). */
extern const char *const fields_custom_entities[];

#endif
