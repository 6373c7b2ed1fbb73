// export and import: GET /api/<entity>/export?format=csv|xlsx gives the
// list with the same filters, search, sort and visibility as the list, in
// chosen columns, streamed: CSV per RFC 4180 in UTF-8 with a BOM, separated
// by ';' for a Polish user and ',' for an English one (or ?sep=), every
// cell holding a separator, quote or line break quoted and text that could
// start a formula guarded by a leading '; XLSX with dates as dates, money
// as numbers and text as text.  POST /api/contacts/import (and
// companies) takes a text/csv body in UTF-8 or Windows-1250, maps headers
// (field names, Polish or English labels, or ?map=) to fields, checks every
// row like a create and reports rows ok and failed with line numbers and
// likely duplicates; ?dry_run=1 writes nothing, a real run writes every
// valid row in one transaction.  Broken files are refused whole.
import { before, after } from 'node:test';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { startServer, test, assert, expectError, expectStatus, pageAll } from './lib/harness.mjs';
import { localParts } from './lib/tz.mjs';

let srv, admin, agent1, agent3;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	agent3 = await srv.session('agent3');
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'limit', label: 'Limit kredytu', type: 'currency' }), 201);
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'since', label: 'Klient od', type: 'date' }), 201);
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'score', label: 'Ocena', type: 'number' }), 201);
});
after(async () => {
	await srv?.stop();
});

/* csvRows: CSV text as arrays of fields, read by csv-parse (an RFC 4180
 * parser that is not ours); ';' is what a Polish user's export is
 * separated by, as every user of the harness is Polish. */
function csvRows(text, delimiter = ';') {
	return parse(text, { delimiter, bom: true, relax_column_count: false });
}

/* unguard: a text cell without the formula guard the export adds: one
 * leading ' before a tab or CR, or before = + - @ ' after white space. */
function unguard(cell) {
	return /^'(?:[\t\r]|[ \t\r\n]*[=+\-@'])/.test(cell) ? cell.slice(1) : cell;
}

/* formulaLike: what a spreadsheet would run or treat specially. */
const formulaLike = (cell) => /^[\t\r]|^[ \t\r\n]*[=+\-@]/.test(cell);

async function download(client, p) {
	const res = await fetch(srv.url + p, { headers: client.headersFor('GET'), signal: AbortSignal.timeout(60000) });
	const buf = Buffer.from(await res.arrayBuffer());
	return { status: res.status, headers: res.headers, buf, text: buf.toString('utf8') };
}

/* unzip: {name: Buffer} of a zip file (stored or deflated entries). */
function unzip(buf) {
	const files = {};
	let eocd = buf.length - 22;
	while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
	assert.ok(eocd >= 0, 'a zip file');
	let p = buf.readUInt32LE(eocd + 16);
	const n = buf.readUInt16LE(eocd + 10);
	for (let k = 0; k < n; k++) {
		const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
		const nl = buf.readUInt16LE(p + 28), xl = buf.readUInt16LE(p + 30), cl = buf.readUInt16LE(p + 32);
		const off = buf.readUInt32LE(p + 42), name = buf.toString('utf8', p + 46, p + 46 + nl);
		const data = off + 30 + buf.readUInt16LE(off + 26) + buf.readUInt16LE(off + 28);
		const raw = buf.subarray(data, data + csize);
		files[name] = method === 8 ? zlib.inflateRawSync(raw) : raw;
		p += 46 + nl + xl + cl;
	}
	return files;
}

async function importCsv(client, entity, csv, query = '', type = 'text/csv; charset=utf-8') {
	return client.raw('POST', `/api/${entity}/import${query}`, { body: csv, headers: { 'Content-Type': type }, timeout: 60000 });
}

async function countWhere(client, query) {
	return (await pageAll(client, `/api/contacts?limit=500&${query}`, { max: 100 })).length;
}

test('export_csv_has_bom_header_and_rfc4180_quoting', async () => {
	const city = 'Eksportowo';
	expectStatus(await admin.post('/api/contacts', { first_name: 'Anna', last_name: 'Zet', city, address: 'ul. "Różana", 5\nII piętro' }), 201);
	expectStatus(await admin.post('/api/contacts', { first_name: 'Ćwirek', last_name: 'Alfa', city, phone: '601 000 001', birth_date: '1990-12-31' }), 201);
	const r = await download(admin, `/api/contacts/export?format=csv&city=${city}&sort=last_name&columns=last_name,first_name,address,birth_date,phone`);
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/csv/);
	assert.equal(r.headers.get('transfer-encoding'), 'chunked', 'streamed, not buffered whole');
	assert.equal(r.headers.get('content-length'), null);
	assert.match(r.headers.get('content-disposition'), /^attachment; filename="contacts-\d{4}-\d\d-\d\d\.csv"$/);
	assert.deepEqual([...r.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
	const rows = csvRows(r.text.slice(1));
	assert.deepEqual(rows[0], ['Nazwisko', 'Imię', 'Adres', 'Data urodzenia', 'Telefon'], 'the list\'s column headers, in Polish');
	assert.deepEqual(rows.slice(1).map((x) => x[0]), ['Alfa', 'Zet']);
	assert.deepEqual(rows[2], ['Zet', 'Anna', 'ul. "Różana", 5\nII piętro', '', '']);
	assert.equal(rows[1][3], '1990-12-31');
	assert.equal(rows[1][4], '+48 601 000 001', 'a phone as the list shows it, without a stray quote');
	assert.ok(r.text.includes('"ul. ""Różana"", 5\nII piętro"'));
});

test('export_has_exactly_the_rows_of_the_list_with_the_same_parameters', async () => {
	const rows = ['last_name'];
	for (let i = 0; i < 1234; i++) rows.push(`Masowy${String(i).padStart(4, '0')}`);
	const rep = expectStatus(await importCsv(admin, 'contacts', rows.join('\r\n') + '\r\n'), 200);
	assert.equal(rep.rows_written, 1234);
	for (const q of ['q=masowy', 'q=masowy&sort=-last_name', 'q=masowy&sort=created_at']) {
		const list = await pageAll(admin, `/api/contacts?limit=500&${q}`, { max: 100 });
		const r = await download(admin, `/api/contacts/export?format=csv&columns=id&${q}`);
		assert.equal(r.status, 200);
		const ids = csvRows(r.text.slice(1)).slice(1).map((x) => Number(x[0]));
		assert.equal(ids.length, 1234, q);
		assert.deepEqual(ids, list.map((c) => c.id), q);
	}
});

test('export_xlsx_has_typed_cells', async () => {
	const c = expectStatus(await admin.post('/api/contacts', {
		first_name: 'Typowana', last_name: 'Komórka', birth_date: '1985-07-15', city: 'Xlsxowo', custom: { limit: 123456, since: '2020-02-29' },
	}), 201);
	const inq = expectStatus(await admin.post('/api/inquiries', { title: 'Xlsx zapytanie', contact_id: c.id, value: 250075, visibility: 'company' }), 201);
	const r = await download(admin, '/api/contacts/export?format=xlsx&city=Xlsxowo&columns=id,last_name,birth_date,created_at,archived,custom.limit,custom.since');
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
	assert.match(r.headers.get('content-disposition'), /\.xlsx"$/);
	const files = unzip(r.buf);
	const sheet = files['xl/worksheets/sheet1.xml'].toString('utf8');
	const styles = files['xl/styles.xml'].toString('utf8');
	assert.match(styles, /yyyy-mm-dd/);
	assert.match(styles, /#,##0\.00/);
	const cells = [...sheet.matchAll(/<c r="([A-Z]+)2"([^>]*?)(?:\/>|>(.*?)<\/c>)/g)].map((m) => ({ ref: m[1], attrs: m[2], inner: m[3] || '' }));
	const cell = (col) => cells.find((x) => x.ref === col);
	assert.match(cell('A').inner, new RegExp(`<v>${c.id}</v>`), 'id as a number');
	assert.match(cell('B').attrs, /t="inlineStr"/);
	assert.ok(cell('B').inner.includes('Komórka'));
	// 1985-07-15 is day 31243 of Excel's calendar, with a date style
	assert.match(cell('C').inner, /<v>31243<\/v>/);
	assert.match(cell('C').attrs, / s="\d+"/);
	// created_at as a date and time: Excel's serial day in the caller's zone
	// (the admin's, Europe/Warsaw), to the second.  Not a pattern with a
	// fraction: at local midnight the serial is a whole number.
	const local = localParts(Date.parse(c.created_at), 'Europe/Warsaw');
	const serial = Date.parse(`${local.date}T00:00:00Z`) / 86400000 + 25569 + (local.hour * 3600 + local.minute * 60 + local.second) / 86400;
	const d = /<v>([^<]+)<\/v>/.exec(cell('D').inner);
	assert.ok(d, `created_at as a number: ${cell('D').inner}`);
	assert.ok(Math.abs(Number(d[1]) - serial) < 0.5 / 86400, `created_at ${c.created_at} is serial ${serial}, got ${d[1]}`);
	assert.match(cell('D').attrs, / s="\d+"/, 'with a date-time style');
	assert.match(cell('E').attrs, /t="inlineStr"/);
	assert.ok(cell('E').inner.includes('<t>Nie</t>'), `archived as Tak/Nie: ${cell('E').inner}`);
	assert.match(cell('F').inner, /<v>1234\.56<\/v>/, 'money as a number');
	assert.match(cell('G').inner, /<v>43890<\/v>/, '2020-02-29 as a date');
	const ir = await download(admin, `/api/inquiries/export?format=xlsx&contact_id=${c.id}&columns=title,value`);
	const isheet = unzip(ir.buf)['xl/worksheets/sheet1.xml'].toString('utf8');
	assert.match(isheet, /<v>2500\.75<\/v>/);
	assert.ok(inq.id);
});

test('export_works_for_any_entity', async () => {
	const c = expectStatus(await admin.post('/api/companies', { name: 'Eksportowa Firma', city: 'Sopot' }), 201);
	const a = expectStatus(await admin.post('/api/activities', { kind: 'task', subject: 'Eksportowe zadanie', company_id: c.id }), 201);
	for (const [entity, q, col, want] of [['companies', 'q=eksportowa', 'name', 'Eksportowa Firma'], ['activities', `company_id=${c.id}`, 'subject', 'Eksportowe zadanie']]) {
		const r = await download(admin, `/api/${entity}/export?format=csv&${q}&columns=id,${col}`);
		assert.equal(r.status, 200, `${entity}: ${r.text}`);
		const rows = csvRows(r.text.slice(1));
		assert.deepEqual(rows[1][1], want);
	}
	const all = await download(admin, '/api/activities/export?format=csv');
	assert.equal(all.status, 200);
	assert.ok(csvRows(all.text.slice(1))[0].includes('Wykonawca'));
	const raw = await download(admin, '/api/activities/export?format=csv&raw=1');
	assert.ok(csvRows(raw.text.slice(1))[0].includes('starts_at'));
	assert.ok(a.id);
});

test('export_shows_only_what_the_caller_sees', async () => {
	expectStatus(await agent1.post('/api/contacts', { last_name: 'Tajnyeksport', city: 'Widocznowo', visibility: 'private' }), 201);
	expectStatus(await agent3.post('/api/contacts', { last_name: 'Jawnyeksport', city: 'Widocznowo' }), 201);
	const mine = await download(agent1, '/api/contacts/export?format=csv&columns=last_name&city=Widocznowo');
	assert.ok(mine.text.includes('Tajnyeksport') && mine.text.includes('Jawnyeksport'));
	const theirs = await download(agent3, '/api/contacts/export?format=csv&columns=last_name&city=Widocznowo');
	assert.equal(theirs.status, 200);
	assert.ok(!theirs.text.includes('Tajnyeksport') && theirs.text.includes('Jawnyeksport'));
	const x = await download(agent3, '/api/contacts/export?format=xlsx&columns=last_name&city=Widocznowo');
	assert.ok(!unzip(x.buf)['xl/worksheets/sheet1.xml'].toString('utf8').includes('Tajnyeksport'));
	assert.equal((await download(srv.anon, '/api/contacts/export?format=csv')).status, 401);
});

test('export_refuses_unknown_format_columns_and_parameters', async () => {
	expectError(await admin.get('/api/contacts/export'), 400, 'bad_query', ['format']);
	expectError(await admin.get('/api/contacts/export?format=pdf'), 400, 'bad_query', ['format']);
	expectError(await admin.get('/api/contacts/export?format=csv&columns=last_name,shoe_size'), 400, 'bad_query', ['columns']);
	expectError(await admin.get('/api/contacts/export?format=csv&columns=last_name,last_name'), 400, 'bad_query', ['columns']);
	expectError(await admin.get('/api/contacts/export?format=csv&columns=name_key'), 400, 'bad_query', ['columns']);
	expectError(await admin.get('/api/contacts/export?format=csv&columns=custom.nope'), 400, 'bad_query', ['columns']);
	expectError(await admin.get('/api/contacts/export?format=xlsx&colour=red'), 400, 'bad_query', ['colour']);
	expectError(await admin.get('/api/contacts/export?format=csv&limit=10'), 400, 'bad_query', ['limit']);
	expectError(await admin.get('/api/contacts/export?format=csv&sort=phone'), 400, 'bad_query', ['sort']);
	expectError(await admin.get('/api/users/export?format=csv&columns=password_hash'), 400, 'bad_query', ['columns']);
});

// Cells that would start a formula, or a new cell, in a spreadsheet.  The
// stored value is what the API answers (text fields are trimmed, so "  =cmd"
// is stored as "=cmd"; the leading-space case is covered in test_csv.c).
const HOSTILE = [
	{ first_name: 'Średnik', last_name: 'x;=1+1' },
	{ first_name: 'Przecinek', last_name: 'a,b' },
	{ first_name: 'Cudzysłów', last_name: 'O"Brien "Wielki"' },
	// (a CR is refused on input; test_csv.c covers CR in a cell)
	{ first_name: 'Wiersze', last_name: 'Wierszowy', address: 'ul. Pierwsza 1\n=HYPERLINK("http://evil.example")\nm. 2' },
	{ first_name: 'Tabulator', last_name: 'Tabowy', address: 'kol1\tkol2\t=1+1' },
	{ first_name: '  =cmd|\' /C calc\'!A0', last_name: '  =cmd' },
	{ first_name: 'Suma', last_name: '@SUM(1)' },
	{ first_name: 'Minus', last_name: '-2+3' },
	{ first_name: 'Telefon', last_name: 'Plusowy', phone: '+48 601 234 567' },
	{ first_name: 'Apostrof', last_name: "'=1+1" },
	{ first_name: 'Zwykła', last_name: 'Żółć', custom: { limit: -1250, score: -3 } },
];
const HOSTILE_COLUMNS = ['id', 'first_name', 'last_name', 'phone', 'address', 'city', 'custom.limit', 'custom.score'];
const NUMERIC = new Set(['id', 'custom.limit', 'custom.score']);
// the header each user reads: the list's column labels, a custom field's own label
const HEADERS = {
	pl: ['ID', 'Imię', 'Nazwisko', 'Telefon', 'Adres', 'Miejscowość', 'Limit kredytu', 'Ocena'],
	en: ['ID', 'First name', 'Last name', 'Phone', 'Address', 'City', 'Limit kredytu', 'Ocena'],
	raw: HOSTILE_COLUMNS,
};

/* fmtPhone: a Polish mobile number as the UI writes it (web/src/fmt.ts). */
const fmtPhone = (p) => p.replace(/^\+48(\d{3})(\d{3})(\d{3})$/, '+48 $1 $2 $3');
/* phoneLike: "+" and digits with spaces: nothing a spreadsheet can run. */
const phoneLike = (cell) => /^\+[0-9][0-9 ]*$/.test(cell);

/* hostileContacts: HOSTILE in a city of their own, as the API stores them. */
async function hostileContacts(city) {
	for (const c of HOSTILE) expectStatus(await admin.post('/api/contacts', { ...c, city }), 201);
	return pageAll(admin, `/api/contacts?limit=500&city=${encodeURIComponent(city)}&sort=id`);
}

/* expectedCell: a record's value as the export writes it, the guard
 * aside, for a Polish ('pl') or English ('en') user or with raw=1 ('raw'). */
function expectedCell(rec, col, mode = 'raw') {
	const v = col.startsWith('custom.') ? rec.custom?.[col.slice(7)] : rec[col];
	if (v === null || v === undefined) return '';
	if (col === 'custom.limit') return mode === 'raw' ? String(v / 100) : (v / 100).toFixed(2).replace('.', mode === 'pl' ? ',' : '.');
	if (col === 'phone' && mode !== 'raw') return fmtPhone(v);
	return String(v);
}

/* checkHostileExport: every cell of the parsed export equals the stored
 * value once the guard is removed, and no text cell could start a formula
 * (numeric cells are plain numbers: -12.5 stays a number). */
function checkHostileExport(rows, recs, mode) {
	assert.deepEqual(rows[0], HEADERS[mode]);
	assert.equal(rows.length, recs.length + 1, 'one record per contact: no cell split into new rows');
	for (let i = 0; i < recs.length; i++) {
		assert.equal(rows[i + 1].length, HOSTILE_COLUMNS.length, `row ${i + 1} has all its cells and no more`);
		HOSTILE_COLUMNS.forEach((col, j) => {
			const cell = rows[i + 1][j];
			if (NUMERIC.has(col)) assert.match(cell, /^(-?\d+([.,]\d+)?)?$/, `${col} of row ${i + 1} is a plain number`);
			else if (col === 'phone' && cell) assert.ok(phoneLike(cell), `a phone number, unguarded: ${JSON.stringify(cell)}`);
			else assert.ok(!formulaLike(cell), `${col} of row ${i + 1} could start a formula: ${JSON.stringify(cell)}`);
			assert.equal(unguard(cell), expectedCell(recs[i], col, mode), `${col} of row ${i + 1}`);
		});
	}
}

test('export_csv_for_a_polish_user_is_separated_by_semicolons_and_no_cell_starts_a_formula', async () => {
	const city = 'Formułowo';
	const recs = await hostileContacts(city);
	assert.equal(recs.length, HOSTILE.length);
	assert.equal(recs.find((c) => c.first_name === 'Telefon').phone, '+48601234567');
	const r = await download(admin, `/api/contacts/export?format=csv&city=${encodeURIComponent(city)}&sort=id&columns=${HOSTILE_COLUMNS.join(',')}`);
	assert.equal(r.status, 200);
	assert.deepEqual([...r.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, so Excel reads UTF-8');
	assert.ok(r.text.startsWith('\ufeffID;Imię;Nazwisko;'), r.text.slice(0, 40));
	checkHostileExport(csvRows(r.text, ';'), recs, 'pl');
	// the cells as written: quoted where they hold a separator, guarded where
	// they start like a formula; numbers stay numbers
	assert.ok(r.text.includes(';"x;=1+1";'), 'a ; inside a cell is quoted');
	assert.ok(r.text.includes(';"a,b";'), 'a , inside a cell is quoted too');
	assert.ok(r.text.includes(';+48 601 234 567;'), 'a phone number as the list shows it, not guarded: it can\'t run');
	assert.ok(r.text.includes(";'@SUM(1);"));
	assert.ok(r.text.includes(";''=1+1;"), 'a leading quote of the data is kept');
	assert.ok(/;-12,50;-3\r\n/.test(r.text), 'negative money (decimal comma, unquoted) and numbers are numbers, not guarded');
	// raw=1: codes and the stored values, for programs; phones still unguarded
	const raw = await download(admin, `/api/contacts/export?format=csv&raw=1&city=${encodeURIComponent(city)}&sort=id&columns=${HOSTILE_COLUMNS.join(',')}`);
	assert.ok(raw.text.startsWith('\ufeffid;first_name;last_name;'), raw.text.slice(0, 40));
	checkHostileExport(csvRows(raw.text, ';'), recs, 'raw');
	assert.ok(raw.text.includes(';+48601234567;'));
	assert.ok(/;-12\.5;-3\r\n/.test(raw.text));
});

test('export_csv_for_an_english_user_is_separated_by_commas', async () => {
	const city = 'Formulaville';
	const recs = await hostileContacts(city);
	const login = `en${Date.now()}`;
	expectStatus(await admin.post('/api/users', { login, password: 'password-123', role: 'manager', locale: 'en' }), 201);
	const en = await srv.login(login, 'password-123');
	const r = await download(en, `/api/contacts/export?format=csv&city=${city}&sort=id&columns=${HOSTILE_COLUMNS.join(',')}`);
	assert.equal(r.status, 200);
	assert.ok(r.text.startsWith('\ufeffID,First name,Last name,'), r.text.slice(0, 40));
	checkHostileExport(csvRows(r.text, ','), recs, 'en');
	assert.ok(/,-12\.50,-3\r\n/.test(r.text), 'money with a decimal point for an English user');
	assert.ok(r.text.includes(',"x;=1+1",'), 'a ; inside a cell is quoted whatever the separator');
});

test('export_csv_sep_parameter_overrides_the_locale_and_refuses_others', async () => {
	const city = 'Separatorowo';
	const recs = await hostileContacts(city);
	const base = `/api/contacts/export?format=csv&city=${city}&sort=id&columns=${HOSTILE_COLUMNS.join(',')}`;
	for (const [sep, delimiter] of [['%2C', ','], [',', ','], ['%3B', ';'], ['tab', '\t']]) {
		const r = await download(admin, `${base}&sep=${sep}`);
		assert.equal(r.status, 200, `sep=${sep}: ${r.text}`);
		assert.ok(r.text.startsWith(`\ufeffID${delimiter}Imię${delimiter}`), `sep=${sep}`);
		checkHostileExport(csvRows(r.text, delimiter), recs, 'pl');
	}
	for (const sep of ['x', '%7C', '', 'semicolon', '%09%09']) {
		const e = expectError(await admin.get(`${base}&sep=${sep}`), 400, 'bad_query', ['sep']);
		assert.match(e.fields.sep, /; \(semicolon\), , \(comma\) or tab/);
	}
	// the parameter is accepted (and has nothing to do) for XLSX
	assert.equal((await download(admin, `/api/contacts/export?format=xlsx&city=${city}&sep=%3B`)).status, 200);
});

test('export_xlsx_writes_formula_like_text_as_text', async () => {
	const city = 'Xlsxformułowo';
	await hostileContacts(city);
	const r = await download(admin, `/api/contacts/export?format=xlsx&city=${encodeURIComponent(city)}&sort=id&columns=last_name,phone`);
	assert.equal(r.status, 200);
	const sheet = unzip(r.buf)['xl/worksheets/sheet1.xml'].toString('utf8');
	assert.ok(!/<f>/.test(sheet), 'no formula in the sheet');
	const cells = [...sheet.matchAll(/<c r="(A\d+)"([^>]*?)>(.*?)<\/c>/g)].map((m) => ({ ref: m[1], attrs: m[2], inner: m[3] }));
	for (const want of ['x;=1+1', '=cmd', '@SUM(1)', '-2+3', "'=1+1"]) {
		const c = cells.find((x) => x.inner.includes(`<t>${want.replace(/'/g, '&apos;')}</t>`) || x.inner.includes(`<t>${want}</t>`));
		assert.ok(c, `${want} in the sheet: ${sheet.slice(0, 400)}`);
		assert.match(c.attrs, /t="inlineStr"/, `${want} is a string cell`);
	}
});

test('export_csv_with_semicolons_imports_back_unchanged', async () => {
	const city = 'Powrotowo';
	const recs = await hostileContacts(city);
	const cols = ['first_name', 'last_name', 'phone', 'address', 'city', 'custom.limit', 'custom.score'];
	const r = await download(admin, `/api/contacts/export?format=csv&sep=%3B&city=${city}&sort=id&columns=${cols.join(',')}`);
	assert.equal(r.status, 200);
	const rep = expectStatus(await importCsv(admin, 'contacts', r.buf), 200);
	assert.equal(rep.separator, ';');
	assert.equal(rep.rows_failed, 0, JSON.stringify(rep.errors));
	assert.equal(rep.rows_written, recs.length);
	const all = await pageAll(admin, `/api/contacts?limit=500&city=${city}&sort=id`);
	assert.equal(all.length, 2 * recs.length);
	const pick = (c) => JSON.stringify(cols.map((k) => expectedCell(c, k)));
	assert.deepEqual(all.slice(recs.length).map(pick), recs.map(pick), 'every value as it was');
});

test('import_dry_run_reports_rows_errors_and_duplicates_and_writes_nothing', async () => {
	const old = expectStatus(await admin.post('/api/contacts', { first_name: 'Istniejący', last_name: 'Importowy', phone: '+48 577 000 111' }), 201);
	const csv = [
		'Imię;Nazwisko;Telefon;E-mail;Data urodzenia;Uwagi',
		'Piotr;Próbny;"+48 577 111 222";piotr@example.pl;01.02.1970;"wiersz',
		'w dwóch liniach"',
		'Kazimierz;Kopiowany;577000111;;;',
		';Bez Telefonu;zły numer;;;',
		'Ewa;Błędna;;ewa@;31.02.1980;',
		'Piotr;Próbny;;PIOTR@example.pl;;',
		'',
		';;;;;',
	].join('\r\n');
	const rep = expectStatus(await importCsv(admin, 'contacts', csv, '?dry_run=1'), 200);
	assert.equal(rep.dry_run, true);
	assert.equal(rep.encoding, 'utf-8');
	assert.equal(rep.separator, ';');
	assert.deepEqual(rep.columns, { 'Imię': 'first_name', Nazwisko: 'last_name', Telefon: 'phone', 'E-mail': 'email', 'Data urodzenia': 'birth_date', Uwagi: null });
	assert.equal(rep.rows_total, 6);
	assert.equal(rep.rows_ok, 3);
	assert.equal(rep.rows_failed, 3);
	assert.equal(rep.rows_written, 0);
	assert.deepEqual(rep.errors.map((e) => e.line), [5, 6, 9]);
	assert.ok(rep.errors[0].fields.phone);
	assert.ok(rep.errors[1].fields.email && rep.errors[1].fields.birth_date);
	assert.ok(rep.errors[2].fields.last_name);
	const dup = rep.duplicates.find((d) => d.line === 4);
	assert.ok(dup && dup.candidates.some((c) => c.id === old.id && c.evidence.includes('phone')), JSON.stringify(rep.duplicates));
	const inFile = rep.duplicates.find((d) => d.line === 7);
	assert.ok(inFile && inFile.lines.includes(2), 'the same e-mail as line 2');
	assert.equal(await countWhere(admin, 'q=probny'), 0, 'a dry run writes nothing');
});

test('import_writes_every_valid_row_and_reports_the_same', async () => {
	const csv = 'first_name,last_name,phone,city,custom.limit,Klient od\r\nAdam,Zapisany,601 333 444,Wrocław,"1 234,50",15.03.2021\r\nBeata,Zapisana,,Wrocław,,\r\nCezary,,,Wrocław,,\r\n';
	const dry = expectStatus(await importCsv(agent1, 'contacts', csv, '?dry_run=1'), 200);
	const rep = expectStatus(await importCsv(agent1, 'contacts', csv), 200);
	assert.equal(rep.dry_run, false);
	for (const k of ['rows_total', 'rows_ok', 'rows_failed', 'errors', 'duplicates']) assert.deepEqual(rep[k], dry[k], k);
	assert.equal(rep.rows_written, 2);
	assert.deepEqual(rep.errors, [{ line: 4, fields: { last_name: 'is required' }, field_codes: { last_name: 'required' } }]);
	const got = await pageAll(agent1, '/api/contacts?limit=500&q=zapisan');
	assert.equal(got.length, 2);
	const adam = got.find((c) => c.first_name === 'Adam');
	assert.equal(adam.phone, '+48601333444');
	assert.equal(adam.owner_id, agent1.user.id, 'the importer owns the records');
	assert.deepEqual(adam.custom, { limit: 123450, since: '2021-03-15' });
	const hist = expectStatus(await agent1.get(`/api/contacts/${adam.id}/history`), 200);
	assert.equal(hist.items[0].action, 'create');
	// found by search in any spelling, like any other record
	assert.equal((await pageAll(agent1, '/api/contacts?q=wroclaw zapisany')).length, 1);
});

test('import_reads_windows_1250_and_english_labels', async () => {
	const text = 'First name,Last name,Phone,City\r\nŁucja,Żółkiewska-Śmigły,,Kraków\r\n';
	const map = { 'Ł': 0xa3, 'ó': 0xf3, 'Ż': 0xaf, 'ł': 0xb3, 'Ś': 0x8c };
	const codes = [...text].map((ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : map[ch]));
	assert.ok(codes.every((c) => c !== undefined));
	const bytes = Buffer.from(codes);
	const rep = expectStatus(await importCsv(admin, 'contacts', bytes), 200);
	assert.equal(rep.encoding, 'windows-1250');
	assert.equal(rep.rows_written, 1);
	const c = (await pageAll(admin, '/api/contacts?q=zolkiewska'))[0];
	assert.equal(c.last_name, 'Żółkiewska-Śmigły');
	assert.equal(c.first_name, 'Łucja');
	assert.equal(c.city, 'Kraków');
});

test('import_takes_a_mapping', async () => {
	const csv = 'Klient;Kom.;Skąd\nMapowany;600 444 555;Opole\n';
	const map = encodeURIComponent(JSON.stringify({ Klient: 'last_name', 'Kom.': 'phone', 'Skąd': null }));
	const rep = expectStatus(await importCsv(admin, 'contacts', csv, `?map=${map}`), 200);
	assert.deepEqual(rep.columns, { Klient: 'last_name', 'Kom.': 'phone', 'Skąd': null });
	assert.equal(rep.rows_written, 1);
	const c = (await pageAll(admin, '/api/contacts?q=mapowany'))[0];
	assert.equal(c.phone, '+48600444555');
	assert.equal(c.city, null);
	const bad = encodeURIComponent(JSON.stringify({ Klient: 'last_name', Nieznana: 'city', 'Kom.': 'shoe_size' }));
	expectError(await importCsv(admin, 'contacts', csv, `?map=${bad}`), 422, 'validation_failed', ['map.Nieznana', 'map.Kom.']);
	expectError(await importCsv(admin, 'contacts', csv, '?map=notjson'), 400, 'bad_query', ['map']);
	expectError(await importCsv(admin, 'contacts', csv, `?map=${encodeURIComponent('{"Kom.":"phone"}')}`), 422, 'validation_failed', ['columns.last_name']);
});

test('import_of_companies_and_skipping_duplicates', async () => {
	const csv = 'Nazwa,NIP,Miasto\nImportowana Firma sp. z o.o.,5261040828,Lublin\nImportowana Firma,526-104-08-28,Lublin\nDruga Importowana,,Lublin\n';
	const rep = expectStatus(await importCsv(admin, 'companies', csv, '?skip_duplicates=1'), 200);
	assert.equal(rep.rows_ok, 3);
	assert.equal(rep.rows_written, 2);
	assert.equal(rep.rows_skipped, 1);
	assert.deepEqual(rep.duplicates.map((d) => d.line), [3]);
	assert.deepEqual(rep.duplicates[0].lines, [2]);
	const again = expectStatus(await importCsv(admin, 'companies', 'nazwa;nip\nPonownie;5261040828\n', '?dry_run=1'), 200);
	assert.equal(again.duplicates[0].candidates[0].nip, '5261040828');
});

test('import_refuses_broken_files_whole', async () => {
	const n0 = await countWhere(admin, 'q=zepsuty');
	const bad = [
		['last_name,city\nZepsuty1,Kraków\n"Zepsuty2,Kraków\n', 'line 3', 'quote'],
		['last_name,city\nZepsuty3,Kraków\nZepsuty4\n', 'line 3', 'field'],
		['last_name,city\nZepsuty5,"Kra"ków\n', 'line 2', 'closing quote'],
		['last_name\nZepsuty6\n\x00\x01\x02', 'line 3', 'binary'],
		[Buffer.concat([Buffer.from('last_name\nZepsuty7\n'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])]), 'line 4', 'binary'],
		[Buffer.from([0x6c, 0x61, 0x73, 0x74, 0x5f, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x5a, 0x81, 0x0a]), 'line 2', 'neither'],
	];
	for (const [body, line, word] of bad) {
		const err = expectError(await importCsv(admin, 'contacts', body), 400, 'bad_csv');
		assert.ok(err.message.includes(line) && err.message.includes(word), err.message);
	}
	expectError(await importCsv(admin, 'contacts', ''), 400, 'bad_csv');
	expectError(await importCsv(admin, 'contacts', 'last_name\nZepsuty8\n', '', 'application/json'), 415, 'unsupported_media_type');
	expectError(await importCsv(admin, 'contacts', 'last_name\nZepsuty9\n', '?dry_run=maybe'), 400, 'bad_query', ['dry_run']);
	expectError(await importCsv(admin, 'contacts', 'last_name\nZepsuty10\n', '?colour=red'), 400, 'bad_query', ['colour']);
	expectError(await importCsv(admin, 'contacts', 'city\nKraków\n'), 422, 'validation_failed', ['columns.last_name']);
	expectError(await importCsv(admin, 'contacts', 'last_name,Nazwisko\nA,B\n'), 422, 'validation_failed', ['columns.Nazwisko']);
	assert.equal(await countWhere(admin, 'q=zepsuty'), n0, 'nothing half-written');
	assert.ok([404, 405].includes((await importCsv(agent1, 'users', 'login\nx\n')).status), 'no import of users');
});

test('import_takes_files_larger_than_a_json_body', async () => {
	const lines = ['last_name,city,address'];
	for (let i = 0; i < 20000; i++) lines.push(`Duży${i},Białystok,"ul. Bardzo Długa Nazwa Ulicy ${i}, m. ${i}"`);
	const body = lines.join('\n') + '\n';
	assert.ok(Buffer.byteLength(body) > 1024 * 1024);
	const rep = expectStatus(await importCsv(admin, 'contacts', body, '?dry_run=1'), 200);
	assert.equal(rep.rows_ok, 20000);
	assert.equal(rep.errors.length, 0);
});

test('export_then_import_round_trips', async () => {
	expectStatus(await admin.post('/api/contacts', { first_name: 'Okrężny', last_name: 'Obieg', phone: '+48 588 999 000', email: 'obieg@example.pl', city: 'Obiegowo', birth_date: '1999-09-09' }), 201);
	const r = await download(admin, '/api/contacts/export?format=csv&city=Obiegowo&columns=first_name,last_name,phone,email,city,birth_date');
	const rep = expectStatus(await importCsv(admin, 'contacts', r.buf, '?dry_run=1'), 200);
	assert.equal(rep.rows_ok, 1, JSON.stringify(rep));
	assert.equal(rep.rows_failed, 0);
	assert.ok(rep.duplicates[0].candidates[0].evidence.includes('phone'));
});

test('import_of_a_big_file_into_an_empty_table_leaves_it_whole', async () => {
	// A server of its own: its contacts table starts empty, so the import
	// builds the table's indexes once at the end instead of row by row.
	const fresh = await startServer();
	try {
		const adm = await fresh.session('admin');
		const lines = ['Imię,Nazwisko,Telefon,Miasto,Adres'];
		const phone = (i) => `+48 7${String(i).padStart(8, '0')}`;
		const street = 'ul. Bardzo Długiej Nazwy Hurtowni Artykułów Biurowych i Papierniczych';
		for (let i = 0; i < 33000; i++)
			lines.push(`Hurtowy${i},Wielki${String(i).padStart(5, '0')},${phone(i)},Hurtowo,"${street} ${i}, lokal ${i % 7}"`);
		lines.push(`Powtórka,Wielki00007,${phone(7)},Hurtowo,`);
		const body = lines.join('\r\n') + '\r\n';
		assert.ok(Buffer.byteLength(body) > 4 * 1024 * 1024);
		const dry = expectStatus(await importCsv(adm, 'contacts', body, '?dry_run=1'), 200);
		const rep = expectStatus(await importCsv(adm, 'contacts', body), 200);
		assert.equal(rep.rows_written, 33001);
		assert.deepEqual(rep.duplicates, dry.duplicates);
		assert.deepEqual(rep.duplicates, [{ line: 33002, candidates: [], lines: [9] }]);
		// lists, sorting, search and the duplicate scan all work on the new rows
		const first = expectStatus(await adm.get('/api/contacts?sort=last_name&limit=2'), 200);
		assert.deepEqual(first.items.map((c) => c.last_name), ['Wielki00000', 'Wielki00001']);
		assert.equal(expectStatus(await adm.get('/api/contacts?q=wielki32999'), 200).items.length, 1);
		assert.equal(expectStatus(await adm.get('/api/contacts?phone=%2B48700000007'), 200).items.length, 2);
		const dups = expectStatus(await adm.get('/api/duplicates?entity=contacts&kind=phone'), 200);
		assert.equal(dups.items.length, 1);
		assert.equal(dups.items[0].records.length, 2);
	} finally {
		await fresh.stop();
	}
});

// ---- what the list shows: labels, names, local times, typed cells --------

/* shownFixture: a person with a name as the owner of a client, a task and
 * an inquiry about that client, at known instants (winter and summer). */
let shown;
async function shownFixture() {
	if (shown) return shown;
	const login = `opiekun${Date.now()}`;
	const owner = expectStatus(await admin.post('/api/users', { login, name: 'Ewa Opiekuńska', password: 'password-123', role: 'agent' }), 201);
	const city = 'Etykietowo';
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'zrodlo', label: 'Źródło', type: 'select', options: [{ value: 'polecenie', label: 'Z polecenia' }, { value: 'www', label: 'Strona' }] }), 201);
	const c = expectStatus(await admin.post('/api/contacts', {
		first_name: 'Lena', last_name: 'Etykietowa', kind: 'customer', owner_id: owner.id, city, phone: '601 555 444', birth_date: '1980-02-03',
		custom: { limit: 123450, since: '2021-03-15', zrodlo: 'polecenie' },
	}), 201);
	const winter = expectStatus(await admin.post('/api/activities', { kind: 'call', subject: 'Etykietowa rozmowa zimą', starts_at: '2026-01-15T09:30:00Z', priority: 'high', assignee_id: owner.id, contact_id: c.id }), 201);
	const summer = expectStatus(await admin.post('/api/activities', { kind: 'meeting', subject: 'Etykietowe spotkanie latem', starts_at: '2026-07-15T09:30:00Z', assignee_id: owner.id, contact_id: c.id }), 201);
	const statuses = (await admin.get('/api/statuses?entity=inquiries&limit=100')).body.items;
	const inq = expectStatus(await admin.post('/api/inquiries', { title: 'Etykietowe zapytanie', contact_id: c.id, value: 123450, planned_close_date: '2026-03-31', handler_id: owner.id, visibility: 'company' }), 201);
	const status = statuses.find((s) => s.id === inq.status_id);
	assert.ok(status, 'the inquiry got a status');
	shown = { owner, c, city, winter, summer, inq, status };
	return shown;
}

async function englishUser(timeZone) {
	const login = `en${Date.now()}${Math.floor(Math.random() * 1000)}`;
	expectStatus(await admin.post('/api/users', { login, password: 'password-123', role: 'admin', locale: 'en', time_zone: timeZone }), 201);
	return srv.login(login, 'password-123');
}

test('export_csv_for_a_polish_user_has_the_list_labels_names_and_local_times', async () => {
	const f = await shownFixture();
	const r = await download(admin, `/api/contacts/export?format=csv&city=${f.city}&columns=first_name,last_name,kind,owner_id,status,visibility,archived,phone,birth_date,custom.limit,custom.since,custom.zrodlo`);
	assert.equal(r.status, 200, r.text);
	const rows = csvRows(r.text);
	assert.deepEqual(rows[0], ['Imię', 'Nazwisko', 'Rodzaj klienta', 'Opiekun', 'Obsługa', 'Widoczność', 'W archiwum', 'Telefon', 'Data urodzenia', 'Limit kredytu', 'Klient od', 'Źródło']);
	assert.deepEqual(rows[1], ['Lena', 'Etykietowa', 'Klient', 'Ewa Opiekuńska', 'W obsłudze', 'Cała firma', 'Nie', '+48 601 555 444', '1980-02-03', '1234,50', '2021-03-15', 'Z polecenia']);
	assert.ok(r.text.includes(';1234,50;'), 'money with a decimal comma, not quoted in a ; file');

	const a = await download(admin, `/api/activities/export?format=csv&contact_id=${f.c.id}&sort=starts_at&columns=subject,kind,status,priority,starts_at,assignee_id,contact_id`);
	const ar = csvRows(a.text).filter((x, k) => k === 0 || x[0].startsWith('Etykiet'));
	assert.deepEqual(ar[0], ['Temat', 'Rodzaj', 'Status', 'Priorytet', 'Data', 'Wykonawca', 'Klient']);
	// 09:30 UTC is 10:30 in Warsaw in winter and 11:30 in summer
	assert.deepEqual(ar[1], ['Etykietowa rozmowa zimą', 'Telefon', 'Zaplanowane', 'Wysoki', '2026-01-15 10:30', 'Ewa Opiekuńska', 'Lena Etykietowa']);
	assert.deepEqual(ar[2], ['Etykietowe spotkanie latem', 'Spotkanie', 'Zaplanowane', 'Normalny', '2026-07-15 11:30', 'Ewa Opiekuńska', 'Lena Etykietowa']);

	const i = await download(admin, `/api/inquiries/export?format=csv&contact_id=${f.c.id}&columns=title,status_id,planned_close_date,handler_id,value,outcome,contact_id`);
	const ir = csvRows(i.text);
	assert.deepEqual(ir[0], ['Tytuł', 'Status', 'Planowane zamknięcie', 'Prowadzący', 'Wartość', 'Wynik', 'Klient']);
	assert.deepEqual(ir[1], ['Etykietowe zapytanie', f.status.name, '2026-03-31', 'Ewa Opiekuńska', '1234,50', 'Otwarte', 'Lena Etykietowa']);

	// raw=1: what the API holds, for programs
	const raw = await download(admin, `/api/inquiries/export?format=csv&raw=1&contact_id=${f.c.id}&columns=status_id,handler_id,value,outcome`);
	assert.deepEqual(csvRows(raw.text), [['status_id', 'handler_id', 'value', 'outcome'], [String(f.status.id), String(f.owner.id), '1234.5', 'open']]);
	const rawA = await download(admin, `/api/activities/export?format=csv&raw=1&contact_id=${f.c.id}&sort=starts_at&columns=starts_at,kind`);
	assert.deepEqual(csvRows(rawA.text)[1], ['2026-01-15T09:30:00Z', 'call']);
	expectError(await admin.get('/api/contacts/export?format=csv&raw=maybe'), 400, 'bad_query', ['raw']);
});

test('export_csv_for_an_english_user_is_in_english_and_their_time_zone', async () => {
	const f = await shownFixture();
	const en = await englishUser('America/New_York');
	const r = await download(en, `/api/contacts/export?format=csv&city=${f.city}&columns=first_name,last_name,kind,owner_id,status,visibility,archived,custom.limit`);
	assert.equal(r.status, 200, r.text);
	const rows = csvRows(r.text, ',');
	assert.deepEqual(rows[0], ['First name', 'Last name', 'Client kind', 'Owner', 'Service', 'Visibility', 'Archived', 'Limit kredytu']);
	assert.deepEqual(rows[1], ['Lena', 'Etykietowa', 'Customer', 'Ewa Opiekuńska', 'Active', 'Whole company', 'No', '1234.50']);
	const a = await download(en, `/api/activities/export?format=csv&contact_id=${f.c.id}&sort=starts_at&columns=kind,status,priority,starts_at,subject`);
	// 09:30 UTC is 04:30 in New York in January, 05:30 in July (the first
	// activity planned for a new client aside)
	const ours = csvRows(a.text, ',').slice(1).filter((x) => x[4].startsWith('Etykiet')).map((x) => x.slice(0, 4));
	assert.deepEqual(ours, [['Call', 'Planned', 'High', '2026-01-15 04:30'], ['Meeting', 'Planned', 'Normal', '2026-07-15 05:30']]);
	const i = await download(en, `/api/inquiries/export?format=csv&contact_id=${f.c.id}&columns=status_id,outcome,value`);
	assert.deepEqual(csvRows(i.text, ','), [['Status', 'Outcome', 'Value'], [f.status.name_en || f.status.name, 'Open', '1234.50']]);
});

test('export_xlsx_is_in_the_users_language_with_dates_and_money_typed', async () => {
	const f = await shownFixture();
	const r = await download(admin, `/api/contacts/export?format=xlsx&city=${f.city}&columns=last_name,kind,owner_id,archived,birth_date,custom.limit,created_at`);
	assert.equal(r.status, 200);
	const files = unzip(r.buf);
	const sheet = files['xl/worksheets/sheet1.xml'].toString('utf8');
	const styles = files['xl/styles.xml'].toString('utf8');
	const rowCells = (n) => [...sheet.matchAll(new RegExp(`<c r="([A-Z]+)${n}"([^>]*?)(?:/>|>(.*?)</c>)`, 'g'))].map((m) => ({ ref: m[1], attrs: m[2], inner: m[3] || '' }));
	const text = (c) => /<t[^>]*>([^<]*)<\/t>/.exec(c.inner)?.[1];
	assert.deepEqual(rowCells(1).map(text), ['Nazwisko', 'Rodzaj klienta', 'Opiekun', 'W archiwum', 'Data urodzenia', 'Limit kredytu', 'Utworzono']);
	const row = rowCells(2);
	assert.deepEqual(row.slice(0, 4).map(text), ['Etykietowa', 'Klient', 'Ewa Opiekuńska', 'Nie']);
	// a date is a number (Excel's serial day) with a date style: 1980-02-03 is day 29254
	assert.match(row[4].inner, /<v>29254<\/v>/);
	const styleOf = (c) => Number(/ s="(\d+)"/.exec(c.attrs)?.[1]);
	const xfs = [...styles.replace(/[\s\S]*<cellXfs[^>]*>/, '').replace(/<\/cellXfs>[\s\S]*/, '').matchAll(/<xf [^>]*numFmtId="(\d+)"/g)].map((m) => Number(m[1]));
	const fmt = (id) => new RegExp(`<numFmt numFmtId="${id}" formatCode="([^"]*)"`).exec(styles)?.[1];
	assert.match(fmt(xfs[styleOf(row[4])]), /yyyy-mm-dd/, 'the date cell has a date format');
	// money is a number in a money format
	assert.match(row[5].inner, /<v>1234\.5<\/v>/);
	assert.ok(!/t="/.test(row[5].attrs), 'a number cell');
	assert.match(fmt(xfs[styleOf(row[5])]), /#,##0\.00\\ &quot;zł&quot;/, 'the money cell has a money format');
	// created_at: a date and time, to the second
	assert.match(row[6].inner, /<v>\d+\.\d+<\/v>|<v>\d+<\/v>/);
	assert.match(fmt(xfs[styleOf(row[6])]), /yyyy-mm-dd hh:mm/);
	// raw=1 keeps the codes and ids, booleans as booleans
	const raw = unzip((await download(admin, `/api/contacts/export?format=xlsx&raw=1&city=${f.city}&columns=kind,owner_id,archived`)).buf)['xl/worksheets/sheet1.xml'].toString('utf8');
	assert.ok(raw.includes('<t>kind</t>') && raw.includes('<t>customer</t>') && raw.includes(`<v>${f.owner.id}</v>`) && /t="b"/.test(raw));
});

test('export_shows_a_linked_client_the_caller_may_not_see_by_its_id_only', async () => {
	// agent3's private client in Gdańsk; a company-wide task about it,
	// assigned to agent1 and done: agent1 sees the task, never the client
	const hidden = expectStatus(await agent3.post('/api/contacts', { first_name: 'Ukryta', last_name: 'Gdańszczanka', visibility: 'private' }), 201);
	const a = expectStatus(await admin.post('/api/activities', {
		kind: 'call', subject: 'Eksport o ukrytej', status: 'done', visibility: 'company', assignee_id: agent1.user.id, contact_id: hidden.id, starts_at: '2026-01-10T10:00:00Z',
	}), 201);
	expectStatus(await agent1.get(`/api/contacts/${hidden.id}`), 404);
	const cols = 'subject,contact_id,assignee_id';
	const r = await download(agent1, `/api/activities/export?format=csv&q=ukrytej&columns=${cols}`);
	assert.equal(r.status, 200, r.text);
	const rows = csvRows(r.text);
	assert.equal(rows.length, 2, 'the task is exported');
	assert.deepEqual(rows[1].slice(0, 2), ['Eksport o ukrytej', String(hidden.id)]);
	assert.ok(!r.text.includes('Ukryta') && !r.text.includes('Gdańszczanka'), 'nothing of the hidden client');
	const x = await download(agent1, `/api/activities/export?format=xlsx&q=ukrytej&columns=${cols}`);
	const sheet = unzip(x.buf)['xl/worksheets/sheet1.xml'].toString('utf8');
	assert.ok(!sheet.includes('Ukryta') && !sheet.includes('Gdańszczanka'));
	assert.match(sheet, new RegExp(`<c r="B2"[^>]*><v>${hidden.id}</v>`));
	// who may see the client gets its name
	const mine = await download(agent3, `/api/activities/export?format=csv&q=ukrytej&columns=${cols}`);
	assert.equal(csvRows(mine.text)[1][1], 'Ukryta Gdańszczanka');
	assert.ok(a.id);
});

test('export_of_a_polish_user_imports_back_with_every_column_recognised', async () => {
	const f = await shownFixture();
	const cols = ['first_name', 'last_name', 'kind', 'phone', 'email', 'city', 'address', 'birth_date', 'pesel', 'owner_id', 'visibility', 'archived', 'custom.limit', 'custom.since', 'custom.score', 'custom.zrodlo'];
	const r = await download(admin, `/api/contacts/export?format=csv&city=${f.city}&columns=${cols.join(',')}`);
	assert.equal(r.status, 200);
	const [header, row] = csvRows(r.text);
	// what is read back is the list's labels and values, not field names and codes
	assert.deepEqual(header.slice(0, 3), ['Imię', 'Nazwisko', 'Rodzaj klienta']);
	assert.deepEqual([row[2], row[9], row[15]], ['Klient', 'Ewa Opiekuńska', 'Z polecenia']);
	const rep = expectStatus(await importCsv(admin, 'contacts', r.buf, '?dry_run=1'), 200);
	assert.deepEqual(rep.columns, Object.fromEntries(header.map((h, i) => [h, cols[i]])), 'every header maps to the field it came from');
	assert.equal(rep.rows_failed, 0, JSON.stringify(rep.errors));
	assert.equal(rep.rows_ok, 1);
	// and an English user's file too, written for real: the values come back
	const en = await englishUser('Europe/Warsaw');
	const r2 = await download(en, `/api/contacts/export?format=csv&city=${f.city}&columns=${cols.join(',')}`);
	const rep2 = expectStatus(await importCsv(admin, 'contacts', r2.buf.toString('utf8').replace('Etykietowa', 'Etykietowa-Kopia')), 200);
	assert.equal(rep2.rows_written, 1, JSON.stringify(rep2));
	const copy = (await pageAll(admin, `/api/contacts?limit=500&city=${f.city}`)).find((c) => c.last_name === 'Etykietowa-Kopia');
	for (const k of ['kind', 'phone', 'birth_date', 'owner_id', 'visibility', 'archived']) assert.deepEqual(copy[k], f.c[k], k);
	assert.deepEqual(copy.custom, f.c.custom);
});

// Found by fuzz_query: an unknown column whose name is not UTF-8 was echoed in
// the message, which could not be encoded, so the 400 named no parameter.
test('export_unknown_column_that_is_not_utf8_is_400_naming_columns', async () => {
	const r = await admin.get('/api/contacts/export?format=csv&columns=id,ph%A4ne');
	const e = expectError(r, 400, 'bad_query', ['columns']);
	assert.ok(!e.fields.columns.includes('\ufffd'));
});

// Found by fuzz_import: a custom number cell of "nan", "inf" or 1e400 was cast
// to an integer before its range was checked (undefined behaviour) and, as
// JSON has no such number, failed its row without saying why; a long one
// was cut to 63 characters, a different number.
test('import_custom_number_cells_that_are_no_json_number_fail_their_row', async () => {
	const csv = ['last_name,custom.score', 'Liczbowy,"4,5"', 'Nanowy,nan', 'Inf,-inf', 'Wielki,1e400',
		`Dlugi,1${'0'.repeat(70)}x`, 'Calkowity,1e3'].join('\n') + '\n';
	const rep = expectStatus(await importCsv(admin, 'contacts', csv, '?dry_run=1'), 200);
	assert.equal(rep.rows_ok, 2);
	assert.deepEqual(rep.errors.map((e) => e.line), [3, 4, 5, 6]);
	for (const e of rep.errors) assert.equal(e.fields['custom.score'], 'must be a number');
});

// Found by fuzz_import: an amount within int64_t as written but not once
// turned into grosze overflowed (undefined behaviour) instead of failing.
test('import_amount_too_large_in_grosze_fails_its_row', async () => {
	const csv = 'last_name,custom.limit\nMaksymalny,92233720368547758\nZaDuzy,92233720368547759\nUlamek,"922337203685477580,7"\n';
	const rep = expectStatus(await importCsv(admin, 'contacts', csv, '?dry_run=1'), 200);
	assert.equal(rep.rows_ok, 1);
	assert.deepEqual(rep.errors.map((e) => e.line), [3, 4]);
	for (const e of rep.errors) assert.ok(e.fields['custom.limit']);
});
