/* labels.h: what a person reads for an entity's field ("first_name" ->
 * "Imię") and for a value of an enum field ("customer" -> "Klient"), in
 * Polish and English: the same words as the UI's catalogues
 * (web/src/i18n/pl.ts, en.ts), so an export's header equals the list's
 * column header and an import recognises it.  One place in C for them.
 * Not here: custom fields (their label is in the custom_fields table). */
#ifndef KT_LABELS_H
#define KT_LABELS_H

#include <stdbool.h>

/* labels_field: the label of entity's field in locale ("pl", or "en";
 * anything else reads as "pl"), or NULL when there is none.  Static. */
const char *labels_field(const char *entity, const char *field, const char *locale);
/* labels_value: the label of value of entity's enum field in locale, or
 * NULL when there is none.  Static. */
const char *labels_value(const char *entity, const char *field, const char *value, const char *locale);
/* labels_bool: "Tak"/"Nie" (Polish) or "Yes"/"No" (English).  Static. */
const char *labels_bool(bool v, const char *locale);

#endif
