// crash: a server killed with SIGKILL in the middle of writes from several
// connections loses no acknowledged write and leaves a sound database; a
// full disk gives clean 5xx/507 replies, no crash, and writes work again
// once space returns.  Runs on SQLite, and on PostgreSQL when
// KONTAKT_TEST_PG_URL is set (then only the kontakt server is killed).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, test, assert, expectStatus, freePort, runCli, USERS, PG_ADMIN_URL, TIMEOUT_SCALE, REQUEST_TIMEOUT_MS } from './lib/harness.mjs';

const WORKERS = 8;
const KILL_AFTER_MS = 1500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* The fields a worker writes: every one is checked after the restart. */
function contactFields(w, i) {
	return {
		first_name: `Wątek${w}`,
		last_name: `Zażółć-${w}-${i}`,
		city: `Łódź ${i % 97}`,
		address: `ul. Długa ${w}/${i} ${'x'.repeat(i % 50)} — "cudzysłów" 'apostrof'`,
		email: `w${w}.n${i}@example.com`,
		visibility: 'company',
	};
}

async function waitExit(proc) {
	if (proc.exitCode !== null || proc.signalCode !== null) return;
	await new Promise((r) => proc.once('exit', r));
}

/* sqliteCheck: PRAGMA integrity_check of the file.  The name indexes use
 * the collation kt_pl, which only the server has: the sqlite3 CLI refuses
 * to prepare any check, so this uses Python's sqlite3 with a stand-in
 * collation: quick_check (structure of every b-tree, no index-to-row
 * lookups) must say ok, and integrity_check must report nothing but
 * index-content complaints about kt_pl indexes (which a stand-in collation
 * cannot judge).  Returns {quick, problems, skipped}. */
function sqliteCheck(db) {
	const py = `
import sqlite3, sys, json
con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
con.create_collation('kt_pl', lambda a, b: (a > b) - (a < b))
quick = [r[0] for r in con.execute('PRAGMA quick_check')]
pl = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type='index' AND sql LIKE '%kt_pl%'")}
full = [r[0] for r in con.execute('PRAGMA integrity_check(1000)')]
problems = [l for l in full if l != 'ok' and not any(i in l for i in pl)]
print(json.dumps({'quick': quick, 'problems': problems, 'pl_indexes': sorted(pl)}))
`;
	try {
		return JSON.parse(execFileSync('python3', ['-c', py, db], { encoding: 'utf8', timeout: 60000 }));
	} catch (e) {
		return { skipped: `python3 sqlite3 check failed: ${e.message}` };
	}
}

test('sigkill_mid_stream_loses_no_acknowledged_write', { timeout: 60000 }, async (t) => {
	const srv = await startServer({ users: { admin: USERS.admin } });
	let srv2 = null;
	try {
		// one session per worker, each its own connection pool in practice
		const clients = [];
		for (let w = 0; w < WORKERS; w++) clients.push(w === 0 ? await srv.login('admin') : await clients[0].bearer(`w${w}`));
		const acked = new Map(); // id -> the fields of the last acknowledged write
		const pending = new Map(); // id -> fields of a PATCH sent but not answered
		let sent = 0, errors = 0, non2xx = 0, patches = 0;
		let stop = false;
		const worker = async (w) => {
			const c = clients[w];
			for (let i = 0; !stop; i++) {
				const mine = [...acked.keys()].filter((id) => acked.get(id).w === w);
				try {
					if (i % 4 === 3 && mine.length) {
						// a PATCH of one of this worker's records
						const id = mine[i % mine.length];
						const prev = acked.get(id);
						const city = `Po zmianie ${w}-${i}`;
						pending.set(id, { ...prev.fields, city });
						sent++;
						const r = await c.patch(`/api/contacts/${id}`, { version: prev.version, city });
						if (r.status === 200) {
							acked.set(id, { w, fields: { ...prev.fields, city }, version: r.body.version });
							patches++;
						} else non2xx++;
						pending.delete(id);
					} else {
						const fields = contactFields(w, i);
						sent++;
						const r = await c.post('/api/contacts', fields);
						if (r.status === 201) acked.set(r.body.id, { w, fields, version: r.body.version });
						else non2xx++;
					}
				} catch {
					errors++; // the server went away mid-request: not acknowledged
					if (stop) return;
					await sleep(5);
				}
			}
		};
		const running = clients.map((_, w) => worker(w));
		await sleep(KILL_AFTER_MS);
		srv.signal('SIGKILL');
		await waitExit(srv.proc);
		stop = true;
		await Promise.all(running);
		assert.equal(srv.proc.signalCode, 'SIGKILL', 'the server was killed, not stopped');

		let check = null;
		if (srv.db) {
			check = sqliteCheck(srv.db);
			if (!check.skipped) {
				assert.deepEqual(check.quick, ['ok'], `quick_check after the kill: ${check.quick}`);
				assert.deepEqual(check.problems, [], 'integrity_check after the kill');
			}
		}
		// restart on the same database and read back every acknowledged write
		srv2 = await startServer({ attach: srv });
		const admin = await srv2.login('admin');
		let present = 0, intact = 0;
		const bad = [];
		for (const [id, a] of acked) {
			const r = await admin.get(`/api/contacts/${id}`);
			if (r.status !== 200) {
				bad.push(`contact ${id}: ${r.status}`);
				continue;
			}
			present++;
			const want = [a.fields];
			if (pending.has(id)) want.push(pending.get(id)); // an unanswered PATCH may have landed
			const ok = want.some((f) => Object.entries(f).every(([k, v]) => r.body[k] === v));
			if (ok) intact++;
			else bad.push(`contact ${id}: ${JSON.stringify(r.body)} != ${JSON.stringify(a.fields)}`);
			if (!pending.has(id)) assert.equal(r.body.version, a.version, `contact ${id}: version`);
		}
		const note = `${srv.engine}: sent ${sent}, acknowledged ${acked.size} records (${patches} patches acknowledged), ` +
			`present ${present}, intact ${intact}, unanswered ${errors}, non-2xx ${non2xx}` +
			(check ? `; sqlite quick_check ${check.skipped ?? check.quick.join(',')}, integrity_check problems ${check.problems?.length ?? 'n/a'}` : '');
		t.diagnostic(note);
		assert.ok(acked.size >= WORKERS, `enough writes before the kill: ${note}`);
		assert.deepEqual(bad.slice(0, 5), [], `acknowledged writes lost or damaged (${bad.length}): ${note}`);
		assert.equal(present, acked.size);
		// and the database takes writes again
		expectStatus(await admin.post('/api/contacts', { last_name: 'Po restarcie' }), 201);
	} finally {
		await srv2?.stop();
		await srv.stop();
	}
});

/* A server of our own on a database under dir (the harness can't place it). */
async function serveAt(db, logPath) {
	runCli(['init', '--db', db, '--admin-login', 'admin', '--admin-password', USERS.admin.password]);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const log = fs.openSync(logPath, 'a');
	const proc = spawn(process.env.KONTAKT_BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', log, log] });
	fs.closeSync(log);
	const deadline = Date.now() + 10000 * TIMEOUT_SCALE;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(url + '/healthz')).status === 200) return { proc, url };
		} catch {
			/* not yet */
		}
		if (proc.exitCode !== null) break;
		await sleep(30);
	}
	proc.kill('SIGKILL');
	await waitExit(proc);
	throw new Error('kontakt serve on the tmpfs did not start');
}

test('disk_full_gives_clean_5xx_and_recovers_when_space_returns', { timeout: 60000, skip: PG_ADMIN_URL ? 'SQLite only (the database file is on the small disk)' : false }, async (t) => {
	if (process.getuid?.() !== 0) return t.skip('needs root to mount a small tmpfs');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-full-'));
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
	} catch (e) {
		fs.rmSync(dir, { recursive: true, force: true });
		return t.skip(`mount -t tmpfs not permitted here: ${String(e.stderr || e.message).trim()}`);
	}
	let proc = null;
	const logPath = `${dir}.log`; // the server's log, off the small disk
	try {
		// a filler that takes part of the disk, freed later to make room
		fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(2 * 1024 * 1024, 1));
		const s = await serveAt(path.join(dir, 'k.db'), logPath);
		proc = s.proc;
		let exited = null;
		proc.on('exit', (code, signal) => (exited = { code, signal }));
		const login = await fetch(s.url + '/api/session', {
			method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ login: 'admin', password: USERS.admin.password }),
		});
		assert.equal(login.status, 200);
		const cookie = /kontakt_session=([^;]*)/.exec(login.headers.getSetCookie().join('\n'))[1];
		const csrf = (await login.json()).csrf_token;
		const post = async (p, body) => {
			const r = await fetch(s.url + p, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Cookie: `kontakt_session=${cookie}`, 'X-CSRF-Token': csrf },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
			});
			const text = await r.text();
			return { status: r.status, text, type: r.headers.get('content-type') };
		};
		const big = 'Zażółć gęślą jaźń. '.repeat(900).slice(0, 19000);
		let ok = 0, full = null;
		for (let i = 0; i < 2000 && !full; i++) {
			const r = await post('/api/contacts', { last_name: `Pełny-${i}`, address: big.slice(0, 300), city: 'Kraków' });
			const n = await post('/api/notes', { body: big + i });
			for (const x of [r, n]) {
				if (x.status === 201) ok++;
				else if (x.status >= 500) full = x;
				else assert.fail(`unexpected ${x.status} while filling the disk: ${x.text}`);
			}
		}
		assert.ok(full, `the disk never filled after ${ok} writes`);
		t.diagnostic(`disk full after ${ok} writes: ${full.status} ${full.text}`);
		assert.ok([500, 503, 507].includes(full.status), `status ${full.status}`);
		assert.match(full.type || '', /^application\/json/, 'a JSON error');
		const err = JSON.parse(full.text).error;
		assert.ok(err && err.code && err.message, full.text);
		// still answering: health and reads
		assert.equal(exited, null, 'the server is still running');
		assert.ok([200, 503].includes((await fetch(s.url + '/healthz')).status), 'healthz answers');
		const list = await fetch(s.url + '/api/contacts?limit=5', { headers: { Cookie: `kontakt_session=${cookie}` } });
		assert.equal(list.status, 200, 'reads still work on a full disk');
		// free the space: writes work again (allow a moment for the WAL to recover)
		fs.rmSync(path.join(dir, 'filler'));
		let again = null;
		for (let i = 0; i < 20; i++) {
			again = await post('/api/contacts', { last_name: `Znowu-${i}`, city: 'Kraków' });
			if (again.status === 201) break;
			await sleep(100);
		}
		assert.equal(again.status, 201, `a write after space returned: ${again.text}`);
		assert.equal(exited, null, 'the server never crashed');
		proc.kill('SIGTERM');
		await waitExit(proc);
		assert.equal(proc.exitCode, 0, 'clean exit after a full disk');
		proc = null;
	} catch (e) {
		let tail = '(no log)';
		try {
			tail = fs.readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
		} catch {
			/* none */
		}
		process.stderr.write(`\n---- kontakt serve log (disk full) ----\n${tail}\n----\n`);
		throw e;
	} finally {
		if (proc) {
			proc.kill('SIGKILL');
			await waitExit(proc);
		}
		// (a server that just exited may hold the mount a moment longer)
		let mounted = true;
		for (let i = 0; i < 50 && mounted; i++) {
			try {
				execFileSync('umount', [dir], { stdio: 'pipe' });
				mounted = false;
			} catch {
				await sleep(100);
			}
		}
		if (mounted) execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
		fs.rmSync(dir, { recursive: true, force: true });
		fs.rmSync(logPath, { force: true });
	}
});
