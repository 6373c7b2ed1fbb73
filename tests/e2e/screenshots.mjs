// screenshots.mjs: the README's screenshots (docs/screenshots/*.png) of the
// start screen, a client card, the calendar and the board, at 1280x800 and
// 360x740, on demo data plus a realistic week of activities and inquiries.
//   KONTAKT_BIN=build/kontakt node tests/e2e/screenshots.mjs
// Not a test (no .test.mjs): run it by hand when the UI changes.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, freePort } from '../api/lib/harness.mjs';
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
const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
for (let i = 0; i < 100; i++) {
	try {
		if ((await fetch(url + '/healthz')).ok) break;
	} catch {
		/* not yet */
	}
	await new Promise((r) => setTimeout(r, 50));
}

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
	const me = body.user;
	const ok = (x, what) => {
		if (x.status >= 300) throw new Error(`${what}: ${x.status} ${x.text}`);
		return x.body;
	};

	// Wall-clock times in Warsaw as UTC ISO (good enough for November: UTC+1).
	const day = (n, h, m = 0) => {
		const d = new Date();
		d.setUTCHours(h - 1, m, 0, 0);
		d.setUTCDate(d.getUTCDate() + n);
		return d.toISOString().replace('.000Z', 'Z');
	};
	const contacts = ok(await api.get('/api/contacts?limit=12&sort=last_name'), 'contacts').items;
	const star = contacts[3];
	const plan = [
		[-2, 10, 'call', 'Oddzwonić w sprawie rezerwacji hotelu', contacts[0]],
		[-1, 15, 'task', 'Wysłać umowę do podpisu', star],
		[0, 9, 'call', 'Potwierdzić termin wyjazdu do Rzymu', star],
		[0, 11, 'meeting', 'Spotkanie: oferta dla grupy szkolnej', contacts[1]],
		[0, 14, 'email', 'Przesłać program wycieczki', contacts[2]],
		[0, 16, 'call', 'Zapytać o liczbę uczestników', contacts[4]],
		[1, 10, 'meeting', 'Wizyta w biurze — dokumenty wizowe', contacts[5]],
		[1, 13, 'call', 'Przypomnieć o dopłacie', contacts[6]],
		[2, 9, 'task', 'Zamówić bilety lotnicze', star],
		[2, 12, 'call', 'Ustalić szczegóły transferu', contacts[7]],
		[3, 10, 'meeting', 'Prezentacja oferty zimowej', contacts[8]],
		[-3, 11, 'call', 'Rozmowa wstępna', star, 'done'],
	];
	for (const [n, h, kind, subject, c, status] of plan)
		ok(
			await api.post('/api/activities', {
				kind,
				subject,
				starts_at: day(n, h),
				duration_min: kind === 'meeting' ? 60 : 30,
				contact_id: c.id,
				status: status ?? 'planned',
				priority: n < 0 ? 'high' : 'normal',
			}),
			subject,
		);
	ok(await api.post('/api/notes', { contact_id: star.id, body: 'Klientka zainteresowana wyjazdem do Włoch w maju, 2 osoby dorosłe + dziecko.\nBudżet ok. 9 000 zł.' }), 'note');
	ok(await api.patch(`/api/contacts/${star.id}`, { kind: 'customer', city: star.city ?? 'Kraków', address: 'ul. Długa 12/4', version: star.version }), 'star');

	const statuses = ok(await api.get('/api/statuses?entity=inquiries&sort=position'), 'statuses').items;
	const inq = [
		['Wycieczka do Rzymu, maj', 0, 940000, star],
		['Obóz językowy Malta — 3 osoby', 0, 1250000, contacts[1]],
		['Wyjazd integracyjny firmy (40 os.)', 1, 6800000, contacts[2]],
		['Narty w Dolomitach', 1, 1520000, contacts[4]],
		['Rejs po Chorwacji', 2, 2100000, contacts[5]],
		['Wesele w Toskanii — zakwaterowanie', 2, 3600000, contacts[6]],
		['Pielgrzymka do Santiago', 3, 780000, contacts[7]],
		['City break Lizbona', 0, 320000, contacts[8]],
	];
	for (const [title, si, value, c] of inq) {
		const i = ok(await api.post('/api/inquiries', { title, value, contact_id: c.id, visibility: 'company', planned_close_date: day(si * 3 + 1, 12).slice(0, 10) }), title);
		if (si) ok(await api.patch(`/api/inquiries/${i.id}`, { status_id: statuses[si].id, version: i.version }), title);
	}

	fs.mkdirSync(OUT, { recursive: true });
	for (const [name, width, height] of [
		['desktop', 1280, 800],
		['mobile', 360, 740],
	]) {
		const b = await launch({ width, height });
		const page = b.page;
		await login(page, url, USER, PASSWORD);
		const shots = [
			['start', '/', '.reminder'],
			['client-card', `/clients/${star.id}`, '.tl-item'],
			['calendar', '/calendar', '.fc-event'],
			['board', '/inquiries/board', '.board-card'],
		];
		for (const [shot, p, ready] of shots) {
			await page.goto(url + p);
			await page.locator(ready).first().waitFor();
			await page.waitForTimeout(300);
			await page.screenshot({ path: path.join(OUT, `${shot}-${name}.png`) });
			console.log(`docs/screenshots/${shot}-${name}.png`);
		}
		if (b.errors.length) console.error(b.errors.join('\n'));
		await b.close();
	}
	void me;
} finally {
	proc.kill('SIGTERM');
	await new Promise((r) => proc.on('exit', r));
	fs.rmSync(dir, { recursive: true, force: true });
}
