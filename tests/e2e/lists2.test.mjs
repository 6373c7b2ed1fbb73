// lists2.test.mjs: lists remember (filters, search and sort in the address:
// a reload and Back keep them), sort by a header click (aria-sort), say how
// many records match (capped: "ponad 10 000"), and at 360 px become cards
// with the filters folded behind "Filtry".  One server, one browser.
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { assert, expectStatus, PASSWORD, startServer, test } from '../api/lib/harness.mjs';
import { launch, login } from './lib/browser.mjs';

let srv, b, page;
const SHOTS = path.resolve('build/tmp');

before(async () => {
	srv = await startServer();
	const agent1 = await srv.session('agent1');
	const post = async (body) => expectStatus(await agent1.post('/api/contacts', body), 201).body ?? null;
	for (const [first, last, kind] of [
		['Adam', 'Pamiętliwy', 'lead'],
		['Beata', 'Pamiętliwa', 'customer'],
		['Cezary', 'Pamiętliwy', 'lead'],
		['Dorota', 'Księgowość-Pamiętliwa', 'lead'],
	]) {
		await post({
			first_name: first, last_name: last, kind, city: 'Wąchock', phone: '+48 504 755 227',
			email: `${first.toLowerCase()}.bardzo.dluga.nazwa@przedsiebiorstwo-przykladowe.pl`,
		});
	}
	b = await launch({ width: 1366, height: 800 });
	page = b.page;
	await login(page, srv.url, 'agent1', PASSWORD);
	fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
	await b?.close();
	await srv?.stop();
});

const names = () => page.locator('table.list tbody tr td.card-name a').allTextContents();

test('lists2_filter_and_search_survive_reload_and_back', async () => {
	await page.goto(srv.url + '/clients');
	await page.getByRole('searchbox', { name: 'Szukaj' }).fill('Pamiętl');
	await page.getByLabel('Rodzaj klienta').selectOption('lead');
	await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 3);
	await page.waitForFunction(() => /q=/.test(location.search) && /kind=lead/.test(location.search));
	await page.reload();
	await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 3);
	assert.equal(await page.getByRole('searchbox', { name: 'Szukaj' }).inputValue(), 'Pamiętl');
	assert.equal(await page.getByLabel('Rodzaj klienta').inputValue(), 'lead');
	// Into a client and Back: the list as it was, and one Back, not one per key.
	await page.getByRole('link', { name: 'Adam Pamiętliwy' }).click();
	await page.waitForURL(/\/clients\/\d+$/);
	await page.goBack();
	await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 3);
	assert.equal(await page.getByRole('searchbox', { name: 'Szukaj' }).inputValue(), 'Pamiętl');
	assert.equal(await page.getByLabel('Rodzaj klienta').inputValue(), 'lead');
	await page.goBack();
	assert.ok(!new URL(page.url()).pathname.startsWith('/clients'), `Back leaves the list: ${page.url()}`);
});

test('lists2_header_click_sorts_with_aria_sort_and_the_count_shows', async () => {
	await page.goto(srv.url + '/clients?q=Pami%C4%99tl&archived=all');
	await page.getByRole('status').filter({ hasText: 'Wyników: 4' }).waitFor();
	const th = page.locator('table.list th', { hasText: 'Osoba' });
	assert.equal(await th.getAttribute('aria-sort'), 'none');
	await th.getByRole('button').click();
	await page.waitForFunction(() => document.querySelector('table.list th[aria-sort="ascending"]')?.textContent.includes('Osoba'));
	await page.waitForFunction(() => document.querySelector('table.list tbody td.card-name a')?.textContent === 'Dorota Księgowość-Pamiętliwa');
	await th.getByRole('button').click();
	await page.waitForFunction(() => document.querySelector('table.list th[aria-sort="descending"]'));
	await page.waitForFunction(() => document.querySelector('table.list tbody td.card-name a')?.textContent !== 'Dorota Księgowość-Pamiętliwa');
	const desc = await names();
	assert.equal(desc.at(-1), 'Dorota Księgowość-Pamiętliwa');
	assert.match(page.url(), /sort=-last_name/);
	await page.reload();
	await page.waitForFunction(() => document.querySelector('table.list th[aria-sort="descending"]'));
	// A phone and an e-mail stay on one line at desktop widths.
	await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 4);
	const lines = await page.evaluate(() =>
		[...document.querySelectorAll('table.list td.tok')].map((td) => {
			const r = document.createRange();
			r.selectNodeContents(td);
			return r.getClientRects().length === 1;
		}));
	assert.ok(lines.length >= 4 && lines.every(Boolean), JSON.stringify(lines));
	await page.screenshot({ path: path.join(SHOTS, 'lists2-1366.png') });
});

test('lists2_the_count_is_capped_as_ponad_10_000', async () => {
	await page.route(/\/api\/contacts\?/, async (route) => {
		const r = await route.fetch();
		const body = await r.json();
		if ('count' in body) body.count = 10001;
		await route.fulfill({ response: r, json: body });
	});
	try {
		await page.goto(srv.url + '/clients?archived=all');
		await page.getByRole('status').filter({ hasText: 'Wyników: ponad 10 000' }).waitFor();
	} finally {
		await page.unroute(/\/api\/contacts\?/);
	}
});

test('lists2_at_360_px_clients_are_cards_and_filters_fold', async () => {
	await page.setViewportSize({ width: 360, height: 740 });
	try {
		await page.goto(srv.url + '/clients?q=Pami%C4%99tl&archived=all&sort=last_name');
		await page.locator('table.list tbody tr').nth(3).waitFor();
		const filters = page.getByRole('button', { name: 'Filtry' });
		assert.equal(await filters.getAttribute('aria-expanded'), 'false');
		assert.ok(!(await page.getByLabel('Rodzaj klienta').isVisible()), 'the filters are folded');
		const m = await page.evaluate(() => ({
			w: document.documentElement.scrollWidth,
			thead: getComputedStyle(document.querySelector('table.list thead')).display,
			row: getComputedStyle(document.querySelector('table.list tbody tr')).display,
			// no word broken inside: each word of every cell lies on one line
			// (a phone or e-mail too long for the card is cut short with "…")
			broken: [...document.querySelectorAll('table.list tbody td:not(.tok)')].flatMap((td) => {
				const out = [];
				const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
				for (let n = walk.nextNode(); n; n = walk.nextNode()) {
					for (const m of n.data.matchAll(/[^\s-]+/g)) {
						const r = document.createRange();
						r.setStart(n, m.index);
						r.setEnd(n, m.index + m[0].length);
						if (r.getClientRects().length > 1) out.push(m[0]);
					}
				}
				return out;
			}),
			tokWrap: [...document.querySelectorAll('table.list tbody td.tok')].filter((td) => getComputedStyle(td).whiteSpace !== 'nowrap').length,
			wb: getComputedStyle(document.querySelector('table.list tbody td')).wordBreak,
		}));
		assert.ok(m.w <= 360, `the list is ${m.w}px wide at 360px`);
		assert.equal(m.thead, 'none');
		assert.equal(m.row, 'block');
		assert.deepEqual(m.broken, []);
		assert.equal(m.tokWrap, 0);
		assert.equal(m.wb, 'normal');
		const card = page.locator('table.list tbody tr').first();
		assert.ok(await card.getByText('Potencjalny').isVisible(), 'the status on the card');
		assert.ok(await card.getByText('+48 504 755 227').isVisible(), 'a field on the card');
		assert.ok(!(await card.locator('td', { hasText: 'Wąchock' }).isVisible()), 'only two fields beside the status');
		await page.screenshot({ path: path.join(SHOTS, 'lists2-360.png'), fullPage: true });
		await filters.click();
		assert.equal(await filters.getAttribute('aria-expanded'), 'true');
		await page.getByLabel('Rodzaj klienta').selectOption('customer');
		await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
		const w = await page.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(w <= 360, `open filters are ${w}px wide at 360px`);
		await page.screenshot({ path: path.join(SHOTS, 'lists2-360-filters.png'), fullPage: true });
	} finally {
		await page.setViewportSize({ width: 1366, height: 800 });
	}
});

test('lists2_tasks_and_inquiries_keep_their_filters_on_reload', async () => {
	await page.goto(srv.url + '/activities');
	await page.getByRole('searchbox', { name: 'Szukaj w zadaniach' }).fill('oferta');
	await page.getByLabel('Przydzielone mnie').uncheck();
	await page.waitForFunction(() => /q=oferta/.test(location.search) && /mine=0/.test(location.search));
	await page.reload();
	assert.equal(await page.getByRole('searchbox', { name: 'Szukaj w zadaniach' }).inputValue(), 'oferta');
	assert.equal(await page.getByLabel('Przydzielone mnie').isChecked(), false);
	await page.goto(srv.url + '/inquiries');
	await page.getByLabel('Zamknięcie od').fill('2031-02-01');
	await page.getByRole('button', { name: /Planowane zamknięcie/ }).click();
	await page.waitForFunction(() => /from=2031-02-01/.test(location.search) && /sort=planned_close_date/.test(location.search));
	await page.reload();
	assert.equal(await page.getByLabel('Zamknięcie od').inputValue(), '2031-02-01');
	await page.waitForFunction(() => document.querySelector('table.list th[aria-sort="ascending"]'));
	await page.getByRole('status').filter({ hasText: /Wyników: \d/ }).waitFor();
});
