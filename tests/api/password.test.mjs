// password: the rules of a new password (10 characters, not the login, not
// one of the 10,000 most common) wherever one is set, and changing one's own
// password with POST /api/me/password (docs/security.md "Passwords").
import fs from 'node:fs';
import path from 'node:path';
import { before, after } from 'node:test';
import {
	startServer, test, assert, expectError, expectStatus, uniq, runCli,
	PG_ADMIN_URL, createPgDatabase, dropPgDatabase,
} from './lib/harness.mjs';

let srv, admin;

before(async () => {
	// a minute's wait after the free failures, so the 429 below holds
	srv = await startServer({ env: { KONTAKT_LOGIN_DELAY_MS: '60000' } });
	admin = await srv.session('admin');
});
after(async () => {
	await srv?.stop();
});

/* A fresh agent with password pw, logged in: {login, user, client}. */
async function freshUser(pw = 'the-first-password') {
	const login = uniq('pw-user-'); // 10 characters or more, so it could be a password
	const r = await admin.post('/api/users', { login, password: pw, role: 'agent' });
	expectStatus(r, 201);
	return { login, user: r.body, client: await srv.login(login, pw) };
}

test('me_password_changes_it_and_ends_other_sessions_and_tokens', async () => {
	const { login, user, client } = await freshUser();
	const other = await srv.login(login, 'the-first-password');
	const token = await client.bearer('old token');
	expectStatus(await token.get('/api/me'), 200);
	const r = await client.post('/api/me/password', { current_password: 'the-first-password', new_password: 'a-brand-new-secret' });
	expectStatus(r, 204);
	expectStatus(await client.get('/api/me'), 200, 'the session that changed it stays logged in');
	expectError(await other.get('/api/me'), 401, 'unauthorized');
	expectError(await token.get('/api/me'), 401, 'unauthorized');
	expectError(await srv.tryLogin(login, 'the-first-password'), 401, 'unauthorized');
	expectStatus(await srv.tryLogin(login, 'a-brand-new-secret'), 200);
	// recorded in the user's history, without the password
	const h = await admin.get(`/api/users/${user.id}/history`);
	expectStatus(h, 200);
	assert.ok(h.text.includes('password') && !h.text.includes('a-brand-new-secret') && !h.text.includes('$argon2'),
		`history: ${h.text}`);
});

test('me_password_wrong_current_is_422_and_counts_toward_throttling', async () => {
	const { client } = await freshUser();
	for (let i = 0; i < 5; i++) {
		const r = await client.post('/api/me/password', { current_password: `guess-${i}-password`, new_password: 'a-brand-new-secret' });
		const e = expectError(r, 422, 'validation_failed', ['current_password']);
		assert.match(e.fields.current_password, /not your current password/);
	}
	const r = await client.post('/api/me/password', { current_password: 'the-first-password', new_password: 'a-brand-new-secret' });
	expectError(r, 429, 'too_many_attempts');
	assert.ok(Number(r.headers.get('retry-after')) > 0, `Retry-After: ${r.headers.get('retry-after')}`);
	expectStatus(await client.get('/api/me'), 200, 'still logged in');
});

test('me_password_applies_the_password_rules', async () => {
	const { login, client } = await freshUser();
	const cases = [
		['short-pw', /at least 10 characters/],
		[login.toUpperCase(), /login/],
		['Q1W2E3R4T5', /too common/],
		['basketball', /too common/],
	];
	for (const [pw, why] of cases) {
		const r = await client.post('/api/me/password', { current_password: 'the-first-password', new_password: pw });
		const e = expectError(r, 422, 'validation_failed', ['new_password']);
		assert.match(e.fields.new_password, why, pw);
	}
	expectError(await client.post('/api/me/password', { new_password: 'a-brand-new-secret' }), 422, 'validation_failed',
		['current_password']);
	expectError(await client.post('/api/me/password', { current_password: 'the-first-password' }), 422,
		'validation_failed', ['new_password']);
	expectError(await client.post('/api/me/password', { current_password: 'the-first-password', new_password: 'a-brand-new-secret', login: 'x' }),
		422, 'validation_failed', ['login']);
	expectStatus(await srv.tryLogin(login, 'the-first-password'), 200, 'the password is unchanged');
});

test('me_password_needs_csrf', async () => {
	const { client } = await freshUser();
	const r = await client.post('/api/me/password', { current_password: 'the-first-password', new_password: 'a-brand-new-secret' },
		{ csrf: false });
	assert.equal(r.status, 403, r.text);
	expectStatus(await client.get('/api/me'), 200);
});

test('me_password_with_a_bearer_token_is_403', async () => {
	const { login, client } = await freshUser();
	const token = await client.bearer();
	const r = await token.post('/api/me/password', { current_password: 'the-first-password', new_password: 'a-brand-new-secret' });
	const e = expectError(r, 403, 'forbidden');
	assert.match(e.message, /password/);
	expectStatus(await srv.tryLogin(login, 'the-first-password'), 200, 'the password is unchanged');
	expectError(await srv.anon.post('/api/me/password', { current_password: 'x', new_password: 'y' }), 401);
});

test('cli_user_add_applies_the_password_rules', () => {
	const add = (login, pw) => () => runCli(['user', 'add', ...srv.dbArgs, '--login', login, '--password-stdin', '--role', 'agent'], pw + '\n');
	assert.throws(add(uniq('cli'), 'nine-char'), /at least 10 characters/);
	assert.throws(add(uniq('cli'), '1q2w3e4r5t'), /too common/);
	const login = uniq('clisame');
	assert.throws(add(login, login), /login/);
	add(login, 'a-good-cli-password')();
});

test('cli_init_checks_the_admin_password_and_generates_a_good_one', async () => {
	const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'kontakt-init-'));
	let pg = null;
	try {
		let dbArgs, attach;
		if (PG_ADMIN_URL) {
			pg = createPgDatabase();
			dbArgs = ['--pg', pg.url];
			attach = { db: null, pgUrl: pg.url };
		} else {
			const db = path.join(dir, 'k.db');
			dbArgs = ['--db', db];
			attach = { db, pgUrl: null };
		}
		assert.throws(() => runCli(['init', ...dbArgs, '--admin-password', 'password1']), /at least 10 characters/);
		assert.throws(() => runCli(['init', ...dbArgs, '--admin-password', '1234567890']), /too common/);
		const out = runCli(['init', ...dbArgs]);
		const m = /Admin password \(shown once\): (\S+)/.exec(out);
		assert.ok(m, out);
		const s2 = await startServer({ attach });
		try {
			expectStatus(await s2.tryLogin('admin', m[1]), 200, 'the generated password works');
		} finally {
			await s2.stop();
		}
	} finally {
		if (pg) dropPgDatabase(pg.name);
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
