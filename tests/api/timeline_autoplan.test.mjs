// timeline and autoplan: a new client's first activity planned for its
// owner (a call with a phone, an e-mail with only an e-mail, nothing
// without either) at the owner's next working day 09:00 local; the office
// settings behind it; the timeline of a client or company (notes,
// activities, changes, newest first, overdue open tasks pinned, paginated);
// notes; deleting a client cancels its planned activities.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';
import { addDays, iso, localDate, localParts, localTime, weekday } from './lib/tz.mjs';

let srv, admin, manager, agent, nyc, tyo;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
	nyc = await person('America/New_York', 'en');
	tyo = await person('Asia/Tokyo', 'pl');
});
after(async () => {
	await srv?.stop();
});

async function person(zone, locale) {
	const login = uniq('owner');
	// In agent1's department: an agent gives clients only to colleagues of their own.
	const r = await admin.post('/api/users', {
		login, password: 'password-123', role: 'agent', time_zone: zone, locale, department_id: agent.user.department_id,
	});
	expectStatus(r, 201);
	return { id: r.body.id, zone, client: await srv.login(login, 'password-123') };
}

async function contact(client, fields) {
	const r = await client.post('/api/contacts', { last_name: uniq('Nowy'), ...fields });
	expectStatus(r, 201, 'POST /api/contacts');
	return r.body;
}

async function activitiesOf(contactId, client = admin) {
	const r = await client.get(`/api/activities?contact_id=${contactId}&limit=500`);
	expectStatus(r, 200);
	return r.body.items;
}

/* The owner's next working day (Mon-Fri) after today, at hour local. */
function nextWorkingDayAt(zone, hour, now = Date.now()) {
	let d = addDays(localDate(now, zone), 1);
	while (weekday(d) === 0 || weekday(d) === 6) d = addDays(d, 1);
	return iso(localTime(d, hour, 0, zone));
}

/* expectPlanned: got is the owner's next working day at hour as the server
 * saw it when it planned, at an instant between t0 (taken before the
 * request) and now: two candidates only if a local midnight fell between. */
function expectPlanned(got, zone, hour, t0) {
	const want = new Set([nextWorkingDayAt(zone, hour, t0), nextWorkingDayAt(zone, hour, Date.now())]);
	assert.ok(want.has(got), `planned at ${got}, expected ${[...want].join(' or ')} (${zone})`);
}

async function settings(patch) {
	const r = await admin.patch('/api/settings', patch);
	expectStatus(r, 200, 'PATCH /api/settings');
	return r.body;
}

async function timeline(client, path) {
	const r = await client.get(path);
	expectStatus(r, 200, `GET ${path}`);
	assert.ok(Array.isArray(r.body.items) && Array.isArray(r.body.pinned) && 'next_cursor' in r.body, r.text);
	return r.body;
}

async function patch(client, entity, id, fields) {
	const cur = await client.get(`/api/${entity}/${id}`);
	expectStatus(cur, 200);
	return client.patch(`/api/${entity}/${id}`, { ...fields, version: cur.body.version });
}

test('autoplan_a_client_with_a_phone_gets_a_call', async () => {
	const t0 = Date.now();
	const c = await contact(agent, { first_name: 'Anna', phone: '601 200 300' });
	const acts = await activitiesOf(c.id);
	assert.equal(acts.length, 1, JSON.stringify(acts));
	const a = acts[0];
	assert.equal(a.kind, 'call');
	assert.equal(a.status, 'planned');
	assert.equal(a.assignee_id, agent.user.id);
	assert.equal(a.contact_id, c.id);
	expectPlanned(a.starts_at, 'Europe/Warsaw', 9, t0);
	assert.match(a.subject, new RegExp(c.last_name));
});

test('autoplan_a_client_with_a_phone_and_an_email_gets_a_call', async () => {
	const c = await contact(agent, { phone: '+48 601 200 301', email: 'oba@example.pl' });
	const acts = await activitiesOf(c.id);
	assert.deepEqual(acts.map((a) => a.kind), ['call']);
});

test('autoplan_a_client_with_only_an_email_gets_an_email', async () => {
	const t0 = Date.now();
	const c = await contact(agent, { email: 'tylko.mail@example.pl' });
	const acts = await activitiesOf(c.id);
	assert.deepEqual(acts.map((a) => a.kind), ['email']);
	expectPlanned(acts[0].starts_at, 'Europe/Warsaw', 9, t0);
});

test('autoplan_a_client_without_phone_or_email_gets_nothing', async () => {
	const c = await contact(agent, { city: 'Kraków' });
	assert.deepEqual(await activitiesOf(c.id), []);
	// adding a phone later does not plan a first activity again
	expectStatus(await patch(agent, 'contacts', c.id, { phone: '601 200 302' }), 200);
	assert.deepEqual(await activitiesOf(c.id), []);
});

test('autoplan_uses_the_owners_time_zone_and_working_days', async () => {
	for (const owner of [nyc, tyo]) {
		const t0 = Date.now();
		const c = await contact(admin, { phone: '+1 212 555 0100', owner_id: owner.id });
		const acts = await activitiesOf(c.id);
		assert.equal(acts.length, 1, JSON.stringify(acts));
		const a = acts[0];
		assert.equal(a.assignee_id, owner.id, 'planned for the owner, not the creator');
		const local = localParts(Date.parse(a.starts_at), owner.zone);
		assert.equal(`${local.hour}:${local.minute}`, '9:0', `09:00 in ${owner.zone}: ${a.starts_at} is ${local.wall}`);
		assert.ok(local.weekday >= 1 && local.weekday <= 5, `a working day in ${owner.zone}: ${local.wall}`);
		assert.ok(local.date > localDate(t0, owner.zone), 'after today');
		expectPlanned(a.starts_at, owner.zone, 9, t0);
	}
});

test('autoplan_a_contact_created_by_a_colleague_is_planned_for_the_owner', async () => {
	const t0 = Date.now();
	const c = await contact(agent, { email: 'dla.kogos@example.pl', owner_id: tyo.id });
	const acts = await activitiesOf(c.id);
	assert.equal(acts.length, 1);
	assert.equal(acts[0].assignee_id, tyo.id);
	expectPlanned(acts[0].starts_at, tyo.zone, 9, t0);
});

test('settings_are_read_by_all_and_written_by_admins', async () => {
	for (const c of [agent, manager, admin]) {
		const r = await c.get('/api/settings');
		expectStatus(r, 200);
		assert.equal(r.body.autoplan_enabled, 1);
	}
	for (const c of [agent, manager]) {
		expectError(await c.patch('/api/settings', { autoplan_enabled: 0 }), 403, 'forbidden');
	}
	assert.equal((await admin.get('/api/settings')).body.autoplan_enabled, 1);
	for (const bad of [{ autoplan_enabled: 2 }, { autoplan_enabled: 'no' }, { autoplan_hour: 24 }, { autoplan_hour: -1 }, { no_such_setting: 1 }]) {
		const r = await admin.patch('/api/settings', bad);
		assert.ok(r.status === 422 || r.status === 400, `${JSON.stringify(bad)}: ${r.status} ${r.text}`);
	}
	const s = (await admin.get('/api/settings')).body;
	assert.equal(s.autoplan_enabled, 1);
	assert.equal(s.autoplan_hour, 9);
});

test('settings_autoplan_off_plans_nothing', async () => {
	assert.equal((await settings({ autoplan_enabled: 0 })).autoplan_enabled, 0);
	try {
		const c = await contact(agent, { phone: '601 200 303', email: 'wylaczone@example.pl' });
		assert.deepEqual(await activitiesOf(c.id), []);
	} finally {
		await settings({ autoplan_enabled: 1 });
	}
	const c2 = await contact(agent, { phone: '601 200 304' });
	assert.equal((await activitiesOf(c2.id)).length, 1);
});

test('settings_autoplan_hour_is_local_to_the_owner', async () => {
	await settings({ autoplan_hour: 14 });
	try {
		const t0 = Date.now();
		const c = await contact(admin, { phone: '601 200 305', owner_id: nyc.id });
		const [a] = await activitiesOf(c.id);
		expectPlanned(a.starts_at, nyc.zone, 14, t0);
	} finally {
		await settings({ autoplan_hour: 9 });
	}
});

test('notes_create_read_update_delete', async () => {
	const c = await contact(agent, {});
	const r = await agent.post('/api/notes', { body: 'Klient prosi o kontakt po 16:00.', contact_id: c.id });
	expectStatus(r, 201);
	assert.equal(r.body.body, 'Klient prosi o kontakt po 16:00.');
	assert.equal(r.body.contact_id, c.id);
	assert.equal(r.body.created_by, agent.user.id, 'the author');
	const g = await agent.get(`/api/notes/${r.body.id}`);
	expectStatus(g, 200);
	assert.deepEqual(g.body, r.body);
	const p = await agent.patch(`/api/notes/${r.body.id}`, { body: 'Po 17:00.', version: r.body.version });
	expectStatus(p, 200);
	assert.equal(p.body.body, 'Po 17:00.');
	const list = await agent.get(`/api/notes?contact_id=${c.id}`);
	assert.deepEqual(list.body.items.map((n) => n.id), [r.body.id]);
	expectStatus(await agent.del(`/api/notes/${r.body.id}`), 204);
	expectError(await agent.get(`/api/notes/${r.body.id}`), 404);
	const t = await timeline(agent, `/api/contacts/${c.id}/timeline`);
	assert.ok(!t.items.some((i) => i.type === 'note'), 'a deleted note leaves the timeline');
	// bad notes
	expectError(await agent.post('/api/notes', { contact_id: c.id }), 422, 'validation_failed', ['body']);
	expectError(await agent.post('/api/notes', { body: 'x', contact_id: 99999999 }), 422, 'validation_failed', ['contact_id']);
	const co = await agent.post('/api/companies', { name: uniq('Firma ') });
	expectError(await agent.post('/api/notes', { body: 'Dwa linki', contact_id: c.id, company_id: co.body.id }), 422, 'validation_failed');
});

test('timeline_holds_notes_activities_and_changes_newest_first', async () => {
	const c = await contact(agent, { phone: '601 200 306' }); // autoplan: a call next working day
	const note = (await agent.post('/api/notes', { body: 'Pierwsza notatka', contact_id: c.id })).body;
	const done = (await agent.post('/api/activities', { kind: 'meeting', subject: 'Spotkanie odbyte', status: 'done', starts_at: iso(Date.now() - 5 * 86400000), contact_id: c.id })).body;
	expectStatus(await patch(agent, 'contacts', c.id, { city: 'Zakopane' }), 200);
	const t = await timeline(agent, `/api/contacts/${c.id}/timeline`);
	const types = new Set(t.items.map((i) => i.type));
	for (const k of ['note', 'activity', 'change']) assert.ok(types.has(k), `has a ${k}: ${JSON.stringify(t.items)}`);
	for (const i of t.items) {
		assert.match(i.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(typeof i.record, 'object');
	}
	const ats = t.items.map((i) => i.at);
	assert.deepEqual(ats, [...ats].sort().reverse(), 'newest first');
	assert.ok(t.items.some((i) => i.type === 'note' && i.record.id === note.id && i.record.body === 'Pierwsza notatka'));
	assert.ok(t.items.some((i) => i.type === 'activity' && i.record.id === done.id));
	const change = t.items.find((i) => i.type === 'change' && JSON.stringify(i.record).includes('Zakopane'));
	assert.ok(change, 'the change of city is in the timeline');
	const auto = (await activitiesOf(c.id)).find((a) => a.kind === 'call');
	assert.ok(t.items.some((i) => i.type === 'activity' && i.record.id === auto.id), 'planned activities too');
	// the oldest, the meeting five days ago, comes last among activities
	const acts = t.items.filter((i) => i.type === 'activity').map((i) => i.record.id);
	assert.equal(acts[acts.length - 1], done.id);
});

test('timeline_pins_open_overdue_tasks_until_done', async () => {
	const c = await contact(agent, {});
	const late = (await agent.post('/api/activities', { kind: 'task', subject: 'Zaległe: wysłać katalog', starts_at: iso(Date.now() - 2 * 86400000), contact_id: c.id })).body;
	const future = (await agent.post('/api/activities', { kind: 'task', subject: 'Przyszłe', starts_at: iso(Date.now() + 2 * 86400000), contact_id: c.id })).body;
	const lateDone = (await agent.post('/api/activities', { kind: 'call', subject: 'Zrobione', status: 'done', starts_at: iso(Date.now() - 3 * 86400000), contact_id: c.id })).body;
	let t = await timeline(agent, `/api/contacts/${c.id}/timeline`);
	assert.deepEqual(t.pinned.map((a) => a.id ?? a.record?.id), [late.id], JSON.stringify(t.pinned));
	assert.ok(!t.pinned.some((a) => (a.id ?? a.record?.id) === future.id || (a.id ?? a.record?.id) === lateDone.id));
	expectStatus(await patch(agent, 'activities', late.id, { status: 'done' }), 200);
	t = await timeline(agent, `/api/contacts/${c.id}/timeline`);
	assert.deepEqual(t.pinned, [], 'unpinned once done');
});

test('timeline_is_paginated_with_a_cursor', async () => {
	const c = await contact(agent, {});
	for (let i = 0; i < 9; i++) expectStatus(await agent.post('/api/notes', { body: `Notatka ${i}`, contact_id: c.id }), 201);
	await agent.post('/api/activities', { kind: 'task', subject: 'Zadanie w środku', starts_at: iso(Date.now() - 60000), status: 'done', contact_id: c.id });
	const full = await timeline(agent, `/api/contacts/${c.id}/timeline?limit=500`);
	assert.equal(full.next_cursor, null);
	assert.ok(full.items.length >= 11, `9 notes, 1 activity, the creation: ${full.items.length}`);
	const paged = [];
	let cursor = null;
	for (let page = 0; page < 20; page++) {
		const t = await timeline(agent, `/api/contacts/${c.id}/timeline?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		assert.ok(t.items.length <= 4);
		paged.push(...t.items);
		cursor = t.next_cursor;
		if (!cursor) break;
		assert.equal(typeof cursor, 'string');
	}
	assert.equal(cursor, null, 'pagination ends');
	const key = (i) => `${i.type}:${i.record.id}`;
	assert.deepEqual(paged.map(key), full.items.map(key), 'pages join up to the whole timeline, in order, without repeats');
	expectError(await agent.get(`/api/contacts/${c.id}/timeline?cursor=nonsense!`), 400);
	expectError(await agent.get(`/api/contacts/${c.id}/timeline?limit=0`), 400);
	expectError(await agent.get(`/api/contacts/${c.id}/timeline?colour=red`), 400);
	expectError(await agent.get('/api/contacts/99999999/timeline'), 404);
});

test('timeline_shows_the_clients_inquiries', async () => {
	const c = await contact(agent, {});
	const inq = await agent.post('/api/inquiries', { title: 'Wczasy w Grecji', contact_id: c.id });
	expectStatus(inq, 201);
	const t = await timeline(agent, `/api/contacts/${c.id}/timeline`);
	assert.ok(t.items.some((i) => i.type === 'inquiry' && i.record?.id === inq.body.id),
		`the inquiry appears in the client's timeline: ${JSON.stringify(t.items.map((i) => i.type))}`);
});

test('deleting_a_client_cancels_its_planned_activities', async () => {
	const c = await contact(agent, { phone: '601 200 307' }); // autoplan: a planned call
	const planned = (await agent.post('/api/activities', { kind: 'meeting', subject: 'Spotkanie', starts_at: iso(Date.now() + 86400000), contact_id: c.id })).body;
	const done = (await agent.post('/api/activities', { kind: 'call', subject: 'Było', status: 'done', starts_at: iso(Date.now() - 86400000), contact_id: c.id })).body;
	const auto = (await activitiesOf(c.id)).find((a) => a.kind === 'call' && a.status === 'planned');
	assert.ok(auto);
	expectStatus(await agent.del(`/api/contacts/${c.id}`), 204);
	for (const a of [planned, auto]) {
		const g = await agent.get(`/api/activities/${a.id}`);
		expectStatus(g, 200, 'the activity is kept');
		assert.equal(g.body.status, 'cancelled');
		assert.equal(g.body.version, a.version + 1);
		const h = await agent.get(`/api/activities/${a.id}/history`);
		expectStatus(h, 200);
		assert.ok(h.body.items.some((x) => JSON.stringify(x.changes).includes('cancelled')), 'the cancellation is in its history');
	}
	assert.equal((await agent.get(`/api/activities/${done.id}`)).body.status, 'done', 'a done activity stays done');
	const r = await agent.get('/api/reminders');
	const all = ['overdue', 'today', 'tomorrow', 'day_after'].flatMap((b) => r.body[b]);
	assert.ok(!all.some((x) => x.id === planned.id || x.id === auto.id), 'no reminders for a deleted client');
});

test('restoring_a_client_plans_again_what_its_deletion_cancelled', async () => {
	const c = await contact(agent, { phone: '601 200 308' }); // autoplan: a planned call
	const meeting = (await agent.post('/api/activities', { kind: 'meeting', subject: 'Spotkanie', starts_at: iso(Date.now() + 86400000), contact_id: c.id })).body;
	const byHand = (await agent.post('/api/activities', { kind: 'call', subject: 'Odwołany', starts_at: iso(Date.now() + 2 * 86400000), contact_id: c.id })).body;
	expectStatus(await agent.patch(`/api/activities/${byHand.id}`, { status: 'cancelled', version: byHand.version }), 200);
	const touched = (await agent.post('/api/activities', { kind: 'task', subject: 'Zmieniony potem', starts_at: iso(Date.now() + 3 * 86400000), contact_id: c.id })).body;
	const auto = (await activitiesOf(c.id)).find((a) => a.kind === 'call' && a.status === 'planned' && a.id !== byHand.id);
	assert.ok(auto);
	expectStatus(await agent.del(`/api/contacts/${c.id}`), 204);
	// One of the cancelled ones is edited while the client is in the trash: it stays as it was left.
	const t1 = (await agent.get(`/api/activities/${touched.id}`)).body;
	assert.equal(t1.status, 'cancelled');
	expectStatus(await agent.patch(`/api/activities/${touched.id}`, { subject: 'Zmieniony w koszu', version: t1.version }), 200);
	expectStatus(await agent.post(`/api/contacts/${c.id}/restore`), 200);
	for (const a of [meeting, auto]) {
		const g = expectStatus(await agent.get(`/api/activities/${a.id}`), 200);
		assert.equal(g.status, 'planned', `${a.subject} is planned again`);
		assert.equal(g.version, a.version + 2, 'cancelled, then planned again');
		const h = expectStatus(await agent.get(`/api/activities/${a.id}/history`), 200);
		assert.ok(h.items.some((x) => JSON.stringify(x.changes).includes('client restored')), 'the restore is in its history');
	}
	assert.equal((await agent.get(`/api/activities/${byHand.id}`)).body.status, 'cancelled', 'cancelled by hand: stays cancelled');
	assert.equal((await agent.get(`/api/activities/${touched.id}`)).body.status, 'cancelled', 'edited since: left alone');
	const r = await agent.get('/api/reminders');
	const all = ['overdue', 'today', 'tomorrow', 'day_after'].flatMap((b) => r.body[b]);
	assert.ok(all.some((x) => x.id === meeting.id), 'reminded again');
});

test('timeline_of_a_company', async () => {
	const co = await agent.post('/api/companies', { name: uniq('Biuro ') });
	expectStatus(co, 201);
	const id = co.body.id;
	const note = (await agent.post('/api/notes', { body: 'Umowa ramowa podpisana', company_id: id })).body;
	const act = (await agent.post('/api/activities', { kind: 'meeting', subject: 'Spotkanie z zarządem', starts_at: iso(Date.now() - 86400000), status: 'done', company_id: id })).body;
	const other = await contact(agent, {});
	const notMine = (await agent.post('/api/activities', { kind: 'call', subject: 'Inny klient', starts_at: iso(Date.now() - 3600000), contact_id: other.id })).body;
	expectStatus(await patch(agent, 'companies', id, { city: 'Gdynia' }), 200);
	const t = await timeline(agent, `/api/companies/${id}/timeline`);
	assert.ok(t.items.some((i) => i.type === 'note' && i.record.id === note.id));
	assert.ok(t.items.some((i) => i.type === 'activity' && i.record.id === act.id));
	assert.ok(t.items.some((i) => i.type === 'change'));
	assert.ok(!t.items.some((i) => i.type === 'activity' && i.record.id === notMine.id));
	const ats = t.items.map((i) => i.at);
	assert.deepEqual(ats, [...ats].sort().reverse());
	expectError(await agent.get('/api/companies/99999999/timeline'), 404);
});
