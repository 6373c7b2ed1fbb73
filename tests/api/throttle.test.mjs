// throttle: log-in throttling per (login, address) pair and per address,
// with an exponential wait (docs/security.md "Log-in throttling").  The
// server sees the client's address from the socket: these tests connect
// from other loopback addresses (127.0.0.2 ...; Linux routes all of 127/8
// to lo) to play an attacker beside the rightful user on 127.0.0.1.
import http from 'node:http';
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq, USERS, REQUEST_TIMEOUT_MS } from './lib/harness.mjs';

// srv waits a minute after the free failures (nothing here outlasts it);
// fast waits 2 s, so a test can wait the wait out.
let srv, fast, admin;
const SLOW_MS = 60000;
const FAST_MS = 2000;

before(async () => {
	srv = await startServer({ env: { KONTAKT_LOGIN_DELAY_MS: String(SLOW_MS) } });
	fast = await startServer({ env: { KONTAKT_LOGIN_DELAY_MS: String(FAST_MS) } });
	admin = await srv.session('admin');
});
after(async () => {
	await fast?.stop();
	await srv?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* loginFrom: POST /api/session over a new connection from localAddress;
 * {status, body, text, retryAfter (number or null)}. */
function loginFrom(server, localAddress, login, password) {
	const body = JSON.stringify({ login, password });
	const u = new URL(server.url);
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: u.hostname, port: u.port, path: '/api/session', method: 'POST', localAddress, agent: false,
			headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
			timeout: REQUEST_TIMEOUT_MS,
		}, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (c) => (text += c));
			res.on('end', () => {
				let parsed = null;
				try {
					parsed = JSON.parse(text);
				} catch {
					parsed = null;
				}
				const ra = res.headers['retry-after'];
				resolve({ status: res.statusCode, body: parsed, text, retryAfter: ra === undefined ? null : Number(ra) });
			});
		});
		req.on('timeout', () => req.destroy(new Error('request timed out')));
		req.on('error', reject);
		req.end(body);
	});
}

async function newUser(server, client, login) {
	expectStatus(await client.post('/api/users', { login, password: 'the-right-password', role: 'agent' }), 201);
}

test('throttle_admin_logs_in_from_another_address_while_an_attacker_is_throttled', async () => {
	// Before: five wrong passwords locked the login for everyone for 15 minutes.
	for (let i = 0; i < 5; i++)
		expectError(await loginFrom(srv, '127.0.0.2', 'admin', `guess-${i}-password`), 401, 'unauthorized');
	const locked = await loginFrom(srv, '127.0.0.2', 'admin', USERS.admin.password);
	expectError(locked, 429, 'too_many_attempts');
	assert.ok(locked.retryAfter > 0 && locked.retryAfter <= SLOW_MS / 1000, `Retry-After: ${locked.retryAfter}`);
	// the rightful admin, elsewhere, is not locked out
	const r = await loginFrom(srv, '127.0.0.1', 'admin', USERS.admin.password);
	expectStatus(r, 200, 'admin from another address');
	// and the attacker's pair still waits
	expectError(await loginFrom(srv, '127.0.0.2', 'admin', USERS.admin.password), 429, 'too_many_attempts');
});

test('throttle_retry_after_is_the_remaining_wait_and_a_retry_then_succeeds', async () => {
	const login = uniq('wait');
	await newUser(fast, await fast.session('admin'), login);
	for (let i = 0; i < 5; i++) expectError(await loginFrom(fast, '127.0.0.3', login, `wrong-${i}-password`), 401);
	// the first wait: 2 s, refused even with the right password
	const first = await loginFrom(fast, '127.0.0.3', login, 'the-right-password');
	expectError(first, 429, 'too_many_attempts');
	assert.ok(first.retryAfter >= 1 && first.retryAfter <= 2, `Retry-After ${first.retryAfter} within the 2 s wait`);
	await sleep(first.retryAfter * 1000);
	// the wait is over when Retry-After said; one more failure doubles it (4 s)
	expectError(await loginFrom(fast, '127.0.0.3', login, 'wrong-again-password'), 401, 'unauthorized');
	const second = await loginFrom(fast, '127.0.0.3', login, 'the-right-password');
	expectError(second, 429, 'too_many_attempts');
	assert.ok(second.retryAfter > 2 && second.retryAfter <= 4, `Retry-After ${second.retryAfter}: the wait doubled to 4 s`);
	await sleep(second.retryAfter * 1000);
	expectStatus(await loginFrom(fast, '127.0.0.3', login, 'the-right-password'), 200, 'after Retry-After');
	// the success forgot the pair's failures: five free ones again
	for (let i = 0; i < 5; i++) expectError(await loginFrom(fast, '127.0.0.3', login, `wrong-${i}-password`), 401);
});

test('throttle_parallel_burst_gets_exactly_five_tries', async () => {
	// Before: the count was read before the slow password check, so a burst
	// got more tries than the limit.
	const login = uniq('burst');
	await newUser(srv, admin, login);
	const replies = await Promise.all(Array.from({ length: 20 },
		(_, i) => loginFrom(srv, '127.0.0.4', login, `parallel-${i}-password`)));
	const statuses = replies.map((r) => r.status).sort();
	assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(15).fill(429)], `statuses: ${statuses}`);
	for (const r of replies.filter((x) => x.status === 429)) {
		expectError(r, 429, 'too_many_attempts');
		assert.ok(r.retryAfter > 0 && r.retryAfter <= SLOW_MS / 1000, `Retry-After: ${r.retryAfter}`);
	}
	// the same login from another address is unaffected
	expectStatus(await loginFrom(srv, '127.0.0.1', login, 'the-right-password'), 200);
});

test('throttle_per_address_cap_across_logins_never_blocks_another_address', async () => {
	// spraying one guess at each of many logins from one address
	for (let i = 0; i < 20; i++)
		expectError(await loginFrom(srv, '127.0.0.5', uniq('spray'), 'spray-password-1'), 401, 'unauthorized');
	const r = await loginFrom(srv, '127.0.0.5', 'agent1', USERS.agent1.password);
	expectError(r, 429, 'too_many_attempts');
	assert.ok(r.retryAfter > 0 && r.retryAfter <= SLOW_MS / 1000, `Retry-After: ${r.retryAfter}`);
	expectStatus(await loginFrom(srv, '127.0.0.1', 'agent1', USERS.agent1.password), 200, 'another address');
});

test('throttle_successful_logins_do_not_add_up_on_the_address', async () => {
	// an office behind one address: its own log-ins never make it wait
	for (let i = 0; i < 25; i++) expectStatus(await loginFrom(srv, '127.0.0.6', 'agent2', USERS.agent2.password), 200);
	expectError(await loginFrom(srv, '127.0.0.6', 'agent2', 'a-wrong-password'), 401, 'unauthorized');
	expectStatus(await loginFrom(srv, '127.0.0.6', 'agent2', USERS.agent2.password), 200);
});
