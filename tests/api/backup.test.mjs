// backup: `kontakt backup` / `kontakt restore` end to end, on the engine of
// the run (SQLite; PostgreSQL when KONTAKT_TEST_PG_URL is set, where backup
// is an encrypted pg_dump).  A backup taken while several clients keep
// writing restores into a new database that a server then serves: every
// contact acknowledged before the backup started is there and equal, and
// every restored contact exists identically in the live database.  A wrong
// password, a truncated file and a file that is no backup are refused with a
// clear message, leaving the target database as it was; so is a restore
// while a server uses the database, unless --force.
import { after, before } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	assert, createPgDatabase, dropPgDatabase, expectStatus, pageAll, PG_ADMIN_URL, runCli, startServer, test, USERS,
} from './lib/harness.mjs';

const BIN = process.env.KONTAKT_BIN;
const PASSWORD = 'backup pass phrase: łódź 2024';
const PG = !!PG_ADMIN_URL;

function hasPgDump() {
	try {
		execFileSync('pg_dump', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}
const SKIP = PG && !hasPgDump() ? 'pg_dump is not installed (Debian package postgresql-client)' : false;

/* kontakt: runs a command to its end; {code, stdout, stderr}. */
function kontakt(args, input, env = process.env) {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
		let stdout = '', stderr = '';
		p.stdout.on('data', (d) => (stdout += d));
		p.stderr.on('data', (d) => (stderr += d));
		p.on('error', reject);
		p.stdin.on('error', () => {}); // (a command that exits without reading its input)
		const t = setTimeout(() => p.kill('SIGKILL'), 120000);
		// 'close', not 'exit': at 'exit' the pipes may still hold output not
		// yet read, and a refusal's one line on stderr came back empty.
		p.on('close', (code, signal) => {
			clearTimeout(t);
			resolve({ code, signal, stdout, stderr });
		});
		p.stdin.end(input ?? '');
	});
}

let srv, admin, dir, backupFile;
const acked = new Map(); // id -> the contact as acknowledged (201 reply)
let ackedBeforeBackup = null; // ids acknowledged before the backup started

/* target: a database to restore into: {args, fingerprint(), cleanup()}. */
function newTarget(name) {
	if (PG) {
		const db = createPgDatabase();
		return {
			args: ['--pg', db.url],
			url: db.url,
			// the whole database as pg_dump sees it (schema and rows), less
			// the random key of its \restrict lines (PostgreSQL 15.14 on)
			fingerprint: () => crypto.createHash('sha256')
				.update(execFileSync('pg_dump', ['--no-owner', '--dbname', db.url], { encoding: 'utf8', maxBuffer: 1 << 28 })
					.replace(/^\\(un)?restrict .*$/gm, '')).digest('hex'),
			cleanup: () => dropPgDatabase(db.name),
		};
	}
	const file = path.join(dir, name);
	return {
		args: ['--db', file],
		file,
		// the file's bytes, and nothing added next to it (no temporary left)
		fingerprint: () => {
			const sum = fs.existsSync(file) ? crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'none';
			return `${sum} ${fs.readdirSync(dir).filter((f) => f.startsWith(name)).sort().join(',')}`;
		},
		cleanup: () => {},
	};
}

/* a target that holds a database already: `kontakt init` made it */
function existingTarget(name) {
	const t = newTarget(name);
	runCli(['init', ...t.args, '--admin-login', 'admin', '--admin-password', 'other-Pa55word!']);
	return t;
}

before(async () => {
	if (SKIP) return;
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-backup-'));
	srv = await startServer();
	admin = await srv.session('admin');
});

after(async () => {
	await srv?.stop();
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function contactInput(writer) {
	const n = ++seq;
	return {
		first_name: `Zofia-${writer}`,
		last_name: `Żółkiewska-${n}`,
		phone: `+48 601 ${String(100000 + n).slice(-3)} ${String(n % 1000).padStart(3, '0')}`,
		email: `z${n}.w${writer}@przyklad.pl`,
		city: ['Łódź', 'Kraków', 'Gdańsk', 'Poznań'][n % 4],
		address: `ul. Długa ${n}`,
		birth_date: `19${String(50 + (n % 50)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
		kind: n % 2 ? 'lead' : 'customer',
		custom: {},
	};
}

test('backup_while_clients_write_then_restore_gives_equal_data', { skip: SKIP, timeout: 180000 }, async (t) => {
	// four clients (different users, sessions and tokens) keep creating contacts
	const writers = [
		admin, await srv.login('manager'), await (await srv.login('agent1')).bearer('writer'), await srv.login('agent2'),
	];
	let stop = false;
	const loops = writers.map(async (cl, w) => {
		while (!stop) {
			const r = await cl.post('/api/contacts', contactInput(w));
			expectStatus(r, 201, 'POST /api/contacts during the backup');
			acked.set(r.body.id, r.body);
		}
	});
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
	while (acked.size < 60) await sleep(20);

	backupFile = path.join(dir, 'live.ktb');
	ackedBeforeBackup = new Set(acked.keys());
	const countBefore = acked.size;
	const b = await kontakt(['backup', ...srv.dbArgs, '--out', backupFile, '--password-stdin'], PASSWORD + '\n');
	const countAfter = acked.size;
	await sleep(200); // a few writes after the backup ended, too
	stop = true;
	await Promise.all(loops);
	assert.equal(b.code, 0, `kontakt backup: ${b.stderr}`);
	assert.match(b.stdout, /Wrote the encrypted backup/);
	t.diagnostic(`${engine()}: ${countBefore} contacts acknowledged before the backup, ${countAfter - countBefore} while it ran, ${acked.size} in all`);
	assert.ok(countAfter > countBefore, 'the clients kept writing while the backup ran');
	const st = fs.statSync(backupFile);
	assert.equal(st.mode & 0o777, 0o600, 'the backup file is private');
	const head = fs.readFileSync(backupFile).subarray(0, 8).toString('latin1');
	assert.equal(head, 'KONTAKTB', 'the file names its format');
	// nothing of the database in clear text
	assert.ok(!fs.readFileSync(backupFile).includes(Buffer.from('Żółkiewska')), 'the backup is encrypted');

	// restore into a new database and serve it
	const target = newTarget('restored.db');
	try {
		const r = await kontakt(['restore', ...target.args, '--in', backupFile, '--password-stdin'], PASSWORD + '\n');
		assert.equal(r.code, 0, `kontakt restore: ${r.stderr}`);
		assert.match(r.stdout, /Restored/);
		const copy = await startServer({ attach: PG ? { pgUrl: target.url, db: null } : { db: target.file, pgUrl: null } });
		try {
			const ra = await copy.login('admin', USERS.admin.password);
			const restored = await pageAll(ra, '/api/contacts?limit=500&sort=id', { max: 1000 });
			const live = new Map((await pageAll(admin, '/api/contacts?limit=500&sort=id', { max: 1000 })).map((c) => [c.id, c]));
			const byId = new Map(restored.map((c) => [c.id, c]));
			t.diagnostic(`restored ${restored.length} contacts; live database ${live.size}`);
			for (const id of ackedBeforeBackup) {
				assert.ok(byId.has(id), `contact ${id}, acknowledged before the backup started, is missing from the restore`);
				assert.deepEqual(byId.get(id), acked.get(id), `contact ${id} differs after the restore`);
			}
			for (const c of restored) {
				assert.ok(live.has(c.id), `restored contact ${c.id} is not in the live database`);
				assert.deepEqual(c, live.get(c.id), `restored contact ${c.id} differs from the live one`);
			}
			// the restored database is a working one: searchable, writable
			const q = expectStatus(await ra.get('/api/contacts?q=zolkiewska&limit=5'), 200);
			assert.ok(q.items.length > 0, 'search works on the restored database');
			expectStatus(await ra.post('/api/contacts', { last_name: 'Po przywróceniu' }), 201);
			// the users came along (a login other than admin works)
			await copy.login('agent3');
		} finally {
			await copy.stop();
		}
	} finally {
		target.cleanup();
	}
});

test('restore_replaces_an_existing_database', { skip: SKIP, timeout: 60000 }, async () => {
	assert.ok(backupFile, 'needs the backup of the first test');
	const target = existingTarget('replaced.db'); // its admin has another password
	try {
		const r = await kontakt(['restore', ...target.args, '--in', backupFile, '--password-stdin'], PASSWORD + '\n');
		assert.equal(r.code, 0, `kontakt restore: ${r.stderr}`);
		const copy = await startServer({ attach: PG ? { pgUrl: target.url, db: null } : { db: target.file, pgUrl: null } });
		try {
			assert.equal((await copy.tryLogin('admin', 'other-Pa55word!')).status, 401, 'the old database is gone');
			const ra = await copy.login('admin', USERS.admin.password);
			const restored = await pageAll(ra, '/api/contacts?limit=500&sort=id', { max: 1000 });
			for (const id of ackedBeforeBackup) assert.ok(restored.some((c) => c.id === id), `contact ${id} is missing`);
		} finally {
			await copy.stop();
		}
	} finally {
		target.cleanup();
	}
});

test('restore_is_refused_while_a_server_uses_the_database_unless_forced', { skip: SKIP, timeout: 120000 }, async () => {
	assert.ok(backupFile, 'needs the backup of the first test');
	const target = existingTarget('busy.db'); // its admin has another password
	try {
		const busy = await startServer({ attach: PG ? { pgUrl: target.url, db: null } : { db: target.file, pgUrl: null } });
		let stopped = false;
		try {
			const ba = await busy.login('admin', 'other-Pa55word!');
			const kept = expectStatus(await ba.post('/api/contacts', { last_name: 'Zostaje' }), 201);
			const r = await kontakt(['restore', ...target.args, '--in', backupFile, '--password-stdin'], PASSWORD + '\n');
			assert.equal(r.code, 1, `restore under a running server must fail: ${r.code} ${r.stdout} ${r.stderr}`);
			assert.equal(r.stderr.trim().split('\n').length, 1, `one clear line: ${r.stderr}`);
			assert.match(r.stderr, /^kontakt restore: (a server is|1 server is) using .*; stop the server first or pass --force$/m);
			if (!PG) assert.match(r.stderr, new RegExp(`using ${target.file.replace(/[.\\/]/g, '\\$&')} \\(pid ${busy.proc.pid}\\)`));
			assert.equal(r.stdout, '');
			// the server keeps its data and goes on writing to the same database
			expectStatus(await ba.get(`/api/contacts/${kept.id}`), 200, 'the data stays');
			const later = expectStatus(await ba.post('/api/contacts', { last_name: 'Później' }), 201);
			await busy.stop();
			stopped = true;
			const check = await startServer({ attach: PG ? { pgUrl: target.url, db: null } : { db: target.file, pgUrl: null } });
			try {
				const ca = await check.login('admin', 'other-Pa55word!');
				expectStatus(await ca.get(`/api/contacts/${later.id}`), 200, 'a write after the refused restore is kept');
				// --force restores under a running server (the operator's call)
				const f = await kontakt(['restore', ...target.args, '--in', backupFile, '--password-stdin', '--force'], PASSWORD + '\n');
				assert.equal(f.code, 0, `kontakt restore --force: ${f.stderr}`);
			} finally {
				await check.stop();
			}
		} finally {
			if (!stopped) await busy.stop();
		}
		// no server now: restore goes through, and the backup's data is served
		const ok = await kontakt(['restore', ...target.args, '--in', backupFile, '--password-stdin'], PASSWORD + '\n');
		assert.equal(ok.code, 0, `kontakt restore after the server stopped: ${ok.stderr}`);
		const copy = await startServer({ attach: PG ? { pgUrl: target.url, db: null } : { db: target.file, pgUrl: null } });
		try {
			assert.equal((await copy.tryLogin('admin', 'other-Pa55word!')).status, 401, 'the old database is gone');
			const ra = await copy.login('admin', USERS.admin.password);
			const restored = await pageAll(ra, '/api/contacts?limit=500&sort=id', { max: 1000 });
			for (const id of ackedBeforeBackup) assert.ok(restored.some((c) => c.id === id), `contact ${id} is missing`);
		} finally {
			await copy.stop();
		}
	} finally {
		target.cleanup();
	}
});

function engine() {
	return PG ? 'PostgreSQL' : 'SQLite';
}

/* withTarget: fn(refused) with an existing database as the target, where
 * refused(file, password, re) asserts that restoring file fails with exit 1
 * and one line matching re, and that the target stays exactly as it was. */
async function withTarget(fn) {
	const target = existingTarget('target.db');
	try {
		const before = target.fingerprint();
		await fn(async (file, password, re) => {
			const r = await kontakt(['restore', ...target.args, '--in', file, '--password-stdin'], password + '\n');
			assert.equal(r.code, 1, `restore should fail with exit 1: ${r.code} ${r.stdout} ${r.stderr}`);
			assert.match(r.stderr, re);
			assert.equal(r.stderr.trim().split('\n').length, 1, `one clear line: ${r.stderr}`);
			assert.equal(r.stdout, '');
			assert.equal(target.fingerprint(), before, `the target database was changed by restoring ${path.basename(file)}`);
			return r.stderr.trim();
		});
	} finally {
		target.cleanup();
	}
}

test('restore_with_a_wrong_password_is_refused_and_leaves_the_target_untouched', { skip: SKIP, timeout: 60000 }, async () => {
	assert.ok(backupFile, 'needs the backup of the first test');
	await withTarget(async (refused) => {
		const msg = await refused(backupFile, 'not the password', /wrong password/i);
		assert.match(msg, /^kontakt restore: /);
	});
});

test('restore_of_a_truncated_backup_is_refused_and_leaves_the_target_untouched', { skip: SKIP, timeout: 120000 }, async () => {
	assert.ok(backupFile, 'needs the backup of the first test');
	const whole = fs.readFileSync(backupFile);
	await withTarget(async (refused) => {
		// cut in the middle, one byte short, and inside the header
		for (const [len, re] of [
			[Math.floor(whole.length / 2), /truncated|damaged/i],
			[whole.length - 1, /truncated|damaged/i],
			[40, /not a Kontakt backup|damaged/i],
		]) {
			const cut = path.join(dir, `cut-${len}.ktb`);
			fs.writeFileSync(cut, whole.subarray(0, len));
			await refused(cut, PASSWORD, re);
		}
		// a flipped byte in the last part is caught by its authentication tag
		const bad = Buffer.from(whole);
		bad[bad.length - 10] ^= 0x55;
		const flipped = path.join(dir, 'flipped.ktb');
		fs.writeFileSync(flipped, bad);
		await refused(flipped, PASSWORD, /damaged/i);
	});
});

test('restore_of_a_file_that_is_not_a_backup_is_refused', { skip: SKIP, timeout: 60000 }, async () => {
	await withTarget(async (refused) => {
		const text = path.join(dir, 'notes.txt');
		fs.writeFileSync(text, 'Lista klientów do obdzwonienia\n'.repeat(100));
		await refused(text, PASSWORD, /not a Kontakt backup/i);
		const empty = path.join(dir, 'empty.ktb');
		fs.writeFileSync(empty, '');
		await refused(empty, PASSWORD, /not a Kontakt backup/i);
		// a database file itself (SQLite), not a backup of one
		const raw = path.join(dir, 'plain.db');
		runCli(['init', '--db', raw, '--admin-login', 'admin', '--admin-password', 'other-Pa55word!']);
		await refused(raw, PASSWORD, /not a Kontakt backup/i);
		const missing = path.join(dir, 'no-such-file.ktb');
		await refused(missing, PASSWORD, /cannot open the backup file/i);
	});
});

test('restore_refuses_a_backup_of_the_other_engine', { skip: SKIP, timeout: 60000 }, async () => {
	// a backup of the other engine's database: SQLite on a PostgreSQL run and
	// the other way round (only when PostgreSQL is there to make one)
	if (!PG) return;
	const file = path.join(dir, 'other.db');
	runCli(['init', '--db', file, '--admin-login', 'admin', '--admin-password', 'other-Pa55word!']);
	const out = path.join(dir, 'sqlite.ktb');
	const b = await kontakt(['backup', '--db', file, '--out', out, '--password-stdin'], PASSWORD + '\n');
	assert.equal(b.code, 0, b.stderr);
	await withTarget((refused) => refused(out, PASSWORD, /SQLite backup; restore it with --db/));
});

test('backup_refuses_to_overwrite_a_file', { skip: SKIP, timeout: 60000 }, async () => {
	const out = path.join(dir, 'exists.ktb');
	fs.writeFileSync(out, 'keep me');
	const b = await kontakt(['backup', ...srv.dbArgs, '--out', out, '--password-stdin'], PASSWORD + '\n');
	assert.equal(b.code, 1, b.stderr);
	assert.match(b.stderr, /already exists/);
	assert.equal(fs.readFileSync(out, 'utf8'), 'keep me');
});

test('pg_dump_and_pg_restore_get_the_password_in_their_environment_not_their_command_line', { skip: !PG ? 'PostgreSQL only' : SKIP, timeout: 120000 }, async () => {
	// Wrappers in front of the real tools log what they were given.
	const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pgwrap-'));
	const log = path.join(bin, 'log');
	for (const tool of ['pg_dump', 'pg_restore']) {
		const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
		fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\nprintf '%s\\n' "${tool} $*" "env=$PGPASSWORD" >>'${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
	}
	const secret = "s3cret'pass\\word";
	const withPassword = (url) =>
		/^postgres(ql)?:\/\//.test(url)
			? `${url}${url.includes('?') ? '&' : '?'}password=${encodeURIComponent(secret)}`
			: `${url} password='${secret.replace(/[\\']/g, '\\$&')}'`;
	const src = createPgDatabase(), dst = createPgDatabase();
	try {
		runCli(['init', '--pg', src.url, '--admin-password', USERS.admin.password]);
		const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PGPASSWORD: 'not-this-one' };
		const out = path.join(bin, 'b.ktb');
		const b = await kontakt(['backup', '--pg', withPassword(src.url), '--out', out, '--password-stdin'], PASSWORD + '\n', env);
		assert.equal(b.code, 0, b.stderr);
		const r = await kontakt(['restore', '--pg', withPassword(dst.url), '--in', out, '--password-stdin'], PASSWORD + '\n', env);
		assert.equal(r.code, 0, r.stderr);
		const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
		assert.equal(lines.filter((l) => /^pg_(dump|restore) /.test(l)).length, 2, lines.join('\n'));
		for (const l of lines) {
			if (l.startsWith('env=')) assert.equal(l, `env=${secret}`, 'the URL\'s password, in the environment');
			else assert.ok(!l.includes('s3cret'), `no password on the command line: ${l}`);
		}
		assert.ok(!b.stderr.includes('s3cret') && !r.stderr.includes('s3cret'), 'nor in what kontakt prints');
	} finally {
		dropPgDatabase(src.name);
		dropPgDatabase(dst.name);
		fs.rmSync(bin, { recursive: true, force: true });
	}
});
