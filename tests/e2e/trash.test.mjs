// trash.test.mjs: the trash page and editing an announcement, in real
// Chromium against a real `kontakt serve`: a client, a knowledge-base
// article and an announcement deleted through the API are found on the
// Trash page (the last deleted first, with when and by whom), searched,
// restored in the UI and live again through the API; an agent sees only
// the kinds an agent may restore and restores an activity; a manager edits
// an announcement in its form (a field error at its field, the change seen
// through the API), a stale edit asks to reload, a delete is undone, and
// someone else's deleted announcement is not offered for restoring; the
// pages at 360 px.
// One server and one browser for the whole file.
import { after, before } from 'node:test';
import { assert, expectStatus, startServer, test, USERS } from '../api/lib/harness.mjs';
import { launch, login, menu } from './lib/browser.mjs';

let srv, admin, manager, agent1, b, page;

before(async () => {
	srv = await startServer();
	admin = await srv.login('admin');
	manager = await srv.login('manager');
	agent1 = await srv.login('agent1');
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

// A date and time as the UI shows them in Polish ("23 lis 2026, 09:05").
const PL_DATETIME = /\d{1,2} [a-ząćęłńóśźż]{3,4} \d{4}, \d{2}:\d{2}/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* until: waits (up to 5 s) for fn() to hold. */
async function until(fn, what) {
	for (let i = 0; i < 100; i++) {
		if (await fn()) return;
		await sleep(50);
	}
	assert.fail(`timed out: ${what}`);
}

/* loginAs: a fresh log-in (whatever an earlier test left behind). */
async function loginAs(user) {
	await page.context().clearCookies();
	await login(page, srv.url, user, USERS[user].password);
}

async function logout() {
	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await page.getByLabel('Hasło').waitFor();
}

const tabs = () => page.getByRole('tablist', { name: 'Rodzaj rekordów' });
const rows = () => page.locator('.trash-item');

test('trash_shows_deleted_records_searches_and_restores_them', async () => {
	const zofia = expectStatus(await manager.post('/api/contacts', { first_name: 'Zofia', last_name: 'Kosznicka', city: 'Łódź' }), 201);
	const adam = expectStatus(await manager.post('/api/contacts', { first_name: 'Adam', last_name: 'Nowicki', city: 'Gdynia' }), 201);
	const art = expectStatus(await manager.post('/api/kb_articles', { title: 'Zwrot zaliczki po rezygnacji', tags: ['płatności'], body: 'W ciągu 14 dni.' }), 201);
	expectStatus(await manager.post('/api/kb_articles', { title: 'Bilety lotnicze grupowe', body: 'Rezerwacja przez agenta.' }), 201);
	const ann = expectStatus(
		await manager.post('/api/announcements', { title: 'Nowe godziny pracy biura', body: 'Od poniedziałku 8–16.', audience_roles: ['manager'] }),
		201,
	);
	// Adam first, Zofia a second later: Zofia is the last deleted.
	expectStatus(await manager.del(`/api/contacts/${adam.id}`), 204);
	await sleep(1100);
	for (const p of [`/api/contacts/${zofia.id}`, `/api/kb_articles/${art.id}`, `/api/announcements/${ann.id}`]) expectStatus(await manager.del(p), 204);

	await loginAs('manager');
	await menu(page, 'Biuro', 'Kosz');
	await page.getByRole('heading', { name: 'Kosz', level: 1 }).waitFor();
	assert.deepEqual(await tabs().getByRole('tab').allInnerTexts(), ['Klienci', 'Firmy', 'Zapytania', 'Czynności', 'Ogłoszenia', 'Baza wiedzy']);
	assert.equal(await tabs().getByRole('tab', { selected: true }).innerText(), 'Klienci');

	// Clients: the last deleted first, with when and by whom.
	await rows().nth(1).waitFor();
	assert.deepEqual(await rows().locator('.trash-name').allInnerTexts(), ['Zofia Kosznicka', 'Adam Nowicki']);
	const when = await rows().first().locator('.trash-when').innerText();
	assert.match(when, /^Usunięto /);
	assert.match(when, PL_DATETIME);
	assert.match(when, / przez manager$/);
	assert.equal(await rows().first().locator('.trash-meta').innerText(), 'Łódź');

	// Search: "lodz" finds Łódź, without the diacritics; no match says so.
	const search = page.getByLabel('Szukaj w koszu');
	await search.fill('zzzz');
	await page.getByText('W koszu nic nie pasuje do „zzzz”.').waitFor();
	await search.fill('lodz');
	await rows().filter({ hasText: 'Zofia Kosznicka' }).waitFor();
	assert.deepEqual(await rows().locator('.trash-name').allInnerTexts(), ['Zofia Kosznicka']);

	// Restore: the row goes, a toast says so, the API has it back.
	await page.getByRole('button', { name: 'Przywróć: Zofia Kosznicka' }).click();
	await page.locator('.toast', { hasText: 'Przywrócono: Zofia Kosznicka' }).waitFor();
	await page.getByText('W koszu nic nie pasuje do „lodz”.').waitFor();
	const back = expectStatus(await manager.get(`/api/contacts/${zofia.id}`), 200);
	assert.equal(back.deleted_at, undefined);
	assert.equal(back.last_name, 'Kosznicka');
	await search.fill('');
	await rows().filter({ hasText: 'Adam Nowicki' }).waitFor();
	assert.equal(await rows().count(), 1);

	// The knowledge base: a tab of its own (a link: reload serves the page).
	await tabs().getByRole('tab', { name: 'Baza wiedzy' }).click();
	await page.waitForURL(`${srv.url}/trash?kind=kb_articles`);
	await page.reload();
	await tabs().getByRole('tab', { name: 'Baza wiedzy', selected: true }).waitFor();
	await rows().filter({ hasText: 'Zwrot zaliczki po rezygnacji' }).locator('.trash-meta', { hasText: '#płatności' }).waitFor();
	await page.getByLabel('Szukaj w koszu').fill('zalicz');
	await page.getByRole('button', { name: 'Przywróć: Zwrot zaliczki po rezygnacji' }).click();
	await page.locator('.toast', { hasText: 'Przywrócono: Zwrot zaliczki po rezygnacji' }).waitFor();
	await page.getByText('W koszu nic nie pasuje do „zalicz”.').waitFor();
	expectStatus(await manager.get(`/api/kb_articles/${art.id}`), 200);
	assert.deepEqual(expectStatus(await manager.get('/api/kb_articles?q=zaliczki'), 200).items.map((x) => x.id), [art.id], 'found by search again');

	// Announcements: no search (the API has none for them); restored, then
	// "Open" in the toast shows it among the announcements.
	await tabs().getByRole('tab', { name: 'Ogłoszenia' }).click();
	await rows().filter({ hasText: 'Nowe godziny pracy biura' }).waitFor();
	assert.equal(await page.getByLabel('Szukaj w koszu').count(), 0);
	await page.getByRole('button', { name: 'Przywróć: Nowe godziny pracy biura' }).click();
	await page.getByText('W koszu nie ma usuniętych ogłoszeń.').waitFor();
	expectStatus(await manager.get(`/api/announcements/${ann.id}`), 200);
	await page.locator('.toast', { hasText: 'Przywrócono: Nowe godziny pracy biura' }).getByRole('button', { name: 'Otwórz' }).click();
	await page.waitForURL(`${srv.url}/announcements`);
	await page.locator('.ann', { hasText: 'Nowe godziny pracy biura' }).waitFor();
	await logout();
});

test('trash_an_agent_sees_only_what_an_agent_may_restore', async () => {
	const act = expectStatus(await agent1.post('/api/activities', { kind: 'call', subject: 'Oddzwonić w sprawie wizy' }), 201);
	expectStatus(await agent1.del(`/api/activities/${act.id}`), 204);
	await loginAs('agent1');
	// Asking for a kind an agent cannot restore shows the first one instead.
	await page.goto(`${srv.url}/trash?kind=kb_articles`);
	await tabs().getByRole('tab', { name: 'Klienci', selected: true }).waitFor();
	assert.deepEqual(await tabs().getByRole('tab').allInnerTexts(), ['Klienci', 'Firmy', 'Zapytania', 'Czynności']);
	// The trash is shared: a colleague's deleted client is here too.
	await rows().filter({ hasText: 'Adam Nowicki' }).waitFor();
	await tabs().getByRole('tab', { name: 'Czynności' }).click();
	const row = rows().filter({ hasText: 'Oddzwonić w sprawie wizy' });
	assert.match(await row.locator('.trash-meta').innerText(), /^Telefon$/);
	await page.getByRole('button', { name: 'Przywróć: Oddzwonić w sprawie wizy' }).click();
	await row.waitFor({ state: 'detached' });
	assert.equal(expectStatus(await agent1.get(`/api/activities/${act.id}`), 200).subject, 'Oddzwonić w sprawie wizy');
	// Agents neither edit nor delete announcements.
	await page.goto(`${srv.url}/announcements`);
	await page.getByRole('heading', { name: 'Ogłoszenia', level: 1 }).waitFor();
	assert.equal(await page.getByRole('button', { name: 'Edytuj' }).count(), 0);
	await logout();
});

test('announcement_edited_in_its_form_and_a_stale_edit_asks_to_reload', async () => {
	const a = expectStatus(
		await manager.post('/api/announcements', { title: 'Szkolenie z wiz', body: 'We **wtorek** o 10:00.', audience_roles: ['manager'] }),
		201,
	);
	await loginAs('manager');
	await menu(page, 'Biuro', 'Ogłoszenia');
	const item = page.locator('.ann', { hasText: 'Szkolenie z wiz' });
	await item.getByRole('button', { name: 'Edytuj' }).click();
	let dlg = page.getByRole('dialog', { name: 'Edytuj ogłoszenie' });
	assert.equal(await dlg.getByLabel('Tytuł').inputValue(), 'Szkolenie z wiz');
	assert.equal(await dlg.getByLabel('Treść').inputValue(), 'We **wtorek** o 10:00.');
	assert.ok(await dlg.getByLabel('Do wybranych ról i oddziałów').isChecked());
	assert.ok(await dlg.getByLabel('Kierownik').isChecked());
	assert.ok(!(await dlg.getByLabel('Konsultant').isChecked()));

	// An empty title: the API's error at its field; what was typed stays.
	await dlg.getByLabel('Tytuł').fill('');
	await dlg.getByLabel('Treść').fill('We **środę** o 10:00.');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.getByText('To pole jest wymagane').waitFor();
	assert.equal(await dlg.getByLabel('Tytuł').getAttribute('aria-invalid'), 'true');
	assert.equal(await dlg.getByLabel('Treść').inputValue(), 'We **środę** o 10:00.');
	await dlg.getByLabel('Tytuł').fill('Szkolenie z wiz — nowy termin');
	await dlg.getByLabel('Konsultant').check();
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	const edited = page.locator('.ann', { hasText: 'Szkolenie z wiz — nowy termin' });
	await edited.locator('.prose strong', { hasText: 'środę' }).waitFor();
	await edited.getByText('Do: Kierownik, Konsultant').waitFor();
	const v2 = expectStatus(await manager.get(`/api/announcements/${a.id}`), 200);
	assert.equal(v2.title, 'Szkolenie z wiz — nowy termin');
	assert.equal(v2.body, 'We **środę** o 10:00.');
	assert.deepEqual(v2.audience_roles, ['manager', 'agent']);
	assert.equal(v2.version, a.version + 1);

	// Someone else changes it while the form is open: saving asks to reload,
	// and the form comes back with their change.
	await edited.getByRole('button', { name: 'Edytuj' }).click();
	dlg = page.getByRole('dialog', { name: 'Edytuj ogłoszenie' });
	await dlg.getByLabel('Tytuł').fill('Szkolenie odwołane');
	expectStatus(await admin.patch(`/api/announcements/${a.id}`, { body: 'Sala 2, we **środę** o 11:00.', version: v2.version }), 200);
	const conflict = page.waitForResponse((r) => r.url().endsWith(`/api/announcements/${a.id}`) && r.request().method() === 'PATCH');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	assert.equal((await conflict).status(), 409);
	const ask = page.getByRole('dialog', { name: 'Potwierdź' });
	await ask.getByText('Ktoś inny zmienił ten rekord w międzyczasie.', { exact: false }).waitFor();
	await ask.getByRole('button', { name: 'Wczytaj ponownie' }).click();
	dlg = page.getByRole('dialog', { name: 'Edytuj ogłoszenie' });
	await until(async () => (await dlg.getByLabel('Treść').inputValue()) === 'Sala 2, we **środę** o 11:00.', 'the form shows their change');
	assert.equal(await dlg.getByLabel('Tytuł').inputValue(), 'Szkolenie z wiz — nowy termin', 'the current record, not the stale typing');
	const stillV3 = expectStatus(await manager.get(`/api/announcements/${a.id}`), 200);
	assert.equal(stillV3.title, 'Szkolenie z wiz — nowy termin', 'the stale save wrote nothing');
	// An agent has read it; a change that matters is shown to them again.
	expectStatus(await agent1.post(`/api/announcements/${a.id}/ack`), 200);
	const pendingOf = async (c) => expectStatus(await c.get('/api/announcements/pending'), 200).items.map((x) => x.id);
	assert.ok(!(await pendingOf(agent1)).includes(a.id));
	await dlg.getByLabel('Tytuł').fill('Szkolenie odwołane');
	await dlg.getByLabel('Pokaż ponownie wszystkim adresatom jako nieprzeczytane').check();
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	await page.locator('.ann', { hasText: 'Szkolenie odwołane' }).locator('.prose', { hasText: 'Sala 2' }).waitFor();
	assert.ok((await pendingOf(agent1)).includes(a.id), 'pending again for the agent who had read it');
	const v4 = expectStatus(await manager.get(`/api/announcements/${a.id}`), 200);
	assert.equal(v4.title, 'Szkolenie odwołane');
	assert.equal(v4.body, 'Sala 2, we **środę** o 11:00.', "the other person's change is kept");

	// Delete from the page: to the trash, undoable from the toast.
	await page.locator('.ann', { hasText: 'Szkolenie odwołane' }).getByRole('button', { name: 'Usuń' }).click();
	await page.getByRole('dialog', { name: 'Potwierdź' }).getByRole('button', { name: 'Usuń' }).click();
	const toast = page.locator('.toast', { hasText: 'Ogłoszenie przeniesiono do kosza' });
	await toast.waitFor();
	assert.equal((await manager.get(`/api/announcements/${a.id}`)).status, 404);
	await toast.getByRole('button', { name: 'Cofnij' }).click();
	await page.locator('.ann', { hasText: 'Szkolenie odwołane' }).waitFor();
	expectStatus(await manager.get(`/api/announcements/${a.id}`), 200);

	// An admin's deleted announcement addressed to managers: in the
	// manager's trash, but only its author or an admin restores it.
	const other = expectStatus(await admin.post('/api/announcements', { title: 'Inwentaryzacja w sobotę', body: 'Od 9:00.', audience_roles: ['manager'] }), 201);
	expectStatus(await admin.del(`/api/announcements/${other.id}`), 204);
	await page.goto(`${srv.url}/trash?kind=announcements`);
	const row = rows().filter({ hasText: 'Inwentaryzacja w sobotę' });
	await row.getByText('Przywrócić może autor lub administrator').waitFor();
	assert.equal(await row.getByRole('button').count(), 0);
	await logout();
});

test('trash_and_announcement_form_fit_360_px', async () => {
	const c = expectStatus(await manager.post('/api/contacts', { first_name: 'Konstantyna', last_name: 'Wielkopolska-Zaleszczyńska', city: 'Kędzierzyn-Koźle', phone: '601 234 567' }), 201);
	expectStatus(await manager.del(`/api/contacts/${c.id}`), 204);
	const small = await launch({ width: 360, height: 740 });
	try {
		await login(small.page, srv.url, 'manager', USERS.manager.password);
		const wide = () => small.page.evaluate(() => document.documentElement.scrollWidth);
		for (const p of ['/trash', '/trash?kind=kb_articles', '/trash?kind=announcements']) {
			await small.page.goto(srv.url + p);
			await small.page.locator('main h1').waitFor();
			await small.page.waitForTimeout(200);
			assert.ok((await wide()) <= 360, `${p} is ${await wide()}px wide at 360px`);
		}
		await small.page.goto(srv.url + '/trash');
		await small.page.getByRole('button', { name: 'Przywróć: Konstantyna Wielkopolska-Zaleszczyńska' }).waitFor();
		await small.page.goto(srv.url + '/announcements');
		await small.page.locator('.ann').first().getByRole('button', { name: 'Edytuj' }).click();
		await small.page.getByRole('dialog', { name: 'Edytuj ogłoszenie' }).waitFor();
		await small.page.waitForTimeout(200);
		assert.ok((await wide()) <= 360, `the announcement form is ${await wide()}px wide at 360px`);
		assert.deepEqual(small.errors, []);
	} finally {
		await small.close();
	}
});

test('trash_has_no_console_errors', () => {
	// The stale save's 409 is provoked; Chromium logs it like any failed request.
	assert.deepEqual(b.errors.filter((e) => !/status of 409/.test(e)), []);
});
