// flows.test.mjs: the working day in real Chromium: registering a call that
// happened (now, no reminder, no priority), done activities on the timeline
// (not crossed out, with their note), "✓ Zrobione" on the start screen
// undone from its toast, the board (column sums after a move, a keyboard
// move into a closed status asks first, a new status before the closed
// ones, columns within the window), and the wording of dialogs and
// refusals.  One server and one browser for the whole file; screenshots go
// to $TMPDIR/flows-*.png.
import path from 'node:path';
import os from 'node:os';
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { localParts } from '../api/lib/tz.mjs';
import { launch, login } from './lib/browser.mjs';

const ZONE = 'Europe/Warsaw';
let srv, api, b, page;
const shot = (name) => page.screenshot({ path: path.join(os.tmpdir(), `flows-${name}.png`), fullPage: true });

before(async () => {
	srv = await startServer();
	api = await srv.login('admin');
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'admin', USERS.admin.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

const state = {};

/* hhmm: the wall-clock minute of instant ms in Warsaw, "HH:MM". */
const hhmm = (ms) => localParts(ms, ZONE).wall.slice(11, 16);

test('flows_registering_a_call_defaults_to_now_without_reminder_or_priority', async () => {
	const c = await api.post('/api/contacts', { first_name: 'Ewa', last_name: 'Dzwoniąca', visibility: 'company' });
	assert.equal(c.status, 201, c.text);
	state.contactId = c.body.id;
	await page.goto(`${srv.url}/clients/${state.contactId}`);
	await page.getByRole('button', { name: '+ Telefon' }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy telefon' });
	// planning: the reminder and the priority are there to choose
	await dlg.getByLabel('Przypomnienie e-mailem').waitFor();
	await dlg.getByLabel('Priorytet').waitFor();
	const t0 = Date.now();
	await dlg.getByLabel('Zarejestruj wykonane').check();
	const t1 = Date.now();
	const time = await dlg.getByLabel('Godzina').inputValue();
	assert.ok([hhmm(t0), hhmm(t1)].includes(time), `the time is now (${hhmm(t0)}), not ${JSON.stringify(time)}`);
	assert.equal(await dlg.getByLabel('Data').inputValue(), localParts(t1, ZONE).date);
	assert.equal(await dlg.getByLabel('Przypomnienie e-mailem').count(), 0, 'no reminder for what happened');
	assert.equal(await dlg.getByLabel('Priorytet').count(), 0, 'no priority for what happened');
	await dlg.getByLabel('Temat').fill('Rozmowa o wyjeździe');
	await dlg.getByLabel('Notatka').fill('Klientka wybiera Chorwację, oddzwoni w piątek.');
	await shot('register');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	const list = (await api.get(`/api/activities?contact_id=${state.contactId}`)).body.items;
	assert.equal(list.length, 1);
	const a = list[0];
	state.done = a;
	assert.equal(a.status, 'done');
	assert.equal(a.remind_before_min, null);
	const at = Date.parse(a.starts_at);
	assert.ok(at >= t0 - 60000 && at <= Date.now(), `registered at ${a.starts_at}, now is ${new Date().toISOString()}`);
});

test('flows_done_activity_on_the_timeline_is_not_crossed_out_and_shows_its_note', async () => {
	for (const [subject, status, note] of [['Spotkanie w biurze', 'done', 'Podpisała umowę, zaliczka jutro.'], ['Odwołany telefon', 'cancelled', null]]) {
		const r = await api.post('/api/activities', {
			kind: 'meeting', subject, contact_id: state.contactId, status, note, starts_at: new Date(Date.now() - 3600e3).toISOString(),
		});
		assert.equal(r.status, 201, r.text);
	}
	await page.goto(`${srv.url}/clients/${state.contactId}`);
	const done = page.locator('.tl-activity', { hasText: 'Spotkanie w biurze' });
	await done.getByText('Podpisała umowę, zaliczka jutro.').waitFor();
	const crossed = (loc) => loc.locator('.tl-subject').evaluate((e) => getComputedStyle(e).textDecorationLine.includes('line-through'));
	assert.equal(await crossed(done), false, 'done is not crossed out');
	assert.equal(await crossed(page.locator('.tl-activity', { hasText: 'Odwołany telefon' })), true, 'cancelled is');
	await shot('timeline');
});

test('flows_done_on_the_start_screen_can_be_undone_from_its_toast', async () => {
	const subject = 'Zaległy telefon do hotelu';
	const r = await api.post('/api/activities', {
		kind: 'call', subject, contact_id: state.contactId, starts_at: new Date(Date.now() - 26 * 3600e3).toISOString(),
	});
	assert.equal(r.status, 201, r.text);
	const id = r.body.id;
	const other = await api.post('/api/activities', {
		kind: 'task', subject: 'Zaległe zadanie obok', contact_id: state.contactId, starts_at: new Date(Date.now() - 50 * 3600e3).toISOString(),
	});
	assert.equal(other.status, 201, other.text);
	await page.goto(`${srv.url}/`);
	const group = page.locator('.rem-overdue');
	const row = group.locator('.reminder', { hasText: subject });
	await row.waitFor();
	const count = async () => Number(await group.locator('h3 .count').textContent());
	const n = await count();
	await row.getByRole('button', { name: `Oznacz jako zrobione: ${subject}` }).click();
	await row.waitFor({ state: 'detached' });
	assert.ok(n >= 2, `${n} overdue`);
	assert.equal(await count(), n - 1);
	const toast = page.locator('.toast', { hasText: `Zrobione: ${subject}` });
	await shot('home-done');
	const reopened = page.waitForResponse((x) => x.request().method() === 'PATCH' && x.url().endsWith(`/api/activities/${id}`));
	await toast.getByRole('button', { name: 'Cofnij' }).click();
	// back in its place, and counted, at once
	await group.locator('.reminder', { hasText: subject }).waitFor();
	assert.equal(await count(), n);
	assert.equal((await reopened).status(), 200);
	await page.getByText('Przywrócono do zaplanowanych').waitFor();
	assert.equal((await api.get(`/api/activities/${id}`)).body.status, 'planned');
	await shot('home-undone');
	// and it can be ticked again (the row knows the record's new version)
	const doneAgain = page.waitForResponse((x) => x.request().method() === 'PATCH' && x.url().endsWith(`/api/activities/${id}`));
	await group.locator('.reminder', { hasText: subject }).getByRole('button', { name: `Oznacz jako zrobione: ${subject}` }).click();
	assert.equal((await doneAgain).status(), 200);
	assert.equal((await api.get(`/api/activities/${id}`)).body.status, 'done');
});

async function statuses() {
	return (await api.get('/api/statuses?entity=inquiries&sort=position')).body.items;
}

test('flows_board_column_sums_follow_a_move', async () => {
	const [first, second] = await statuses();
	const r = await api.post('/api/inquiries', { title: 'Rejs po Adriatyku', contact_id: state.contactId, visibility: 'company', value: 1234500 });
	assert.equal(r.status, 201, r.text);
	await page.goto(`${srv.url}/inquiries/board`);
	const col = (s) => page.locator(`[data-status="${s.id}"]`);
	await col(first).locator(`[data-card="${r.body.id}"]`).waitFor();
	const sum = await col(first).locator('.board-sum').textContent();
	assert.match(sum, /12\s345,00/);
	assert.equal(await col(second).locator('.board-sum').count(), 0);
	await col(first).locator(`[data-card="${r.body.id}"]`).focus();
	await page.keyboard.press('ArrowRight');
	await col(second).locator(`[data-card="${r.body.id}"]`).waitFor();
	await col(second).locator('.board-sum', { hasText: sum }).waitFor();
	assert.equal(await col(first).locator('.board-sum').count(), 0, 'the old column no longer counts it');
	assert.equal((await api.get(`/api/inquiries/${r.body.id}`)).body.status_id, second.id);
	await shot('board-sums');
});

test('flows_board_keyboard_move_into_won_asks_first', async () => {
	const all = await statuses();
	const won = all.find((s) => s.outcome === 'won');
	const prev = all[all.indexOf(won) - 1];
	assert.ok(prev && !prev.closed, 'an open status stands before "won"');
	const r = await api.post('/api/inquiries', { title: 'Wczasy w Grecji', contact_id: state.contactId, visibility: 'company', status_id: prev.id });
	assert.equal(r.status, 201, r.text);
	await page.goto(`${srv.url}/inquiries/board`);
	const card = page.locator(`[data-status="${prev.id}"] [data-card="${r.body.id}"]`);
	await card.focus();
	await page.keyboard.press('ArrowRight');
	const ask = page.getByRole('dialog', { name: 'Potwierdź' });
	await ask.getByText('Przenieść „Wczasy w Grecji” do kolumny „Wygrane”? Zapytanie zostanie zamknięte.').waitFor();
	await shot('board-ask');
	await ask.getByRole('button', { name: 'Anuluj' }).click();
	await ask.waitFor({ state: 'detached' });
	await card.waitFor();
	assert.equal((await api.get(`/api/inquiries/${r.body.id}`)).body.status_id, prev.id, 'nothing moved');
	await card.focus();
	await page.keyboard.press('ArrowRight');
	const patched = page.waitForResponse((x) => x.request().method() === 'PATCH' && x.url().endsWith(`/api/inquiries/${r.body.id}`));
	await ask.getByRole('button', { name: 'Przenieś i zamknij' }).click();
	assert.equal((await patched).status(), 200);
	await page.locator(`[data-status="${won.id}"] [data-card="${r.body.id}"]`).waitFor();
	const inq = (await api.get(`/api/inquiries/${r.body.id}`)).body;
	assert.equal(inq.status_id, won.id);
	assert.equal(inq.outcome, 'won');
});

test('flows_new_status_goes_before_the_closed_ones', async () => {
	await page.goto(`${srv.url}/settings/statuses`);
	await page.getByRole('button', { name: '+ Nowy status' }).click();
	const dlg = page.getByRole('dialog', { name: 'Nowy status' });
	await dlg.getByRole('textbox', { name: /^Nazwa( \*)?$/ }).fill('Zaliczka wpłacona');
	await shot('new-status');
	await dlg.getByRole('button', { name: 'Zapisz' }).click();
	await dlg.waitFor({ state: 'detached' });
	const all = await statuses();
	const names = all.map((s) => s.name);
	const i = names.indexOf('Zaliczka wpłacona');
	assert.ok(i > 0, names.join(', '));
	assert.ok(all.slice(0, i).every((s) => !s.closed) && all.slice(i + 1).every((s) => s.closed), `before the closed ones: ${names.join(', ')}`);
	await page.goto(`${srv.url}/inquiries/board`);
	await page.locator('.board-col').first().waitFor();
	const heads = await page.locator('.board-col .board-head .badge').allTextContents();
	assert.deepEqual(heads.slice(-3), ['Zaliczka wpłacona', 'Wygrane', 'Przegrane']);
});

test('flows_board_columns_are_not_cut_off_at_the_right_edge', async () => {
	// Six columns now (the new status): at 1280 px all six share the width;
	// at 1024 and 360 px the columns shown are whole and the others start
	// past the right edge (a sideways scroll away), none is cut in two.
	for (const [width, whole] of [[1280, 6], [1024, 5], [360, 1]]) {
		await page.setViewportSize({ width, height: 800 });
		await page.goto(`${srv.url}/inquiries/board`);
		await page.locator('.board-col').first().waitFor();
		const m = await page.evaluate(() => {
			const board = document.querySelector('.board');
			const r = board.getBoundingClientRect();
			const cols = [...board.querySelectorAll('.board-col')].map((c) => c.getBoundingClientRect());
			return { pageWidth: document.documentElement.scrollWidth, left: r.left, right: r.right, cols: cols.map((c) => [c.left, c.right]) };
		});
		assert.ok(m.pageWidth <= width, `${width}px: the page is ${m.pageWidth}px wide`);
		const shown = m.cols.filter(([l, r]) => l >= m.left - 0.5 && r <= m.right + 0.5).length;
		const cut = m.cols.filter(([l, r]) => l < m.right - 0.5 && r > m.right + 0.5);
		assert.deepEqual(cut, [], `${width}px: a column is cut off at the right edge (${m.right}): ${JSON.stringify(m.cols)}`);
		assert.equal(shown, whole, `${width}px: whole columns shown`);
		await shot(`board-${width}`);
	}
	await page.setViewportSize({ width: 1280, height: 800 });
});

test('flows_dialogs_and_fields_are_named_for_what_they_are', async () => {
	await page.goto(`${srv.url}/settings/users`);
	await page.getByRole('button', { name: '+ Nowy użytkownik' }).click();
	let dlg = page.getByRole('dialog', { name: 'Nowy użytkownik' });
	await dlg.getByLabel('Imię i nazwisko').waitFor();
	await shot('new-user');
	await dlg.getByRole('button', { name: 'Anuluj' }).click();
	await page.goto(`${srv.url}/settings/custom_fields`);
	await page.getByRole('button', { name: '+ Nowe pole' }).click();
	dlg = page.getByRole('dialog', { name: 'Nowe pole' });
	await dlg.getByRole('button', { name: 'Anuluj' }).click();
	await page.goto(`${srv.url}/clients?tab=companies`);
	const search = page.getByRole('main').getByLabel('Szukaj');
	assert.match(await search.getAttribute('placeholder'), /^Nazwa firmy/);
	await page.goto(`${srv.url}/clients`);
	assert.match(await page.getByRole('main').getByLabel('Szukaj').getAttribute('placeholder'), /^Nazwisko/);
});

test('flows_refusals_give_the_real_reason', async () => {
	await page.goto(`${srv.url}/settings/users`);
	const me = page.getByRole('row', { name: /^admin / });
	await me.getByRole('button', { name: 'Usuń' }).click();
	await page.getByRole('dialog', { name: 'Potwierdź' }).getByRole('button', { name: 'Usuń' }).click();
	await page.locator('.toast', { hasText: 'Nie możesz usunąć własnego konta.' }).waitFor();

	const d = await api.post('/api/departments', { name: 'Zakopane' });
	assert.equal(d.status, 201, d.text);
	for (const [login, name] of [['ola', 'Ola Góralska'], ['jas', 'Jaś Krupówka'], ['bez', '']])
		assert.equal((await api.post('/api/users', { login, name, password: 'password-123', role: 'agent', department_id: d.body.id })).status, 201);
	await page.goto(`${srv.url}/settings/departments`);
	await page.getByRole('row', { name: /Zakopane/ }).getByRole('button', { name: 'Usuń' }).click();
	await page.getByRole('dialog', { name: 'Potwierdź' }).getByRole('button', { name: 'Usuń' }).click();
	await page
		.locator('.toast', { hasText: 'Oddział ma 3 użytkowników: Ola Góralska, Jaś Krupówka, bez. Najpierw przenieś te konta do innego oddziału.' })
		.waitFor();
	await shot('refusal');
});

test('flows_has_no_console_errors', () => {
	// (the refusals above are a 403 and a 409 the browser logs)
	assert.deepEqual(b.errors.filter((e) => !/status of (403|409)/.test(e)), []);
});
