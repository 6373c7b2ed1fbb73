// data.test.mjs: the data screens in real Chromium against a real
// `kontakt serve`: exporting a filtered list with chosen columns (the
// downloaded CSV holds exactly the list's rows and columns), importing a
// CSV with a dry run whose report names the bad line, a file that can't be
// read, likely duplicates on creating a client, a duplicate group merged
// with a preferred value (the merged card redirects) and the merge undone
// from the toast, an e-mail to chosen clients with its progress (to an
// SMTP sink), and these screens at 360 px.  One server, one browser.
import fs from 'node:fs';
import { after, before } from 'node:test';
import { parse } from 'csv-parse/sync';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { parseMessage, startSmtpSink } from '../api/lib/smtp.mjs';
import { launch, login } from './lib/browser.mjs';

let sink, srv, api, b, page;
const state = {};

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ env: { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: 'biuro@example.com' } });
	api = await srv.login('admin');
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'admin', USERS.admin.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
	await sink?.close();
});

async function contact(fields) {
	const r = await api.post('/api/contacts', fields);
	assert.equal(r.status, 201, r.text);
	return r.body;
}

/* csvRows: the CSV export of a Polish user (separated by ';', as Polish
 * Excel reads it) as arrays of fields, read by csv-parse, the BOM dropped. */
function csvRows(text) {
	return parse(text, { delimiter: ';', bom: true });
}

test('data_export_csv_has_the_rows_and_columns_of_the_filtered_list', async () => {
	const made = [];
	for (const [first, last, kind, phone] of [
		['Ala', 'Eksportowa', 'customer', '601 100 001'],
		['Bogdan', 'Eksportowy', 'customer', null],
		['Cecylia', 'Eksportówna', 'lead', '601 100 003'],
		['Dawid', 'Eksportowski', 'customer', null],
	])
		made.push(await contact({ first_name: first, last_name: last, kind, phone, city: 'Eksportowo', email: `${first.toLowerCase()}@example.pl` }));
	await contact({ first_name: 'Inny', last_name: 'Nieeksportowany', kind: 'customer', city: 'Gdzieś' });

	await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Klienci' }).click();
	await page.getByRole('searchbox', { name: 'Szukaj' }).fill('eksportow');
	await page.getByLabel('Rodzaj klienta').selectOption('customer');
	await page.getByLabel('Sortuj').selectOption('last_name');
	// three customers, sorted by last name: the lead and the other city are left out
	const rowsShown = page.locator('table.list tbody tr');
	await page.waitForFunction(() => {
		const names = [...document.querySelectorAll('table.list tbody tr td:nth-child(2) a')].map((a) => a.textContent);
		return names.length === 3 && names[0] === 'Ala Eksportowa';
	});
	const shown = await rowsShown.locator('td:nth-child(2) a').allTextContents();
	assert.deepEqual(shown, ['Ala Eksportowa', 'Dawid Eksportowski', 'Bogdan Eksportowy']);

	// leave out a column: the export has the list's columns, not all
	await page.getByRole('button', { name: 'Kolumny' }).click();
	const cols = page.getByRole('dialog', { name: 'Kolumny' });
	await cols.getByRole('checkbox', { name: 'Opiekun' }).uncheck();
	await cols.getByRole('button', { name: 'Zamknij' }).last().click();
	await page.locator('table.list th', { hasText: 'Opiekun' }).waitFor({ state: 'detached' });

	await page.getByText('Eksport', { exact: true }).click();
	const csvLink = page.getByRole('link', { name: /Plik CSV/ });
	const href = await csvLink.getAttribute('href');
	const u = new URL(href, srv.url);
	assert.equal(u.pathname, '/api/contacts/export');
	assert.equal(u.searchParams.get('q'), 'eksportow');
	assert.equal(u.searchParams.get('kind'), 'customer');
	assert.equal(u.searchParams.get('sort'), 'last_name');
	assert.equal(u.searchParams.get('limit'), null, 'the whole list, not a page');
	const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
	assert.match(download.suggestedFilename(), /^contacts-\d{4}-\d\d-\d\d\.csv$/);
	const rows = csvRows(fs.readFileSync(await download.path(), 'utf8'));
	// the list's column headers and values as the list shows them
	assert.deepEqual(rows[0], ['Imię', 'Nazwisko', 'Telefon', 'E-mail', 'Miejscowość', 'Rodzaj klienta']);
	assert.deepEqual(
		rows.slice(1).map((r) => `${r[0]} ${r[1]}`),
		shown,
		'the rows of the list, in its order',
	);
	assert.deepEqual(rows[1], ['Ala', 'Eksportowa', '+48 601 100 001', 'ala@example.pl', 'Eksportowo', 'Klient']);
	assert.equal(rows.length, 4);
	void made;
});

test('data_export_of_inquiries_and_activities_has_their_filters_and_columns', async () => {
	const c = await contact({ first_name: 'Ida', last_name: 'Zapytalska' });
	for (const title of ['Eksport zapytania A', 'Eksport zapytania B'])
		assert.equal((await api.post('/api/inquiries', { title, contact_id: c.id, visibility: 'company' })).status, 201);
	assert.equal((await api.post('/api/activities', { kind: 'task', subject: 'Eksport zadania', contact_id: c.id })).status, 201);
	for (const [path, label, search, header, want] of [
		['/inquiries', 'Szukaj zapytań', 'Eksport zapytania', ['Tytuł', 'Status', 'Planowane zamknięcie', 'Prowadzący', 'Wartość'], 2],
		['/activities', 'Szukaj w zadaniach', 'Eksport zadania', ['Temat', 'Rodzaj', 'Data', 'Czas trwania (min)', 'Status', 'Priorytet', 'Postęp (%)', 'Wykonawca', 'Klient'], 1],
	]) {
		await page.goto(srv.url + path);
		await page.getByRole('searchbox', { name: label }).fill(search);
		await page.getByText('Eksport', { exact: true }).click();
		// The search waits for typing to stop (250 ms) before the list and its
		// export link take it: wait for the link, not a fixed 400 ms.
		const csvLink = page.getByRole('link', { name: /Plik CSV/ });
		const q = async () => new URL(await csvLink.getAttribute('href'), srv.url).searchParams.get('q');
		for (const until = Date.now() + 10000; (await q()) !== search && Date.now() < until;) await page.waitForTimeout(50);
		const href = await csvLink.getAttribute('href');
		assert.equal(new URL(href, srv.url).searchParams.get('q'), search, path);
		const r = await page.request.get(srv.url + href);
		assert.equal(r.status(), 200, `${path}: ${await r.text()}`);
		const rows = csvRows(await r.text());
		assert.deepEqual(rows[0], header, path);
		assert.equal(rows.length - 1, want, path);
		const x = await page.request.get(srv.url + (await page.getByRole('link', { name: /Plik Excel/ }).getAttribute('href')));
		assert.equal(x.status(), 200, path);
		assert.match(x.headers()['content-type'], /spreadsheetml/);
	}
});

test('data_import_dry_run_reports_the_bad_line_and_the_real_run_writes_the_good_rows', async () => {
	await page.goto(srv.url + '/clients');
	await page.getByRole('button', { name: 'Import' }).click();
	const dlg = page.getByRole('dialog', { name: 'Import z pliku CSV' });
	const file = dlg.getByLabel('Plik CSV');

	// a file that can't be read: the server's message, naming the line
	await file.setInputFiles({ name: 'zepsuty.csv', mimeType: 'text/csv', buffer: Buffer.from('Nazwisko;Miasto\nDobry;Kraków\n"Zepsuty;Kraków\n') });
	await dlg.getByText(/problem w wierszu 3/).waitFor();
	await dlg.getByText(/line 3/).waitFor();
	assert.ok(await dlg.getByRole('button', { name: 'Importuj' }).isDisabled());

	const csv = ['Imię;Nazwisko;Telefon;Miasto', 'Anna;Importowa;601 222 333;Kraków', 'Bartek;;zły numer;Kraków', 'Celina;Importowana;;Gdańsk', ''].join('\r\n');
	await file.setInputFiles({ name: 'klienci.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	const report = dlg.getByRole('region', { name: 'Wynik sprawdzenia' });
	await report.waitFor();
	const stat = (label) => report.locator('.imp-stats > div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
	assert.equal(await stat('Wiersze w pliku').textContent(), '3');
	assert.equal(await stat('Poprawne').textContent(), '2');
	assert.equal(await stat('Z błędami').textContent(), '1');
	const bad = report.locator('.imp-lines li', { hasText: 'Wiersz 3:' });
	await bad.waitFor();
	const badText = await bad.textContent();
	assert.match(badText, /Nazwisko: To pole jest wymagane/);
	assert.match(badText, /Telefon: To nie jest poprawny numer telefonu/);
	await report.getByText(/Kodowanie: UTF-8, separator: średnik/).waitFor();
	// the mapping found from the headers
	assert.equal(await dlg.getByLabel('Pole dla kolumny „Nazwisko”').inputValue(), 'last_name');
	assert.equal(await dlg.getByLabel('Pole dla kolumny „Telefon”').inputValue(), 'phone');
	assert.equal((await api.get('/api/contacts?q=importow')).body.items.length, 0, 'a dry run writes nothing');

	await dlg.getByText('Wiersze do zapisania: 2').waitFor();
	await dlg.getByRole('button', { name: 'Importuj' }).click();
	await dlg.getByText('Zaimportowane wiersze: 2').waitFor();
	await dlg.getByText('Niezapisane z powodu błędów: 1').waitFor();
	await dlg.getByRole('button', { name: 'Zamknij' }).last().click();
	await dlg.waitFor({ state: 'detached' });

	await page.getByLabel('Rodzaj klienta').selectOption(''); // the export test chose customers; imported clients are leads
	await page.getByRole('searchbox', { name: 'Szukaj' }).fill('importow');
	await page.locator('table.list a', { hasText: 'Anna Importowa' }).waitFor();
	await page.locator('table.list a', { hasText: 'Celina Importowana' }).waitFor();
	const got = (await api.get('/api/contacts?q=importow')).body.items;
	assert.equal(got.length, 2);
	assert.equal(got.find((c) => c.first_name === 'Anna').phone, '+48601222333');
});

test('data_import_mapping_can_be_changed_when_the_headers_say_nothing', async () => {
	await page.getByRole('button', { name: 'Import' }).click();
	const dlg = page.getByRole('dialog', { name: 'Import z pliku CSV' });
	await dlg.getByLabel('Plik CSV').setInputFiles({ name: 'obce.csv', mimeType: 'text/csv', buffer: Buffer.from('Klient,Kom.\nMapowana,600 700 800\n') });
	// no column is the last name: say what to do, offer the mapping
	await dlg.getByText(/żadna kolumna nie trafia do wymaganego pola „Nazwisko”/).waitFor();
	await dlg.getByLabel('Pole dla kolumny „Klient”').selectOption('last_name');
	await dlg.getByLabel('Pole dla kolumny „Kom.”').selectOption('phone');
	await dlg.getByRole('button', { name: 'Sprawdź ponownie' }).click();
	await dlg.getByText('Wiersze do zapisania: 1').waitFor();
	await dlg.getByRole('button', { name: 'Importuj' }).click();
	await dlg.getByText('Zaimportowane wiersze: 1').waitFor();
	await dlg.getByRole('button', { name: 'Zamknij' }).last().click();
	const c = (await api.get('/api/contacts?q=mapowana')).body.items[0];
	assert.equal(c.phone, '+48600700800');
});

test('data_new_client_like_an_existing_one_shows_it_and_can_be_created_anyway', async () => {
	const old = await contact({ first_name: 'Teresa', last_name: 'Podwójna', phone: '+48 603 444 555' });
	await page.goto(srv.url + '/clients');
	await page.getByRole('button', { name: /Nowy klient/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy klient' });
	await dlg.getByLabel('Imię').fill('Teresa');
	await dlg.getByLabel('Nazwisko').fill('Podwójna-Nowa');
	await dlg.getByLabel('Telefon').fill('603-444-555');
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await dlg.getByText('Taki klient może już istnieć.').waitFor();
	const link = dlg.getByRole('link', { name: 'Teresa Podwójna' });
	assert.equal(await link.getAttribute('href'), `/clients/${old.id}`);
	await dlg.getByText(/Wspólne: telefon/).waitFor();
	assert.equal((await api.get('/api/contacts?q=podwojna-nowa')).body.items.length, 0, 'nothing written yet');
	await dlg.getByRole('button', { name: 'Utwórz mimo to' }).click();
	await page.waitForURL(/\/clients\/\d+$/);
	await page.getByRole('heading', { name: /Teresa Podwójna-Nowa/ }).waitFor();
});

test('data_duplicates_merge_with_a_preferred_value_redirects_and_undo_restores_both', async () => {
	const a = await contact({ first_name: 'Zbigniew', last_name: 'Duplikacki', phone: '+48 602 333 444', city: 'Poznań' });
	const c = await contact({ first_name: 'Zbyszek', last_name: 'Duplikacki', phone: '602333444', city: 'Gniezno', email: 'zbyszek@example.pl' });
	await page.goto(srv.url + '/clients');
	await page.getByRole('link', { name: 'Duplikaty' }).click();
	await page.getByRole('heading', { name: 'Duplikaty' }).waitFor();
	const group = page.getByRole('article', { name: /Zbigniew Duplikacki/ });
	await group.waitFor();
	await group.getByText('Zbyszek Duplikacki').waitFor();
	await group.locator('.chip', { hasText: 'telefon' }).waitFor();
	await group.getByText(/Zgodność \d+\/100/).waitFor();

	await group.getByRole('button', { name: 'Scal…' }).click();
	const dlg = page.getByRole('dialog', { name: 'Scalanie rekordów' });
	await dlg.getByRole('radio', { name: 'Zachowaj: Zbigniew Duplikacki' }).check();
	// the kept record's own values are chosen; its empty e-mail comes from the other
	assert.ok(await dlg.getByRole('radio', { name: 'Imię: Zbigniew (Zbigniew Duplikacki)' }).isChecked());
	assert.ok(await dlg.getByRole('radio', { name: /E-mail: zbyszek@example.pl/ }).isChecked());
	await dlg.getByRole('radio', { name: 'Miejscowość: Gniezno (Zbyszek Duplikacki)' }).check();
	await dlg.getByText(/Pozostałe rekordy \(1\) trafią do kosza/).waitFor();
	await dlg.getByRole('button', { name: 'Scal', exact: true }).click();
	await dlg.waitFor({ state: 'detached' });
	const toast = page.locator('.toast', { hasText: 'Scalono w: Zbigniew Duplikacki' });
	await toast.waitFor();
	await group.waitFor({ state: 'detached' });

	const kept = (await api.get(`/api/contacts/${a.id}`)).body;
	assert.equal(kept.first_name, 'Zbigniew');
	assert.equal(kept.city, 'Gniezno', 'the preferred value');
	assert.equal(kept.email, 'zbyszek@example.pl', 'an empty value filled in');
	const gone = await api.get(`/api/contacts/${c.id}`);
	assert.equal(gone.status, 308);

	// the merged client's card opens the kept one
	const other = await b.context.newPage();
	try {
		await other.goto(`${srv.url}/clients/${c.id}`);
		await other.waitForURL(`${srv.url}/clients/${a.id}`);
		await other.getByRole('heading', { name: /Zbigniew Duplikacki/ }).waitFor();
	} finally {
		await other.close();
	}

	await toast.getByRole('button', { name: 'Cofnij' }).click();
	await page.locator('.toast', { hasText: 'Cofnięto scalenie' }).waitFor();
	const back = await api.get(`/api/contacts/${c.id}`);
	assert.equal(back.status, 200, back.text);
	assert.equal(back.body.first_name, 'Zbyszek');
	const keptAgain = (await api.get(`/api/contacts/${a.id}`)).body;
	assert.equal(keptAgain.city, 'Poznań');
	assert.equal(keptAgain.email, null);
	await page.getByRole('article', { name: /Zbigniew Duplikacki/ }).waitFor();
});

test('data_bulk_email_to_chosen_clients_fills_placeholders_and_shows_progress', async () => {
	await contact({ first_name: 'Halina', last_name: 'Mailowska', email: 'halina.mailowska@example.pl' });
	await contact({ first_name: 'Roman', last_name: 'Mailowski' });
	await contact({ first_name: 'Nie', last_name: 'Mailowy-Wybrany', email: 'nie.wybrany@example.pl' });
	await page.goto(srv.url + '/clients');
	await page.getByLabel('Rodzaj klienta').selectOption('');
	await page.getByRole('searchbox', { name: 'Szukaj' }).fill('mailow');
	// a new search clears the selection: choose once the list has been searched
	await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 3);
	await page.getByRole('checkbox', { name: 'Zaznacz: Halina Mailowska' }).check();
	await page.getByRole('checkbox', { name: 'Zaznacz: Roman Mailowski' }).check();
	await page.getByRole('region', { name: 'Działania na zaznaczonych' }).getByRole('button', { name: 'Wyślij e-mail' }).click();
	const dlg = page.getByRole('dialog', { name: 'Wiadomość e-mail do klientów' });
	await dlg.getByText('zaznaczeni klienci (2)').waitFor();
	await dlg.getByLabel('Temat').fill('Oferta dla {first_name}');
	await dlg.getByLabel('Treść').fill('Dzień dobry ');
	await dlg.getByRole('button', { name: '{name}' }).click();
	assert.equal(await dlg.getByLabel('Treść').inputValue(), 'Dzień dobry {name}');
	await dlg.getByLabel('Treść').press('End');
	await dlg.getByLabel('Treść').pressSequentially(', zapraszamy.');
	await dlg.getByRole('button', { name: 'Wyślij' }).click();
	const status = page.getByRole('dialog', { name: 'Wysyłka e-maili' });
	await status.getByText('Wysyłka zakończona.').waitFor({ timeout: 20000 });
	const count = (label) => status.locator('.imp-stats > div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
	assert.equal(await count('Odbiorcy').textContent(), '2');
	assert.equal(await count('Wysłane').textContent(), '1');
	assert.equal(await count('Pominięte').textContent(), '1');
	await status.locator('tr', { hasText: 'Roman Mailowski' }).getByText('brak adresu e-mail').waitFor();
	const m = await sink.waitFor((x) => x.to.includes('halina.mailowska@example.pl'), 5000);
	const msg = parseMessage(m.data);
	assert.equal(msg.subject, 'Oferta dla Halina');
	assert.equal(msg.body.trim(), 'Dzień dobry Halina Mailowska, zapraszamy.');
	assert.equal(sink.matching((x) => x.to.includes('nie.wybrany@example.pl')).length, 0, 'only the chosen ones');
	await status.getByRole('button', { name: 'Zamknij' }).last().click();
});

test('data_screens_fit_360_px', async () => {
	await page.setViewportSize({ width: 360, height: 740 });
	try {
		const wide = async (what) => {
			await page.waitForTimeout(150);
			const w = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(w <= 360, `${what} is ${w}px wide at 360px`);
		};
		await page.goto(srv.url + '/clients');
		await page.locator('main h1').waitFor();
		// At phone widths the list's tools fold behind "Filtry".
		await page.getByRole('button', { name: 'Filtry' }).click();
		await page.getByText('Eksport', { exact: true }).click();
		await page.getByRole('link', { name: /Plik CSV/ }).waitFor();
		await wide('/clients with the export menu');
		await page.getByRole('button', { name: 'Import' }).click();
		await page.getByRole('dialog', { name: 'Import z pliku CSV' }).getByLabel('Plik CSV').setInputFiles({
			name: 'k.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('Imię;Nazwisko;Telefon\nJan;Wąski;zły\n'),
		});
		await page.getByText('Wiersz 2:').waitFor();
		await wide('the import report');
		await page.keyboard.press('Escape');
		await page.goto(srv.url + '/duplicates');
		await page.getByRole('article').first().waitFor();
		await wide('/duplicates');
		await page.getByRole('button', { name: 'Scal…' }).first().click();
		await page.getByRole('dialog', { name: 'Scalanie rekordów' }).getByRole('button', { name: 'Scal', exact: true }).waitFor();
		await wide('the merge view');
	} finally {
		await page.setViewportSize({ width: 1280, height: 800 });
	}
});

test('data_screens_have_no_console_errors', () => {
	// The dry run of a broken file (400) and the duplicate check (409) are
	// expected answers; Chromium logs them as errors.
	assert.deepEqual(b.errors.filter((e) => !/status of (400|409)/.test(e)), []);
});

test('data_duplicates_page_is_served_as_the_ui', async () => {
	const r = await fetch(srv.url + '/duplicates?entity=companies');
	assert.equal(r.status, 200);
	assert.match(await r.text(), /<div id="app">/);
	void state;
});
