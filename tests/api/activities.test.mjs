// activities: planning and registering tasks, calls, meetings and e-mails;
// kinds, times and end times; the assignee (me by default, agents within
// their department); a done activity's locked time; planning the next step
// when completing; main tasks whose progress rolls up from subtasks; the
// "my tasks" filters; links to records that must exist.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq, pageAll } from './lib/harness.mjs';
import { iso } from './lib/tz.mjs';

let srv, admin, manager, agent, agent2, agent3;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
	agent2 = await srv.session('agent2');
	agent3 = await srv.session('agent3');
});
after(async () => {
	await srv?.stop();
});

const HOUR = 3600000;
const at = (hoursFromNow) => iso(Date.now() + hoursFromNow * HOUR);

async function create(client, fields) {
	const r = await client.post('/api/activities', { kind: 'task', subject: uniq('Zadanie '), starts_at: at(24), ...fields });
	expectStatus(r, 201, 'POST /api/activities');
	return r.body;
}

/* edit: PATCH with the record's current version. */
async function edit(client, id, patch) {
	const cur = await client.get(`/api/activities/${id}`);
	expectStatus(cur, 200, `GET /api/activities/${id}`);
	return client.patch(`/api/activities/${id}`, { ...patch, version: cur.body.version });
}

async function get(id, client = admin) {
	const r = await client.get(`/api/activities/${id}`);
	expectStatus(r, 200, `GET /api/activities/${id}`);
	return r.body;
}

async function count(client = admin) {
	return (await pageAll(client, '/api/activities?limit=500')).length;
}

async function contact(fields = {}) {
	const r = await agent.post('/api/contacts', { last_name: uniq('Klient'), ...fields });
	expectStatus(r, 201);
	return r.body;
}

test('activities_plan_creates_a_planned_activity_with_contract_fields', async () => {
	const c = await contact();
	const input = {
		kind: 'meeting', action_type_id: 2, subject: 'Spotkanie w biurze', note: 'Omówić ofertę', starts_at: '2030-05-06T08:00:00Z',
		duration_min: 90, priority: 'high', place: 'ul. Floriańska 3, Kraków', goal: 'Podpisanie umowy',
		contact_id: c.id, remind_before_min: 30,
	};
	const r = await agent.post('/api/activities', input);
	expectStatus(r, 201);
	for (const [k, v] of Object.entries(input)) assert.deepEqual(r.body[k], v, k);
	assert.equal(r.body.status, 'planned');
	assert.equal(r.body.ends_at, '2030-05-06T09:30:00Z');
	assert.equal(r.body.percent_done, 0);
	assert.equal(r.body.assignee_id, agent.user.id);
	assert.equal(r.body.parent_id, null);
	assert.equal(r.body.company_id, null);
	assert.equal(r.body.inquiry_id, null);
	assert.equal(r.body.deal_id, null);
	assert.equal(r.body.version, 1);
	assert.deepEqual(await get(r.body.id, agent), r.body);
});

test('activities_register_a_done_one_in_the_past', async () => {
	const when = at(-26);
	const r = await agent.post('/api/activities', { kind: 'call', subject: 'Rozmowa o wycieczce', status: 'done', starts_at: when, duration_min: 10 });
	expectStatus(r, 201);
	assert.equal(r.body.status, 'done');
	assert.equal(r.body.starts_at, when);
	assert.equal(r.body.duration_min, 10);
	assert.match(r.body.done_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	const list = await agent.get('/api/activities?status=done&limit=500');
	assert.ok(list.body.items.some((a) => a.id === r.body.id));
	const open = await agent.get('/api/activities?mine=1&limit=500');
	assert.ok(!open.body.items.some((a) => a.id === r.body.id), 'a registered activity is not an open task');
});

test('activities_every_kind_is_accepted', async () => {
	for (const kind of ['task', 'call', 'meeting', 'email']) {
		const a = await create(agent, { kind });
		assert.equal(a.kind, kind);
	}
});

test('activities_unknown_kind_is_422_and_nothing_written', async () => {
	const n = await count();
	for (const kind of ['visit', 'Task', '', 5, null]) {
		const r = await agent.post('/api/activities', { kind, subject: 'Zły rodzaj', starts_at: at(5) });
		expectError(r, 422, 'validation_failed', ['kind']);
	}
	expectError(await agent.post('/api/activities', { subject: 'Bez rodzaju', starts_at: at(5) }), 422, 'validation_failed', ['kind']);
	const a = await create(agent, {});
	expectError(await edit(agent, a.id, { kind: 'fax' }), 422, 'validation_failed', ['kind']);
	assert.equal(await count(), n + 1);
});

test('activities_times_that_are_not_iso_8601_are_422', async () => {
	const n = await count();
	const bad = ['jutro o 10', '23.11.2026 10:00', '2026-11-23 10:00:00Z', '2026-02-30T10:00:00Z', '2026-11-23T24:00:00Z',
		'2026-11-23T10:61:00Z', '2026-11-23', '', 1795000000, true, '2026-11-23T10:00:00Zjunk'];
	for (const v of bad) {
		expectError(await agent.post('/api/activities', { kind: 'task', subject: 'Zły czas', starts_at: v }), 422, 'validation_failed', ['starts_at']);
		expectError(await agent.post('/api/activities', { kind: 'task', subject: 'Zły koniec', starts_at: at(3), ends_at: v }), 422, 'validation_failed', ['ends_at']);
	}
	const a = await create(agent, {});
	expectError(await edit(agent, a.id, { starts_at: 'w poniedziałek' }), 422, 'validation_failed', ['starts_at']);
	assert.equal(await count(), n + 1);
});

test('activities_time_with_an_offset_is_stored_in_utc', async () => {
	const a = await create(agent, { starts_at: '2030-01-10T10:00:00+01:00', duration_min: 15 });
	assert.equal(a.starts_at, '2030-01-10T09:00:00Z');
	assert.equal(a.ends_at, '2030-01-10T09:15:00Z');
});

test('activities_end_before_start_is_422', async () => {
	const n = await count();
	const r = await agent.post('/api/activities', { kind: 'meeting', subject: 'Wstecz', starts_at: '2030-03-01T10:00:00Z', ends_at: '2030-03-01T09:00:00Z' });
	expectError(r, 422, 'validation_failed', ['ends_at']);
	const a = await create(agent, { starts_at: '2030-03-01T10:00:00Z', duration_min: 60 });
	expectError(await edit(agent, a.id, { ends_at: '2030-03-01T09:59:00Z' }), 422, 'validation_failed', ['ends_at']);
	assert.equal(await count(), n + 1);
	assert.equal((await get(a.id)).ends_at, '2030-03-01T11:00:00Z');
});

test('activities_duration_and_end_time_agree', async () => {
	const byDuration = await create(agent, { starts_at: '2030-04-01T10:00:00Z', duration_min: 45 });
	assert.equal(byDuration.ends_at, '2030-04-01T10:45:00Z');
	const byEnd = await create(agent, { starts_at: '2030-04-01T10:00:00Z', ends_at: '2030-04-01T12:30:00Z' });
	assert.equal(byEnd.duration_min, 150);
	assert.equal(byEnd.ends_at, '2030-04-01T12:30:00Z');
	// given both, the reply is consistent or the request is refused
	const both = await agent.post('/api/activities', { kind: 'task', subject: 'Oba', starts_at: '2030-04-01T10:00:00Z', duration_min: 30, ends_at: '2030-04-01T11:00:00Z' });
	if (both.status === 201)
		assert.equal(Date.parse(both.body.ends_at) - Date.parse(both.body.starts_at), both.body.duration_min * 60000, both.text);
	else expectError(both, 422, 'validation_failed');
	// changing the duration moves the end; moving the start keeps the duration
	let r = await edit(agent, byDuration.id, { duration_min: 90 });
	expectStatus(r, 200);
	assert.equal(r.body.ends_at, '2030-04-01T11:30:00Z');
	r = await edit(agent, byDuration.id, { starts_at: '2030-04-02T08:00:00Z' });
	expectStatus(r, 200);
	assert.equal(r.body.duration_min, 90);
	assert.equal(r.body.ends_at, '2030-04-02T09:30:00Z');
	// changing the end changes the duration
	r = await edit(agent, byDuration.id, { ends_at: '2030-04-02T08:20:00Z' });
	expectStatus(r, 200);
	assert.equal(r.body.duration_min, 20);
});

test('activities_assignee_defaults_to_the_caller', async () => {
	for (const c of [agent, agent3, manager, admin]) {
		const a = await create(c, {});
		assert.equal(a.assignee_id, c.user.id);
	}
});

test('activities_agent_assigns_within_own_department_only', async () => {
	const n = await count();
	const inDept = await create(agent, { assignee_id: agent2.user.id });
	assert.equal(inDept.assignee_id, agent2.user.id);
	const toManager = await create(agent, { assignee_id: manager.user.id });
	assert.equal(toManager.assignee_id, manager.user.id);
	const r = await agent.post('/api/activities', { kind: 'call', subject: 'Dla Gdańska', starts_at: at(6), assignee_id: agent3.user.id });
	expectError(r, 422, 'validation_failed', ['assignee_id']);
	const r2 = await agent.post('/api/activities', { kind: 'call', subject: 'Dla admina', starts_at: at(6), assignee_id: admin.user.id });
	expectError(r2, 422, 'validation_failed', ['assignee_id']);
	const mine = await create(agent, {});
	expectError(await edit(agent, mine.id, { assignee_id: agent3.user.id }), 422, 'validation_failed', ['assignee_id']);
	assert.equal((await get(mine.id)).assignee_id, agent.user.id);
	assert.equal(await count(), n + 3);
});

// Found by fuzz_record: the department rule fired on an assignee sent back
// unchanged, so an agent could not save a form of a company-wide activity
// assigned in another department.
test('activities_agent_edits_another_departments_activity_sent_back_whole', async () => {
	const a = await create(manager, { assignee_id: agent3.user.id, visibility: 'company' });
	const { id, version, created_at, updated_at, created_by, updated_by, done_at, department_id, ...form } = await get(a.id, agent);
	const r = await agent.patch(`/api/activities/${id}`, { ...form, subject: 'Poprawiony temat', version });
	expectStatus(r, 200);
	assert.equal(r.body.subject, 'Poprawiony temat');
	assert.equal(r.body.assignee_id, agent3.user.id);
	expectError(await edit(agent, a.id, { assignee_id: admin.user.id }), 422, 'validation_failed', ['assignee_id']);
});

test('activities_manager_and_admin_assign_anyone', async () => {
	for (const c of [manager, admin]) {
		const a = await create(c, { assignee_id: agent3.user.id });
		assert.equal(a.assignee_id, agent3.user.id);
		const r = await edit(c, a.id, { assignee_id: agent.user.id });
		expectStatus(r, 200);
		assert.equal(r.body.assignee_id, agent.user.id);
	}
});

test('activities_done_time_is_locked_until_set_back_to_planned', async () => {
	const a = await create(agent, { starts_at: '2030-06-01T10:00:00Z', duration_min: 30 });
	let r = await edit(agent, a.id, { status: 'done' });
	expectStatus(r, 200);
	assert.equal(r.body.status, 'done');
	assert.ok(r.body.done_at);
	for (const patch of [{ starts_at: '2030-06-02T10:00:00Z' }, { duration_min: 60 }, { ends_at: '2030-06-01T12:00:00Z' }]) {
		const e = expectError(await edit(agent, a.id, patch), 422, 'validation_failed', Object.keys(patch));
		assert.ok(e.message.length > 0);
	}
	let g = await get(a.id);
	assert.equal(g.starts_at, '2030-06-01T10:00:00Z');
	assert.equal(g.duration_min, 30);
	// other fields of a done activity may change
	expectStatus(await edit(agent, a.id, { note: 'Klient zadowolony' }), 200);
	// also when a form sends its unchanged time back (found by fuzz_record)
	g = await get(a.id);
	r = await edit(agent, a.id, { starts_at: g.starts_at, ends_at: g.ends_at, duration_min: g.duration_min, note: 'Zadowolony' });
	expectStatus(r, 200);
	assert.equal(r.body.note, 'Zadowolony');
	assert.equal(r.body.ends_at, '2030-06-01T10:30:00Z');
	// set back to planned (untick): then the time can change
	r = await edit(agent, a.id, { status: 'planned' });
	expectStatus(r, 200);
	assert.equal(r.body.done_at, null);
	r = await edit(agent, a.id, { starts_at: '2030-06-03T10:00:00Z' });
	expectStatus(r, 200);
	assert.equal(r.body.starts_at, '2030-06-03T10:00:00Z');
	assert.equal(r.body.ends_at, '2030-06-03T10:30:00Z');
	// or in the same request that sets it back
	expectStatus(await edit(agent, a.id, { status: 'done' }), 200);
	r = await edit(agent, a.id, { status: 'planned', starts_at: '2030-06-04T10:00:00Z' });
	expectStatus(r, 200);
	g = await get(a.id);
	assert.equal(g.status, 'planned');
	assert.equal(g.starts_at, '2030-06-04T10:00:00Z');
});

test('activities_completing_with_next_plans_the_follow_up', async () => {
	const c = await contact({ phone: '+48 600 100 200' });
	const a = await create(agent, { kind: 'call', subject: 'Pierwsza rozmowa', contact_id: c.id, starts_at: at(-2) });
	const before = (await agent.get(`/api/activities?contact_id=${c.id}&limit=500`)).body.items.map((x) => x.id);
	const when = at(72);
	const r = await edit(agent, a.id, { status: 'done', next: { subject: 'Oddzwonić z ofertą', starts_at: when } });
	expectStatus(r, 200);
	assert.equal(r.body.status, 'done');
	assert.ok(!('next' in r.body) || r.body.next === null || typeof r.body.next === 'object');
	const after = (await agent.get(`/api/activities?contact_id=${c.id}&limit=500`)).body.items;
	const added = after.filter((x) => !before.includes(x.id));
	assert.equal(added.length, 1, `one follow-up: ${JSON.stringify(added)}`);
	const f = added[0];
	assert.equal(f.subject, 'Oddzwonić z ofertą');
	assert.equal(f.status, 'planned');
	assert.equal(f.starts_at, when);
	assert.equal(f.contact_id, c.id);
	assert.equal(f.assignee_id, agent.user.id);
	assert.equal(f.kind, 'call');
});

test('activities_registering_with_next_plans_the_follow_up', async () => {
	const c = await contact();
	const r = await agent.post('/api/activities', {
		kind: 'meeting', subject: 'Spotkanie odbyte', status: 'done', starts_at: at(-3), contact_id: c.id,
		next: { kind: 'email', subject: 'Wysłać podsumowanie', starts_at: at(20) },
	});
	expectStatus(r, 201);
	const items = (await agent.get(`/api/activities?contact_id=${c.id}&limit=500`)).body.items;
	const f = items.find((x) => x.subject === 'Wysłać podsumowanie');
	assert.ok(f, JSON.stringify(items));
	assert.equal(f.kind, 'email');
	assert.equal(f.status, 'planned');
	assert.equal(f.contact_id, c.id);
});

test('activities_next_that_is_invalid_writes_nothing', async () => {
	const c = await contact();
	const a = await create(agent, { contact_id: c.id, starts_at: at(-1) });
	const n = await count();
	const r = await edit(agent, a.id, { status: 'done', next: { kind: 'fax', subject: 'Zły' } });
	assert.equal(r.status, 422, r.text);
	const g = await get(a.id);
	assert.equal(g.status, 'planned', 'the completion is not half-written');
	assert.equal(g.version, a.version);
	assert.equal(await count(), n);
	// next on an activity that stays planned is refused
	expectError(await edit(agent, a.id, { note: 'x', next: { subject: 'Potem', starts_at: at(30) } }), 422, 'validation_failed', ['next']);
	assert.equal(await count(), n);
});

// A next inside a next was a chain of nested creates as deep as the JSON
// parser allows: seconds of the write lock for one request.
test('activities_next_plans_one_step_not_a_chain', async () => {
	const a = await create(agent, { starts_at: at(-1) });
	const n = await count();
	let next = { kind: 'task', subject: 'Ostatni' };
	for (let i = 0; i < 50; i++) next = { kind: 'task', subject: `Krok ${i}`, status: 'done', next };
	expectError(await edit(agent, a.id, { status: 'done', next }), 422, 'validation_failed', ['next']);
	assert.equal(await count(), n);
	const r = await edit(agent, a.id, { status: 'done', next: { subject: 'Jeden krok', starts_at: at(30), next: null } });
	expectStatus(r, 200);
	assert.equal(await count(), n + 1);
});

test('activities_parent_progress_rolls_up_from_subtasks', async () => {
	const p = await create(agent, { subject: 'Organizacja wyjazdu' });
	const s1 = await create(agent, { subject: 'Rezerwacja hotelu', parent_id: p.id, percent_done: 50 });
	const s2 = await create(agent, { subject: 'Bilety', parent_id: p.id, percent_done: 0 });
	const s3 = await create(agent, { subject: 'Ubezpieczenie', parent_id: p.id, percent_done: 20 });
	const s4 = await create(agent, { subject: 'Wiza', parent_id: p.id, percent_done: 10 });
	assert.equal((await get(p.id)).percent_done, 20, 'mean of 50, 0, 20, 10');
	expectStatus(await edit(agent, s3.id, { status: 'done' }), 200);
	expectStatus(await edit(agent, s4.id, { status: 'cancelled' }), 200);
	assert.equal((await get(p.id)).percent_done, 50, 'mean of 50, 0, 100 (done); cancelled excluded');
	expectStatus(await edit(agent, s2.id, { percent_done: 100 }), 200);
	assert.equal((await get(p.id)).percent_done, 83, 'mean of 50, 100, 100');
	expectStatus(await edit(agent, s1.id, { status: 'cancelled' }), 200);
	assert.equal((await get(p.id)).percent_done, 100);
	// a subtask moved to another parent leaves the old one's progress
	const q = await create(agent, { subject: 'Drugi wyjazd' });
	expectStatus(await edit(agent, s1.id, { status: 'planned', percent_done: 0, parent_id: q.id }), 200);
	assert.equal((await get(q.id)).percent_done, 0);
	assert.equal((await get(p.id)).percent_done, 100);
});

test('activities_parent_that_is_its_own_ancestor_is_422', async () => {
	const p = await create(agent, { subject: 'Główne' });
	const c = await create(agent, { subject: 'Podzadanie', parent_id: p.id });
	const g = await create(agent, { subject: 'Pod-podzadanie', parent_id: c.id });
	for (const parent of [p.id, c.id, g.id]) {
		const r = await edit(agent, p.id, { parent_id: parent });
		expectError(r, 422, 'validation_failed', ['parent_id']);
	}
	assert.equal((await get(p.id)).parent_id, null);
	expectError(await edit(agent, c.id, { parent_id: g.id }), 422, 'validation_failed', ['parent_id']);
	assert.equal((await get(c.id)).parent_id, p.id);
});

test('activities_thread_returns_the_main_task_and_its_subtasks', async () => {
	const p = await create(agent, { subject: 'Wątek' });
	const subs = [];
	for (let i = 0; i < 3; i++) subs.push(await create(agent, { subject: `Krok ${i}`, parent_id: p.id, starts_at: at(30 + i) }));
	const other = await create(agent, { subject: 'Inne' });
	for (const id of [p.id, subs[1].id]) {
		const r = await agent.get(`/api/activities/${id}/thread`);
		expectStatus(r, 200);
		assert.equal(r.body.main.id, p.id);
		assert.deepEqual(r.body.subtasks.map((s) => s.id).sort((a, b) => a - b), subs.map((s) => s.id));
		assert.ok(!r.body.subtasks.some((s) => s.id === other.id));
	}
	const lone = await agent.get(`/api/activities/${other.id}/thread`);
	expectStatus(lone, 200);
	assert.equal(lone.body.main.id, other.id);
	assert.deepEqual(lone.body.subtasks, []);
	expectError(await agent.get('/api/activities/99999999/thread'), 404, 'not_found');
});

test('activities_deleting_a_parent_with_subtasks_is_409', async () => {
	const p = await create(agent, { subject: 'Rodzic' });
	const s = await create(agent, { subject: 'Dziecko', parent_id: p.id });
	const r = await agent.del(`/api/activities/${p.id}`);
	expectError(r, 409);
	expectStatus(await agent.get(`/api/activities/${p.id}`), 200);
	expectStatus(await agent.del(`/api/activities/${s.id}`), 204);
	expectStatus(await agent.del(`/api/activities/${p.id}`), 204);
	expectError(await agent.get(`/api/activities/${p.id}`), 404);
});

test('activities_filters_mine_overdue_status_kind_assignee_contact_and_range', async () => {
	// a fresh user, so "mine" and "overdue" see only this test's activities
	const login = uniq('filtr');
	expectStatus(await admin.post('/api/users', { login, password: 'password-123', role: 'agent', department_id: agent.user.department_id }), 201);
	const me = await srv.login(login, 'password-123');
	const c = await contact();
	// the "future" ones years ahead of whatever today is (a fixed 2031 would
	// turn them overdue, and this test red, on 10 January 2031)
	const base = Date.parse(`${new Date().getUTCFullYear() + 5}-01-10T00:00:00Z`);
	const t = (h) => iso(base + h * HOUR);
	const a = {
		pastCall: await create(me, { kind: 'call', subject: 'Zaległy telefon', starts_at: at(-5), contact_id: c.id }),
		pastDone: await create(me, { kind: 'call', subject: 'Zrobiony telefon', starts_at: at(-6), status: 'done' }),
		pastCancelled: await create(me, { kind: 'task', subject: 'Odwołane', starts_at: at(-7) }),
		futureMeeting: await create(me, { kind: 'meeting', subject: 'Spotkanie', starts_at: t(10), contact_id: c.id }),
		futureEmail: await create(me, { kind: 'email', subject: 'E-mail', starts_at: t(30) }),
		forOther: await create(me, { kind: 'task', subject: 'Dla kolegi', starts_at: t(20), assignee_id: agent2.user.id }),
	};
	expectStatus(await edit(me, a.pastCancelled.id, { status: 'cancelled' }), 200);
	const ids = async (q) => {
		const items = await pageAll(me, `/api/activities?${q}&limit=500`);
		return items.map((x) => x.id).sort((x, y) => x - y);
	};
	const sorted = (...xs) => xs.map((x) => x.id).sort((x, y) => x - y);
	assert.deepEqual(await ids('mine=1'), sorted(a.pastCall, a.futureMeeting, a.futureEmail), 'mine: open and assigned to me');
	assert.deepEqual(await ids('overdue=1&assignee_id=' + me.user.id), sorted(a.pastCall), 'overdue: planned and past');
	assert.deepEqual(await ids('mine=1&overdue=1'), sorted(a.pastCall));
	assert.deepEqual(await ids(`status=done&assignee_id=${me.user.id}`), sorted(a.pastDone));
	assert.deepEqual(await ids(`status=cancelled&assignee_id=${me.user.id}`), sorted(a.pastCancelled));
	assert.deepEqual(await ids(`kind=call&assignee_id=${me.user.id}`), sorted(a.pastCall, a.pastDone));
	assert.ok((await ids(`assignee_id=${agent2.user.id}`)).includes(a.forOther.id));
	assert.ok(!(await ids(`assignee_id=${agent2.user.id}`)).includes(a.futureEmail.id));
	assert.deepEqual(await ids(`contact_id=${c.id}`), sorted(a.pastCall, a.futureMeeting));
	assert.deepEqual(await ids(`starts_at_from=${t(0)}&starts_at_to=${t(25)}`), sorted(a.futureMeeting, a.forOther), 'range: from <= starts_at < to');
	assert.deepEqual(await ids(`starts_at_from=${t(10)}&starts_at_to=${t(30)}`), sorted(a.futureMeeting, a.forOther), 'from inclusive, to exclusive');
	assert.deepEqual(await ids(`mine=1&starts_at_from=${t(0)}`), sorted(a.futureMeeting, a.futureEmail));
	// bad filter values are 400
	for (const q of ['mine=yes', 'overdue=2', 'status=open', 'kind=fax', 'starts_at_from=jutro', 'assignee_id=abc'])
		expectError(await me.get(`/api/activities?${q}`), 400, 'bad_query');
});

test('activities_links_to_records_that_do_not_exist_are_422', async () => {
	const n = await count();
	const cases = [
		['contact_id', 99999999], ['company_id', 99999999], ['inquiry_id', 99999999], ['parent_id', 99999999],
		['assignee_id', 99999999], ['action_type_id', 99999999], ['contact_id', 'abc'], ['contact_id', -1],
	];
	const wrong = [];
	const check = (what, r, field) => {
		if (r.status !== 422 || r.body?.error?.code !== 'validation_failed' || typeof r.body?.error?.fields?.[field] !== 'string')
			wrong.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
	};
	for (const [field, value] of cases) {
		const r = await agent.post('/api/activities', { kind: 'task', subject: 'Zły link', starts_at: at(4), [field]: value });
		check(`POST ${field}=${value}`, r, field);
	}
	const a = await create(agent, {});
	for (const [field, value] of cases.slice(0, 4))
		check(`PATCH ${field}=${value}`, await edit(agent, a.id, { [field]: value }), field);
	// a deleted client is not a valid link either
	const c = await contact();
	expectStatus(await agent.del(`/api/contacts/${c.id}`), 204);
	check('POST contact_id=<deleted client>', await agent.post('/api/activities', { kind: 'call', subject: 'Do usuniętego', starts_at: at(4), contact_id: c.id }), 'contact_id');
	assert.deepEqual(wrong, [], 'links to missing records must be refused with 422');
	assert.equal(await count(), n + 1, 'nothing written');
	const g = await get(a.id);
	assert.equal(g.version, a.version);
});

test('activities_links_to_a_company_and_an_inquiry_and_none', async () => {
	const co = await agent.post('/api/companies', { name: uniq('Firma ') });
	expectStatus(co, 201);
	const inq = await agent.post('/api/inquiries', { title: 'Zapytanie o wycieczkę' });
	expectStatus(inq, 201);
	const a = await create(agent, { company_id: co.body.id, inquiry_id: inq.body.id });
	assert.equal(a.company_id, co.body.id);
	assert.equal(a.inquiry_id, inq.body.id);
	const internal = await create(agent, { subject: 'Praca wewnętrzna' });
	for (const k of ['contact_id', 'company_id', 'inquiry_id', 'deal_id']) assert.equal(internal[k], null, k);
	const list = await agent.get(`/api/activities?inquiry_id=${inq.body.id}`);
	expectStatus(list, 200);
	assert.deepEqual(list.body.items.map((x) => x.id), [a.id]);
});

test('action_types_are_seeded_in_polish_and_english_and_written_by_admins', async () => {
	const seeded = (await agent.get('/api/action_types?limit=100')).body.items;
	assert.ok(seeded.length >= 6, JSON.stringify(seeded));
	for (const t of seeded) {
		assert.ok(t.name && t.name_en && t.short_name, `names of ${JSON.stringify(t)}`);
		assert.ok(['task', 'call', 'meeting', 'email'].includes(t.kind));
		assert.match(t.color, /^#[0-9a-f]{6}$/i);
		assert.match(t.background, /^#[0-9a-f]{6}$/i);
	}
	const pos = seeded.map((t) => t.position);
	assert.deepEqual(pos, [...pos].sort((a, b) => a - b), 'ordered by position');
	const input = { name: 'Wysyłka katalogu', name_en: 'Catalogue mailing', short_name: 'KAT', kind: 'email', color: '#000000', background: '#ffcc00', position: 15 };
	const r = await admin.post('/api/action_types', input);
	expectStatus(r, 201);
	for (const [k, v] of Object.entries(input)) assert.equal(r.body[k], v, k);
	const list = (await agent.get('/api/action_types?limit=100')).body.items;
	assert.equal(list[1].id, r.body.id, 'placed by its position');
	const a = await create(agent, { kind: 'email', action_type_id: r.body.id });
	assert.equal(a.action_type_id, r.body.id);
	for (const c of [agent, manager]) {
		expectError(await c.post('/api/action_types', { name: 'Moje' }), 403, 'forbidden');
		expectError(await c.patch(`/api/action_types/${r.body.id}`, { name: 'Zmiana', version: r.body.version }), 403, 'forbidden');
		expectError(await c.del(`/api/action_types/${r.body.id}`), 403, 'forbidden');
	}
	expectError(await admin.post('/api/action_types', { name: 'Zły kolor', background: 'yellow' }), 422, 'validation_failed', ['background']);
	const p = await admin.patch(`/api/action_types/${r.body.id}`, { background: '#ff0000', version: r.body.version });
	expectStatus(p, 200);
	assert.equal(p.body.background, '#ff0000');
});

test('activity_read_alone_carries_the_client_name_as_lists_do', async () => {
	const c = await admin.post('/api/contacts', { first_name: 'Łucja', last_name: uniq('Wąs') });
	expectStatus(c, 201, 'POST /api/contacts');
	const a = await create(admin, { contact_id: c.body.id });
	const name = `Łucja ${c.body.last_name}`;
	assert.equal(a.contact.name, name, 'the create reply');
	assert.equal((await get(a.id)).contact.name, name, 'GET by id');
	const listed = (await admin.get(`/api/activities?contact_id=${c.body.id}`)).body.items;
	assert.equal(listed[0].contact.name, name, 'the list');
	const done = await edit(admin, a.id, { status: 'done' });
	expectStatus(done, 200, 'PATCH');
	assert.equal(done.body.contact.name, name, 'the update reply');
});
