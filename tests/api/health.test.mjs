// health: /healthz, security headers, JSON errors for unknown paths, wrong
// methods and bad ids, and the order of the server's checks.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus } from './lib/harness.mjs';

let srv, admin, agent;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
});
after(async () => {
	await srv?.stop();
});

function assertSecurityHeaders(r, what) {
	const csp = r.headers.get('content-security-policy');
	assert.ok(csp, `${what}: Content-Security-Policy missing`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP without frame-ancestors 'none'`);
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
	assert.ok(r.headers.get('referrer-policy'), `${what}: Referrer-Policy missing`);
}

test('healthz_answers_ok_without_auth', async () => {
	const r = await srv.raw('GET', '/healthz');
	expectStatus(r, 200);
	assert.deepEqual(r.body, { status: 'ok' });
	assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('healthz_ignores_a_bad_session_cookie', async () => {
	const r = await srv.raw('GET', '/healthz', { headers: { Cookie: 'kontakt_session=garbage' } });
	expectStatus(r, 200);
	assert.deepEqual(r.body, { status: 'ok' });
});

test('security_headers_on_every_response', async () => {
	const cases = [
		['healthz 200', () => srv.raw('GET', '/healthz')],
		['unknown path 404', () => srv.raw('GET', '/no/such/path')],
		['wrong method 405', () => srv.raw('PUT', '/api/contacts')],
		['anonymous 401', () => srv.raw('GET', '/api/contacts')],
		['bad id 400', () => agent.get('/api/contacts/abc')],
		['agent 403', () => agent.post('/api/departments', { name: 'X' })],
		['list 200', () => agent.get('/api/contacts')],
		['create 201', () => agent.post('/api/contacts', { last_name: 'Nagłówek' })],
		['validation 422', () => agent.post('/api/contacts', {})],
		['login 401', () => srv.tryLogin('nobody-here', 'whatever123')],
		['415', () => agent.raw('POST', '/api/contacts', { body: 'x', headers: { 'Content-Type': 'text/plain' } })],
	];
	for (const [what, fn] of cases) {
		const r = await fn();
		assertSecurityHeaders(r, what);
	}
	// 204 (no body) too
	const c = await agent.post('/api/contacts', { last_name: 'DoUsunięcia' });
	expectStatus(c, 201);
	const d = await agent.del(`/api/contacts/${c.body.id}`);
	expectStatus(d, 204);
	assertSecurityHeaders(d, 'delete 204');
});

test('json_responses_are_not_cached', async () => {
	const r = await agent.get('/api/me');
	expectStatus(r, 200);
	assert.match(r.headers.get('cache-control') || '', /no-store/);
});

test('unknown_path_gives_json_404', async () => {
	for (const p of ['/nope', '/api/nope', '/api/contacts/1/nope', '/api', '/api/contactsx']) {
		const r = await agent.get(p);
		expectError(r, 404, 'not_found');
		assert.match(r.headers.get('content-type'), /^application\/json/, p);
	}
});

test('unknown_path_gives_404_even_without_auth', async () => {
	const r = await srv.raw('GET', '/api/no-such-resource');
	expectError(r, 404, 'not_found');
});

test('wrong_method_gives_json_405_with_allow', async () => {
	const r = await agent.raw('PUT', '/api/contacts', {
		body: '{}',
		headers: { 'Content-Type': 'application/json' },
	});
	expectError(r, 405, 'method_not_allowed');
	const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim());
	assert.ok(allow.includes('GET') && allow.includes('POST'), `Allow: ${r.headers.get('allow')}`);
	assert.ok(!allow.includes('PUT'));

	const r2 = await agent.raw('PUT', '/api/contacts/1');
	expectError(r2, 405, 'method_not_allowed');
	const allow2 = (r2.headers.get('allow') || '').split(',').map((s) => s.trim());
	for (const m of ['GET', 'PATCH', 'DELETE']) assert.ok(allow2.includes(m), `Allow: ${r2.headers.get('allow')}`);

	const r3 = await srv.raw('POST', '/healthz');
	expectError(r3, 405, 'method_not_allowed');
	assert.match(r3.headers.get('allow') || '', /GET/);
});

test('wrong_method_on_session_lists_allowed_methods', async () => {
	const r = await srv.raw('GET', '/api/session');
	expectError(r, 405, 'method_not_allowed');
	const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim());
	assert.deepEqual(allow.sort(), ['DELETE', 'POST']);
});

test('path_id_must_be_a_positive_integer', async () => {
	for (const id of ['abc', '0', '-1', '1234567890123456789012345', '1.5', '01', '1e3', '%20']) {
		const r = await agent.get(`/api/contacts/${id}`);
		expectError(r, 400, null);
		assert.match(r.headers.get('content-type'), /^application\/json/);
	}
	// also on nested and other entities' routes
	expectError(await agent.get('/api/contacts/abc/history'), 400);
	expectError(await agent.post('/api/contacts/0/restore'), 400);
	expectError(await agent.del('/api/tokens/-1'), 400);
	expectError(await agent.patch('/api/companies/x', { version: 1 }), 400);
});

test('path_with_an_encoded_nul_is_refused', async () => {
	// "/api/contacts/1%00" must not be read as "/api/contacts/1"
	const c = await agent.post('/api/contacts', { last_name: 'Nul' });
	expectStatus(c, 201);
	const r = await agent.get(`/api/contacts/${c.body.id}%00`);
	assert.ok(r.status === 400 || r.status === 404, `GET /api/contacts/${c.body.id}%00: got ${r.status}: ${r.text}`);
	const r2 = await agent.del(`/api/contacts/${c.body.id}%00junk`);
	assert.ok(r2.status === 400 || r2.status === 404, `DELETE /api/contacts/${c.body.id}%00junk: got ${r2.status}: ${r2.text}`);
	expectStatus(await agent.get(`/api/contacts/${c.body.id}`), 200, 'the contact is still there');
});

test('bad_id_is_checked_before_auth', async () => {
	const r = await srv.raw('GET', '/api/contacts/abc');
	expectError(r, 400);
});

test('nonexistent_id_gives_404', async () => {
	expectError(await agent.get('/api/contacts/999999'), 404, 'not_found');
	expectError(await agent.get('/api/contacts/9223372036854775807'), 404, 'not_found');
	expectError(await agent.get('/api/companies/999999/history'), 404, 'not_found');
});

test('checks_order_body_size_before_auth', async () => {
	const big = Buffer.alloc(1536 * 1024, 'a');
	const r = await srv.raw('POST', '/api/contacts', { body: big, headers: { 'Content-Type': 'application/json' } });
	expectError(r, 413, 'too_large');
});

test('checks_order_route_before_body_size', async () => {
	const big = Buffer.alloc(1536 * 1024, 'a');
	const r = await srv.raw('POST', '/api/nowhere', { body: big, headers: { 'Content-Type': 'application/json' } });
	expectError(r, 404, 'not_found');
});

test('checks_order_auth_before_json', async () => {
	const r = await srv.raw('POST', '/api/contacts', { body: '{not json', headers: { 'Content-Type': 'text/plain' } });
	expectError(r, 401, 'unauthorized');
});

test('checks_order_role_before_json', async () => {
	const r = await agent.raw('POST', '/api/departments', { body: '{not json', headers: { 'Content-Type': 'application/json' } });
	expectError(r, 403, 'forbidden');
});

test('checks_order_csrf_before_content_type', async () => {
	const r = await agent.raw('POST', '/api/contacts', {
		body: 'x',
		headers: { 'Content-Type': 'text/plain' },
		csrf: false,
	});
	expectError(r, 403, 'csrf_failed');
});

test('checks_order_content_type_before_json', async () => {
	const r = await agent.raw('POST', '/api/contacts', { body: '{not json', headers: { 'Content-Type': 'text/plain' } });
	expectError(r, 415, 'unsupported_media_type');
});

test('content_type_must_be_application_json', async () => {
	const body = JSON.stringify({ last_name: 'Typ' });
	for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x']) {
		const r = await agent.raw('POST', '/api/contacts', { body, headers: { 'Content-Type': ct } });
		expectError(r, 415, 'unsupported_media_type');
	}
	const r = await agent.raw('POST', '/api/contacts', { body, headers: {} });
	assert.ok([400, 415].includes(r.status), `no Content-Type: ${r.status} ${r.text}`);
	for (const ct of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
		const ok = await agent.raw('POST', '/api/contacts', { body, headers: { 'Content-Type': ct } });
		expectStatus(ok, 201, ct);
	}
});

test('overlong_url_is_refused_with_json', async () => {
	const r = await agent.get('/api/contacts/' + 'a'.repeat(5000));
	assert.ok([413, 414].includes(r.status), `got ${r.status}: ${r.text.slice(0, 200)}`);
	assert.ok(r.body?.error?.code, r.text.slice(0, 200));
});

test('deeply_nested_json_is_refused_without_crash', async () => {
	const deep = '['.repeat(100000) + ']'.repeat(100000);
	const r = await agent.raw('POST', '/api/contacts', { body: deep, headers: { 'Content-Type': 'application/json' } });
	expectError(r, 400, 'bad_json');
	const again = await srv.raw('GET', '/healthz');
	expectStatus(again, 200);
});

test('head_healthz_answers_without_body', async () => {
	const r = await srv.raw('HEAD', '/healthz');
	expectStatus(r, 200);
	assert.equal(r.text, '');
});

test('every_response_has_a_request_id', async () => {
	const a = await srv.raw('GET', '/healthz');
	const b = await srv.raw('GET', '/healthz');
	assert.ok(a.headers.get('x-request-id'));
	assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
});

test('error_bodies_have_code_and_message', async () => {
	const r = await admin.post('/api/contacts', { first_name: 'Bez nazwiska' });
	const e = expectError(r, 422, 'validation_failed', ['last_name']);
	assert.equal(typeof e.fields.last_name, 'string');
});

test('oversized_query_or_headers_are_refused_and_server_survives', async () => {
	const q = await agent.get('/api/contacts?city=' + 'x'.repeat(20000));
	assert.ok(q.status >= 400 && q.status < 500, `20 kB query: ${q.status}`);
	const h = await agent.raw('GET', '/api/me', { headers: { 'X-Big': 'y'.repeat(20000) } });
	assert.ok(h.status >= 400 && h.status < 500, `20 kB header: ${h.status}`);
	expectStatus(await agent.get('/api/me'), 200, 'the server still answers');
});

test('options_gives_405_with_allow', async () => {
	const r = await agent.raw('OPTIONS', '/api/contacts');
	expectError(r, 405, 'method_not_allowed');
	assert.match(r.headers.get('allow') || '', /GET/);
});

test('ui_routes_of_the_office_pages_answer_index_html', async () => {
	// A reload or a shared link of these client-side routes gets the UI.
	const index = await srv.raw('GET', '/');
	expectStatus(index, 200);
	for (const p of ['/announcements', '/kb', '/kb/12']) {
		const r = await srv.raw('GET', p);
		expectStatus(r, 200, p);
		assert.match(r.headers.get('content-type'), /^text\/html/, p);
		assert.equal(r.text, index.text, `${p} is index.html`);
	}
	expectError(await srv.raw('GET', '/kb/x'), 400, 'bad_query');
});
