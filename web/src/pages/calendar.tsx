// calendar.tsx: the calendar (FullCalendar, loaded on first use as its own
// chunk): month, week, day and list; mine, another user's or a
// department's; click a slot to plan, click an event to edit or complete,
// drag or resize to reschedule (PATCH with the version).  In a department
// each person has a colour and initials (with a legend); moving someone
// else's event asks first and offers Cofnij.  Times are shown in the user's
// time zone through a small Intl-based named-zone plugin.
import { Calendar, createPlugin, type EventInput, type EventSourceFuncArg } from '@fullcalendar/core';
import enLocale from '@fullcalendar/core/locales/en-gb';
import plLocale from '@fullcalendar/core/locales/pl';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';
import dayGridPlugin from '@fullcalendar/daygrid';
import interactionPlugin from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import timeGridPlugin from '@fullcalendar/timegrid';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { fmtDateTime, isoZ, offsetMin, userZone, wall, wallToMs } from '../fmt';
import { getLocale, t } from '../i18n';
import { actionTypeOf, clientLabel, userName } from '../names';
import { lookups, me, toast } from '../store';
import type { Activity } from '../types';
import { ActivityForm } from '../ui/activityForm';
import { confirmDialog } from '../ui/dialogs';
import { showError } from '../ui/errors';
import { SelectField } from '../ui/fields';

class IntlZone extends NamedTimeZoneImpl {
  offsetForArray(a: number[]): number {
    const ms = wallToMs(a[0], a[1] + 1, a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, this.timeZoneName);
    return offsetMin(ms, this.timeZoneName);
  }
  timestampToArray(ms: number): number[] {
    const w = wall(ms, this.timeZoneName);
    return [w.y, w.mo - 1, w.d, w.h, w.mi, w.s, ((ms % 1000) + 1000) % 1000];
  }
}

const zonePlugin = createPlugin({ name: 'kontakt-intl-zone', namedTimeZonedImpl: IntlZone });

/* What an event needs (toEvent); the form fetches the whole activity. */
const EVENT_FIELDS = 'kind,action_type_id,subject,status,starts_at,ends_at,duration_min,contact_id,assignee_id';

/* Person colours of a department view: distinct hues, each at least 4.5:1 against white text. */
const PALETTE = ['#1f5fbf', '#b3261e', '#1b7f3b', '#8a4baf', '#a15300', '#00707a', '#a3286a', '#5b6b00'];

export interface Person {
  id: number;
  name: string;
  initials: string;
  color: string;
}

/* initials: "Anna Kowalska" -> "AK", "agent7" -> "A7", "manager" -> "MA"; long: "AnK" (to tell two AKs apart). */
export function initials(name: string, long = false): string {
  const words = name.split(/[\s._-]+/).filter((w) => /\p{L}/u.test(w));
  if (words.length === 0) return name.slice(0, 2).toLocaleUpperCase();
  const first = words[0];
  const last = words[words.length - 1];
  if (words.length > 1) return (long ? first[0].toLocaleUpperCase() + first.slice(1, 2) : first[0].toLocaleUpperCase()) + last[0].toLocaleUpperCase();
  const digits = /\d+$/.exec(first)?.[0];
  return (first[0] + (digits ?? (long ? first.slice(1, 3) : first.slice(1, 2)))).toLocaleUpperCase();
}

/* people: the department's members (by id, so each keeps its colour) and
 * anyone else whose events are shown, each with a colour and initials. */
function people(departmentId: number, assignees: number[]): Person[] {
  const ids = lookups
    .get()
    .users.filter((u) => u.department_id === departmentId && u.active)
    .map((u) => u.id)
    .sort((x, y) => x - y);
  for (const id of [...new Set(assignees)].sort((x, y) => x - y)) if (!ids.includes(id)) ids.push(id);
  const names = ids.map((id) => userName(id));
  const short = names.map((n) => initials(n));
  return ids.map((id, i) => ({
    id,
    name: names[i],
    initials: short.indexOf(short[i]) !== short.lastIndexOf(short[i]) ? initials(names[i], true) : short[i],
    color: PALETTE[i % PALETTE.length],
  }));
}

function toEvent(a: Activity, who?: Person): EventInput {
  const at = actionTypeOf(a);
  const start = a.starts_at as string;
  const end = a.ends_at && a.ends_at !== start ? a.ends_at : isoZ(Date.parse(start) + Math.max(a.duration_min, 15) * 60000);
  return {
    id: String(a.id),
    title: (who ? who.initials + ' · ' : '') + a.subject + (a.contact ? ' — ' + clientLabel(a.contact) : ''),
    start,
    end,
    backgroundColor: who?.color ?? at?.background ?? undefined,
    borderColor: who?.color ?? at?.background ?? undefined,
    textColor: who ? '#fff' : (at?.color ?? undefined),
    classNames: ['ev-' + a.status],
    editable: a.status === 'planned',
    extendedProps: { a },
  };
}

export function CalendarPage() {
  const el = useRef<HTMLDivElement>(null);
  const cal = useRef<Calendar | null>(null);
  const [who, setWho] = useState('u:' + me().id);
  const whoRef = useRef(who);
  const [edit, setEdit] = useState<{ id?: number; initial?: Partial<Activity> } | null>(null);
  const [legend, setLegend] = useState<Person[]>([]);
  const locale = getLocale();

  const patch = async (a: Activity, body: Record<string, unknown>, revert: () => void): Promise<boolean> => {
    try {
      const r = await api.patch<Activity>(`/api/activities/${a.id}`, { ...body, version: a.version });
      const ev = cal.current?.getEventById(String(a.id));
      ev?.setExtendedProp('a', { ...a, ...r });
      return true;
    } catch (e) {
      revert();
      showError(e, { reload: () => cal.current?.refetchEvents() });
      return false;
    }
  };

  /* reschedule: a drag or resize; someone else's event asks first and can be undone. */
  const reschedule = async (a: Activity, body: Record<string, unknown>, old: Record<string, unknown>, revert: () => void) => {
    const theirs = a.assignee_id != null && a.assignee_id !== me().id;
    const vars = { subject: a.subject, name: userName(a.assignee_id) };
    const moving = 'starts_at' in body;
    const question = moving
      ? t('calendar.moveOther', { ...vars, when: fmtDateTime(body.starts_at as string) })
      : t('calendar.resizeOther', { ...vars, min: body.duration_min as number });
    if (theirs && !(await confirmDialog(question, t(moving ? 'calendar.move' : 'calendar.resize')))) {
      revert();
      return;
    }
    if (!(await patch(a, body, revert)) || !theirs) return;
    toast(t(moving ? 'calendar.moved' : 'calendar.resized', vars), 'success', {
      label: t('action.undo'),
      run: async () => {
        const now = (cal.current?.getEventById(String(a.id))?.extendedProps.a as Activity | undefined) ?? a;
        try {
          await api.patch<Activity>(`/api/activities/${a.id}`, { ...old, version: now.version });
          toast(t('calendar.movedBack', vars), 'success');
        } catch (e) {
          showError(e, { reload: () => cal.current?.refetchEvents() });
        }
        cal.current?.refetchEvents();
      },
    });
  };

  useEffect(() => {
    if (!el.current) return;
    const narrow = window.matchMedia('(max-width: 640px)').matches;
    const c = new Calendar(el.current, {
      plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, zonePlugin],
      timeZone: userZone(),
      locales: [plLocale, enLocale],
      locale: getLocale() === 'en' ? 'en-gb' : 'pl',
      initialView: narrow ? 'listWeek' : 'timeGridWeek',
      initialDate: /^\d{4}-\d{2}-\d{2}$/.test(new URLSearchParams(location.search).get('date') ?? '')
        ? (new URLSearchParams(location.search).get('date') as string)
        : undefined,
      headerToolbar: narrow
        ? { left: 'title', right: 'prev,next' }
        : { left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek' },
      footerToolbar: narrow ? { left: 'today', right: 'dayGridMonth,timeGridDay,listWeek' } : undefined,
      // FullCalendar's icon font is a data: URL that the CSP (default-src 'self') refuses: text arrows instead.
      buttonIcons: false,
      // The list view shows a week: named so (FullCalendar's Polish says 'Plan dnia').
      buttonText: { prev: '‹', next: '›', list: t('calendar.weekList') },
      buttonHints: { prev: t('calendar.prev'), next: t('calendar.next') },
      eventMinHeight: 22,
      firstDay: 1,
      height: 'auto',
      slotMinTime: '07:00:00',
      slotMaxTime: '21:00:00',
      scrollTime: '08:00:00',
      nowIndicator: true,
      editable: true,
      selectable: true,
      selectMirror: true,
      dayMaxEvents: true,
      eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
      events: (info: EventSourceFuncArg, ok, fail) => {
        const [kind, id] = whoRef.current.split(':');
        api
          .get<{ items: Activity[] }>('/api/calendar', {
            from: isoZ(Date.parse(info.startStr)),
            to: isoZ(Date.parse(info.endStr)),
            [kind === 'd' ? 'department_id' : 'user_id']: id,
            fields: EVENT_FIELDS,
          })
          .then((r) => {
            const items = r.items.filter((a) => a.starts_at);
            const team = kind === 'd' ? people(+id, items.map((a) => a.assignee_id).filter((x): x is number => x != null)) : [];
            setLegend(team);
            ok(items.map((a) => toEvent(a, team.find((p) => p.id === a.assignee_id))));
          })
          .catch((e) => {
            showError(e);
            fail(e);
          });
      },
      select: (info) => {
        c.unselect();
        const [kind, id] = whoRef.current.split(':');
        const start = Date.parse(info.startStr);
        const end = Date.parse(info.endStr);
        const initial: Partial<Activity> = {
          kind: info.allDay ? 'task' : 'meeting',
          starts_at: isoZ(info.allDay ? start + 9 * 3600000 : start),
          duration_min: info.allDay ? 30 : Math.round((end - start) / 60000),
        };
        if (kind === 'u') initial.assignee_id = +id;
        setEdit({ initial });
      },
      eventClick: (info) => {
        info.jsEvent.preventDefault();
        setEdit({ id: +info.event.id });
      },
      eventDrop: (info) => {
        const a = info.event.extendedProps.a as Activity;
        reschedule(a, { starts_at: isoZ(Date.parse(info.event.startStr)) }, { starts_at: isoZ(Date.parse(info.oldEvent.startStr)) }, info.revert);
      },
      eventResize: (info) => {
        const a = info.event.extendedProps.a as Activity;
        const mins = Math.round((Date.parse(info.event.endStr) - Date.parse(info.event.startStr)) / 60000);
        reschedule(a, { duration_min: mins }, { duration_min: a.duration_min }, info.revert);
      },
      eventDidMount: (info) => {
        // The block drawn while a slot is selected (selectMirror) is no activity.
        const a = info.event.extendedProps.a as Activity | undefined;
        if (info.isMirror || !a) return;
        info.el.setAttribute('data-activity', String(a.id));
        if (a.assignee_id != null) info.el.setAttribute('data-assignee', String(a.assignee_id));
        info.el.setAttribute('title', info.event.title);
      },
    });
    c.render();
    cal.current = c;
    return () => {
      c.destroy();
      cal.current = null;
    };
  }, []);

  useEffect(() => {
    cal.current?.setOption('locale', locale === 'en' ? 'en-gb' : 'pl');
    cal.current?.setOption('buttonText', { prev: '‹', next: '›', list: t('calendar.weekList') });
  }, [locale]);

  useEffect(() => {
    whoRef.current = who;
    cal.current?.refetchEvents();
  }, [who]);

  const l = lookups.get();
  const options: [string, string][] = [
    ['u:' + me().id, t('calendar.mine')],
    ...l.users.filter((u) => u.id !== me().id && u.active).map((u): [string, string] => ['u:' + u.id, u.name || u.login]),
    ...l.departments.map((d): [string, string] => ['d:' + d.id, t('calendar.department', { name: d.name })]),
  ];

  return (
    <section class="page page-wide">
      <div class="page-head">
        <h1>{t('calendar.title')}</h1>
        <div class="page-actions">
          <SelectField label={t('calendar.whose')} value={who} onChange={setWho} options={options} />
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => setEdit({ initial: { kind: 'meeting', assignee_id: who.startsWith('u:') ? +who.slice(2) : me().id } })}
          >
            + {t('calendar.new')}
          </button>
        </div>
      </div>
      <p class="hint">{t('calendar.hint')}</p>
      {legend.length > 0 && (
        <div class="cal-legend">
          <span id="cal-legend-title" class="cal-legend-title">
            {t('calendar.legend')}:
          </span>
          <ul aria-labelledby="cal-legend-title">
            {legend.map((p) => (
              <li key={p.id} data-user={p.id}>
                <span class="cal-swatch" style={{ background: p.color }} aria-hidden="true">
                  {p.initials}
                </span>
                {p.name}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div ref={el} class="calendar" />
      {edit && (
        <ActivityForm
          id={edit.id}
          initial={edit.initial}
          onClose={() => setEdit(null)}
          onSaved={() => {
            setEdit(null);
            cal.current?.refetchEvents();
          }}
        />
      )}
    </section>
  );
}
