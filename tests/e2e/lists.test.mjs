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
	await page.waitForURL(/\/clients\?q=powtarzalska$/);
	await page.getByRole('row', { name: /Osoba6/ }).waitFor();
	assert.equal(await page.getByRole('row', { name: /Powtarzalska/ }).count(), 6);
	// Fewer than six: no "show all".
	await page.keyboard.press('Control+k');
	await dlg.getByLabel('Szukaj klientów, firm i zapytań').fill('Teodor');
	await dlg.getByRole('option', { name: /Teodor Środkowy\s*\+48/ }).waitFor();
	assert.equal(await dlg.getByRole('option', { name: 'Pokaż wszystkie' }).count(), 0);
	await page.keyboard.press('Escape');
});
