// menu.test.mjs: the main menu in real Chromium: the sections in one row with
// groups (Sprzedaż ▾, Biuro ▾) that open by click and keyboard and close on
// Escape or a click elsewhere, the current place shown on the group's button
// while it is closed, admin-only entries, and on a 360 px phone a "Menu"
// button beside the current place that opens a panel which fits.
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, b, page;

before(async () => {
	srv = await startServer();
	b = await launch({ width: 1366, height: 800 });
	page = b.page;
	await login(page, srv.url, 'admin', USERS.admin.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

const nav = (p = page) => p.getByRole('navigation', { name: 'Menu główne' });
const group = (name, p = page) => nav(p).getByRole('button', { name: new RegExp('^' + name) });

test('menu_groups_sections_and_opens_a_group_by_click', async () => {
	for (const name of ['Start', 'Klienci', 'Zadania', 'Kalendarz', 'Ustawienia'])
		assert.ok(await nav().getByRole('link', { name, exact: true }).isVisible(), `${name} is in the row`);
	for (const g of ['Sprzedaż', 'Biuro']) assert.equal(await group(g).getAttribute('aria-expanded'), 'false');
	const kosz = nav().getByRole('link', { name: 'Kosz', exact: true });
	assert.equal(await kosz.isVisible(), false, 'a closed group hides its entries');

	await group('Biuro').click();
	assert.equal(await group('Biuro').getAttribute('aria-expanded'), 'true');
	for (const name of ['Ogłoszenia', 'Baza wiedzy', 'Wysłane e-maile', 'Kosz'])
		assert.ok(await nav().getByRole('link', { name, exact: true }).isVisible(), `${name} is in Biuro`);
	// a click elsewhere closes it
	await page.locator('main h1').click();
	await kosz.waitFor({ state: 'hidden' });
	assert.equal(await group('Biuro').getAttribute('aria-expanded'), 'false');

	await group('Biuro').click();
	await kosz.click();
	await page.waitForURL(/\/trash$/);
	await page.getByRole('heading', { name: 'Kosz', level: 1 }).waitFor();
	await kosz.waitFor({ state: 'hidden' });
	// the closed group shows where we are
	assert.match(await group('Biuro').innerText(), /Biuro\s*·\s*Kosz/);
	assert.equal(await group('Sprzedaż').innerText().then((x) => x.includes('·')), false);
	await group('Biuro').click();
	assert.equal(await kosz.getAttribute('aria-current'), 'page');
	await page.keyboard.press('Escape');
	await kosz.waitFor({ state: 'hidden' });
});

test('menu_groups_work_from_the_keyboard', async () => {
	await page.goto(srv.url + '/clients');
	await page.locator('main h1').waitFor();
	assert.equal(await nav().getByRole('link', { name: 'Klienci', exact: true }).getAttribute('aria-current'), 'page');
	await group('Sprzedaż').focus();
	await page.keyboard.press('Enter');
	assert.equal(await group('Sprzedaż').getAttribute('aria-expanded'), 'true');
	await page.keyboard.press('Escape');
	assert.equal(await group('Sprzedaż').getAttribute('aria-expanded'), 'false');
	assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Sprzedaż▾', 'focus back on the button');

	await page.keyboard.press('ArrowDown');
	const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
	await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Zapytania');
	await page.keyboard.press('ArrowDown');
	assert.equal(await focused(), 'Tablica zapytań');
	await page.keyboard.press('ArrowDown');
	assert.equal(await focused(), 'Zapytania', 'arrows wrap round');
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('Enter');
	await page.waitForURL(/\/inquiries\/board$/);
	await page.locator('main h1').waitFor();
	assert.match(await group('Sprzedaż').innerText(), /Sprzedaż\s*·\s*Tablica zapytań/);
	assert.equal(await group('Sprzedaż').getAttribute('aria-expanded'), 'false', 'closed after going');

	// Tab past the last entry closes the group
	await group('Biuro').focus();
	await page.keyboard.press('Enter');
	for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
	assert.equal(await focused(), 'Ustawienia');
	assert.equal(await group('Biuro').getAttribute('aria-expanded'), 'false');
});

test('menu_shows_settings_to_admins_only', async () => {
	const other = await launch({ width: 1366, height: 800 });
	try {
		await login(other.page, srv.url, 'agent1', USERS.agent1.password);
		await nav(other.page).getByRole('link', { name: 'Klienci', exact: true }).waitFor();
		assert.equal(await nav(other.page).getByRole('link', { name: 'Ustawienia' }).count(), 0);
		await group('Biuro', other.page).click();
		await nav(other.page).getByRole('link', { name: 'Kosz', exact: true }).waitFor();
		assert.deepEqual(other.errors, []);
	} finally {
		await other.close();
	}
});

test('menu_on_a_phone_is_a_button_beside_the_current_place', async () => {
	const small = await launch({ width: 360, height: 740 });
	const p = small.page;
	try {
		await login(p, srv.url, 'admin', USERS.admin.password);
		await p.goto(srv.url + '/bulk_emails');
		await p.locator('main h1').waitFor();
		const toggle = nav(p).getByRole('button', { name: 'Menu', exact: true });
		assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
		assert.match(await nav(p).locator('.nav-here').innerText(), /Biuro\s*›\s*Wysłane e-maile/);
		assert.ok(await nav(p).locator('.nav-here').isVisible(), 'the current place is in sight');
		assert.equal(await nav(p).getByRole('link', { name: 'Klienci' }).isVisible(), false);
		const wide = () => p.evaluate(() => document.documentElement.scrollWidth);
		assert.ok((await wide()) <= 360, `${await wide()}px wide at 360px`);

		await toggle.click();
		assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
		for (const name of ['Start', 'Klienci', 'Kalendarz', 'Zapytania', 'Tablica zapytań', 'Kosz', 'Ustawienia']) {
			const box = await nav(p).getByRole('link', { name, exact: true }).boundingBox();
			assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${name} is on the screen`);
		}
		assert.ok((await wide()) <= 360, `the open menu is ${await wide()}px wide at 360px`);
		await p.keyboard.press('Escape');
		assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

		await toggle.click();
		await nav(p).getByRole('link', { name: 'Kalendarz', exact: true }).click();
		await p.waitForURL(/\/calendar$/);
		await p.locator('main h1').waitFor();
		assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
		assert.equal((await nav(p).locator('.nav-here').innerText()).trim(), 'Kalendarz');
		assert.deepEqual(small.errors, []);
	} finally {
		await small.close();
	}
});

test('menu_has_no_console_errors', () => {
	assert.deepEqual(b.errors, []);
});
