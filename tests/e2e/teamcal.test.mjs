// teamcal.test.mjs: the team calendar in real Chromium, as the Kraków
// manager: a department's view gives each person a colour and initials on
// their events, with a legend of whose is whose; dragging a colleague's event
// or lengthening it asks first (Anuluj leaves it), and after the change a
// toast offers Cofnij, which puts it back; dragging one's own event just
// moves it.
import { after, before } from 'node:test';
import { assert, expectStatus, startServer, test, USERS } from '../api/lib/harness.mjs';
import { atOrAfter, iso, localParts } from '../api/lib/tz.mjs';
import { launch, login } from './lib/browser.mjs';

const ZONE = 'Europe/Warsaw';
let srv, admin, b, page;
const ev = {};
const user = {};

/* A Wednesday two weeks ahead (Warsaw): Wednesday to Thursday crosses no change of time. */
function wednesday() {
	const today = localParts(Date.now(), ZONE).date;
	const d = new Date(today + 'T12:00:00Z');
	d.setUTCDate(d.getUTCDate() + 14 + ((3 - d.getUTCDay() + 7) % 7));
	return d.toISOString().slice(0, 10);
}
const WED = wednesday();
const THU = new Date(Date.parse(WED + 'T12:00:00Z') + 86400000).toISOString().slice(0, 10);
const at = (day, hhmm) => iso(atOrAfter(`${day} ${hhmm}:00`, ZONE));

before(async () => {
	srv = await startServer();
	admin = await srv.login('admin');
	const users = expectStatus(await admin.get('/api/users'), 200).items;
	const names = { manager: 'Maria Wiśniewska', agent1: 'Anna Kowalska', agent2: 'Adam Kowalski' };
	for (const u of users) {
		user[u.login] = u;
		if (names[u.login]) expectStatus(await admin.patch(`/api/users/${u.id}`, { name: names[u.login], version: u.version }), 200);
	}
	const plan = async (who, subject, hhmm) =>
		expectStatus(
			await admin.post('/api/activities', { kind: 'meeting', subject, starts_at: at(WED, hhmm), duration_min: 60, assignee_id: user[who].id }),
			201,
		);
	ev.anna = await plan('agent1', 'Wizyta Anny', '09:00');
	ev.adam = await plan('agent2', 'Wizyta Adama', '12:00');
	ev.maria = await plan('manager', 'Narada Marii', '15:00');
	b = await launch({ width: 1366, height: 900 });
	page = b.page;
	await login(page, srv.url, 'manager', USERS.manager.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

const block = (a) => page.locator(`.fc-timegrid-event[data-activity="${a.id}"]`);
const startsAt = async (a) => expectStatus(await admin.get(`/api/activities/${a.id}`), 200).starts_at;

async function showKrakow() {
	await page.goto(`${srv.url}/calendar?date=${WED}`);
	await page.getByLabel('Czyj kalendarz').selectOption({ label: 'Oddział: Kraków' });
	await block(ev.anna).waitFor();
}

/* drag: an event's block from its day's column to another day's, same time of day. */
async function drag(a, from, to) {
	await block(a).scrollIntoViewIfNeeded();
	const src = await block(a).boundingBox();
	const fromCol = await page.locator(`td.fc-timegrid-col[data-date="${from}"]`).boundingBox();
	const toCol = await page.locator(`td.fc-timegrid-col[data-date="${to}"]`).boundingBox();
	const x = src.x + src.width / 2;
	const y = src.y + Math.min(8, src.height / 2);
	await page.mouse.move(x, y);
	await page.mouse.down();
	await page.mouse.move(x + 5, y + 5, { steps: 3 });
	await page.mouse.move(x + (toCol.x - fromCol.x), y, { steps: 12 });
	await page.mouse.up();
}

const inColumn = async (a, day) => {
	const col = await page.locator(`td.fc-timegrid-col[data-date="${day}"]`).boundingBox();
	const box = await block(a).boundingBox();
	return box.x >= col.x - 1 && box.x + box.width <= col.x + col.width + 1;
};

test('calendar_department_view_shows_whose_event_is_whose_with_a_legend', async () => {
	await showKrakow();
	const legend = page.getByRole('list', { name: 'Czyje wydarzenia' });
	await legend.waitFor();
	const items = await legend.getByRole('listitem').allInnerTexts();
	for (const name of ['Maria Wiśniewska', 'Anna Kowalska', 'Adam Kowalski'])
		assert.ok(items.some((x) => x.includes(name)), `${name} is in the legend: ${items}`);
	assert.equal(items.some((x) => /agent3/.test(x)), false, 'Gdańsk is not');

	const colour = async (loc) => loc.evaluate((el) => getComputedStyle(el).backgroundColor);
	const seen = new Set();
	for (const [a, who] of [
		[ev.anna, 'agent1'],
		[ev.adam, 'agent2'],
		[ev.maria, 'manager'],
	]) {
		const entry = legend.locator(`li[data-user="${user[who].id}"]`);
		const initials = (await entry.locator('.cal-swatch').innerText()).trim();
		assert.ok(initials.length >= 2, `initials for ${who}: ${initials}`);
		assert.ok((await block(a).innerText()).includes(initials + ' · '), `${who}'s event carries ${initials}`);
		const c = await colour(block(a));
		assert.equal(c, await colour(entry.locator('.cal-swatch')), `${who}'s event has the legend's colour`);
		seen.add(c);
		seen.add(initials);
	}
	assert.equal(seen.size, 6, 'three colours and three initials, all different (Anna and Adam Kowalscy too)');

	// one person's own calendar has no legend
	await page.getByLabel('Czyj kalendarz').selectOption({ label: 'Mój' });
	await block(ev.maria).waitFor();
	await legend.waitFor({ state: 'detached' });
});

test('calendar_moving_a_colleagues_event_asks_first_and_cofnij_moves_it_back', async () => {
	await showKrakow();
	const was = await startsAt(ev.anna);
	let patches = 0;
	page.on('request', (r) => r.method() === 'PATCH' && patches++);

	await drag(ev.anna, WED, THU);
	const dlg = page.getByRole('dialog', { name: 'Potwierdź' });
	await dlg.waitFor();
	assert.match(await dlg.innerText(), /Wizyta Anny.*Anna Kowalska/s);
	await dlg.getByRole('button', { name: 'Anuluj' }).click();
	await dlg.waitFor({ state: 'detached' });
	assert.ok(await inColumn(ev.anna, WED), 'back in its place after Anuluj');
	assert.equal(patches, 0, 'nothing sent');
	assert.equal(await startsAt(ev.anna), was);

	await drag(ev.anna, WED, THU);
	await dlg.waitFor();
	const moved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/activities/${ev.anna.id}`));
	await dlg.getByRole('button', { name: 'Przenieś' }).click();
	assert.equal((await moved).status(), 200);
	assert.equal(await startsAt(ev.anna), at(THU, '09:00'));
	const toast = page.locator('.toast', { hasText: 'Przeniesiono „Wizyta Anny” (Anna Kowalska)' });
	await toast.waitFor();

	const back = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/activities/${ev.anna.id}`));
	await toast.getByRole('button', { name: 'Cofnij' }).click();
	assert.equal((await back).status(), 200);
	assert.equal(await startsAt(ev.anna), was, 'Cofnij puts it back');
	await page.locator('.toast', { hasText: 'Cofnięto zmianę „Wizyta Anny”' }).waitFor();
	await page.waitForFunction(
		([id, day]) => {
			const el = document.querySelector(`.fc-timegrid-event[data-activity="${id}"]`);
			const col = document.querySelector(`td.fc-timegrid-col[data-date="${day}"]`);
			if (!el || !col) return false;
			const a = el.getBoundingClientRect();
			const c = col.getBoundingClientRect();
			return a.left >= c.left - 1 && a.right <= c.right + 1;
		},
		[ev.anna.id, WED],
	);
});

test('calendar_lengthening_a_colleagues_event_asks_first_and_cofnij_restores_it', async () => {
	await showKrakow();
	const a = block(ev.adam);
	await a.scrollIntoViewIfNeeded();
	await a.hover();
	const handle = await a.locator('.fc-event-resizer-end').boundingBox();
	const slot = await page.locator('td.fc-timegrid-slot-lane').first().boundingBox();
	const x = handle.x + handle.width / 2;
	const y = handle.y + handle.height / 2;
	await page.mouse.move(x, y);
	await page.mouse.down();
	await page.mouse.move(x, y + 5, { steps: 3 });
	await page.mouse.move(x, y + slot.height + 2, { steps: 10 });
	await page.mouse.up();
	const dlg = page.getByRole('dialog', { name: 'Potwierdź' });
	await dlg.waitFor();
	assert.match(await dlg.innerText(), /Wizyta Adama.*Adam Kowalski.*90 min/s);
	await dlg.getByRole('button', { name: 'Zmień' }).click();
	const toast = page.locator('.toast', { hasText: 'Zmieniono czas trwania „Wizyta Adama” (Adam Kowalski)' });
	await toast.waitFor();
	const duration = async () => expectStatus(await admin.get(`/api/activities/${ev.adam.id}`), 200).duration_min;
	assert.equal(await duration(), 90);
	const back = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/activities/${ev.adam.id}`));
	await toast.getByRole('button', { name: 'Cofnij' }).click();
	assert.equal((await back).status(), 200);
	assert.equal(await duration(), 60);
});

test('calendar_moving_my_own_event_does_not_ask', async () => {
	await showKrakow();
	const moved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/activities/${ev.maria.id}`));
	await drag(ev.maria, WED, THU);
	assert.equal((await moved).status(), 200);
	assert.equal(await page.getByRole('dialog', { name: 'Potwierdź' }).count(), 0);
	assert.equal(await startsAt(ev.maria), at(THU, '15:00'));
});

test('calendar_team_view_has_no_console_errors', () => {
	assert.deepEqual(b.errors, []);
});
