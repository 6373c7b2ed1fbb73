// session: log-in, the cookie, CSRF, /api/me, log-out, session fixation,
// throttling, and that no password hash ever leaves the server.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, deepKeys, USERS } from './lib/harness.mjs';

let srv, admin;

before(async () => {
	// a minute's wait after the free failures, so the 429s below hold
	srv = await startServer({ env: { KONTAKT_LOGIN_DELAY_MS: '60000' } });
	admin = await srv.session('admin');
});
after(async () => {
	await srv?.stop();
});

function assertNoPasswordHash(r, what) {
	assert.ok(!r.text.includes('$argon2'), `${what}: a password hash in the reply: ${r.text}`);
	const keys = deepKeys(r.body);
	assert.ok(!keys.has('password_hash'), `${what}: "password_hash" in the reply: ${r.text}`);
	assert.ok(!keys.has('password') || what.includes('history'), `${what}: "password" in the reply: ${r.text}`);
}

test('login_returns_user_csrf_and_session_cookie', async () => {
	const r = await srv.tryLogin('agent1', USERS.agent1.password);
	expectStatus(r, 200);
	assert.equal(r.body.user.login, 'agent1');
	assert.equal(r.body.user.role, 'agent');
	assert.equal(typeof r.body.user.id, 'number');
	assert.equal(typeof r.body.csrf_token, 'string');
	assert.ok(r.body.csrf_token.length >= 20);
	const c = r.setCookie.find((s) => s.startsWith('kontakt_session='));
	assert.ok(c, `Set-Cookie: ${r.setCookie}`);
	assert.ok(r.cookie && r.cookie.length >= 20, 'a long random session id');
	assert.match(c, /;\s*HttpOnly/i);
	assert.match(c, /;\s*SameSite=Lax/i);
	assert.match(c, /;\s*Path=\//i);
	assertNoPasswordHash(r, 'login');
});

test('login_wrong_password_is_401', async () => {
	const r = await srv.tryLogin('agent2', 'wrong password!');
	expectError(r, 401, 'unauthorized');
	assert.equal(r.cookie, null, 'no session cookie on failure');
});

test('login_unknown_login_is_401_with_same_message', async () => {
	const a = await srv.tryLogin('agent2', 'wrong password!');
	const b = await srv.tryLogin('no-such-user', 'wrong password!');
	expectError(a, 401, 'unauthorized');
	expectError(b, 401, 'unauthorized');
	assert.deepEqual(a.body, b.body, 'the same reply whether the login exists or not');
	// agent2 can still log in afterwards (2 failures < 5)
	expectStatus(await srv.tryLogin('agent2', USERS.agent2.password), 200);
});

test('login_rejects_missing_fields', async () => {
	for (const body of [{}, { login: 'admin' }, { password: 'x'.repeat(10) }, { login: '', password: 'abcdefgh' }]) {
		const r = await srv.anon.post('/api/session', body);
		assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)}: ${r.status}`);
		assert.ok(r.body?.error?.code, r.text);
		assert.ok(!r.headers.getSetCookie().some((c) => /^kontakt_session=[^;]+/.test(c)), 'no session cookie');
	}
});

test('login_rejects_extra_fields', async () => {
	const r = await srv.anon.post('/api/session', { login: 'admin', password: USERS.admin.password, role: 'admin' });
	expectError(r, 422, 'validation_failed', ['role']);
});

test('login_rejects_wrong_types', async () => {
	for (const body of [{ login: 5, password: 'abcdefgh' }, { login: 'admin', password: 12345678 },
		{ login: ['admin'], password: 'abcdefgh' }, { login: 'admin', password: null }]) {
		const r = await srv.anon.post('/api/session', body);
		assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)}: ${r.status}`);
		assert.ok(r.body?.error?.code, r.text);
	}
});

test('login_rejects_non_json_body', async () => {
	const form = await srv.raw('POST', '/api/session', {
		body: 'login=admin&password=x',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
	});
	assert.ok([400, 415].includes(form.status), `form: ${form.status} ${form.text}`);
	assert.ok(form.body?.error?.code);
	const garbage = await srv.raw('POST', '/api/session', { body: '{login:', headers: { 'Content-Type': 'application/json' } });
	expectError(garbage, 400, 'bad_json');
	const empty = await srv.raw('POST', '/api/session', { headers: { 'Content-Type': 'application/json' } });
	expectError(empty, 400);
	const arr = await srv.raw('POST', '/api/session', { body: '["admin","x"]', headers: { 'Content-Type': 'application/json' } });
	expectError(arr, 400, 'bad_json');
});

test('me_with_cookie_returns_the_user', async () => {
	const r = await admin.get('/api/me');
	expectStatus(r, 200);
	assert.equal(r.body.login, 'admin');
	assert.equal(r.body.role, 'admin');
	assert.equal(r.body.csrf_token, admin.csrf, 'the session\'s CSRF token');
	assertNoPasswordHash(r, 'me');
});

test('me_without_auth_is_401', async () => {
	expectError(await srv.raw('GET', '/api/me'), 401, 'unauthorized');
	expectError(await srv.raw('GET', '/api/me', { headers: { Cookie: 'kontakt_session=forged-value' } }), 401, 'unauthorized');
	expectError(await srv.raw('GET', '/api/me', { headers: { Cookie: 'kontakt_session=' } }), 401, 'unauthorized');
	expectError(await srv.raw('GET', '/api/me', { headers: { Cookie: 'kontakt_session=' + 'a'.repeat(3000) } }), 401);
});

test('logout_ends_the_session', async () => {
	const c = await srv.login('agent3');
	expectStatus(await c.get('/api/me'), 200);
	const r = await c.del('/api/session');
	expectStatus(r, 204);
	assert.equal(r.text, '');
	const cleared = r.headers.getSetCookie().find((s) => s.startsWith('kontakt_session='));
	assert.ok(cleared, 'the cookie is cleared');
	assert.match(cleared, /Max-Age=0|Expires=/i);
	expectError(await c.get('/api/me'), 401, 'unauthorized');
	expectError(await c.post('/api/contacts', { last_name: 'Po wylogowaniu' }), 401, 'unauthorized');
});

test('logout_needs_csrf_token', async () => {
	const c = await srv.login('agent3');
	expectError(await c.del('/api/session', undefined, { csrf: false }), 403, 'csrf_failed');
	expectStatus(await c.get('/api/me'), 200, 'still logged in');
});

test('logout_without_session_is_401', async () => {
	expectError(await srv.raw('DELETE', '/api/session'), 401, 'unauthorized');
});

test('cookie_mutation_without_csrf_token_is_403', async () => {
	const r = await admin.post('/api/contacts', { last_name: 'Bez tokenu' }, { csrf: false });
	expectError(r, 403, 'csrf_failed');
	const list = await admin.get('/api/contacts?q=tokenu');
	expectStatus(list, 200);
	assert.equal(list.body.items.length, 0, 'nothing was written');
	const contact = await admin.post('/api/contacts', { last_name: 'Z tokenem' });
	expectStatus(contact, 201);
	expectError(await admin.patch(`/api/contacts/${contact.body.id}`, { version: 1, city: 'X' }, { csrf: false }), 403, 'csrf_failed');
	expectError(await admin.del(`/api/contacts/${contact.body.id}`, undefined, { csrf: false }), 403, 'csrf_failed');
	expectError(await admin.post('/api/tokens', { name: 'x' }, { csrf: false }), 403, 'csrf_failed');
});

test('cookie_mutation_with_wrong_csrf_token_is_403', async () => {
	const other = await srv.session('manager');
	for (const token of ['wrong', '', admin.csrf.slice(0, -1), admin.csrf + 'x', other.csrf]) {
		const r = await admin.post('/api/contacts', { last_name: 'Zły token' }, { csrf: false, headers: { 'X-CSRF-Token': token } });
		expectError(r, 403, 'csrf_failed');
	}
});

test('cookie_get_needs_no_csrf_token', async () => {
	expectStatus(await admin.get('/api/contacts', { csrf: false }), 200);
});

test('new_login_gives_a_new_session_cookie', async () => {
	const first = await srv.tryLogin('manager', USERS.manager.password);
	expectStatus(first, 200);
	// log in again presenting the old cookie (session fixation)
	const second = await srv.tryLogin('manager', USERS.manager.password, { cookie: first.cookie });
	expectStatus(second, 200);
	assert.ok(second.cookie);
	assert.notEqual(second.cookie, first.cookie, 'a new session id');
	assert.notEqual(second.body.csrf_token, first.body.csrf_token, 'a new CSRF token');
	expectStatus(await second.client.get('/api/me'), 200);
	expectError(await first.client.get('/api/me'), 401, 'unauthorized');
});

test('login_with_a_forged_cookie_does_not_adopt_it', async () => {
	const forged = 'attacker-chosen-session-id-0123456789';
	const r = await srv.tryLogin('agent1', USERS.agent1.password, { cookie: forged });
	expectStatus(r, 200);
	assert.notEqual(r.cookie, forged);
	expectError(await srv.raw('GET', '/api/me', { headers: { Cookie: `kontakt_session=${forged}` } }), 401);
});

test('two_sessions_of_one_user_are_independent', async () => {
	const a = await srv.login('agent2');
	const b = await srv.login('agent2');
	expectStatus(await a.del('/api/session'), 204);
	expectError(await a.get('/api/me'), 401);
	expectStatus(await b.get('/api/me'), 200);
});

test('me_update_changes_own_name', async () => {
	const c = await srv.login('agent1');
	const me = (await c.get('/api/me')).body;
	const r = await c.patch('/api/me', { name: 'Agent Jeden', version: me.version });
	expectStatus(r, 200);
	assert.equal(r.body.name, 'Agent Jeden');
	assert.equal(r.body.version, me.version + 1);
	assertNoPasswordHash(r, 'me update');
	expectStatus(await c.get('/api/me'), 200);
	assert.equal((await c.get('/api/me')).body.name, 'Agent Jeden');
});

test('me_update_cannot_change_role_or_login', async () => {
	const c = await srv.session('agent3');
	const me = (await c.get('/api/me')).body;
	expectError(await c.patch('/api/me', { role: 'admin', version: me.version }), 422, 'validation_failed', ['role']);
	expectError(await c.patch('/api/me', { login: 'root', version: me.version }), 422, 'validation_failed', ['login']);
	expectError(await c.patch('/api/me', { active: false, version: me.version }), 422, 'validation_failed', ['active']);
	const after = (await c.get('/api/me')).body;
	assert.equal(after.role, 'agent');
	assert.equal(after.login, 'agent3');
});

test('me_update_validates_time_zone', async () => {
	const c = await srv.session('agent3');
	const me = (await c.get('/api/me')).body;
	expectError(await c.patch('/api/me', { time_zone: 'Mars/Olympus', version: me.version }), 422, 'validation_failed', ['time_zone']);
	const ok = await c.patch('/api/me', { time_zone: 'America/New_York', version: me.version });
	expectStatus(ok, 200);
	assert.equal(ok.body.time_zone, 'America/New_York');
});

test('me_update_with_stale_version_is_409', async () => {
	const c = await srv.session('agent3');
	const me = (await c.get('/api/me')).body;
	expectStatus(await c.patch('/api/me', { name: 'A', version: me.version }), 200);
	expectError(await c.patch('/api/me', { name: 'B', version: me.version }), 409, 'version_conflict');
	assert.equal((await c.get('/api/me')).body.name, 'A');
});

test('me_update_needs_csrf', async () => {
	const c = await srv.session('agent3');
	const me = (await c.get('/api/me')).body;
	expectError(await c.patch('/api/me', { name: 'C', version: me.version }, { csrf: false }), 403, 'csrf_failed');
});

test('password_hash_never_in_responses', async () => {
	// a user whose password was changed, so the history has an update
	const u = await admin.post('/api/users', { login: 'hashcheck', password: 'first-password', role: 'agent' });
	expectStatus(u, 201);
	assertNoPasswordHash(u, 'users create');
	const p = await admin.patch(`/api/users/${u.body.id}`, { password: 'second-password', version: u.body.version });
	expectStatus(p, 200);
	assertNoPasswordHash(p, 'users update');
	const list = await admin.get('/api/users?limit=500');
	expectStatus(list, 200);
	assertNoPasswordHash(list, 'users list');
	for (const usr of list.body.items) {
		const one = await admin.get(`/api/users/${usr.id}`);
		expectStatus(one, 200);
		assertNoPasswordHash(one, 'users get');
	}
	const me = await admin.get('/api/me');
	assertNoPasswordHash(me, 'me');
	const agentView = await (await srv.session('agent3')).get('/api/users');
	assertNoPasswordHash(agentView, 'users list as agent');
	const hist = await admin.get(`/api/users/${u.body.id}/history`);
	expectStatus(hist, 200);
	assertNoPasswordHash(hist, 'users history');
	const filtered = await admin.get('/api/users?login=hashcheck');
	expectStatus(filtered, 200);
	assertNoPasswordHash(filtered, 'users filtered');
});

test('users_filter_on_password_hash_is_refused', async () => {
	const r = await admin.get('/api/users?password_hash=x');
	expectError(r, 400, 'bad_query');
	const s = await admin.get('/api/users?sort=password_hash');
	expectError(s, 400, 'bad_query');
});

test('login_throttled_after_5_failures', async () => {
	const u = await admin.post('/api/users', { login: 'throttled', password: 'the-right-password', role: 'agent' });
	expectStatus(u, 201);
	for (let i = 0; i < 5; i++) {
		const r = await srv.tryLogin('throttled', `wrong-${i}-password`);
		expectError(r, 401, 'unauthorized');
	}
	const r = await srv.tryLogin('throttled', 'the-right-password');
	expectError(r, 429, 'too_many_attempts');
	const ra = r.headers.get('retry-after');
	assert.ok(ra && /^\d+$/.test(ra) && Number(ra) > 0, `Retry-After: ${ra}`);
	assert.equal(r.cookie, null);
	// other logins are not affected
	expectStatus(await srv.tryLogin('agent3', USERS.agent3.password), 200);
});

test('login_throttle_counts_per_login_not_reset_by_other_logins', async () => {
	const u = await admin.post('/api/users', { login: 'throttled2', password: 'the-right-password', role: 'agent' });
	expectStatus(u, 201);
	for (let i = 0; i < 4; i++) expectError(await srv.tryLogin('throttled2', 'bad-password'), 401);
	// a successful log-in of another user does not reset this login's count
	expectStatus(await srv.tryLogin('agent1', USERS.agent1.password), 200);
	expectError(await srv.tryLogin('throttled2', 'bad-password'), 401);
	expectError(await srv.tryLogin('throttled2', 'the-right-password'), 429, 'too_many_attempts');
});

// (keep the failures of this file under 20: the per-address limit)
test('successful_login_resets_the_failure_count', async () => {
	const u = await admin.post('/api/users', { login: 'resetme', password: 'the-right-password', role: 'agent' });
	expectStatus(u, 201);
	for (let i = 0; i < 3; i++) expectError(await srv.tryLogin('resetme', 'bad-password'), 401);
	expectStatus(await srv.tryLogin('resetme', 'the-right-password'), 200);
	for (let i = 0; i < 3; i++) expectError(await srv.tryLogin('resetme', 'bad-password'), 401);
	expectStatus(await srv.tryLogin('resetme', 'the-right-password'), 200);
});
