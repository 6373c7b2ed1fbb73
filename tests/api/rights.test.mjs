// rights: what a role may do to one record beyond the entity's write role
// (src/crm/rights.c) and what it sees of colleagues.  An agent hands an
// inquiry, a client or a company only to someone of their own department
// (or keeps it), as for activities, also through import and merge;
// managers and admins to anyone.  A manager changes, deletes and restores
// only the knowledge-base articles they wrote; admins any.  Agents see
// colleagues' names and departments, not their e-mail addresses (one's own
// account excepted), nor can they filter, sort, pick or export by them.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, admin, manager, agent1, agent2, agent3;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent1 = await srv.session('agent1');
	agent2 = await srv.session('agent2');
	agent3 = await srv.session('agent3');
});
after(async () => {
	await srv?.stop();
});

const BODIES = {
	inquiries: () => ({ title: uniq('Zapytanie ') }),
	contacts: () => ({ last_name: uniq('Klient ') }),
	companies: () => ({ name: uniq('Firma ') }),
};
const PERSON = { inquiries: 'handler_id', contacts: 'owner_id', companies: 'owner_id' };

for (const entity of Object.keys(BODIES)) {
	const person = PERSON[entity];

	test(`${entity}_agent_sets_${person}_only_within_own_department`, async () => {
		const out = await agent1.post(`/api/${entity}`, { ...BODIES[entity](), [person]: agent3.user.id });
		const err = expectError(out, 422, 'validation_failed', [person]);
		assert.match(err.fields[person], /own department/);
		const inDept = expectStatus(await agent1.post(`/api/${entity}`, { ...BODIES[entity](), [person]: agent2.user.id }), 201);
		assert.equal(inDept[person], agent2.user.id);
		const mine = expectStatus(await agent1.post(`/api/${entity}`, BODIES[entity]()), 201);
		assert.equal(mine[person], agent1.user.id);
		const refused = await agent1.patch(`/api/${entity}/${mine.id}`, { [person]: agent3.user.id, version: mine.version });
		expectError(refused, 422, 'validation_failed', [person]);
		const got = expectStatus(await agent1.get(`/api/${entity}/${mine.id}`), 200);
		assert.equal(got[person], agent1.user.id, 'nothing changed');
		assert.equal(got.version, mine.version);
		const handed = await agent1.patch(`/api/${entity}/${mine.id}`, { [person]: agent2.user.id, version: mine.version });
		assert.equal(expectStatus(handed, 200)[person], agent2.user.id);
	});

	test(`${entity}_managers_and_admins_set_${person}_to_anyone`, async () => {
		for (const c of [manager, admin]) {
			const r = expectStatus(await c.post(`/api/${entity}`, { ...BODIES[entity](), [person]: agent3.user.id }), 201);
			assert.equal(r[person], agent3.user.id);
			const p = await c.patch(`/api/${entity}/${r.id}`, { [person]: agent1.user.id, version: r.version });
			assert.equal(expectStatus(p, 200)[person], agent1.user.id);
		}
	});

	test(`${entity}_agent_edits_a_record_of_another_departments_${person}_sent_back_unchanged`, async () => {
		const r = expectStatus(await admin.post(`/api/${entity}`, { ...BODIES[entity](), [person]: agent3.user.id, visibility: 'company' }), 201);
		const p = await agent1.patch(`/api/${entity}/${r.id}`, { [person]: agent3.user.id, version: r.version });
		expectStatus(p, 200);
		assert.equal(p.body[person], agent3.user.id);
	});
}

test('import_agent_cannot_give_clients_to_another_department', async () => {
	const csv = `last_name,owner_id\r\n${uniq('Importowany')},${agent3.user.id}\r\n${uniq('Importowany')},${agent2.user.id}\r\n`;
	const r = await agent1.raw('POST', '/api/contacts/import?dry_run=1', { body: csv, headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
	const rep = expectStatus(r, 200);
	assert.equal(rep.rows_ok, 1);
	assert.deepEqual(rep.errors.map((e) => [e.line, Object.keys(e.fields)]), [[2, ['owner_id']]]);
});

test('merge_agent_cannot_take_an_owner_of_another_department_but_may_undo', async () => {
	const theirs = expectStatus(await admin.post('/api/contacts', { last_name: uniq('Scalany'), owner_id: agent3.user.id, visibility: 'company' }), 201);
	const mine = expectStatus(await agent1.post('/api/contacts', { last_name: uniq('Scalany') }), 201);
	// Kept mine, taking the owner of the other department's client: refused.
	const bad = await agent1.post(`/api/contacts/${mine.id}/merge`, { ids: [theirs.id], prefer: { owner_id: theirs.id } });
	expectError(bad, 422, 'validation_failed', ['owner_id']);
	assert.equal(expectStatus(await agent1.get(`/api/contacts/${theirs.id}`), 200).deleted_at, undefined, 'nothing merged');
	// Kept theirs, taking my owner (myself): allowed; undoing puts their owner back.
	const ok = await agent1.post(`/api/contacts/${theirs.id}/merge`, { ids: [mine.id], prefer: { owner_id: mine.id } });
	const m = expectStatus(ok, 201).merge;
	assert.equal(expectStatus(await admin.get(`/api/contacts/${theirs.id}`), 200).owner_id, agent1.user.id);
	expectStatus(await agent1.post(`/api/merges/${m.id}/undo`), 200);
	assert.equal(expectStatus(await admin.get(`/api/contacts/${theirs.id}`), 200).owner_id, agent3.user.id);
});

test('kb_manager_changes_deletes_and_restores_only_own_articles', async () => {
	const login = uniq('kierownik');
	const u = await admin.post('/api/users', { login, password: 'password-123', role: 'manager', department_id: manager.user.department_id });
	expectStatus(u, 201);
	const other = await srv.login(login, 'password-123');
	const a = expectStatus(await manager.post('/api/kb_articles', { title: uniq('Artykuł '), body: 'Treść' }), 201);
	let err = expectError(await other.patch(`/api/kb_articles/${a.id}`, { title: 'Cudzy', version: a.version }), 403, 'forbidden');
	assert.match(err.message, /author/);
	expectError(await other.del(`/api/kb_articles/${a.id}`), 403, 'forbidden');
	assert.equal(expectStatus(await other.get(`/api/kb_articles/${a.id}`), 200).title, a.title, 'unchanged, still there');
	// the author and admins may
	const byAuthor = expectStatus(await manager.patch(`/api/kb_articles/${a.id}`, { body: 'Poprawione', version: a.version }), 200);
	const byAdmin = expectStatus(await admin.patch(`/api/kb_articles/${a.id}`, { title: a.title + ' (admin)', version: byAuthor.version }), 200);
	assert.equal(byAdmin.title, a.title + ' (admin)');
	// their own article, the other manager may change
	const own = expectStatus(await other.post('/api/kb_articles', { title: uniq('Mój ') }), 201);
	expectStatus(await other.patch(`/api/kb_articles/${own.id}`, { body: 'x', version: own.version }), 200);
	// restore from the trash: who may not delete may not restore
	expectStatus(await manager.del(`/api/kb_articles/${a.id}`), 204);
	err = expectError(await other.post(`/api/kb_articles/${a.id}/restore`), 403, 'forbidden');
	assert.match(err.message, /author/);
	expectStatus(await manager.post(`/api/kb_articles/${a.id}/restore`), 200);
	expectStatus(await admin.del(`/api/kb_articles/${a.id}`), 204);
	expectStatus(await admin.post(`/api/kb_articles/${a.id}/restore`), 200);
});

// Keys that would tell when a colleague last logged in (none exists yet;
// one added without a read role would show here).
const LAST_LOGIN = /last_(login|log_in|seen|active)|logged_in/;

test('users_agents_see_colleagues_without_email', async () => {
	const mail = {};
	for (const c of [agent1, agent2, agent3]) {
		const u = expectStatus(await admin.get(`/api/users/${c.user.id}`), 200);
		mail[c.user.id] = `${u.login}.${uniq('m')}@example.pl`;
		expectStatus(await admin.patch(`/api/users/${c.user.id}`, { email: mail[c.user.id], version: u.version }), 200);
	}
	const list = expectStatus(await agent1.get('/api/users?limit=500'), 200).items;
	assert.ok(list.length >= 5);
	for (const u of list) {
		assert.equal(typeof u.name, 'string');
		assert.ok('department_id' in u);
		assert.deepEqual(Object.keys(u).filter((k) => LAST_LOGIN.test(k)), []);
		if (u.id === agent1.user.id) assert.equal(u.email, mail[agent1.user.id], 'one sees one\'s own');
		else assert.ok(!('email' in u), `agent1 sees ${u.login}'s e-mail: ${JSON.stringify(u)}`);
	}
	const one = expectStatus(await agent1.get(`/api/users/${agent2.user.id}`), 200);
	assert.equal(one.login, 'agent2');
	assert.ok(!('email' in one));
	assert.equal(expectStatus(await agent1.get('/api/me'), 200).email, mail[agent1.user.id]);
	assert.equal(expectStatus(await agent1.get(`/api/users/${agent1.user.id}`), 200).email, mail[agent1.user.id]);
	// nor in the history of the account
	const hist = expectStatus(await agent1.get(`/api/users/${agent2.user.id}/history`), 200).items;
	assert.ok(hist.length >= 2);
	assert.ok(hist.every((h) => !('email' in h.changes)), JSON.stringify(hist));
	const adminHist = expectStatus(await admin.get(`/api/users/${agent2.user.id}/history`), 200).items;
	assert.deepEqual(adminHist[0].changes.email, [null, mail[agent2.user.id]]);
	// nor in an export
	const csv = await agent1.raw('GET', '/api/users/export?format=csv');
	expectStatus(csv, 200);
	assert.ok(!csv.text.includes(mail[agent2.user.id]) && !csv.text.includes(mail[agent3.user.id]), csv.text);
	assert.doesNotMatch(csv.text.split('\n')[0], /e-mail/i, 'no e-mail column at all for an agent');
	expectError(await agent1.get('/api/users/export?format=csv&columns=login,email'), 400, 'bad_query', ['columns']);
	assert.match((await manager.raw('GET', '/api/users/export?format=csv')).text.split('\n')[0], /E-mail/, 'a manager has the column');
	// managers and admins see them
	for (const c of [manager, admin]) {
		const items = expectStatus(await c.get('/api/users?limit=500'), 200).items;
		assert.equal(items.find((u) => u.id === agent2.user.id).email, mail[agent2.user.id]);
		assert.equal(expectStatus(await c.get(`/api/users/${agent3.user.id}`), 200).email, mail[agent3.user.id]);
	}
});

test('users_agents_cannot_filter_sort_or_pick_by_email', async () => {
	const u = expectStatus(await admin.get(`/api/users/${agent2.user.id}`), 200);
	const email = u.email ?? `agent2.${uniq('m')}@example.pl`;
	if (!u.email) expectStatus(await admin.patch(`/api/users/${u.id}`, { email, version: u.version }), 200);
	expectError(await agent1.get(`/api/users?email=${encodeURIComponent(email)}`), 400, 'bad_query', ['email']);
	expectError(await agent1.get('/api/users?sort=email'), 400, 'bad_query', ['sort']);
	expectError(await agent1.get('/api/users?fields=login,email'), 400, 'bad_query', ['fields']);
	const picked = expectStatus(await admin.get('/api/users?fields=login,email&limit=500'), 200).items;
	assert.equal(picked.find((x) => x.id === u.id).email, email, 'admins may pick it');
});
