// small.test.mjs: the smaller items of the working day in real Chromium:
// Settings → E-mail (status and a test message through a fake SMTP server),
// an error toast that stays behind on navigation, '+ Notatka' focusing its
// text box with Ctrl+Enter saving, the time zone from a list, statuses
// grouped by what they are for, and the folding overdue group on the start
// screen.  One server and one browser for the whole file.
import fs from 'node:fs';
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { startSmtpSink, parseMessage } from '../api/lib/smtp.mjs';
import { launch, login } from './lib/browser.mjs';

const ADMIN = USERS.admin;
const FROM = 'biuro@example.com';
const SHOTS = process.env.KONTAKT_E2E_SHOTS || '';
let sink, srv, api, b, page;

async function shot(name) {
	if (!SHOTS) return;
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ env: { KONTAKT_SMTP_URL: sink.url.replace('smtp://', 'smtp://konto:tajne-haslo@'), KONTAKT_SMTP_FROM: FROM } });
	api = await srv.login('admin');
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'admin', ADMIN.password);
	await page.getByRole('heading', { name: /Dzień dobry/ }).waitFor();
});

after(async () => {
	await b?.close();
	await srv?.stop();
	await sink?.close();
});

test('small_settings_mail_shows_the_server_and_sends_a_test_message', async () => {
	await page.goto(srv.url + '/settings/mail');
	const status = page.locator('[data-mail-status]');
	await status.getByText(`smtp://127.0.0.1:${sink.port}`).waitFor();
	assert.equal(await status.getAttribute('data-mail-status'), 'on');
	await status.getByText(FROM).waitFor();
	assert.ok(!(await page.content()).includes('tajne-haslo'), 'the password is never shown');
	await page.getByLabel('Wyślij wiadomość próbną na adres').fill('test.biuro@example.org');
	await page.getByRole('button', { name: 'Wyślij wiadomość próbną' }).click();
	await page.getByText('Wysłano wiadomość próbną na test.biuro@example.org.').first().waitFor();
	const m = await sink.waitFor((x) => x.to.includes('test.biuro@example.org'), 15000);
	assert.ok(m, 'the sink got the message');
	assert.match(parseMessage(m.data).subject, /Kontakt/);
	await shot('settings-mail');
	assert.deepEqual(b.errors, []);
});

test('small_an_error_toast_stays_behind_when_the_user_moves_on', async () => {
	await page.goto(srv.url + '/settings/departments');
	const row = page.getByRole('row', { name: /Kraków/ });
	await row.getByRole('button', { name: 'Usuń' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Usuń' }).click();
	const err = page.locator('.toast-error');
	await err.first().waitFor();
	await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Klienci' }).click();
	await page.getByRole('heading', { name: 'Klienci', level: 1 }).waitFor();
	assert.equal(await err.count(), 0, 'the error of the settings page is gone');
	// An error on the new page is still shown.
	await page.goto(srv.url + '/settings/departments');
	await page.getByRole('row', { name: /Kraków/ }).getByRole('button', { name: 'Usuń' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Usuń' }).click();
	await err.first().waitFor();
	await page.goBack({ waitUntil: 'commit' }); // the page may come back from the back/forward cache, without a load event
	await page.waitForURL(/\/clients(\?.*)?$/, { waitUntil: 'commit' }); // the list may have written its filters into the address
	assert.equal(await err.count(), 0, 'and going back leaves it too');
	assert.deepEqual(b.errors.filter((e) => !/status of 409/.test(e)), []);
});

test('small_plus_note_focuses_the_text_box_and_ctrl_enter_saves', async () => {
	const c = await api.post('/api/contacts', { first_name: 'Nora', last_name: 'Notatkowa-E2E', phone: '601 555 111' });
	assert.equal(c.status, 201);
	await page.goto(srv.url + `/clients/${c.body.id}`);
	await page.getByRole('heading', { name: /Nora Notatkowa-E2E/ }).waitFor();
	await page.getByRole('button', { name: '+ Notatka' }).click();
	const box = page.getByLabel('Treść notatki');
	await box.waitFor();
	assert.equal(await box.evaluate((el) => el === document.activeElement), true, 'the text box has the focus');
	await page.keyboard.type('Klientka prosi o telefon po 16');
	await shot('card-note');
	await page.keyboard.press('Control+Enter');
	await box.waitFor({ state: 'detached' });
	await page.locator('.tl-list').getByText('Klientka prosi o telefon po 16').waitFor();
	const tl = await api.get(`/api/contacts/${c.body.id}/timeline`);
	assert.ok(tl.body.items.some((it) => it.type === 'note' && it.record.body === 'Klientka prosi o telefon po 16'));
	assert.deepEqual(b.errors.filter((e) => !/status of 409/.test(e)), []);
});

test('small_the_time_zone_is_chosen_from_a_list', async () => {
	await page.goto(srv.url + '/settings/users');
	await page.getByRole('button', { name: '+ Nowy użytkownik' }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy użytkownik' });
	const zone = dlg.getByLabel('Strefa czasowa');
	assert.equal(await zone.evaluate((el) => el.tagName), 'SELECT', 'a list, not a text box');
	assert.equal(await zone.inputValue(), 'Europe/Warsaw');
	assert.equal(await zone.locator('option').first().getAttribute('value'), 'Europe/Warsaw', 'Warsaw first');
	assert.ok((await zone.locator('option').count()) > 100, 'the browser\'s whole list');
	await dlg.getByLabel('Login').fill('strefa.e2e');
	await dlg.getByLabel('Hasło').fill('haslo-e2e-123456');
	await zone.selectOption('Europe/London');
	await shot('settings-user-zone');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	const users = await api.get('/api/users?limit=500');
	const u = users.body.items.find((x) => x.login === 'strefa.e2e');
	assert.equal(u?.time_zone, 'Europe/London');
	assert.deepEqual(b.errors.filter((e) => !/status of 409/.test(e)), []);
});

test('small_statuses_are_grouped_by_what_they_are_for', async () => {
	const st = (await api.get('/api/statuses?limit=500')).body.items;
	await page.goto(srv.url + '/settings/statuses');
	const groups = { inquiries: 'Zapytania', contacts: 'Klienci', deals: 'Transakcje' };
	const regions = page.locator('section.settings-group');
	await regions.first().waitFor();
	const titles = await page.locator('.settings-group-title').allInnerTexts();
	for (const [entity, label] of Object.entries(groups)) {
		const title = titles.find((x) => x.startsWith(label));
		const mine = st.filter((s) => s.entity === entity);
		assert.ok(title, `a heading for ${entity}: ${titles}`);
		assert.ok(title.includes(`(${mine.length})`), title);
		const region = page.getByRole('region', { name: title });
		for (const s of mine) await region.getByRole('row', { name: new RegExp(s.name) }).first().waitFor();
		const others = st.filter((s) => s.entity !== entity && !mine.some((m) => m.name === s.name));
		for (const s of others) assert.equal(await region.getByRole('row', { name: new RegExp(`^${s.name}\\b`) }).count(), 0, `${s.name} is not under ${label}`);
	}
	await shot('settings-statuses');
	assert.deepEqual(b.errors.filter((e) => !/status of 409/.test(e)), []);
});

test('small_the_overdue_group_folds_so_that_the_rest_stays_in_view', async () => {
	const meId = (await api.get('/api/me')).body.id;
	const day = 86400000;
	for (let i = 1; i <= 5; i++) {
		const r = await api.post('/api/activities', { kind: 'task', subject: `Zaległe E2E ${i}`, starts_at: new Date(Date.now() - i * day).toISOString(), assignee_id: meId });
		assert.equal(r.status, 201);
	}
	await page.goto(srv.url + '/');
	const group = page.locator('.rem-overdue');
	await group.getByText('Zaległe E2E 5').waitFor(); // the oldest first
	assert.equal(await group.locator('li.reminder').count(), 3, 'the first three only');
	const more = group.getByRole('button', { name: 'Pokaż wszystkie zaległe (5)' });
	assert.equal(await more.getAttribute('aria-expanded'), 'false');
	await shot('home-overdue-folded');
	await more.click();
	await group.getByText('Zaległe E2E 1').waitFor();
	assert.equal(await group.locator('li.reminder').count(), 5);
	await group.getByRole('button', { name: 'Pokaż tylko pierwsze zaległe' }).click();
	assert.equal(await group.locator('li.reminder').count(), 3);
	assert.deepEqual(b.errors.filter((e) => !/status of 409/.test(e)), []);
});
