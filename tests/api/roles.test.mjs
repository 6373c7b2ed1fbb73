// roles: who may do what.  Admins alone write users, departments and custom
// fields; every role reads users and departments and works with clients;
// anonymous callers get 401 on every /api route but the log-in.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, admin, manager, agent;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
});
after(async () => {
	await srv?.stop();
});

const ENTITIES = ['departments', 'users', 'custom_fields', 'companies', 'contacts'];

function allRoutes() {
	const r = [
		['DELETE', '/api/session'],
		['GET', '/api/me'],
		['PATCH', '/api/me'],
		['GET', '/api/tokens'],
		['POST', '/api/tokens'],
		['DELETE', '/api/tokens/1'],
	];
	for (const e of ENTITIES)
		r.push(['GET', `/api/${e}`], ['POST', `/api/${e}`], ['GET', `/api/${e}/1`], ['PATCH', `/api/${e}/1`],
			['DELETE', `/api/${e}/1`], ['GET', `/api/${e}/1/history`], ['POST', `/api/${e}/1/restore`]);
	return r;
}

test('anonymous_gets_401_on_every_api_route', async () => {
	for (const [method, p] of allRoutes()) {
		const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
		const r = await srv.raw(method, p, { body, headers: body ? { 'Content-Type': 'application/json' } : {} });
		expectError(r, 401, 'unauthorized');
	}
});

test('anonymous_with_forged_cookie_gets_401', async () => {
	for (const [method, p] of allRoutes()) {
		const r = await srv.raw(method, p, { headers: { Cookie: 'kontakt_session=forged' } });
		expectError(r, 401, 'unauthorized');
	}
});

test('anonymous_may_log_in', async () => {
	const r = await srv.tryLogin('agent2', 'correct horse battery');
	expectStatus(r, 200);
});

for (const [who, getClient] of [['manager', () => manager], ['agent', () => agent]]) {
	test(`${who}_cannot_write_users`, async () => {
		const c = getClient();
		expectError(await c.post('/api/users', { login: uniq('u'), password: 'password123', role: 'agent' }), 403, 'forbidden');
		const me = (await c.get('/api/me')).body;
		expectError(await c.patch(`/api/users/${me.id}`, { role: 'admin', version: me.version }), 403, 'forbidden');
		expectError(await c.patch('/api/users/1', { active: false, version: 1 }), 403, 'forbidden');
		expectError(await c.del('/api/users/1'), 403, 'forbidden');
		expectError(await c.post('/api/users/1/restore'), 403, 'forbidden');
		assert.equal((await c.get('/api/me')).body.role, who);
	});

	test(`${who}_cannot_write_departments`, async () => {
		const c = getClient();
		const d = await admin.post('/api/departments', { name: uniq('Dział ') });
		expectStatus(d, 201);
		expectError(await c.post('/api/departments', { name: uniq('Dział ') }), 403, 'forbidden');
		expectError(await c.patch(`/api/departments/${d.body.id}`, { name: 'Zmiana', version: 1 }), 403, 'forbidden');
		expectError(await c.del(`/api/departments/${d.body.id}`), 403, 'forbidden');
		expectError(await c.post(`/api/departments/${d.body.id}/restore`), 403, 'forbidden');
		expectStatus(await c.get(`/api/departments/${d.body.id}`), 200);
	});

	test(`${who}_cannot_write_custom_fields`, async () => {
		const c = getClient();
		const f = await admin.post('/api/custom_fields', { entity: 'contacts', name: uniq('f_'), label: 'Pole', type: 'text' });
		expectStatus(f, 201);
		expectError(await c.post('/api/custom_fields', { entity: 'contacts', name: uniq('g_'), label: 'X', type: 'text' }), 403, 'forbidden');
		expectError(await c.patch(`/api/custom_fields/${f.body.id}`, { label: 'Y', version: 1 }), 403, 'forbidden');
		expectError(await c.del(`/api/custom_fields/${f.body.id}`), 403, 'forbidden');
		expectError(await c.post(`/api/custom_fields/${f.body.id}/restore`), 403, 'forbidden');
		expectStatus(await c.get(`/api/custom_fields/${f.body.id}`), 200, 'custom field definitions are readable');
	});

	test(`${who}_can_read_users_and_departments`, async () => {
		const c = getClient();
		const users = await c.get('/api/users');
		expectStatus(users, 200);
		assert.ok(users.body.items.some((u) => u.login === 'admin'));
		const deps = await c.get('/api/departments');
		expectStatus(deps, 200);
		assert.ok(deps.body.items.some((d) => d.name === 'Kraków'));
		assert.ok(deps.body.items.some((d) => d.name === 'Gdańsk'));
		expectStatus(await c.get('/api/users/1'), 200);
		expectStatus(await c.get('/api/users/1/history'), 200);
		expectStatus(await c.get('/api/custom_fields'), 200);
	});

	test(`${who}_can_work_with_contacts_and_companies`, async () => {
		const c = getClient();
		const co = await c.post('/api/companies', { name: uniq('Firma ') });
		expectStatus(co, 201);
		const ct = await c.post('/api/contacts', { last_name: 'Nowak', company_id: co.body.id });
		expectStatus(ct, 201);
		expectStatus(await c.patch(`/api/contacts/${ct.body.id}`, { city: 'Kraków', version: 1 }), 200);
		expectStatus(await c.get(`/api/contacts/${ct.body.id}/history`), 200);
		expectStatus(await c.del(`/api/contacts/${ct.body.id}`), 204);
		expectStatus(await c.post(`/api/contacts/${ct.body.id}/restore`), 200);
		expectStatus(await c.patch(`/api/companies/${co.body.id}`, { city: 'Kraków', version: 1 }), 200);
		expectStatus(await c.del(`/api/companies/${co.body.id}`), 204);
		expectStatus(await c.post(`/api/companies/${co.body.id}/restore`), 200);
	});
}

test('forbidden_write_changes_nothing', async () => {
	const before = (await admin.get('/api/departments?limit=500')).body.items.length;
	expectError(await agent.post('/api/departments', { name: 'Nie wolno' }), 403);
	const after = (await admin.get('/api/departments?limit=500')).body.items.length;
	assert.equal(after, before);
});

test('admin_walks_every_generic_route_of_every_entity', async () => {
	const dep = await admin.post('/api/departments', { name: uniq('Wrocław ') });
	const samples = {
		departments: [{ name: uniq('Poznań ') }, { name: uniq('Łódź ') }],
		users: [{ login: uniq('walk'), password: 'password-123', role: 'agent', department_id: dep.body.id }, { name: 'Zmieniony' }],
		custom_fields: [{ entity: 'companies', name: uniq('walk_'), label: 'Etykieta', type: 'number' }, { label: 'Nowa etykieta' }],
		companies: [{ name: 'Spółka z o.o.', nip: '5260250274' }, { city: 'Gdynia' }],
		contacts: [{ last_name: 'Wiśniewska' }, { first_name: 'Anna' }],
	};
	for (const e of ENTITIES) {
		const [create, patch] = samples[e];
		const c = await admin.post(`/api/${e}`, create);
		expectStatus(c, 201, `POST /api/${e}`);
		const id = c.body.id;
		assert.equal(c.body.version, 1);
		const g = await admin.get(`/api/${e}/${id}`);
		expectStatus(g, 200, `GET /api/${e}/${id}`);
		assert.deepEqual(g.body, c.body, `${e}: GET returns what POST returned`);
		const l = await admin.get(`/api/${e}?limit=500`);
		expectStatus(l, 200, `GET /api/${e}`);
		assert.ok(l.body.items.some((x) => x.id === id), `${e}: listed`);
		assert.ok('next_cursor' in l.body);
		const p = await admin.patch(`/api/${e}/${id}`, { ...patch, version: 1 });
		expectStatus(p, 200, `PATCH /api/${e}/${id}`);
		assert.equal(p.body.version, 2);
		for (const [k, v] of Object.entries(patch)) assert.equal(p.body[k], v, `${e}.${k}`);
		const h = await admin.get(`/api/${e}/${id}/history`);
		expectStatus(h, 200, `GET /api/${e}/${id}/history`);
		assert.deepEqual(h.body.items.map((x) => x.action), ['update', 'create']);
		expectStatus(await admin.del(`/api/${e}/${id}`), 204, `DELETE /api/${e}/${id}`);
		expectError(await admin.get(`/api/${e}/${id}`), 404, 'not_found');
		const r = await admin.post(`/api/${e}/${id}/restore`);
		expectStatus(r, 200, `POST /api/${e}/${id}/restore`);
		assert.equal(r.body.id, id);
		expectStatus(await admin.get(`/api/${e}/${id}`), 200);
	}
});

test('records_show_who_created_and_changed_them', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Autor' });
	expectStatus(c, 201);
	assert.equal(c.body.created_by, agent.user.id);
	assert.equal(c.body.updated_by, agent.user.id);
	assert.equal(c.body.owner_id, agent.user.id, 'the creator owns it by default');
	const p = await manager.patch(`/api/contacts/${c.body.id}`, { city: 'Kraków', version: 1 });
	expectStatus(p, 200);
	assert.equal(p.body.created_by, agent.user.id);
	assert.equal(p.body.updated_by, manager.user.id);
	assert.match(p.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.match(p.body.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('created_by_and_updated_by_cannot_be_set_by_the_client', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Podszywka', created_by: 1, updated_by: 1 });
	expectError(r, 422, 'validation_failed', ['created_by', 'updated_by']);
});
