// password.test.mjs: changing one's own password in the UI ("Zmień hasło"
// in the top bar), in real Chromium against a real `kontakt serve`: the
// server's refusals (wrong current password, a too common new one) show at
// their fields in Polish, a mistyped repetition is caught in the dialog,
// and a change keeps this session while the new password logs in.
import { after, before } from 'node:test';
import { assert, expectError, expectStatus, startServer, test } from '../api/lib/harness.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, b, page;
const LOGIN = 'zmiana.hasla';

before(async () => {
	srv = await startServer();
	const admin = await srv.login('admin');
	expectStatus(await admin.post('/api/users', { login: LOGIN, password: 'pierwsze-haslo', role: 'agent' }), 201);
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

test('ui_changes_own_password_with_errors_at_the_fields', async () => {
	await login(page, srv.url, LOGIN, 'pierwsze-haslo');
	await page.getByRole('banner').getByRole('button', { name: 'Zmień hasło' }).click();
	const dlg = page.getByRole('dialog', { name: 'Zmiana hasła' });
	await dlg.waitFor();
	const submit = dlg.getByRole('button', { name: 'Zmień hasło' });

	// typed twice differently: caught before asking the server
	await dlg.getByLabel('Obecne hasło').fill('pierwsze-haslo');
	await dlg.getByLabel(/^Nowe hasło/).fill('drugie-haslo-1');
	await dlg.getByLabel('Powtórz nowe hasło').fill('drugie-haslo-2');
	await submit.click();
	await dlg.getByText('Hasła się różnią').waitFor();

	// a wrong current password: at its field
	await dlg.getByLabel('Obecne hasło').fill('nie-to-haslo');
	await dlg.getByLabel('Powtórz nowe hasło').fill('drugie-haslo-1');
	await submit.click();
	await dlg.getByText('To nie jest Twoje obecne hasło').waitFor();

	// a too common new one: at its field
	await dlg.getByLabel('Obecne hasło').fill('pierwsze-haslo');
	await dlg.getByLabel(/^Nowe hasło/).fill('Basketball');
	await dlg.getByLabel('Powtórz nowe hasło').fill('Basketball');
	await submit.click();
	await dlg.getByText(/zbyt popularne/).waitFor();

	// a good one: the dialog closes, a toast says so, this session goes on
	await dlg.getByLabel(/^Nowe hasło/).fill('drugie-haslo-1');
	await dlg.getByLabel('Powtórz nowe hasło').fill('drugie-haslo-1');
	await submit.click();
	await page.getByText(/Hasło zmienione/).waitFor();
	await dlg.waitFor({ state: 'detached' });
	await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Klienci' }).click();
	await page.getByRole('heading', { name: 'Klienci' }).first().waitFor();

	expectError(await srv.tryLogin(LOGIN, 'pierwsze-haslo'), 401);
	expectStatus(await srv.tryLogin(LOGIN, 'drugie-haslo-1'), 200);
	assert.deepEqual(b.errors, []);
});
