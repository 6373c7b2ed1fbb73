// reminder e-mails: an activity with remind_before_min e-mails its assignee
// that long before it starts, through SMTP (a sink started here), in the
// assignee's language, with the client's name and phone; once only, also
// with two servers on one database; nothing for an activity moved, done or
// deleted before its time; a server without a working SMTP server keeps
// working.
import { before, after } from 'node:test';
import { startServer, test, assert, expectStatus, uniq, freePort } from './lib/harness.mjs';
import { startSmtpSink, parseMessage } from './lib/smtp.mjs';
import { iso } from './lib/tz.mjs';

const FROM = 'crm@example.com';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sink, srv, admin, agent, en, noMail;
const early = {}; // activities due some seconds after the start, changed at once
let earlyDue = 0;
let earlyChanged = 0; // when the last of them had been changed
// How long after the start they fall due: the nine requests that make and
// change them must all be answered before then (a few seconds even under
// ASan on a busy machine); the tests before the one that checks them take
// about as long anyway.
const EARLY_LEAD_MS = 12000;

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ env: { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: FROM } });
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
	const me = (await agent.get('/api/me')).body;
	const r = await agent.patch('/api/me', { email: 'agent1@biuro.example.pl', name: 'Agnieszka Agentka', version: me.version });
	expectStatus(r, 200, 'PATCH /api/me');
	agent.email = 'agent1@biuro.example.pl';
	const login = uniq('en');
	const u = await admin.post('/api/users', {
		login, password: 'password-123', role: 'agent', department_id: me.department_id, locale: 'en',
		time_zone: 'Europe/London', email: 'english.agent@example.com', name: 'English Agent',
	});
	expectStatus(u, 201);
	en = { id: u.body.id, email: 'english.agent@example.com' };
	const n = await admin.post('/api/users', { login: uniq('nomail'), password: 'password-123', role: 'agent', department_id: me.department_id });
	expectStatus(n, 201);
	noMail = { id: n.body.id };
	// Activities whose reminders fall due EARLY_LEAD_MS from now; each is
	// changed at once so that none of them may send anything.
	earlyDue = Date.now() + EARLY_LEAD_MS;
	const starts = iso(earlyDue + 2 * 60000);
	const mk = async (label, extra = {}) => {
		const a = await admin.post('/api/activities', { kind: 'call', subject: uniq(`Wczesne ${label} `), starts_at: starts, remind_before_min: 2, assignee_id: agent.user.id, ...extra });
		expectStatus(a, 201);
		return a.body;
	};
	early.moved = await mk('przesunięte');
	early.done = await mk('zrobione');
	early.cancelled = await mk('odwołane');
	early.deleted = await mk('usunięte');
	early.noAddress = await mk('bez adresu', { assignee_id: noMail.id });
	const edit = async (a, fields) => expectStatus(await admin.patch(`/api/activities/${a.id}`, { ...fields, version: a.version }), 200);
	await edit(early.moved, { starts_at: iso(Date.now() + 2 * 86400000) });
	await edit(early.done, { status: 'done' });
	await edit(early.cancelled, { status: 'cancelled' });
	expectStatus(await admin.del(`/api/activities/${early.deleted.id}`), 204);
	earlyChanged = Date.now();
});
after(async () => {
	await srv?.stop();
	await sink?.close();
});

const mails = (pred) => sink.messages.map((m) => ({ ...m, parsed: parseMessage(m.data) })).filter(pred);
const withSubject = (subject) => (m) => m.parsed.subject.includes(subject);

async function waitMail(subject, timeout = 15000) {
	const deadline = Date.now() + timeout;
	for (;;) {
		const got = mails(withSubject(subject));
		if (got.length) return got[0];
		if (Date.now() > deadline) return null;
		await sleep(100);
	}
}

async function client(fields) {
	const r = await agent.post('/api/contacts', fields);
	expectStatus(r, 201);
	return r.body;
}

let plSubject = null;

test('reminder_mail_reaches_the_assignee_in_polish_with_the_client', async () => {
	const c = await client({ first_name: 'Jan', last_name: 'Przypominalski', phone: '601 234 567' });
	plSubject = uniq('Telefon w sprawie rejsu ');
	const t0 = Date.now();
	const r = await agent.post('/api/activities', { kind: 'call', subject: plSubject, starts_at: iso(Date.now() + 2 * 60000), remind_before_min: 2, contact_id: c.id });
	expectStatus(r, 201);
	const m = await waitMail(plSubject);
	assert.ok(m, `a reminder within 15 s; the sink got: ${JSON.stringify(sink.messages.map((x) => parseMessage(x.data).subject))}`);
	assert.ok(Date.now() - t0 < 15000);
	assert.equal(m.from, FROM, 'envelope sender');
	assert.deepEqual(m.to, [agent.email], 'envelope recipient: the assignee');
	const h = m.parsed.headers;
	assert.match(h.from, /crm@example\.com/);
	assert.match(h.to, /agent1@biuro\.example\.pl/);
	assert.ok(h.date, 'a Date header');
	assert.ok(h['message-id'], 'a Message-ID header');
	assert.match(h['content-type'], /charset="?utf-8/i);
	assert.ok(m.parsed.subject.includes(plSubject), m.parsed.subject);
	const body = m.parsed.body;
	assert.ok(body.includes('Jan Przypominalski'), `the client's name in the body: ${body}`);
	assert.ok(body.replace(/[\s-]/g, '').includes('601234567'), `the client's phone in the body: ${body}`);
	assert.match(m.parsed.subject + '\n' + body, /Przypomnienie|Klient|Telefon/, 'in Polish');
	assert.doesNotMatch(m.parsed.subject + '\n' + body, /\bReminder\b|\bClient\b/, 'not in English');
});

test('reminder_mail_is_in_english_for_an_english_user', async () => {
	const c = await client({ first_name: 'Mary', last_name: 'Reminded', phone: '+44 20 7946 0958' });
	const subject = uniq('Call about the cruise ');
	const r = await admin.post('/api/activities', { kind: 'call', subject, starts_at: iso(Date.now() + 90000), remind_before_min: 5, contact_id: c.id, assignee_id: en.id });
	expectStatus(r, 201);
	const m = await waitMail(subject);
	assert.ok(m, 'a reminder within 15 s');
	assert.deepEqual(m.to, [en.email]);
	const text = m.parsed.subject + '\n' + m.parsed.body;
	assert.ok(m.parsed.body.includes('Mary Reminded'), m.parsed.body);
	assert.ok(m.parsed.body.replace(/[\s-]/g, '').includes('2079460958'), m.parsed.body);
	assert.match(text, /Reminder|Client|Phone/, 'in English');
	assert.doesNotMatch(text, /Przypomnienie|Klient/, 'not in Polish');
});

test('reminder_mail_is_sent_once_only', async () => {
	assert.ok(plSubject, 'the first test ran');
	await sleep(3000);
	assert.equal(mails(withSubject(plSubject)).length, 1);
	// editing something else on the activity does not send it again
	const items = (await agent.get('/api/activities?mine=1&limit=500')).body.items;
	const a = items.find((x) => x.subject === plSubject);
	expectStatus(await agent.patch(`/api/activities/${a.id}`, { note: 'Zmiana notatki', version: a.version }), 200);
	await sleep(2000);
	assert.equal(mails(withSubject(plSubject)).length, 1);
});

test('reminder_mail_follows_a_moved_activity', async () => {
	const subject = uniq('Spotkanie przeniesione ');
	const r = await agent.post('/api/activities', { kind: 'meeting', subject, starts_at: iso(Date.now() + 3 * 86400000), remind_before_min: 2 });
	expectStatus(r, 201);
	await sleep(1500);
	assert.equal(mails(withSubject(subject)).length, 0, 'not due yet');
	const p = await agent.patch(`/api/activities/${r.body.id}`, { starts_at: iso(Date.now() + 2 * 60000), version: r.body.version });
	expectStatus(p, 200);
	const m = await waitMail(subject);
	assert.ok(m, 'the reminder for the new time within 15 s');
	await sleep(1500);
	assert.equal(mails(withSubject(subject)).length, 1);
});

test('reminder_mail_nothing_for_activities_moved_done_cancelled_or_deleted_before_their_time', async () => {
	assert.ok(earlyChanged < earlyDue - 1000, `fixture: the activities were changed ${earlyChanged - earlyDue} ms after their reminders fell due`);
	const wait = earlyDue + 4000 - Date.now();
	if (wait > 0) await sleep(wait);
	for (const [label, a] of Object.entries(early)) {
		assert.equal(mails(withSubject(a.subject)).length, 0, `${label}: no reminder`);
	}
});

test('reminder_mail_two_servers_on_one_database_send_once', async () => {
	const srv2 = await startServer({ attach: srv, env: { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: FROM } });
	try {
		const agentOn2 = await srv2.login('agent1');
		const subjects = [];
		for (let i = 0; i < 4; i++) {
			const subject = uniq(`Dwa serwery ${i} `);
			subjects.push(subject);
			const via = i % 2 ? agentOn2 : agent;
			expectStatus(await via.post('/api/activities', { kind: 'task', subject, starts_at: iso(Date.now() + 60000), remind_before_min: 1 }), 201);
		}
		for (const s of subjects) assert.ok(await waitMail(s), `reminder "${s}" sent`);
		await sleep(2500);
		for (const s of subjects) assert.equal(mails(withSubject(s)).length, 1, `"${s}" sent once`);
	} finally {
		await srv2.stop();
	}
});

test('reminder_mail_with_the_smtp_server_down_the_server_keeps_working', async () => {
	const deadPort = await freePort(); // nothing listens here
	const s3 = await startServer({ env: { KONTAKT_SMTP_URL: `smtp://127.0.0.1:${deadPort}`, KONTAKT_SMTP_FROM: FROM } });
	try {
		const a = await s3.login('agent1');
		const me = (await a.get('/api/me')).body;
		expectStatus(await a.patch('/api/me', { email: 'agent1@biuro.example.pl', version: me.version }), 200);
		const subject = uniq('Bez serwera poczty ');
		const r = await a.post('/api/activities', { kind: 'call', subject, starts_at: iso(Date.now() + 60000), remind_before_min: 1 });
		expectStatus(r, 201);
		// The reminder is due at once: wait for its failed attempt (not a fixed
		// sleep: the job runner may take its time on a busy machine).
		const failed = /job.*(fail|retry|error)|(fail|retry|error).*job/i;
		const deadline = Date.now() + 20000;
		while (!failed.test(s3.logTail(400)) && Date.now() < deadline) await sleep(100);
		const h = await fetch(s3.url + '/healthz');
		assert.equal(h.status, 200);
		await h.text();
		expectStatus(await a.get(`/api/activities/${r.body.id}`), 200);
		expectStatus(await a.post('/api/activities', { kind: 'task', subject: 'Dalej działa', starts_at: iso(Date.now() + 86400000) }), 201);
		assert.equal(mails(withSubject(subject)).length, 0);
		assert.match(s3.logTail(400), failed, 'the failed attempt is logged');
	} finally {
		await s3.stop();
	}
});
