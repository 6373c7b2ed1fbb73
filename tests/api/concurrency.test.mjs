// concurrency: many requests at once, as in an office at 9 a.m. — parallel
// log-ins, parallel writes; the server must neither stall nor fail.
// The burst of log-ins runs last: if it wedges the server, nothing else is
// affected.
import { before, after } from 'node:test';
import { startServer, test, assert, expectStatus, uniq, USERS, TIMEOUT_SCALE } from './lib/harness.mjs';

let srv, admin, agent;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
});
after(async () => {
	await srv?.stop();
});

const LOGINS = ['agent1', 'agent2', 'agent3', 'manager', 'admin'];

test('concurrency_parallel_writes_all_succeed', async () => {
	const other = await srv.session('agent2');
	const city = uniq('Równolegle');
	const reqs = [];
	for (let i = 0; i < 40; i++) reqs.push((i % 2 ? agent : other).post('/api/contacts', { last_name: `Równoległy ${i}`, city }));
	const res = await Promise.all(reqs);
	for (const r of res) expectStatus(r, 201);
	assert.equal(new Set(res.map((r) => r.body.id)).size, 40);
	const l = await agent.get(`/api/contacts?city=${city}&limit=500`);
	assert.equal(l.body.items.length, 40);
});

test('concurrency_parallel_reads_and_writes', async () => {
	const reqs = [];
	for (let i = 0; i < 30; i++) {
		reqs.push(agent.get('/api/contacts?limit=20'));
		reqs.push(agent.post('/api/contacts', { last_name: `Mieszany ${i}` }));
		reqs.push(srv.raw('GET', '/healthz'));
	}
	const res = await Promise.all(reqs);
	for (const r of res) assert.ok([200, 201].includes(r.status), `${r.status}: ${r.text}`);
});

test('concurrency_a_few_parallel_logins_succeed', async () => {
	const res = await Promise.all(LOGINS.map((l) => srv.tryLogin(l, USERS[l].password)));
	for (const r of res) expectStatus(r, 200);
	assert.equal(new Set(res.map((r) => r.cookie)).size, LOGINS.length, 'distinct sessions');
});

test('concurrency_parallel_user_creations_succeed', async () => {
	const res = await Promise.all([1, 2, 3, 4].map(() => admin.post('/api/users', { login: uniq('par'), password: 'password-123', role: 'agent' })));
	for (const r of res) expectStatus(r, 201);
});

test('concurrency_burst_of_logins_does_not_stall_the_server', async () => {
	// 12 people log in at the same moment (more than the connection pool)
	const all = [...LOGINS, ...LOGINS, 'agent1', 'agent2'];
	const t0 = Date.now();
	const burst = all.map((l) => srv.tryLogin(l, USERS[l].password, { timeout: 3000 * TIMEOUT_SCALE }).catch((e) => ({ status: `no reply (${e.name})` })));
	const health = await srv.anon.raw('GET', '/healthz', { timeout: 3000 * TIMEOUT_SCALE }).catch((e) => ({ status: `no reply (${e.name})` }));
	assert.equal(health.status, 200, 'GET /healthz answered during a burst of 12 log-ins');
	const res = await Promise.all(burst);
	const statuses = res.map((r) => r.status);
	assert.deepEqual(statuses, all.map(() => 200), `12 parallel POST /api/session: ${JSON.stringify(statuses)} after ${Date.now() - t0} ms`);
	expectStatus(await agent.get('/api/me', { timeout: 3000 * TIMEOUT_SCALE }), 200, 'the server still answers');
});
