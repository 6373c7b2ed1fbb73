// tokens: API tokens (create, list, revoke) and bearer authentication.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, Client } from './lib/harness.mjs';

let srv, admin, agent1, agent2;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	agent2 = await srv.session('agent2');
});
after(async () => {
	await srv?.stop();
});

const bearer = (token) => new Client(srv.url, { token });

test('tokens_create_returns_the_secret_once', async () => {
	const r = await agent1.post('/api/tokens', { name: 'integracja' });
	expectStatus(r, 201);
	assert.match(r.body.token, /^kt_[A-Za-z0-9_-]{20,}$/);
	assert.equal(r.body.name, 'integracja');
	assert.equal(typeof r.body.id, 'number');
	const again = await agent1.post('/api/tokens', { name: 'integracja' });
	expectStatus(again, 201);
	assert.notEqual(again.body.token, r.body.token, 'every token is new');
});

test('tokens_create_validates_name', async () => {
	for (const body of [{}, { name: '' }, { name: 5 }, { name: 'x'.repeat(101) }, { name: 'ok', scope: 'all' }, { name: null }]) {
		const r = await agent1.post('/api/tokens', body);
		expectError(r, 422, 'validation_failed');
	}
	expectStatus(await agent1.post('/api/tokens', { name: 'x'.repeat(100) }), 201, '100 characters');
	expectError(await agent1.raw('POST', '/api/tokens', { body: '[]', headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
});

test('tokens_name_limit_counts_characters_not_bytes', async () => {
	// "1 to 100 characters": 100 Polish letters are 200 bytes of UTF-8
	const r = await agent1.post('/api/tokens', { name: 'ż'.repeat(100) });
	expectStatus(r, 201, 'POST /api/tokens {"name": "ż" x 100}');
	expectError(await agent1.post('/api/tokens', { name: 'ż'.repeat(101) }), 422, 'validation_failed', ['name']);
});

test('bearer_token_works_for_me', async () => {
	const t = await agent1.bearer('me');
	const r = await t.get('/api/me');
	expectStatus(r, 200);
	assert.equal(r.body.login, 'agent1');
	assert.equal(r.body.csrf_token, undefined, 'no CSRF token for bearer callers');
});

test('bearer_mutations_need_no_csrf_token', async () => {
	const t = await agent1.bearer('writes');
	const c = await t.post('/api/contacts', { last_name: 'Przez token' });
	expectStatus(c, 201);
	assert.equal(c.body.owner_id, agent1.user.id);
	const p = await t.patch(`/api/contacts/${c.body.id}`, { city: 'Kraków', version: c.body.version });
	expectStatus(p, 200);
	expectStatus(await t.del(`/api/contacts/${c.body.id}`), 204);
});

test('bearer_token_keeps_the_role_of_its_user', async () => {
	const t = await agent1.bearer('role');
	expectError(await t.post('/api/departments', { name: 'Przez token agenta' }), 403, 'forbidden');
	const a = await admin.bearer('admin role');
	expectStatus(await a.post('/api/departments', { name: 'Przez token admina' }), 201);
});

test('tokens_list_does_not_show_secrets', async () => {
	const r = await agent2.post('/api/tokens', { name: 'lista' });
	expectStatus(r, 201);
	const list = await agent2.get('/api/tokens');
	expectStatus(list, 200);
	assert.ok(Array.isArray(list.body.items));
	const item = list.body.items.find((i) => i.id === r.body.id);
	assert.ok(item, 'the new token is listed');
	assert.equal(item.name, 'lista');
	assert.ok(item.created_at);
	assert.equal(item.revoked_at, null);
	assert.ok(!list.text.includes(r.body.token), 'the secret is never listed');
	assert.ok(!list.text.includes('token_hash'));
	for (const i of list.body.items) assert.equal(i.token, undefined);
});

test('tokens_list_shows_only_my_tokens', async () => {
	const mine = await agent2.post('/api/tokens', { name: 'agent2-only' });
	expectStatus(mine, 201);
	const list = await agent1.get('/api/tokens');
	expectStatus(list, 200);
	assert.ok(!list.body.items.some((i) => i.id === mine.body.id), 'agent1 does not see agent2\'s token');
});

test('tokens_list_records_last_used_at', async () => {
	const r = await agent2.post('/api/tokens', { name: 'used' });
	expectStatus(r, 201);
	expectStatus(await bearer(r.body.token).get('/api/me'), 200);
	const item = (await agent2.get('/api/tokens')).body.items.find((i) => i.id === r.body.id);
	assert.ok(item.last_used_at, `last_used_at is set after use: ${JSON.stringify(item)}`);
});

test('tokens_delete_revokes', async () => {
	const r = await agent1.post('/api/tokens', { name: 'revoke me' });
	expectStatus(r, 201);
	const t = bearer(r.body.token);
	expectStatus(await t.get('/api/me'), 200);
	const d = await agent1.del(`/api/tokens/${r.body.id}`);
	expectStatus(d, 204);
	expectError(await t.get('/api/me'), 401, 'unauthorized');
	expectError(await t.post('/api/contacts', { last_name: 'Po odwołaniu' }), 401, 'unauthorized');
	const item = (await agent1.get('/api/tokens')).body.items.find((i) => i.id === r.body.id);
	assert.ok(item.revoked_at, 'the list shows it revoked');
	expectError(await agent1.del(`/api/tokens/${r.body.id}`), 404, 'not_found');
});

test('bearer_cannot_create_list_or_revoke_tokens', async () => {
	// A stolen token must not mint more tokens, see the others, or revoke
	// them: only a password session manages tokens.
	const r = await agent1.post('/api/tokens', { name: 'no chains' });
	expectStatus(r, 201);
	const t = bearer(r.body.token);
	for (const res of [await t.post('/api/tokens', { name: 'child' }), await t.get('/api/tokens'),
		await t.del(`/api/tokens/${r.body.id}`)]) {
		const e = expectError(res, 403, 'forbidden');
		assert.match(e.message, /password/, 'the message says a password session is needed');
	}
	expectStatus(await t.get('/api/me'), 200, 'the refused revocation left the token working');
	assert.ok(!(await agent1.get('/api/tokens')).body.items.some((i) => i.name === 'child'), 'no child token was made');
});

test('tokens_of_another_user_are_404_for_an_agent', async () => {
	const r = await agent2.post('/api/tokens', { name: 'not yours' });
	expectStatus(r, 201);
	expectError(await agent1.del(`/api/tokens/${r.body.id}`), 404, 'not_found');
	expectStatus(await bearer(r.body.token).get('/api/me'), 200, 'still valid');
	expectError(await agent1.del('/api/tokens/999999'), 404, 'not_found');
});

test('tokens_admin_can_revoke_any_token', async () => {
	const r = await agent2.post('/api/tokens', { name: 'admin revokes' });
	expectStatus(await admin.del(`/api/tokens/${r.body.id}`), 204);
	expectError(await bearer(r.body.token).get('/api/me'), 401);
});

test('garbage_bearer_is_401', async () => {
	for (const h of ['Bearer garbage', 'Bearer kt_garbage', 'Bearer ', 'Bearer kt_' + 'a'.repeat(2000), 'Basic YWRtaW46YWRtaW4=', 'bearer', 'Token kt_x']) {
		const r = await srv.raw('GET', '/api/me', { headers: { Authorization: h } });
		expectError(r, 401, 'unauthorized');
	}
});

test('garbage_bearer_is_401_even_with_a_valid_cookie', async () => {
	// the Authorization header wins: a bad token is not rescued by the cookie
	const r = await agent1.raw('GET', '/api/me', { headers: { Authorization: 'Bearer kt_nope' } });
	expectError(r, 401, 'unauthorized');
});

test('revoked_bearer_is_401_on_tokens', async () => {
	const r = await agent1.post('/api/tokens', { name: 'chain' });
	const t = bearer(r.body.token);
	expectStatus(await agent1.del(`/api/tokens/${r.body.id}`), 204);
	expectError(await t.post('/api/tokens', { name: 'child2' }), 401);
});

test('tokens_routes_need_auth', async () => {
	expectError(await srv.raw('GET', '/api/tokens'), 401);
	expectError(await srv.anon.post('/api/tokens', { name: 'anon' }), 401);
	expectError(await srv.raw('DELETE', '/api/tokens/1'), 401);
});
