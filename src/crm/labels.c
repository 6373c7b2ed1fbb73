/* labels.c: see labels.h.  Two tables, searched in order: an entry naming
 * an entity wins over the entry for every entity (NULL), as "kind" of a
 * client is "Rodzaj klienta" where an activity's is "Rodzaj".  The words
 * are copied from web/src/i18n/pl.ts and en.ts (the key in the comment);
 * the few fields no screen labels got words in the same style. */
#include "crm/labels.h"

#include <stddef.h>
#include <string.h>

struct flabel {
	const char *entity;     /* NULL: any */
	const char *field;
	const char *pl, *en;
};

static const struct flabel FIELDS[] = {
	{"contacts", "kind", "Rodzaj klienta", "Client kind"},          /* field.ckind */
	{"contacts", "status", "Obsługa", "Service"},                   /* field.cstatus */
	{"contacts", "close_reason_id", "Powód", "Reason"},             /* finish.reason */
	{"custom_fields", "name", "Klucz", "Key"},                      /* field.key */
	{"custom_fields", "type", "Typ pola", "Field type"},            /* field.ftype */
	{"notes", "body", "Treść notatki", "Note text"},                /* card.noteBody */
	{"inquiries", "description", "Opis", "Description"},            /* field.description */
	{NULL, "id", "ID", "ID"},
	{NULL, "version", "Wersja", "Version"},
	{NULL, "created_at", "Utworzono", "Created"},                   /* field.created_at */
	{NULL, "updated_at", "Zmieniono", "Changed"},                   /* field.updated_at */
	{NULL, "created_by", "Utworzył(a)", "Created by"},
	{NULL, "updated_by", "Zmienił(a)", "Changed by"},
	{NULL, "first_name", "Imię", "First name"},
	{NULL, "last_name", "Nazwisko", "Last name"},
	{NULL, "name", "Nazwa", "Name"},
	{NULL, "name_en", "Nazwa po angielsku", "Name in English"},
	{NULL, "short_name", "Skrót", "Short name"},
	{NULL, "kind", "Rodzaj", "Kind"},
	{NULL, "action_type_id", "Typ akcji", "Action type"},           /* field.action_type */
	{NULL, "subject", "Temat", "Subject"},
	{NULL, "note", "Notatka", "Note"},
	{NULL, "status", "Status", "Status"},
	{NULL, "starts_at", "Data", "Date"},                            /* field.date */
	{NULL, "ends_at", "Koniec", "Ends"},
	{NULL, "duration_min", "Czas trwania (min)", "Duration (min)"},
	{NULL, "priority", "Priorytet", "Priority"},
	{NULL, "percent_done", "Postęp (%)", "Progress (%)"},
	{NULL, "place", "Miejsce", "Place"},
	{NULL, "goal", "Cel", "Goal"},
	{NULL, "assignee_id", "Wykonawca", "Assignee"},                 /* field.assignee */
	{NULL, "parent_id", "Zadanie nadrzędne", "Parent task"},
	{NULL, "contact_id", "Klient", "Client"},                       /* field.client */
	{NULL, "company_id", "Firma", "Company"},                       /* field.company */
	{NULL, "inquiry_id", "Zapytanie", "Inquiry"},                   /* home.inquiry */
	{NULL, "deal_id", "Transakcja", "Deal"},
	{NULL, "remind_before_min", "Przypomnienie e-mailem (min)", "E-mail reminder (min)"},
	{NULL, "done_at", "Zrobiono", "Done"},
	{NULL, "visibility", "Widoczność", "Visibility"},
	{NULL, "department_id", "Oddział", "Department"},               /* field.department */
	{NULL, "phone", "Telefon", "Phone"},
	{NULL, "email", "E-mail", "E-mail"},
	{NULL, "city", "Miejscowość", "City"},
	{NULL, "address", "Adres", "Address"},
	{NULL, "birth_date", "Data urodzenia", "Birth date"},
	{NULL, "pesel", "PESEL", "PESEL"},
	{NULL, "nip", "NIP", "NIP"},
	{NULL, "regon", "REGON", "REGON"},
	{NULL, "owner_id", "Opiekun", "Owner"},                         /* field.owner */
	{NULL, "archived", "W archiwum", "Archived"},                   /* data.archived */
	{NULL, "close_reason_id", "Powód zamknięcia", "Close reason"},
	{NULL, "title", "Tytuł", "Title"},
	{NULL, "status_id", "Status", "Status"},                        /* field.status */
	{NULL, "outcome", "Wynik", "Outcome"},
	{NULL, "planned_close_date", "Planowane zamknięcie", "Planned close"},
	{NULL, "handler_id", "Prowadzący", "Handler"},                  /* field.handler */
	{NULL, "value", "Wartość", "Value"},
	{NULL, "closed_at", "Zamknięto", "Closed"},
	{NULL, "login", "Login", "Login"},
	{NULL, "role", "Rola", "Role"},
	{NULL, "time_zone", "Strefa czasowa", "Time zone"},
	{NULL, "locale", "Język", "Language"},
	{NULL, "active", "Aktywny", "Active"},
	{NULL, "entity", "Dotyczy", "Applies to"},
	{NULL, "label", "Etykieta", "Label"},
	{NULL, "options", "Opcje listy", "List options"},
	{NULL, "position", "Kolejność", "Order"},
	{NULL, "required", "Wymagane", "Required"},
	{NULL, "color", "Kolor tekstu", "Text colour"},
	{NULL, "background", "Kolor tła", "Background colour"},
	{NULL, "closed", "Zamykający", "Closing"},
	{NULL, "body", "Treść", "Text"},                                /* ann.body */
	{NULL, "audience_roles", "Role", "Roles"},                       /* ann.roles */
	{NULL, "audience_departments", "Oddziały", "Departments"},       /* ann.departments */
	{NULL, "audience_everyone", "Do wszystkich", "Everyone"},        /* ann.everyone */
	{NULL, "steps", "Kroki", "Steps"},
	{NULL, "tags", "Tagi", "Tags"},
	{NULL, NULL, NULL, NULL},
};

struct vlabel {
	const char *entity;     /* NULL: any */
	const char *field;
	const char *value;
	const char *pl, *en;
};

static const struct vlabel VALUES[] = {
	{"contacts", "kind", "lead", "Potencjalny", "Lead"},                    /* ckind.* */
	{"contacts", "kind", "customer", "Klient", "Customer"},
	{"contacts", "kind", "company_contact", "Kontakt w firmie", "Company contact"},
	{"contacts", "status", "active", "W obsłudze", "Active"},               /* cstatus.* */
	{"contacts", "status", "finished", "Obsługa zakończona", "Service finished"},
	{"activities", "status", "planned", "Zaplanowane", "Planned"},          /* status.* */
	{"activities", "status", "done", "Zrobione", "Done"},
	{"activities", "status", "cancelled", "Anulowane", "Cancelled"},
	{NULL, "kind", "task", "Zadanie", "Task"},                              /* kind.* */
	{NULL, "kind", "call", "Telefon", "Call"},
	{NULL, "kind", "meeting", "Spotkanie", "Meeting"},
	{NULL, "kind", "email", "E-mail", "E-mail"},
	{NULL, "priority", "low", "Niski", "Low"},                              /* priority.* */
	{NULL, "priority", "normal", "Normalny", "Normal"},
	{NULL, "priority", "high", "Wysoki", "High"},
	{NULL, "visibility", "private", "Tylko ja", "Only me"},                 /* vis.* */
	{NULL, "visibility", "department", "Mój oddział", "My department"},
	{NULL, "visibility", "company", "Cała firma", "Whole company"},
	{NULL, "outcome", "open", "Otwarte", "Open"},                           /* outcome.* */
	{NULL, "outcome", "won", "Wygrane", "Won"},
	{NULL, "outcome", "lost", "Przegrane", "Lost"},
	{NULL, "role", "admin", "Administrator", "Administrator"},             /* role.* */
	{NULL, "role", "manager", "Kierownik", "Manager"},
	{NULL, "role", "agent", "Konsultant", "Agent"},
	{NULL, "locale", "pl", "polski", "Polish"},
	{NULL, "locale", "en", "angielski", "English"},
	{NULL, "type", "text", "Tekst", "Text"},                                /* ftype.* */
	{NULL, "type", "number", "Liczba", "Number"},
	{NULL, "type", "currency", "Kwota", "Amount"},
	{NULL, "type", "date", "Data", "Date"},
	{NULL, "type", "select", "Lista wyboru", "Select"},
	{NULL, "entity", "inquiries", "Zapytania", "Inquiries"},                /* entity.* */
	{NULL, "entity", "contacts", "Klienci", "Clients"},
	{NULL, "entity", "companies", "Firmy", "Companies"},
	{NULL, "entity", "deals", "Transakcje", "Deals"},
	{NULL, NULL, NULL, NULL, NULL},
};

static bool english(const char *locale)
{
	return locale && strcmp(locale, "en") == 0;
}

static bool entity_is(const char *want, const char *entity)
{
	return !want || (entity && strcmp(want, entity) == 0);
}

const char *labels_field(const char *entity, const char *field, const char *locale)
{
	if (!field)
		return NULL;
	for (const struct flabel *l = FIELDS; l->field; l++)
		if (entity_is(l->entity, entity) && strcmp(l->field, field) == 0)
			return english(locale) ? l->en : l->pl;
	return NULL;
}

const char *labels_value(const char *entity, const char *field, const char *value, const char *locale)
{
	if (!field || !value)
		return NULL;
	for (const struct vlabel *l = VALUES; l->field; l++)
		if (entity_is(l->entity, entity) && strcmp(l->field, field) == 0 && strcmp(l->value, value) == 0)
			return english(locale) ? l->en : l->pl;
	return NULL;
}

const char *labels_bool(bool v, const char *locale)
{
	if (english(locale))
		return v ? "Yes" : "No";
	return v ? "Tak" : "Nie";
}
