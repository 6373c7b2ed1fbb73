// visibility: the permission matrix of records with scopes.  Admins see
// everything; managers everything in their department and everything
// company-wide; agents what they created or handle, what is department-wide
// in their department, and what is company-wide.  A record the caller may
// not see does not exist for them (404 on read, update, delete, history;
// absent from lists, search, board counts, reports, timelines, calendars).
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq, pageAll } from './lib/harness.mjs';
import { addDays, iso, localDate, localTime } from './lib/tz.mjs';

let srv, admin;
const V = {}; // viewer name -> client: admin, M1, A1, A2, B1, M2
const VIEWERS = ['admin', 'M1', 'A1', 'A2', 'B1', 'M2'];
const ENTITIES = ['contacts', 'companies', 'activities', 'inquiries'];
let matrixStatus; // an inquiries status only the matrix's inquiries use
const records = []; // {entity, label, id, marker, seenBy: Set}

// Who sees a record of each author and visibility.
const SEEN_BY = {
	'A1 private': ['admin', 'M1', 'A1'],
	'A1 department': ['admin', 'M1', 'A1', 'A2'],
	'A1 company': VIEWERS,
	'B1 private': ['admin', 'B1', 'M2'],
	'B1 department': ['admin', 'B1', 'M2'],
};

const PATCHES = { contacts: { city: 'Sopot' }, companies: { city: 'Gdynia' }, activities: { note: 'Zmiana' }, inquiries: { value: 12300 } };

function payload(entity, marker, visibility) {
	switch (entity) {
	case 'contacts': return { last_name: marker, visibility };
	case 'companies': return { name: marker, visibility };
	case 'activities': return { kind: 'task', subject: marker, starts_at: iso(Date.now() + 30 * 3600000), visibility };
	default: return { title: marker, visibility, status_id: matrixStatus };
	}
}

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	V.admin = admin;
	V.M1 = await srv.session('manager');
	V.A1 = await srv.session('agent1');
	V.A2 = await srv.session('agent2');
	V.B1 = await srv.session('agent3');
	const login = uniq('kierownik');
	expectStatus(await admin.post('/api/users', { login, password: 'password-123', role: 'manager', department_id: V.B1.user.department_id }), 201);
	V.M2 = await srv.login(login, 'password-123');
	const st = await admin.post('/api/statuses', { entity: 'inquiries', name: 'Macierz', position: 5 });
	expectStatus(st, 201);
	matrixStatus = st.body.id;
	for (const entity of ENTITIES)
		for (const label of Object.keys(SEEN_BY)) {
			const [author, visibility] = label.split(' ');
			const marker = uniq(`Widoczność${entity.slice(0, 3)}`);
			const r = await V[author].post(`/api/${entity}`, payload(entity, marker, visibility));
			expectStatus(r, 201, `${author} creates ${entity} (${visibility})`);
			assert.equal(r.body.visibility, visibility);
			records.push({ entity, label, id: r.body.id, marker, seenBy: new Set(SEEN_BY[label]) });
		}
});
after(async () => {
	await srv?.stop();
});

/* check: runs every (record, viewer) case; returns the mismatches. */
async function matrix(fn) {
	const wrong = [];
	for (const rec of records)
		for (const v of VIEWERS) {
			const msg = await fn(rec, v, rec.seenBy.has(v));
			if (msg) wrong.push(`${rec.entity} "${rec.label}" as ${v}: ${msg}`);
		}
	return wrong;
}

test('visibility_get_by_id', async () => {
	const wrong = await matrix(async (rec, v, sees) => {
		const r = await V[v].get(`/api/${rec.entity}/${rec.id}`);
		const want = sees ? 200 : 404;
		return r.status === want ? null : `GET ${r.status}, expected ${want}`;
	});
	assert.deepEqual(wrong, []);
});

test('visibility_lists', async () => {
	const lists = {};
	for (const v of VIEWERS)
		for (const e of ENTITIES) lists[`${v} ${e}`] = new Set((await pageAll(V[v], `/api/${e}?limit=500`)).map((x) => x.id));
	const wrong = await matrix(async (rec, v, sees) => {
		const has = lists[`${v} ${rec.entity}`].has(rec.id);
		return has === sees ? null : `listed: ${has}, expected ${sees}`;
	});
	assert.deepEqual(wrong, []);
});

test('visibility_search', async () => {
	const wrong = await matrix(async (rec, v, sees) => {
		const r = await V[v].get(`/api/${rec.entity}?q=${encodeURIComponent(rec.marker)}&limit=500`);
		if (r.status !== 200) return `search ${r.status}`;
		const has = r.body.items.some((x) => x.id === rec.id);
		return has === sees ? null : `found by q=: ${has}, expected ${sees}`;
	});
	assert.deepEqual(wrong, []);
});

test('visibility_history', async () => {
	const wrong = await matrix(async (rec, v, sees) => {
		const r = await V[v].get(`/api/${rec.entity}/${rec.id}/history`);
		const want = sees ? 200 : 404;
		return r.status === want ? null : `history ${r.status}, expected ${want}`;
	});
	assert.deepEqual(wrong, []);
});

test('visibility_updates_and_deletes_of_unseen_records_are_404', async () => {
	const wrong = await matrix(async (rec, v, sees) => {
		const cur = (await admin.get(`/api/${rec.entity}/${rec.id}`)).body;
		const r = await V[v].patch(`/api/${rec.entity}/${rec.id}`, { ...PATCHES[rec.entity], version: cur.version });
		const want = sees ? 200 : 404;
		if (r.status !== want) return `PATCH ${r.status}, expected ${want}: ${r.text.slice(0, 150)}`;
		if (!sees) {
			const d = await V[v].del(`/api/${rec.entity}/${rec.id}`);
			if (d.status !== 404) return `DELETE ${d.status}, expected 404`;
			const still = await admin.get(`/api/${rec.entity}/${rec.id}`);
			if (still.status !== 200 || still.body.version !== cur.version) return 'changed by a refused request';
			if (r.body?.error?.code !== 'not_found') return `PATCH error code ${r.body?.error?.code}`;
		}
		return null;
	});
	assert.deepEqual(wrong, []);
});

test('visibility_board_counts_and_cards', async () => {
	const wrong = [];
	for (const v of VIEWERS) {
		const r = await V[v].get('/api/inquiries/board?cards=100');
		expectStatus(r, 200);
		const col = r.body.columns.find((c) => c.status.id === matrixStatus);
		const want = records.filter((x) => x.entity === 'inquiries' && x.seenBy.has(v));
		if (!col) {
			wrong.push(`${v}: no column`);
			continue;
		}
		if (col.count !== want.length) wrong.push(`${v}: count ${col.count}, expected ${want.length}`);
		const cards = col.cards.map((c) => c.id).sort((a, b) => a - b);
		const ids = want.map((x) => x.id).sort((a, b) => a - b);
		if (JSON.stringify(cards) !== JSON.stringify(ids)) wrong.push(`${v}: cards ${cards}, expected ${ids}`);
	}
	assert.deepEqual(wrong, []);
});

test('visibility_report_counts', async () => {
	const wrong = [];
	for (const v of VIEWERS) {
		const r = await V[v].get('/api/reports/inquiries?group_by=status');
		expectStatus(r, 200);
		const row = r.body.rows.find((x) => x.key === matrixStatus);
		const want = records.filter((x) => x.entity === 'inquiries' && x.seenBy.has(v)).length;
		if ((row?.count ?? 0) !== want) wrong.push(`${v}: report count ${row?.count ?? 0}, expected ${want}`);
		const csv = await V[v].get('/api/reports/inquiries?group_by=status&format=csv');
		const line = csv.text.split(/\r?\n/).find((l) => l.startsWith(`${matrixStatus},`));
		const n = line ? Number(line.split(',')[2]) : 0;
		if (n !== want) wrong.push(`${v}: CSV report count ${n}, expected ${want}`);
	}
	assert.deepEqual(wrong, []);
});

test('visibility_handing_an_inquiry_to_another_person', async () => {
	const r = await V.A1.post('/api/inquiries', { title: uniq('Przekazane '), visibility: 'private' });
	expectStatus(r, 201);
	const id = r.body.id;
	expectError(await V.A2.get(`/api/inquiries/${id}`), 404);
	const p = await V.A1.patch(`/api/inquiries/${id}`, { handler_id: V.A2.user.id, version: r.body.version });
	expectStatus(p, 200);
	assert.equal(p.body.handler_id, V.A2.user.id);
	expectStatus(await V.A2.get(`/api/inquiries/${id}`), 200, 'the new handler sees it');
	assert.ok((await pageAll(V.A2, '/api/inquiries?limit=500')).some((x) => x.id === id));
	expectStatus(await V.A2.patch(`/api/inquiries/${id}`, { value: 5000, version: p.body.version }), 200, 'and may work on it');
	expectStatus(await V.A1.get(`/api/inquiries/${id}`), 200, 'the creator still sees it');
	expectError(await V.B1.get(`/api/inquiries/${id}`), 404);
	expectStatus(await V.M1.get(`/api/inquiries/${id}`), 200);
	// handed to someone in Gdańsk: the record follows the handler's department
	const q = await V.M1.post('/api/inquiries', { title: uniq('Do Gdańska '), visibility: 'department', handler_id: V.B1.user.id });
	expectStatus(q, 201);
	expectStatus(await V.B1.get(`/api/inquiries/${q.body.id}`), 200);
	expectStatus(await V.M2.get(`/api/inquiries/${q.body.id}`), 200, "the handler's department sees it");
	expectError(await V.A2.get(`/api/inquiries/${q.body.id}`), 404, 'not_found');
});

// Found by fuzz_record: an update that took the record out of the editor's
// sight (handed to another department's person) was read back within the
// editor's scope, found missing, and rolled back as a 404.
test('visibility_handing_a_client_out_of_ones_own_sight', async () => {
	const c = await V.A1.post('/api/contacts', { last_name: uniq('Przekazywany '), visibility: 'department' });
	expectStatus(c, 201);
	const g = expectStatus(await V.M1.get(`/api/contacts/${c.body.id}`), 200);
	// An agent gives clients only within their department (tests/api/rights.test.mjs); a manager to anyone.
	expectError(await V.A2.patch(`/api/contacts/${c.body.id}`, { owner_id: V.B1.user.id, version: g.version }), 422, 'validation_failed', ['owner_id']);
	const p = await V.M1.patch(`/api/contacts/${c.body.id}`, { owner_id: V.B1.user.id, version: g.version });
	expectStatus(p, 200, 'the handover is written and answered');
	assert.equal(p.body.owner_id, V.B1.user.id);
	assert.equal(p.body.version, g.version + 1);
	expectError(await V.M1.get(`/api/contacts/${c.body.id}`), 404, 'not_found');
	expectError(await V.A2.get(`/api/contacts/${c.body.id}`), 404, 'not_found');
	expectStatus(await V.B1.get(`/api/contacts/${c.body.id}`), 200, 'the new owner sees it');
	expectStatus(await V.A1.get(`/api/contacts/${c.body.id}`), 200, 'the creator still sees it');
});

test('visibility_assignee_sees_a_private_activity_assigned_to_them', async () => {
	const r = await V.A1.post('/api/activities', { kind: 'call', subject: uniq('Dla kolegi '), starts_at: iso(Date.now() + 86400000), visibility: 'private', assignee_id: V.A2.user.id });
	expectStatus(r, 201);
	expectStatus(await V.A2.get(`/api/activities/${r.body.id}`), 200);
	expectError(await V.B1.get(`/api/activities/${r.body.id}`), 404);
});

test('visibility_links_to_records_the_caller_cannot_see_are_422', async () => {
	const hidden = records.find((x) => x.entity === 'contacts' && x.label === 'A1 private');
	const hiddenCo = records.find((x) => x.entity === 'companies' && x.label === 'A1 private');
	const hiddenInq = records.find((x) => x.entity === 'inquiries' && x.label === 'A1 private');
	const cases = [
		['/api/activities', { kind: 'call', subject: 'Do ukrytego', starts_at: iso(Date.now() + 3600000), contact_id: hidden.id }, 'contact_id'],
		['/api/activities', { kind: 'call', subject: 'Do ukrytej firmy', starts_at: iso(Date.now() + 3600000), company_id: hiddenCo.id }, 'company_id'],
		['/api/activities', { kind: 'call', subject: 'Do ukrytego zapytania', starts_at: iso(Date.now() + 3600000), inquiry_id: hiddenInq.id }, 'inquiry_id'],
		['/api/inquiries', { title: 'Dla ukrytego', contact_id: hidden.id }, 'contact_id'],
		['/api/notes', { body: 'Notatka do ukrytego', contact_id: hidden.id }, 'contact_id'],
		['/api/contacts', { last_name: 'Pracownik ukrytej', company_id: hiddenCo.id }, 'company_id'],
	];
	const wrong = [];
	for (const [path, body, field] of cases) {
		const r = await V.B1.post(path, body);
		if (r.status !== 422 || typeof r.body?.error?.fields?.[field] !== 'string') wrong.push(`POST ${path} ${field}: ${r.status} ${r.text.slice(0, 150)}`);
	}
	assert.deepEqual(wrong, []);
	const ok = await V.A2.post('/api/activities', { kind: 'call', subject: 'Do widocznego', starts_at: iso(Date.now() + 3600000), contact_id: records.find((x) => x.entity === 'contacts' && x.label === 'A1 department').id });
	expectStatus(ok, 201, 'a visible client may be linked');
});

test('visibility_timeline_of_a_visible_client_hides_unseen_activities', async () => {
	const c = await V.A1.post('/api/contacts', { last_name: uniq('Wspólny'), visibility: 'company' });
	expectStatus(c, 201);
	const mk = async (client, visibility, hoursAgo) => {
		const r = await client.post('/api/activities', { kind: 'task', subject: uniq(`Oś ${visibility} `), starts_at: iso(Date.now() - hoursAgo * 3600000), visibility, contact_id: c.body.id });
		expectStatus(r, 201);
		return r.body;
	};
	const priv = await mk(V.A1, 'private', 30); // overdue: would be pinned
	const dept = await mk(V.A1, 'department', 20);
	const comp = await mk(V.A2, 'company', 10);
	const note = await V.A1.post('/api/notes', { body: 'Notatka do klienta', contact_id: c.body.id });
	expectStatus(note, 201);
	const expect = { A1: [priv, dept, comp], M1: [priv, dept, comp], A2: [dept, comp], B1: [comp], M2: [comp], admin: [priv, dept, comp] };
	const wrong = [];
	for (const [v, want] of Object.entries(expect)) {
		const r = await V[v].get(`/api/contacts/${c.body.id}/timeline`);
		if (r.status !== 200) {
			wrong.push(`${v}: timeline ${r.status} ${r.text.slice(0, 120)}`);
			continue;
		}
		const ids = (xs) => xs.map((x) => x.id).sort((a, b) => a - b);
		const items = ids(r.body.items.filter((i) => i.type === 'activity').map((i) => i.record));
		if (JSON.stringify(items) !== JSON.stringify(ids(want))) wrong.push(`${v}: timeline activities ${items}, expected ${ids(want)}`);
		const pinned = ids(r.body.pinned.map((p) => p.record ?? p));
		if (JSON.stringify(pinned) !== JSON.stringify(ids(want))) wrong.push(`${v}: pinned ${pinned}, expected ${ids(want)}`);
		if (!r.body.items.some((i) => i.type === 'note')) wrong.push(`${v}: the note of a visible client is missing`);
	}
	assert.deepEqual(wrong, []);
});

test('visibility_calendar_of_another_user_hides_private_activities', async () => {
	const day = Date.parse('2031-03-04T00:00:00Z');
	const mine = {};
	for (const [k, visibility] of [['p', 'private'], ['d', 'department'], ['c', 'company']]) {
		const r = await V.A1.post('/api/activities', { kind: 'meeting', subject: uniq(`Kalendarz ${visibility} `), starts_at: iso(day + 10 * 3600000), duration_min: 60, visibility });
		expectStatus(r, 201);
		mine[k] = r.body.id;
	}
	const expect = { A1: ['p', 'd', 'c'], admin: ['p', 'd', 'c'], M1: ['p', 'd', 'c'], A2: ['d', 'c'], B1: ['c'], M2: ['c'] };
	const wrong = [];
	for (const [v, keys] of Object.entries(expect)) {
		const r = await V[v].get(`/api/calendar?from=${iso(day)}&to=${iso(day + 86400000)}&user_id=${V.A1.user.id}`);
		if (r.status !== 200) {
			wrong.push(`${v}: ${r.status}`);
			continue;
		}
		const got = r.body.items.map((x) => x.id).sort((a, b) => a - b);
		const want = keys.map((k) => mine[k]).sort((a, b) => a - b);
		if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${v} looking at A1's calendar: ${got}, expected ${want}`);
	}
	// by department, too
	const dep = V.A1.user.department_id;
	const r = await V.B1.get(`/api/calendar?from=${iso(day)}&to=${iso(day + 86400000)}&department_id=${dep}`);
	if (r.status === 200) {
		const got = r.body.items.map((x) => x.id);
		if (got.includes(mine.p) || got.includes(mine.d)) wrong.push(`B1 looking at Kraków's calendar sees ${got}, expected only ${mine.c}`);
	}
	assert.deepEqual(wrong, []);
});

test('visibility_reminders_of_the_owner_include_private_activities', async () => {
	const zone = V.A1.user.time_zone || 'Europe/Warsaw';
	const tomorrow = addDays(localDate(Date.now(), zone), 1);
	const r = await V.A1.post('/api/activities', { kind: 'call', subject: uniq('Prywatne przypomnienie '), starts_at: iso(localTime(tomorrow, 11, 0, zone)), visibility: 'private' });
	expectStatus(r, 201);
	const inq = await V.A1.post('/api/inquiries', { title: uniq('Prywatne zapytanie '), visibility: 'private', planned_close_date: tomorrow });
	expectStatus(inq, 201);
	// (asked again if a local midnight passed during the request)
	let rem, asked;
	for (let attempt = 0; attempt < 3; attempt++) {
		asked = Date.now();
		rem = await V.A1.get('/api/reminders');
		if (localDate(asked, zone) === localDate(Date.now(), zone)) break;
	}
	expectStatus(rem, 200);
	// "tomorrow" as of the request: today, had the local midnight passed since it was chosen
	const bucket = localDate(asked, zone) === tomorrow ? 'today' : 'tomorrow';
	assert.ok(rem.body[bucket].some((x) => x.type === 'activity' && x.id === r.body.id), `my private activity, in ${bucket}`);
	assert.ok(rem.body[bucket].some((x) => x.type === 'inquiry' && x.id === inq.body.id), `my private inquiry, in ${bucket}`);
	for (const v of ['A2', 'B1', 'M1']) {
		const o = await V[v].get('/api/reminders');
		const all = ['overdue', 'today', 'tomorrow', 'day_after'].flatMap((b) => o.body[b]);
		assert.ok(!all.some((x) => x.id === r.body.id && x.type === 'activity'), `${v} is not reminded of A1's activity`);
	}
});

test('visibility_manager_sees_private_records_of_their_department_only', async () => {
	for (const e of ENTITIES) {
		const a1p = records.find((x) => x.entity === e && x.label === 'A1 private');
		const b1p = records.find((x) => x.entity === e && x.label === 'B1 private');
		expectStatus(await V.M1.get(`/api/${e}/${a1p.id}`), 200, `M1 reads A1's private ${e}`);
		expectError(await V.M1.get(`/api/${e}/${b1p.id}`), 404, 'not_found');
		expectStatus(await V.M2.get(`/api/${e}/${b1p.id}`), 200, `M2 reads B1's private ${e}`);
		expectError(await V.M2.get(`/api/${e}/${a1p.id}`), 404, 'not_found');
	}
});
