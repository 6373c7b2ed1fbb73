// departments: CRUD by admins, unique names, and no deleting one with users.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, admin;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
});
after(async () => {
	await srv?.stop();
});

test('departments_crud', async () => {
	const c = await admin.post('/api/departments', { name: 'Warszawa' });
	expectStatus(c, 201);
	assert.equal(c.body.name, 'Warszawa');
	assert.equal(c.body.version, 1);
	const g = await admin.get(`/api/departments/${c.body.id}`);
	expectStatus(g, 200);
	assert.deepEqual(g.body, c.body);
	const p = await admin.patch(`/api/departments/${c.body.id}`, { name: 'Warszawa Centrum', version: 1 });
	expectStatus(p, 200);
	assert.equal(p.body.name, 'Warszawa Centrum');
	assert.equal(p.body.version, 2);
	const l = await admin.get('/api/departments');
	expectStatus(l, 200);
	assert.ok(l.body.items.some((d) => d.name === 'Warszawa Centrum'));
	expectStatus(await admin.del(`/api/departments/${c.body.id}`), 204);
	expectError(await admin.get(`/api/departments/${c.body.id}`), 404, 'not_found');
	assert.ok(!(await admin.get('/api/departments')).body.items.some((d) => d.id === c.body.id));
});

test('departments_list_sorted_by_name_by_default', async () => {
	for (const n of ['Zakopane', 'Bydgoszcz', 'Opole']) expectStatus(await admin.post('/api/departments', { name: n }), 201);
	const names = (await admin.get('/api/departments?limit=500')).body.items.map((d) => d.name);
	const i = (n) => names.indexOf(n);
	assert.ok(i('Bydgoszcz') < i('Opole') && i('Opole') < i('Zakopane'), names.join(', '));
});

test('departments_duplicate_name_is_409', async () => {
	const name = uniq('Dup ');
	expectStatus(await admin.post('/api/departments', { name }), 201);
	expectError(await admin.post('/api/departments', { name }), 409, 'duplicate');
	expectError(await admin.post('/api/departments', { name: 'Kraków' }), 409, 'duplicate');
	const other = await admin.post('/api/departments', { name: uniq('Other ') });
	expectError(await admin.patch(`/api/departments/${other.body.id}`, { name, version: 1 }), 409, 'duplicate');
});

test('departments_duplicate_name_is_checked_after_trimming', async () => {
	const name = uniq('Trim ');
	expectStatus(await admin.post('/api/departments', { name }), 201);
	expectError(await admin.post('/api/departments', { name: `  ${name}  ` }), 409, 'duplicate');
});

test('departments_name_of_a_deleted_one_can_be_reused', async () => {
	const name = uniq('Reuse ');
	const a = await admin.post('/api/departments', { name });
	expectStatus(await admin.del(`/api/departments/${a.body.id}`), 204);
	expectStatus(await admin.post('/api/departments', { name }), 201);
	// restoring the old one now collides with the new one: a clear 409
	const r = await admin.post(`/api/departments/${a.body.id}/restore`);
	expectError(r, 409);
});

test('departments_delete_with_users_is_409_in_use', async () => {
	const deps = (await admin.get('/api/departments')).body.items;
	const krakow = deps.find((d) => d.name === 'Kraków');
	const r = await admin.del(`/api/departments/${krakow.id}`);
	expectError(r, 409, 'in_use');
	expectStatus(await admin.get(`/api/departments/${krakow.id}`), 200, 'still there');
});

test('departments_delete_after_moving_users_away', async () => {
	const d = await admin.post('/api/departments', { name: uniq('Tmp ') });
	const u = await admin.post('/api/users', { login: uniq('mover'), password: 'password-123', role: 'agent', department_id: d.body.id });
	expectStatus(u, 201);
	expectError(await admin.del(`/api/departments/${d.body.id}`), 409, 'in_use');
	expectStatus(await admin.patch(`/api/users/${u.body.id}`, { department_id: null, version: 1 }), 200);
	expectStatus(await admin.del(`/api/departments/${d.body.id}`), 204);
});

test('departments_delete_refusal_names_the_users', async () => {
	// The refusal says why: how many users, up to three of them by name
	// (a user without a name by login; the oldest accounts), and what to do.
	const d = await admin.post('/api/departments', { name: uniq('Names ') });
	const add = async (name, login = uniq('u')) =>
		expectStatus(await admin.post('/api/users', { login, name, password: 'password-123', role: 'agent', department_id: d.body.id }), 201);
	await add('Zofia Wiśniewska');
	let r = await admin.del(`/api/departments/${d.body.id}`);
	expectError(r, 409, 'in_use');
	assert.equal(r.body.error.message, 'The department has 1 user: Zofia Wiśniewska. Move them to another department first.');
	await add('Adam Nowak');
	await add('', 'bez.nazwy');
	r = await admin.del(`/api/departments/${d.body.id}`);
	assert.equal(r.body.error.message, 'The department has 3 users: Zofia Wiśniewska, Adam Nowak, bez.nazwy. Move them to another department first.');
	await add('Celina Kos');
	await add('Bartek Lis');
	r = await admin.del(`/api/departments/${d.body.id}`);
	assert.equal(r.body.error.message, 'The department has 5 users: Zofia Wiśniewska, Adam Nowak, bez.nazwy and 2 more. Move them to another department first.');
});

test('departments_validate_name', async () => {
	expectError(await admin.post('/api/departments', {}), 422, 'validation_failed', ['name']);
	expectError(await admin.post('/api/departments', { name: '' }), 422, 'validation_failed', ['name']);
	expectError(await admin.post('/api/departments', { name: '   ' }), 422, 'validation_failed', ['name']);
	expectError(await admin.post('/api/departments', { name: null }), 422, 'validation_failed', ['name']);
	expectError(await admin.post('/api/departments', { name: 7 }), 422, 'validation_failed', ['name']);
	expectError(await admin.post('/api/departments', { name: 'x'.repeat(101) }), 422, 'validation_failed', ['name']);
	expectStatus(await admin.post('/api/departments', { name: 'Ś'.repeat(100) }), 201);
	expectError(await admin.post('/api/departments', { name: 'OK', city: 'X' }), 422, 'validation_failed', ['city']);
});

test('departments_update_cannot_clear_name', async () => {
	const d = await admin.post('/api/departments', { name: uniq('Clear ') });
	expectError(await admin.patch(`/api/departments/${d.body.id}`, { name: null, version: 1 }), 422, 'validation_failed', ['name']);
	expectError(await admin.patch(`/api/departments/${d.body.id}`, { name: '', version: 1 }), 422, 'validation_failed', ['name']);
});

test('departments_history_and_trash', async () => {
	const d = await admin.post('/api/departments', { name: uniq('Hist ') });
	expectStatus(await admin.del(`/api/departments/${d.body.id}`), 204);
	const trash = await admin.get('/api/departments?trash=1');
	assert.ok(trash.body.items.some((x) => x.id === d.body.id));
	expectStatus(await admin.post(`/api/departments/${d.body.id}/restore`), 200);
	const h = await admin.get(`/api/departments/${d.body.id}/history`);
	assert.deepEqual(h.body.items.map((x) => x.action), ['restore', 'delete', 'create']);
});

test('departments_user_cannot_join_a_deleted_department', async () => {
	const d = await admin.post('/api/departments', { name: uniq('Gone ') });
	expectStatus(await admin.del(`/api/departments/${d.body.id}`), 204);
	const r = await admin.post('/api/users', { login: uniq('lost'), password: 'password-123', role: 'agent', department_id: d.body.id });
	expectError(r, 422, 'validation_failed', ['department_id']);
});
