// inquiry.test.mjs: an inquiry carries its own work, in real Chromium: a
// description, a colleague as its handler while the department sees it
// (two independent choices), and a panel of its activities where a call is
// added, linked to the inquiry and its client, and ticked done; the call
// also shows on the client's card.  Screenshots at 1366 and 360 px.
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, agent1, b, page;
const ids = {};
const shot = (name) => page.screenshot({ path: path.join(os.tmpdir(), `inquiry-${name}.png`), fullPage: true });

before(async () => {
	srv = await startServer();
	const admin = await srv.login('admin');
	agent1 = await srv.login('agent1');
	const users = (await admin.get('/api/users?limit=500')).body.items;
	const a2 = users.find((u) => u.login === 'agent2');
	ids.agent2 = a2.id;
	ids.agent2Name = a2.name || a2.login;
	ids.agent3 = users.find((u) => u.login === 'agent3').id;
	const c = await agent1.post('/api/contacts', { first_name: 'Halina', last_name: 'Wyjazdowa' });
	assert.equal(c.status, 201, c.text);
	ids.contact = c.body.id;
	b = await launch({ width: 1366, height: 900 });
	page = b.page;
	await login(page, srv.url, 'agent1', USERS.agent1.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

test('inquiry_with_a_description_handled_by_a_colleague_seen_by_the_department', async () => {
	await page.goto(`${srv.url}/inquiries`);
	await page.getByRole('button', { name: /Nowe zapytanie/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowe zapytanie' });
	await dlg.getByLabel('Tytuł').fill('Wczasy na Krecie');
	await dlg.getByLabel('Opis', { exact: true }).fill('Dwie osoby, all inclusive.\nWylot z Krakowa w lipcu.');
	await dlg.getByLabel('Klient').fill('Wyjazdowa');
	await dlg.getByRole('option', { name: /Halina Wyjazdowa/ }).click();
	const handler = dlg.getByLabel('Prowadzący', { exact: true });
	assert.equal(await handler.inputValue(), String(agent1.user.id), 'I handle it by default');
	const offered = await handler.locator('option').evaluateAll((os) => os.map((o) => o.value));
	assert.ok(offered.includes(String(ids.agent2)), 'a colleague of my department is offered');
	assert.ok(!offered.includes(String(ids.agent3)), 'someone of another department is not (an agent may not hand it there)');
	await handler.selectOption(String(ids.agent2));
	await dlg.getByLabel('Oddział prowadzącego').check();
	await shot('form-1366');
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await page.waitForURL(/\/inquiries\/\d+$/);
	ids.inquiry = Number(page.url().split('/').pop());
	const inq = (await agent1.get(`/api/inquiries/${ids.inquiry}`)).body;
	assert.equal(inq.handler_id, ids.agent2, 'the colleague handles it');
	assert.equal(inq.visibility, 'department', 'the department sees it');
	assert.equal(inq.description, 'Dwie osoby, all inclusive.\nWylot z Krakowa w lipcu.');
	assert.equal(inq.contact_id, ids.contact);
	const details = page.getByRole('region', { name: 'Dane' });
	await details.getByText('Wylot z Krakowa w lipcu.').waitFor();
	await details.getByText(ids.agent2Name).waitFor();
	await details.getByText('Oddział prowadzącego').waitFor();
	await page.getByRole('region', { name: 'Działania' }).getByText('Brak zadań i działań w tym zapytaniu.').waitFor();
});

test('inquiry_panel_adds_a_call_linked_to_the_inquiry_and_its_client', async () => {
	const panel = page.getByRole('region', { name: 'Działania' });
	await panel.getByRole('button', { name: '+ Telefon' }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy telefon' });
	await dlg.getByLabel('Temat').fill('Oddzwonić w sprawie Krety');
	assert.equal(await dlg.getByLabel('Klient').count(), 0, 'the client is the inquiry’s, not asked again');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	await panel.getByRole('button', { name: 'Oddzwonić w sprawie Krety' }).waitFor();
	const list = (await agent1.get(`/api/activities?inquiry_id=${ids.inquiry}`)).body.items;
	assert.equal(list.length, 1);
	assert.equal(list[0].kind, 'call');
	assert.equal(list[0].contact_id, ids.contact, 'linked to the inquiry’s client');
	ids.call = list[0].id;
	// A second, already done: open work is listed first.
	await panel.getByRole('button', { name: '+ Zadanie' }).click();
	const t = page.getByRole('dialog', { name: 'Nowe zadanie' });
	await t.getByLabel('Zarejestruj wykonane').check();
	await t.getByLabel('Temat').fill('Wysłać katalog');
	await t.getByRole('button', { name: 'Zapisz' }).click();
	await t.waitFor({ state: 'detached' });
	await panel.getByRole('button', { name: 'Wysłać katalog' }).waitFor();
	const subjects = await panel.locator('.tl-subject').allTextContents();
	assert.deepEqual(subjects, ['Oddzwonić w sprawie Krety', 'Wysłać katalog'], 'open first, then done');
	await shot('page-1366');
	// Tick the call done from the panel.
	await panel.getByRole('checkbox', { name: 'Oznacz jako zrobione: Oddzwonić w sprawie Krety' }).check();
	await panel.getByRole('checkbox', { name: 'Cofnij wykonanie: Oddzwonić w sprawie Krety' }).waitFor();
	assert.equal((await agent1.get(`/api/activities/${ids.call}`)).body.status, 'done');
	// Open it from the panel.
	await panel.getByRole('button', { name: 'Oddzwonić w sprawie Krety' }).click();
	const open = page.getByRole('dialog', { name: 'Oddzwonić w sprawie Krety' });
	await open.waitFor();
	await open.getByRole('button', { name: 'Anuluj' }).click();
	await open.waitFor({ state: 'detached' });
});

test('inquiry_call_shows_on_the_clients_card_timeline', async () => {
	await page.goto(`${srv.url}/clients/${ids.contact}`);
	await page.getByRole('region', { name: 'Historia kontaktów' }).getByRole('button', { name: 'Oddzwonić w sprawie Krety' }).waitFor();
});

test('inquiry_page_and_form_fit_a_phone_screen', async () => {
	await page.setViewportSize({ width: 360, height: 740 });
	await page.goto(`${srv.url}/inquiries/${ids.inquiry}`);
	await page.getByRole('region', { name: 'Działania' }).getByRole('button', { name: 'Wysłać katalog' }).waitFor();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
	await shot('page-360');
	await page.getByRole('button', { name: 'Edytuj' }).first().click();
	await page.getByLabel('Opis', { exact: true }).waitFor();
	await shot('form-360');
	assert.deepEqual(b.errors, []);
});
