// duplicates: GET /api/duplicates groups likely duplicate clients and
// companies with the evidence and a score: the same phone in any spelling,
// the same e-mail in any case, the same PESEL or NIP, the same name folded
// (Polish letters, order of first and last name) with a birth date, city or
// address as more evidence, and names one typo apart; pages follow a cursor;
// nobody sees groups of records they can't see.  POST /api/contacts
// ?check_duplicates=1 answers 409 possible_duplicate with the candidates
// and writes nothing.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, pageAll } from './lib/harness.mjs';

let srv, admin, agent1, agent3;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	agent3 = await srv.session('agent3');
});
after(async () => {
	await srv?.stop();
});

async function contact(client, fields) {
	return expectStatus(await client.post('/api/contacts', fields), 201, `create ${JSON.stringify(fields)}`);
}

async function groups(client, entity = 'contacts', extra = '') {
	return pageAll(client, `/api/duplicates?entity=${entity}&limit=200${extra}`, { max: 1000 });
}

/* groupWith: the group of kind holding exactly these ids (any order). */
function groupWith(list, kind, ids) {
	const want = [...ids].sort((a, b) => a - b).join(',');
	return list.find((g) => g.kind === kind && g.records.map((r) => r.id).sort((a, b) => a - b).join(',') === want);
}

function anyGroupWith(list, id) {
	return list.filter((g) => g.records.some((r) => r.id === id));
}

// A valid NIP from nine digits: the check digit of weights 6 5 7 2 3 4 5 6 7.
function nip(nine) {
	const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
	for (let n = Number(nine); ; n++) {
		const d = String(n).padStart(9, '0').split('').map(Number);
		const c = d.reduce((s, x, i) => s + x * w[i], 0) % 11;
		if (c < 10) return d.join('') + c;
	}
}

test('duplicates_group_contacts_by_phone_in_any_spelling', async () => {
	const a = await contact(admin, { first_name: 'Halina', last_name: 'Telefoniczna', phone: '+48 511 222 333' });
	const b = await contact(admin, { first_name: 'Zofia', last_name: 'Inna', phone: '(511) 222-333' });
	const g = groupWith(await groups(admin), 'phone', [a.id, b.id]);
	assert.ok(g, 'a phone group of the two');
	assert.deepEqual(g.evidence, ['phone']);
	assert.equal(g.score, 50);
	assert.equal(g.records[0].phone, '+48511222333');
});

test('duplicates_group_contacts_by_email_ignoring_case', async () => {
	const a = await contact(admin, { first_name: 'Ola', last_name: 'Mailowa', email: 'Ola.Mailowa@Poczta.example.pl' });
	const b = await contact(admin, { first_name: 'Aleksandra', last_name: 'Mailowa', email: 'ola.mailowa@poczta.example.pl' });
	const g = groupWith(await groups(admin), 'email', [a.id, b.id]);
	assert.ok(g, 'an e-mail group');
	assert.ok(g.evidence.includes('email'));
});

test('duplicates_group_names_folded_with_birth_date_as_evidence', async () => {
	const a = await contact(admin, { first_name: 'Łukasz', last_name: 'Wójcikowski', birth_date: '1981-03-04', city: 'Łódź' });
	const b = await contact(admin, { first_name: 'LUKASZ', last_name: 'wojcikowski', birth_date: '1981-03-04', city: 'Lodz' });
	const g = groupWith(await groups(admin), 'name', [a.id, b.id]);
	assert.ok(g, 'a name group');
	for (const ev of ['name', 'birth_date', 'city']) assert.ok(g.evidence.includes(ev), `evidence ${ev}: ${g.evidence}`);
	assert.equal(g.score, 75);
});

test('duplicates_group_swapped_first_and_last_name', async () => {
	const a = await contact(admin, { first_name: 'Jan', last_name: 'Brzęczyszczykiewicz' });
	const b = await contact(admin, { first_name: 'Brzęczyszczykiewicz', last_name: 'Jan' });
	const g = groupWith(await groups(admin), 'name', [a.id, b.id]);
	assert.ok(g, 'a name group of the swapped names');
	assert.ok(g.evidence.includes('name_swapped'));
});

test('duplicates_group_names_one_typo_apart', async () => {
	const a = await contact(admin, { first_name: 'Grzegorz', last_name: 'Chrząszczewski' });
	const b = await contact(admin, { first_name: 'Grzegorz', last_name: 'Chrząszczewsky' });
	// a typo in the token that sorts first (the other pass of the scan)
	const c = await contact(admin, { first_name: 'Marianna', last_name: 'Zxyqowska' });
	const d = await contact(admin, { first_name: 'Mariana', last_name: 'Zxyqowska' });
	// two letters swapped
	const e = await contact(admin, { first_name: 'Bartłomiej', last_name: 'Kwiatkowskiewicz' });
	const f = await contact(admin, { first_name: 'Bartłomiej', last_name: 'Kwiatkowskiewicz'.replace('wi', 'iw') });
	const list = await groups(admin);
	for (const [x, y] of [[a, b], [c, d], [e, f]]) {
		const g = groupWith(list, 'similar_name', [x.id, y.id]);
		assert.ok(g, `a similar-name group of ${x.first_name} ${x.last_name} and ${y.first_name} ${y.last_name}`);
		assert.deepEqual(g.evidence, ['similar_name']);
	}
	const only = await groups(admin, 'contacts', '&kind=similar_name');
	assert.ok(only.length >= 3 && only.every((g) => g.kind === 'similar_name'));
});

test('duplicates_leave_out_records_without_evidence_and_records_in_trash', async () => {
	const lone = await contact(admin, { first_name: 'Samotny', last_name: 'Unikatowy', phone: '+48 522 000 111' });
	const a = await contact(admin, { first_name: 'Kasia', last_name: 'Kosz', phone: '+48 522 000 999' });
	const b = await contact(admin, { first_name: 'Basia', last_name: 'Kosz', phone: '+48 522 000 999' });
	assert.ok(groupWith(await groups(admin), 'phone', [a.id, b.id]));
	expectStatus(await admin.del(`/api/contacts/${b.id}`), 204);
	const list = await groups(admin);
	assert.equal(anyGroupWith(list, lone.id).length, 0, 'no evidence, no group');
	assert.equal(anyGroupWith(list, b.id).length, 0, 'a record in the trash is no duplicate');
});

test('duplicates_of_companies_by_nip_and_name_without_legal_form', async () => {
	const n = nip('526104');
	const a = expectStatus(await admin.post('/api/companies', { name: 'Biuro Podróży Żagiel sp. z o.o.', nip: n }), 201);
	const b = expectStatus(await admin.post('/api/companies', { name: 'BIURO PODROZY ZAGIEL Sp. z o. o.', nip: `PL ${n}` }), 201);
	const c = expectStatus(await admin.post('/api/companies', { name: 'Zagiel Biuro Podrozy', city: 'Gdańsk' }), 201);
	const list = await groups(admin, 'companies');
	const g = groupWith(list, 'nip', [a.id, b.id]);
	assert.ok(g, 'a NIP group');
	assert.ok(g.evidence.includes('nip') && g.evidence.includes('name'), `evidence: ${g.evidence}`);
	assert.ok(g.score >= 80);
	assert.ok(groupWith(list, 'name', [a.id, b.id, c.id]), 'the same name once the legal form is left out');
	assert.equal(g.records[0].name.length > 0, true);
});

test('duplicates_page_with_a_cursor_and_lose_nothing', async () => {
	for (let i = 0; i < 7; i++) {
		await contact(admin, { first_name: 'Stronicowy', last_name: `Nr${i}`, phone: `+48 533 100 ${String(100 + i)}` });
		await contact(admin, { first_name: 'Stronicowa', last_name: `Kopia${i}`, phone: `+48 533 100 ${String(100 + i)}` });
	}
	const all = await groups(admin);
	const paged = await pageAll(admin, '/api/duplicates?entity=contacts&limit=2', { max: 1000 });
	const key = (g) => `${g.kind}:${g.records.map((r) => r.id).join(',')}`;
	assert.deepEqual(paged.map(key), all.map(key));
	const first = expectStatus(await admin.get('/api/duplicates?entity=contacts&limit=2'), 200);
	assert.ok(first.items.length >= 2);
	assert.equal(typeof first.next_cursor, 'string');
});

test('duplicates_show_only_records_the_caller_sees', async () => {
	const a = await contact(agent1, { first_name: 'Prywatna', last_name: 'Pierwsza', phone: '+48 544 777 888', visibility: 'private' });
	const b = await contact(agent1, { first_name: 'Prywatna', last_name: 'Druga', phone: '+48 544 777 888', visibility: 'private' });
	const pub = await contact(agent3, { first_name: 'Publiczna', last_name: 'Trzecia', phone: '+48 544 777 888' });
	assert.ok(groupWith(await groups(agent1), 'phone', [a.id, b.id, pub.id]), 'the author sees the whole group');
	assert.ok(groupWith(await groups(admin), 'phone', [a.id, b.id, pub.id]));
	const other = await groups(agent3);
	assert.equal(anyGroupWith(other, a.id).length + anyGroupWith(other, b.id).length, 0, 'hidden records never show');
	assert.equal(anyGroupWith(other, pub.id).filter((g) => g.kind === 'phone').length, 0, 'one visible record is no group');
});

test('duplicates_refuse_bad_parameters', async () => {
	expectError(await admin.get('/api/duplicates'), 400, 'bad_query', ['entity']);
	expectError(await admin.get('/api/duplicates?entity=activities'), 400, 'bad_query', ['entity']);
	expectError(await admin.get('/api/duplicates?entity=contacts&kind=shoe_size'), 400, 'bad_query', ['kind']);
	expectError(await admin.get('/api/duplicates?entity=contacts&limit=0'), 400, 'bad_query', ['limit']);
	expectError(await admin.get('/api/duplicates?entity=contacts&limit=201'), 400, 'bad_query', ['limit']);
	expectError(await admin.get('/api/duplicates?entity=contacts&cursor=bm90LWEtY3Vyc29y'), 400, 'bad_query', ['cursor']);
	expectError(await admin.get('/api/duplicates?entity=contacts&sort=id'), 400, 'bad_query', ['sort']);
	expectError(await srv.anon.get('/api/duplicates?entity=contacts'), 401, 'unauthorized');
});

test('contacts_create_with_check_duplicates_answers_409_with_candidates', async () => {
	const old = await contact(admin, { first_name: 'Ryszard', last_name: 'Sprawdzany', phone: '+48 555 123 456', birth_date: '1970-05-06' });
	const r = await admin.post('/api/contacts?check_duplicates=1', { first_name: 'Rysiek', last_name: 'Nowy', phone: '555123456' });
	const err = expectError(r, 409, 'possible_duplicate');
	assert.ok(Array.isArray(err.candidates));
	const cand = err.candidates.find((c) => c.id === old.id);
	assert.ok(cand, `candidates: ${JSON.stringify(err.candidates)}`);
	assert.ok(cand.evidence.includes('phone'));
	assert.equal(typeof cand.score, 'number');
	const same = expectError(await admin.post('/api/contacts?check_duplicates=true',
		{ first_name: 'Ryszard', last_name: 'Sprawdzany', birth_date: '1970-05-06' }), 409, 'possible_duplicate');
	assert.ok(same.candidates.find((c) => c.id === old.id).evidence.includes('birth_date'));
	const typo = expectError(await admin.post('/api/contacts?check_duplicates=1',
		{ first_name: 'Ryszard', last_name: 'Sprawdzamy' }), 409, 'possible_duplicate');
	assert.ok(typo.candidates.some((c) => c.id === old.id));
	// nothing was written
	const list = expectStatus(await admin.get('/api/contacts?q=Rysiek'), 200);
	assert.equal(list.items.length, 0);
	// without candidates (or without the check) the record is created
	expectStatus(await admin.post('/api/contacts?check_duplicates=1', { first_name: 'Całkiem', last_name: 'Innyzupełnie' }), 201);
	expectStatus(await admin.post('/api/contacts?check_duplicates=0', { first_name: 'Rysiek', last_name: 'Nowy', phone: '555123456' }), 201);
	// validation still comes first
	expectError(await admin.post('/api/contacts?check_duplicates=1', { first_name: 'X' }), 422, 'validation_failed', ['last_name']);
});

test('contacts_check_duplicates_ignores_records_the_caller_cannot_see', async () => {
	const hidden = await contact(agent1, { first_name: 'Ukryta', last_name: 'Kandydatka', phone: '+48 566 321 654', visibility: 'private' });
	const r = await agent3.post('/api/contacts?check_duplicates=1', { first_name: 'Jawna', last_name: 'Osoba', phone: '566 321 654' });
	const body = expectStatus(r, 201, 'no visible candidate');
	assert.notEqual(body.id, hidden.id);
	const seen = expectError(await agent1.post('/api/contacts?check_duplicates=1', { last_name: 'Ktokolwiek', phone: '566321654' }), 409, 'possible_duplicate');
	assert.ok(seen.candidates.some((c) => c.id === hidden.id));
});

test('check_duplicates_is_refused_where_it_does_not_apply', async () => {
	expectError(await admin.post('/api/contacts?check_duplicates=maybe', { last_name: 'X' }), 400, 'bad_query');
	expectError(await admin.post('/api/activities?check_duplicates=1', { kind: 'task', subject: 'X' }), 400, 'bad_query');
	const company = await admin.post('/api/companies?check_duplicates=1', { name: 'Firma Sprawdzana Jedyna' });
	expectStatus(company, 201);
	expectError(await admin.post('/api/companies?check_duplicates=1', { name: 'FIRMA SPRAWDZANA JEDYNA S.A.' }), 409, 'possible_duplicate');
});
