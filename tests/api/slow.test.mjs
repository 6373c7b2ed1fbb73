// slow: slow clients (slowloris) and the connection timeout.  A client
// that sends part of a request head and stalls, or dribbles it a byte at a
// time, must not hold up anyone else and must be cut off once the
// connection timeout has passed since it connected (or since its last
// reply), whatever it keeps sending.  A body must then come at 1 KiB/s on
// average after the same grace: a slow upload passes, a dribble does not.  The server runs with
// KONTAKT_CONN_TIMEOUT_S=2 so the file takes a few seconds.
import { before, after } from 'node:test';
import net from 'node:net';
import { startServer, test, assert, expectStatus, TIMEOUT_SCALE } from './lib/harness.mjs';

const TIMEOUT_S = 2;
let srv, admin;

before(async () => {
	srv = await startServer({ env: { KONTAKT_CONN_TIMEOUT_S: String(TIMEOUT_S) } });
	admin = await (await srv.session('admin')).bearer();
});
after(async () => {
	await srv?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* slowClient: a socket that sends head, then (every dribbleMs, if given)
 * one more byte of a header value; {closed: promise of {ms, bytes}}, where
 * ms is the time from connecting to the server closing it and bytes what
 * the server sent before. */
function slowClient(head, dribbleMs = 0) {
	const url = new URL(srv.url);
	const s = net.connect({ host: url.hostname, port: Number(url.port) });
	let t0 = 0;
	let timer = null;
	let received = 0;
	s.on('connect', () => {
		t0 = performance.now();
		s.write(head);
		if (dribbleMs) timer = setInterval(() => s.destroyed || s.write('a'), dribbleMs);
	});
	s.on('data', (d) => (received += d.length));
	s.on('error', () => {});
	const closed = new Promise((resolve) => {
		s.on('close', () => {
			clearInterval(timer);
			resolve({ ms: performance.now() - t0, bytes: received });
		});
	});
	return { socket: s, closed };
}

async function timed(fn) {
	const t0 = performance.now();
	const r = await fn();
	return { r, ms: performance.now() - t0 };
}

test('stalled_half_sent_request_does_not_block_others_and_is_closed_after_timeout', async () => {
	const stalled = [];
	for (let i = 0; i < 20; i++) stalled.push(slowClient(`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Half: `));
	await sleep(200);
	// Others are answered at once, on new and on kept-alive connections.
	for (let i = 0; i < 5; i++) {
		const { r, ms } = await timed(() => admin.get('/api/me'));
		expectStatus(r, 200, 'GET /api/me while 20 requests hang half-sent');
		assert.ok(ms < 1000 * TIMEOUT_SCALE, `answered in ${ms.toFixed(0)} ms`);
		expectStatus(await srv.anon.raw('GET', '/healthz', { headers: { Connection: 'close' } }), 200);
	}
	const results = await Promise.race([
		Promise.all(stalled.map((c) => c.closed)),
		sleep((TIMEOUT_S + 5) * 1000 * TIMEOUT_SCALE).then(() => null),
	]);
	assert.ok(results, `the stalled connections were not closed within ${TIMEOUT_S + 5} s`);
	for (const { ms, bytes } of results) {
		assert.ok(ms >= TIMEOUT_S * 1000 - 250, `closed after ${ms.toFixed(0)} ms: not before the timeout`);
		assert.ok(ms <= (TIMEOUT_S + 2) * 1000 * TIMEOUT_SCALE, `closed after ${ms.toFixed(0)} ms`);
		assert.equal(bytes, 0, 'a half-sent request gets no reply');
	}
	expectStatus(await admin.get('/api/me'), 200, 'the server still serves');
});

test('dribbling_a_header_byte_at_a_time_does_not_keep_a_connection_open', async () => {
	// Each byte resets an idle timer; the deadline for the whole head does not.
	const c = slowClient(`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Drip: `, 250);
	const other = await timed(() => admin.get('/api/me'));
	expectStatus(other.r, 200);
	assert.ok(other.ms < 1000 * TIMEOUT_SCALE, `another request answered in ${other.ms.toFixed(0)} ms`);
	const res = await Promise.race([c.closed, sleep((TIMEOUT_S + 5) * 1000 * TIMEOUT_SCALE).then(() => null)]);
	if (!res) c.socket.destroy();
	assert.ok(res, `a client sending a byte every 250 ms was still connected after ${TIMEOUT_S + 5} s`);
	assert.ok(res.ms <= (TIMEOUT_S + 2) * 1000 * TIMEOUT_SCALE, `closed after ${res.ms.toFixed(0)} ms`);
	await sleep(100);
	assert.match(srv.logTail(400), /event=slow_clients_closed partial=\d+/, 'the log names the slow clients');
});

test('kept_alive_connection_that_stalls_in_its_next_request_is_closed_too', async () => {
	// A first request answered, then the next one's head dribbled: the
	// deadline starts again from the reply.
	const url = new URL(srv.url);
	const s = net.connect({ host: url.hostname, port: Number(url.port) });
	let text = '';
	s.on('data', (d) => (text += d));
	s.on('error', () => {});
	const closed = new Promise((resolve) => s.on('close', resolve));
	await new Promise((resolve) => s.on('connect', resolve));
	s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
	const answered = performance.now() + 5000 * TIMEOUT_SCALE; // (a deadline, not 50 polls of 20 ms)
	while (!text.includes('"ok"') && performance.now() < answered) await sleep(20);
	assert.match(text, /^HTTP\/1\.1 200/, 'the first request is answered');
	const t0 = performance.now();
	s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: ');
	const timer = setInterval(() => s.destroyed || s.write('b'), 250);
	const done = await Promise.race([closed.then(() => true), sleep((TIMEOUT_S + 5) * 1000 * TIMEOUT_SCALE).then(() => false)]);
	clearInterval(timer);
	if (!done) s.destroy();
	assert.ok(done, 'the stalled second request was not cut off');
	assert.ok(performance.now() - t0 <= (TIMEOUT_S + 2) * 1000 * TIMEOUT_SCALE);
	assert.equal((text.match(/HTTP\/1\.1 /g) || []).length, 1, 'no reply to the half-sent request');
});

/* bodyClient: a socket that sends a POST /api/contacts head announcing
 * body.length bytes, then the body in pieces of `piece` bytes every
 * everyMs; {reply: promise of {ms, text}} when the server closes it or
 * answers. */
function bodyClient(body, piece, everyMs) {
	const url = new URL(srv.url);
	const s = net.connect({ host: url.hostname, port: Number(url.port) });
	const buf = Buffer.from(body);
	let t0 = 0, off = 0, text = '', timer = null;
	s.on('connect', () => {
		t0 = performance.now();
		s.write(`POST /api/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\n` +
			`Content-Type: application/json\r\nContent-Length: ${buf.length}\r\nConnection: close\r\n\r\n`);
		timer = setInterval(() => {
			if (s.destroyed || off >= buf.length) return clearInterval(timer);
			s.write(buf.subarray(off, off + piece));
			off += piece;
		}, everyMs);
	});
	s.on('data', (d) => (text += d));
	s.on('error', () => {});
	const reply = new Promise((resolve) => s.on('close', () => {
		clearInterval(timer);
		resolve({ ms: performance.now() - t0, text });
	}));
	return { socket: s, reply };
}

test('dribbling_a_request_body_does_not_keep_a_connection_open', async () => {
	// A body must average 1 KiB/s after the timeout's grace: one byte every
	// 250 ms is cut off, and nothing of it is written.
	const name = `Slowbody${Date.now()}`;
	const c = bodyClient(JSON.stringify({ last_name: name }) + ' '.repeat(4000), 1, 250);
	const other = await timed(() => admin.get('/api/me'));
	expectStatus(other.r, 200);
	const res = await Promise.race([c.reply, sleep((TIMEOUT_S + 5) * 1000 * TIMEOUT_SCALE).then(() => null)]);
	if (!res) c.socket.destroy();
	assert.ok(res, `a body sent a byte every 250 ms was still being read after ${TIMEOUT_S + 5} s`);
	assert.ok(res.ms >= TIMEOUT_S * 1000 - 250, `closed after ${res.ms.toFixed(0)} ms: not before the grace`);
	assert.ok(res.ms <= (TIMEOUT_S + 2) * 1000 * TIMEOUT_SCALE, `closed after ${res.ms.toFixed(0)} ms`);
	assert.equal(res.text, '', 'a half-sent body gets no reply');
	const found = expectStatus(await admin.get(`/api/contacts?q=${name}`), 200);
	assert.deepEqual(found.items, [], 'nothing of the cut-off request was written');
	await sleep(100);
	assert.match(srv.logTail(400), /event=slow_clients_closed partial=\d+/);
});

test('a_slow_but_steady_body_longer_than_the_timeout_is_accepted', async () => {
	// 24 KiB at 6 KiB/s: four times the minimum pace, and longer than the
	// 2 s timeout in all.
	const name = `Steadybody${Date.now()}`;
	const body = JSON.stringify({ last_name: name, city: 'Kraków' }) + ' '.repeat(24 * 1024);
	const c = bodyClient(body, 1536, 250);
	const res = await Promise.race([c.reply, sleep(20000 * TIMEOUT_SCALE).then(() => null)]);
	if (!res) c.socket.destroy();
	assert.ok(res, 'no answer to a steady upload');
	assert.ok(res.ms > TIMEOUT_S * 1000, `the upload took ${res.ms.toFixed(0)} ms, longer than the timeout`);
	assert.match(res.text, /^HTTP\/1\.1 201/, res.text.slice(0, 200));
	const found = expectStatus(await admin.get(`/api/contacts?q=${name}`), 200);
	assert.equal(found.items.length, 1);
});

test('idle_kept_alive_connection_is_closed_after_timeout', async () => {
	const c = slowClient('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
	const res = await Promise.race([c.closed, sleep((TIMEOUT_S + 5) * 1000 * TIMEOUT_SCALE).then(() => null)]);
	if (!res) c.socket.destroy();
	assert.ok(res, 'an idle connection stayed open');
	assert.ok(res.bytes > 0, 'it got its reply first');
	assert.ok(res.ms >= TIMEOUT_S * 1000 - 250 && res.ms <= (TIMEOUT_S + 2) * 1000 * TIMEOUT_SCALE, `closed after ${res.ms.toFixed(0)} ms`);
});

test('hundreds_of_connections_from_one_address_are_accepted', async () => {
	// The per-address limit leaves room for a proxy's or a benchmark's
	// connections (half of the server's slots): 300 open at once here.
	const url = new URL(srv.url);
	const socks = await Promise.all(Array.from({ length: 300 }, () => new Promise((resolve, reject) => {
		const s = net.connect({ host: url.hostname, port: Number(url.port) }, () => resolve(s));
		s.on('error', reject);
	})));
	const replies = await Promise.all(socks.map((s) => new Promise((resolve) => {
		let t = '';
		s.on('data', (d) => {
			t += d;
			if (t.includes('"ok"')) resolve(t);
		});
		s.on('close', () => resolve(t));
		s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
	})));
	for (const s of socks) s.destroy();
	const ok = replies.filter((t) => /^HTTP\/1\.1 200/.test(t)).length;
	assert.equal(ok, 300, `${ok} of 300 connections from 127.0.0.1 were answered`);
});
