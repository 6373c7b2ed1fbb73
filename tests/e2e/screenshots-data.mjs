// screenshots-data.mjs: the README's screenshots of the data screens
// (docs/screenshots/{export,import,duplicates,merge,bulk-email,bulk-status,
// sent-email,sent}-{desktop,mobile}.png): the clients list with its export
// menu, the import dialog's report, the duplicates page, the merge view, a
// bulk e-mail with its progress, its page and the Sent e-mails list, at
// 1280x800 and 360x740, on demo data plus a few likely duplicates, a small
// CSV file and an SMTP sink.
//   KONTAKT_BIN=build/kontakt node tests/e2e/screenshots-data.mjs
// Not a test (no .test.mjs): run it by hand when these screens change.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, freePort } from '../api/lib/harness.mjs';
import { startSmtpSink } from '../api/lib/smtp.mjs';
import { launch, login } from './lib/browser.mjs';

const BIN = process.env.KONTAKT_BIN || 'build/kontakt';
const OUT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/screenshots');
const USER = 'alicja.mazur';
const PASSWORD = 'demo-password-1';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-shots-'));
const db = path.join(dir, 'k.db');
execFileSync(BIN, ['init', '--db', db, '--admin-password', 'screenshot-admin-1'], { stdio: 'ignore' });
execFileSync(BIN, ['demo', '--db', db, '--contacts', '300', '--seed', '1'], { stdio: 'ignore' });
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const sink = await startSmtpSink();
const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], {
	stdio: 'ignore',
	env: { ...process.env, KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: 'biuro@example.com' },
});
for (let i = 0; i < 100; i++) {
	try {
		if ((await fetch(url + '/healthz')).ok) break;
	} catch {
		/* not yet */
	}
	await new Promise((r) => setTimeout(r, 50));
}

const CSV = [
	'Imię;Nazwisko;Telefon;E-mail;Miasto;Data urodzenia;Uwagi',
	'Katarzyna;Lewandowska;601 234 001;k.lewandowska@example.pl;Kraków;12.03.1985;VIP',
	'Tomasz;Zieliński;602 345 002;;Wrocław;;',
	'Marta;;603 456 003;marta@example;Gdańsk;31.02.1990;',
	'Paweł;Kaczmarek;zły numer;;Poznań;;',
	'Joanna;Wójcik;604 567 004;joanna.wojcik@example.pl;Łódź;07.11.1979;',
	'Katarzyna;Lewandowska;;K.Lewandowska@example.pl;Kraków;;drugi raz',
	'',
].join('\r\n');

try {
	const r = await fetch(url + '/api/session', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ login: USER, password: PASSWORD }),
	});
	const body = await r.json();
	if (r.status !== 200) throw new Error('log-in: ' + r.status + ' ' + JSON.stringify(body));
	const cookie = /kontakt_session=([^;]*)/.exec(r.headers.get('set-cookie'))[1];
	const api = new Client(url, { cookie, csrf: body.csrf_token, user: body.user });
	const ok = (x, what) => {
		if (x.status >= 300) throw new Error(`${what}: ${x.status} ${x.text}`);
		return x.body;
	};
	// The demo's announcements would pop up over every screen: read them first.
	for (const a of ok(await api.get('/api/announcements/pending'), 'pending').items)
		ok(await api.post(`/api/announcements/${a.id}/ack`), 'ack');
	for (const c of [
		{ first_name: 'Zbigniew', last_name: 'Duda', phone: '+48 602 333 444', city: 'Poznań', birth_date: '1972-05-14' },
		{ first_name: 'Zbyszek', last_name: 'Duda', phone: '602-333-444', city: 'Gniezno', email: 'zbyszek.duda@example.pl' },
		{ first_name: 'Agnieszka', last_name: 'Nowakowska', email: 'a.nowakowska@example.pl', city: 'Kraków', address: 'ul. Długa 12/4' },
		{ first_name: 'Agnieszka', last_name: 'Nowakowska', email: 'A.Nowakowska@example.pl', city: 'Kraków', phone: '+48 605 111 222' },
		{ first_name: 'Krzysztof', last_name: 'Wiśniewski', birth_date: '1980-01-02', city: 'Lublin' },
		{ first_name: 'Wiśniewski', last_name: 'Krzysztof', birth_date: '1980-01-02', city: 'Lublin', phone: '+48 606 777 888' },
		{ first_name: 'Katarzyna', last_name: 'Lewandowska', phone: '+48 601 234 001', city: 'Kraków' },
	])
		ok(await api.post('/api/contacts', { kind: 'customer', ...c }), c.last_name);

	// Two earlier bulk e-mails, for the Sent e-mails list.
	for (const [subject, body, city] of [
		['Nowe godziny otwarcia biura', 'Dzień dobry {name},\n\nod 1 grudnia biuro jest czynne od 8:00 do 18:00.', 'Gdańsk'],
		['Last minute: Chorwacja od 1899 zł', 'Dzień dobry {name},\n\nmamy jeszcze miejsca na wrzesień.', 'Poznań'],
	])
		ok(await api.post('/api/bulk_emails', { subject, body, filter: { city } }), subject);

	fs.mkdirSync(OUT, { recursive: true });
	for (const [name, width, height] of [
		['desktop', 1280, 800],
		['mobile', 360, 740],
	]) {
		const b = await launch({ width, height });
		const page = b.page;
		await login(page, url, USER, PASSWORD);
		const shot = async (what) => {
			await page.waitForTimeout(300);
			await page.screenshot({ path: path.join(OUT, `${what}-${name}.png`) });
			console.log(`docs/screenshots/${what}-${name}.png`);
		};

		await page.goto(url + '/clients');
		await page.locator('table.list tbody tr').first().waitFor();
		// At phone widths the list's tools fold behind "Filtry".
		if (width < 600) await page.getByRole('button', { name: 'Filtry' }).click();
		await page.getByText('Eksport', { exact: true }).click();
		await page.getByRole('link', { name: /Plik CSV/ }).waitFor();
		await shot('export');

		await page.keyboard.press('Escape');
		await page.getByRole('button', { name: 'Import' }).click();
		const dlg = page.getByRole('dialog', { name: 'Import z pliku CSV' });
		await dlg.getByLabel('Plik CSV').setInputFiles({ name: 'klienci.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
		await dlg.getByRole('region', { name: 'Wynik sprawdzenia' }).waitFor();
		await shot('import');
		await page.keyboard.press('Escape');

		await page.goto(url + '/duplicates');
		await page.getByRole('article').first().waitFor();
		await shot('duplicates');

		await page.getByRole('article', { name: /Zbigniew Duda/ }).getByRole('button', { name: 'Scal…' }).click();
		const merge = page.getByRole('dialog', { name: 'Scalanie rekordów' });
		await merge.getByRole('radio', { name: 'Zachowaj: Zbigniew Duda' }).check();
		await merge.getByRole('radio', { name: /Miejscowość: Gniezno/ }).check();
		await shot('merge');
		await page.keyboard.press('Escape');

		await page.goto(url + '/clients');
		await page.getByRole('searchbox', { name: 'Szukaj' }).fill('kraków');
		await page.waitForTimeout(600);
		for (const box of (await page.locator('table.list tbody input[type=checkbox]').all()).slice(0, 4)) await box.check();
		await page.getByRole('region', { name: 'Działania na zaznaczonych' }).getByRole('button', { name: 'Wyślij e-mail' }).click();
		const mail = page.getByRole('dialog', { name: 'Wiadomość e-mail do klientów' });
		await mail.getByLabel('Temat').fill('Oferta na majówkę dla {first_name}');
		await mail.getByLabel('Treść').fill('Dzień dobry {name},\n\nmamy dla Pani/Pana wyjazd do Włoch w maju: 7 dni, przelot i hotel.\nZapraszamy do biura!\n\nAlicja Mazur');
		await shot('bulk-email');
		await mail.getByRole('button', { name: 'Wyślij' }).click();
		await page.getByRole('dialog', { name: 'Wysyłka e-maili' }).getByText('Wysyłka zakończona.').waitFor({ timeout: 20000 });
		await shot('bulk-status');

		await page.getByRole('dialog', { name: 'Wysyłka e-maili' }).getByRole('link', { name: 'Pokaż w wysłanych' }).click();
		await page.locator('table.bulk-recipients tbody tr').first().waitFor();
		await shot('sent-email');
		await page.goto(url + '/bulk_emails');
		await page.locator('.sent-item').first().waitFor();
		await shot('sent');
		if (b.errors.length) console.error(b.errors.join('\n'));
		await b.close();
	}
} finally {
	proc.kill('SIGTERM');
	await new Promise((r) => proc.on('exit', r));
	await sink.close();
	fs.rmSync(dir, { recursive: true, force: true });
}
