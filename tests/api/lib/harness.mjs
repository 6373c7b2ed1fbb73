// harness.mjs: starts a Kontakt server on a temporary database for one test
// file and gives HTTP clients that keep a session (cookie + CSRF token) or a
// bearer token.  Only Node built-ins.
//
//   const srv = await startServer();
//   const admin = await srv.login('admin');           // known users: see USERS
//   const r = await admin.post('/api/contacts', {last_name: 'Nowak'});
//   r.status, r.headers, r.body (parsed JSON or null), r.text
//   await srv.stop();                                 // SIGTERM, asserts exit 0
//
// PostgreSQL: when KONTAKT_TEST_PG_URL is set (a URL of a running cluster that
// may create databases, e.g. the one scripts/pgtmp prints), each server gets a
// fresh database kt_<random> (made and dropped with psql) and every kontakt
// command gets `--pg <its URL>` instead of `--db <file>`; srv.dbArgs is that
// pair, srv.pgUrl the URL (null on SQLite).  startServer({attach: other})
// starts a second server on other's database (only the first one drops it:
// stop the attached servers first).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test as nodeTest } from 'node:test';

export const PASSWORD = 'correct horse battery';

// The users every server starts with (login -> role, department).
export const USERS = {
	admin: { role: 'admin', department: null, password: 'admin-Pa55word!' },
	manager: { role: 'manager', department: 'Kraków', password: PASSWORD },
	agent1: { role: 'agent', department: 'Kraków', password: PASSWORD },
	agent2: { role: 'agent', department: 'Kraków', password: PASSWORD },
	agent3: { role: 'agent', department: 'Gdańsk', password: PASSWORD },
};

const BIN = process.env.KONTAKT_BIN;

/* PG_ADMIN_URL: the cluster the tests make their databases in, or null. */
export const PG_ADMIN_URL = process.env.KONTAKT_TEST_PG_URL || null;

// KONTAKT_TEST_TIMEOUT_SCALE (e.g. 20 for a server under valgrind, see
// scripts/valgrind) multiplies the request, start-up and stop time limits.
export const TIMEOUT_SCALE = Math.max(1, Number(process.env.KONTAKT_TEST_TIMEOUT_SCALE) || 1);

// No request may hang the suite: each gives up after this many milliseconds.
export const REQUEST_TIMEOUT_MS = 10000 * TIMEOUT_SCALE;

// Failures of the current file: the server log is printed when any test failed.
let failures = 0;

/* test: node:test's test(), counting failures so stop() can show the log. */
export function test(name, opts, fn) {
	if (typeof opts === 'function') {
		fn = opts;
		opts = {};
	}
	return nodeTest(name, opts, async (t) => {
		try {
			return await fn(t);
		} catch (e) {
			failures++;
			throw e;
		}
	});
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function runCli(args, input) {
	try {
		return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30000 });
	} catch (e) {
		throw new Error(`kontakt ${args.join(' ')} failed (${e.status}): ${e.stderr || e.message}`);
	}
}

/* psql: runs one SQL command on the admin database of the cluster. */
function psql(sql) {
	try {
		execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', PG_ADMIN_URL, '-c', sql],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
	} catch (e) {
		throw new Error(`psql -c "${sql}" failed (${e.status}): ${e.stderr || e.message}`);
	}
}

/* pgUrlFor: the admin URL (or key=value connection string) with its
 * database name replaced by name. */
export function pgUrlFor(name) {
	if (!/^postgres(ql)?:\/\//.test(PG_ADMIN_URL)) return `${PG_ADMIN_URL} dbname=${name}`; // the last one counts
	const u = new URL(PG_ADMIN_URL);
	u.pathname = '/' + name;
	return u.toString();
}

/* createPgDatabase: a fresh, empty database; {name, url}. */
export function createPgDatabase() {
	assert.ok(PG_ADMIN_URL, 'KONTAKT_TEST_PG_URL is not set');
	const name = `kt_${process.pid.toString(36)}_${crypto.randomBytes(6).toString('hex')}`;
	psql(`CREATE DATABASE ${name}`);
	return { name, url: pgUrlFor(name) };
}

/* dropPgDatabase: drops it, closing any session still on it. */
export function dropPgDatabase(name) {
	assert.match(name, /^kt_[a-z0-9_]+$/);
	psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/* parse: the reply of fetch as {status, headers, body, text}. */
async function parse(res) {
	const text = await res.text();
	let body = null;
	if (text.length) {
		try {
			body = JSON.parse(text);
		} catch {
			body = null;
		}
	}
	return { status: res.status, headers: res.headers, body, text };
}

/* A client: anonymous, a cookie session (login) or a bearer token. */
export class Client {
	constructor(url, { cookie = null, csrf = null, token = null, user = null } = {}) {
		this.url = url;
		this.cookie = cookie;
		this.csrf = csrf;
		this.token = token;
		this.user = user;
	}

	headersFor(method, extra = {}, { csrf = true } = {}) {
		const h = {};
		if (this.cookie) h.Cookie = `kontakt_session=${this.cookie}`;
		if (this.token) h.Authorization = `Bearer ${this.token}`;
		if (csrf && this.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = this.csrf;
		return { ...h, ...extra };
	}

	/* raw: any method, any body (string or Buffer), headers as given (plus
	 * the session's cookie and CSRF token unless opts.auth === false). */
	async raw(method, p, { body, headers = {}, auth = true, csrf = true, timeout = REQUEST_TIMEOUT_MS } = {}) {
		const h = auth ? this.headersFor(method, headers, { csrf }) : { ...headers };
		const res = await fetch(this.url + p, { method, headers: h, body, redirect: 'manual', signal: AbortSignal.timeout(timeout) });
		return parse(res);
	}

	/* request: a JSON request (body serialised unless undefined). */
	async request(method, p, body, { headers = {}, csrf = true, timeout } = {}) {
		const h = { ...headers };
		let payload;
		if (body !== undefined) {
			payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
			if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
		}
		return this.raw(method, p, { body: payload, headers: h, csrf, timeout });
	}

	get(p, opts) {
		return this.request('GET', p, undefined, opts);
	}
	post(p, body, opts) {
		return this.request('POST', p, body, opts);
	}
	patch(p, body, opts) {
		return this.request('PATCH', p, body, opts);
	}
	del(p, body, opts) {
		return this.request('DELETE', p, body, opts);
	}

	/* bearer: a new API token of this client's user, as a client. */
	async bearer(name = 'test token') {
		const r = await this.post('/api/tokens', { name });
		assert.equal(r.status, 201, `POST /api/tokens: ${r.status} ${r.text}`);
		return new Client(this.url, { token: r.body.token, user: this.user });
	}
}

/* expectError: asserts an error reply {error: {code, message[, fields]}}. */
export function expectError(r, status, code, fields = []) {
	assert.equal(r.status, status, `expected ${status}${code ? ' ' + code : ''}, got ${r.status}: ${r.text}`);
	assert.ok(r.body && typeof r.body.error === 'object', `expected a JSON error body, got: ${r.text}`);
	assert.equal(typeof r.body.error.message, 'string', `error.message: ${r.text}`);
	assert.ok(r.body.error.message.length > 0);
	if (code) assert.equal(r.body.error.code, code, `error.code: ${r.text}`);
	for (const f of fields)
		assert.ok(r.body.error.fields && typeof r.body.error.fields[f] === 'string',
			`expected an error for field "${f}", got: ${r.text}`);
	return r.body.error;
}

/* expectStatus: asserts the status, showing the reply when it differs. */
export function expectStatus(r, status, what = '') {
	assert.equal(r.status, status, `${what ? what + ': ' : ''}expected ${status}, got ${r.status}: ${r.text}`);
	return r.body;
}

/* waitHealthy: 'ok' once GET /healthz answers 200 from our process (its
 * log names the port), 'exited' if it died, 'timeout' after 10 s. */
async function waitHealthy(url, exited, logNamesPort) {
	const deadline = Date.now() + 10000 * TIMEOUT_SCALE;
	let okSince = 0;
	for (;;) {
		if (exited()) return 'exited';
		try {
			const r = await fetch(url + '/healthz', { signal: AbortSignal.timeout(1000 * TIMEOUT_SCALE) });
			await r.text();
			if (r.status === 200) {
				okSince ||= Date.now();
				// make sure it is our server answering, not another one on the port
				if (logNamesPort() || Date.now() - okSince > 1500) {
					if (!exited()) return 'ok';
				}
			}
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) return 'timeout';
		await sleep(30);
	}
}

/* startServer: a fresh database with the USERS, and `kontakt serve` on it.
 * attach: another server whose database this one shares (no init, no
 * users added); env: extra environment variables for `kontakt serve`. */
export async function startServer({ users = USERS, attach = null, env = {} } = {}) {
	assert.ok(BIN, 'set KONTAKT_BIN to the kontakt binary');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-api-'));
	let db = attach ? attach.db : path.join(dir, 'k.db');
	let pgUrl = attach ? attach.pgUrl : null;
	let pgName = null; // the database this server made and drops
	const cleanup = () => {
		fs.rmSync(dir, { recursive: true, force: true });
		if (pgName) dropPgDatabase(pgName);
	};
	try {
		if (!attach && PG_ADMIN_URL) {
			({ name: pgName, url: pgUrl } = createPgDatabase());
			db = null;
		}
		const dbArgs = pgUrl ? ['--pg', pgUrl] : ['--db', db];
		if (!attach) {
			runCli(['init', ...dbArgs, '--admin-login', 'admin', '--admin-password', USERS.admin.password]);
			for (const [login, u] of Object.entries(users)) {
				if (login === 'admin') continue;
				const args = ['user', 'add', ...dbArgs, '--login', login, '--password-stdin', '--role', u.role];
				if (u.department) args.push('--department', u.department);
				runCli(args, u.password + '\n');
			}
		}
	} catch (e) {
		cleanup();
		throw e;
	}
	const dbArgs = pgUrl ? ['--pg', pgUrl] : ['--db', db];
	const logPath = path.join(dir, 'server.log');
	const logTail = (n = 60) => {
		try {
			return fs.readFileSync(logPath, 'utf8').split('\n').slice(-n).join('\n');
		} catch {
			return '(no log)';
		}
	};
	// The port is free when chosen but another program may take it first:
	// then the server exits at once and we try another port.
	let port, url, proc, exitPromise;
	let exited = null;
	for (let attempt = 1; ; attempt++) {
		port = await freePort();
		url = `http://127.0.0.1:${port}`;
		const logFd = fs.openSync(logPath, 'a');
		proc = spawn(BIN, ['serve', ...dbArgs, '--listen', `127.0.0.1:${port}`],
			{ stdio: ['ignore', logFd, logFd], env: { ...process.env, ...env } });
		fs.closeSync(logFd);
		exited = null;
		const p = proc;
		exitPromise = new Promise((resolve) => {
			p.on('exit', (code, signal) => {
				exited = { code, signal };
				resolve(exited);
			});
		});
		const up = await waitHealthy(url, () => exited, () => logTail(200).includes(`listen=127.0.0.1:${port}`));
		if (up === 'ok') break;
		if (up === 'timeout') {
			proc.kill('SIGKILL');
			await exitPromise;
		}
		if (attempt === 3 || up === 'timeout') {
			const msg = up === 'timeout' ? 'kontakt serve did not answer /healthz within 10 s'
				: `kontakt serve exited early (${JSON.stringify(exited)})`;
			const tail = logTail();
			cleanup();
			throw new Error(`${msg}:\n${tail}`);
		}
	}

	const sessions = new Map();
	let expectExit = false;
	const srv = {
		url,
		dir,
		db, // the SQLite file; null on PostgreSQL
		pgUrl, // the PostgreSQL database's URL; null on SQLite
		dbArgs, // ['--db', file] or ['--pg', url]: for any kontakt command on this database
		engine: pgUrl ? 'postgresql' : 'sqlite',
		proc,
		logTail,
		anon: new Client(url),
		/* login: a new session; throws unless the log-in succeeds. */
		async login(login, password) {
			password ??= USERS[login]?.password;
			const r = await srv.tryLogin(login, password);
			assert.equal(r.status, 200, `login ${login}: ${r.status} ${r.text}`);
			return r.client;
		},
		/* session: the one cached session of a known user (log in once per file). */
		async session(login) {
			if (!sessions.has(login)) sessions.set(login, await srv.login(login));
			return sessions.get(login);
		},
		/* tryLogin: POST /api/session; {status, body, headers, cookie, client}. */
		async tryLogin(login, password, { cookie, timeout = REQUEST_TIMEOUT_MS } = {}) {
			const headers = { 'Content-Type': 'application/json' };
			if (cookie) headers.Cookie = `kontakt_session=${cookie}`;
			const res = await fetch(url + '/api/session', {
				method: 'POST',
				headers,
				body: JSON.stringify({ login, password }),
				signal: AbortSignal.timeout(timeout),
			});
			const r = await parse(res);
			const setCookie = res.headers.getSetCookie();
			r.setCookie = setCookie;
			const m = setCookie.map((c) => /^kontakt_session=([^;]*)/.exec(c)).find(Boolean);
			r.cookie = m ? m[1] : null;
			if (r.status === 200)
				r.client = new Client(url, { cookie: r.cookie, csrf: r.body.csrf_token, user: r.body.user });
			return r;
		},
		async raw(method, p, opts = {}) {
			return srv.anon.raw(method, p, opts);
		},
		/* signal: sends sig to the server, which is then expected to exit. */
		signal(sig) {
			expectExit = true;
			proc.kill(sig);
		},
		/* stop: SIGTERM; asserts exit status 0 within 10 s; removes the
		 * directory.  A server that died before (not by signal()) fails too. */
		async stop() {
			let err = null;
			if (exited && !expectExit) {
				err = new Error(`kontakt serve died during the tests: ${JSON.stringify(exited)}`);
			} else if (!exited) {
				proc.kill('SIGTERM');
				const t = setTimeout(() => proc.kill('SIGKILL'), 10000 * TIMEOUT_SCALE);
				await exitPromise;
				clearTimeout(t);
				if (exited.code !== 0)
					err = new Error(`kontakt serve did not exit 0 on SIGTERM within 10 s: ${JSON.stringify(exited)}`);
			}
			if (failures > 0 || err)
				process.stderr.write(`\n---- kontakt serve log (last lines) ----\n${logTail()}\n----\n`);
			try {
				cleanup();
			} catch (e) {
				err ??= e;
			}
			if (err) throw err;
			return exited;
		},
	};
	return srv;
}

/* uniq: a short unique suffix for names within one server. */
let counter = 0;
export function uniq(prefix = 'x') {
	counter++;
	return `${prefix}${process.pid.toString(36)}${counter.toString(36)}`;
}

/* pageAll: follows next_cursor through a list; returns every item. */
export async function pageAll(client, basePath, { max = 100 } = {}) {
	const items = [];
	let cursor = null;
	for (let i = 0; i < max; i++) {
		const sep = basePath.includes('?') ? '&' : '?';
		const r = await client.get(cursor ? `${basePath}${sep}cursor=${encodeURIComponent(cursor)}` : basePath);
		assert.equal(r.status, 200, `${basePath}: ${r.text}`);
		items.push(...r.body.items);
		cursor = r.body.next_cursor;
		if (cursor === null) return items;
		assert.equal(typeof cursor, 'string');
	}
	throw new Error('pagination did not end');
}

/* deepKeys: every object key anywhere in a JSON value. */
export function deepKeys(v, out = new Set()) {
	if (Array.isArray(v)) v.forEach((x) => deepKeys(x, out));
	else if (v && typeof v === 'object')
		for (const [k, x] of Object.entries(v)) {
			out.add(k);
			deepKeys(x, out);
		}
	return out;
}

export { assert };
