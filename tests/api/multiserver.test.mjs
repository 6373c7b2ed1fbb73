// Several servers, one database: two `kontakt serve` processes on one
// PostgreSQL database share sessions, tokens, login throttling and records,
// and each background job (here: reminder e-mails) is claimed by exactly one
// of them although both run job runners.  PostgreSQL only: runs when
// KONTAKT_TEST_PG_URL names a cluster (scripts/run-tests --suites api-pg).
import { after, before } from 'node:test';
import {
	assert, Client, expectError, expectStatus, PG_ADMIN_URL, startServer, test,
} from './lib/harness.mjs';
import { parseMessage, startSmtpSink } from './lib/smtp.mjs';

const SKIP = PG_ADMIN_URL ? false
	: 'needs PostgreSQL: set KONTAKT_TEST_PG_URL (scripts/run-tests --suites api-pg does)';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sink, a, b;

before(async () => {
	if (SKIP) return;
	sink = await startSmtpSink();
	// a minute's wait after five failed log-ins, so login_throttling_is_shared's 429s hold
	const env = { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: 'kontakt@test.example', KONTAKT_LOGIN_DELAY_MS: '60000' };
	a = await startServer({ env });
	b = await startServer({ attach: a, env });
});

after(async () => {
	// B first: stopping A drops the database they share.
	try {
		if (b) await b.stop();
	} finally {
		if (a) await a.stop();
		if (sink) await sink.close();
	}
});

test('two_servers_one_database', { skip: SKIP }, async () => {
	assert.equal(a.engine, 'postgresql');
	assert.equal(b.pgUrl, a.pgUrl);
	assert.notEqual(a.url, b.url);
	assert.notEqual(a.proc.pid, b.proc.pid);
});

test('session_from_one_server_works_on_the_other', { skip: SKIP }, async () => {
	const onA = await a.login('agent1');
	// the same cookie and CSRF token, sent to B
	const onB = new Client(b.url, { cookie: onA.cookie, csrf: onA.csrf, user: onA.user });
	const me = expectStatus(await onB.get('/api/me'), 200, 'GET /api/me on B with A\'s session');
	assert.equal(me.login, 'agent1');
	assert.equal(me.csrf_token, onA.csrf);
	// a mutating request on B: the CSRF token A issued is accepted there
	const c = expectStatus(await onB.post('/api/contacts', { last_name: 'Wielosserwerowy' }), 201);
	// ...and without it refused, as on A
	expectError(await onB.post('/api/contacts', { last_name: 'Bez tokenu' }, { csrf: false }), 403);
	expectStatus(await onA.get(`/api/contacts/${c.id}`), 200);
	// logging out on B ends the session on A too
	expectStatus(await onB.del('/api/session'), 204);
	expectError(await onA.get('/api/me'), 401);
	expectError(await onB.get('/api/me'), 401);
});

test('api_token_from_one_server_works_on_the_other', { skip: SKIP }, async () => {
	const admin = await a.session('admin');
	const tokA = await admin.bearer('multiserver');
	const tokB = new Client(b.url, { token: tokA.token, user: tokA.user });
	expectStatus(await tokB.get('/api/me'), 200, 'bearer token made on A, used on B');
	expectStatus(await tokB.post('/api/contacts', { last_name: 'Tokenowy' }), 201);
});

test('record_created_on_one_server_is_read_and_updated_on_the_other', { skip: SKIP }, async () => {
	const onA = await a.session('manager');
	const onB = await b.session('manager');
	const made = expectStatus(await onA.post('/api/contacts', {
		first_name: 'Zażółć', last_name: 'Gęślą-Jaźń', phone: '+48 601 234 567', email: 'zj@example.pl', city: 'Łódź',
	}), 201);
	const read = expectStatus(await onB.get(`/api/contacts/${made.id}`), 200);
	assert.deepEqual(read, made);
	// found by search on B ("lodz" finds "Łódź")
	const found = expectStatus(await onB.get('/api/contacts?q=lodz gesla'), 200);
	assert.ok(found.items.some((x) => x.id === made.id), 'search on B finds the contact made on A');
	// B updates; A sees the new version; A's stale version gets 409
	const upd = expectStatus(await onB.patch(`/api/contacts/${made.id}`, { city: 'Kraków', version: made.version }), 200);
	assert.equal(upd.version, made.version + 1);
	const again = expectStatus(await onA.get(`/api/contacts/${made.id}`), 200);
	assert.equal(again.city, 'Kraków');
	expectError(await onA.patch(`/api/contacts/${made.id}`, { city: 'Gdańsk', version: made.version }), 409);
});

test('login_throttling_is_shared', { skip: SKIP }, async () => {
	// five failures, spread over both servers, make the pair (login, address) wait on both
	const admin = await a.session('admin');
	expectStatus(await admin.post('/api/users', { login: 'throttled', password: 'the-right-password', role: 'agent' }), 201);
	for (let i = 0; i < 5; i++) expectError(await (i % 2 ? b : a).tryLogin('throttled', `wrong-${i}`), 401);
	expectError(await a.tryLogin('throttled', 'the-right-password'), 429, 'too_many_attempts');
	expectError(await b.tryLogin('throttled', 'the-right-password'), 429, 'too_many_attempts');
});

test('each_reminder_is_sent_exactly_once_by_two_job_runners', { skip: SKIP, timeout: 90000 }, async (t) => {
	const N = 120;
	const email = 'agent2@biuro.example';
	const onA = await a.login('agent2');
	const onB = await b.login('agent2');
	const me = expectStatus(await onA.get('/api/me'), 200);
	expectStatus(await onA.patch('/api/me', { email, version: me.version }), 200);
	// Every reminder falls due a few seconds from now, so both runners (each
	// polling once a second, claiming up to 100 jobs a pass) race for them.
	const dueIn = 3;
	const startsAt = new Date((Math.floor(Date.now() / 1000) + 3600 + dueIn) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
	const subjects = new Set();
	const creators = [];
	const t0 = Date.now();
	for (let i = 0; i < N; i++) {
		const subject = `Przypomnienie-${i}-${Math.random().toString(36).slice(2, 8)}`;
		subjects.add(subject);
		creators.push((i % 2 ? onB : onA).post('/api/activities', {
			kind: 'call', subject, starts_at: startsAt, remind_before_min: 60,
		}));
		if (creators.length >= 8) {
			for (const r of await Promise.all(creators.splice(0))) expectStatus(r, 201, 'POST /api/activities');
		}
	}
	for (const r of await Promise.all(creators)) expectStatus(r, 201, 'POST /api/activities');
	t.diagnostic(`${N} activities made in ${Date.now() - t0} ms`);
	const mine = (m) => m.to.includes(email);
	const deadline = Date.now() + 60000;
	while (sink.matching(mine).length < N && Date.now() < deadline) await sleep(200);
	await sleep(1500); // a duplicate would arrive about now
	const got = sink.matching(mine).map((m) => parseMessage(m.data).subject);
	const counts = new Map();
	for (const s of got) {
		const subj = [...subjects].find((x) => s.includes(x));
		assert.ok(subj, `a reminder for no activity of this test: ${s}`);
		counts.set(subj, (counts.get(subj) ?? 0) + 1);
	}
	const twice = [...counts].filter(([, n]) => n > 1);
	assert.deepEqual(twice, [], 'reminders sent more than once');
	assert.equal(counts.size, N, `reminders received: ${counts.size} of ${N}`);
	assert.equal(got.length, N);
	// Who ran them: both runners took part (they raced for the same rows).
	const ran = (srv) => (srv.logTail(100000).match(/^ts=\S+ [^\n]*event=job_done [^\n]*kind=remind[^\n]*$/gm) ?? [])
		.map((l) => Date.parse(/^ts=(\S+)/.exec(l)[1]));
	const span = (ts) => ts.length ? `${new Date(Math.min(...ts)).toISOString().slice(11, 23)}–${new Date(Math.max(...ts)).toISOString().slice(11, 23)}` : '-';
	// A runner logs job_done after the message is out and the job marked
	// done: wait for the lines rather than trust the sleep above.
	const logDeadline = Date.now() + 15000;
	while (ran(a).length + ran(b).length < N && Date.now() < logDeadline) await sleep(100);
	const byA = ran(a).length, byB = ran(b).length;
	t.diagnostic(`reminders sent by server A: ${byA} (${span(ran(a))}), by server B: ${byB} (${span(ran(b))})`);
	assert.equal(byA + byB, N, 'job_done lines in the two logs');
	assert.ok(byA > 0 && byB > 0, `both runners should have claimed some jobs (A ${byA}, B ${byB})`);
});
