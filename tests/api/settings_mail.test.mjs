// Settings → E-mail: an admin sees whether e-mail is set up (server without
// its password, sender) and sends a test message through the mailer to his
// own address or a given one; without set-up the error names the settings
// to set; a server that refuses the address gives its reason; agents may not.
import { before, after } from 'node:test';
import { startServer, test, assert, expectStatus } from './lib/harness.mjs';
import { startSmtpSink, parseMessage } from './lib/smtp.mjs';

const FROM = 'crm@example.com';
let sink, srv, bare, admin, agent;

before(async () => {
	sink = await startSmtpSink({ refuse: (a) => a.startsWith('nobody@') });
	// The URL carries a user name and password that must never be shown.
	const url = sink.url.replace('smtp://', 'smtp://mailuser:s3cret-pass@');
	srv = await startServer({ env: { KONTAKT_SMTP_URL: url, KONTAKT_SMTP_FROM: FROM } });
	bare = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
});

after(async () => {
	await srv?.stop();
	await bare?.stop();
	await sink?.close();
});

test('the mail status says it is set up, names the server and never shows the password', async () => {
	const r = await admin.get('/api/settings/mail');
	expectStatus(r, 200);
	assert.equal(r.body.configured, true);
	assert.equal(r.body.from, FROM);
	assert.equal(r.body.server, `smtp://127.0.0.1:${sink.port}`);
	assert.deepEqual(r.body.missing, []);
	assert.ok(!r.text.includes('s3cret'), r.text);
	assert.ok(!r.text.includes('mailuser'), r.text);
});

test('a test message goes to the admin\'s own address, or to the one given', async () => {
	const me = (await admin.get('/api/me')).body;
	expectStatus(await admin.patch('/api/me', { email: 'szef@biuro.example.pl', version: me.version }), 200);
	let r = await admin.post('/api/settings/mail/test', {});
	expectStatus(r, 200);
	assert.equal(r.body.sent, true);
	assert.equal(r.body.to, 'szef@biuro.example.pl');
	assert.ok(!r.text.includes('s3cret'), r.text);
	let m = await sink.waitFor((x) => x.to.includes('szef@biuro.example.pl'), 15000);
	assert.equal(m.from, FROM);
	assert.match(parseMessage(m.data).subject, /Kontakt/);
	r = await admin.post('/api/settings/mail/test', { to: 'ktos@example.org' });
	expectStatus(r, 200);
	assert.equal(r.body.to, 'ktos@example.org');
	m = await sink.waitFor((x) => x.to.includes('ktos@example.org'), 15000);
	assert.ok(m);
});

test('a refused or malformed address says why', async () => {
	let r = await admin.post('/api/settings/mail/test', { to: 'nobody@example.org' });
	expectStatus(r, 503);
	assert.match(r.body.error.message, /mail server did not take/);
	assert.ok(!r.text.includes('s3cret'), r.text);
	r = await admin.post('/api/settings/mail/test', { to: 'not an address' });
	expectStatus(r, 422);
	assert.ok(r.body.error.fields.to);
});

test('without set-up the status lists what to set and the test says which settings', async () => {
	const a = await bare.session('admin');
	let r = await a.get('/api/settings/mail');
	expectStatus(r, 200);
	assert.equal(r.body.configured, false);
	assert.equal(r.body.server, null);
	assert.deepEqual(r.body.missing, ['KONTAKT_SMTP_URL', 'KONTAKT_SMTP_FROM']);
	r = await a.post('/api/settings/mail/test', { to: 'ktos@example.org' });
	expectStatus(r, 503);
	assert.match(r.body.error.message, /KONTAKT_SMTP_URL/);
});

test('an agent may neither see the mail set-up nor send a test', async () => {
	expectStatus(await agent.get('/api/settings/mail'), 403);
	expectStatus(await agent.post('/api/settings/mail/test', { to: 'ktos@example.org' }), 403);
	assert.equal(sink.messages.filter((x) => x.to.includes('ktos@example.org')).length, 1);
});
