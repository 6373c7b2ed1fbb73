// lists.test.mjs: lists say who the client is (the Tasks list, the
// inquiries list and board cards name the client, or say it is not
// visible to the reader), and the global search (Ctrl+K) finds a client
// by any part of the phone number, shows the phone, and offers "Pokaż
// wszystkie" past the first five of a kind.  One server, one browser.
import { after, before } from 'node:test';
import { assert, expectStatus, PASSWORD, startServer, test } from '../api/lib/harness.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, b, page;
const R = {};

before(async () => {
	srv = await startServer();
	const admin = await srv.session('admin');
	const agent1 = await srv.session('agent1');
	const agent3 = await srv.session('agent3');
	const me = (await agent1.get('/api/me')).body;
	const post = async (client, path, body) => {
		const r = await client.post(path, body);
		expectStatus(r, 201, path);
		return r.body;
	};
	R.client = await post(agent1, '/api/contacts', { first_name: 'Teodor', last_name: 'Środkowy', phone: '+48 504 755 227' });
	R.task = await post(agent1, '/api/activities', {
		kind: 'task', subject: 'Przygotować ofertę E2E', contact_id: R.client.id, assignee_id: me.user?.id ?? me.id,
	});
	R.inquiry = await post(agent1, '/api/inquiries', { title: 'Wczasy w Toskanii', contact_id: R.client.id });
	// A Gdańsk agent's private client on a company-wide inquiry: agent1
	// sees the inquiry, not its client.
	R.hidden = await post(agent3, '/api/contacts', { first_name: 'Ukryta', last_name: 'Zakryszewska', visibility: 'private' });
	R.hiddenInquiry = await post(admin, '/api/inquiries', { title: 'Rejs po fiordach', contact_id: R.hidden.id, visibility: 'company' });
	for (let i = 1; i <= 6; i++) await post(agent1, '/api/contacts', { first_name: `Osoba${i}`, last_name: 'Powtarzalska' });
	for (const [title, d] of [['Termin marzec', '2031-03-05'], ['Termin styczeń', '2031-01-10'], ['Termin luty', '2031-02-20']])
		await post(agent1, '/api/inquiries', { title, planned_close_date: d });
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'agent1', PASSWORD);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

test('lists_the_tasks_list_names_the_client', async () => {
	await page.goto(srv.url + '/activities');
	const row = page.locator('li.task', { hasText: 'Przygotować ofertę E2E' });
	const link = row.getByRole('link', { name: 'Teodor Środkowy' });
	await link.waitFor();
	assert.equal(await link.getAttribute('href'), `/clients/${R.client.id}`);
	assert.equal(await row.getByText('Karta klienta').count(), 0, 'no bare "Karta klienta" link');
});

test('lists_the_inquiries_list_and_board_name_the_client_or_say_it_is_hidden', async () => {
	await page.goto(srv.url + '/inquiries');
	const row = page.getByRole('row', { name: /Wczasy w Toskanii/ });
	await row.getByRole('link', { name: 'Teodor Środkowy' }).waitFor();
	const hiddenRow = page.getByRole('row', { name: /Rejs po fiordach/ });
	await hiddenRow.getByText('klient niewidoczny dla Ciebie').waitFor();
	assert.ok(!(await page.content()).includes('Zakryszewska'));

	await page.goto(srv.url + '/inquiries/board');
	const card = page.locator('.board-card', { hasText: 'Wczasy w Toskanii' });
	await card.getByRole('link', { name: 'Teodor Środkowy' }).waitFor();
	await page.locator('.board-card', { hasText: 'Rejs po fiordach' }).getByText('klient niewidoczny dla Ciebie').waitFor();

	await page.goto(srv.url + `/inquiries/${R.hiddenInquiry.id}`);
	await page.getByText('klient niewidoczny dla Ciebie').waitFor();
});

test('lists_inquiry_search_finds_the_client_by_name', async () => {
	await page.goto(srv.url + '/inquiries');
	await page.getByLabel('Szukaj zapytań').fill('środkowy');
	await page.getByRole('row', { name: /Wczasy w Toskanii/ }).waitFor();
	await page.getByRole('row', { name: /Rejs po fiordach/ }).waitFor({ state: 'detached' });
});

test('lists_ctrl_k_finds_a_client_by_a_middle_part_of_the_phone_and_shows_it', async () => {
	await page.goto(srv.url + '/');
	await page.getByRole('navigation', { name: 'Menu główne' }).waitFor();
	await page.keyboard.press('Control+k');
	const dlg = page.getByRole('dialog', { name: 'Szukaj' });
	await dlg.getByLabel('Szukaj klientów, firm i zapytań').fill('755 227');
	// The client, with its phone (the inquiry about it is found too).
	const hit = dlg.getByRole('option', { name: /Teodor Środkowy\s*\+48 504 755 227/ });
	await hit.waitFor();
	await dlg.getByRole('option', { name: /Wczasy w Toskanii/ }).waitFor();
	await page.keyboard.press('Enter');
	await page.waitForURL(new RegExp(`/clients/${R.client.id}$`));
});

test('lists_ctrl_k_offers_show_all_past_five_and_opens_the_list_searched', async () => {
	await page.keyboard.press('Control+k');
	const dlg = page.getByRole('dialog', { name: 'Szukaj' });
	await dlg.getByLabel('Szukaj klientów, firm i zapytań').fill('powtarzalska');
	const all = dlg.getByRole('option', { name: 'Pokaż wszystkie' });
	await all.waitFor();
	assert.equal(await dlg.getByRole('option', { name: /Powtarzalska/ }).count(), 5, 'five shown');
	await all.click();
	// the list then writes its own filters and sort after the search
	await page.waitForURL(/\/clients\?q=powtarzalska(&|$)/);
	await page.getByRole('row', { name: /Osoba6/ }).waitFor();
	assert.equal(await page.getByRole('row', { name: /Powtarzalska/ }).count(), 6);
	// Fewer than six: no "show all".
	await page.keyboard.press('Control+k');
	await dlg.getByLabel('Szukaj klientów, firm i zapytań').fill('Teodor');
	await dlg.getByRole('option', { name: /Teodor Środkowy\s*\+48/ }).waitFor();
	assert.equal(await dlg.getByRole('option', { name: 'Pokaż wszystkie' }).count(), 0);
	await page.keyboard.press('Escape');
});

test('lists_inquiries_sort_by_planned_close_date_from_the_header_and_filter_its_range', async () => {
	await page.goto(srv.url + '/inquiries');
	const titles = async () => (await page.locator('table.list tbody tr td:first-child').allInnerTexts()).filter((x) => x.startsWith('Termin'));
	await page.getByRole('searchbox', { name: 'Szukaj zapytań' }).fill('Termin');
	await page.locator('table.list tbody tr', { hasText: 'Termin luty' }).waitFor();
	const header = page.getByRole('button', { name: /Planowane zamknięcie/ });
	await header.click();
	await page.waitForFunction(() => document.querySelector('table.list th[aria-sort="ascending"]'));
	await page.waitForFunction(() => [...document.querySelectorAll('table.list tbody tr td:first-child')].map((td) => td.textContent).join('|').startsWith('Termin styczeń|Termin luty'));
	assert.deepEqual(await titles(), ['Termin styczeń', 'Termin luty', 'Termin marzec']);
	await header.click();
	await page.waitForFunction(() => document.querySelector('table.list th[aria-sort="descending"]'));
	await page.waitForFunction(() => [...document.querySelectorAll('table.list tbody tr td:first-child')].map((td) => td.textContent).join('|').startsWith('Termin marzec'));
	await page.getByLabel('Zamknięcie od').fill('2031-02-01');
	await page.getByLabel('Zamknięcie do').fill('2031-02-28');
	await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
	assert.deepEqual(await titles(), ['Termin luty']);
});

test('lists_an_inquiry_started_from_the_client_card_is_that_clients', async () => {
	await page.goto(`${srv.url}/clients/${R.client.id}`);
	await page.getByRole('button', { name: '+ Zapytanie' }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowe zapytanie' });
	await dlg.getByLabel('Tytuł').fill('Narty w Alpach E2E');
	await dlg.getByRole('button', { name: /Zapisz|Utwórz/ }).click();
	await page.waitForURL(/\/inquiries\/\d+$/);
	const id = Number(page.url().split('/').pop());
	await page.getByRole('heading', { name: 'Narty w Alpach E2E' }).waitFor();
	await page.locator('main').getByRole('link', { name: 'Teodor Środkowy' }).first().waitFor();
	const agent1 = await srv.session('agent1');
	assert.equal((await agent1.get(`/api/inquiries/${id}`)).body.contact_id, R.client.id);
});
