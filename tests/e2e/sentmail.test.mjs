// sentmail.test.mjs: the Sent e-mails page in real Chromium against a real
// `kontakt serve` and an SMTP sink that refuses one mailbox: an agent's
// bulk e-mail listed with its counts (and not an admin's), its page with
// the body and each recipient's status, live while a refused message is
// retried until it counts as failed, the status filter, a link to the
// client card and a reload of the page; an admin sees everyone's with the
// sender, paged by "load more", as are the recipients of a large one;
// both pages at 360 px.  One server, one
// browser.
import { execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { assert, expectStatus, startServer, test, uniq, USERS } from '../api/lib/harness.mjs';
import { startSmtpSink } from '../api/lib/smtp.mjs';
import { launch, login, menu } from './lib/browser.mjs';

const REFUSED = 'nie.istnieje@example.pl';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sink, srv, admin, agent1, b, page;
const state = {};

before(async () => {
	sink = await startSmtpSink({ refuse: (a) => a === REFUSED });
	srv = await startServer({ env: { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: 'biuro@example.com' } });
	admin = await srv.login('admin');
	agent1 = await srv.login('agent1');
	// a name to show as the sender
	const users = expectStatus(await admin.get('/api/users?limit=50'), 200).items;
	const u = users.find((x) => x.login === 'agent1');
	expectStatus(await admin.patch(`/api/users/${u.id}`, { name: 'Anna Konsultantka', version: u.version }), 200);
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
});

after(async () => {
	await b?.close();
	await srv?.stop();
	await sink?.close();
});

/* sql: statements straight on the server's database (to skip the 30-s
 * waits between tries of a refused message). */
function sql(statements) {
	if (srv.pgUrl) execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.pgUrl, '-c', statements], { stdio: 'pipe' });
	else execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, statements], { stdio: 'pipe' });
}

async function contact(client, fields) {
	return expectStatus(await client.post('/api/contacts', fields), 201);
}

async function bulk(client, fields) {
	return expectStatus(await client.post('/api/bulk_emails', fields), 201);
}

/* until: the bulk e-mail once pred holds for it (20 s at most). */
async function until(client, id, pred) {
	const deadline = Date.now() + 20000;
	for (;;) {
		const x = expectStatus(await client.get(`/api/bulk_emails/${id}?limit=500`), 200);
		if (pred(x)) return x;
		assert.ok(Date.now() < deadline, `bulk e-mail ${id}: not as expected within 20 s: ${JSON.stringify(x)}`);
		await sleep(200);
	}
}

async function loginAs(user) {
	await login(page, srv.url, user, USERS[user].password);
}

async function logout() {
	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await page.getByLabel('Hasło').waitFor();
}

/* counts: a Stats row as {label: number}. */
async function counts(scope) {
	const out = {};
	for (const d of await scope.locator('.imp-stats > div').all())
		out[(await d.locator('dt').textContent()).trim()] = Number((await d.locator('dd').textContent()).replace(/\s/g, ''));
	return out;
}

test('sent_page_lists_my_bulk_email_with_counts_and_its_page_shows_each_recipient_live', async () => {
	const tag = uniq('t');
	const ok = await contact(agent1, { first_name: 'Halina', last_name: 'Wysłana', email: `halina.${tag}@example.pl` });
	const refused = await contact(agent1, { first_name: 'Marek', last_name: 'Odrzucony', email: REFUSED });
	const none = await contact(agent1, { first_name: 'Roman', last_name: 'Bezadresowy' });
	const adminsOwn = await bulk(admin, { subject: `Tylko dla biura ${tag}`, body: 'B', contact_ids: [none.id] });
	const subject = `Zaproszenie na targi ${tag}`;
	const sent = await bulk(agent1, {
		subject,
		body: 'Dzień dobry {name},\n\nzapraszamy na targi.\nZespół biura',
		contact_ids: [ok.id, refused.id, none.id],
	});
	state.sent = sent;
	state.adminsOwn = adminsOwn;
	// the refused one has had its first try and waits for the next
	await until(agent1, sent.id, (x) => x.counts.sent === 1 && x.recipients.some((r) => r.contact_id === refused.id && r.attempts >= 1));

	await loginAs('agent1');
	await menu(page, 'Biuro', 'Wysłane e-maile');
	await page.getByRole('heading', { name: 'Wysłane e-maile', level: 1 }).waitFor();
	const item = page.locator('.sent-item', { hasText: subject });
	await item.waitFor();
	assert.equal(await page.locator('.sent-item', { hasText: adminsOwn.subject }).count(), 0, "an admin's e-mail is not an agent's");
	assert.deepEqual(await counts(item), { Odbiorcy: 3, Wysłane: 1, 'W kolejce': 1, Nieudane: 0, Pominięte: 1 });
	await item.getByText('W trakcie wysyłki').waitFor();
	assert.match(await item.locator('.sent-meta').textContent(), /^Wysyłka: \d{1,2} [a-ząćęłńóśźż]{3,4} \d{4}, \d{2}:\d{2}$/);

	await item.getByRole('link', { name: subject }).click();
	await page.waitForURL(`${srv.url}/bulk_emails/${sent.id}`);
	await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
	assert.equal(
		await page.locator('.sent-text').textContent(),
		'Dzień dobry {name},\n\nzapraszamy na targi.\nZespół biura',
		'the body as written, lines kept',
	);
	await page.getByText('Wysyłanie…').waitFor();
	const row = (name) => page.locator('table.bulk-recipients tbody tr', { hasText: name });
	await row('Halina Wysłana').locator('.badge', { hasText: 'Wysłane' }).waitFor();
	assert.ok((await row('Halina Wysłana').textContent()).includes(`halina.${tag}@example.pl`));
	await row('Roman Bezadresowy').getByText('brak adresu e-mail').waitFor();
	await row('Marek Odrzucony').locator('.badge', { hasText: 'W kolejce' }).waitFor();
	assert.match(await row('Marek Odrzucony').locator('.bulk-err').textContent(), /550/, 'the server\'s refusal is shown');

	// The next tries, now instead of in 30 s: the page follows by itself.
	sql(
		`UPDATE bulk_email_recipients SET attempts = 2 WHERE bulk_email_id = ${sent.id} AND status = 'queued';` +
			` UPDATE jobs SET run_at = 0 WHERE kind = 'bulk_email' AND state = 'queued';`,
	);
	await page.getByText('Wysyłka zakończona.').waitFor({ timeout: 20000 });
	await row('Marek Odrzucony').locator('.badge', { hasText: 'Nieudane' }).waitFor();
	assert.match(await row('Marek Odrzucony').locator('.bulk-err').textContent(), /550/);
	assert.deepEqual(await counts(page.locator('.sent-progress')), { Odbiorcy: 3, Wysłane: 1, 'W kolejce': 0, Nieudane: 1, Pominięte: 1 });

	// only the failed ones
	await page.getByLabel('Pokaż odbiorców').selectOption('failed');
	await page.waitForFunction(() => document.querySelectorAll('table.bulk-recipients tbody tr').length === 1);
	assert.match(await page.locator('table.bulk-recipients tbody tr').textContent(), /Marek Odrzucony/);
	await page.getByLabel('Pokaż odbiorców').selectOption('');
	await page.waitForFunction(() => document.querySelectorAll('table.bulk-recipients tbody tr').length === 3);

	// a reload serves the page; a recipient's name opens the client card
	await page.reload();
	await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
	await row('Halina Wysłana').getByRole('link', { name: 'Halina Wysłana' }).click();
	await page.waitForURL(`${srv.url}/clients/${ok.id}`);
	await page.getByRole('heading', { name: /Halina Wysłana/ }).first().waitFor();
	// back on the list, the counts are the final ones
	await page.goBack();
	await page.getByRole('link', { name: 'Wysłane e-maile', exact: true }).first().click();
	const done = page.locator('.sent-item', { hasText: subject });
	await done.waitFor();
	assert.deepEqual(await counts(done), { Odbiorcy: 3, Wysłane: 1, 'W kolejce': 0, Nieudane: 1, Pominięte: 1 });
	assert.equal(await done.getByText('W trakcie wysyłki').count(), 0);
	await logout();
});

test('sent_page_shows_an_admin_everyones_with_the_sender_paged', async () => {
	// More than a page (20) of the admin's own, all newer than the agent's.
	const nobody = await contact(admin, { last_name: 'Bezadresowy' });
	for (let i = 1; i <= 20; i++) await bulk(admin, { subject: `Okólnik ${i}`, body: 'B', contact_ids: [nobody.id] });
	await loginAs('admin');
	await menu(page, 'Biuro', 'Wysłane e-maile');
	await page.getByText('wysłane przez wszystkich użytkowników').waitFor();
	const items = page.locator('.sent-item');
	await page.locator('.sent-item', { hasText: 'Okólnik 20' }).waitFor();
	assert.equal(await items.count(), 20);
	assert.match(await items.first().textContent(), /Okólnik 20/, 'newest first');
	assert.match(await items.first().locator('.sent-meta').textContent(), /nadawca: Administrator$/);
	assert.equal(await page.locator('.sent-item', { hasText: state.sent.subject }).count(), 0, 'older: on the next page');
	await page.getByRole('button', { name: 'Pokaż więcej' }).click();
	const agents = page.locator('.sent-item', { hasText: state.sent.subject });
	await agents.waitFor();
	assert.equal(await items.count(), 22);
	assert.match(await agents.locator('.sent-meta').textContent(), /nadawca: Anna Konsultantka$/);
	assert.equal(await page.getByRole('button', { name: 'Pokaż więcej' }).count(), 0, 'no more pages');
	await agents.getByRole('link', { name: state.sent.subject }).click();
	await page.locator('table.bulk-recipients tbody tr', { hasText: 'Marek Odrzucony' }).locator('.badge', { hasText: 'Nieudane' }).waitFor();
	assert.match(await page.locator('.sent-meta').textContent(), /nadawca: Anna Konsultantka/);
});

test('sent_email_page_pages_its_recipients', async () => {
	const city = uniq('Stronice');
	for (let i = 1; i <= 105; i++) await contact(admin, { first_name: 'Klient', last_name: `Stronicowy ${String(i).padStart(3, '0')}`, city });
	const many = await bulk(admin, { subject: `Do wszystkich z ${city}`, body: 'B', filter: { city } });
	assert.equal(many.counts.total, 105);
	await page.goto(`${srv.url}/bulk_emails/${many.id}`);
	await page.getByText('Wysyłka zakończona.').waitFor();
	const rows = page.locator('table.bulk-recipients tbody tr');
	await page.waitForFunction(() => document.querySelectorAll('table.bulk-recipients tbody tr').length === 100);
	await page.getByRole('button', { name: 'Pokaż więcej' }).click();
	await page.waitForFunction(() => document.querySelectorAll('table.bulk-recipients tbody tr').length === 105);
	const names = (await rows.locator('.bulk-who a').allTextContents()).map((x) => x.replace('Klient Stronicowy ', '')).sort();
	assert.deepEqual(names, Array.from({ length: 105 }, (_, i) => String(i + 1).padStart(3, '0')), 'each recipient once');
	assert.equal(await page.getByRole('button', { name: 'Pokaż więcej' }).count(), 0);
});

test('sent_pages_fit_360_px', async () => {
	await page.setViewportSize({ width: 360, height: 740 });
	try {
		const wide = async (what) => {
			await page.waitForTimeout(150);
			const w = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(w <= 360, `${what} is ${w}px wide at 360px`);
		};
		await page.goto(srv.url + '/bulk_emails');
		await page.locator('.sent-item').first().waitFor();
		await wide('/bulk_emails');
		await page.goto(`${srv.url}/bulk_emails/${state.sent.id}`);
		await page.locator('table.bulk-recipients tbody tr').first().waitFor();
		await wide(`/bulk_emails/${state.sent.id}`);
	} finally {
		await page.setViewportSize({ width: 1280, height: 800 });
	}
});

test('sent_pages_have_no_console_errors', () => {
	assert.deepEqual(b.errors, []);
});
