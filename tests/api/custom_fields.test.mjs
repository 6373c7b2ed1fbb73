// custom fields: definitions per entity (text, number, currency, date,
// select with options) and the values records carry in "custom".
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus } from './lib/harness.mjs';

let srv, admin, agent;
const OPTIONS = [
	{ value: 'vip', label: 'Klient VIP', short_name: 'VIP', color: '#ffffff', background: '#aa0000' },
	{ value: 'std', label: 'Standard', short_name: 'STD', color: '#000000', background: '#eeeeee' },
	{ value: 'new' },
];

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
	const defs = [
		{ entity: 'contacts', name: 'hobby', label: 'Hobby', type: 'text', position: 1 },
		{ entity: 'contacts', name: 'children', label: 'Liczba dzieci', type: 'number', position: 2 },
		{ entity: 'contacts', name: 'budget', label: 'Budżet', type: 'currency', position: 3 },
		{ entity: 'contacts', name: 'last_trip', label: 'Ostatni wyjazd', type: 'date', position: 4 },
		{ entity: 'contacts', name: 'segment', label: 'Segment', type: 'select', options: OPTIONS, position: 5 },
	];
	for (const d of defs) expectStatus(await admin.post('/api/custom_fields', d), 201, d.name);
});
after(async () => {
	await srv?.stop();
});

test('custom_fields_create_returns_the_definition', async () => {
	const r = await admin.post('/api/custom_fields', { entity: 'companies', name: 'industry', label: 'Branża', type: 'select', options: OPTIONS });
	expectStatus(r, 201);
	assert.equal(r.body.entity, 'companies');
	assert.equal(r.body.name, 'industry');
	assert.equal(r.body.label, 'Branża');
	assert.equal(r.body.type, 'select');
	assert.deepEqual(r.body.options, OPTIONS);
	assert.equal(r.body.required, false);
	assert.equal(r.body.position, 0);
	const list = await agent.get('/api/custom_fields?entity=contacts');
	expectStatus(list, 200);
	assert.deepEqual(list.body.items.map((f) => f.name), ['hobby', 'children', 'budget', 'last_trip', 'segment'], 'ordered by position');
});

test('custom_values_of_every_type_are_accepted', async () => {
	const custom = { hobby: 'żeglarstwo', children: 2, budget: 1250000, last_trip: '2024-08-15', segment: 'vip' };
	const r = await agent.post('/api/contacts', { last_name: 'Własny', custom });
	expectStatus(r, 201);
	assert.deepEqual(r.body.custom, custom);
	assert.deepEqual((await agent.get(`/api/contacts/${r.body.id}`)).body.custom, custom);
	const r2 = await agent.post('/api/contacts', { last_name: 'Ułamek', custom: { children: 1.5 } });
	expectStatus(r2, 201, 'a number may have a fraction');
	assert.equal(r2.body.custom.children, 1.5);
});

test('custom_values_are_validated_by_type', async () => {
	const cases = [
		[{ hobby: 5 }, 'hobby'], [{ hobby: 'x'.repeat(501) }, 'hobby'], [{ children: '2' }, 'children'], [{ children: true }, 'children'],
		[{ budget: 12.5 }, 'budget'], [{ budget: '100' }, 'budget'], [{ last_trip: '2024-02-30' }, 'last_trip'],
		[{ last_trip: 20240815 }, 'last_trip'], [{ segment: 'gold' }, 'segment'], [{ segment: 1 }, 'segment'],
		[{ segment: 'VIP' }, 'segment'], [{ hobby: ['a'] }, 'hobby'], [{ hobby: { a: 1 } }, 'hobby'],
	];
	for (const [custom, name] of cases) {
		const r = await agent.post('/api/contacts', { last_name: 'Zły typ', custom });
		expectError(r, 422, 'validation_failed', [`custom.${name}`]);
	}
});

test('custom_unknown_key_is_422', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Nieznane', custom: { shoe_size: 44 } });
	expectError(r, 422, 'validation_failed', ['custom.shoe_size']);
	// a companies field is not a contacts field
	const r2 = await agent.post('/api/contacts', { last_name: 'Nieznane', custom: { industry: 'vip' } });
	expectError(r2, 422, 'validation_failed', ['custom.industry']);
});

test('custom_all_errors_reported_at_once', async () => {
	const r = await agent.post('/api/contacts', { last_name: 'Wiele', custom: { hobby: 1, budget: 'x', segment: 'gold', nope: 1 } });
	expectError(r, 422, 'validation_failed', ['custom.hobby', 'custom.budget', 'custom.segment', 'custom.nope']);
});

test('custom_required_field_enforced_on_create', async () => {
	const f = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'source', label: 'Źródło', type: 'text', required: true });
	expectStatus(f, 201);
	try {
		expectError(await agent.post('/api/contacts', { last_name: 'Bez źródła' }), 422, 'validation_failed', ['custom.source']);
		expectError(await agent.post('/api/contacts', { last_name: 'Bez źródła', custom: {} }), 422, 'validation_failed', ['custom.source']);
		expectError(await agent.post('/api/contacts', { last_name: 'Null', custom: { source: null } }), 422, 'validation_failed', ['custom.source']);
		const ok = await agent.post('/api/contacts', { last_name: 'Ze źródłem', custom: { source: 'polecenie' } });
		expectStatus(ok, 201);
		// removing a required value is refused too
		const p = await agent.patch(`/api/contacts/${ok.body.id}`, { custom: { source: null }, version: 1 });
		expectError(p, 422, 'validation_failed', ['custom.source']);
	} finally {
		expectStatus(await admin.del(`/api/custom_fields/${f.body.id}`), 204);
	}
	expectStatus(await agent.post('/api/contacts', { last_name: 'Po usunięciu pola' }), 201, 'the requirement went with the field');
});

test('custom_required_field_does_not_block_other_edits_of_old_records', async () => {
	const old = await agent.post('/api/contacts', { last_name: 'Stary rekord' });
	expectStatus(old, 201);
	const f = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'region', label: 'Region', type: 'text', required: true });
	try {
		const p = await agent.patch(`/api/contacts/${old.body.id}`, { city: 'Kielce', version: 1 });
		expectStatus(p, 200);
	} finally {
		expectStatus(await admin.del(`/api/custom_fields/${f.body.id}`), 204);
	}
});

test('custom_patch_merges_keys_and_null_removes', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Scalany', custom: { hobby: 'szachy', children: 1, segment: 'std' } });
	expectStatus(c, 201);
	const p = await agent.patch(`/api/contacts/${c.body.id}`, { custom: { children: 3 }, version: 1 });
	expectStatus(p, 200);
	assert.deepEqual(p.body.custom, { hobby: 'szachy', children: 3, segment: 'std' });
	const p2 = await agent.patch(`/api/contacts/${c.body.id}`, { custom: { hobby: null, budget: 500 }, version: 2 });
	expectStatus(p2, 200);
	assert.deepEqual(p2.body.custom, { children: 3, segment: 'std', budget: 500 });
	const h = await agent.get(`/api/contacts/${c.body.id}/history`);
	assert.ok(h.body.items[0].changes.custom, 'history records the custom change');
	const bad = await agent.patch(`/api/contacts/${c.body.id}`, { custom: { segment: 'gold' }, version: 3 });
	expectError(bad, 422, 'validation_failed', ['custom.segment']);
	assert.deepEqual((await agent.get(`/api/contacts/${c.body.id}`)).body.custom, { children: 3, segment: 'std', budget: 500 });
});

test('custom_patch_with_same_values_is_no_change', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Bez zmian', custom: { hobby: 'golf' } });
	const p = await agent.patch(`/api/contacts/${c.body.id}`, { custom: { hobby: 'golf' }, version: 1 });
	expectStatus(p, 200);
	assert.equal(p.body.version, 1);
});

test('custom_fields_select_needs_options', async () => {
	for (const options of [undefined, null, [], 'vip', [{}], [{ value: '' }], [{ value: 'a' }, { value: 'a' }],
		[{ value: 'a', color: 'red' }], [{ value: 'a', extra: 1 }], [{ value: 'a', short_name: 'x'.repeat(21) }], ['a']]) {
		const body = { entity: 'contacts', name: 'sel_bad', label: 'Zły', type: 'select' };
		if (options !== undefined) body.options = options;
		const r = await admin.post('/api/custom_fields', body);
		expectError(r, 422, 'validation_failed', ['options']);
	}
});

test('custom_fields_options_only_for_select', async () => {
	const r = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'txt_opts', label: 'T', type: 'text', options: OPTIONS });
	expectError(r, 422, 'validation_failed', ['options']);
});

test('custom_fields_name_must_be_an_identifier', async () => {
	for (const name of ['Bad Name', 'BadName', '1abc', '_x', 'a-b', 'zażółć', '', 'a'.repeat(41), 'custom.x']) {
		const r = await admin.post('/api/custom_fields', { entity: 'contacts', name, label: 'L', type: 'text' });
		expectError(r, 422, 'validation_failed', ['name']);
	}
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'good_name_2', label: 'L', type: 'text' }), 201);
});

test('custom_fields_duplicate_name_same_entity_is_409', async () => {
	const r = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'hobby', label: 'Znowu', type: 'number' });
	expectError(r, 409, 'duplicate');
	const other = await admin.post('/api/custom_fields', { entity: 'companies', name: 'hobby', label: 'Hobby firmy', type: 'text' });
	expectStatus(other, 201, 'the same name on another entity is fine');
});

test('custom_fields_validate_entity_and_type', async () => {
	expectError(await admin.post('/api/custom_fields', { entity: 'users', name: 'x1', label: 'X', type: 'text' }), 422, 'validation_failed', ['entity']);
	expectError(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'x2', label: 'X', type: 'boolean' }), 422, 'validation_failed', ['type']);
	expectError(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'x3', type: 'text' }), 422, 'validation_failed', ['label']);
	expectError(await admin.post('/api/custom_fields', {}), 422, 'validation_failed', ['entity', 'name', 'label', 'type']);
});

test('custom_fields_update_label_options_but_not_type_or_name', async () => {
	const f = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'tier', label: 'Poziom', type: 'select', options: [{ value: 'a' }] });
	expectStatus(f, 201);
	const p = await admin.patch(`/api/custom_fields/${f.body.id}`, { label: 'Poziom klienta', options: [{ value: 'a' }, { value: 'b', label: 'B' }], version: 1 });
	expectStatus(p, 200);
	assert.equal(p.body.label, 'Poziom klienta');
	assert.equal(p.body.options.length, 2);
	expectStatus(await agent.post('/api/contacts', { last_name: 'Nowa opcja', custom: { tier: 'b' } }), 201, 'the new option is usable');
	expectError(await admin.patch(`/api/custom_fields/${f.body.id}`, { type: 'text', version: 2 }), 422, 'validation_failed', ['type']);
	expectError(await admin.patch(`/api/custom_fields/${f.body.id}`, { name: 'tier2', version: 2 }), 422, 'validation_failed', ['name']);
	expectError(await admin.patch(`/api/custom_fields/${f.body.id}`, { entity: 'companies', version: 2 }), 422, 'validation_failed', ['entity']);
	expectError(await admin.patch(`/api/custom_fields/${f.body.id}`, { options: [], version: 2 }), 422, 'validation_failed', ['options']);
	expectError(await admin.patch(`/api/custom_fields/${f.body.id}`, { options: null, version: 2 }), 422, 'validation_failed', ['options']);
});

test('custom_values_on_companies', async () => {
	const r = await agent.post('/api/companies', { name: 'Z polem', custom: { industry: 'vip' } });
	expectStatus(r, 201);
	assert.deepEqual(r.body.custom, { industry: 'vip' });
	expectError(await agent.post('/api/companies', { name: 'Z polem', custom: { industry: 'nope' } }), 422, 'validation_failed', ['custom.industry']);
	expectError(await agent.post('/api/companies', { name: 'Z polem', custom: { segment: 'vip' } }), 422, 'validation_failed', ['custom.segment']);
});

test('custom_deleted_field_no_longer_accepts_values', async () => {
	const f = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'temp_field', label: 'Tymczasowe', type: 'text' });
	expectStatus(await agent.post('/api/contacts', { last_name: 'Przed', custom: { temp_field: 'x' } }), 201);
	expectStatus(await admin.del(`/api/custom_fields/${f.body.id}`), 204);
	expectError(await agent.post('/api/contacts', { last_name: 'Po', custom: { temp_field: 'x' } }), 422, 'validation_failed', ['custom.temp_field']);
	// and the name is free again
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'temp_field', label: 'Znowu', type: 'number' }), 201);
});

test('custom_key_with_dots_or_long_name_is_reported', async () => {
	const long = 'k'.repeat(300);
	const r = await agent.post('/api/contacts', { last_name: 'Długi klucz', custom: { [long]: 1 } });
	const e = expectError(r, 422, 'validation_failed');
	const keys = Object.keys(e.fields);
	assert.equal(keys.length, 1);
	assert.ok(keys[0].startsWith('custom.k'), keys[0]);
});

test('custom_fields_beyond_the_limit_are_refused_or_usable', async () => {
	// at most 100 custom fields per entity: the 101st must be refused, or work
	const have = (await admin.get('/api/custom_fields?entity=companies&limit=500')).body.items.length;
	const made = [];
	let refused = null;
	for (let i = have; i < 101; i++) {
		const r = await admin.post('/api/custom_fields', { entity: 'companies', name: `bulk_${i}`, label: `Pole ${i}`, type: 'text', position: 500 + i });
		if (r.status !== 201) {
			refused = r;
			break;
		}
		made.push(r.body);
	}
	try {
		if (refused) {
			assert.equal(made.length + have, 100, `refused before the limit: ${refused.text}`);
			expectError(refused, 422, 'validation_failed');
		} else {
			const last = made[made.length - 1];
			const r = await agent.post('/api/companies', { name: 'Sto jeden', custom: { [last.name]: 'działa' } });
			expectStatus(r, 201, `POST /api/companies with custom.${last.name} (the 101st field)`);
		}
	} finally {
		for (const f of made) await admin.del(`/api/custom_fields/${f.id}`);
	}
});
