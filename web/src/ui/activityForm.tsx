// activityForm.tsx: plan or register a task, call, meeting or e-mail, edit
// one, mark it done or planned again, delete it.  Registering what happened
// defaults to now and has no reminder or priority.  Used by the start
// screen, the client card, my tasks and the calendar.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t, tn, type Key } from '../i18n';
import { fromInputs, toInputDate, toInputTime, todayInput } from '../fmt';
import { lookups, me, toast } from '../store';
import type { Activity, ActivityKind } from '../types';
import { confirmDialog, Modal } from './dialogs';
import { noErrors, showError, type FormErrors } from './errors';
import { FormError, SelectField, TextArea, TextField, type Option } from './fields';
import { Lookup } from './lookup';

export const KINDS: ActivityKind[] = ['task', 'call', 'meeting', 'email'];

export function kindLabel(k: ActivityKind): string {
  return t(('kind.' + k) as Key);
}

interface Draft {
  kind: ActivityKind;
  action_type_id: string;
  subject: string;
  date: string;
  time: string;
  duration_min: string;
  assignee_id: string;
  priority: string;
  place: string;
  goal: string;
  note: string;
  remind_before_min: string;
  percent_done: string;
  contact_id: number | null;
  done: boolean;
}

function toDraft(a: Partial<Activity>): Draft {
  return {
    kind: a.kind ?? 'task',
    action_type_id: a.action_type_id ? String(a.action_type_id) : '',
    subject: a.subject ?? '',
    date: a.starts_at ? toInputDate(a.starts_at) : todayInput(),
    time: a.starts_at ? toInputTime(a.starts_at) : '',
    duration_min: String(a.duration_min ?? (a.kind === 'meeting' ? 60 : a.kind === 'call' ? 15 : 30)),
    assignee_id: String(a.assignee_id ?? me().id),
    priority: a.priority ?? 'normal',
    place: a.place ?? '',
    goal: a.goal ?? '',
    note: a.note ?? '',
    remind_before_min: a.remind_before_min === null || a.remind_before_min === undefined ? '' : String(a.remind_before_min),
    percent_done: String(a.percent_done ?? 0),
    contact_id: a.contact_id ?? null,
    done: a.status === 'done',
  };
}

const nil = (s: string) => (s.trim() === '' ? null : s.trim());

/* nowInput: the current time of day in the user's zone, "HH:MM". */
function nowInput(): string {
  return toInputTime(new Date().toISOString());
}

export function ActivityForm(p: {
  id?: number;
  initial?: Partial<Activity>;
  fixedContact?: boolean;
  onClose: () => void;
  onSaved: (a: Activity | null) => void;
}) {
  const [rec, setRec] = useState<Activity | null>(null);
  const [d, setD] = useState<Draft>(() => toDraft(p.initial ?? {}));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const isNew = !p.id;

  const load = async () => {
    if (!p.id) return;
    try {
      const a = await api.get<Activity>(`/api/activities/${p.id}`);
      setRec(a);
      setD(toDraft(a));
      setErrors(noErrors);
    } catch (e) {
      showError(e);
      p.onClose();
    }
  };
  useEffect(() => {
    load();
  }, [p.id]);

  const set = (k: keyof Draft) => (v: string | number | null | boolean) => setD((x) => ({ ...x, [k]: v }));
  /* Registering what happened: it happened now, unless the user says when
   * (a time already typed is kept); planning leaves the time to choose. */
  const setRegister = (done: boolean) =>
    setD((x) => (done && !x.time ? { ...x, done, date: todayInput(), time: nowInput() } : { ...x, done }));
  // A past activity (registered, or done) has no reminder and no priority.
  const past = isNew ? d.done : rec?.status === 'done';

  const body = (status?: 'planned' | 'done'): Record<string, unknown> => {
    const st = status ?? (d.done ? 'done' : 'planned');
    const out: Record<string, unknown> = {
      kind: d.kind,
      action_type_id: d.action_type_id ? +d.action_type_id : null,
      subject: d.subject.trim(),
      duration_min: d.duration_min ? Math.max(0, Math.round(+d.duration_min)) : 0,
      assignee_id: d.assignee_id ? +d.assignee_id : null,
      priority: d.priority,
      place: nil(d.place),
      goal: nil(d.goal),
      note: nil(d.note),
      remind_before_min: d.remind_before_min === '' || st === 'done' ? null : +d.remind_before_min,
      contact_id: d.contact_id,
    };
    if (st === 'done') delete out.priority; // hidden when past: left as it was
    if (d.kind === 'task') out.percent_done = Math.min(100, Math.max(0, Math.round(+d.percent_done || 0)));
    const wasDone = rec?.status === 'done';
    // A done activity's time is locked: send it only while planned (or when reopening).
    const time = d.time || (st === 'done' ? nowInput() : '09:00');
    if (!(wasDone && st === 'done')) out.starts_at = d.date ? fromInputs(d.date, time) : null;
    if (wasDone && st === 'done') delete out.duration_min;
    if (isNew || status) out.status = st;
    if (isNew && p.initial?.company_id) out.company_id = p.initial.company_id;
    if (isNew && p.initial?.inquiry_id) out.inquiry_id = p.initial.inquiry_id;
    if (isNew && p.initial?.parent_id) out.parent_id = p.initial.parent_id;
    return out;
  };

  const save = async (status?: 'planned' | 'done') => {
    setBusy(true);
    setErrors(noErrors);
    try {
      const b = body(status);
      const a = isNew
        ? await api.post<Activity>('/api/activities', b)
        : await api.patch<Activity>(`/api/activities/${p.id}`, { ...b, version: rec?.version });
      toast(t('common.saved'), 'success');
      p.onSaved(a);
    } catch (e) {
      await showError(e, { setErrors, reload: load });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!rec || !(await confirmDialog(t('activity.deleteConfirm'), t('action.delete')))) return;
    try {
      await api.del(`/api/activities/${rec.id}`);
      toast(t('common.deleted'), 'success');
      p.onSaved(null);
    } catch (e) {
      showError(e);
    }
  };

  const users: Option[] = lookups
    .get()
    .users.filter((u) => u.active || String(u.id) === d.assignee_id)
    .map((u) => [String(u.id), u.name || u.login]);
  const types: Option[] = lookups
    .get()
    .actionTypes.filter((x) => x.kind === d.kind)
    .map((x) => [String(x.id), tn(x)]);
  const f = errors.fields;
  const title = isNew ? t(('activity.new.' + d.kind) as Key) : rec ? rec.subject : t('common.loading');

  return (
    <Modal title={title} onClose={p.onClose} wide labelId="activity-title">
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        {isNew && (
          <fieldset class="field span-2 segmented">
            <legend>{t('activity.mode')}</legend>
            <label>
              <input type="radio" name="mode" checked={!d.done} onChange={() => setRegister(false)} /> {t('activity.plan')}
            </label>
            <label>
              <input type="radio" name="mode" checked={d.done} onChange={() => setRegister(true)} /> {t('activity.register')}
            </label>
          </fieldset>
        )}
        {!isNew && rec && (
          <p class="span-2">
            <span class={'badge status-' + rec.status}>{t(('status.' + rec.status) as Key)}</span>
          </p>
        )}
        <SelectField
          label={t('field.kind')}
          value={d.kind}
          onChange={(v) => setD((x) => ({ ...x, kind: v as ActivityKind, action_type_id: '' }))}
          options={KINDS.map((k) => [k, kindLabel(k)])}
          error={f.kind}
        />
        <SelectField
          label={t('field.action_type')}
          value={d.action_type_id}
          onChange={set('action_type_id')}
          options={types}
          empty={'—'}
          error={f.action_type_id}
        />
        <TextField class="span-2" label={t('field.subject')} value={d.subject} onInput={set('subject')} required error={f.subject} />
        <TextField label={t('field.date')} type="date" value={d.date} onInput={set('date')} error={f.starts_at} />
        <TextField label={t('field.time')} type="time" value={d.time} onInput={set('time')} />
        <TextField
          label={t('field.duration_min')}
          type="number"
          min={0}
          step={5}
          value={d.duration_min}
          onInput={set('duration_min')}
          error={f.duration_min}
        />
        <SelectField label={t('field.assignee')} value={d.assignee_id} onChange={set('assignee_id')} options={users} error={f.assignee_id} />
        {!past && (
          <SelectField
            label={t('field.priority')}
            value={d.priority}
            onChange={set('priority')}
            options={(['low', 'normal', 'high'] as const).map((x) => [x, t(('priority.' + x) as Key)])}
          />
        )}
        {!past && (
          <SelectField
            label={t('field.remind')}
            value={d.remind_before_min}
            onChange={set('remind_before_min')}
            empty={t('remind.none')}
            options={[
              ['0', t('remind.0')],
              ['15', t('remind.15')],
              ['60', t('remind.60')],
              ['1440', t('remind.1440')],
            ]}
            error={f.remind_before_min}
          />
        )}
        {d.kind === 'task' && (
          <TextField
            label={t('field.percent_done')}
            type="number"
            min={0}
            max={100}
            value={d.percent_done}
            onInput={set('percent_done')}
            error={f.percent_done}
          />
        )}
        {(d.kind === 'meeting' || d.kind === 'call') && (
          <TextField label={t('field.place')} value={d.place} onInput={set('place')} error={f.place} />
        )}
        <TextField class="span-2" label={t('field.goal')} value={d.goal} onInput={set('goal')} error={f.goal} />
        {!p.fixedContact && (
          <div class="span-2">
            <Lookup label={t('field.client')} entity="contacts" value={d.contact_id} onChange={set('contact_id')} error={f.contact_id} />
          </div>
        )}
        <TextArea class="span-2" label={t('field.note')} value={d.note} onInput={set('note')} error={f.note} />
        <div class="span-2">
          <FormError text={errors.form} />
        </div>
        <div class="form-actions span-2">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('action.save')}
          </button>
          {!isNew && rec?.status === 'planned' && (
            <button type="button" class="btn btn-success" disabled={busy} onClick={() => save('done')}>
              {t('action.markDone')}
            </button>
          )}
          {!isNew && rec && rec.status !== 'planned' && (
            <button type="button" class="btn" disabled={busy} onClick={() => save('planned')}>
              {t('action.markPlanned')}
            </button>
          )}
          <button type="button" class="btn" onClick={p.onClose}>
            {t('action.cancel')}
          </button>
          {!isNew && rec && (
            <button type="button" class="btn btn-danger push-right" onClick={remove}>
              {t('action.delete')}
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}

/* toggleDone: one click: done <-> planned, with the record's version.
 * onUndo: the "done" toast offers "Undo", which calls it with the done
 * record (the caller shows it planned again and toggles it back). */
export async function toggleDone(a: Activity, onUndo?: (done: Activity) => void): Promise<Activity | null> {
  try {
    const r = await api.patch<Activity>(`/api/activities/${a.id}`, {
      status: a.status === 'done' ? 'planned' : 'done',
      version: a.version,
    });
    if (r.status === 'done')
      toast(t('activity.doneToast', { s: a.subject }), 'success', onUndo && { label: t('action.undo'), run: () => onUndo(r) });
    else toast(t('activity.reopenedToast'), 'success');
    return r;
  } catch (e) {
    await showError(e);
    return null;
  }
}
