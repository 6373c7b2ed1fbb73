// messages.test.mjs: messages in the user's language in real Chromium: a
// client's history names the changed fields by their labels, old → new
// (a phone grouped, a custom field by its label and its options' labels,
// never `custom`); a bad value in Settings (a user's time zone, a custom
// field's key and option colour) gets the Polish message, and the same in
// English once the user switches language.
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, api, b, page, contactId, agentId;

before(async () => {
	srv = await startServer();
	api = await srv.login('admin');
	let r = await api.post('/api/custom_fields', {
		entity: 'contacts', name: 'segment', label: 'Segment', type: 'select', position: 1,
		options: [{ value: 'vip', label: 'Klient VIP' }, { value: 'std', label: 'Standard' }],
	});
	assert.equal(r.status, 201, r.text);
	r = await api.post('/api/contacts', { last_name: 'Historyczny', phone: '601 234 567', custom: { segment: 'vip' } });
	assert.equal(r.status, 201, r.text);
	contactId = r.body.id;
	agentId = (await api.get('/api/users?limit=500')).body.items.find((u) => u.login === 'agent1').id;
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'admin', USERS.admin.password);
});

after(async () => {
	await api?.patch('/api/me', { locale: 'pl', version: (await api.get('/api/me')).body.version });
	await b?.close();
	await srv?.stop();
});

test('messages_history_shows_labels_and_old_and_new_values', async () => {
	await page.goto(`${srv.url}/clients/${contactId}`);
	await page.getByRole('heading', { name: /Historyczny/ }).waitFor();
	await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
	const form = page.locator('#det-title').locator('..');
	await form.getByLabel('Telefon').fill('602 345 678');
	await form.getByLabel('Segment').selectOption('std');
	await form.getByRole('button', { name: 'Zapisz' }).click();
	const lines = page.locator('.change-lines li');
	await lines.filter({ hasText: 'Telefon:' }).waitFor();
	const texts = (await lines.allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
	assert.ok(texts.includes('Telefon: +48 601 234 567 → +48 602 345 678'), texts.join(' | '));
	assert.ok(texts.includes('Segment: Klient VIP → Standard'), texts.join(' | '));
	assert.ok(!texts.some((s) => /custom/.test(s)), texts.join(' | '));
});

test('messages_inquiry_history_shows_statuses_users_money_and_dates', async () => {
	const r = await api.post('/api/inquiries', { title: 'Wycieczka historyczna', value: 150000 });
	assert.equal(r.status, 201, r.text);
	const p = await api.patch(`/api/inquiries/${r.body.id}`, {
		value: 250050, status_id: 2, planned_close_date: '2026-12-24', handler_id: agentId, version: r.body.version,
	});
	assert.equal(p.status, 200, p.text);
	await page.goto(`${srv.url}/inquiries/${r.body.id}`);
	await page.locator('.change-lines li', { hasText: 'Wartość:' }).waitFor();
	const texts = (await page.locator('.change-lines li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
	for (const want of ['Wartość: 1500,00 zł → 2500,50 zł', 'Status: Nowe → W trakcie', 'Planowane zamknięcie: — → 24 gru 2026', 'Prowadzący: Administrator → ']) {
		assert.ok(texts.some((s) => s.startsWith(want)), `${want} in ${texts.join(' | ')}`);
	}
	assert.ok(!texts.some((s) => /_id|status_id|\b\d{4}-\d{2}-\d{2}\b/.test(s)), texts.join(' | '));
});

async function userTimeZone(expected) {
	await page.goto(`${srv.url}/settings/users`);
	const row = page.locator('table.list tbody tr', { hasText: 'agent1' });
	await row.getByRole('button', { name: /^(Edytuj|Edit)$/ }).click();
	const dlg = page.getByRole('dialog');
	// The zone is chosen from a list; a zone the server does not know is
	// slipped into it to see the server's message translated.
	const zone = dlg.getByLabel(/^(Strefa czasowa|Time zone)/);
	await zone.evaluate((el) => el.add(new Option('Mars/Olympus', 'Mars/Olympus')));
	await zone.selectOption('Mars/Olympus');
	await dlg.getByRole('button', { name: /^(Zapisz|Save)$/ }).click();
	await dlg.getByText(expected, { exact: true }).waitFor();
	await dlg.getByRole('button', { name: /^(Anuluj|Cancel)$/ }).click();
}

async function customFieldErrors(expected) {
	await page.goto(`${srv.url}/settings/custom_fields`);
	await page.getByRole('button', { name: /Nowe pole|New field/ }).click();
	const dlg = page.getByRole('dialog');
	await dlg.getByLabel(/^(Klucz|Key)/).fill('Zły_klucz');
	await dlg.getByLabel(/^(Etykieta|Label)/).fill('Kolorowe');
	await dlg.getByLabel(/^(Typ pola|Field type)/).selectOption('select');
	await dlg.getByLabel(/^(Opcje listy|List options)/).fill('a | A | red');
	await dlg.getByRole('button', { name: /^(Zapisz|Save|Utwórz|Create)$/ }).click();
	for (const text of expected) await dlg.getByText(text, { exact: true }).waitFor();
	await dlg.getByRole('button', { name: /^(Anuluj|Cancel)$/ }).click();
}

test('messages_validation_messages_are_polish_then_english', async () => {
	await userTimeZone('Nieznana strefa czasowa (np. Europe/Warsaw)');
	await customFieldErrors([
		'Nazwa musi się zaczynać małą literą i zawierać tylko a-z, 0-9 i _',
		'Kolory opcji podaj w postaci #1a2b3c',
	]);
	assert.equal((await api.get(`/api/users/${agentId}`)).body.time_zone, 'Europe/Warsaw', 'nothing saved');

	const me = (await api.get('/api/me')).body;
	assert.equal((await api.patch('/api/me', { locale: 'en', version: me.version })).status, 200);
	await page.goto(`${srv.url}/`);
	await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
	await userTimeZone('Not a known time zone (e.g. Europe/Warsaw)');
	await customFieldErrors([
		'The name must start with a lower-case letter and hold only a-z, 0-9 and _',
		'Option colours must look like #1a2b3c',
	]);
	// The history in English too.
	await page.goto(`${srv.url}/clients/${contactId}`);
	await page.locator('.change-lines li', { hasText: 'Phone:' }).waitFor();
	const texts = (await page.locator('.change-lines li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
	assert.ok(texts.includes('Phone: +48 601 234 567 → +48 602 345 678'), texts.join(' | '));
	assert.deepEqual(b.errors, []);
});
