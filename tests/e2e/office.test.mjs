// office.test.mjs: the office features in real Chromium against a real
// `kontakt serve`: an announcement for agents written in the form (an empty
// audience refused at its field) pops up for an agent after log-in, "later"
// hides it until its half hour is over, "I have read it" removes it and the
// author sees the receipt; a knowledge-base article found by a prefix
// without diacritics, shown with its Markdown rendered and a stored
// <script>/<img onerror> inert; an attachment uploaded on a client card,
// listed, downloaded byte for byte, a file over the cap refused naming the
// limit, and the attachment deleted to the trash; the pages at 360 px.
// One server and one browser for the whole file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { assert, expectStatus, startServer, test, USERS } from '../api/lib/harness.mjs';
import { launch, login, menu } from './lib/browser.mjs';

let srv, dataDir, admin, agent1, b, page;
const state = {};

before(async () => {
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-e2e-data-'));
	srv = await startServer({ env: { KONTAKT_DATA_DIR: dataDir, KONTAKT_ATTACHMENT_MAX_MB: '1' } });
	admin = await srv.login('admin');
	agent1 = await srv.login('agent1');
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
});

after(async () => {
	await b?.close();
	await srv?.stop();
	if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/* sql: one statement straight on the server's database (to end a "later"
 * without waiting half an hour). */
function sql(statement) {
	if (srv.pgUrl) execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.pgUrl, '-c', statement], { stdio: 'pipe' });
	else execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, statement], { stdio: 'pipe' });
}

async function logout() {
	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await page.getByLabel('Hasło').waitFor();
}

async function loginAs(user) {
	await login(page, srv.url, user, USERS[user].password);
}

async function pendingIds(client) {
	return expectStatus(await client.get('/api/announcements/pending'), 200).items.map((a) => a.id);
}

// A date and time as the UI shows them in Polish ("23 lis 2026, 09:05").
const PL_DATETIME = /\d{1,2} [a-ząćęłńóśźż]{3,4} \d{4}, \d{2}:\d{2}/;

test('office_announcement_for_agents_pops_up_later_hides_it_ack_removes_it_author_sees_receipt', async () => {
	const title = 'Zebranie w piątek o 9:00';
	await loginAs('manager');
	await menu(page, 'Biuro', 'Ogłoszenia');
	await page.getByRole('heading', { name: 'Ogłoszenia', level: 1 }).waitFor();
	await page.getByRole('button', { name: /Nowe ogłoszenie/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowe ogłoszenie' });
	await dlg.getByLabel('Tytuł').fill(title);
	await dlg.getByLabel('Treść').fill('**Obecność obowiązkowa.** Omówimy:\n\n- wyniki sprzedaży\n- grafik urlopów');
	// Chosen roles or departments, but none chosen: the API refuses; its message stands at the audience.
	await dlg.getByLabel('Do wybranych ról i oddziałów').check();
	await dlg.getByRole('button', { name: 'Opublikuj' }).click();
	await dlg.locator('.audience .field-error', { hasText: 'Wybierz adresatów' }).waitFor();
	await dlg.getByText('Popraw zaznaczone pola.').waitFor();
	assert.equal(await dlg.getByLabel('Tytuł').inputValue(), title, 'what was typed stays');
	await dlg.getByLabel('Konsultant').check();
	const created = page.waitForResponse((r) => r.url().endsWith('/api/announcements') && r.request().method() === 'POST' && r.status() === 201);
	await dlg.getByRole('button', { name: 'Opublikuj' }).click();
	const a = await (await created).json();
	await dlg.waitFor({ state: 'detached' });
	assert.deepEqual(a.audience_roles, ['agent']);
	assert.equal(a.audience_everyone, false);
	state.announcement = a;
	const item = page.locator('.ann', { hasText: title });
	await item.getByText('Do: Konsultant').waitFor();
	await item.locator('.prose strong', { hasText: 'Obecność obowiązkowa.' }).waitFor();
	await logout();

	// The agent logs in: it pops up, with the Markdown rendered.
	await loginAs('agent1');
	let pop = page.getByRole('dialog', { name: title });
	await pop.locator('.prose li', { hasText: 'grafik urlopów' }).waitFor();
	await pop.getByRole('button', { name: 'Później' }).click();
	await pop.waitFor({ state: 'detached' });
	assert.ok(!(await pendingIds(agent1)).includes(a.id), 'later: not pending');
	// Back on the start screen within the half hour: nothing pops up.
	await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Klienci' }).click();
	const asked = page.waitForResponse((r) => r.url().endsWith('/api/announcements/pending'));
	await page.getByRole('link', { name: 'Start' }).click();
	await asked;
	await page.waitForTimeout(300);
	assert.equal(await page.getByRole('dialog', { name: title }).count(), 0, 'hidden for 30 minutes');
	// Half an hour later, the start screen shows it again; the agent reads it.
	sql(`UPDATE announcement_receipts SET later_until = later_until - 1801 WHERE announcement_id = ${a.id}`);
	await page.getByRole('link', { name: 'Klienci' }).first().click();
	await page.getByRole('link', { name: 'Start' }).click();
	pop = page.getByRole('dialog', { name: title });
	const acked = page.waitForResponse((r) => r.url().endsWith(`/api/announcements/${a.id}/ack`));
	await pop.getByRole('button', { name: 'Przeczytane' }).click();
	assert.equal((await acked).status(), 200);
	await pop.waitFor({ state: 'detached' });
	assert.deepEqual(await pendingIds(agent1), []);
	await page.reload();
	await page.getByRole('heading', { name: /Dzień dobry/ }).waitFor();
	await page.waitForTimeout(300);
	assert.equal(await page.getByRole('dialog', { name: title }).count(), 0, 'read: not shown again');
	// The agent's history: read, and no receipts button (not the author).
	await page.goto(`${srv.url}/announcements`);
	const mine = page.locator('.ann', { hasText: title });
	await mine.locator('.badge-read', { hasText: PL_DATETIME }).waitFor();
	assert.equal(await mine.getByRole('button', { name: 'Kto przeczytał' }).count(), 0);
	assert.equal(await page.getByRole('button', { name: /Nowe ogłoszenie/ }).count(), 0, 'agents do not write announcements');
	await logout();

	// The author sees who has read it and when.
	await loginAs('manager');
	await page.goto(`${srv.url}/announcements`);
	await page.locator('.ann', { hasText: title }).getByRole('button', { name: 'Kto przeczytał' }).click();
	const rd = page.getByRole('dialog', { name: `Kto przeczytał: ${title}` });
	await rd.getByText('Przeczytało 1 z 3 adresatów.').waitFor();
	const row = rd.locator('.receipts li', { hasText: 'agent1' });
	await row.locator('.receipt-state', { hasText: PL_DATETIME }).waitFor();
	assert.match(await row.innerText(), /Przeczytane/);
	await rd.locator('.receipts li', { hasText: 'agent3' }).getByText('Jeszcze nie przeczytał(a)').waitFor();
	await rd.getByRole('button', { name: 'Zamknij' }).last().click();
	await rd.waitFor({ state: 'detached' });
});

test('office_kb_article_found_by_a_prefix_without_diacritics_markdown_rendered_html_inert', async () => {
	const evil = '<script>window.__kbxss=1</script> <img src=x onerror="window.__kbxss=2">';
	const art = expectStatus(
		await admin.post('/api/kb_articles', {
			title: 'Wnioski wizowe: oddział Łódź',
			tags: ['wizy', 'Łódź'],
			body: `## Dokumenty\n\nPotrzebne są **paszport** i *zdjęcie*:\n\n1. formularz\n2. opłata\n\n${evil}\n\n[Konsulat](https://example.com/konsulat)`,
		}),
		201,
	);
	expectStatus(await admin.post('/api/kb_articles', { title: 'Rezerwacja hotelu w Gdańsku', body: 'Sprawdź dostępność pokoi.' }), 201);
	await menu(page, 'Biuro', 'Baza wiedzy');
	await page.getByRole('heading', { name: 'Baza wiedzy', level: 1 }).waitFor();
	await page.locator('.kb-item', { hasText: 'Rezerwacja hotelu' }).waitFor();
	// As you type, debounced: "lodz" finds "Łódź", the hotel drops out.
	const searches = [];
	const onReq = (r) => r.url().includes('/api/kb_articles?') && r.url().includes('q=') && searches.push(r.url());
	page.on('request', onReq);
	await page.getByLabel('Szukaj w bazie wiedzy').pressSequentially('lodz', { delay: 40 });
	await page.getByRole('heading', { name: 'Najlepiej pasujące' }).waitFor();
	await page.locator('.kb-item', { hasText: 'Rezerwacja hotelu' }).waitFor({ state: 'detached' });
	const hit = page.locator('.kb-item', { hasText: 'Wnioski wizowe' });
	await hit.waitFor();
	page.off('request', onReq);
	assert.ok(searches.length >= 1 && searches.length <= 2, `debounced: ${searches.join(' ')}`);
	assert.match(searches.at(-1), /q=lodz/);
	assert.match(page.url(), /\/kb\?q=lodz$/, 'the search is kept in the URL');
	await hit.getByRole('link', { name: 'Wnioski wizowe: oddział Łódź' }).click();
	await page.waitForURL(`${srv.url}/kb/${art.id}`);
	const prose = page.locator('.kb-body .prose');
	await prose.locator('h2', { hasText: 'Dokumenty' }).waitFor();
	await prose.locator('strong', { hasText: 'paszport' }).waitFor();
	await prose.locator('em', { hasText: 'zdjęcie' }).waitFor();
	assert.equal(await prose.locator('ol > li').count(), 2);
	assert.equal(await prose.getByRole('link', { name: 'Konsulat' }).getAttribute('href'), 'https://example.com/konsulat');
	await prose.getByText('<script>window.__kbxss=1</script>', { exact: false }).waitFor();
	await page.locator('.kb-body .tags').getByRole('link', { name: '#Łódź' }).waitFor();
	await page.waitForTimeout(150); // an onerror of a broken image fires after load
	assert.equal(await page.evaluate(() => window.__kbxss), undefined, 'nothing stored ran');
	assert.equal(await page.locator('main script, main img').count(), 0);

	// A tag shows its articles; a manager writes, edits and deletes one.
	await page.locator('.kb-body .tags').getByRole('link', { name: '#wizy' }).click();
	await page.waitForURL(/\/kb\?tag=wizy$/);
	await page.locator('.kb-item', { hasText: 'Wnioski wizowe' }).waitFor();
	assert.equal(await page.locator('.kb-item').count(), 1);
	await page.getByRole('button', { name: /Nowy artykuł/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy artykuł' });
	await dlg.getByLabel('Tytuł').fill('Zwroty zaliczek');
	await dlg.getByLabel('Tagi').fill('płatności, zwroty');
	await dlg.getByLabel('Treść (Markdown)').fill('Zaliczkę zwracamy w **14 dni**.');
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await page.waitForURL(/\/kb\/\d+$/);
	await page.locator('.kb-body .prose strong', { hasText: '14 dni' }).waitFor();
	await page.getByRole('button', { name: 'Edytuj' }).click();
	const ed = page.getByRole('dialog', { name: 'Edytuj artykuł' });
	await ed.getByLabel('Tytuł').fill('Zwroty zaliczek i rezygnacje');
	await ed.getByRole('button', { name: 'Zapisz' }).click();
	await page.getByRole('heading', { name: 'Zwroty zaliczek i rezygnacje', level: 1 }).waitFor();
	await page.getByRole('button', { name: 'Usuń' }).click();
	await page.getByRole('dialog', { name: 'Potwierdź' }).getByRole('button', { name: 'Usuń' }).click();
	await page.waitForURL(`${srv.url}/kb`);
	const left = expectStatus(await admin.get('/api/kb_articles?q=zwroty'), 200).items;
	assert.deepEqual(left, [], 'deleted to the trash');
});

test('office_attachment_uploaded_listed_downloaded_refused_over_the_cap_and_deleted', async () => {
	const c = expectStatus(await admin.post('/api/contacts', { first_name: 'Anna', last_name: 'Załącznikowa', visibility: 'company' }), 201);
	state.contact = c;
	await page.goto(`${srv.url}/clients/${c.id}`);
	const panel = page.locator('section.attachments');
	await panel.getByText('Brak załączników.').waitFor();
	await panel.getByText('Do 1 MB na plik.', { exact: false }).waitFor();
	const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1500 - 9, 0x41)]);
	await panel.getByLabel('Dodaj plik').setInputFiles({ name: 'Umowa Łódź.pdf', mimeType: 'application/pdf', buffer: bytes });
	const link = panel.getByRole('link', { name: 'Pobierz: Umowa Łódź.pdf' });
	await link.waitFor();
	const meta = await panel.locator('.att', { hasText: 'Umowa Łódź.pdf' }).locator('.att-meta').innerText();
	assert.match(meta, /^PDF · 1,5 kB · manager · /, meta);
	assert.match(meta, PL_DATETIME, meta);
	const listed = expectStatus(await admin.get(`/api/attachments?entity=contacts&record_id=${c.id}`), 200).items;
	assert.equal(listed.length, 1);
	assert.equal(listed[0].size, 1500);

	// Download: the same bytes.
	const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
	assert.equal(dl.suggestedFilename(), 'Umowa Łódź.pdf');
	assert.ok(Buffer.from(fs.readFileSync(await dl.path())).equals(bytes), 'downloaded bytes equal the uploaded ones');

	// Over the cap (1 MiB here): refused before sending, naming the limit.
	let posted = 0;
	const onReq = (r) => r.method() === 'POST' && r.url().includes('/api/attachments') && posted++;
	page.on('request', onReq);
	await panel.getByLabel('Dodaj plik').setInputFiles({ name: 'skan.tiff', mimeType: 'image/tiff', buffer: Buffer.alloc(1258292, 1) });
	await panel.getByRole('alert').getByText('Plik „skan.tiff” ma 1,2 MB, a limit to 1 MB.', { exact: false }).waitFor();
	page.off('request', onReq);
	assert.equal(posted, 0, 'a file over the cap is not sent');

	// Delete to the trash.
	await panel.getByRole('button', { name: 'Usuń: Umowa Łódź.pdf' }).click();
	await page.getByRole('dialog', { name: 'Potwierdź' }).getByRole('button', { name: 'Usuń' }).click();
	await panel.getByText('Przeniesiono do kosza: Umowa Łódź.pdf').waitFor();
	await link.waitFor({ state: 'detached' });
	assert.deepEqual(expectStatus(await admin.get(`/api/attachments?entity=contacts&record_id=${c.id}`), 200).items, []);
	const trash = expectStatus(await admin.get(`/api/attachments?entity=contacts&record_id=${c.id}&trash=1`), 200).items;
	assert.deepEqual(trash.map((x) => x.name), ['Umowa Łódź.pdf']);
});

test('office_pages_fit_360_px', async () => {
	const small = await launch({ width: 360, height: 740 });
	try {
		await login(small.page, srv.url, 'manager', USERS.manager.password);
		const kb = expectStatus(await admin.get('/api/kb_articles?q=wizowe'), 200).items[0];
		for (const p of ['/announcements', '/kb', `/kb/${kb.id}`, `/clients/${state.contact.id}`]) {
			await small.page.goto(srv.url + p);
			await small.page.locator('main h1').first().waitFor();
			await small.page.waitForTimeout(200);
			const w = await small.page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(w <= 360, `${p} is ${w}px wide at 360px`);
		}
		assert.deepEqual(small.errors, []);
	} finally {
		await small.close();
	}
});

test('office_has_no_console_errors', () => {
	assert.deepEqual(b.errors, []);
});
