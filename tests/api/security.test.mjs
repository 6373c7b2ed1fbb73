// security: SQL injection in every text field and query parameter, stored
// HTML/JS returned as data, CSRF on every cookie-authenticated mutation,
// anonymous access to every route, session cookie and fixation, secrets in
// replies and in the log, throttling per login and per address, and path
// traversal on the static files and the calendar feed.  The route list is
// GET /api/openapi.json plus the fixed routes of src/api/routes.c, so a new
// route is covered the day it lands.
import { before, after } from 'node:test';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, test, assert, expectError, expectStatus, pageAll, deepKeys, uniq, USERS } from './lib/harness.mjs';

let srv, admin, agent1, agent3, openapi;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	agent3 = await srv.session('agent3');
	openapi = expectStatus(await srv.anon.get('/api/openapi.json'), 200, 'openapi');
});
after(async () => {
	await srv?.stop();
});

// Strings a naive string-built query would choke on or obey.
const SQLI = [
	"' OR '1'='1",
	"'; DROP TABLE contacts; --",
	"Robert'); DROP TABLE companies;--",
	'" OR ""="',
	"1' UNION SELECT login, password_hash FROM users --",
	"x'||(SELECT sqlite_version())||'",
	"'; SELECT pg_sleep(5); --",
	"\\'; DELETE FROM users WHERE '1'='1",
	"%_' ESCAPE '\\",
	"1; UPDATE users SET role='admin'",
	"O'Brien -- /* */ ;",
];

const XSS = [
	'<img src=x onerror=alert(1)>',
	'<script>alert(document.cookie)</script>',
	'"><svg onload=alert(1)>',
	"'><iframe src=javascript:alert(1)></iframe>",
	'</script><script>alert(1)</script>',
	'{{constructor.constructor("alert(1)")()}}',
];

// The entities under test: their free-text fields and what else a create needs.
const ENTITIES = {
	contacts: { text: ['first_name', 'last_name', 'city', 'address'], base: () => ({ visibility: 'company' }) },
	companies: { text: ['name', 'city', 'address'], base: () => ({ visibility: 'company' }) },
	activities: { text: ['subject', 'note', 'place', 'goal'], base: () => ({ kind: 'task', visibility: 'company' }) },
	inquiries: { text: ['title'], base: () => ({ visibility: 'company' }) },
	notes: { text: ['body'], base: (ctx) => ({ contact_id: ctx.contactId }) },
};

// Fields with a format or a set of values: an injection string is refused.
const FORMATTED = {
	contacts: ['email', 'phone', 'pesel', 'birth_date', 'kind', 'visibility'],
	companies: ['nip', 'regon', 'phone', 'email', 'visibility'],
	activities: ['starts_at', 'status', 'priority', 'kind'],
	inquiries: ['planned_close_date', 'outcome', 'visibility'],
	notes: [],
};

function maxLen(entity, field) {
	return openapi.components.schemas[entity].properties[field]?.maxLength ?? 300;
}

function recordFor(entity, value, ctx) {
	const rec = ENTITIES[entity].base(ctx);
	for (const f of ENTITIES[entity].text) rec[f] = value.slice(0, maxLen(entity, f));
	return rec;
}

async function counts(client) {
	const out = {};
	for (const e of [...Object.keys(ENTITIES), 'users'])
		out[e] = (await pageAll(client, `/api/${e}?limit=100`, { max: 1000 })).length;
	return out;
}

function assertNot5xx(r, what) {
	assert.ok(r.status < 500, `${what}: ${r.status} ${r.text}`);
	assert.match(r.headers.get('content-type') || '', /^application\/json/, `${what}: Content-Type`);
	if (r.status >= 400) assert.ok(r.body?.error?.code, `${what}: a JSON error: ${r.text}`);
}

async function ctxNew() {
	const c = await admin.post('/api/contacts', { last_name: uniq('Ctx'), visibility: 'company' });
	expectStatus(c, 201, 'context contact');
	return { contactId: c.body.id };
}

test('sqli_strings_in_every_text_field_are_stored_verbatim', async () => {
	const ctx = await ctxNew();
	const before = await counts(admin);
	const created = Object.fromEntries(Object.keys(ENTITIES).map((e) => [e, 0]));
	for (const entity of Object.keys(ENTITIES)) {
		for (const s of SQLI) {
			const rec = recordFor(entity, s, ctx);
			const r = await admin.post(`/api/${entity}`, rec);
			assertNot5xx(r, `POST /api/${entity} ${JSON.stringify(rec)}`);
			expectStatus(r, 201, `POST /api/${entity} with ${JSON.stringify(s)}`);
			created[entity]++;
			const g = expectStatus(await admin.get(`/api/${entity}/${r.body.id}`), 200);
			for (const f of ENTITIES[entity].text) assert.equal(g[f], rec[f], `${entity}.${f} stored verbatim`);
			// and through an update
			const p = await admin.patch(`/api/${entity}/${r.body.id}`, { version: g.version, [ENTITIES[entity].text[0]]: s + ' (2)' });
			assertNot5xx(p, `PATCH /api/${entity}/${r.body.id}`);
			expectStatus(p, 200, `PATCH /api/${entity}`);
			assert.equal(p.body[ENTITIES[entity].text[0]], (s + ' (2)').slice(0, Infinity));
		}
	}
	const after = await counts(admin);
	assert.equal(after.users, before.users, 'users unchanged');
	for (const e of ['contacts', 'companies', 'inquiries', 'notes'])
		assert.equal(after[e], before[e] + created[e], `${e}: only the created rows were added`);
	assert.ok(after.activities >= before.activities + created.activities, 'activities: the created rows are there');
	// every user can still log in and keeps the role
	const users = await pageAll(admin, '/api/users?limit=100');
	for (const [login, u] of Object.entries(USERS)) assert.equal(users.find((x) => x.login === login)?.role, u.role, login);
});

test('sqli_strings_in_formatted_fields_are_refused_with_4xx', async () => {
	const ctx = await ctxNew();
	const before = await counts(admin);
	for (const [entity, fields] of Object.entries(FORMATTED)) {
		for (const f of fields) {
			for (const s of SQLI.slice(0, 6)) {
				const rec = { ...recordFor(entity, 'Ok name', ctx), [f]: s };
				const r = await admin.post(`/api/${entity}`, rec);
				assertNot5xx(r, `POST /api/${entity} ${f}=${JSON.stringify(s)}`);
				assert.ok(r.status >= 400, `POST /api/${entity} ${f}=${JSON.stringify(s)} accepted: ${r.text}`);
			}
		}
	}
	assert.deepEqual(await counts(admin), before, 'nothing was created');
});

test('sqli_strings_in_field_names_and_ids_are_refused', async () => {
	const before = await counts(admin);
	const bad = [
		["POST", "/api/contacts", { last_name: 'X', "last_name = 'x'; --": 1 }],
		["POST", "/api/contacts", { last_name: 'X', company_id: "1 OR 1=1" }],
		["POST", "/api/contacts", { last_name: 'X', custom: { "a'); DROP TABLE contacts;--": 'x' } }],
	];
	for (const [m, p, body] of bad) {
		const r = await admin.request(m, p, body);
		assertNot5xx(r, `${m} ${p} ${JSON.stringify(body)}`);
		assert.ok(r.status >= 400, `${m} ${p} ${JSON.stringify(body)} accepted: ${r.text}`);
	}
	for (const p of ["/api/contacts/1%20OR%201=1", "/api/contacts/1'", "/api/contacts/1;DROP%20TABLE%20contacts", "/api/contacts/-1", "/api/contacts/99999999999999999999999"]) {
		const r = await admin.get(p);
		assertNot5xx(r, `GET ${p}`);
		assert.ok(r.status === 400 || r.status === 404, `GET ${p}: ${r.status} ${r.text}`);
		const d = await admin.del(p);
		assertNot5xx(d, `DELETE ${p}`);
		assert.ok(d.status >= 400, `DELETE ${p}: ${d.status}`);
	}
	assert.deepEqual(await counts(admin), before, 'nothing changed');
});

test('sqli_strings_in_query_parameters_never_500_and_change_nothing', async () => {
	const before = await counts(admin);
	const payloads = SQLI.slice(0, 7);
	for (const entity of Object.keys(ENTITIES)) {
		const params = (openapi.paths[`/api/${entity}`].get.parameters || []).map((p) => p.name);
		for (const name of new Set([...params, 'q', 'sort', 'cursor', 'limit', 'trash'])) {
			for (const s of payloads) {
				const p = `/api/${entity}?${encodeURIComponent(name)}=${encodeURIComponent(s)}`;
				const r = await admin.get(p);
				assertNot5xx(r, `GET ${p}`);
				if (r.status === 200) assert.ok(Array.isArray(r.body.items), `GET ${p}: items`);
			}
		}
		for (const s of payloads) {
			// as a parameter name, and with a descending sort
			for (const p of [`/api/${entity}?${encodeURIComponent(s)}=1`, `/api/${entity}?sort=-${encodeURIComponent(s)}`]) {
				const r = await admin.get(p);
				assertNot5xx(r, `GET ${p}`);
				assert.ok(r.status >= 400 && r.status < 500, `GET ${p}: ${r.status} ${r.text}`);
			}
		}
	}
	assert.deepEqual(await counts(admin), before, 'every table still lists the same rows');
});

test('sqli_in_search_does_not_widen_visibility', async () => {
	const mark = uniq('Priv');
	const own = await agent1.post('/api/contacts', { last_name: mark, visibility: 'private' });
	expectStatus(own, 201);
	for (const q of ["' OR '1'='1", `${mark}' OR 1=1 --`, "%", "_", "%' OR visibility='private' --"]) {
		for (const p of [`/api/contacts?q=${encodeURIComponent(q)}`, `/api/contacts?city=${encodeURIComponent(q)}`]) {
			const r = await agent3.get(p);
			assertNot5xx(r, `agent3 GET ${p}`);
			if (r.status === 200) assert.ok(!r.text.includes(mark), `agent3 sees agent1's private contact via ${p}`);
		}
	}
	expectError(await agent3.get(`/api/contacts/${own.body.id}`), 404);
});

test('stored_html_in_every_text_field_comes_back_as_json_data', async () => {
	const ctx = await ctxNew();
	for (const entity of Object.keys(ENTITIES)) {
		for (const s of XSS) {
			const rec = recordFor(entity, s, ctx);
			const r = await admin.post(`/api/${entity}`, rec);
			expectStatus(r, 201, `POST /api/${entity} ${JSON.stringify(s)}`);
			for (const g of [r, await admin.get(`/api/${entity}/${r.body.id}`), await admin.get(`/api/${entity}?limit=100&sort=-id`)]) {
				assert.match(g.headers.get('content-type') || '', /^application\/json/, `${entity}: Content-Type`);
				assert.equal(g.headers.get('x-content-type-options'), 'nosniff', `${entity}: X-Content-Type-Options`);
				assert.ok(!/text\/html/.test(g.headers.get('content-type')), 'not HTML');
			}
			const g = await admin.get(`/api/${entity}/${r.body.id}`);
			for (const f of ENTITIES[entity].text) assert.equal(g.body[f], rec[f], `${entity}.${f} verbatim`);
		}
	}
	// the timeline and the board carry the same text as data too
	const c = await admin.post('/api/contacts', { last_name: XSS[0], visibility: 'company' });
	await admin.post('/api/notes', { body: XSS[1], contact_id: c.body.id });
	for (const p of [`/api/contacts/${c.body.id}/timeline`, '/api/inquiries/board', '/api/calendar?from=2000-01-01&to=2100-01-01']) {
		const r = await admin.get(p);
		assertNot5xx(r, `GET ${p}`);
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${p}: nosniff`);
	}
});

test('errors_echoing_input_are_json_not_html', async () => {
	for (const p of ['/api/<script>alert(1)</script>', '/api/contacts?<img src=x onerror=alert(1)>=1', '/api/contacts?sort=<svg onload=alert(1)>']) {
		const r = await admin.get(p);
		assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status}`);
		assert.match(r.headers.get('content-type') || '', /^application\/json/, `${p}: Content-Type`);
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
	}
	const r = await admin.post('/api/contacts', { last_name: 'X', '<img src=x onerror=alert(1)>': 1 });
	assert.ok(r.status === 400 || r.status === 422, r.text);
	assert.match(r.headers.get('content-type') || '', /^application\/json/);
});

test('ui_pages_send_csp_and_nosniff', async () => {
	for (const p of ['/', '/clients', '/calendar']) {
		const r = await srv.anon.raw('GET', p);
		expectStatus(r, 200, p);
		const csp = r.headers.get('content-security-policy') || '';
		assert.match(csp, /script-src 'self'/, `${p}: CSP ${csp}`);
		assert.ok(!/script-src[^;]*'unsafe-inline'/.test(csp), `${p}: no inline scripts in CSP`);
		assert.match(csp, /object-src 'none'/);
		assert.match(csp, /frame-ancestors 'none'/);
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
	}
});

/* The routes: every path and method of the OpenAPI document plus the fixed
 * table of src/api/routes.c (routes not (yet) documented). */
function allRoutes() {
	const routes = new Map();
	const add = (m, p, flags = '') => routes.set(`${m} ${p}`, { method: m, pattern: p, flags });
	for (const [p, ops] of Object.entries(openapi.paths))
		for (const m of Object.keys(ops)) if (['get', 'post', 'patch', 'delete', 'put'].includes(m)) add(m.toUpperCase(), p);
	const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/api/routes.c');
	if (fs.existsSync(src)) {
		const re = /\{\s*"(GET|POST|PATCH|DELETE|PUT)"\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*(\w+)\s*,\s*([^,]*),/g;
		for (const m of fs.readFileSync(src, 'utf8').matchAll(re)) add(m[1], m[2], `${m[3]} ${m[4]}`);
	}
	return [...routes.values()];
}

function fill(pattern, id) {
	return pattern.replace(/\{id\}/g, String(id)).replace(/\{token\}/g, 'abcdefghijklmnopqrstuvwx.ics').replace(/\{\w+\}/g, 'x1');
}

const PUBLIC = new Set(['GET /healthz', 'GET /api/openapi.json', 'POST /api/session', 'GET /ical/{token}']);
const isUiPage = (r) => r.method === 'GET' && !r.pattern.startsWith('/api/') && !r.pattern.startsWith('/ical/') && r.pattern !== '/healthz';

test('every_route_refuses_anonymous_access_except_public_ones', async () => {
	const routes = allRoutes();
	assert.ok(routes.length > 60, `routes found: ${routes.length}`);
	const c = await admin.post('/api/contacts', { last_name: uniq('Anon'), visibility: 'company' });
	const bad = [];
	for (const r of routes) {
		const key = `${r.method} ${r.pattern}`;
		const p = fill(r.pattern, c.body.id);
		const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : '{}';
		const headers = body ? { 'Content-Type': 'application/json' } : {};
		for (const auth of [{}, { Authorization: 'Bearer not-a-real-token-0123456789' }, { Cookie: 'kontakt_session=forged0123456789abcdef' }]) {
			const res = await srv.anon.raw(r.method, p, { body, headers: { ...headers, ...auth } });
			if (PUBLIC.has(key)) {
				assert.ok(res.status < 500, `${key}: ${res.status}`);
				if (key === 'GET /ical/{token}') assert.ok(res.status === 404 || res.status === 401, `${key} with an unknown token: ${res.status}`);
			} else if (isUiPage(r)) {
				if (res.status !== 200 || !/text\/html|javascript|css|svg|font|image/.test(res.headers.get('content-type') || ''))
					if (!(r.pattern === '/assets/{token}' && res.status === 404)) bad.push(`${key}: ${res.status}`);
				assert.ok(!res.text.includes('"items"'), `${key}: a UI page holds no data`);
			} else if (res.status !== 401) {
				bad.push(`${key} ${JSON.stringify(auth)}: ${res.status} ${res.text.slice(0, 120)}`);
			} else {
				expectError(res, 401);
			}
		}
	}
	assert.deepEqual(bad, [], 'routes that did not refuse anonymous access');
	// the contact is untouched
	const g = await admin.get(`/api/contacts/${c.body.id}`);
	assert.equal(g.body.version, c.body.version);
});

test('ical_feed_is_public_only_with_its_token', async () => {
	const r = await agent1.post('/api/me/ical');
	assert.ok(r.status === 200 || r.status === 201, r.text);
	expectStatus(await srv.anon.raw('GET', r.body.url), 200, 'a valid feed token');
	const t = r.body.url.replace(/^\/ical\//, '').replace(/\.ics$/, '');
	// a one-character change that is a real change (the token may itself end in the letter we put)
	const last = t.slice(-1) === 'x' ? 'y' : 'x';
	const probes = [`/ical/${t.slice(0, -1)}${last}.ics`, '/ical/.ics', `/ical/${t}`, `/ical/${t}.ics%00`];
	if (t.toUpperCase() !== t) probes.push(`/ical/${t.toUpperCase()}.ics`);
	for (const p of probes) {
		const g = await srv.anon.raw('GET', p);
		if (p === `/ical/${t}` && g.status === 200) continue; // the extension may be optional
		assert.ok(g.status >= 400 && g.status < 500, `${p}: ${g.status}`);
		assert.ok(!g.text.includes('BEGIN:VCALENDAR'), `${p}: a calendar`);
	}
});

test('every_cookie_mutation_without_csrf_token_is_403_and_changes_nothing', async () => {
	const routes = allRoutes().filter((r) => r.method !== 'GET' && !PUBLIC.has(`${r.method} ${r.pattern}`));
	assert.ok(routes.length > 40, `mutating routes: ${routes.length}`);
	// a victim session (admin, so every route's role check passes) and a record for the {id} routes
	const victim = await srv.login('admin');
	const other = await srv.login('agent1');
	const c = expectStatus(await admin.post('/api/contacts', { last_name: uniq('Csrf'), visibility: 'company' }), 201);
	const before = await counts(admin);
	const tokensBefore = expectStatus(await victim.get('/api/tokens'), 200);
	const bad = [];
	for (const r of routes) {
		const key = `${r.method} ${r.pattern}`;
		const p = fill(r.pattern, c.id);
		const body = r.method === 'DELETE' ? undefined : JSON.stringify({ last_name: 'CSRF', name: 'CSRF', version: c.version });
		const headers = body ? { 'Content-Type': 'application/json' } : {};
		for (const [how, h] of [
			['no token', {}],
			['another session\'s token', { 'X-CSRF-Token': other.csrf }],
			['empty token', { 'X-CSRF-Token': '' }],
			// a cross-site form post: text/plain, no token
			['form post', { 'Content-Type': 'text/plain' }],
		]) {
			const res = await victim.raw(r.method, p, { body, headers: { ...headers, ...h }, csrf: false });
			// 415: a route that takes another content type (an upload) may refuse
			// the body before it looks at the token; still refused, still no change
			if (res.status === 415 && how !== 'form post') continue;
			if (res.status !== 403) bad.push(`${key} (${how}): ${res.status} ${res.text.slice(0, 120)}`);
			else if (res.body?.error?.code !== 'csrf_failed' && !res.body?.error?.code) bad.push(`${key}: 403 without a JSON error`);
		}
	}
	assert.deepEqual(bad, [], 'mutating routes that did not refuse a request without a valid CSRF token');
	assert.deepEqual(await counts(admin), before, 'nothing was created or deleted');
	const g = expectStatus(await admin.get(`/api/contacts/${c.id}`), 200);
	assert.equal(g.version, c.version, 'the contact is unchanged');
	assert.equal(g.last_name, c.last_name);
	expectStatus(await victim.get('/api/me'), 200, 'the victim is still logged in');
	assert.deepEqual(expectStatus(await victim.get('/api/tokens'), 200), tokensBefore, 'no token was made');
	// the same request with the token works (the test is not vacuous)
	expectStatus(await victim.patch(`/api/contacts/${c.id}`, { version: c.version, city: 'Opole' }), 200);
});

test('session_cookie_has_httponly_samesite_lax_path', async () => {
	const r = await srv.tryLogin('agent2', USERS.agent2.password);
	expectStatus(r, 200);
	const c = r.setCookie.find((s) => s.startsWith('kontakt_session='));
	assert.ok(c, `Set-Cookie: ${r.setCookie}`);
	assert.match(c, /;\s*HttpOnly(;|$)/i);
	assert.match(c, /;\s*SameSite=Lax(;|$)/i);
	assert.match(c, /;\s*Path=\/(;|$)/i);
	assert.ok(!/;\s*Domain=/i.test(c), 'no Domain attribute (host-only)');
	assert.ok(r.cookie.length >= 32, 'a long session id');
	assert.match(r.cookie, /^[A-Za-z0-9_-]+$/);
	// log-out clears it
	const out = await r.client.del('/api/session');
	assert.ok(out.status === 204 || out.status === 200, out.text);
	const cleared = out.headers.getSetCookie().find((s) => s.startsWith('kontakt_session='));
	assert.ok(cleared && (/Max-Age=0/i.test(cleared) || /Expires=Thu, 01 Jan 1970/i.test(cleared)), `log-out Set-Cookie: ${cleared}`);
	expectError(await r.client.get('/api/me'), 401);
});

test('session_fixation_login_never_reuses_a_cookie_sent_before', async () => {
	// a value an attacker planted
	const planted = 'A'.repeat(43);
	const a = await srv.tryLogin('agent2', USERS.agent2.password, { cookie: planted });
	expectStatus(a, 200);
	assert.notEqual(a.cookie, planted);
	expectError(await srv.anon.raw('GET', '/api/me', { headers: { Cookie: `kontakt_session=${planted}` } }), 401);
	// a real session of someone else, sent with a new log-in
	const s1 = await srv.tryLogin('agent1', USERS.agent1.password);
	const s2 = await srv.tryLogin('agent2', USERS.agent2.password, { cookie: s1.cookie });
	expectStatus(s2, 200);
	assert.notEqual(s2.cookie, s1.cookie, 'a new session id at log-in');
	const me = expectStatus(await s2.client.get('/api/me'), 200);
	assert.equal(me.login, 'agent2');
	const old = await srv.anon.raw('GET', '/api/me', { headers: { Cookie: `kontakt_session=${s1.cookie}` } });
	assert.ok(old.status === 401 || old.body?.login === 'agent1', `the old cookie never becomes agent2: ${old.text}`);
	assert.notEqual(a.body.csrf_token, s2.body.csrf_token, 'a CSRF token per session');
});

test('passwords_tokens_and_session_ids_never_returned_or_logged', async () => {
	const pw = `Sekret-${uniq('pw')}-hasło`;
	const pw2 = `Zmienione-${uniq('pw')}-hasło`;
	const wrong = `Zle-${uniq('pw')}-haslo`;
	const login = uniq('sec');
	const u = await admin.post('/api/users', { login, password: pw, role: 'agent' });
	expectStatus(u, 201);
	const secrets = [pw, pw2, wrong, USERS.admin.password, USERS.agent1.password];
	const replies = [u];
	replies.push(await srv.tryLogin(login, wrong));
	const s = await srv.tryLogin(login, pw);
	expectStatus(s, 200);
	replies.push(s);
	replies.push(await admin.get(`/api/users/${u.body.id}`));
	replies.push(await admin.get(`/api/users?limit=100`));
	const p = await admin.patch(`/api/users/${u.body.id}`, { version: u.body.version, password: pw2 });
	expectStatus(p, 200);
	replies.push(p);
	replies.push(await admin.get(`/api/users/${u.body.id}/history`));
	// a new password ends the user's sessions: log in again with it
	expectError(await s.client.get('/api/me'), 401);
	const s2 = await srv.tryLogin(login, pw2);
	expectStatus(s2, 200);
	replies.push(s2);
	secrets.push(s2.cookie, s2.body.csrf_token);
	const t = await s2.client.post('/api/tokens', { name: 'sec token' });
	expectStatus(t, 201);
	const token = t.body.token;
	assert.ok(token && token.length >= 20);
	secrets.push(token, s.cookie, s.body.csrf_token);
	const viaToken = expectStatus(await srv.anon.raw('GET', '/api/me', { headers: { Authorization: `Bearer ${token}` } }), 200);
	assert.equal(viaToken.login, login);
	replies.push(await s2.client.get('/api/tokens'));
	replies.push(await s2.client.get('/api/me'));
	// a bad token and a bad password show up in no reply and no log line either
	replies.push(await srv.anon.raw('GET', '/api/me', { headers: { Authorization: `Bearer ${token}x` } }));
	const ical = await s2.client.post('/api/me/ical');
	for (const r of replies) {
		for (const x of [pw, pw2, wrong, USERS.admin.password]) assert.ok(!r.text.includes(x), `a password in a reply: ${r.text.slice(0, 300)}`);
		assert.ok(!r.text.includes('$argon2'), 'a password hash in a reply');
		assert.ok(!deepKeys(r.body).has('password_hash'));
	}
	// the token is shown once, at creation, and never listed again
	for (const r of replies.slice(-3)) assert.ok(!r.text.includes(token), `the token in a later reply: ${r.text.slice(0, 300)}`);
	await srv.anon.raw('GET', ical.body.url);
	await new Promise((res) => setTimeout(res, 200)); // let the log lines land
	const log = fs.readFileSync(path.join(srv.dir, 'server.log'), 'utf8');
	assert.ok(log.length > 0, 'the server log is there');
	assert.ok(log.includes('/api/session') || log.includes('login') || log.includes('POST'), 'the log has request lines');
	const icalSecret = ical.body.url.replace(/^\/ical\//, '').replace(/\.ics$/, '');
	for (const x of [...secrets, icalSecret]) assert.ok(!log.includes(x), `a secret in the server log: ${x.slice(0, 6)}…: ${log.split('\n').find((l) => l.includes(x))}`);
	assert.ok(!log.includes('$argon2'), 'a password hash in the log');
});

test('path_traversal_on_static_files_feed_and_attachments_gives_no_file', async () => {
	const dbFromRoot = srv.db ? srv.db.replace(/^\//, '') : 'etc/hostname';
	const deep = '../'.repeat(12);
	const paths = [
		'/assets/../../etc/passwd',
		`/assets/${deep}etc/passwd`,
		'/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
		'/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
		'/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
		'/assets/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
		'/assets/..%5c..%5c..%5cetc%5cpasswd',
		'/assets/....//....//....//etc/passwd',
		'/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
		'/assets/..%00/etc/passwd',
		'/assets/%2fetc%2fpasswd',
		'/assets//etc/passwd',
		`/assets/${'..%2f'.repeat(12)}${dbFromRoot.replace(/\//g, '%2f')}`,
		`/${deep}etc/passwd`,
		'/%2e%2e/%2e%2e/etc/passwd',
		'/clients/../../../etc/passwd',
		'/settings/..%2f..%2f..%2fetc%2fpasswd',
		'/ical/../../etc/passwd',
		'/ical/..%2f..%2f..%2fetc%2fpasswd',
		'/ical/%2e%2e%2f%2e%2e%2fetc%2fpasswd.ics',
		`/ical/${'..%2f'.repeat(12)}${dbFromRoot.replace(/\//g, '%2f')}`,
		'/api/../../etc/passwd',
	];
	// attachments: ids that try to name a file (with a session, so the route is reached)
	const authed = new Set();
	for (const id of ['..%2f..%2f..%2fetc%2fpasswd', '1%2f..%2f..%2f..%2fetc%2fpasswd', '..', '%2e%2e', '1..2', '/etc/passwd']) {
		for (const p of [`/api/attachments/${id}`, `/api/attachments/${id}/download`]) {
			paths.push(p);
			authed.add(p);
		}
	}
	paths.push('/api/attachments/../../../etc/passwd', '/api/attachments/1/download/../../../../etc/passwd');
	authed.add('/api/attachments/../../../etc/passwd').add('/api/attachments/1/download/../../../../etc/passwd');
	const url = new URL(srv.url);
	for (const p of paths) {
		// http.request sends the path as given (fetch would resolve the dots)
		const headers = authed.has(p) ? { Cookie: `kontakt_session=${admin.cookie}` } : {};
		const res = await new Promise((resolve, reject) => {
			const req = http.request({ host: url.hostname, port: url.port, path: p, method: 'GET', headers }, (r) => {
				const chunks = [];
				r.on('data', (d) => chunks.push(d));
				r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
			});
			req.on('error', reject);
			req.setTimeout(5000, () => req.destroy(new Error('timeout')));
			req.end();
		});
		const text = res.body.toString('latin1');
		assert.ok(!text.includes('root:x:0:0') && !text.includes('root:'), `${p}: /etc/passwd served`);
		assert.ok(!text.startsWith('SQLite format 3'), `${p}: the database served`);
		assert.ok(res.status < 500, `${p}: ${res.status}`);
		if (res.status === 200)
			assert.match(String(res.headers['content-type']), /text\/html/, `${p}: 200 but not the UI page: ${res.headers['content-type']}`);
		else assert.ok(res.status >= 400, `${p}: ${res.status}`);
	}
});

test('login_throttled_per_login_and_per_address', async () => {
	// a server of its own: the per-address limit would lock this file out;
	// a minute's wait after the free failures, so the 429s hold
	const s = await startServer({ users: { admin: USERS.admin }, env: { KONTAKT_LOGIN_DELAY_MS: '60000' } });
	try {
		// per (login, address): five failures make it wait, even with the right password
		for (let i = 0; i < 5; i++) expectError(await s.tryLogin('admin', `wrong-${i}`), 401);
		const locked = await s.tryLogin('admin', USERS.admin.password);
		expectError(locked, 429, 'too_many_attempts');
		assert.ok(Number(locked.headers.get('retry-after')) > 0, 'Retry-After');
		assert.equal(locked.cookie, null);
		// per address: failures spread over many logins make the address wait
		let status = 401, n = 5;
		while (status === 401 && n < 60) {
			status = (await s.tryLogin(`nobody-${n}`, 'wrong-password')).status;
			n++;
		}
		assert.equal(status, 429, `per-address throttle after ${n} failures over different logins`);
		const r = await s.tryLogin(`nobody-new`, 'wrong-password');
		expectError(r, 429, 'too_many_attempts');
		assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
	} finally {
		await s.stop();
	}
});

test('openapi_documents_every_api_route_of_the_table', () => {
	const missing = allRoutes()
		.filter((r) => r.pattern.startsWith('/api/') || r.pattern.startsWith('/ical/') || r.pattern === '/healthz')
		.filter((r) => !openapi.paths[r.pattern]?.[r.method.toLowerCase()]?.summary)
		.map((r) => `${r.method} ${r.pattern}`);
	assert.deepEqual(missing, [], 'routes without a summary in /api/openapi.json');
	assert.equal(openapi.paths['/api/attachments'].post.responses['201'].description, 'OK');
	assert.equal(openapi.paths['/api/announcements/pending'].get['x-role'], 'agent');
	assert.equal(openapi.paths['/healthz'].get['x-role'], 'none');
	assert.ok(!openapi.paths['/clients'], 'the UI\'s pages are not API routes');
});

/* rawRequest: sends head (a whole request head, as bytes) on a new
 * connection and reads the reply: {status, headers, body, text}, or
 * {closed: true} when the server closed the connection without one. */
function rawRequest(head) {
	const url = new URL(srv.url);
	return new Promise((resolve, reject) => {
		const s = net.connect({ host: url.hostname, port: Number(url.port) });
		const chunks = [];
		s.setTimeout(10000, () => s.destroy(new Error('no reply within 10 s')));
		s.on('connect', () => s.write(head));
		s.on('data', (d) => chunks.push(d));
		s.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? null : reject(e)));
		s.on('close', () => {
			const text = Buffer.concat(chunks).toString('latin1');
			const end = text.indexOf('\r\n\r\n');
			if (end < 0) return resolve({ closed: true, text });
			const lines = text.slice(0, end).split('\r\n');
			const headers = {};
			for (const l of lines.slice(1)) {
				const i = l.indexOf(':');
				headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
			}
			const len = Number(headers['content-length'] ?? text.length - end - 4);
			const bodyText = text.slice(end + 4, end + 4 + len);
			let body = null;
			try {
				body = JSON.parse(bodyText);
			} catch {
				body = null;
			}
			resolve({ status: Number(lines[0].split(' ')[1]), headers, body, text: bodyText });
		});
	});
}

function assertJsonErrorWithSecurityHeaders(r, status, code, what) {
	assert.equal(r.status, status, `${what}: ${r.status} ${r.text?.slice(0, 200)}`);
	assert.match(r.headers['content-type'] || '', /^application\/json/, `${what}: Content-Type`);
	assert.equal(r.body?.error?.code, code, `${what}: ${r.text?.slice(0, 200)}`);
	assert.ok(r.body.error.message.length > 0);
	assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
	assert.equal(r.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
	assert.match(r.headers['content-security-policy'] || '', /default-src 'self'/, `${what}: CSP`);
	assert.ok(r.headers['x-request-id'], `${what}: X-Request-Id`);
}

test('url_of_5_kib_is_refused_with_json_414', async () => {
	// the query counts: the path alone is short
	const r = await rawRequest(`GET /api/contacts?q=${'a'.repeat(5 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
	assertJsonErrorWithSecurityHeaders(r, 414, 'uri_too_long', '5 KiB query');
	const p = await rawRequest(`GET /api/${'b'.repeat(5 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
	assertJsonErrorWithSecurityHeaders(p, 414, 'uri_too_long', '5 KiB path');
	// percent-escapes count as sent: 1,400 escapes are 4,200 bytes
	const e = await rawRequest(`GET /api/contacts?q=${'%41'.repeat(1400)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
	assertJsonErrorWithSecurityHeaders(e, 414, 'uri_too_long', 'escaped query');
	// just under the cap is routed as usual (here: needs a login)
	const ok = await rawRequest(`GET /api/contacts?q=${'a'.repeat(4000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
	assert.equal(ok.status, 401, `a 4 KB URL is no error of size: ${ok.status}`);
});

test('cookie_or_header_of_20_kib_is_refused_with_json_431', async () => {
	const big = 'c'.repeat(20 * 1024);
	const cookie = await rawRequest(`GET /api/me HTTP/1.1\r\nHost: x\r\nCookie: kontakt_session=${big}\r\nConnection: close\r\n\r\n`);
	assertJsonErrorWithSecurityHeaders(cookie, 431, 'headers_too_large', '20 KiB cookie');
	const header = await rawRequest(`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Filler: ${big}\r\nConnection: close\r\n\r\n`);
	assertJsonErrorWithSecurityHeaders(header, 431, 'headers_too_large', '20 KiB header');
	// many small headers add up the same way (18 KiB)
	const many = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${'d'.repeat(50)}\r\n`).join('');
	const sum = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\n${many}Connection: close\r\n\r\n`);
	assertJsonErrorWithSecurityHeaders(sum, 431, 'headers_too_large', '300 headers of 60 bytes');
	// through fetch too, on a kept-alive connection, which stays usable
	const f = await admin.raw('GET', '/api/me', { headers: { 'X-Filler': big } });
	expectError(f, 431, 'headers_too_large');
	expectStatus(await admin.get('/api/me'), 200, 'the next request');
});

test('header_of_100_kib_is_handled_without_crash_and_the_server_keeps_serving', async () => {
	// Too large for the connection's memory: libmicrohttpd refuses it
	// itself (its own 431 page, docs/security.md says why) or closes the
	// connection; either way nothing reaches a handler and nothing breaks.
	const huge = 'h'.repeat(100 * 1024);
	for (const head of [
		`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Huge: ${huge}\r\n\r\n`,
		`GET /api/me HTTP/1.1\r\nHost: x\r\nCookie: kontakt_session=${huge}\r\n\r\n`,
		`GET /api/contacts?q=${huge} HTTP/1.1\r\nHost: x\r\n\r\n`,
		`POST /api/contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Huge: ${huge}\r\nContent-Length: 2\r\n\r\n{}`,
	]) {
		const r = await rawRequest(head);
		assert.ok(r.closed || r.status === 431 || r.status === 414, `${head.slice(0, 40)}...: ${r.status} ${r.text?.slice(0, 100)}`);
		assert.ok(!r.status || r.status < 500);
	}
	expectStatus(await srv.raw('GET', '/healthz'), 200, 'the server keeps serving');
	expectStatus(await admin.get('/api/me'), 200, 'and logged-in requests too');
	assert.match(srv.logTail(200), /event=http_refused status=4\d\d by=libmicrohttpd/, 'the refusals are logged');
});
