// companies: the company record, NIP and REGON checks, normalisation, and
// contacts linked to a company.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, agent, admin;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent2');
});
after(async () => {
	await srv?.stop();
});

function regon(digits) {
	const w = digits.length === 8 ? [8, 9, 2, 3, 4, 5, 6, 7] : [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];
	const sum = [...digits].reduce((a, c, i) => a + Number(c) * w[i], 0);
	return digits + String((sum % 11) % 10);
}

test('companies_create_with_contract_fields', async () => {
	const input = {
		name: 'Kancelaria Rachunkowa "Bilans" s.c.', nip: '5260250274', regon: '123456785', phone: '0048 12 345 67 89',
		email: 'biuro@bilans.pl', city: 'Łódź', address: 'ul. Piotrkowska 100', owner_id: agent.user.id, custom: {},
	};
	const r = await agent.post('/api/companies', input);
	expectStatus(r, 201);
	for (const k of ['name', 'nip', 'regon', 'email', 'city', 'address', 'owner_id']) assert.deepEqual(r.body[k], input[k], k);
	assert.deepEqual(r.body.custom, {});
	assert.equal(r.body.phone, '+48123456789');
	assert.equal(r.body.version, 1);
	assert.deepEqual((await agent.get(`/api/companies/${r.body.id}`)).body, r.body);
});

test('companies_create_requires_name', async () => {
	expectError(await agent.post('/api/companies', {}), 422, 'validation_failed', ['name']);
	expectError(await agent.post('/api/companies', { name: ' ' }), 422, 'validation_failed', ['name']);
	expectError(await agent.post('/api/companies', { name: 'x'.repeat(301) }), 422, 'validation_failed', ['name']);
	expectStatus(await agent.post('/api/companies', { name: 'ę'.repeat(300) }), 201);
});

test('companies_owner_defaults_to_creator', async () => {
	const r = await agent.post('/api/companies', { name: uniq('Moja ') });
	expectStatus(r, 201);
	assert.equal(r.body.owner_id, agent.user.id);
});

test('companies_nip_is_validated', async () => {
	expectStatus(await agent.post('/api/companies', { name: 'NIP ok', nip: '5260250274' }), 201);
	expectError(await agent.post('/api/companies', { name: 'NIP zły', nip: '5260250275' }), 422, 'validation_failed', ['nip']);
	for (const nip of ['526025027', '52602502741', 'abcdefghij', '0000000000x', 5260250274]) {
		expectError(await agent.post('/api/companies', { name: 'NIP zły', nip }), 422, 'validation_failed', ['nip']);
	}
});

test('companies_nip_is_normalised', async () => {
	for (const nip of ['526-025-02-74', '526 025 02 74', 'PL5260250274', 'PL 526-025-02-74']) {
		const r = await agent.post('/api/companies', { name: 'NIP format', nip });
		expectStatus(r, 201, nip);
		assert.equal(r.body.nip, '5260250274', nip);
	}
});

test('companies_regon_is_validated', async () => {
	expectStatus(await agent.post('/api/companies', { name: 'REGON 9', regon: '123456785' }), 201);
	expectError(await agent.post('/api/companies', { name: 'REGON zły', regon: '123456786' }), 422, 'validation_failed', ['regon']);
	const r14 = regon('1234567851234');
	const ok14 = await agent.post('/api/companies', { name: 'REGON 14', regon: r14 });
	expectStatus(ok14, 201, r14);
	assert.equal(ok14.body.regon, r14);
	const bad14 = r14.slice(0, 13) + String((Number(r14[13]) + 1) % 10);
	expectError(await agent.post('/api/companies', { name: 'REGON 14 zły', regon: bad14 }), 422, 'validation_failed', ['regon']);
	for (const bad of ['12345678', '1234567890', 'abcdefghi']) {
		expectError(await agent.post('/api/companies', { name: 'REGON zły', regon: bad }), 422, 'validation_failed', ['regon']);
	}
});

test('companies_email_and_phone_are_validated', async () => {
	expectError(await agent.post('/api/companies', { name: 'E', email: 'biuro@' }), 422, 'validation_failed', ['email']);
	expectError(await agent.post('/api/companies', { name: 'P', phone: 'zadzwoń' }), 422, 'validation_failed', ['phone']);
});

test('companies_reject_contact_only_fields', async () => {
	const r = await agent.post('/api/companies', { name: 'X', pesel: '44051401359', last_name: 'Y' });
	expectError(r, 422, 'validation_failed', ['pesel', 'last_name']);
});

test('companies_contacts_link_and_filter', async () => {
	const co = await agent.post('/api/companies', { name: uniq('Powiązana ') });
	const a = await agent.post('/api/contacts', { last_name: 'Pracownik A', company_id: co.body.id, kind: 'company_contact' });
	const b = await agent.post('/api/contacts', { last_name: 'Pracownik B', company_id: co.body.id, kind: 'company_contact' });
	expectStatus(a, 201);
	expectStatus(b, 201);
	const list = await agent.get(`/api/contacts?company_id=${co.body.id}`);
	expectStatus(list, 200);
	assert.deepEqual(list.body.items.map((x) => x.id).sort(), [a.body.id, b.body.id].sort());
});

test('companies_contact_moved_to_another_company', async () => {
	const c1 = await agent.post('/api/companies', { name: uniq('Stara ') });
	const c2 = await agent.post('/api/companies', { name: uniq('Nowa ') });
	const p = await agent.post('/api/contacts', { last_name: 'Przenoszony', company_id: c1.body.id });
	const r = await agent.patch(`/api/contacts/${p.body.id}`, { company_id: c2.body.id, version: 1 });
	expectStatus(r, 200);
	assert.equal(r.body.company_id, c2.body.id);
	expectError(await agent.patch(`/api/contacts/${p.body.id}`, { company_id: 99999, version: 2 }), 422, 'validation_failed', ['company_id']);
	const u = await agent.patch(`/api/contacts/${p.body.id}`, { company_id: null, version: 2 });
	expectStatus(u, 200);
	assert.equal(u.body.company_id, null);
});

test('companies_list_sorted_by_name', async () => {
	for (const n of ['Żabka', 'Allegro', 'Orlen']) expectStatus(await agent.post('/api/companies', { name: `${n} sort` }), 201);
	const items = (await agent.get('/api/companies?sort=name&limit=500')).body.items.map((c) => c.name);
	const i = (n) => items.indexOf(`${n} sort`);
	assert.ok(i('Allegro') < i('Orlen'), items.join(' | '));
	assert.ok(i('Orlen') < i('Żabka'), items.join(' | '));
});

test('companies_filter_by_nip', async () => {
	const r = await agent.post('/api/companies', { name: uniq('Filtr NIP '), nip: '7740001454' });
	expectStatus(r, 201);
	const list = await agent.get('/api/companies?nip=7740001454');
	expectStatus(list, 200);
	assert.ok(list.body.items.some((c) => c.id === r.body.id));
	assert.ok(list.body.items.every((c) => c.nip === '7740001454'));
});

test('companies_search_by_name_and_nip', async () => {
	const r = await agent.post('/api/companies', { name: 'Przedsiębiorstwo Wielobranżowe Ćma', nip: '1132853869', city: 'Gdańsk' });
	expectStatus(r, 201);
	for (const q of ['cma', 'wielobranzowe', 'PRZEDSIEBIORSTWO', 'gdansk', '1132853869']) {
		const list = await agent.get(`/api/companies?q=${encodeURIComponent(q)}`);
		expectStatus(list, 200, q);
		assert.ok(list.body.items.some((c) => c.id === r.body.id), `q=${q}`);
	}
});

test('companies_wrong_types_all_reported', async () => {
	const r = await agent.post('/api/companies', { name: 1, nip: 1, owner_id: 'me', custom: 5 });
	expectError(r, 422, 'validation_failed', ['name', 'nip', 'owner_id', 'custom']);
});

test('companies_admin_sees_agent_companies', async () => {
	const r = await agent.post('/api/companies', { name: uniq('Widoczna ') });
	expectStatus(await admin.get(`/api/companies/${r.body.id}`), 200);
});
