/* remind_mail.h: the "remind" job: e-mails an activity's assignee the
 * chosen time before it starts, in the assignee's language and time zone,
 * with the client's name and phone.  Planned by activities.c. */
#ifndef KT_REMIND_MAIL_H
#define KT_REMIND_MAIL_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

struct app;
struct db_conn;

kt_err remind_mail_job(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap);

#endif
