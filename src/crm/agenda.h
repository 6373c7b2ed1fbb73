/* agenda.h: what is due and when: the reminders panel (overdue, today,
 * tomorrow, the day after, in the caller's time zone) and the calendar
 * (activities overlapping a time range, for a user or a department).
 * Pure reads; the activities themselves are written by the engine. */
#ifndef KT_AGENDA_H
#define KT_AGENDA_H

#include "model/record.h"

struct tz;

/* agenda_reminders: *out = {"overdue": [...], "today": [...],
 * "tomorrow": [...], "day_after": [...]} of open activities assigned to
 * the caller, each list oldest first; days are the caller's days in tz.
 * proj and iproj (NULL: all) pick the fields of activities and inquiries. */
kt_err agenda_reminders(struct rec_ctx *ctx, const struct tz *tz, const struct rec_proj *proj,
			const struct rec_proj *iproj, json_t **out);
/* agenda_calendar: activities (not cancelled) of user_id, or of every
 * user of department_id, overlapping [from, to); *out = {"items": [...]};
 * proj (NULL: all) picks their fields. */
kt_err agenda_calendar(struct rec_ctx *ctx, int64_t from, int64_t to, int64_t user_id, int64_t department_id,
		       const struct rec_proj *proj, json_t **out);

#endif
