// contacts: creating clients with the contract's fields, normalisation
// (phone, e-mail), Polish identifiers, limits, types, malformed bodies, and
// text stored verbatim.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, admin, agent;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
});
after(async () => {
	await srv?.stop();
});

const JSON_CT = { 'Content-Type': 'application/json' };

/* pesel: a valid PESEL for a birth date (serial: 4 digits). */
function pesel(y, m, d, serial = '0123') {
	const off = y >= 2200 ? 60 : y >= 2100 ? 40 : y >= 2000 ? 20 : y >= 1900 ? 0 : 80;
	const s = String(y % 100).padStart(2, '0') + String(m + off).padStart(2, '0') + String(d).padStart(2, '0') + serial;
	const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
	const sum = [...s].reduce((a, c, i) => a + Number(c) * w[i], 0);
	return s + String((10 - (sum % 10)) % 10);
}

async function count(q) {
	const r = await admin.get(`/api/contacts?limit=500${q ? '&' + q : ''}`);
	expectStatus(r, 200);
	return r.body.items.length;
}

test('contacts_create_with_contract_fields', async () => {
	const co = await agent.post('/api/companies', { name: 'Biuro Podróży Sp. z o.o.' });
	expectStatus(co, 201);
	const input = {
		first_name: 'Jan', last_name: 'Kowalski', kind: 'customer', company_id: co.body.id,
		phone: '+48 601-234-567', email: 'jan.kowalski@example.pl', city: 'Kraków', address: 'ul. Długa 1/2',
		birth_date: '1944-05-14', pesel: '44051401359', owner_id: agent.user.id, archived: false, custom: {},
	};
	const r = await agent.post('/api/contacts', input);
	expectStatus(r, 201);
	const c = r.body;
	for (const [k, v] of Object.entries(input)) if (k !== 'phone') assert.deepEqual(c[k], v, k);
	assert.equal(c.phone, '+48601234567');
	assert.equal(c.status, 'active');
	assert.equal(c.close_reason_id, null);
	assert.equal(typeof c.id, 'number');
	assert.equal(c.version, 1);
	assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(c.updated_at, c.created_at);
	assert.equal(r.headers.get('content-type').split(';')[0], 'application/json');
	expectStatus(await agent.get(`/api/contacts/${c.id}`), 200);
	assert.deepEqual((await agent.get(`/api/contacts/${c.id}`)).body, c);
});

test('contacts_create_minimal_gets_defaults', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Minimalna' });
	expectStatus(r, 201);
	assert.equal(r.body.first_name, '');
	assert.equal(r.body.kind, 'lead');
	assert.equal(r.body.archived, false);
	assert.deepEqual(r.body.custom, {});
	assert.equal(r.body.status, 'active');
	assert.equal(r.body.owner_id, agent.user.id);
	for (const k of ['company_id', 'phone', 'email', 'city', 'address', 'birth_date', 'pesel']) assert.equal(r.body[k], null, k);
});

test('contacts_create_normalises_phone_to_e164', async () => {
	const cases = {
		'+48 601-234-567': '+48601234567',
		'0048 601 234 567': '+48601234567',
		'601 234 567': '+48601234567',
		'601234567': '+48601234567',
		'48601234567': '+48601234567',
		'(+48) 601.234.567': '+48601234567',
		'+49 30 1234567': '+49301234567',
	};
	for (const [input, want] of Object.entries(cases)) {
		const r = await agent.post('/api/contacts', { last_name: 'Telefon', phone: input });
		expectStatus(r, 201, input);
		assert.equal(r.body.phone, want, input);
	}
});

test('contacts_create_rejects_bad_phone', async () => {
	for (const phone of ['abc', '12', '+48 601 234 567 890 123 45', '601-234-56a', '++48601234567', '(601 234 567', '0601234567', 5]) {
		const r = await agent.post('/api/contacts', { last_name: 'Telefon', phone });
		expectError(r, 422, 'validation_failed', ['phone']);
	}
});

test('contacts_create_validates_email', async () => {
	const ok = await agent.post('/api/contacts', { last_name: 'Mail', email: '  Anna.Nowak@Example.COM ' });
	expectStatus(ok, 201);
	assert.equal(ok.body.email, 'Anna.Nowak@example.com', 'domain lower-cased, spaces trimmed');
	for (const email of ['anna', 'anna@', '@example.com', 'anna@example', 'anna@@example.com', 'anna nowak@example.com', 'anna@exa mple.com', 'anna@example.c']) {
		const r = await agent.post('/api/contacts', { last_name: 'Mail', email });
		expectError(r, 422, 'validation_failed', ['email']);
	}
});

test('contacts_create_validates_pesel_and_fills_birth_date', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Pesel', pesel: '44051401359' });
	expectStatus(r, 201);
	assert.equal(r.body.birth_date, '1944-05-14');
	const y2k = pesel(2002, 7, 8);
	const r2 = await agent.post('/api/contacts', { last_name: 'Pesel', pesel: y2k });
	expectStatus(r2, 201);
	assert.equal(r2.body.birth_date, '2002-07-08');
	const same = await agent.post('/api/contacts', { last_name: 'Pesel', pesel: '44051401359', birth_date: '1944-05-14' });
	expectStatus(same, 201);
});

test('contacts_create_rejects_bad_pesel', async () => {
	for (const p of ['44051401358', '4405140135', '440514013591', 'abcdefghijk', pesel(1990, 2, 30).slice(0, 10) + '0', 44051401359]) {
		const r = await agent.post('/api/contacts', { last_name: 'Pesel', pesel: p });
		expectError(r, 422, 'validation_failed', ['pesel']);
	}
	// 1990-02-30 does not exist, whatever the check digit
	const bad = pesel(1990, 2, 30);
	expectError(await agent.post('/api/contacts', { last_name: 'Pesel', pesel: bad }), 422, 'validation_failed', ['pesel']);
});

test('contacts_create_rejects_birth_date_not_matching_pesel', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Pesel', pesel: '44051401359', birth_date: '1950-01-01' });
	expectError(r, 422, 'validation_failed', ['birth_date']);
});

test('contacts_update_birth_date_must_keep_matching_pesel', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Pesel', pesel: '44051401359' });
	expectStatus(c, 201);
	const r = await agent.patch(`/api/contacts/${c.body.id}`, { birth_date: '1960-01-01', version: c.body.version });
	expectError(r, 422, 'validation_failed', ['birth_date']);
	assert.equal((await agent.get(`/api/contacts/${c.body.id}`)).body.birth_date, '1944-05-14');
});

test('contacts_create_rejects_bad_birth_date', async () => {
	for (const d of ['2023-02-30', '1990-13-01', '14.05.1944', '1944-5-14', '', 19440514]) {
		const r = await agent.post('/api/contacts', { last_name: 'Data', birth_date: d });
		expectError(r, 422, 'validation_failed', ['birth_date']);
	}
	expectStatus(await agent.post('/api/contacts', { last_name: 'Data', birth_date: '2024-02-29' }), 201);
});

test('contacts_create_rejects_nonexistent_company', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Firma', company_id: 987654 });
	expectError(r, 422, 'validation_failed', ['company_id']);
	const co = await agent.post('/api/companies', { name: uniq('Usunięta ') });
	expectStatus(await agent.del(`/api/companies/${co.body.id}`), 204);
	const r2 = await agent.post('/api/contacts', { last_name: 'Firma', company_id: co.body.id });
	expectError(r2, 422, 'validation_failed', ['company_id']);
	for (const bad of [0, -1]) expectError(await agent.post('/api/contacts', { last_name: 'Firma', company_id: bad }), 422, 'validation_failed', ['company_id']);
});

test('contacts_create_rejects_nonexistent_owner', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Właściciel', owner_id: 987654 });
	expectError(r, 422, 'validation_failed', ['owner_id']);
});

test('contacts_create_requires_last_name', async () => {
	expectError(await agent.post('/api/contacts', {}), 422, 'validation_failed', ['last_name']);
	expectError(await agent.post('/api/contacts', { first_name: 'Jan' }), 422, 'validation_failed', ['last_name']);
	expectError(await agent.post('/api/contacts', { last_name: '' }), 422, 'validation_failed', ['last_name']);
	expectError(await agent.post('/api/contacts', { last_name: '   ' }), 422, 'validation_failed', ['last_name']);
	expectError(await agent.post('/api/contacts', { last_name: null }), 422, 'validation_failed', ['last_name']);
});

test('contacts_create_trims_text', async () => {
	const r = await agent.post('/api/contacts', { last_name: '  Nowak \t', first_name: ' Jan ', city: ' Kraków ' });
	expectStatus(r, 201);
	assert.equal(r.body.last_name, 'Nowak');
	assert.equal(r.body.first_name, 'Jan');
	assert.equal(r.body.city, 'Kraków');
});

test('contacts_create_rejects_overlong_last_name', async () => {
	expectError(await agent.post('/api/contacts', { last_name: 'a'.repeat(101) }), 422, 'validation_failed', ['last_name']);
	const ok = await agent.post('/api/contacts', { last_name: 'a'.repeat(100) });
	expectStatus(ok, 201);
	assert.equal(ok.body.last_name.length, 100);
});

test('contacts_length_limit_counts_characters_not_bytes', async () => {
	const ok = await agent.post('/api/contacts', { last_name: 'Ł'.repeat(100) });
	expectStatus(ok, 201);
	assert.equal(ok.body.last_name, 'Ł'.repeat(100));
	expectError(await agent.post('/api/contacts', { last_name: 'Ł'.repeat(101) }), 422, 'validation_failed', ['last_name']);
	const emoji = await agent.post('/api/contacts', { last_name: '😀'.repeat(100) });
	expectStatus(emoji, 201, '100 emoji (4 bytes each)');
	expectStatus(await agent.post('/api/contacts', { last_name: 'x', address: 'ą'.repeat(300) }), 201);
	expectError(await agent.post('/api/contacts', { last_name: 'x', address: 'ą'.repeat(301) }), 422, 'validation_failed', ['address']);
});

test('contacts_create_rejects_invalid_utf8', async () => {
	const before = await count();
	const body = Buffer.concat([Buffer.from('{"last_name": "Zły'), Buffer.from([0xc3, 0x28]), Buffer.from('tekst"}')]);
	const r = await agent.raw('POST', '/api/contacts', { body, headers: JSON_CT });
	expectError(r, 400, 'bad_utf8');
	for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
		const b = Buffer.concat([Buffer.from('{"last_name": "x'), Buffer.from(bytes), Buffer.from('"}')]);
		expectError(await agent.raw('POST', '/api/contacts', { body: b, headers: JSON_CT }), 400, 'bad_utf8');
	}
	assert.equal(await count(), before, 'nothing was written');
});

test('contacts_create_rejects_lone_surrogate_escape', async () => {
	const r = await agent.raw('POST', '/api/contacts', { body: '{"last_name": "x\\ud800y"}', headers: JSON_CT });
	assert.ok([400, 422].includes(r.status), `got ${r.status}: ${r.text}`);
});

test('contacts_create_rejects_nul_character', async () => {
	const r = await agent.raw('POST', '/api/contacts', { body: '{"last_name": "Nowak\\u0000DROP"}', headers: JSON_CT });
	assert.ok([400, 422].includes(r.status), `got ${r.status}: ${r.text}`);
});

test('contacts_sql_text_is_stored_verbatim', async () => {
	const texts = ["'; DROP TABLE contacts; --", "Robert'); DROP TABLE users;--", "O'Brien", '" OR 1=1 --', 'back\\slash', '%_wild*card'];
	for (const t of texts) {
		const r = await agent.post('/api/contacts', { last_name: t, first_name: t, city: t });
		expectStatus(r, 201, t);
		assert.equal(r.body.last_name, t);
		const g = await agent.get(`/api/contacts/${r.body.id}`);
		assert.equal(g.body.last_name, t);
		assert.equal(g.body.city, t);
	}
	expectStatus(await admin.get('/api/users'), 200, 'users still there');
	assert.ok((await admin.get('/api/users')).body.items.length >= 5);
	expectStatus(await agent.get('/api/contacts'), 200, 'contacts still there');
});

test('contacts_html_is_stored_and_returned_verbatim', async () => {
	const html = '<img src=x onerror=alert(1)>';
	const r = await agent.post('/api/contacts', { last_name: html, address: '<script>alert("x")</script>' });
	expectStatus(r, 201);
	assert.equal(r.body.last_name, html);
	const g = await agent.get(`/api/contacts/${r.body.id}`);
	assert.equal(g.body.last_name, html);
	assert.equal(g.body.address, '<script>alert("x")</script>');
	assert.match(g.headers.get('content-type'), /^application\/json/, 'never served as HTML');
});

test('contacts_unicode_is_stored_verbatim', async () => {
	const t = 'Zażółć gęślą jaźń 👩‍💼 Ωμέγα Ж';
	const r = await agent.post('/api/contacts', { last_name: t });
	expectStatus(r, 201);
	assert.equal((await agent.get(`/api/contacts/${r.body.id}`)).body.last_name, t);
});

test('contacts_create_wrong_types_reports_all_fields_at_once', async () => {
	const r = await agent.post('/api/contacts', { last_name: 5, archived: 'yes', company_id: '1' });
	const e = expectError(r, 422, 'validation_failed', ['last_name', 'archived', 'company_id']);
	for (const f of ['last_name', 'archived', 'company_id']) assert.ok(e.fields[f].length > 0);
});

test('contacts_create_reports_every_kind_of_error_at_once', async () => {
	const r = await agent.post('/api/contacts', {
		first_name: 'x'.repeat(101), email: 'bad', phone: 'bad', kind: 'vip', pesel: '1', birth_date: 'x', nonsense: 1, id: 5,
	});
	expectError(r, 422, 'validation_failed', ['first_name', 'email', 'phone', 'kind', 'pesel', 'birth_date', 'nonsense', 'id', 'last_name']);
});

test('contacts_create_more_wrong_types', async () => {
	const cases = [
		[{ first_name: ['Jan'] }, 'first_name'], [{ kind: 1 }, 'kind'], [{ archived: 1 }, 'archived'],
		[{ archived: null }, 'archived'], [{ company_id: 1.5 }, 'company_id'], [{ company_id: true }, 'company_id'],
		[{ owner_id: { id: 1 } }, 'owner_id'], [{ custom: [] }, 'custom'], [{ custom: 'x' }, 'custom'],
		[{ custom: null }, 'custom'], [{ kind: null }, 'kind'], [{ city: 12 }, 'city'], [{ email: true }, 'email'],
		[{ company_id: 1e30 }, 'company_id'],
	];
	for (const [extra, field] of cases) {
		const r = await agent.post('/api/contacts', { last_name: 'Typy', ...extra });
		expectError(r, 422, 'validation_failed', [field]);
	}
});

test('contacts_create_rejects_read_only_fields', async () => {
	const r = await agent.post('/api/contacts', {
		last_name: 'RO', id: 777, version: 9, created_at: '2020-01-01T00:00:00Z', status: 'finished',
	});
	expectError(r, 422, 'validation_failed', ['id', 'version', 'created_at', 'status']);
	for (const f of [{ updated_at: '2020-01-01T00:00:00Z' }, { deleted_at: null }, { close_reason_id: 1 }]) {
		const r2 = await agent.post('/api/contacts', { last_name: 'RO', ...f });
		expectError(r2, 422, 'validation_failed', Object.keys(f));
	}
	expectError(await agent.get('/api/contacts/777'), 404);
});

test('contacts_create_rejects_unknown_field', async () => {
	expectError(await agent.post('/api/contacts', { last_name: 'X', nickname: 'Y' }), 422, 'validation_failed', ['nickname']);
});

test('contacts_create_rejects_bad_kind', async () => {
	expectError(await agent.post('/api/contacts', { last_name: 'X', kind: 'vip' }), 422, 'validation_failed', ['kind']);
	for (const kind of ['lead', 'customer', 'company_contact']) {
		const r = await agent.post('/api/contacts', { last_name: 'X', kind });
		expectStatus(r, 201, kind);
		assert.equal(r.body.kind, kind);
	}
});

test('contacts_create_rejects_non_object_body', async () => {
	for (const body of ['[]', '"x"', '42', 'null', 'true', '[{"last_name":"Nowak"}]']) {
		const r = await agent.raw('POST', '/api/contacts', { body, headers: JSON_CT });
		expectError(r, 400, 'bad_json');
	}
});

test('contacts_create_rejects_malformed_json', async () => {
	for (const body of ['{', '{"last_name": "x",}', "{'last_name': 'x'}", '{"last_name": "x"} trailing', '{"last_name": NaN}', '']) {
		const r = await agent.raw('POST', '/api/contacts', { body, headers: JSON_CT });
		expectError(r, 400);
	}
});

test('contacts_create_rejects_body_over_1_mib', async () => {
	const before = await count();
	const big = JSON.stringify({ last_name: 'Duży', address: 'x'.repeat(1536 * 1024) });
	const r = await agent.raw('POST', '/api/contacts', { body: big, headers: JSON_CT });
	expectError(r, 413, 'too_large');
	assert.equal(await count(), before);
	// the connection and the server are fine afterwards
	expectStatus(await agent.get('/api/me'), 200);
});

test('contacts_create_rejects_duplicate_keys', async () => {
	const before = await count();
	const r = await agent.raw('POST', '/api/contacts', { body: '{"last_name": "A", "last_name": "B"}', headers: JSON_CT });
	expectError(r, 400, 'bad_json');
	assert.equal(await count(), before);
});

test('contacts_archived_flag', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Archiwalny', archived: true });
	expectStatus(r, 201);
	assert.equal(r.body.archived, true);
});

test('contacts_owner_can_be_a_colleague_of_the_department', async () => {
	const users = (await agent.get('/api/users?limit=500')).body.items;
	const agent2 = users.find((u) => u.login === 'agent2');
	const r = await agent.post('/api/contacts', { last_name: 'Cudzy', owner_id: agent2.id });
	expectStatus(r, 201);
	assert.equal(r.body.owner_id, agent2.id);
});

test('contacts_null_clears_optional_fields', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Czyść', city: 'Kraków', phone: '601234567', first_name: 'Jan' });
	const r = await agent.patch(`/api/contacts/${c.body.id}`, { city: null, phone: null, first_name: null, version: 1 });
	expectStatus(r, 200);
	assert.equal(r.body.city, null);
	assert.equal(r.body.phone, null);
	assert.equal(r.body.first_name, '', 'first_name falls back to its default');
});

test('contacts_create_rejects_chunked_body_over_1_mib', async () => {
	const before = await count();
	const payload = new TextEncoder().encode(JSON.stringify({ last_name: 'Strumień', address: 'x'.repeat(1536 * 1024) }));
	const stream = new ReadableStream({
		start(c) {
			for (let i = 0; i < payload.length; i += 64 * 1024) c.enqueue(payload.subarray(i, i + 64 * 1024));
			c.close();
		},
	});
	const res = await fetch(srv.url + '/api/contacts', {
		method: 'POST', body: stream, duplex: 'half', headers: agent.headersFor('POST', JSON_CT),
	});
	const text = await res.text();
	assert.equal(res.status, 413, text);
	assert.equal(JSON.parse(text).error.code, 'too_large');
	assert.equal(await count(), before);
});

test('contacts_update_pesel_checks_existing_birth_date', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Pesel później', birth_date: '1980-01-01' });
	expectStatus(c, 201);
	expectError(await agent.patch(`/api/contacts/${c.body.id}`, { pesel: '44051401359', version: 1 }), 422, 'validation_failed', ['birth_date']);
	const ok = await agent.patch(`/api/contacts/${c.body.id}`, { pesel: pesel(1980, 1, 1), version: 1 });
	expectStatus(ok, 200);
	const d = await agent.post('/api/contacts', { last_name: 'Pesel bez daty' });
	const f = await agent.patch(`/api/contacts/${d.body.id}`, { pesel: '44051401359', version: 1 });
	expectStatus(f, 200);
	assert.equal(f.body.birth_date, '1944-05-14', 'the birth date is filled in from the PESEL');
});

test('contacts_clearing_birth_date_keeps_pesel_consistent', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Pesel czyść', pesel: '44051401359' });
	expectStatus(c, 201);
	const r = await agent.patch(`/api/contacts/${c.body.id}`, { birth_date: null, version: 1 });
	// either refused, or the date stays what the PESEL says
	if (r.status === 200) assert.equal(r.body.birth_date, '1944-05-14', `PATCH birth_date null with a PESEL: ${r.text}`);
	else expectError(r, 422, 'validation_failed', ['birth_date']);
});
