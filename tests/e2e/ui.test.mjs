// ui.test.mjs: the web UI in real Chromium against a real `kontakt serve`:
// the daily flow of an office (log in, a client with a typo, a planned call
// in reminders and the calendar, drag to another day, tick done, an
// inquiry across the board, the language switch), stored HTML shown as
// text, a session that ends while typing, 360 px wide, and how the UI's
// files are served.  One server and one browser for the whole file.
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { atOrAfter, iso, localParts } from '../api/lib/tz.mjs';
import { launch, login, menu } from './lib/browser.mjs';

const ADMIN = USERS.admin;
const ZONE = 'Europe/Warsaw'; // the users' zone
let srv, api, b, page;

/* The date n days after today in Europe/Warsaw, YYYY-MM-DD: counted in
 * calendar days (not n * 24 hours, which from 23:xx on the eve of the
 * spring change lands a day too far). */
function warsawDate(n = 0) {
	return addDays(localParts(Date.now(), ZONE).date, n);
}

function addDays(ymd, n) {
	const d = new Date(ymd + 'T12:00:00Z');
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

before(async () => {
	srv = await startServer();
	api = await srv.login('admin');
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

const state = {};

test('ui_logs_in_and_shows_the_start_screen', async () => {
	await login(page, srv.url, 'admin', ADMIN.password);
	await page.getByRole('heading', { name: /Dzień dobry/ }).waitFor();
	await page.getByRole('heading', { name: 'Przypomnienia' }).waitFor();
	await page.getByRole('heading', { name: 'Moje otwarte zapytania' }).waitFor();
});

test('ui_client_with_a_bad_email_shows_the_field_error_then_saves', async () => {
	await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Klienci' }).click();
	await page.getByRole('button', { name: /Nowy klient/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy klient' });
	await dlg.getByLabel('Imię').fill('Jan');
	await dlg.getByLabel('Nazwisko').fill('Kowalski-E2E');
	await dlg.getByLabel('Telefon').fill('601 234 567');
	await dlg.getByLabel('E-mail').fill('jan@@example');
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await dlg.getByText('To nie jest poprawny adres e-mail').waitFor();
	assert.equal(await dlg.getByLabel('E-mail').getAttribute('aria-invalid'), 'true');
	assert.equal(await dlg.getByLabel('Nazwisko').inputValue(), 'Kowalski-E2E', 'what was typed stays');
	await dlg.getByLabel('E-mail').fill('jan.kowalski@example.com');
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await page.waitForURL(/\/clients\/\d+$/);
	state.contactId = Number(page.url().split('/').pop());
	await page.getByRole('heading', { name: /Jan Kowalski-E2E/ }).waitFor();
	const c = await api.get(`/api/contacts/${state.contactId}`);
	assert.equal(c.body.email, 'jan.kowalski@example.com');
	assert.equal(c.body.phone, '+48601234567');
});

test('ui_planned_call_shows_in_reminders_and_in_the_calendar', async () => {
	const tomorrow = warsawDate(1);
	await page.getByRole('button', { name: '+ Telefon' }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy telefon' });
	await dlg.getByLabel('Temat').fill('Oddzwonić E2E');
	await dlg.getByLabel('Data').fill(tomorrow);
	await dlg.getByLabel('Godzina').fill('10:30');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	await page.locator('.tl-list').getByText('Oddzwonić E2E').waitFor();
	const list = await api.get(`/api/activities?contact_id=${state.contactId}&q=Oddzwoni`);
	assert.equal(list.body.items.length, 1, list.text);
	state.activity = list.body.items[0];
	assert.equal(state.activity.kind, 'call');
	assert.equal(state.activity.status, 'planned');

	const asked = warsawDate(0); // Warsaw's date as the start page asks for its reminders
	await page.getByRole('link', { name: 'Start' }).click();
	await page.locator('.rem-today, .rem-tomorrow', { hasText: 'Oddzwonić E2E' }).first().waitFor();
	// In tomorrow's group; in today's only if Warsaw's midnight passed since `tomorrow` was chosen.
	const groups = new Set([asked, warsawDate(0)].map((d) => (d === tomorrow ? '.rem-today' : '.rem-tomorrow')));
	const group = page.locator([...groups].join(', '), { hasText: 'Oddzwonić E2E' });
	await group.getByText('Oddzwonić E2E').waitFor();
	await group.getByRole('link', { name: 'Jan Kowalski-E2E' }).first().waitFor();

	await page.goto(`${srv.url}/calendar?date=${tomorrow}`);
	await page.locator('.fc-timegrid-event', { hasText: 'Oddzwonić E2E' }).waitFor();
});

test('ui_dragging_the_call_in_the_calendar_moves_it_to_another_day', async () => {
	// The call's own day (not "tomorrow" again: midnight may have passed since).
	const was = localParts(Date.parse(state.activity.starts_at), ZONE);
	const from = was.date;
	// Stay inside the week shown (weeks start on Monday).
	const sunday = new Date(from + 'T12:00:00Z').getUTCDay() === 0;
	const to = addDays(from, sunday ? -1 : 1);
	const ev = page.locator('.fc-timegrid-event', { hasText: 'Oddzwonić E2E' });
	const src = await ev.boundingBox();
	const fromCol = await page.locator(`td.fc-timegrid-col[data-date="${from}"]`).boundingBox();
	const toCol = await page.locator(`td.fc-timegrid-col[data-date="${to}"]`).boundingBox();
	const x = src.x + src.width / 2;
	const y = src.y + Math.min(8, src.height / 2);
	const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/api\/activities\/\d+$/.test(r.url()));
	await page.mouse.move(x, y);
	await page.mouse.down();
	await page.mouse.move(x + 5, y + 5, { steps: 3 });
	await page.mouse.move(x + (toCol.x - fromCol.x), y, { steps: 12 });
	await page.mouse.up();
	const r = await patched;
	assert.equal(r.status(), 200, await r.text());
	const a = await api.get(`/api/activities/${state.activity.id}`);
	// A day in the calendar is a local day: the same time of day on the other
	// date, which is 23 or 25 hours away when the move crosses a change of
	// daylight-saving time (two weekends a year), else 24.
	const want = iso(atOrAfter(`${to} ${was.wall.slice(11)}`, ZONE));
	assert.equal(a.body.starts_at, want, `moved by a day, from ${state.activity.starts_at} (${was.wall} in Warsaw) to ${to}`);
	state.activity = a.body;
});

test('ui_ticking_the_call_done_in_my_tasks', async () => {
	await page.getByRole('link', { name: 'Zadania' }).click();
	await page.getByRole('heading', { name: 'Moje zadania' }).waitFor();
	const box = page.getByRole('checkbox', { name: 'Oznacz jako zrobione: Oddzwonić E2E' });
	const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/activities/${state.activity.id}`));
	await box.check();
	assert.equal((await patched).status(), 200);
	const a = await api.get(`/api/activities/${state.activity.id}`);
	assert.equal(a.body.status, 'done');
	// and untick
	const undo = page.getByRole('checkbox', { name: 'Cofnij wykonanie: Oddzwonić E2E' });
	await undo.uncheck();
	await page.getByRole('checkbox', { name: 'Oznacz jako zrobione: Oddzwonić E2E' }).waitFor();
	assert.equal((await api.get(`/api/activities/${state.activity.id}`)).body.status, 'planned');
	await page.getByRole('checkbox', { name: 'Oznacz jako zrobione: Oddzwonić E2E' }).check();
	await page.getByRole('checkbox', { name: 'Cofnij wykonanie: Oddzwonić E2E' }).waitFor();
	assert.equal((await api.get(`/api/activities/${state.activity.id}`)).body.status, 'done');
});

test('ui_inquiry_created_and_moved_across_the_board', async () => {
	await menu(page, 'Sprzedaż', 'Zapytania');
	await page.getByRole('button', { name: /Nowe zapytanie/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowe zapytanie' });
	await dlg.getByLabel('Tytuł').fill('Wycieczka E2E');
	await dlg.getByLabel('Klient').fill('Kowalski');
	await dlg.getByRole('option', { name: /Jan Kowalski-E2E/ }).click();
	await dlg.getByLabel('Cała firma').check();
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await page.waitForURL(/\/inquiries\/\d+$/);
	const id = Number(page.url().split('/').pop());
	const inq = (await api.get(`/api/inquiries/${id}`)).body;
	assert.equal(inq.contact_id, state.contactId);
	assert.equal(inq.visibility, 'company');
	const statuses = (await api.get('/api/statuses?entity=inquiries&sort=position')).body.items;
	const [first, second, third] = statuses;
	assert.equal(inq.status_id, first.id);

	await page.getByRole('link', { name: 'Tablica' }).first().click();
	const card = page.locator(`[data-card="${id}"]`);
	await page.locator(`[data-status="${first.id}"] [data-card="${id}"]`).waitFor();
	let patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/inquiries/${id}`));
	await card.dragTo(page.locator(`[data-status="${second.id}"]`));
	assert.equal((await patched).status(), 200);
	await page.locator(`[data-status="${second.id}"] [data-card="${id}"]`).waitFor();
	assert.equal((await api.get(`/api/inquiries/${id}`)).body.status_id, second.id);

	// the keyboard moves it too
	patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/inquiries/${id}`));
	await page.locator(`[data-card="${id}"]`).focus();
	await page.keyboard.press('ArrowRight');
	assert.equal((await patched).status(), 200);
	await page.locator(`[data-status="${third.id}"] [data-card="${id}"]`).waitFor();
	assert.equal((await api.get(`/api/inquiries/${id}`)).body.status_id, third.id);
});

test('ui_board_column_shows_more_cards_in_order', async () => {
	// More than the 30 cards a column first shows: "Pokaż więcej" brings the
	// rest of the column, in the board's order, each card once.
	const statuses = (await api.get('/api/statuses?entity=inquiries&sort=position')).body.items;
	const last = statuses[statuses.length - 1];
	const lost = (await api.get('/api/close_reasons?limit=1')).body.items[0];
	const ids = [];
	for (let i = 0; i < 34; i++) {
		const body = { title: `Kolumna ${i}`, contact_id: state.contactId, visibility: 'company', status_id: last.id };
		if (last.outcome === 'lost') body.close_reason_id = lost.id;
		const r = await api.post('/api/inquiries', body);
		assert.equal(r.status, 201, r.text);
		ids.push(r.body.id);
	}
	const all = [];
	for (let cursor = null; ;) {
		const p = (await api.get(`/api/inquiries?status_id=${last.id}&sort=-id&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).body;
		all.push(...p.items.map((x) => x.id));
		if (!(cursor = p.next_cursor)) break;
	}
	await page.goto(`${srv.url}/inquiries/board`);
	const col = page.locator(`[data-status="${last.id}"]`);
	await col.locator('.board-card').first().waitFor();
	assert.equal(await col.locator('.board-card').count(), Math.min(30, all.length));
	await col.getByRole('button', { name: 'Pokaż więcej' }).click();
	await col.locator('.board-card').nth(Math.min(59, all.length - 1)).waitFor();
	const shown = await col.locator('.board-card').evaluateAll((els) => els.map((e) => Number(e.dataset.card)));
	assert.deepEqual(shown, all.slice(0, shown.length), 'the next cards of the column, in order');
	assert.ok(shown.length > 30 && ids.every((id) => shown.includes(id)), `${shown.length} cards shown`);
});

test('ui_phone_numbers_are_grouped_as_written_in_poland', async () => {
	// A landline with its area code, a mobile and a toll-free number.
	const city = 'Telefonowo';
	for (const [last, phone] of [['Stacjonarny', '22 555 12 34'], ['Komórkowy', '601 200 307'], ['Infolinia', '800 100 200']])
		assert.equal((await api.post('/api/contacts', { last_name: last, phone, city, visibility: 'company' })).status, 201);
	await page.goto(`${srv.url}/clients`);
	await page.getByRole('main').getByLabel('Szukaj').fill(city);
	for (const shown of ['+48 22 555 12 34', '+48 601 200 307', '+48 800 100 200'])
		await page.getByText(shown, { exact: true }).first().waitFor();
});

test('ui_language_switch_to_english_is_kept', async () => {
	await page.goto(`${srv.url}/inquiries/board`);
	await page.getByRole('heading', { name: 'Zapytania' }).waitFor();
	const patched0 = page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH');
	await page.getByRole('button', { name: 'EN', exact: true }).click();
	assert.equal((await patched0).status(), 200);
	await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Clients' }).waitFor();
	await page.getByRole('heading', { name: 'Inquiries' }).waitFor();
	assert.equal((await api.get('/api/me')).body.locale, 'en');
	await page.reload();
	await page.getByRole('button', { name: 'Log out' }).waitFor();
	await page.getByRole('button', { name: 'PL', exact: true }).click();
	await page.getByRole('button', { name: 'Wyloguj' }).waitFor();
});

test('ui_stored_html_is_shown_as_text', async () => {
	const evil = '<img src=x onerror=window.__xss=1>';
	const c = await api.post('/api/contacts', { first_name: evil, last_name: 'Xss' });
	assert.equal(c.status, 201, c.text);
	assert.equal((await api.post('/api/notes', { body: evil + ' <script>window.__xss=2</script>', contact_id: c.body.id })).status, 201);
	assert.equal((await api.post('/api/inquiries', { title: evil, contact_id: c.body.id, visibility: 'company' })).status, 201);
	await page.goto(`${srv.url}/clients/${c.body.id}`);
	await page.getByRole('heading', { name: evil + ' Xss' }).waitFor();
	await page.locator('.note-body', { hasText: '<script>window.__xss=2</script>' }).waitFor();
	await page.goto(`${srv.url}/clients`);
	await page.getByRole('link', { name: evil + ' Xss' }).waitFor();
	await page.goto(`${srv.url}/inquiries/board`);
	await page.locator('.board-card', { hasText: evil }).waitFor();
	assert.equal(await page.evaluate(() => window.__xss), undefined);
	assert.equal(await page.locator('main img').count(), 0);
});

test('ui_stored_html_in_company_and_activity_is_shown_as_text', async () => {
	const evilCo = '<img src=x onerror=window.__xss=3>Firma';
	// (words kept under ~25 characters: a longer unbroken word overflows the start page at 360 px)
	const evilSubj = '"><svg onload=window.__xss=4> Spotkanie <img src=x onerror=window.__xss=5>';
	// (far enough ahead to stay off the calendar and start page the 360 px test opens:
	// there, a subject with a 23-character word made /calendar 381 px wide)
	const day = warsawDate(45);
	const co = await api.post('/api/companies', { name: evilCo, visibility: 'company' });
	assert.equal(co.status, 201, co.text);
	const c = await api.post('/api/contacts', { last_name: 'XssCo', company_id: co.body.id, visibility: 'company' });
	assert.equal(c.status, 201, c.text);
	const a = await api.post('/api/activities', {
		kind: 'meeting', subject: evilSubj, contact_id: c.body.id, company_id: co.body.id,
		starts_at: new Date(`${day}T10:00:00+01:00`).toISOString(), duration_min: 60, visibility: 'company',
	});
	assert.equal(a.status, 201, a.text);
	const i = await api.post('/api/inquiries', { title: evilSubj, contact_id: c.body.id, visibility: 'company' });
	assert.equal(i.status, 201, i.text);
	const seen = async (text) => page.getByText(text, { exact: false }).first().waitFor();
	/* visit: opens a page, waits for what it must show, then checks nothing ran. */
	const visit = async (p, ...waits) => {
		await page.goto(`${srv.url}${p}`);
		for (const w of waits) await (typeof w === 'string' ? seen(w) : w.waitFor());
		await page.waitForTimeout(100); // an onerror of a broken image fires after load
		assert.equal(await page.evaluate(() => window.__xss), undefined, `a stored script ran on ${p}`);
		assert.equal(await page.locator('main img, main svg[onload]').count(), 0, `an injected element on ${p}`);
	};
	await visit(`/companies/${co.body.id}`, evilCo, evilSubj); // company card and its timeline
	await visit(`/clients/${c.body.id}`, evilCo, evilSubj); // contact card: company link, timeline
	await visit('/clients?tab=companies', evilCo); // the list of companies
	await visit('/activities', evilSubj); // the list of activities
	await visit(`/calendar?date=${day}`, page.locator('.fc-event', { hasText: 'Spotkanie' }).first()); // the calendar
	await visit('/inquiries/board', page.locator('.board-card', { hasText: evilSubj })); // the board
	await visit('/'); // the start page
});

test('ui_session_ending_while_typing_keeps_the_form', async () => {
	await page.goto(`${srv.url}/clients`);
	await page.getByRole('button', { name: /Nowy klient/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy klient' });
	await dlg.getByLabel('Nazwisko').fill('Wylogowany-E2E');
	await b.context.clearCookies();
	await dlg.getByRole('button', { name: 'Utwórz' }).click();
	await page.getByText(/Sesja wygasła/).waitFor();
	await page.getByLabel('Hasło').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Zaloguj' }).click();
	await page.waitForURL(/\/clients\/\d+$/);
	await page.getByRole('heading', { name: /Wylogowany-E2E/ }).waitFor();
});

test('ui_fits_360_px', async () => {
	const small = await launch({ width: 360, height: 740 });
	try {
		await login(small.page, srv.url, 'admin', ADMIN.password);
		for (const p of ['/', '/clients', `/clients/${state.contactId}`, '/activities', '/inquiries/board', '/calendar']) {
			await small.page.goto(srv.url + p);
			await small.page.locator('main h1').first().waitFor();
			await small.page.waitForTimeout(150);
			const w = await small.page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(w <= 360, `${p} is ${w}px wide at 360px`);
		}
		assert.deepEqual(small.errors, []);
	} finally {
		await small.close();
	}
});

test('ui_has_no_console_errors', () => {
	assert.deepEqual(b.errors, []);
});

test('ui_files_are_served_with_caching_headers', async () => {
	const index = await fetch(srv.url + '/');
	const html = await index.text();
	assert.equal(index.status, 200);
	assert.match(index.headers.get('content-type'), /^text\/html/);
	assert.equal(index.headers.get('cache-control'), 'no-cache');
	assert.match(index.headers.get('content-security-policy'), /default-src 'self'/);
	assert.match(html, /<link rel="icon" href="data:,"/);
	const etag = index.headers.get('etag');
	assert.match(etag, /^"[0-9a-f]+(-gz)?"$/);
	assert.equal((await fetch(srv.url + '/', { headers: { 'If-None-Match': etag } })).status, 304);
	for (const p of ['/clients/7', '/inquiries/board', '/settings/users']) {
		const r = await fetch(srv.url + p);
		assert.equal(r.status, 200, p);
		assert.equal(await r.text(), html, `${p} is index.html`);
	}
	const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)[1];
	const a = await fetch(srv.url + js, { headers: { 'Accept-Encoding': 'gzip' } });
	assert.equal(a.status, 200);
	assert.match(a.headers.get('content-type'), /^text\/javascript/);
	assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
	assert.ok((await a.arrayBuffer()).byteLength > 1000);
	assert.equal((await fetch(srv.url + '/assets/no-such-file.js')).status, 404);
	assert.equal((await fetch(srv.url + '/no/such/path')).status, 404);
});
