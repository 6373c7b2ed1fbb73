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
