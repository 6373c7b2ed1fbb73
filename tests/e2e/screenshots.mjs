// screenshots.mjs: the README's screenshots (docs/screenshots/*.png) of the
// start screen, a client card (with attachments), the calendar, the board, a
// pending announcement, the announcements, the knowledge base (a search and
// an article), the trash, at 1280x800 and 360x740, on demo data plus a
// realistic week of activities and inquiries, announcements, articles,
// files and a few deleted clients.
//   KONTAKT_BIN=build/kontakt node tests/e2e/screenshots.mjs
// Not a test (no .test.mjs): run it by hand when the UI changes.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
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
const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], {
	stdio: 'ignore',
	env: { ...process.env, KONTAKT_DATA_DIR: path.join(dir, 'data') },
});
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

	// The trash: clients deleted by mistake, waiting to be restored.
	for (const [first_name, last_name, city, phone] of [
		['Krystyna', 'Zielińska', 'Poznań', '604 118 230'],
		['Marek', 'Dąbrowski', 'Wrocław', null],
		['Joanna', 'Kamińska-Wójcik', 'Bielsko-Biała', '+48 512 407 993'],
	]) {
		const c = ok(await api.post('/api/contacts', { first_name, last_name, city, phone }), last_name);
		ok(await api.del(`/api/contacts/${c.id}`), 'delete ' + last_name);
	}

	const office = await seedOffice(url, api, star);

	fs.mkdirSync(OUT, { recursive: true });
	for (const [name, width, height] of [
		['desktop', 1280, 800],
		['mobile', 360, 740],
	]) {
		const b = await launch({ width, height });
		const page = b.page;
		// Announcements pop up after log-in: shown again for each size.
		execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, `DELETE FROM announcement_receipts WHERE user_id = ${me.id} AND acked_at IS NULL`]);
		await login(page, url, USER, PASSWORD);
		const pop = page.locator('dialog.modal[open]');
		await pop.locator('.prose').waitFor();
		await page.waitForTimeout(300);
		await page.screenshot({ path: path.join(OUT, `announcement-${name}.png`) });
		console.log(`docs/screenshots/announcement-${name}.png`);
		while (await pop.count()) {
			await pop.getByRole('button', { name: 'Później' }).click();
			await page.waitForTimeout(200);
		}
		const shots = [
			['start', '/', '.reminder'],
			['client-card', `/clients/${star.id}`, '.att'],
			['calendar', '/calendar', '.fc-event'],
			['board', '/inquiries/board', '.board-card'],
			['announcements', '/announcements', '.ann'],
			['kb', '/kb?q=wiz', '.kb-item'],
			['kb-article', `/kb/${office.article.id}`, '.prose'],
			['trash', '/trash', '.trash-item'],
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
} finally {
	proc.kill('SIGTERM');
	await new Promise((r) => proc.on('exit', r));
	fs.rmSync(dir, { recursive: true, force: true });
}

/* zip: a stored (uncompressed) zip of {name: content}: enough for the
 * server to sniff a .docx. */
function zip(files) {
	const locals = [], centrals = [];
	let offset = 0;
	for (const [name, content] of Object.entries(files)) {
		const data = Buffer.from(content), n = Buffer.from(name), crc = zlib.crc32(data);
		const lh = Buffer.alloc(30);
		lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
		lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(n.length, 26);
		const ch = Buffer.alloc(46);
		ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt32LE(crc, 16);
		ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(n.length, 28);
		ch.writeUInt32LE(offset, 42);
		locals.push(lh, n, data);
		centrals.push(ch, n);
		offset += 30 + n.length + data.length;
	}
	const cd = Buffer.concat(centrals), end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
	end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, end]);
}

/* seedOffice: announcements (from the admin), knowledge-base articles and
 * files on the client card's client; {article}: the one to show. */
async function seedOffice(url, api, star) {
	const r = await fetch(url + '/api/session', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ login: 'admin', password: 'screenshot-admin-1' }),
	});
	const body = await r.json();
	if (r.status !== 200) throw new Error('admin log-in: ' + r.status + ' ' + JSON.stringify(body));
	const admin = new Client(url, { cookie: /kontakt_session=([^;]*)/.exec(r.headers.get('set-cookie'))[1], csrf: body.csrf_token });
	const ok = (x, what) => {
		if (x.status >= 300) throw new Error(`${what}: ${x.status} ${x.text}`);
		return x.body;
	};
	// The demo's own announcements are read already, so the pop-up shows ours.
	for (const a of ok(await api.get('/api/announcements/pending'), 'pending').items)
		ok(await api.post(`/api/announcements/${a.id}/ack`), 'ack');
	const old = ok(await admin.post('/api/announcements', {
		title: 'Przerwa w działaniu poczty w sobotę',
		body: 'W sobotę od 22:00 do 23:00 poczta e-mail nie będzie działać (prace serwisowe).',
	}), 'announcement');
	ok(await api.post(`/api/announcements/${old.id}/ack`), 'ack');
	ok(await admin.post('/api/announcements', {
		title: 'Szkolenie: wnioski wizowe',
		body: 'W czwartek o **15:00** w sali konferencyjnej. Prosimy zabrać laptopy i listę pytań od klientów.',
		audience_roles: ['manager', 'agent'],
	}), 'announcement');
	ok(await admin.post('/api/announcements', {
		title: 'Nowy cennik ferii zimowych od 1 grudnia',
		body: 'Od **1 grudnia** obowiązuje nowy cennik wyjazdów na ferie zimowe.\n\n' +
			'- ceny w katalogu online są już zaktualizowane,\n' +
			'- rezerwacje złożone do 30 listopada realizujemy po starych cenach,\n' +
			'- rabat dla stałych klientów bez zmian (5%).\n\n' +
			'Pytania: dział sprzedaży, wew. 214.',
	}), 'announcement');

	const articles = [
		['Wnioski wizowe do Chin — krok po kroku', ['wizy', 'Azja'],
			'## Dokumenty\n\nKlient przynosi:\n\n1. **paszport** ważny co najmniej 6 miesięcy po powrocie,\n2. zdjęcie 33 × 48 mm,\n3. potwierdzenie rezerwacji hotelu i biletów.\n\n' +
			'## Terminy\n\nWniosek składamy najpóźniej **miesiąc przed wyjazdem**; w sezonie — sześć tygodni.\n\n' +
			'> Wniosek z błędem wraca po tygodniu: sprawdź dane z paszportem dwa razy.\n\n' +
			'Formularz: [strona konsulatu](https://example.com/wiza).'],
		['Zwroty zaliczek i rezygnacje klientów', ['płatności', 'umowy'],
			'Zaliczkę zwracamy w ciągu **14 dni** od rezygnacji, pomniejszoną o koszty z umowy.\n\n- rezygnacja do 30 dni przed wyjazdem: 10%\n- później: wg tabeli w umowie'],
		['Ubezpieczenie turystyczne — pakiet Standard', ['ubezpieczenia'],
			'Pakiet Standard obejmuje koszty leczenia do 200 000 zł, NNW i bagaż. Narty i nurkowanie: pakiet Sport.'],
		['Rezerwacja grupowa w hotelu — lista kontrolna', ['hotele', 'grupy'],
			'- liczba pokoi i ich układ\n- wyżywienie\n- termin płatności zaliczki\n- lista uczestników na 7 dni przed przyjazdem'],
		['Wiza do Indii (e-Visa)', ['wizy', 'Azja'],
			'e-Visa składa się przez internet najpóźniej 4 dni przed wylotem; klient potrzebuje skanu paszportu i zdjęcia.'],
	];
	let article = null;
	for (const [title, tags, text] of articles) {
		const a = ok(await admin.post('/api/kb_articles', { title, tags, body: text }), title);
		article ??= a;
	}

	const files = [
		['Umowa o udział w imprezie turystycznej.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(183400, 0x20)])],
		['Skan paszportu.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1245000, 0x11)])],
		['Program wycieczki — Rzym.docx', zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>'.repeat(2000) })],
	];
	for (const [name, data] of files) {
		const form = new FormData();
		form.append('file', new Blob([data]), name);
		const res = await fetch(`${url}/api/attachments?entity=contacts&record_id=${star.id}`, {
			method: 'POST',
			headers: { Cookie: `kontakt_session=${api.cookie}`, 'X-CSRF-Token': api.csrf },
			body: form,
		});
		if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
	}
	return { article };
}
