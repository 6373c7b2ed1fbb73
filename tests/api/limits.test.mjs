// limits: requests the server cannot hold are answered at once with a JSON
// error (too many query parameters, an over-long URL full of them, heads
// too large, many small headers), and a normal request still works after
// them; and nothing a client puts in a request can forge a log line.
import { before, after } from 'node:test';
import net from 'node:net';
import { startServer, test, assert, expectError, expectStatus } from './lib/harness.mjs';

let srv, admin;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
});
after(async () => {
	await srv?.stop();
});

/* rawRequest: sends head (a whole request head) on a new connection and
 * reads the reply: {status, headers, body, text}, or {closed: true} when
 * the server closed the connection without one.  No reply within 10 s
 * fails (the old server kept a 900-parameter request for 30 s). */
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

function assertJsonError(r, status, code, what) {
	assert.ok(!r.closed, `${what}: the connection closed without a reply`);
	assert.equal(r.status, status, `${what}: ${r.status} ${r.text?.slice(0, 200)}`);
	assert.match(r.headers['content-type'] || '', /^application\/json/, `${what}: Content-Type`);
	assert.equal(r.body?.error?.code, code, `${what}: ${r.text?.slice(0, 200)}`);
	assert.ok(r.body.error.message.length > 0);
}

const get = (target, extra = '') => `GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`;

test('query_with_900_parameters_gets_json_400_at_once', async () => {
	const r = await rawRequest(get(`/api/contacts?${'a=1&'.repeat(900)}`));
	assertJsonError(r, 400, 'bad_query', '900 parameters');
	assert.match(r.body.error.message, /at most 100/);
	// one over the cap is refused, the cap itself is routed as usual
	const over = await rawRequest(get(`/api/contacts?${'a=1&'.repeat(100)}b=2`));
	assertJsonError(over, 400, 'bad_query', '101 parameters');
	const at = await rawRequest(get(`/api/contacts?${'a=1&'.repeat(99)}b=2`));
	assert.equal(at.status, 401, `100 parameters are no error of size: ${at.status} ${at.text}`);
	// with a session, on a kept-alive connection: the list answers
	const many = await admin.get(`/api/contacts?${'a=1&'.repeat(900)}`);
	expectError(many, 400, 'bad_query');
	expectStatus(await admin.get(`/api/me?${'x=1&'.repeat(99)}y=2`), 200, '100 parameters');
	expectStatus(await admin.get('/api/me'), 200, 'the next request');
});

test('url_just_over_the_limit_and_full_of_parameters_gets_json_414', async () => {
	// 2,100 empty parameters in 4.2 KB: too long, and too many to store
	const r = await rawRequest(get(`/api/contacts?${'&a'.repeat(2100)}`));
	assertJsonError(r, 414, 'uri_too_long', '4.2 KB of parameters');
	const one = await rawRequest(get(`/api/contacts?q=${'a'.repeat(4097 - '/api/contacts?q='.length)}`));
	assertJsonError(one, 414, 'uri_too_long', 'one byte over');
});

test('heads_too_large_get_json_431_and_many_small_headers_within_the_limit_are_served', async () => {
	const big = await rawRequest(get('/api/me', `X-Filler: ${'f'.repeat(17 * 1024)}\r\n`));
	assertJsonError(big, 431, 'headers_too_large', '17 KiB header');
	// 300 small headers, 100 parameters and a cookie, all within 16 KiB: served
	const headers = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${'d'.repeat(15)}\r\n`).join('');
	const cookie = `Cookie: kontakt_session=${'c'.repeat(4000)}\r\n`;
	const within = await rawRequest(get(`/api/contacts?${'a=1&'.repeat(99)}b=2`, headers + cookie));
	assertJsonError(within, 401, 'unauthorized', '300 headers, 100 parameters and a 4 KB cookie');
	// many tiny headers past 16 KiB: refused at once, never held
	const tiny = Array.from({ length: 4000 }, (_, i) => `H${i}: 1\r\n`).join('');
	const past = await rawRequest(get('/healthz', tiny));
	assert.ok(!past.closed && past.status === 431, `4,000 tiny headers: ${past.status} ${past.text?.slice(0, 100)}`);
	expectStatus(await srv.raw('GET', '/healthz'), 200, 'the server keeps serving');
	expectStatus(await admin.get('/api/me'), 200, 'and logged-in requests too');
});

/* logfmt: one log line as [key, value] pairs; null if it does not read
 * as key=value pairs throughout (a quoted value may hold \" and \\). */
function logfmt(line) {
	const pairs = [];
	const re = /\s*([A-Za-z_][A-Za-z0-9_.]*)=("((?:[^"\\]|\\.)*)"|[^\s"]*)/y;
	let m;
	while (re.lastIndex < line.length && (m = re.exec(line))) pairs.push([m[1], m[3] ?? m[2]]);
	return re.lastIndex === line.length || line.slice(re.lastIndex).trim() === '' ? pairs : null;
}

test('a_path_with_crlf_quotes_and_a_fake_event_cannot_forge_a_log_line', async () => {
	const forged = '/api/x%0d%0ats=2026-01-01T00:00:00.000Z level=warn event=forged_crlf%0a' +
		'%22%20event=forged_quote%20x=%22%5c%1b%7f%ff';
	const r = await rawRequest(get(forged));
	assert.equal(r.status, 404, `${r.status} ${r.text}`);
	// a bare newline (not CR LF) in the query is data too
	const q = await admin.get('/api/contacts?q=a%0aevent%3Dforged_q&limit=1');
	expectStatus(q, 200, 'a query with a newline');
	expectStatus(await srv.raw('GET', '/healthz'), 200, 'healthz');
	const lines = srv.logTail(400).split('\n').filter((l) => l.length);
	for (const l of lines) {
		assert.match(l, /^ts=\d{4}-\d\d-\d\dT[\d:.]+Z level=(debug|info|warn|error) event=/, `every line is a log line: ${l}`);
		const pairs = logfmt(l);
		assert.ok(pairs, `the line reads as key=value pairs: ${l}`);
		assert.equal(pairs.filter(([k]) => k === 'event').length, 1, `one event per line: ${l}`);
		assert.ok(!pairs.some(([k, v]) => k === 'event' && /forged/.test(v)), `no forged event: ${l}`);
		assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(l), `no control characters: ${JSON.stringify(l)}`);
	}
	const line = lines.find((l) => l.includes('event=http') && l.includes('forged_crlf'));
	assert.ok(line, 'the request is logged');
	const path = logfmt(line).find(([k]) => k === 'path')[1];
	assert.match(path, /^\/api\/x\\r\\nts=2026/, `CR LF are escaped: ${path}`);
	assert.match(path, /\\" event=forged_quote x=\\"\\\\\\x1b\\x7f/, `quotes, backslash and controls are escaped: ${path}`);
});
