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
bool users_own(struct rec_ctx *ctx, json_t *rec);
kt_err departments_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err custom_fields_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err contacts_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err activities_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err activities_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);
kt_err activities_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur);
kt_err activities_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err activities_decorate(struct rec_ctx *ctx, json_t *items);
kt_err activities_list_param(struct rec_ctx *ctx, const char *key, const char *value, struct rec_cond *out);
kt_err action_types_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err procedures_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err notes_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err contacts_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err contacts_before_restore(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err contacts_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur);
struct tz;
/* contacts_autoplan_time: when autoplan schedules a new client's first activity. */
int64_t contacts_autoplan_time(const struct tz *tz, int64_t now, int days, int hour);
kt_err inquiries_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
/* inquiries_decorate: "contact": the client as the caller may see it. */
kt_err inquiries_decorate(struct rec_ctx *ctx, json_t *items);
kt_err inquiries_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);
/* announcements.c: the audience, the author's rights, receipts on reads. */
kt_err announcements_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err announcements_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur);
kt_err announcements_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err announcements_before_restore(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err announcements_scope(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
kt_err announcements_decorate(struct rec_ctx *ctx, json_t *items);
/* kb.c: tags, the author's rights, the search document of an article, its HTML, ?tag=. */
kt_err kb_articles_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
kt_err kb_articles_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err kb_articles_before_restore(struct rec_ctx *ctx, int64_t id, json_t *cur);
kt_err kb_articles_search_doc(json_t *rec, struct buf *doc);
kt_err kb_articles_decorate(struct rec_ctx *ctx, json_t *items);
kt_err kb_articles_list_param(struct rec_ctx *ctx, const char *key, const char *value, struct rec_cond *out);
/* scope.c: the visibility rules, by the column naming the responsible person. */
kt_err scope_owner(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
/* Clients and companies: the owner rule, and the assignee of an open task
 * about one may open it; the decorate hooks mark such records "access":
 * "task". */
kt_err scope_contacts(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
kt_err scope_companies(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
kt_err scope_contacts_decorate(struct rec_ctx *ctx, json_t *items);
kt_err scope_companies_decorate(struct rec_ctx *ctx, json_t *items);
kt_err scope_assignee(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
kt_err scope_handler(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out);
kt_err scope_department(struct rec_ctx *ctx, json_t *values, json_t *cur, const char *person);
/* scope_user_ctx: the engine context of user_id (role and department read
 * from the users table), for work done for someone outside a request (a
 * reminder e-mail, a calendar feed): it reads under that person's scope.
 * ERR_NOT_FOUND for no such user. */
kt_err scope_user_ctx(struct db_conn *c, int64_t user_id, int64_t now, struct rec_ctx *out);
/* scope_prepare_join: prepares on ctx's connection
 * head + " LEFT JOIN entity alias ON on AND (scope)" + tail, the scope's
 * arguments bound: the joined columns are NULL where ctx may not see the
 * row.  alias ends with '.' ("c."); *idx is the first parameter of tail. */
struct db_stmt;
kt_err scope_prepare_join(struct rec_ctx *ctx, const char *head, const char *entity, const char *alias, const char *on,
			  const char *tail, struct db_stmt **s, int *idx);
/* rights.c: rights_person refuses (a field error on person, refusal as
 * its message) an agent handing a record to someone outside their
 * department; on update only a changed person is checked.  rights_owner
 * is that rule for owner_id, as a validate hook (companies; contacts).
 * rights_author_only answers ERR_FORBIDDEN with refusal unless the
 * caller wrote cur (created_by) or is an admin. */
kt_err rights_person(struct rec_ctx *ctx, json_t *values, json_t *cur, const char *person, const char *refusal);
kt_err rights_owner(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors);
bool rights_is_author(struct rec_ctx *ctx, json_t *rec);
kt_err rights_author_only(struct rec_ctx *ctx, json_t *cur, const char *refusal);
/* owned_before_write: a new record's owner_id defaults to its creator. */
kt_err owned_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);
/* dedupe.c: owned_before_write plus the name keys of the duplicate scan. */
kt_err dedupe_contacts_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);
kt_err dedupe_companies_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur);

#endif
