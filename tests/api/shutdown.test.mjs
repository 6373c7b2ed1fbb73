// shutdown: `kontakt serve` exits 0 on SIGTERM and SIGINT, after finishing
// the requests in flight.
import { startServer, test, assert, expectStatus, USERS, TIMEOUT_SCALE } from './lib/harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitExit(srv, ms = 10000) {
	if (srv.proc.exitCode !== null || srv.proc.signalCode !== null) return { code: srv.proc.exitCode, signal: srv.proc.signalCode };
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('no exit within 10 s')), ms);
		srv.proc.once('exit', (code, signal) => {
			clearTimeout(t);
			resolve({ code, signal });
		});
	});
}

/* sessionReplies: how many POST /api/session the server has answered (its log). */
const sessionReplies = (srv) => (srv.logTail(100000).match(/event=http [^\n]*path="\/api\/session"/g) ?? []).length;

test('shutdown_on_sigterm_exits_0_after_requests_in_flight', async (t) => {
	const srv = await startServer();
	try {
		// Log-ins take tens of milliseconds each on the two hashing workers:
		// eight of them are in flight for a few rounds.  SIGTERM once the
		// server has answered the first, not after a fixed sleep: a request
		// that has not reached the server by then (a slow machine, ASan) is
		// refused, not in flight, and would fail this test by chance.
		const logins = ['agent1', 'agent2', 'agent3', 'manager'];
		const inflight = [...logins, ...logins].map((l) => srv.tryLogin(l, USERS[l].password));
		const deadline = Date.now() + 10000 * TIMEOUT_SCALE;
		while (sessionReplies(srv) === 0 && Date.now() < deadline) await sleep(5);
		assert.ok(sessionReplies(srv) > 0, 'the server answered a log-in');
		srv.signal('SIGTERM');
		t.diagnostic(`SIGTERM with ${inflight.length - sessionReplies(srv)} of ${inflight.length} log-ins unanswered`);
		const results = await Promise.all(inflight.map((p) => p.catch((e) => ({ status: 'error: ' + e.message }))));
		for (const r of results) assert.equal(r.status, 200, `a request in flight was finished: ${r.status}`);
		const exit = await waitExit(srv);
		assert.deepEqual(exit, { code: 0, signal: null });
		assert.match(srv.logTail(), /event=stopped/);
		await assert.rejects(fetch(srv.url + '/healthz'), 'no longer listening');
	} finally {
		await srv.stop();
	}
});

test('shutdown_on_sigint_exits_0', async () => {
	const srv = await startServer();
	try {
		const admin = await srv.login('admin');
		expectStatus(await admin.post('/api/contacts', { last_name: 'Przed zamknięciem' }), 201);
		srv.signal('SIGINT');
		const exit = await waitExit(srv);
		assert.deepEqual(exit, { code: 0, signal: null });
	} finally {
		await srv.stop();
	}
});

test('shutdown_harness_stop_checks_exit_0', async () => {
	const srv = await startServer();
	expectStatus(await srv.raw('GET', '/healthz'), 200);
	const exit = await srv.stop();
	assert.deepEqual(exit, { code: 0, signal: null });
});
