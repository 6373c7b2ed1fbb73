// shutdown: `kontakt serve` exits 0 on SIGTERM and SIGINT, after finishing
// the requests in flight.
import { startServer, test, assert, expectStatus, USERS } from './lib/harness.mjs';

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

test('shutdown_on_sigterm_exits_0_after_requests_in_flight', async () => {
	const srv = await startServer();
	try {
		// log-ins take tens of milliseconds each on the hashing workers
		const inflight = ['agent1', 'agent2', 'agent3', 'manager'].map((l) => srv.tryLogin(l, USERS[l].password));
		await sleep(30);
		srv.signal('SIGTERM');
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
