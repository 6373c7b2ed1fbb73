// calendar.test.mjs: creating from the calendar in real Chromium: a click on a
// free slot of the week or day view, or on a day of the month view, opens the
// new-activity form at that time, and the views keep switching afterwards.
import { after, before } from 'node:test';
import { assert, startServer, test, USERS } from '../api/lib/harness.mjs';
import { localParts } from '../api/lib/tz.mjs';
import { launch, login } from './lib/browser.mjs';

const ZONE = 'Europe/Warsaw';
let srv, b, page;

/* A Wednesday two weeks ahead (Warsaw), so the slot is free and in the week shown. */
function wednesday() {
	const today = localParts(Date.now(), ZONE).date;
	const d = new Date(today + 'T12:00:00Z');
	d.setUTCDate(d.getUTCDate() + 14 + ((3 - d.getUTCDay() + 7) % 7));
	return d.toISOString().slice(0, 10);
}

before(async () => {
	srv = await startServer();
	b = await launch({ width: 1280, height: 800 });
	page = b.page;
	await login(page, srv.url, 'admin', USERS.admin.password);
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

/* clickSlot: a click in the middle of the slot at time (HH:MM:SS) of date's column. */
async function clickSlot(date, time) {
	const lane = page.locator(`td.fc-timegrid-slot-lane[data-time="${time}"]`);
	await lane.scrollIntoViewIfNeeded();
	const col = await page.locator(`td.fc-timegrid-col[data-date="${date}"]`).boundingBox();
	const row = await lane.boundingBox();
	await page.mouse.click(col.x + col.width / 2, row.y + row.height / 2);
}

async function expectForm(date, time) {
	const dlg = page.getByRole('dialog', { name: 'Nowe spotkanie' });
	await dlg.waitFor();
	assert.equal(await dlg.getByLabel('Data').inputValue(), date);
	assert.equal(await dlg.getByLabel('Godzina').inputValue(), time);
	await dlg.getByRole('button', { name: 'Anuluj' }).click();
	await dlg.waitFor({ state: 'detached' });
	assert.equal(await page.locator('.fc-event-mirror').count(), 0, 'no untitled block is left behind');
}

test('calendar_clicking_a_free_slot_in_the_week_opens_the_form_at_that_time', async () => {
	const day = wednesday();
	await page.goto(`${srv.url}/calendar?date=${day}`);
	await page.locator(`td.fc-timegrid-col[data-date="${day}"]`).waitFor();
	await clickSlot(day, '10:00:00');
	await expectForm(day, '10:00');
});

test('calendar_clicking_a_free_slot_in_the_day_view_opens_the_form', async () => {
	await page.getByRole('button', { name: 'Dzień', exact: true }).click();
	const col = page.locator('.fc-timeGridDay-view td.fc-timegrid-col[data-date]');
	await col.waitFor();
	const day = await col.getAttribute('data-date');
	await clickSlot(day, '14:30:00');
	await expectForm(day, '14:30');
});

test('calendar_month_view_still_switches_and_a_day_click_opens_the_form', async () => {
	const day = wednesday();
	await page.getByRole('button', { name: 'Miesiąc', exact: true }).click();
	const cell = page.locator(`td.fc-daygrid-day[data-date="${day}"]`);
	await cell.waitFor();
	const box = await cell.boundingBox();
	await page.mouse.click(box.x + box.width / 2, box.y + box.height - 8);
	const dlg = page.getByRole('dialog', { name: 'Nowe zadanie' });
	await dlg.waitFor();
	assert.equal(await dlg.getByLabel('Data').inputValue(), day);
	await dlg.getByRole('button', { name: 'Anuluj' }).click();
	await page.getByRole('button', { name: 'Tydzień', exact: true }).click();
	await page.locator('.fc-timegrid').waitFor();
});

test('calendar_list_view_is_named_for_what_it_shows', async () => {
	const list = page.getByRole('button', { name: 'Lista tygodnia', exact: true });
	await list.click();
	await page.locator('.fc-listWeek-view').waitFor();
	assert.equal(await page.getByRole('button', { name: 'Plan dnia' }).count(), 0);
});

test('calendar_has_no_console_errors', () => {
	assert.deepEqual(b.errors, []);
});
