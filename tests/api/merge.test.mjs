// merge: POST /api/contacts/{id}/merge {"ids", "prefer"} merges clients
// into one in one transaction: activities, notes, inquiries, attachments
// and history move to the kept client, chosen values win and empty ones
// are filled in, the merged clients go to the trash and their old id
// answers 308 with Location (and {"merged_into"}); the merge is in the kept
// client's history and POST /api/merges/{id}/undo puts everything back.
// Merging into itself, into a deleted or hidden record, or a list naming a
// record twice is refused with nothing written.  Companies merge the same
// way, taking their people with them.
import { before, after } from 'node:test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, test, assert, expectError, expectStatus, pageAll } from './lib/harness.mjs';
import { iso } from './lib/tz.mjs';

let srv, admin, agent1, agent3, dataDir;

before(async () => {
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-merge-'));
	srv = await startServer({ env: { KONTAKT_DATA_DIR: dataDir } });
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	agent3 = await srv.session('agent3');
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'hobby', label: 'Hobby', type: 'text' }), 201);
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'vip', label: 'VIP', type: 'text' }), 201);
});
after(async () => {
	await srv?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

async function contact(client, fields) {
	return expectStatus(await client.post('/api/contacts', fields), 201);
}

async function get(client, id) {
	return expectStatus(await client.get(`/api/contacts/${id}`), 200);
}

async function upload(client, id, text) {
	const boundary = `----kontakt${crypto.randomBytes(8).toString('hex')}`;
	const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="umowa.txt"\r\n`
		+ `Content-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`);
	return client.raw('POST', `/api/attachments?entity=contacts&record_id=${id}`,
		{ body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
}

/* family: a kept client and two duplicates with linked records. */
async function family(tag) {
	const kept = await contact(admin, { first_name: 'Jan', last_name: `Scalany${tag}`, phone: '+48 600 100 200', custom: { hobby: 'żagle' } });
	const d1 = await contact(admin, { first_name: 'Janek', last_name: `Scalany${tag}`, email: `jan.${tag}@example.pl`, city: 'Kraków', custom: { vip: 'tak', hobby: 'narty' } });
	const d2 = await contact(admin, { first_name: 'J.', last_name: `Scalany${tag}`, city: 'Gdańsk', address: 'ul. Długa 1' });
	const act = expectStatus(await admin.post('/api/activities', { kind: 'call', subject: `Telefon ${tag}`, contact_id: d1.id, starts_at: iso(Date.now() + 86400000) }), 201);
	const note = expectStatus(await admin.post('/api/notes', { body: `Notatka ${tag}`, contact_id: d2.id }), 201);
	const inq = expectStatus(await admin.post('/api/inquiries', { title: `Zapytanie ${tag}`, contact_id: d1.id, visibility: 'company' }), 201);
	return { kept, d1, d2, act, note, inq };
}

test('merge_moves_linked_records_and_leaves_a_redirect', async () => {
	const f = await family('A');
	const attId = expectStatus(await upload(admin, f.d2.id, 'treść umowy'), 201, 'upload').id;
	const r = await admin.post(`/api/contacts/${f.kept.id}/merge`, { ids: [f.d1.id, f.d2.id] });
	const body = expectStatus(r, 201, 'merge');
	assert.equal(body.merge.kept_id, f.kept.id);
	assert.deepEqual(body.merge.merged_ids, [f.d1.id, f.d2.id]);
	assert.ok(body.merge.moved.activities >= 1 && body.merge.moved.notes === 1 && body.merge.moved.inquiries === 1);
	// empty values are filled from the merged records, in order; custom values too
	assert.equal(body.record.email, `jan.A@example.pl`);
	assert.equal(body.record.city, 'Kraków');
	assert.equal(body.record.address, 'ul. Długa 1');
	assert.equal(body.record.first_name, 'Jan');
	assert.deepEqual(body.record.custom, { hobby: 'żagle', vip: 'tak' });
	// the linked records now point at the kept client
	assert.equal((await admin.get(`/api/activities/${f.act.id}`)).body.contact_id, f.kept.id);
	assert.equal((await admin.get(`/api/notes/${f.note.id}`)).body.contact_id, f.kept.id);
	assert.equal((await admin.get(`/api/inquiries/${f.inq.id}`)).body.contact_id, f.kept.id);
	const list = expectStatus(await admin.get(`/api/attachments?entity=contacts&record_id=${f.kept.id}`), 200);
	assert.ok(list.items.some((a) => a.id === attId), 'the attachment moved');
	const timeline = expectStatus(await admin.get(`/api/contacts/${f.kept.id}/timeline?limit=100`), 200);
	assert.ok(timeline.items.some((i) => i.type === 'note' && i.record.id === f.note.id));
	// the merged ones are in the trash and redirect
	for (const d of [f.d1, f.d2]) {
		const old = await admin.get(`/api/contacts/${d.id}`);
		assert.equal(old.status, 308);
		assert.equal(old.headers.get('location'), `/api/contacts/${f.kept.id}`);
		assert.deepEqual(old.body, { merged_into: f.kept.id });
		const followed = await fetch(srv.url + old.headers.get('location'), { headers: admin.headersFor('GET') });
		assert.equal((await followed.json()).id, f.kept.id);
		expectError(await admin.patch(`/api/contacts/${d.id}`, { city: 'X', version: d.version }), 404, 'not_found');
	}
	const trash = await pageAll(admin, '/api/contacts?trash=1&limit=500');
	assert.ok(trash.some((c) => c.id === f.d1.id) && trash.some((c) => c.id === f.d2.id));
	// the merge is in the kept client's history, the merged ones' history moved with them
	const hist = await pageAll(admin, `/api/contacts/${f.kept.id}/history?limit=500`);
	const m = hist.find((h) => h.action === 'merge');
	assert.ok(m, 'a merge entry');
	assert.equal(m.changes.merge_id, body.merge.id);
	assert.deepEqual(m.changes.merged_ids, [f.d1.id, f.d2.id]);
	assert.ok(hist.filter((h) => h.action === 'create').length >= 3, 'the merged records\' creation came along');
	const merge = expectStatus(await admin.get(`/api/merges/${body.merge.id}`), 200);
	assert.equal(merge.undone_at, null);
});

test('merge_prefer_picks_the_value_per_field', async () => {
	const f = await family('B');
	const r = await admin.post(`/api/contacts/${f.kept.id}/merge`, {
		ids: [f.d1.id, f.d2.id], prefer: { first_name: f.d1.id, city: f.d2.id, phone: f.d2.id, custom: f.d1.id },
	});
	const body = expectStatus(r, 201);
	assert.equal(body.record.first_name, 'Janek');
	assert.equal(body.record.city, 'Gdańsk');
	assert.equal(body.record.phone, null, 'the preferred record had no phone');
	assert.deepEqual(body.record.custom, { vip: 'tak', hobby: 'narty' });
	assert.deepEqual(body.merge.changes.first_name, ['Jan', 'Janek']);
});

test('merge_undo_restores_records_links_and_values', async () => {
	const f = await family('C');
	const merged = expectStatus(await admin.post(`/api/contacts/${f.kept.id}/merge`, { ids: [f.d1.id, f.d2.id], prefer: { first_name: f.d1.id } }), 201);
	const undo = expectStatus(await admin.post(`/api/merges/${merged.merge.id}/undo`), 200);
	assert.deepEqual(undo.restored.sort(), [f.d1.id, f.d2.id].sort());
	assert.equal(typeof undo.merge.undone_at, 'string');
	assert.equal(undo.record.first_name, 'Jan');
	assert.equal(undo.record.email, null);
	assert.equal(undo.record.city, null);
	assert.deepEqual(undo.record.custom, { hobby: 'żagle' });
	const d1 = await get(admin, f.d1.id);
	assert.equal(d1.email, 'jan.C@example.pl');
	assert.equal((await admin.get(`/api/activities/${f.act.id}`)).body.contact_id, f.d1.id);
	assert.equal((await admin.get(`/api/notes/${f.note.id}`)).body.contact_id, f.d2.id);
	assert.equal((await admin.get(`/api/inquiries/${f.inq.id}`)).body.contact_id, f.d1.id);
	const hist = await pageAll(admin, `/api/contacts/${f.d1.id}/history?limit=500`);
	assert.ok(hist.some((h) => h.action === 'create'), 'its history came back');
	const kept = await pageAll(admin, `/api/contacts/${f.kept.id}/history?limit=500`);
	assert.ok(kept.some((h) => h.action === 'unmerge'));
	expectError(await admin.post(`/api/merges/${merged.merge.id}/undo`), 409, 'version_conflict');
	expectError(await admin.post('/api/merges/999999/undo'), 404, 'not_found');
});

test('merge_undo_of_an_earlier_merge_waits_for_the_later_one', async () => {
	const a = await contact(admin, { last_name: 'Łańcuch', first_name: 'A' });
	const b = await contact(admin, { last_name: 'Łańcuch', first_name: 'B' });
	const c = await contact(admin, { last_name: 'Łańcuch', first_name: 'C' });
	const m1 = expectStatus(await admin.post(`/api/contacts/${b.id}/merge`, { ids: [a.id] }), 201);
	const m2 = expectStatus(await admin.post(`/api/contacts/${c.id}/merge`, { ids: [b.id] }), 201);
	// a -> b -> c: the old id leads to the record that lives on
	assert.equal((await admin.get(`/api/contacts/${a.id}`)).headers.get('location'), `/api/contacts/${c.id}`);
	expectError(await admin.post(`/api/merges/${m1.merge.id}/undo`), 409, 'version_conflict');
	expectStatus(await admin.post(`/api/merges/${m2.merge.id}/undo`), 200);
	expectStatus(await admin.post(`/api/merges/${m1.merge.id}/undo`), 200);
	for (const x of [a, b, c]) assert.equal((await get(admin, x.id)).id, x.id);
});

test('merge_refuses_bad_requests_and_writes_nothing', async () => {
	const f = await family('D');
	const before1 = await get(admin, f.kept.id);
	const cases = [
		[{ ids: [f.kept.id] }, 'ids'],
		[{ ids: [f.d1.id, f.d1.id] }, 'ids'],
		[{ ids: [] }, 'ids'],
		[{ ids: ['x'] }, 'ids'],
		[{ ids: [f.d1.id, 99999999] }, 'ids'],
		[{ ids: [f.d1.id], prefer: { shoe_size: f.d1.id } }, 'prefer.shoe_size'],
		[{ ids: [f.d1.id], prefer: { city: f.d2.id } }, 'prefer.city'],
		[{ ids: [f.d1.id], prefer: { status: f.d1.id } }, 'prefer.status'],
		[{ ids: [f.d1.id], colour: 'red' }, 'colour'],
	];
	for (const [body, field] of cases)
		expectError(await admin.post(`/api/contacts/${f.kept.id}/merge`, body), 422, 'validation_failed', [field]);
	expectError(await admin.post(`/api/contacts/${f.kept.id}/merge`, '[1,2]', { headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
	expectError(await admin.post('/api/contacts/99999999/merge', { ids: [f.d1.id] }), 404, 'not_found');
	// into a record in the trash, or a record in the trash into it
	const gone = await contact(admin, { last_name: 'Usunięty' });
	expectStatus(await admin.del(`/api/contacts/${gone.id}`), 204);
	expectError(await admin.post(`/api/contacts/${gone.id}/merge`, { ids: [f.d1.id] }), 409, 'version_conflict');
	expectError(await admin.post(`/api/contacts/${f.kept.id}/merge`, { ids: [gone.id] }), 422, 'validation_failed', ['ids']);
	// nothing was written
	const after1 = await get(admin, f.kept.id);
	assert.equal(after1.version, before1.version);
	assert.equal((await get(admin, f.d1.id)).id, f.d1.id);
	assert.equal((await admin.get(`/api/activities/${f.act.id}`)).body.contact_id, f.d1.id);
	const hist = await pageAll(admin, `/api/contacts/${f.kept.id}/history?limit=500`);
	assert.ok(!hist.some((h) => h.action === 'merge'));
});

test('merge_and_undo_respect_visibility', async () => {
	const mine = await contact(agent1, { last_name: 'Widoczny', visibility: 'private' });
	const mine2 = await contact(agent1, { last_name: 'Widoczny', first_name: 'Drugi', visibility: 'private' });
	const theirs = await contact(agent3, { last_name: 'Widoczny', first_name: 'Obcy', visibility: 'private' });
	// agent3 can't merge into, or merge away, a record it does not see
	expectError(await agent3.post(`/api/contacts/${mine.id}/merge`, { ids: [theirs.id] }), 404, 'not_found');
	expectError(await agent3.post(`/api/contacts/${theirs.id}/merge`, { ids: [mine.id] }), 422, 'validation_failed', ['ids']);
	assert.equal((await get(agent1, mine.id)).id, mine.id);
	const m = expectStatus(await agent1.post(`/api/contacts/${mine.id}/merge`, { ids: [mine2.id] }), 201);
	// the redirect and the merge itself are hidden from those who don't see the kept record
	expectError(await agent3.get(`/api/contacts/${mine2.id}`), 404, 'not_found');
	expectError(await agent3.get(`/api/merges/${m.merge.id}`), 404, 'not_found');
	expectError(await agent3.post(`/api/merges/${m.merge.id}/undo`), 404, 'not_found');
	expectStatus(await agent1.post(`/api/merges/${m.merge.id}/undo`), 200);
});

test('companies_merge_takes_their_people_along', async () => {
	const a = expectStatus(await admin.post('/api/companies', { name: 'Łączona Spółka', city: 'Poznań' }), 201);
	const b = expectStatus(await admin.post('/api/companies', { name: 'Łączona Spółka sp. z o.o.', phone: '+48 61 111 22 33' }), 201);
	const person = await contact(admin, { last_name: 'Pracownik', company_id: b.id });
	const m = expectStatus(await admin.post(`/api/companies/${a.id}/merge`, { ids: [b.id] }), 201);
	assert.equal(m.record.phone, '+48611112233');
	assert.equal((await get(admin, person.id)).company_id, a.id);
	assert.equal((await admin.get(`/api/companies/${b.id}`)).status, 308);
	expectStatus(await admin.post(`/api/merges/${m.merge.id}/undo`), 200);
	assert.equal((await get(admin, person.id)).company_id, b.id);
});
