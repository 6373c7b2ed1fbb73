// visibility.test.mjs: what an agent sees of clients that are not theirs, in
// real Chromium: a task assigned to me about another person's private client
// opens the client's card (which says why), and a done task about a client I
// may not see names it as hidden, never by its data.
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { iso, localParts } from '../api/lib/tz.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, admin, agent3, b, page;
const ids = {};

before(async () => {
	srv = await startServer();
	admin = await srv.login('admin');
	agent3 = await srv.login('agent3');
	const users = (await admin.get('/api/users?limit=500')).body.items;
	ids.agent1 = users.find((u) => u.login === 'agent1').id;
	// Another department's private clients, with tasks for agent1.
	const open = await agent3.post('/api/contacts', { first_name: 'Ewa', last_name: 'Zadaniowa', visibility: 'private' });
	const hidden = await agent3.post('/api/contacts', { first_name: 'Olga', last_name: 'Ukryta', visibility: 'private' });
	assert.equal(open.status, 201, open.text);
	assert.equal(hidden.status, 201, hidden.text);
	ids.open = open.body.id;
	ids.hidden = hidden.body.id;
	const soon = iso(Date.now() + 3600000);
	const t1 = await admin.post('/api/activities', { kind: 'call', subject: 'Zadzwonić do klientki', starts_at: soon, assignee_id: ids.agent1, contact_id: ids.open });
	ids.doneAt = Date.now() - 3600000;
	const t2 = await admin.post('/api/activities', { kind: 'call', subject: 'Rozmowa odbyta', status: 'done', starts_at: iso(ids.doneAt), assignee_id: ids.agent1, contact_id: ids.hidden });
	assert.equal(t1.status, 201, t1.text);
	assert.equal(t2.status, 201, t2.text);
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'agent1', USERS.agent1.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

test('visibility_a_task_assigned_to_me_opens_its_private_client_and_the_card_says_why', async () => {
	await page.getByRole('heading', { name: 'Przypomnienia' }).waitFor();
	await page.getByRole('link', { name: 'Ewa Zadaniowa' }).first().click();
	await page.waitForURL(new RegExp(`/clients/${ids.open}$`));
	await page.getByRole('heading', { name: /Ewa Zadaniowa/ }).waitFor();
	await page.getByText('Widzisz tego klienta, bo masz przypisane zadanie.').waitFor();
	assert.equal(await page.getByText('Nie znaleziono').count(), 0);
});

test('visibility_a_done_task_names_its_hidden_client_as_hidden', async () => {
	const day = localParts(ids.doneAt, 'Europe/Warsaw').date; // the call's own day, as the calendar shows it
	await page.goto(`${srv.url}/calendar?date=${day}`);
	const ev = page.locator('.fc-event', { hasText: 'Rozmowa odbyta' }).first();
	await ev.waitFor();
	assert.match(await ev.innerText(), /klient niewidoczny dla Ciebie/);
	assert.doesNotMatch(await page.content(), /Ukryta/, 'the hidden client is not in the page');
	const card = await page.goto(`${srv.url}/clients/${ids.hidden}`);
	assert.ok(card.ok());
	await page.getByText('Nie znaleziono').first().waitFor();
});

test('visibility_a_page_of_a_record_that_is_not_there_says_so_instead_of_loading', async () => {
	for (const [path, back] of [['/inquiries/999999', 'Zapytania'], ['/clients/999999', 'Klienci'], ['/companies/999999', 'Firmy'], ['/kb/999999', 'Baza wiedzy']]) {
		await page.goto(srv.url + path);
		await page.getByRole('alert').getByText('Nie znaleziono.').waitFor();
		await page.locator('main').getByRole('link', { name: back, exact: true }).waitFor();
		assert.equal(await page.getByText('Wczytywanie…').count(), 0, `${path} stops loading`);
	}
});

test('visibility_pages_have_no_console_errors', () => {
	// A card of a client I may not see answers 404 (the page says so).
	assert.deepEqual(b.errors.filter((e) => !/status of 404/.test(e)), []);
});
