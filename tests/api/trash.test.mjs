// delete & trash: deleting moves a record to the trash; it can be listed
// there and restored; history records both.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, agent, admin;

before(async () => {
	srv = await startServer();
	agent = await srv.session('agent2');
	admin = await srv.session('admin');
});
after(async () => {
	await srv?.stop();
});

test('trash_delete_then_get_404_and_list_omits', async () => {
	const city = uniq('Trash');
	const c = await agent.post('/api/contacts', { last_name: 'Do kosza', city });
	expectStatus(c, 201);
	const d = await agent.del(`/api/contacts/${c.body.id}`);
	expectStatus(d, 204);
	assert.equal(d.text, '');
	expectError(await agent.get(`/api/contacts/${c.body.id}`), 404, 'not_found');
	const l = await agent.get(`/api/contacts?city=${city}`);
	assert.deepEqual(l.body.items, []);
	const t = await agent.get(`/api/contacts?city=${city}&trash=1`);
	assert.deepEqual(t.body.items.map((x) => x.id), [c.body.id]);
	assert.equal(t.body.items[0].last_name, 'Do kosza');
});

test('trash_restore_brings_it_back', async () => {
	const city = uniq('Restore');
	const c = await agent.post('/api/contacts', { last_name: 'Wraca', city, phone: '601 000 111' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	const r = await agent.post(`/api/contacts/${c.body.id}/restore`);
	expectStatus(r, 200);
	assert.equal(r.body.id, c.body.id);
	assert.equal(r.body.last_name, 'Wraca');
	assert.equal(r.body.phone, '+48601000111');
	assert.equal(r.body.deleted_at, undefined);
	assert.ok(r.body.version > c.body.version, 'the version moves on');
	const g = await agent.get(`/api/contacts/${c.body.id}`);
	expectStatus(g, 200);
	assert.deepEqual((await agent.get(`/api/contacts?city=${city}`)).body.items.map((x) => x.id), [c.body.id]);
	assert.deepEqual((await agent.get(`/api/contacts?city=${city}&trash=1`)).body.items, []);
	// and it can be edited with its new version
	expectStatus(await agent.patch(`/api/contacts/${c.body.id}`, { city: 'Po powrocie', version: r.body.version }), 200);
});

test('trash_deleting_twice_is_404', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Dwa razy' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	expectError(await agent.del(`/api/contacts/${c.body.id}`), 404, 'not_found');
	expectError(await agent.del('/api/contacts/987654'), 404, 'not_found');
});

test('trash_restoring_a_live_record_is_404', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Żywy' });
	const r = await agent.post(`/api/contacts/${c.body.id}/restore`);
	expectError(r, 404, 'not_found');
	expectError(await agent.post('/api/contacts/987654/restore'), 404, 'not_found');
	assert.equal((await agent.get(`/api/contacts/${c.body.id}`)).body.version, 1);
});

test('trash_history_shows_delete_and_restore', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Historia kosza' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	// history of a deleted record is still readable
	const mid = await agent.get(`/api/contacts/${c.body.id}/history`);
	expectStatus(mid, 200);
	assert.deepEqual(mid.body.items.map((x) => x.action), ['delete', 'create']);
	expectStatus(await admin.post(`/api/contacts/${c.body.id}/restore`), 200);
	const h = await agent.get(`/api/contacts/${c.body.id}/history`);
	assert.deepEqual(h.body.items.map((x) => x.action), ['restore', 'delete', 'create']);
	assert.equal(h.body.items[0].user_id, admin.user.id);
	assert.equal(h.body.items[1].user_id, agent.user.id);
});

test('trash_deleted_record_shows_deleted_at_in_trash', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Kiedy', city: uniq('Kiedy') });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	const t = await agent.get(`/api/contacts?city=${c.body.city}&trash=1`);
	assert.match(t.body.items[0].deleted_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('trash_restore_needs_csrf', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'CSRF' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	expectError(await agent.post(`/api/contacts/${c.body.id}/restore`, undefined, { csrf: false }), 403, 'csrf_failed');
	expectError(await agent.get(`/api/contacts/${c.body.id}`), 404);
});

test('trash_companies_delete_and_restore', async () => {
	const co = await agent.post('/api/companies', { name: uniq('Kosz firm ') });
	expectStatus(await agent.del(`/api/companies/${co.body.id}`), 204);
	expectError(await agent.get(`/api/companies/${co.body.id}`), 404);
	const t = await agent.get('/api/companies?trash=1&limit=500');
	assert.ok(t.body.items.some((x) => x.id === co.body.id));
	expectStatus(await agent.post(`/api/companies/${co.body.id}/restore`), 200);
	expectStatus(await agent.get(`/api/companies/${co.body.id}`), 200);
});

test('trash_restore_with_body_is_ignored_or_refused_cleanly', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Z ciałem' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	const r = await agent.post(`/api/contacts/${c.body.id}/restore`, { last_name: 'Podmiana' });
	assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${r.status}: ${r.text}`);
	if (r.status === 200) assert.equal(r.body.last_name, 'Z ciałem', 'restore does not apply a body');
});

test('trash_delete_with_body_is_harmless', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Usuń z ciałem' });
	const r = await agent.del(`/api/contacts/${c.body.id}`, { version: 1 });
	expectStatus(r, 204);
});

test('trash_search_finds_deleted_records', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Szukany w koszu', first_name: 'Kosmiczny' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	const r = await agent.get('/api/contacts?trash=1&q=kosmiczny');
	expectStatus(r, 200);
	assert.deepEqual(r.body.items.map((x) => x.id), [c.body.id], 'GET /api/contacts?trash=1&q=kosmiczny finds the deleted contact');
});

test('trash_lists_the_last_deleted_first_and_pages_by_deleted_at', async () => {
	const city = uniq('Kolejność');
	const a = expectStatus(await agent.post('/api/contacts', { last_name: 'Starszy', city }), 201);
	const b = expectStatus(await agent.post('/api/contacts', { last_name: 'Młodszy', city }), 201);
	// b (the newer record) goes first, a a second later: a is the last deleted.
	expectStatus(await agent.del(`/api/contacts/${b.id}`), 204);
	await new Promise((r) => setTimeout(r, 1100));
	expectStatus(await agent.del(`/api/contacts/${a.id}`), 204);
	const ids = async (q) => expectStatus(await agent.get(`/api/contacts?city=${city}&trash=1${q}`), 200).items.map((x) => x.id);
	assert.deepEqual(await ids(''), [a.id, b.id], 'by default the last deleted comes first');
	assert.deepEqual(await ids('&sort=-deleted_at'), [a.id, b.id]);
	assert.deepEqual(await ids('&sort=deleted_at'), [b.id, a.id]);
	assert.deepEqual(await ids('&sort=-deleted_at&q=starszy'), [a.id], 'with a search too');
	const p1 = expectStatus(await agent.get(`/api/contacts?city=${city}&trash=1&limit=1`), 200);
	assert.deepEqual(p1.items.map((x) => x.id), [a.id]);
	const p2 = expectStatus(await agent.get(`/api/contacts?city=${city}&trash=1&limit=1&cursor=${p1.next_cursor}`), 200);
	assert.deepEqual(p2.items.map((x) => x.id), [b.id]);
	assert.equal(p2.next_cursor, null);
	expectError(await agent.get('/api/contacts?sort=-deleted_at'), 400, 'bad_query', ['sort']);
});
