// updates: PATCH with optimistic versions (body "version" or If-Match),
// no-op patches, and the history of changes.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus } from './lib/harness.mjs';

let srv, agent, manager;

before(async () => {
	srv = await startServer();
	agent = await srv.session('agent1');
	manager = await srv.session('manager');
});
after(async () => {
	await srv?.stop();
});

async function contact(fields = {}) {
	const r = await agent.post('/api/contacts', { last_name: 'Edytowany', city: 'Kraków', ...fields });
	expectStatus(r, 201);
	return r.body;
}

test('updates_with_right_version_bump_version', async () => {
	const c = await contact();
	const r = await agent.patch(`/api/contacts/${c.id}`, { city: 'Tarnów', version: 1 });
	expectStatus(r, 200);
	assert.equal(r.body.version, 2);
	assert.equal(r.body.city, 'Tarnów');
	assert.equal(r.body.last_name, 'Edytowany', 'other fields kept');
	assert.equal(r.body.created_at, c.created_at);
	const g = await agent.get(`/api/contacts/${c.id}`);
	assert.deepEqual(g.body, r.body);
	const r2 = await agent.patch(`/api/contacts/${c.id}`, { city: 'Nowy Sącz', version: 2 });
	expectStatus(r2, 200);
	assert.equal(r2.body.version, 3);
});

test('updates_with_stale_version_are_409_and_change_nothing', async () => {
	const c = await contact();
	expectStatus(await agent.patch(`/api/contacts/${c.id}`, { city: 'Bochnia', version: 1 }), 200);
	const r = await manager.patch(`/api/contacts/${c.id}`, { city: 'Wieliczka', first_name: 'X', version: 1 });
	expectError(r, 409, 'version_conflict');
	const g = (await agent.get(`/api/contacts/${c.id}`)).body;
	assert.equal(g.city, 'Bochnia');
	assert.equal(g.first_name, '');
	assert.equal(g.version, 2);
	expectError(await agent.patch(`/api/contacts/${c.id}`, { city: 'Przyszłość', version: 99 }), 409, 'version_conflict');
});

test('updates_without_version_are_428', async () => {
	const c = await contact();
	const r = await agent.patch(`/api/contacts/${c.id}`, { city: 'Bez wersji' });
	expectError(r, 428, 'version_required');
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.city, 'Kraków');
});

test('updates_with_if_match_header', async () => {
	const c = await contact();
	for (const [h, v] of [['"1"', 2], ['W/"2"', 3], ['3', 4]]) {
		const r = await agent.patch(`/api/contacts/${c.id}`, { city: `Miasto ${v}` }, { headers: { 'If-Match': h } });
		expectStatus(r, 200, `If-Match: ${h}`);
		assert.equal(r.body.version, v);
	}
	expectError(await agent.patch(`/api/contacts/${c.id}`, { city: 'Stare' }, { headers: { 'If-Match': '"1"' } }), 409, 'version_conflict');
	expectError(await agent.patch(`/api/contacts/${c.id}`, { city: 'Zły' }, { headers: { 'If-Match': 'abc' } }), 400);
	expectError(await agent.patch(`/api/contacts/${c.id}`, { city: 'Zły' }, { headers: { 'If-Match': '"0"' } }), 400);
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.city, 'Miasto 4');
});

test('updates_if_match_and_body_version_must_agree', async () => {
	const c = await contact();
	const r = await agent.patch(`/api/contacts/${c.id}`, { city: 'Sprzeczne', version: 1 }, { headers: { 'If-Match': '"2"' } });
	assert.ok(r.status >= 400 && r.status < 500 && r.body?.error, `got ${r.status}: ${r.text}`);
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.version, 1);
});

test('updates_version_must_be_an_integer', async () => {
	const c = await contact();
	for (const version of ['1', 1.5, true, [1]]) {
		const r = await agent.patch(`/api/contacts/${c.id}`, { city: 'Typ', version });
		assert.ok(r.status >= 400 && r.status < 500 && r.body?.error, `version ${JSON.stringify(version)}: ${r.status}: ${r.text}`);
	}
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.version, 1);
});

test('updates_that_change_nothing_keep_the_version', async () => {
	const c = await contact({ phone: '601234567' });
	const same = await agent.patch(`/api/contacts/${c.id}`, { city: 'Kraków', version: 1 });
	expectStatus(same, 200);
	assert.equal(same.body.version, 1);
	assert.equal(same.body.updated_at, c.updated_at);
	const empty = await agent.patch(`/api/contacts/${c.id}`, { version: 1 });
	expectStatus(empty, 200);
	assert.equal(empty.body.version, 1);
	// the same value in another spelling is no change either
	const phone = await agent.patch(`/api/contacts/${c.id}`, { phone: '+48 601-234-567', last_name: ' Edytowany ', version: 1 });
	expectStatus(phone, 200);
	assert.equal(phone.body.version, 1);
	const h = await agent.get(`/api/contacts/${c.id}/history`);
	assert.deepEqual(h.body.items.map((x) => x.action), ['create'], 'no empty update entries');
});

test('updates_reject_read_only_fields', async () => {
	const c = await contact();
	for (const f of [{ id: 5 }, { created_at: '2020-01-01T00:00:00Z' }, { status: 'finished' }, { updated_by: 1 }, { close_reason_id: 1 }]) {
		expectError(await agent.patch(`/api/contacts/${c.id}`, { ...f, version: 1 }), 422, 'validation_failed', Object.keys(f));
	}
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.version, 1);
});

test('updates_validate_like_create', async () => {
	const c = await contact();
	const r = await agent.patch(`/api/contacts/${c.id}`, { last_name: '', email: 'bad', phone: 'x', kind: 'vip', version: 1 });
	expectError(r, 422, 'validation_failed', ['last_name', 'email', 'phone', 'kind']);
	expectError(await agent.patch(`/api/contacts/${c.id}`, { last_name: null, version: 1 }), 422, 'validation_failed', ['last_name']);
	expectError(await agent.patch(`/api/contacts/${c.id}`, { nope: 1, version: 1 }), 422, 'validation_failed', ['nope']);
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.version, 1);
});

test('updates_of_missing_records_are_404', async () => {
	expectError(await agent.patch('/api/contacts/987654', { city: 'X', version: 1 }), 404, 'not_found');
	expectError(await agent.patch('/api/contacts/987654', { city: 'X' }), 404, 'not_found');
	const c = await contact();
	expectStatus(await agent.del(`/api/contacts/${c.id}`), 204);
	expectError(await agent.patch(`/api/contacts/${c.id}`, { city: 'X', version: 2 }), 404, 'not_found');
});

test('updates_body_must_be_an_object', async () => {
	const c = await contact();
	for (const body of ['[]', '"x"', '1', 'null']) {
		const r = await agent.raw('PATCH', `/api/contacts/${c.id}`, { body, headers: { 'Content-Type': 'application/json' } });
		expectError(r, 400, 'bad_json');
	}
	const none = await agent.raw('PATCH', `/api/contacts/${c.id}`, { headers: { 'If-Match': '"1"' } });
	expectError(none, 400);
});

test('updates_concurrent_edits_one_wins', async () => {
	const c = await contact();
	const results = await Promise.all([
		agent.patch(`/api/contacts/${c.id}`, { city: 'Pierwszy', version: 1 }),
		manager.patch(`/api/contacts/${c.id}`, { city: 'Drugi', version: 1 }),
		agent.patch(`/api/contacts/${c.id}`, { city: 'Trzeci', version: 1 }),
	]);
	const statuses = results.map((r) => r.status).sort();
	assert.deepEqual(statuses, [200, 409, 409], results.map((r) => r.text).join('\n'));
	const winner = results.find((r) => r.status === 200).body.city;
	const g = (await agent.get(`/api/contacts/${c.id}`)).body;
	assert.equal(g.city, winner);
	assert.equal(g.version, 2);
});

test('updates_delete_with_stale_if_match_is_409', async () => {
	const c = await contact();
	expectStatus(await agent.patch(`/api/contacts/${c.id}`, { city: 'X', version: 1 }), 200);
	expectError(await agent.del(`/api/contacts/${c.id}`, undefined, { headers: { 'If-Match': '"1"' } }), 409, 'version_conflict');
	expectStatus(await agent.get(`/api/contacts/${c.id}`), 200);
	expectStatus(await agent.del(`/api/contacts/${c.id}`, undefined, { headers: { 'If-Match': '"2"' } }), 204);
});

test('history_shows_create_and_updates_newest_first', async () => {
	const c = await contact({ first_name: 'Adam' });
	const u1 = await agent.patch(`/api/contacts/${c.id}`, { city: 'Rzeszów', version: 1 });
	expectStatus(u1, 200);
	const u2 = await manager.patch(`/api/contacts/${c.id}`, { first_name: 'Adrian', phone: '601 234 567', version: 2 });
	expectStatus(u2, 200);
	const h = await agent.get(`/api/contacts/${c.id}/history`);
	expectStatus(h, 200);
	const items = h.body.items;
	assert.deepEqual(items.map((x) => x.action), ['update', 'update', 'create']);
	assert.deepEqual(items[0].changes, { first_name: ['Adam', 'Adrian'], phone: [null, '+48601234567'] });
	assert.equal(items[0].user_id, manager.user.id);
	assert.equal(items[0].user_name, 'manager');
	assert.deepEqual(items[1].changes, { city: ['Kraków', 'Rzeszów'] });
	assert.equal(items[1].user_id, agent.user.id);
	assert.equal(items[2].user_id, agent.user.id);
	const created = items[2].changes;
	const val = (v) => (Array.isArray(v) ? v[1] : v);
	assert.equal(val(created.last_name), 'Edytowany');
	assert.equal(val(created.first_name), 'Adam');
	for (const it of items) {
		assert.match(it.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(typeof it.id, 'number');
	}
	assert.equal(h.body.next_cursor, null);
});

test('history_paginates', async () => {
	const c = await contact();
	let v = 1;
	for (let i = 0; i < 6; i++) {
		const r = await agent.patch(`/api/contacts/${c.id}`, { city: `Miasto ${i}`, version: v });
		expectStatus(r, 200);
		v = r.body.version;
	}
	const all = [];
	let cursor = null;
	let pages = 0;
	do {
		const r = await agent.get(`/api/contacts/${c.id}/history?limit=3${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
		expectStatus(r, 200);
		assert.ok(r.body.items.length <= 3);
		all.push(...r.body.items);
		cursor = r.body.next_cursor;
		pages++;
	} while (cursor);
	assert.equal(pages, 3);
	assert.equal(all.length, 7);
	assert.equal(new Set(all.map((x) => x.id)).size, 7);
	assert.deepEqual(all.map((x) => x.action), [...Array(6).fill('update'), 'create']);
	assert.deepEqual(all[0].changes, { city: ['Miasto 4', 'Miasto 5'] });
	for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].id > all[i].id, 'newest first');
});

test('history_rejects_bad_parameters', async () => {
	const c = await contact();
	expectError(await agent.get(`/api/contacts/${c.id}/history?limit=0`), 400, 'bad_query', ['limit']);
	expectError(await agent.get(`/api/contacts/${c.id}/history?limit=501`), 400, 'bad_query', ['limit']);
	expectError(await agent.get(`/api/contacts/${c.id}/history?cursor=%%%`), 400, 'bad_query', ['cursor']);
	expectError(await agent.get(`/api/contacts/${c.id}/history?cursor=garbage`), 400, 'bad_query', ['cursor']);
	expectError(await agent.get(`/api/contacts/${c.id}/history?sort=at`), 400, 'bad_query', ['sort']);
	expectError(await agent.get('/api/contacts/987654/history'), 404, 'not_found');
});

test('history_is_per_entity', async () => {
	const c = await contact();
	const co = await agent.post('/api/companies', { name: 'Historia Sp. j.' });
	// ids may coincide across entities; each history shows only its own record
	const hc = await agent.get(`/api/contacts/${c.id}/history`);
	const hco = await agent.get(`/api/companies/${co.body.id}/history`);
	assert.ok(hc.body.items.every((x) => !('name' in x.changes)));
	assert.ok(hco.body.items.every((x) => !('last_name' in x.changes)));
});
