// procedures and the iCalendar feed: service procedures (templates of
// steps, admins only) applied to a client as a main task with dated
// subtasks at 09:00 in the assignee's zone; a secret per-user feed URL
// serving the user's activities as RFC 5545, parsed back here; a new URL
// revokes the old.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';
import { addDays, iso, localTime } from './lib/tz.mjs';

let srv, admin, manager, agent, agent2, agent3, nyc;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
	agent2 = await srv.session('agent2');
	agent3 = await srv.session('agent3');
	const login = uniq('nyc');
	const dep = agent.user.department_id;
	const r = await admin.post('/api/users', { login, password: 'password-123', role: 'agent', time_zone: 'America/New_York', department_id: dep });
	expectStatus(r, 201);
	nyc = { id: r.body.id, zone: 'America/New_York' };
});
after(async () => {
	await srv?.stop();
});

const STEPS = [
	{ subject: 'Telefon powitalny', kind: 'call', day_offset: 0, duration_min: 15 },
	{ subject: 'Wysłać umowę', kind: 'email', day_offset: 1, duration_min: 10 },
	{ subject: 'Spotkanie podsumowujące', kind: 'meeting', day_offset: 3, duration_min: 60 },
];

async function procedure(steps = STEPS, name = uniq('Obsługa nowego klienta ')) {
	const r = await admin.post('/api/procedures', { name, steps });
	expectStatus(r, 201, 'POST /api/procedures');
	return r.body;
}

async function contact(client = agent) {
	const r = await client.post('/api/contacts', { first_name: 'Piotr', last_name: uniq('Procedura') });
	expectStatus(r, 201);
	return r.body;
}

test('procedures_admin_creates_a_template_of_steps', async () => {
	const p = await procedure();
	assert.deepEqual(p.steps, STEPS);
	assert.match(p.name, /^Obsługa/);
	const g = await agent.get(`/api/procedures/${p.id}`);
	expectStatus(g, 200, 'everyone reads procedures');
	assert.deepEqual(g.body, p);
	const list = await agent.get('/api/procedures');
	assert.ok(list.body.items.some((x) => x.id === p.id));
	const u = await admin.patch(`/api/procedures/${p.id}`, { steps: STEPS.slice(0, 1), version: p.version });
	expectStatus(u, 200);
	assert.equal(u.body.steps.length, 1);
});

test('procedures_bad_steps_are_422', async () => {
	const before = (await admin.get('/api/procedures?limit=500')).body.items.length;
	const bad = [
		undefined, [], 'krok', {}, [{}], [{ kind: 'call', day_offset: 0 }], [{ subject: '', kind: 'call', day_offset: 0 }],
		[{ subject: 'X', kind: 'fax', day_offset: 0 }], [{ subject: 'X', day_offset: 0 }], [{ subject: 'X', kind: 'call', day_offset: -1 }],
		[{ subject: 'X', kind: 'call', day_offset: 'jutro' }], [{ subject: 'X', kind: 'call', day_offset: 1.5 }], [{ subject: 'X', kind: 'call' }],
		[{ subject: 'X', kind: 'call', day_offset: 0, duration_min: -5 }], [{ subject: 'X', kind: 'call', day_offset: 0, duration_min: 'dużo' }],
		[{ subject: 'X', kind: 'call', day_offset: 0, colour: 'red' }], [STEPS[0], 'krok'], [{ subject: 'x'.repeat(301), kind: 'task', day_offset: 0 }],
	];
	for (const steps of bad) {
		const r = await admin.post('/api/procedures', { name: 'Zła procedura', steps });
		expectError(r, 422, 'validation_failed', ['steps']);
	}
	expectError(await admin.post('/api/procedures', { steps: STEPS }), 422, 'validation_failed', ['name']);
	assert.equal((await admin.get('/api/procedures?limit=500')).body.items.length, before);
});

test('procedures_only_admins_write_them', async () => {
	const p = await procedure();
	for (const c of [agent, manager]) {
		expectError(await c.post('/api/procedures', { name: 'Moja', steps: STEPS }), 403, 'forbidden');
		expectError(await c.patch(`/api/procedures/${p.id}`, { name: 'Zmiana', version: p.version }), 403, 'forbidden');
		expectError(await c.del(`/api/procedures/${p.id}`), 403, 'forbidden');
	}
	expectStatus(await admin.get(`/api/procedures/${p.id}`), 200);
});

test('procedures_apply_creates_a_main_task_with_dated_subtasks', async () => {
	const p = await procedure();
	const c = await contact();
	const r = await agent.post(`/api/procedures/${p.id}/apply`, { contact_id: c.id, start_date: '2030-09-02' });
	expectStatus(r, 201);
	const { main, subtasks } = r.body;
	assert.equal(main.kind, 'task');
	assert.equal(main.subject, p.name);
	assert.equal(main.contact_id, c.id);
	assert.equal(main.assignee_id, agent.user.id);
	assert.equal(main.parent_id, null);
	assert.equal(main.status, 'planned');
	assert.equal(subtasks.length, STEPS.length);
	STEPS.forEach((s, i) => {
		const t = subtasks[i];
		assert.equal(t.subject, s.subject);
		assert.equal(t.kind, s.kind);
		assert.equal(t.parent_id, main.id);
		assert.equal(t.contact_id, c.id);
		assert.equal(t.assignee_id, agent.user.id);
		assert.equal(t.duration_min, s.duration_min);
		assert.equal(t.status, 'planned');
		assert.equal(t.starts_at, iso(localTime(addDays('2030-09-02', s.day_offset), 9, 0, 'Europe/Warsaw')), `step ${i}`);
	});
	assert.equal(subtasks[0].starts_at, '2030-09-02T07:00:00Z', '09:00 CEST');
	const th = await agent.get(`/api/activities/${main.id}/thread`);
	expectStatus(th, 200);
	assert.deepEqual(th.body.subtasks.map((x) => x.id).sort((a, b) => a - b), subtasks.map((x) => x.id).sort((a, b) => a - b));
	const mine = await agent.get(`/api/activities?contact_id=${c.id}&limit=500`);
	assert.equal(mine.body.items.length, 1 + STEPS.length);
});

test('procedures_apply_dates_are_09_00_in_the_assignees_zone_across_dst', async () => {
	const steps = [0, 1, 2, 3].map((d) => ({ subject: `Dzień ${d}`, kind: 'task', day_offset: d, duration_min: 30 }));
	const p = await procedure(steps);
	const c = await contact();
	// New York springs forward on 14 March 2027; Warsaw on 28 March 2027
	const r = await agent.post(`/api/procedures/${p.id}/apply`, { contact_id: c.id, start_date: '2027-03-13', assignee_id: nyc.id });
	expectStatus(r, 201);
	assert.equal(r.body.main.assignee_id, nyc.id);
	const got = r.body.subtasks.map((t) => t.starts_at);
	assert.deepEqual(got, ['2027-03-13T14:00:00Z', '2027-03-14T13:00:00Z', '2027-03-15T13:00:00Z', '2027-03-16T13:00:00Z']);
	const r2 = await agent.post(`/api/procedures/${p.id}/apply`, { contact_id: c.id, start_date: '2027-03-27' });
	expectStatus(r2, 201);
	assert.deepEqual(r2.body.subtasks.map((t) => t.starts_at), ['2027-03-27T08:00:00Z', '2027-03-28T07:00:00Z', '2027-03-29T07:00:00Z', '2027-03-30T07:00:00Z']);
});

test('procedures_apply_bad_input_writes_nothing', async () => {
	const p = await procedure();
	const c = await contact();
	const count = async () => (await admin.get('/api/activities?limit=500')).body.items.length;
	const n = await count();
	const cases = [
		[{ start_date: '2030-09-02' }, 'contact_id'],
		[{ contact_id: c.id }, 'start_date'],
		[{ contact_id: c.id, start_date: '2030-02-30' }, 'start_date'],
		[{ contact_id: c.id, start_date: '02.09.2030' }, 'start_date'],
		[{ contact_id: 99999999, start_date: '2030-09-02' }, 'contact_id'],
		[{ contact_id: c.id, start_date: '2030-09-02', assignee_id: 99999999 }, 'assignee_id'],
		[{ contact_id: c.id, start_date: '2030-09-02', assignee_id: agent3.user.id }, 'assignee_id'],
	];
	const wrong = [];
	for (const [body, field] of cases) {
		const r = await agent.post(`/api/procedures/${p.id}/apply`, body);
		if (r.status !== 422 || !r.body?.error?.fields || !Object.keys(r.body.error.fields).some((k) => k === field || k.endsWith(field)))
			wrong.push(`${JSON.stringify(body)}: ${r.status} ${r.text.slice(0, 200)}`);
	}
	assert.deepEqual(wrong, []);
	expectError(await agent.post('/api/procedures/99999999/apply', { contact_id: c.id, start_date: '2030-09-02' }), 404);
	assert.equal(await count(), n, 'nothing written');
});

/* parseICal: RFC 5545 lines unfolded; components as {type, props:
 * [{name, params, value}], children}. */
function parseICal(text) {
	assert.ok(!/[^\r]\n/.test(text) && !/^\n/.test(text), 'lines end with CRLF');
	const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l.length);
	const root = { type: null, props: [], children: [] };
	const stack = [root];
	for (const line of lines) {
		const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
		assert.ok(colon > 0, `a content line: ${line}`);
		const [name, ...params] = line.slice(0, colon).split(';');
		const value = line.slice(colon + 1);
		const top = stack[stack.length - 1];
		if (name.toUpperCase() === 'BEGIN') {
			const c = { type: value.toUpperCase(), props: [], children: [] };
			top.children.push(c);
			stack.push(c);
		} else if (name.toUpperCase() === 'END') {
			assert.equal(value.toUpperCase(), top.type, 'BEGIN/END match');
			stack.pop();
		} else {
			top.props.push({ name: name.toUpperCase(), params, value });
		}
	}
	assert.equal(stack.length, 1, 'every BEGIN has its END');
	return root.children;
}

const prop = (c, name) => c.props.find((p) => p.name === name)?.value;
const unescape = (v) => v.replace(/\\([\\;,nN])/g, (_, ch) => (ch === 'n' || ch === 'N' ? '\n' : ch));
/* icalTime: 20301104T090000Z -> ms */
function icalTime(v) {
	const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(v);
	assert.ok(m, `a UTC date-time: ${v}`);
	return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

async function feedUrl(client) {
	const r = await client.post('/api/me/ical');
	assert.ok(r.status === 201 || r.status === 200, `POST /api/me/ical: ${r.status} ${r.text}`);
	assert.match(r.body.url, /^\/ical\/[A-Za-z0-9_-]{16,}\.ics$/);
	return r.body.url;
}

async function fetchFeed(url) {
	return srv.raw('GET', url, { auth: false });
}

test('ical_feed_lists_the_users_activities_as_rfc5545', async () => {
	const c = await agent2.post('/api/contacts', { first_name: 'Ewa', last_name: 'Kalendarzowa', phone: '601 300 400' });
	const start = Date.now() + 3 * 86400000;
	const long = 'Spotkanie z klientem w sprawie wyjazdu do Zakopanego, pokój 2; ważne: przygotować ofertę ' + 'ż'.repeat(40);
	const mk = async (fields) => {
		const r = await agent2.post('/api/activities', { kind: 'meeting', subject: uniq('Wydarzenie '), duration_min: 30, ...fields });
		expectStatus(r, 201);
		return r.body;
	};
	const a1 = await mk({ subject: long, starts_at: iso(start), contact_id: c.body.id, place: 'Biuro, ul. Długa 1' });
	const a2 = await mk({ kind: 'call', starts_at: iso(start + 86400000), duration_min: 0 });
	const a3 = await mk({ kind: 'task', starts_at: iso(Date.now() - 5 * 86400000), status: 'done' });
	const foreign = await agent.post('/api/activities', { kind: 'task', subject: 'Cudze zadanie', starts_at: iso(start) });
	const url = await feedUrl(agent2);
	const r = await fetchFeed(url);
	expectStatus(r, 200, `GET ${url}`);
	assert.match(r.headers.get('content-type'), /^text\/calendar/);
	const text = r.text;
	assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'), text.slice(0, 80));
	for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `lines are folded at 75 octets: ${line}`);
	const [cal, ...rest] = parseICal(text);
	assert.equal(rest.length, 0);
	assert.equal(cal.type, 'VCALENDAR');
	assert.equal(prop(cal, 'VERSION'), '2.0');
	assert.ok(prop(cal, 'PRODID'));
	const events = cal.children.filter((x) => x.type === 'VEVENT');
	const uids = events.map((e) => prop(e, 'UID'));
	assert.equal(new Set(uids).size, uids.length, 'UIDs are unique');
	for (const e of events) {
		assert.ok(prop(e, 'UID') && prop(e, 'DTSTART') && prop(e, 'DTSTAMP'), 'UID, DTSTAMP and DTSTART on every event');
	}
	const bySummary = new Map(events.map((e) => [unescape(prop(e, 'SUMMARY') ?? ''), e]));
	for (const a of [a1, a2, a3]) {
		const e = bySummary.get(a.subject);
		assert.ok(e, `event for "${a.subject}" among ${[...bySummary.keys()].join(' | ')}`);
		assert.equal(icalTime(prop(e, 'DTSTART')), Date.parse(a.starts_at));
		if (a.duration_min > 0) assert.equal(icalTime(prop(e, 'DTEND')), Date.parse(a.ends_at));
	}
	assert.equal(unescape(prop(bySummary.get(a1.subject), 'LOCATION')), 'Biuro, ul. Długa 1');
	assert.ok(!bySummary.has('Cudze zadanie'), "another user's activity is not in my feed");
	assert.ok(foreign.status === 201);
	// the feed follows changes
	const moved = await agent2.patch(`/api/activities/${a2.id}`, { starts_at: iso(start + 2 * 86400000), version: a2.version });
	expectStatus(moved, 200);
	const again = parseICal((await fetchFeed(url)).text)[0].children.filter((x) => x.type === 'VEVENT');
	const e2 = again.find((e) => unescape(prop(e, 'SUMMARY')) === a2.subject);
	assert.equal(icalTime(prop(e2, 'DTSTART')), Date.parse(moved.body.starts_at));
	assert.equal(prop(e2, 'UID'), prop(bySummary.get(a2.subject), 'UID'), 'the UID stays when the event moves');
});

test('ical_a_new_url_revokes_the_old_one', async () => {
	const u1 = await feedUrl(agent);
	expectStatus(await fetchFeed(u1), 200);
	const u2 = await feedUrl(agent);
	assert.notEqual(u1, u2);
	expectStatus(await fetchFeed(u2), 200);
	const old = await fetchFeed(u1);
	assert.equal(old.status, 404, `the old URL stops working: ${old.status}`);
	// another user's URL is independent
	const other = await feedUrl(manager);
	expectStatus(await fetchFeed(other), 200);
	expectStatus(await fetchFeed(u2), 200);
});

test('ical_feed_needs_no_login_and_unknown_tokens_are_404', async () => {
	const u = await feedUrl(agent3);
	const r = await fetch(srv.url + u);
	assert.equal(r.status, 200);
	await r.text();
	const tok = u.slice('/ical/'.length, -'.ics'.length);
	const changed = tok.slice(0, -1) + (tok.endsWith('A') ? 'B' : 'A');
	for (const bad of ['/ical/nonexistenttoken0000000000000000.ics', '/ical/.ics', '/ical/x', `/ical/${tok}`, `/ical/${changed}.ics`, `/ical/${tok}.ics.ics`]) {
		const x = await fetch(srv.url + bad);
		assert.equal(x.status, 404, `${bad}: ${x.status}`);
		await x.text();
	}
	// the feed URL does not depend on a session: it works after logging out too
	const s = await srv.login('agent3');
	const u3 = await feedUrl(s);
	expectStatus(await s.del('/api/session'), 204);
	expectStatus(await fetchFeed(u3), 200);
});
