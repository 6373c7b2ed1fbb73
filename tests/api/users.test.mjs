// users: accounts managed by admins: passwords, unique logins, roles, time
// zones, the last admin, deactivation and deletion ending sessions.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq, USERS } from './lib/harness.mjs';

let srv, admin;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
});
after(async () => {
	await srv?.stop();
});

async function newUser(fields = {}) {
	const login = fields.login ?? uniq('user');
	const r = await admin.post('/api/users', { login, password: 'password-123', role: 'agent', ...fields });
	expectStatus(r, 201, 'POST /api/users');
	return r.body;
}

test('users_create_with_password_then_login_works', async () => {
	const deps = (await admin.get('/api/departments')).body.items;
	const krakow = deps.find((d) => d.name === 'Kraków');
	const r = await admin.post('/api/users', {
		login: 'ewa.nowak', password: 'Haslo-1234', role: 'manager', name: 'Ewa Nowak',
		email: 'ewa@example.pl', department_id: krakow.id, time_zone: 'Europe/Warsaw', locale: 'en',
	});
	expectStatus(r, 201);
	assert.equal(r.body.login, 'ewa.nowak');
	assert.equal(r.body.role, 'manager');
	assert.equal(r.body.name, 'Ewa Nowak');
	assert.equal(r.body.department_id, krakow.id);
	assert.equal(r.body.locale, 'en');
	assert.equal(r.body.active, true);
	assert.equal(r.body.version, 1);
	assert.equal(r.body.password, undefined);
	const s = await srv.tryLogin('ewa.nowak', 'Haslo-1234');
	expectStatus(s, 200);
	assert.equal(s.body.user.id, r.body.id);
	assert.equal(s.body.user.role, 'manager');
});

test('users_create_defaults', async () => {
	const u = await newUser();
	assert.equal(u.time_zone, 'Europe/Warsaw');
	assert.equal(u.locale, 'pl');
	assert.equal(u.active, true);
	assert.equal(u.department_id, null);
});

test('users_create_rejects_short_password', async () => {
	const r = await admin.post('/api/users', { login: uniq('short'), password: 'seven77', role: 'agent' });
	expectError(r, 422, 'validation_failed', ['password']);
	const nine = await admin.post('/api/users', { login: uniq('nine'), password: 'nine-9999', role: 'agent' });
	assert.match(expectError(nine, 422, 'validation_failed', ['password']).fields.password, /at least 10 characters/);
	// characters, not bytes: ten Polish letters are 20 bytes, nine are too few
	expectError(await admin.post('/api/users', { login: uniq('pl'), password: 'żółćżółćż', role: 'agent' }), 422,
		'validation_failed', ['password']);
	expectStatus(await admin.post('/api/users', { login: uniq('ten'), password: 'ten-chars1', role: 'agent' }), 201);
});

test('users_create_rejects_common_password_in_any_case', async () => {
	for (const password of ['1234567890', 'qwertyuiop', 'QwErTyUiOp', 'PASSWORD123']) {
		const r = await admin.post('/api/users', { login: uniq('common'), password, role: 'agent' });
		assert.match(expectError(r, 422, 'validation_failed', ['password']).fields.password, /too common/, password);
	}
});

test('users_password_must_not_be_the_login', async () => {
	const login = uniq('samesame');
	const r = await admin.post('/api/users', { login, password: login.toUpperCase(), role: 'agent' });
	assert.match(expectError(r, 422, 'validation_failed', ['password']).fields.password, /login/);
	const ok = await admin.post('/api/users', { login, password: 'a-fine-password', role: 'agent' });
	expectStatus(ok, 201);
	// a reset is checked against the login too
	const u = ok.body;
	expectError(await admin.patch(`/api/users/${u.id}`, { password: login, version: u.version }), 422,
		'validation_failed', ['password']);
	expectError(await admin.patch(`/api/users/${u.id}`, { password: 'Basketball', version: u.version }), 422,
		'validation_failed', ['password']);
});

test('users_create_requires_password_login_role', async () => {
	const r = await admin.post('/api/users', {});
	expectError(r, 422, 'validation_failed', ['login', 'password', 'role']);
});

test('users_create_rejects_duplicate_login', async () => {
	const u = await newUser();
	const r = await admin.post('/api/users', { login: u.login, password: 'password-123', role: 'agent' });
	expectError(r, 409, 'duplicate');
	const existing = await admin.post('/api/users', { login: 'agent1', password: 'password-123', role: 'admin' });
	expectError(existing, 409, 'duplicate');
	expectStatus(await srv.tryLogin('agent1', USERS.agent1.password), 200, 'agent1 untouched');
});

test('users_create_rejects_bad_role', async () => {
	for (const role of ['superuser', 'Admin', '', 5, null]) {
		const r = await admin.post('/api/users', { login: uniq('role'), password: 'password-123', role });
		expectError(r, 422, 'validation_failed', ['role']);
	}
});

test('users_create_rejects_bad_time_zone', async () => {
	for (const tz of ['Mars/Olympus', '../../etc/passwd', '/etc/localtime', 'Europe/../Europe/Warsaw', '', 5]) {
		const r = await admin.post('/api/users', { login: uniq('tz'), password: 'password-123', role: 'agent', time_zone: tz });
		expectError(r, 422, 'validation_failed', ['time_zone']);
	}
	expectStatus(await admin.post('/api/users', { login: uniq('tz'), password: 'password-123', role: 'agent', time_zone: 'America/Argentina/Buenos_Aires' }), 201);
	expectStatus(await admin.post('/api/users', { login: uniq('tz'), password: 'password-123', role: 'agent', time_zone: 'UTC' }), 201);
});

test('users_create_rejects_unknown_field', async () => {
	const r = await admin.post('/api/users', { login: uniq('unk'), password: 'password-123', role: 'agent', is_superuser: true });
	expectError(r, 422, 'validation_failed', ['is_superuser']);
});

test('users_create_rejects_password_hash_field', async () => {
	const r = await admin.post('/api/users', { login: uniq('ph'), password: 'password-123', role: 'agent', password_hash: '$argon2id$v=19$m=65536,t=2,p=1$x$y' });
	expectError(r, 422, 'validation_failed', ['password_hash']);
});

test('users_create_rejects_bad_login', async () => {
	for (const login of ['a', 'with space', 'x'.repeat(65), 'zażółć', 'semi;colon']) {
		const r = await admin.post('/api/users', { login, password: 'password-123', role: 'agent' });
		expectError(r, 422, 'validation_failed', ['login']);
	}
});

test('users_create_rejects_unknown_department', async () => {
	const r = await admin.post('/api/users', { login: uniq('dep'), password: 'password-123', role: 'agent', department_id: 99999 });
	expectError(r, 422, 'validation_failed', ['department_id']);
});

test('users_create_rejects_bad_email', async () => {
	const r = await admin.post('/api/users', { login: uniq('em'), password: 'password-123', role: 'agent', email: 'not-an-email' });
	expectError(r, 422, 'validation_failed', ['email']);
});

test('users_filter_by_role', async () => {
	const r = await admin.get('/api/users?role=agent&limit=500');
	expectStatus(r, 200);
	assert.ok(r.body.items.length >= 3);
	assert.ok(r.body.items.every((u) => u.role === 'agent'));
	expectError(await admin.get('/api/users?role=wizard'), 400, 'bad_query', ['role']);
});

test('users_admin_changes_password', async () => {
	const u = await newUser();
	const r = await admin.patch(`/api/users/${u.id}`, { password: 'a-new-password', version: u.version });
	expectStatus(r, 200);
	assert.equal(r.body.version, u.version + 1);
	expectStatus(await srv.tryLogin(u.login, 'a-new-password'), 200);
	expectError(await srv.tryLogin(u.login, 'password-123'), 401);
});

test('users_cannot_demote_last_admin', async () => {
	const me = (await admin.get('/api/me')).body;
	const r = await admin.patch(`/api/users/${me.id}`, { role: 'agent', version: me.version });
	expectError(r, 422, 'validation_failed', ['role']);
	assert.equal((await admin.get('/api/me')).body.role, 'admin');
});

test('users_cannot_deactivate_last_admin', async () => {
	const me = (await admin.get('/api/me')).body;
	const r = await admin.patch(`/api/users/${me.id}`, { active: false, version: me.version });
	expectError(r, 422, 'validation_failed', ['active']);
	expectStatus(await admin.get('/api/me'), 200, 'still logged in');
});

test('users_cannot_delete_yourself', async () => {
	const me = (await admin.get('/api/me')).body;
	const r = await admin.del(`/api/users/${me.id}`);
	expectError(r, 403, 'forbidden');
	assert.equal(r.body.error.message, 'You cannot delete your own account.', 'the real reason, not a generic refusal');
	expectStatus(await admin.get('/api/me'), 200);
});

test('users_second_admin_can_be_demoted_while_one_remains', async () => {
	const a2 = await newUser({ role: 'admin' });
	const r = await admin.patch(`/api/users/${a2.id}`, { role: 'manager', version: a2.version });
	expectStatus(r, 200);
	assert.equal(r.body.role, 'manager');
});

test('users_inactive_admin_does_not_count_as_the_remaining_admin', async () => {
	const a2 = await newUser({ role: 'admin' });
	const off = await admin.patch(`/api/users/${a2.id}`, { active: false, version: a2.version });
	expectStatus(off, 200);
	const me = (await admin.get('/api/me')).body;
	expectError(await admin.patch(`/api/users/${me.id}`, { role: 'manager', version: me.version }), 422, 'validation_failed', ['role']);
});

test('users_deactivating_kills_sessions', async () => {
	const u = await newUser();
	const s = await srv.login(u.login, 'password-123');
	const t = await s.bearer('before deactivation');
	expectStatus(await s.get('/api/me'), 200);
	const off = await admin.patch(`/api/users/${u.id}`, { active: false, version: u.version });
	expectStatus(off, 200);
	assert.equal(off.body.active, false);
	expectError(await s.get('/api/me'), 401, 'unauthorized');
	expectError(await t.get('/api/me'), 401, 'unauthorized');
	expectError(await srv.tryLogin(u.login, 'password-123'), 401, 'unauthorized');
	// reactivated: the old session and token stay dead, a new log-in works
	const on = await admin.patch(`/api/users/${u.id}`, { active: true, version: off.body.version });
	expectStatus(on, 200);
	expectError(await s.get('/api/me'), 401, 'unauthorized');
	expectError(await t.get('/api/me'), 401, 'unauthorized');
	expectStatus(await srv.tryLogin(u.login, 'password-123'), 200);
});

test('users_deleting_kills_sessions', async () => {
	const u = await newUser();
	const s = await srv.login(u.login, 'password-123');
	expectStatus(await admin.del(`/api/users/${u.id}`), 204);
	expectError(await s.get('/api/me'), 401, 'unauthorized');
	expectError(await srv.tryLogin(u.login, 'password-123'), 401);
	expectError(await admin.get(`/api/users/${u.id}`), 404);
	const trash = await admin.get('/api/users?trash=1');
	expectStatus(trash, 200);
	assert.ok(trash.body.items.some((x) => x.id === u.id));
});

test('users_role_change_applies_to_live_session', async () => {
	const u = await newUser({ role: 'admin' });
	const s = await srv.login(u.login, 'password-123');
	expectStatus(await s.post('/api/departments', { name: uniq('Przed ') }), 201);
	expectStatus(await admin.patch(`/api/users/${u.id}`, { role: 'agent', version: u.version }), 200);
	expectError(await s.post('/api/departments', { name: uniq('Po ') }), 403, 'forbidden');
});

test('users_login_cannot_change_to_an_existing_one', async () => {
	const u = await newUser();
	const r = await admin.patch(`/api/users/${u.id}`, { login: 'agent2', version: u.version });
	expectError(r, 409, 'duplicate');
	assert.equal((await admin.get(`/api/users/${u.id}`)).body.login, u.login);
});

test('users_list_sorted_by_name', async () => {
	const r = await admin.get('/api/users?sort=name&limit=500');
	expectStatus(r, 200);
	const names = r.body.items.map((u) => u.name);
	// names sort in Polish alphabetical order, case-insensitive first
	const pl = new Intl.Collator('pl', { sensitivity: 'base' });
	for (let i = 1; i < names.length; i++)
		assert.ok(pl.compare(names[i - 1], names[i]) <= 0, `${names[i - 1]} before ${names[i]}`);
});

test('users_search_is_refused', async () => {
	expectError(await admin.get('/api/users?q=admin'), 400, 'bad_query', ['q']);
});

test('users_time_zone_must_be_a_real_zone', async () => {
	// files under /usr/share/zoneinfo that are not zones
	for (const tz of ['leapseconds', 'Europe']) {
		const r = await admin.post('/api/users', { login: uniq('tzf'), password: 'password-123', role: 'agent', time_zone: tz });
		expectError(r, 422, 'validation_failed', ['time_zone']);
	}
});

test('users_password_reset_by_admin_ends_existing_sessions', async () => {
	// an admin resets the password of a possibly compromised account
	const u = await newUser();
	const s = await srv.login(u.login, 'password-123');
	expectStatus(await s.get('/api/me'), 200);
	expectStatus(await admin.patch(`/api/users/${u.id}`, { password: 'reset-password-1', version: u.version }), 200);
	expectError(await s.get('/api/me'), 401, 'unauthorized');
	expectStatus(await srv.tryLogin(u.login, 'reset-password-1'), 200);
});
