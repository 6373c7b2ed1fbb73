// reports: inquiries counted by status, handler, close reason and month,
// with open / won / lost and values, checked against hand-counted fixtures;
// only what the caller may see; bad parameters; CSV (BOM, header, same
// numbers) and XLSX (a real spreadsheet); clients' finish reasons.
import { before, after } from 'node:test';
import zlib from 'node:zlib';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';
import { addDays, localDate } from './lib/tz.mjs';

let srv, admin, manager, agent, agent2, agent3;
const COLS = ['key', 'label', 'count', 'open', 'won', 'lost', 'value', 'value_won'];

// The fixtures: handler, status, close reason, value (grosze).
const FIXTURES = [
	['agent1', 1, null, 100000],
	['agent1', 2, null, 200000],
	['agent2', 4, null, 500000],
	['agent1', 4, null, 700000],
	['agent2', 5, 1, 300000],
	['manager', 5, 2, 400000],
	['agent2', 5, 1, null],
	['manager', 3, null, 150000],
];

// Counted by hand: key -> [count, open, won, lost, value, value_won].
const BY_STATUS = {
	1: [1, 1, 0, 0, 100000, 0],
	2: [1, 1, 0, 0, 200000, 0],
	3: [1, 1, 0, 0, 150000, 0],
	4: [2, 0, 2, 0, 1200000, 1200000],
	5: [3, 0, 0, 3, 700000, 0],
};
const BY_HANDLER = {
	agent1: [3, 2, 1, 0, 1000000, 700000],
	agent2: [3, 0, 1, 2, 800000, 500000],
	manager: [2, 1, 0, 1, 550000, 0],
};
const BY_REASON = {
	null: [5, 3, 2, 0, 1650000, 1200000],
	1: [2, 0, 0, 2, 300000, 0],
	2: [1, 0, 0, 1, 400000, 0],
};
const TOTAL = [8, 3, 2, 3, 2350000, 1200000];

const today = new Date().toISOString().slice(0, 10);
const RANGE = `from=${addDays(today, -1)}&to=${addDays(today, 1)}`; // today in any zone

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
	agent2 = await srv.session('agent2');
	agent3 = await srv.session('agent3');
	const ids = { agent1: agent.user.id, agent2: agent2.user.id, manager: manager.user.id };
	for (const [h, status, reason, value] of FIXTURES) {
		const r = await admin.post('/api/inquiries', { title: uniq('Raport '), handler_id: ids[h], value });
		expectStatus(r, 201);
		if (status !== 1) {
			const p = await admin.patch(`/api/inquiries/${r.body.id}`, { status_id: status, close_reason_id: reason, version: r.body.version });
			expectStatus(p, 200);
		}
	}
});
after(async () => {
	await srv?.stop();
});

async function report(client, q) {
	const r = await client.get(`/api/reports/inquiries?${q}`);
	expectStatus(r, 200, `GET /api/reports/inquiries?${q}`);
	assert.ok(Array.isArray(r.body.rows), r.text);
	return r.body.rows;
}

const nums = (row) => [row.count, row.open, row.won, row.lost, row.value, row.value_won];

function byKey(rows) {
	const m = {};
	for (const r of rows) m[String(r.key)] = nums(r);
	return m;
}

test('reports_inquiries_by_status', async () => {
	const rows = await report(admin, `group_by=status&${RANGE}`);
	assert.deepEqual(byKey(rows), BY_STATUS);
	const labels = Object.fromEntries(rows.map((r) => [r.key, r.label]));
	assert.deepEqual(labels, { 1: 'Nowe', 2: 'W trakcie', 3: 'Oferta wysłana', 4: 'Wygrane', 5: 'Przegrane' });
	// status is the default grouping
	assert.deepEqual(byKey(await report(admin, RANGE)), BY_STATUS);
});

test('reports_inquiries_by_handler', async () => {
	const rows = await report(admin, `group_by=handler&${RANGE}`);
	const ids = { [agent.user.id]: 'agent1', [agent2.user.id]: 'agent2', [manager.user.id]: 'manager' };
	const got = {};
	for (const r of rows) got[ids[r.key] ?? r.key] = nums(r);
	assert.deepEqual(got, BY_HANDLER);
	const a1 = rows.find((r) => r.key === agent.user.id);
	assert.equal(a1.label, agent.user.name);
});

test('reports_inquiries_by_close_reason', async () => {
	const rows = await report(admin, `group_by=close_reason&${RANGE}`);
	assert.deepEqual(byKey(rows), BY_REASON);
	assert.equal(rows.find((r) => r.key === 1).label, 'Zbyt wysoka cena');
	assert.equal(rows.find((r) => r.key === 2).label, 'Wybrał konkurencję');
});

test('reports_inquiries_by_month', async () => {
	const rows = await report(admin, `group_by=month&${RANGE}`);
	assert.equal(rows.length, 1, JSON.stringify(rows));
	const months = [today.slice(0, 7), localDate(Date.now(), 'Europe/Warsaw').slice(0, 7)];
	assert.ok(months.includes(rows[0].key), `key ${rows[0].key}`);
	assert.deepEqual(nums(rows[0]), TOTAL);
});

test('reports_inquiries_period_limits_what_is_counted', async () => {
	assert.deepEqual(await report(admin, `group_by=status&from=${addDays(today, 2)}`), []);
	assert.deepEqual(await report(admin, `group_by=status&to=${addDays(today, -2)}`), []);
	assert.deepEqual(await report(admin, `group_by=status&from=${addDays(today, 2)}&to=${addDays(today, 30)}`), []);
	assert.deepEqual(byKey(await report(admin, `group_by=status&from=${addDays(today, -400)}`)), BY_STATUS);
});

test('reports_inquiries_count_only_what_the_caller_sees', async () => {
	// every fixture is department-wide in Kraków
	assert.deepEqual(byKey(await report(agent, `group_by=status&${RANGE}`)), BY_STATUS);
	assert.deepEqual(byKey(await report(manager, `group_by=status&${RANGE}`)), BY_STATUS);
	assert.deepEqual(await report(agent3, `group_by=status&${RANGE}`), [], 'Gdańsk sees none of them');
	// a private inquiry of agent2 counts for agent2 and the admin, not for agent1
	const p = await agent2.post('/api/inquiries', { title: 'Prywatne', visibility: 'private', value: 1 });
	expectStatus(p, 201);
	const seen = async (c) => (await report(c, `group_by=status&${RANGE}`)).find((r) => r.key === 1)?.count ?? 0;
	assert.equal(await seen(agent2), 2);
	assert.equal(await seen(admin), 2);
	assert.equal(await seen(agent), 1);
	expectStatus(await agent2.del(`/api/inquiries/${p.body.id}`), 204);
	assert.equal(await seen(admin), 1, 'deleted inquiries are not counted');
});

test('reports_bad_parameters_are_400', async () => {
	for (const q of ['group_by=week', 'group_by=', 'from=2026-13-01', 'to=jutro', 'from=2026-11-23T00:00:00Z', 'format=pdf', 'colour=red'])
		expectError(await admin.get(`/api/reports/inquiries?${q}`), 400, 'bad_query');
	for (const q of ['group_by=status', 'from=2026-13-01', 'format=pdf'])
		expectError(await admin.get(`/api/reports/contacts?${q}`), 400, 'bad_query');
});

/* bytes: GET as client, the body as a Buffer. */
async function bytes(client, p) {
	const res = await fetch(srv.url + p, { headers: client.headersFor('GET') });
	return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/* parseCsv: RFC 4180 (quotes, doubled quotes, CRLF). */
function parseCsv(text) {
	const rows = [];
	let row = [], field = '', q = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (q) {
			if (ch === '"' && text[i + 1] === '"') field += '"', i++;
			else if (ch === '"') q = false;
			else field += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') row.push(field), field = '';
		else if (ch === '\r' && text[i + 1] === '\n') {
			row.push(field), rows.push(row), row = [], field = '', i++;
		} else if (ch === '\n') row.push(field), rows.push(row), row = [], field = '';
		else field += ch;
	}
	if (field.length || row.length) row.push(field), rows.push(row);
	return rows;
}

test('reports_csv_has_a_bom_a_header_and_the_same_numbers', async () => {
	const r = await bytes(admin, `/api/reports/inquiries?group_by=status&format=csv&${RANGE}`);
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/csv/);
	assert.deepEqual([...r.body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM for spreadsheets');
	const rows = parseCsv(r.body.subarray(3).toString('utf8'));
	assert.deepEqual(rows[0], COLS, 'the header row');
	const data = rows.slice(1);
	assert.equal(data.length, 5);
	const got = {};
	for (const row of data) got[row[0]] = row.slice(2).map(Number);
	assert.deepEqual(got, BY_STATUS);
	assert.ok(data.some((row) => row[1] === 'Oferta wysłana'), 'labels in UTF-8');
	const c = await bytes(admin, `/api/reports/inquiries?group_by=close_reason&format=csv&${RANGE}`);
	const crow = parseCsv(c.body.subarray(3).toString('utf8')).slice(1).find((row) => row[0] === '');
	assert.ok(crow, 'the row without a reason has an empty key');
	assert.deepEqual(crow.slice(2).map(Number), BY_REASON.null);
});

/* unzip: {name -> Buffer} of a zip file (central directory, stored or deflated). */
function unzip(buf) {
	let eocd = -1;
	for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--)
		if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
	assert.ok(eocd >= 0, 'a zip end record');
	const n = buf.readUInt16LE(eocd + 10);
	let p = buf.readUInt32LE(eocd + 16);
	const files = {};
	for (let k = 0; k < n; k++) {
		assert.equal(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
		const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
		const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
		const local = buf.readUInt32LE(p + 42);
		const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
		const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
		const data = buf.subarray(start, start + csize);
		files[name] = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
		p += 46 + nlen + xlen + clen;
	}
	return files;
}

test('reports_xlsx_is_a_spreadsheet_with_the_numbers', async () => {
	const r = await bytes(admin, `/api/reports/inquiries?group_by=status&format=xlsx&${RANGE}`);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('content-type').split(';')[0], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
	assert.equal(r.body.subarray(0, 2).toString('latin1'), 'PK', 'a zip');
	const files = unzip(r.body);
	assert.ok(files['[Content_Types].xml'], Object.keys(files).join(', '));
	const sheetName = Object.keys(files).find((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f));
	assert.ok(sheetName, Object.keys(files).join(', '));
	const sheet = files[sheetName].toString('utf8');
	const strings = (files['xl/sharedStrings.xml'] ?? Buffer.alloc(0)).toString('utf8') + sheet;
	for (const s of ['count', 'value_won', 'Wygrane', 'Oferta wysłana']) assert.ok(strings.includes(s), `"${s}" in the workbook`);
	for (const v of [1200000, 700000, 150000]) assert.ok(sheet.includes(`<v>${v}</v>`), `${v} in the sheet`);
	const c = await bytes(admin, `/api/reports/contacts?format=xlsx`);
	assert.equal(c.status, 200);
	assert.equal(c.body.subarray(0, 2).toString('latin1'), 'PK');
});

test('reports_contacts_count_finished_clients_by_reason', async () => {
	const finish = async (reason, visibility = 'company') => {
		const c = await agent.post('/api/contacts', { last_name: uniq('Zakończony'), visibility });
		expectStatus(c, 201);
		expectStatus(await agent.post(`/api/contacts/${c.body.id}/finish`, { close_reason_id: reason, note: 'koniec' }), 200);
		return c.body;
	};
	await finish(5);
	await finish(5);
	await finish(6);
	await agent.post('/api/contacts', { last_name: uniq('Aktywny') });
	const r = await agent.get(`/api/reports/contacts?${RANGE}`);
	expectStatus(r, 200);
	const got = Object.fromEntries(r.body.rows.map((x) => [x.key, x.count]));
	assert.deepEqual(got, { 5: 2, 6: 1 }, r.text);
	assert.equal(r.body.rows.find((x) => x.key === 5).label, 'Zbyt wysoka cena');
	assert.deepEqual((await agent.get(`/api/reports/contacts?from=${addDays(today, 2)}`)).body.rows, []);
	const csv = await bytes(agent, `/api/reports/contacts?format=csv&${RANGE}`);
	assert.deepEqual([...csv.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
	const rows = parseCsv(csv.body.subarray(3).toString('utf8'));
	assert.deepEqual(rows[0], ['key', 'label', 'count']);
	assert.deepEqual(Object.fromEntries(rows.slice(1).map((x) => [x[0], Number(x[2])])), { 5: 2, 6: 1 });
	// clients the caller cannot see are not counted
	await finish(7, 'private');
	const mine = Object.fromEntries((await agent.get(`/api/reports/contacts?${RANGE}`)).body.rows.map((x) => [x.key, x.count]));
	assert.deepEqual(mine, { 5: 2, 6: 1, 7: 1 });
	const other = Object.fromEntries((await agent3.get(`/api/reports/contacts?${RANGE}`)).body.rows.map((x) => [x.key, x.count]));
	assert.deepEqual(other, { 5: 2, 6: 1 }, 'a private client of another agent is not counted');
});
