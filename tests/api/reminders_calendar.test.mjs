// reminders and calendar: the reminders panel (overdue, today, tomorrow,
// the day after) computed in each caller's own time zone, with open
// inquiries by planned close date; the calendar over a range (required,
// bounded, overlap semantics, one user's or a department's), moving an
// activity, and local days across daylight-saving changes.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';
import { addDays, dayStart, iso, localDate, localParts, localTime } from './lib/tz.mjs';

let srv, admin;
const ZONES = { waw: 'Europe/Warsaw', nyc: 'America/New_York', tyo: 'Asia/Tokyo' };
const people = {}; // key -> {id, client, zone}

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	const deps = (await admin.get('/api/departments')).body.items;
	const krakow = deps.find((d) => d.name === 'Kraków').id;
	for (const [key, zone] of Object.entries(ZONES)) people[key] = await person(zone, krakow);
});
after(async () => {
	await srv?.stop();
});

/* person: a new agent in zone, logged in. */
async function person(zone, department_id, role = 'agent') {
	const login = uniq('tz');
	const r = await admin.post('/api/users', { login, password: 'password-123', role, department_id, time_zone: zone, name: login });
	expectStatus(r, 201, 'POST /api/users');
	assert.equal(r.body.time_zone, zone);
	const client = await srv.login(login, 'password-123');
	return { id: r.body.id, client, zone };
}

async function activity(fields) {
	const r = await admin.post('/api/activities', { kind: 'task', subject: uniq('Zadanie '), ...fields });
	expectStatus(r, 201, 'POST /api/activities');
	return r.body;
}

async function setStatus(id, status) {
	const cur = (await admin.get(`/api/activities/${id}`)).body;
	expectStatus(await admin.patch(`/api/activities/${id}`, { status, version: cur.version }), 200);
}

async function calendar(client, from, to, extra = '') {
	const r = await client.get(`/api/calendar?from=${iso(from)}&to=${iso(to)}${extra}`);
	expectStatus(r, 200, 'GET /api/calendar');
	assert.ok(Array.isArray(r.body.items), r.text);
	return r.body.items;
}

const ids = (items) => items.map((x) => x.id).sort((a, b) => a - b);
const BUCKETS = ['overdue', 'today', 'tomorrow', 'day_after'];

/* expectedBucket: where instant t belongs for a user in zone, now being now. */
function expectedBucket(t, zone, now) {
	if (t < now) return 'overdue';
	const d = localDate(t, zone), today = localDate(now, zone);
	if (d === today) return 'today';
	if (d === addDays(today, 1)) return 'tomorrow';
	if (d === addDays(today, 2)) return 'day_after';
	return null;
}

/* reminders: GET /api/reminders as client, asked again if a local midnight
 * of zone passed during the request; {body, asked} where asked is an
 * instant on the server's local day (the buckets' "today"). */
async function reminders(client, zone) {
	let r, asked;
	for (let attempt = 0; attempt < 3; attempt++) {
		asked = Date.now();
		r = await client.get('/api/reminders');
		if (localDate(asked, zone) === localDate(Date.now(), zone)) break; // no local midnight in between
	}
	expectStatus(r, 200, 'GET /api/reminders');
	return { body: r.body, asked };
}

test('reminders_buckets_follow_each_callers_time_zone', async () => {
	const now = Date.now();
	// Instants around the local day boundaries of every zone.
	const instants = new Map();
	const add = (label, t) => {
		if (Math.abs(t - now) > 3 * 60000) instants.set(label, t); // never race the clock
	};
	add('an hour ago', now - 3600000);
	add('three days ago', now - 3 * 86400000);
	add('in ten minutes', now + 10 * 60000);
	for (const [key, zone] of Object.entries(ZONES)) {
		const today = localDate(now, zone);
		add(`${key} today 23:30`, localTime(today, 23, 30, zone));
		add(`${key} tomorrow 00:00`, dayStart(addDays(today, 1), zone));
		add(`${key} tomorrow 00:30`, localTime(addDays(today, 1), 0, 30, zone));
		add(`${key} tomorrow 23:59`, localTime(addDays(today, 1), 23, 59, zone));
		add(`${key} day after 00:00`, dayStart(addDays(today, 2), zone));
		add(`${key} day after 23:59`, localTime(addDays(today, 2), 23, 59, zone));
		add(`${key} in three days 00:00`, dayStart(addDays(today, 3), zone));
	}
	const tag = uniq('R');
	for (const p of Object.values(people))
		for (const [label, t] of instants) await activity({ subject: `${tag} ${label}`, starts_at: iso(t), assignee_id: p.id });
	const wrong = [];
	for (const [key, p] of Object.entries(people)) {
		const { body, asked } = await reminders(p.client, p.zone);
		const r = { body, text: JSON.stringify(body) };
		assert.deepEqual(Object.keys(r.body).filter((k) => BUCKETS.includes(k)), BUCKETS, 'overdue first, then today, tomorrow, the day after');
		const got = new Map();
		for (const b of BUCKETS) {
			assert.ok(Array.isArray(r.body[b]), `${b}: ${r.text}`);
			for (const item of r.body[b]) {
				if (item.type === 'activity' || item.type === undefined) assert.equal(item.assignee_id, p.id, 'only my activities');
				if (typeof item.subject === 'string' && item.subject.startsWith(tag + ' ')) got.set(item.subject.slice(tag.length + 1), b);
			}
			const times = r.body[b].filter((x) => x.starts_at).map((x) => x.starts_at);
			assert.deepEqual(times, [...times].sort(), `${b} is in time order`);
		}
		for (const [label, t] of instants) {
			const want = expectedBucket(t, p.zone, asked);
			const have = got.get(label) ?? null;
			if (want !== have) wrong.push(`${key} (${p.zone}) sees "${label}" (${iso(t)}, local ${localParts(t, p.zone).wall}) in ${have}, expected ${want}`);
		}
	}
	assert.deepEqual(wrong, []);
	// the fixture really puts some instant in different days for different users
	const differ = [...instants.values()].some((t) => new Set(Object.values(people).map((p) => expectedBucket(t, p.zone, Date.now()))).size > 1);
	assert.ok(differ, 'fixture: some instant falls on different local days for different users');
});

test('reminders_leave_out_done_cancelled_and_deleted_activities', async () => {
	const p = people.waw;
	const tomorrow = addDays(localDate(Date.now(), p.zone), 1);
	const t = iso(localTime(tomorrow, 10, 0, p.zone));
	const keep = await activity({ subject: uniq('Otwarte '), starts_at: t, assignee_id: p.id });
	const done = await activity({ subject: uniq('Zrobione '), starts_at: t, assignee_id: p.id });
	const cancelled = await activity({ subject: uniq('Odwołane '), starts_at: t, assignee_id: p.id });
	const deleted = await activity({ subject: uniq('Usunięte '), starts_at: t, assignee_id: p.id });
	const pastDone = await activity({ subject: uniq('Dawno zrobione '), starts_at: iso(Date.now() - 7200000), assignee_id: p.id });
	await setStatus(done.id, 'done');
	await setStatus(cancelled.id, 'cancelled');
	await setStatus(pastDone.id, 'done');
	expectStatus(await admin.del(`/api/activities/${deleted.id}`), 204);
	const r = await reminders(p.client, p.zone);
	const all = BUCKETS.flatMap((b) => r.body[b]);
	const seen = new Set(all.filter((x) => x.type !== 'inquiry').map((x) => x.id));
	assert.ok(seen.has(keep.id));
	for (const x of [done, cancelled, deleted, pastDone]) assert.ok(!seen.has(x.id), `${x.subject} must not be reminded`);
	// "tomorrow" as of the request (today, had Warsaw's midnight passed since t was chosen)
	const bucket = expectedBucket(Date.parse(t), p.zone, r.asked);
	assert.ok(r.body[bucket].some((x) => x.id === keep.id && x.type === 'activity'), `in ${bucket}`);
	// an overdue one stays until done
	const late = await activity({ subject: uniq('Spóźnione '), starts_at: iso(Date.now() - 26 * 3600000), assignee_id: p.id });
	let rr = await p.client.get('/api/reminders');
	assert.ok(rr.body.overdue.some((x) => x.id === late.id));
	await setStatus(late.id, 'done');
	rr = await p.client.get('/api/reminders');
	assert.ok(!BUCKETS.some((b) => rr.body[b].some((x) => x.type !== 'inquiry' && x.id === late.id)));
});

test('reminders_carry_the_clients_name_and_phone', async () => {
	const p = people.waw;
	const c = await p.client.post('/api/contacts', { first_name: 'Zofia', last_name: 'Przypomniana', phone: '+48 601 111 222' });
	expectStatus(c, 201);
	const a = await activity({ kind: 'call', subject: uniq('Zadzwonić '), starts_at: iso(Date.now() + 20 * 60000), assignee_id: p.id, contact_id: c.body.id });
	const r = await p.client.get('/api/reminders');
	const all = BUCKETS.flatMap((b) => r.body[b]);
	const item = all.find((x) => x.type === 'activity' && x.id === a.id);
	assert.ok(item, r.text);
	assert.equal(item.contact_id, c.body.id);
	assert.match(JSON.stringify(item), /Zofia/);
	assert.match(JSON.stringify(item), /601111222/);
});

test('reminders_include_open_inquiries_by_planned_close_date_in_local_days', async () => {
	for (const key of ['waw', 'tyo', 'nyc']) {
		const p = people[key];
		const today = localDate(Date.now(), p.zone);
		const made = {};
		for (const [label, d] of [['overdue', addDays(today, -1)], ['today', today], ['tomorrow', addDays(today, 1)],
			['day_after', addDays(today, 2)], ['later', addDays(today, 3)]]) {
			const r = await p.client.post('/api/inquiries', { title: uniq(`Zapytanie ${label} `), planned_close_date: d });
			expectStatus(r, 201);
			made[label] = r.body;
		}
		const won = await p.client.post('/api/inquiries', { title: uniq('Wygrane '), planned_close_date: today });
		expectStatus(won, 201);
		const w = await p.client.patch(`/api/inquiries/${won.body.id}`, { status_id: 4, version: won.body.version });
		expectStatus(w, 200);
		assert.equal(w.body.outcome, 'won');
		const r = await p.client.get('/api/reminders');
		expectStatus(r, 200);
		if (localDate(Date.now(), p.zone) !== today) continue; // local midnight passed meanwhile
		for (const b of BUCKETS) {
			const inq = r.body[b].filter((x) => x.type === 'inquiry').map((x) => x.id);
			assert.ok(inq.includes(made[b].id), `${key}: inquiry planned for ${made[b].planned_close_date} in ${b}: ${JSON.stringify(r.body[b])}`);
			assert.ok(!inq.includes(made.later.id), `${key}: an inquiry in three days is not reminded`);
			assert.ok(!inq.includes(won.body.id), `${key}: a won inquiry is not reminded`);
		}
	}
});

test('calendar_range_is_required_and_bounded', async () => {
	const c = people.waw.client;
	const from = '2030-02-01T00:00:00Z';
	for (const q of ['', `?from=${from}`, `?to=${from}`, '?from=jutro&to=2030-02-02T00:00:00Z', `?from=${from}&to=2030-02-32T00:00:00Z`,
		`?from=${from}&to=${from}`, `?from=2030-02-02T00:00:00Z&to=${from}`, `?from=${from}&to=2030-04-05T00:00:00Z`,
		`?from=${from}&to=2030-04-05T00:00:00Z&user_id=${people.waw.id}`, `?from=${from}&to=2030-02-02T00:00:00Z&user_id=abc`,
		`?from=${from}&to=2030-02-02T00:00:00Z&colour=red`]) {
		const r = await c.get(`/api/calendar${q}`);
		assert.equal(r.status, 400, `GET /api/calendar${q}: ${r.status} ${r.text}`);
		expectError(r, 400, null);
	}
	// 62 days is the longest range
	expectStatus(await c.get(`/api/calendar?from=${from}&to=2030-04-04T00:00:00Z`), 200);
	const r = await c.get(`/api/calendar?from=${from}&to=2030-04-04T00:00:01Z`);
	expectError(r, 400, null);
	assert.ok(r.body.error.fields && typeof r.body.error.fields.to === 'string', r.text);
});

test('calendar_returns_activities_overlapping_the_range', async () => {
	const p = await person('Europe/Warsaw', null);
	const mk = (start, minutes, extra = {}) => activity({ starts_at: start, duration_min: minutes, assignee_id: p.id, ...extra });
	const A = await mk('2030-02-04T08:00:00Z', 120); // starts before, ends inside
	const B = await mk('2030-02-04T07:00:00Z', 120); // ends exactly at from
	const C = await mk('2030-02-04T09:00:00Z', 30); // inside
	const D = await mk('2030-02-04T11:59:00Z', 31); // starts just before to
	const E = await mk('2030-02-04T12:00:00Z', 60); // starts at to
	const F = await mk('2030-02-04T06:00:00Z', 30); // before
	const G = await mk('2030-02-03T12:00:00Z', 48 * 60); // spans the whole range
	const H = await mk('2030-02-04T09:00:00Z', 0); // an instant at from
	const J = await mk('2030-02-04T10:30:00Z', 30); // done: still in the calendar
	await setStatus(J.id, 'done');
	const from = Date.parse('2030-02-04T09:00:00Z'), to = Date.parse('2030-02-04T12:00:00Z');
	const want = ids([A, C, D, G, H, J]);
	assert.deepEqual(ids(await calendar(p.client, from, to)), want, 'my own calendar');
	assert.deepEqual(ids(await calendar(admin, from, to, `&user_id=${p.id}`)), want, "another user's calendar by user_id");
	assert.deepEqual(ids(await calendar(admin, from, to)), [], "the admin's own calendar holds none of them");
	for (const x of [B, E, F]) assert.ok(!want.includes(x.id));
	const item = (await calendar(p.client, from, to)).find((x) => x.id === A.id);
	assert.equal(item.starts_at, '2030-02-04T08:00:00Z');
	assert.equal(item.ends_at, '2030-02-04T10:00:00Z');
	assert.equal(item.subject, A.subject);
});

test('calendar_of_a_department', async () => {
	const d = await admin.post('/api/departments', { name: uniq('Wrocław ') });
	expectStatus(d, 201);
	const u1 = await person('Europe/Warsaw', d.body.id);
	const u2 = await person('Europe/Warsaw', d.body.id);
	const outsider = await person('Europe/Warsaw', null);
	const a1 = await activity({ starts_at: '2030-03-05T09:00:00Z', duration_min: 60, assignee_id: u1.id });
	const a2 = await activity({ starts_at: '2030-03-06T09:00:00Z', duration_min: 60, assignee_id: u2.id });
	const a3 = await activity({ starts_at: '2030-03-06T10:00:00Z', duration_min: 60, assignee_id: outsider.id });
	const a4 = await activity({ starts_at: '2030-03-20T10:00:00Z', duration_min: 60, assignee_id: u1.id });
	const from = Date.parse('2030-03-04T00:00:00Z'), to = Date.parse('2030-03-11T00:00:00Z');
	const got = ids(await calendar(admin, from, to, `&department_id=${d.body.id}`));
	assert.deepEqual(got, ids([a1, a2]));
	assert.ok(!got.includes(a3.id) && !got.includes(a4.id));
	assert.deepEqual(ids(await calendar(u1.client, from, to, `&department_id=${d.body.id}`)), ids([a1, a2]), 'a team member sees the team');
	const none = await admin.get(`/api/calendar?from=${iso(from)}&to=${iso(to)}&department_id=99999`);
	assert.ok([400, 404].includes(none.status), `an unknown department: ${none.status} ${none.text}`);
});

test('calendar_moving_an_activity_is_a_patch_of_starts_at', async () => {
	const p = await person('Europe/Warsaw', null);
	const a = await activity({ kind: 'meeting', starts_at: '2030-05-06T09:00:00Z', duration_min: 90, assignee_id: p.id });
	const week1 = [Date.parse('2030-05-06T00:00:00Z'), Date.parse('2030-05-13T00:00:00Z')];
	const week2 = [Date.parse('2030-05-13T00:00:00Z'), Date.parse('2030-05-20T00:00:00Z')];
	assert.deepEqual(ids(await calendar(p.client, ...week1)), [a.id]);
	const r = await p.client.patch(`/api/activities/${a.id}`, { starts_at: '2030-05-14T13:00:00Z', version: a.version });
	expectStatus(r, 200);
	assert.equal(r.body.ends_at, '2030-05-14T14:30:00Z', 'the end moves with the start');
	assert.deepEqual(ids(await calendar(p.client, ...week1)), []);
	const moved = await calendar(p.client, ...week2);
	assert.deepEqual(ids(moved), [a.id]);
	assert.equal(moved[0].starts_at, '2030-05-14T13:00:00Z');
	assert.equal(moved[0].duration_min, 90);
});

test('calendar_local_day_across_spring_forward_has_23_hours', async () => {
	const p = await person('Europe/Warsaw', null);
	const z = p.zone;
	const from = dayStart('2027-03-28', z), to = dayStart('2027-03-29', z);
	assert.equal(to - from, 23 * 3600000, 'fixture: 28 March 2027 is 23 hours long in Warsaw');
	assert.equal(iso(from), '2027-03-27T23:00:00Z');
	const inside = [
		await activity({ starts_at: iso(localTime('2027-03-28', 0, 30, z)), duration_min: 30, assignee_id: p.id }),
		await activity({ starts_at: iso(localTime('2027-03-28', 1, 59, z)), duration_min: 30, assignee_id: p.id }),
		await activity({ starts_at: iso(localTime('2027-03-28', 3, 0, z)), duration_min: 30, assignee_id: p.id }),
		await activity({ starts_at: iso(localTime('2027-03-28', 23, 30, z)), duration_min: 20, assignee_id: p.id }),
	];
	assert.equal(inside[2].starts_at, '2027-03-28T01:00:00Z', '03:00 CEST is 01:00 UTC');
	assert.equal(localParts(Date.parse(inside[1].starts_at), z).hour, 1);
	const outside = [
		await activity({ starts_at: iso(localTime('2027-03-27', 23, 30, z)), duration_min: 20, assignee_id: p.id }),
		await activity({ starts_at: iso(localTime('2027-03-29', 0, 0, z)), duration_min: 20, assignee_id: p.id }),
	];
	const got = ids(await calendar(p.client, from, to));
	assert.deepEqual(got, ids(inside));
	for (const o of outside) assert.ok(!got.includes(o.id));
});

test('calendar_local_day_across_fall_back_has_25_hours', async () => {
	const p = await person('Europe/Warsaw', null);
	const z = p.zone;
	const from = dayStart('2027-10-31', z), to = dayStart('2027-11-01', z);
	assert.equal(to - from, 25 * 3600000, 'fixture: 31 October 2027 is 25 hours long in Warsaw');
	// 02:30 local happens twice: at 00:30Z (CEST) and 01:30Z (CET)
	const inside = [
		await activity({ starts_at: '2027-10-31T00:30:00Z', duration_min: 10, assignee_id: p.id }),
		await activity({ starts_at: '2027-10-31T01:30:00Z', duration_min: 10, assignee_id: p.id }),
		await activity({ starts_at: iso(localTime('2027-10-31', 23, 50, z)), duration_min: 5, assignee_id: p.id }),
	];
	assert.equal(inside[2].starts_at, '2027-10-31T22:50:00Z');
	const outside = await activity({ starts_at: iso(localTime('2027-11-01', 0, 10, z)), duration_min: 5, assignee_id: p.id });
	const got = ids(await calendar(p.client, from, to));
	assert.deepEqual(got, ids(inside));
	assert.ok(!got.includes(outside.id));
});

test('fields_slims_reminders_calendar_and_lists_to_what_the_screen_needs', async () => {
	const p = people.waw;
	const c = await p.client.post('/api/contacts', { first_name: 'Ala', last_name: uniq('Wąska'), phone: '+48 602 333 444' });
	expectStatus(c, 201);
	const a = await activity({ kind: 'call', subject: uniq('Krótko '), starts_at: iso(Date.now() + 30 * 60000), assignee_id: p.id, contact_id: c.body.id });
	const fields = 'subject,starts_at,contact_id,status';
	const slim = (x) => assert.deepEqual(Object.keys(x).filter((k) => !['contact', 'type'].includes(k)).sort(),
		['contact_id', 'id', 'starts_at', 'status', 'subject', 'version'], JSON.stringify(x));

	const r = expectStatus(await p.client.get(`/api/reminders?fields=${fields}`), 200, 'reminders');
	const item = BUCKETS.flatMap((b) => r[b]).find((x) => x.type === 'activity' && x.id === a.id);
	slim(item);
	assert.deepEqual(item.contact, { id: c.body.id, name: `Ala ${c.body.last_name}`, phone: '+48602333444' }, 'joined conveniences stay');
	assert.equal(item.subject, a.subject);

	const from = iso(Date.now() - 3600000), to = iso(Date.now() + 86400000);
	const cal = expectStatus(await p.client.get(`/api/calendar?from=${from}&to=${to}&fields=${fields}`), 200, 'calendar');
	slim(cal.items.find((x) => x.id === a.id));

	// A list keeps its sort column, so its cursor still works.
	const l1 = expectStatus(await p.client.get(`/api/activities?fields=subject&sort=starts_at&limit=1&assignee_id=${p.id}`), 200, 'list');
	assert.deepEqual(Object.keys(l1.items[0]).filter((k) => k !== 'contact').sort(), ['id', 'starts_at', 'subject', 'version']);
	if (l1.next_cursor) {
		const l2 = expectStatus(await p.client.get(`/api/activities?fields=subject&sort=starts_at&limit=1&assignee_id=${p.id}&cursor=${encodeURIComponent(l1.next_cursor)}`), 200, 'page 2');
		assert.notEqual(l2.items[0]?.id, l1.items[0].id);
	}

	for (const q of ['fields=password_hash', 'fields=subject,nope', 'fields=', 'fields=subject,,status', "fields=subject';DROP TABLE activities--"]) {
		expectError(await p.client.get(`/api/reminders?${q}`), 400, null, ['fields']);
		expectError(await p.client.get(`/api/calendar?from=${from}&to=${to}&${q}`), 400, null, ['fields']);
		expectError(await p.client.get(`/api/activities?${q}`), 400, null, ['fields']);
	}
	expectError(await p.client.get('/api/reminders?colour=red'), 400, null, ['colour']);

	// The inquiries of the panel have fields of their own.
	const inq = await p.client.post('/api/inquiries', { title: uniq('Krótkie zapytanie '), planned_close_date: localDate(Date.now(), p.zone), contact_id: c.body.id });
	expectStatus(inq, 201);
	const ri = expectStatus(await p.client.get(`/api/reminders?fields=${fields}&inquiry_fields=title,planned_close_date,contact_id`), 200, 'inquiry_fields');
	const it = BUCKETS.flatMap((b) => ri[b]).find((x) => x.type === 'inquiry' && x.id === inq.body.id);
	assert.ok(it, JSON.stringify(ri));
	assert.deepEqual(Object.keys(it).filter((k) => !['contact', 'type'].includes(k)).sort(),
		['contact_id', 'id', 'planned_close_date', 'title', 'version']);
	assert.equal(it.contact.name, `Ala ${c.body.last_name}`);
	expectError(await p.client.get('/api/reminders?inquiry_fields=subject'), 400, null, ['inquiry_fields']);
});
