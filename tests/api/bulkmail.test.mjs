// bulk e-mail: POST /api/bulk_emails {subject, body, contact_ids | filter}
// sends one message per client through the job scheduler (an SMTP sink
// started here), with {first_name}, {last_name} and {name} filled in; GET
// /api/bulk_emails/{id} counts and lists each recipient's status; clients
// without an address are skipped; each message sent is on its client's
// timeline.  Only clients the sender sees can be chosen or matched.  A
// server without SMTP keeps the messages queued with the reason.  Names
// and subjects are encoded (RFC 2047) so a name cannot add a recipient or
// a header; a mail server off this machine must offer STARTTLS.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';
import os from 'node:os';
import { startSmtpSink, parseMessage, rawHeaders, decodeWords } from './lib/smtp.mjs';

const FROM = 'biuro@example.com';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sink, srv, admin, agent1, agent3;

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ env: { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: FROM } });
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	agent3 = await srv.session('agent3');
});
after(async () => {
	await srv?.stop();
	await sink?.close();
});

async function contact(client, fields) {
	return expectStatus(await client.post('/api/contacts', fields), 201);
}

/* settled: the bulk e-mail once nothing is queued (or null after 20 s). */
async function settled(client, id) {
	const deadline = Date.now() + 20000;
	for (;;) {
		const b = expectStatus(await client.get(`/api/bulk_emails/${id}?limit=500`), 200);
		if (b.counts.queued === 0 && b.status === 'done') return b;
		if (Date.now() > deadline) return null;
		await sleep(200);
	}
}

const mailsTo = (addr) => sink.matching((m) => m.to.includes(addr)).map((m) => ({ ...m, parsed: parseMessage(m.data) }));

test('bulk_email_to_chosen_clients_fills_placeholders_and_reports_each', async () => {
	const tag = uniq('b');
	const a = await contact(admin, { first_name: 'Żaneta', last_name: 'Masowa', email: `zaneta.${tag}@example.pl` });
	const b = await contact(admin, { first_name: 'Bogdan', last_name: 'Masowy', email: `bogdan.${tag}@example.pl` });
	const c = await contact(admin, { first_name: 'Cecylia', last_name: 'Bezadresowa' });
	const r = await admin.post('/api/bulk_emails', {
		subject: 'Oferta dla {first_name}', body: 'Dzień dobry {name},\n\nmamy ofertę. {last_name}? {unknown stays} {}', contact_ids: [a.id, b.id, c.id],
	});
	const created = expectStatus(r, 201);
	assert.equal(created.counts.total, 3);
	assert.equal(created.counts.skipped, 1);
	assert.equal(created.counts.queued, 2);
	const done = await settled(admin, created.id);
	assert.ok(done, 'all sent within 20 s');
	assert.deepEqual({ ...done.counts }, { total: 3, queued: 0, sent: 2, failed: 0, skipped: 1 });
	const byContact = Object.fromEntries(done.recipients.map((x) => [x.contact_id, x]));
	assert.equal(byContact[c.id].status, 'skipped');
	assert.equal(byContact[c.id].error, 'no e-mail address');
	assert.equal(byContact[a.id].status, 'sent');
	assert.equal(typeof byContact[a.id].sent_at, 'string');
	const [m] = mailsTo(`zaneta.${tag}@example.pl`);
	assert.ok(m, 'a message to Żaneta');
	assert.equal(m.parsed.subject, 'Oferta dla Żaneta');
	assert.equal(m.parsed.body.trim(), 'Dzień dobry Żaneta Masowa,\n\nmamy ofertę. Masowa? {unknown stays} {}');
	assert.equal(mailsTo(`bogdan.${tag}@example.pl`).length, 1, 'exactly one message each');
	// on the client's timeline
	const tl = expectStatus(await admin.get(`/api/contacts/${a.id}/timeline`), 200);
	const item = tl.items.find((i) => i.type === 'change' && i.record.action === 'bulk_email');
	assert.ok(item, 'the e-mail is on the timeline');
	assert.equal(item.record.changes.subject, 'Oferta dla Żaneta');
	assert.equal(item.record.changes.bulk_email_id, created.id);
	const mine = expectStatus(await admin.get('/api/bulk_emails'), 200);
	assert.ok(mine.items.some((x) => x.id === created.id));
});

test('bulk_email_to_a_filtered_list_reaches_only_visible_clients', async () => {
	const city = uniq('Miasto');
	const seen = await contact(agent1, { first_name: 'Widzialna', last_name: 'Filtrowa', city, email: `w.${city}@example.pl` });
	await contact(admin, { first_name: 'Ukryta', last_name: 'Filtrowa', city, email: `u.${city}@example.pl`, visibility: 'private' });
	const r = expectStatus(await agent1.post('/api/bulk_emails', { subject: 'Hej {first_name}', body: 'Treść', filter: { city } }), 201);
	assert.equal(r.counts.total, 1);
	assert.equal(r.recipients[0].contact_id, seen.id);
	assert.ok(await settled(agent1, r.id));
	assert.equal(mailsTo(`u.${city}@example.pl`).length, 0);
	assert.equal(mailsTo(`w.${city}@example.pl`).length, 1);
	// only its author and admins see a bulk e-mail
	expectError(await agent3.get(`/api/bulk_emails/${r.id}`), 404, 'not_found');
	expectStatus(await admin.get(`/api/bulk_emails/${r.id}`), 200);
	assert.ok(!(expectStatus(await agent3.get('/api/bulk_emails'), 200)).items.some((x) => x.id === r.id));
});

test('bulk_email_names_each_client_once_however_often_given', async () => {
	const tag = uniq('raz');
	const once = await contact(admin, { first_name: 'Jednorazowa', last_name: 'Adresatka', email: `raz.${tag}@example.pl` });
	const others = [];
	for (let i = 0; i < 70; i++) others.push((await contact(admin, { last_name: `Bez adresu ${tag} ${i}` })).id);
	// the repeat far from the first (70 apart) and one right after
	const r = expectStatus(await admin.post('/api/bulk_emails', { subject: 'S', body: 'B', contact_ids: [once.id, ...others, once.id, others[5], others[5]] }), 201);
	assert.equal(r.counts.total, 71, 'each client once');
	const done = await settled(admin, r.id);
	assert.ok(done);
	assert.deepEqual({ ...done.counts }, { total: 71, queued: 0, sent: 1, failed: 0, skipped: 70 });
	assert.equal(done.recipients[0].contact_id, once.id, 'where it first came');
	assert.equal(new Set(done.recipients.map((x) => x.contact_id)).size, 71);
	await sleep(300);
	assert.equal(mailsTo(`raz.${tag}@example.pl`).length, 1, 'one message');
});

test('bulk_email_list_is_newest_first_with_counts_and_pages_by_cursor', async () => {
	// agent2 sends nothing else in this file: its list is exactly these three.
	const agent2 = await srv.session('agent2');
	const tag = uniq('lista');
	const withMail = await contact(agent2, { first_name: 'Lista', last_name: 'Adresowa', email: `l.${tag}@example.pl` });
	const without = await contact(agent2, { first_name: 'Lista', last_name: 'Bezadresowa' });
	const made = [];
	for (const n of [1, 2, 3])
		made.push(expectStatus(await agent2.post('/api/bulk_emails', { subject: `${tag} nr ${n}`, body: 'B', contact_ids: [withMail.id, without.id] }), 201));
	for (const b of made) assert.ok(await settled(agent2, b.id), `bulk e-mail ${b.id} sent`);
	const me = expectStatus(await agent2.get('/api/me'), 200);

	const first = expectStatus(await agent2.get('/api/bulk_emails?limit=2'), 200);
	assert.deepEqual(first.items.map((x) => x.id), [made[2].id, made[1].id], 'newest first');
	assert.equal(typeof first.next_cursor, 'string');
	const it = first.items[0];
	assert.equal(it.subject, `${tag} nr 3`);
	assert.equal(it.created_by, me.id);
	assert.equal(it.status, 'done');
	assert.match(it.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.deepEqual({ ...it.counts }, { total: 2, queued: 0, sent: 1, failed: 0, skipped: 1 });
	assert.ok(!('recipients' in it), 'a list item has no recipients');
	const second = expectStatus(await agent2.get('/api/bulk_emails?limit=2&cursor=' + encodeURIComponent(first.next_cursor)), 200);
	assert.deepEqual(second.items.map((x) => x.id), [made[0].id]);
	assert.equal(second.next_cursor, null);

	// an admin's list holds everyone's, agent3's none of agent2's
	const all = [];
	for (let cursor = null, i = 0; i < 50; i++) {
		const page = expectStatus(await admin.get('/api/bulk_emails?limit=1' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')), 200);
		all.push(...page.items);
		if (!(cursor = page.next_cursor)) break;
	}
	for (const b of made) assert.ok(all.some((x) => x.id === b.id && x.counts.sent === 1), `admin sees ${b.id}`);
	const ids = all.map((x) => x.id);
	assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first across pages');
	const other = expectStatus(await agent3.get('/api/bulk_emails'), 200);
	assert.ok(!other.items.some((x) => made.some((b) => b.id === x.id)));

	expectError(await agent2.get('/api/bulk_emails?limit=0'), 400, 'bad_query', ['limit']);
	expectError(await agent2.get('/api/bulk_emails?cursor=nonsense!'), 400, 'bad_query', ['cursor']);
	expectError(await agent2.get('/api/bulk_emails?status=sent'), 400, 'bad_query', ['status']);
});

test('bulk_email_refuses_bad_requests', async () => {
	const a = await contact(admin, { last_name: 'Adresat', email: 'adresat@example.pl' });
	const hidden = await contact(admin, { last_name: 'Niewidoczny', email: 'niew@example.pl', visibility: 'private' });
	const cases = [
		[{ body: 'x', contact_ids: [a.id] }, ['subject']],
		[{ subject: 'x', body: '', contact_ids: [a.id] }, ['body']],
		[{ subject: 'Dwie\nlinie', body: 'x', contact_ids: [a.id] }, ['subject']],
		[{ subject: 'Hej {imie}', body: 'x', contact_ids: [a.id] }, ['subject']],
		[{ subject: 'x', body: 'x' }, ['contact_ids']],
		[{ subject: 'x', body: 'x', contact_ids: [a.id], filter: { city: 'X' } }, ['filter']],
		[{ subject: 'x', body: 'x', contact_ids: [] }, ['contact_ids']],
		[{ subject: 'x', body: 'x', contact_ids: [a.id, 99999999] }, ['contact_ids']],
		[{ subject: 'x', body: 'x', filter: { shoe_size: '42' } }, ['filter.shoe_size']],
		[{ subject: 'x', body: 'x', filter: { city: 'Nigdzie-takiego-nie-ma' } }, ['filter']],
		[{ subject: 'x', body: 'x', filter: { limit: '5' } }, ['filter.limit']],
		[{ subject: 'x', body: 'x', contact_ids: [a.id], bcc: 'x@y.pl' }, ['bcc']],
	];
	for (const [body, fields] of cases)
		expectError(await admin.post('/api/bulk_emails', body), 422, 'validation_failed', fields);
	const err = expectError(await agent3.post('/api/bulk_emails', { subject: 'x', body: 'x', contact_ids: [hidden.id] }), 422, 'validation_failed', ['contact_ids']);
	assert.match(err.fields.contact_ids, new RegExp(String(hidden.id)));
	expectError(await admin.get('/api/bulk_emails/99999999'), 404, 'not_found');
	expectError(await admin.get('/api/bulk_emails/1?status=lost'), 400, 'bad_query', ['status']);
});

test('bulk_email_without_smtp_stays_queued_with_the_reason', async () => {
	const plain = await startServer();
	try {
		const adm = await plain.session('admin');
		const c = expectStatus(await adm.post('/api/contacts', { last_name: 'Czekający', email: 'czeka@example.pl' }), 201);
		const b = expectStatus(await adm.post('/api/bulk_emails', { subject: 'S', body: 'B', contact_ids: [c.id] }), 201);
		let rec;
		const deadline = Date.now() + 15000;
		while (Date.now() < deadline) {
			rec = expectStatus(await adm.get(`/api/bulk_emails/${b.id}`), 200).recipients[0];
			if (rec.attempts > 0) break;
			await sleep(200);
		}
		assert.equal(rec.attempts, 1);
		assert.equal(rec.status, 'queued', 'tried again later');
		assert.match(rec.error, /KONTAKT_SMTP_URL/);
	} finally {
		await plain.stop();
	}
});

/* sendOne: a bulk e-mail to a new client with fields; its one message. */
async function sendOne(fields, subject) {
	const c = await contact(admin, fields);
	const b = expectStatus(await admin.post('/api/bulk_emails', { subject, body: 'Treść {name}', contact_ids: [c.id] }), 201);
	const done = await settled(admin, b.id);
	assert.ok(done, 'sent within 20 s');
	assert.equal(done.counts.sent, 1, JSON.stringify(done.recipients));
	const ms = mailsTo(fields.email);
	assert.equal(ms.length, 1, 'one message');
	return ms[0];
}

const STANDARD_HEADERS = ['Date', 'Message-ID', 'From', 'To', 'Subject', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding'];

/* checkTo: the message went to addr alone: one RCPT TO, one To address,
 * and the display name, decoded, is name. */
function checkTo(m, addr, name) {
	assert.deepEqual(m.to, [addr], 'the envelope names the one address');
	const heads = rawHeaders(m.data);
	assert.deepEqual(heads.map(([k]) => k), STANDARD_HEADERS, 'no header added');
	const to = heads.find(([k]) => k === 'To')[1];
	// a phrase of encoded-words (or a quoted string), then the address
	const parts = /^((?:=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\s*)+|"(?:[^"\\]|\\.)*"\s*)?<([^<>]+)>$/.exec(to);
	assert.ok(parts, `To: ${to}`);
	assert.equal(parts[2], addr);
	assert.equal((to.match(/@/g) || []).length, 1, `one address in To: ${to}`);
	const shown = parts[1]?.startsWith('"') ? JSON.parse(parts[1].trim()) : decodeWords((parts[1] || '').trim());
	assert.equal(shown, name);
}

test('bulk_email_to_a_client_named_like_an_address_list_reaches_only_the_client', async () => {
	const tag = uniq('mal');
	const email = `legit.${tag}@example.pl`;
	const m = await sendOne({ last_name: 'Mallory <mallory@evil.example>,', email }, 'Dla {name}');
	checkTo(m, email, 'Mallory <mallory@evil.example>,');
	assert.equal(sink.matching((x) => x.to.some((a) => a.includes('evil'))).length, 0, 'nothing to evil.example');
	// in the subject (unstructured text) the same characters are harmless
	assert.equal(m.parsed.subject, 'Dla Mallory <mallory@evil.example>,');
});

test('bulk_email_line_breaks_in_a_name_add_no_header', async () => {
	const tag = uniq('crlf');
	const email = `ewa.${tag}@example.pl`;
	const r = await admin.post('/api/contacts', { first_name: 'Ewa\r\nBcc: evil@evil.example\r\nX-Evil: 1', last_name: 'Nowak', email });
	if (r.status === 422) return; // names refusing line breaks: nothing can reach a header either
	expectStatus(r, 201);
	const b = expectStatus(await admin.post('/api/bulk_emails', { subject: 'Hej {first_name}!', body: 'B', contact_ids: [r.body.id] }), 201);
	assert.ok(await settled(admin, b.id));
	const [m] = mailsTo(email);
	assert.ok(m);
	// the line breaks became spaces inside the encoded name and subject
	checkTo(m, email, 'Ewa  Bcc: evil@evil.example  X-Evil: 1 Nowak');
	assert.equal(m.parsed.subject, 'Hej Ewa  Bcc: evil@evil.example  X-Evil: 1!');
	assert.ok(!/^(Bcc|X-Evil):/im.test(m.data.slice(0, m.data.indexOf('\r\n\r\n'))));
});

test('bulk_email_polish_names_and_long_subjects_survive_encoding', async () => {
	const tag = uniq('pl');
	const email = `lucja.${tag}@example.pl`;
	const first = 'Łucja', last = 'Żółkiewska-Śmigły Gęślą-Jaźń';
	const subject = 'Zażółć gęślą jaźń, {name}: wyjątkowa oferta na wycieczkę do Łeby i Świnoujścia';
	const m = await sendOne({ first_name: first, last_name: last, email }, subject);
	checkTo(m, email, `${first} ${last}`);
	assert.equal(m.parsed.subject, subject.replace('{name}', `${first} ${last}`));
	const head = m.data.slice(0, m.data.indexOf('\r\n\r\n'));
	for (const line of head.split('\r\n')) assert.ok(line.length <= 78, `a header line of ${line.length}: ${line}`);
	for (const w of head.match(/=\?[^?]+\?B\?[^?]*\?=/g)) assert.ok(w.length <= 75, `encoded-word of ${w.length}`);
	assert.equal(m.parsed.body.trim(), `Treść ${first} ${last}`);
});

/* otherAddress: an IPv4 address of this machine that is not loopback. */
function otherAddress() {
	for (const list of Object.values(os.networkInterfaces()))
		for (const a of list || []) if (a.family === 'IPv4' && !a.internal) return a.address;
	return null;
}

test('bulk_email_to_a_mail_server_off_this_machine_needs_starttls_unless_allowed', { skip: !otherAddress() && 'no address but loopback' }, async () => {
	// The sink offers no STARTTLS; at an address that is not loopback the
	// server refuses to send in plain text, unless told it may.
	const far = await startSmtpSink({ host: otherAddress() });
	const strict = await startServer({ env: { KONTAKT_SMTP_URL: far.url, KONTAKT_SMTP_FROM: FROM } });
	const lax = await startServer({ env: { KONTAKT_SMTP_URL: far.url, KONTAKT_SMTP_FROM: FROM, KONTAKT_SMTP_ALLOW_PLAINTEXT: '1' } });
	try {
		const send = async (s, email) => {
			const adm = await s.session('admin');
			const c = expectStatus(await adm.post('/api/contacts', { last_name: 'Daleki', email }), 201);
			const b = expectStatus(await adm.post('/api/bulk_emails', { subject: 'S', body: 'B', contact_ids: [c.id] }), 201);
			const deadline = Date.now() + 20000;
			for (;;) {
				const rec = expectStatus(await adm.get(`/api/bulk_emails/${b.id}`), 200).recipients[0];
				if (rec.attempts > 0 || Date.now() > deadline) return rec;
				await sleep(200);
			}
		};
		const refused = await send(strict, 'strict@example.pl');
		assert.equal(refused.status, 'queued', 'tried again later');
		assert.match(refused.error, /STARTTLS/);
		assert.ok(!far.commands.includes('MAIL'), 'nothing was sent in plain text');
		const sent = await send(lax, 'lax@example.pl');
		assert.equal(sent.status, 'sent', JSON.stringify(sent));
		assert.equal(far.matching((x) => x.to.includes('lax@example.pl')).length, 1);
		assert.equal(far.matching((x) => x.to.includes('strict@example.pl')).length, 0);
	} finally {
		await lax.stop();
		await strict.stop();
		await far.close();
	}
});
