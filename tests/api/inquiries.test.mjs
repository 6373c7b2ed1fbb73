// inquiries: sales inquiries with the contract's fields, the pipeline of
// statuses (first open status by default, closed statuses set the outcome
// won or lost, lost needs a reason, reopening clears it), comments in the
// history, the intake form as custom fields, the board by status, statuses
// and close reasons for admins only, and finishing or reopening a client.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq, pageAll } from './lib/harness.mjs';

let srv, admin, manager, agent, agent2, agent3, krakow;

const ST = { NEW: 1, IN_PROGRESS: 2, OFFER: 3, WON: 4, LOST: 5 };
const REASON = { PRICE: 1, COMPETITOR: 2 }; // inquiries; 5..8 are the clients' reasons

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
	agent2 = await srv.session('agent2');
	agent3 = await srv.session('agent3');
	krakow = agent.user.department_id;
	const defs = [
		{ entity: 'inquiries', name: 'destination', label: 'Kierunek', type: 'text', position: 1 },
		{ entity: 'inquiries', name: 'people', label: 'Liczba osób', type: 'number', position: 2 },
		{ entity: 'inquiries', name: 'budget', label: 'Budżet', type: 'currency', position: 3 },
		{ entity: 'inquiries', name: 'departure', label: 'Wyjazd', type: 'date', position: 4 },
		{ entity: 'inquiries', name: 'board', label: 'Wyżywienie', type: 'select', position: 5, options: [{ value: 'ai', label: 'All inclusive' }, { value: 'bb', label: 'Śniadania' }] },
		{ entity: 'contacts', name: 'hobby', label: 'Hobby', type: 'text' },
	];
	for (const d of defs) expectStatus(await admin.post('/api/custom_fields', d), 201, d.name);
});
after(async () => {
	await srv?.stop();
});

async function inquiry(client, fields = {}) {
	const r = await client.post('/api/inquiries', { title: uniq('Zapytanie '), ...fields });
	expectStatus(r, 201, 'POST /api/inquiries');
	return r.body;
}

async function edit(client, id, fields) {
	const cur = await client.get(`/api/inquiries/${id}`);
	expectStatus(cur, 200);
	return client.patch(`/api/inquiries/${id}`, { ...fields, version: cur.body.version });
}

async function get(id, client = admin) {
	const r = await client.get(`/api/inquiries/${id}`);
	expectStatus(r, 200);
	return r.body;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

test('inquiries_create_with_contract_fields', async () => {
	const c = await agent.post('/api/contacts', { first_name: 'Maria', last_name: 'Podróżna' });
	const input = {
		title: 'Wczasy w Grecji dla 4 osób', contact_id: c.body.id, status_id: ST.IN_PROGRESS, planned_close_date: '2030-06-30',
		handler_id: agent2.user.id, visibility: 'company', value: 1250000,
		custom: { destination: 'Kreta', people: 4, budget: 1500000, departure: '2030-07-15', board: 'ai' },
	};
	const r = await agent.post('/api/inquiries', input);
	expectStatus(r, 201);
	for (const [k, v] of Object.entries(input)) assert.deepEqual(r.body[k], v, k);
	assert.equal(r.body.outcome, 'open');
	assert.equal(r.body.close_reason_id, null);
	assert.equal(r.body.closed_at, null);
	assert.equal(r.body.department_id, krakow, "the handler's department");
	assert.equal(r.body.version, 1);
	assert.match(r.body.created_at, ISO);
	assert.deepEqual(await get(r.body.id, agent), r.body);
	const p = await edit(agent, r.body.id, { title: 'Wczasy na Krecie', planned_close_date: null, custom: { people: 5 } });
	expectStatus(p, 200);
	assert.equal(p.body.title, 'Wczasy na Krecie');
	assert.equal(p.body.planned_close_date, null);
	assert.equal(p.body.custom.people, 5);
	expectStatus(await agent.del(`/api/inquiries/${r.body.id}`), 204);
	expectError(await agent.get(`/api/inquiries/${r.body.id}`), 404);
	expectStatus(await agent.post(`/api/inquiries/${r.body.id}/restore`), 200);
});

test('inquiries_defaults_first_open_status_and_caller_as_handler', async () => {
	for (const c of [agent, manager, agent3]) {
		const i = await inquiry(c);
		assert.equal(i.status_id, ST.NEW, 'the first open status of the pipeline');
		assert.equal(i.handler_id, c.user.id);
		assert.equal(i.outcome, 'open');
		assert.deepEqual(i.custom, {});
	}
});

test('inquiries_title_is_required_and_links_must_exist', async () => {
	expectError(await agent.post('/api/inquiries', {}), 422, 'validation_failed', ['title']);
	expectError(await agent.post('/api/inquiries', { title: 'X', contact_id: 99999999 }), 422, 'validation_failed', ['contact_id']);
	expectError(await agent.post('/api/inquiries', { title: 'X', handler_id: 99999999 }), 422, 'validation_failed', ['handler_id']);
	expectError(await agent.post('/api/inquiries', { title: 'X', visibility: 'secret' }), 422, 'validation_failed', ['visibility']);
	expectError(await agent.post('/api/inquiries', { title: 'X', value: -100 }), 422, 'validation_failed', ['value']);
	expectError(await agent.post('/api/inquiries', { title: 'X', value: 10.5 }), 422, 'validation_failed', ['value']);
	expectError(await agent.post('/api/inquiries', { title: 'X', planned_close_date: '2030-02-30' }), 422, 'validation_failed', ['planned_close_date']);
});

test('inquiries_status_of_another_entity_is_422', async () => {
	const statuses = (await admin.get('/api/statuses?limit=100')).body.items;
	const foreign = statuses.filter((s) => s.entity !== 'inquiries').map((s) => s.id);
	assert.ok(foreign.length >= 2);
	for (const sid of [...foreign, 99999999]) {
		expectError(await agent.post('/api/inquiries', { title: 'Zły status', status_id: sid }), 422, 'validation_failed', ['status_id']);
	}
	const i = await inquiry(agent);
	expectError(await edit(agent, i.id, { status_id: foreign[0] }), 422, 'validation_failed', ['status_id']);
	assert.equal((await get(i.id)).status_id, ST.NEW);
});

test('inquiries_closed_status_sets_the_outcome_and_closed_at', async () => {
	const i = await inquiry(agent, { value: 300000 });
	let r = await edit(agent, i.id, { status_id: ST.WON });
	expectStatus(r, 200);
	assert.equal(r.body.outcome, 'won');
	assert.match(r.body.closed_at, ISO);
	assert.equal(r.body.close_reason_id, null);
	// lost needs a reason
	r = await edit(agent, i.id, { status_id: ST.LOST });
	expectError(r, 422, 'validation_failed', ['close_reason_id']);
	assert.equal((await get(i.id)).outcome, 'won', 'nothing changed');
	// a client's close reason is not an inquiry's
	expectError(await edit(agent, i.id, { status_id: ST.LOST, close_reason_id: 5 }), 422, 'validation_failed', ['close_reason_id']);
	r = await edit(agent, i.id, { status_id: ST.LOST, close_reason_id: REASON.PRICE });
	expectStatus(r, 200);
	assert.equal(r.body.outcome, 'lost');
	assert.equal(r.body.close_reason_id, REASON.PRICE);
	assert.match(r.body.closed_at, ISO);
	// reopening clears the outcome, the reason and the closing time
	r = await edit(agent, i.id, { status_id: ST.IN_PROGRESS });
	expectStatus(r, 200);
	assert.equal(r.body.outcome, 'open');
	assert.equal(r.body.closed_at, null);
	assert.equal(r.body.close_reason_id, null);
});

test('inquiries_created_in_a_closed_status_are_closed', async () => {
	const won = await agent.post('/api/inquiries', { title: 'Sprzedane od ręki', status_id: ST.WON, value: 99000 });
	expectStatus(won, 201);
	assert.equal(won.body.outcome, 'won');
	assert.match(won.body.closed_at ?? '', ISO);
	const lost = await agent.post('/api/inquiries', { title: 'Od razu przegrane', status_id: ST.LOST, close_reason_id: REASON.COMPETITOR });
	expectStatus(lost, 201);
	assert.equal(lost.body.outcome, 'lost');
	expectError(await agent.post('/api/inquiries', { title: 'Przegrane bez powodu', status_id: ST.LOST }), 422, 'validation_failed', ['close_reason_id']);
});

test('inquiries_outcome_moves_the_status', async () => {
	const i = await inquiry(agent);
	let r = await edit(agent, i.id, { outcome: 'won' });
	expectStatus(r, 200);
	assert.equal(r.body.status_id, ST.WON);
	expectError(await edit(agent, i.id, { outcome: 'lost' }), 422, 'validation_failed', ['close_reason_id']);
	r = await edit(agent, i.id, { outcome: 'lost', close_reason_id: REASON.COMPETITOR });
	expectStatus(r, 200);
	assert.equal(r.body.status_id, ST.LOST);
	expectError(await edit(agent, i.id, { status_id: ST.WON, outcome: 'lost' }), 422, 'validation_failed', ['outcome']);
	r = await edit(agent, i.id, { outcome: 'open' });
	expectStatus(r, 200);
	assert.equal(r.body.status_id, ST.NEW);
	assert.equal(r.body.closed_at, null);
});

test('inquiries_comments_appear_in_the_history_with_every_change', async () => {
	const i = await inquiry(agent, { visibility: 'department' });
	expectStatus(await edit(agent, i.id, { status_id: ST.OFFER, value: 450000 }), 200);
	const c = await agent.post(`/api/inquiries/${i.id}/comments`, { body: 'Klient prosi o ofertę z wylotem z Krakowa.' });
	expectStatus(c, 201);
	const c2 = await agent2.post(`/api/inquiries/${i.id}/comments`, { body: 'Oferta wysłana mailem.' });
	expectStatus(c2, 201, 'a colleague who sees it may comment');
	const h = await agent.get(`/api/inquiries/${i.id}/history`);
	expectStatus(h, 200);
	const items = h.body.items;
	assert.deepEqual(items.map((x) => x.action), ['comment', 'comment', 'update', 'create'], 'newest first');
	assert.equal(items[0].changes.comment, 'Oferta wysłana mailem.');
	assert.equal(items[0].user_id, agent2.user.id);
	assert.equal(items[1].changes.comment, 'Klient prosi o ofertę z wylotem z Krakowa.');
	assert.equal(items[1].user_id, agent.user.id);
	assert.deepEqual(items[2].changes.status_id, [ST.NEW, ST.OFFER]);
	assert.deepEqual(items[2].changes.value, [null, 450000]);
	for (const x of items) assert.match(x.at, ISO);
	// bad comments
	for (const body of [{}, { body: '' }, { body: 5 }, { body: 'x', extra: 1 }, { body: 'x'.repeat(20001) }])
		expectError(await agent.post(`/api/inquiries/${i.id}/comments`, body), 422, 'validation_failed');
	expectError(await agent.post('/api/inquiries/99999999/comments', { body: 'Nie ma' }), 404);
	expectError(await agent3.post(`/api/inquiries/${i.id}/comments`, { body: 'Nie widzę' }), 404, 'not_found');
	assert.equal((await agent.get(`/api/inquiries/${i.id}/history`)).body.items.length, 4);
});

test('inquiries_custom_fields_are_validated', async () => {
	const ok = await inquiry(agent, { custom: { destination: 'Madera', people: 2, budget: 800000, departure: '2030-05-01', board: 'bb' } });
	assert.equal(ok.custom.board, 'bb');
	const cases = [
		[{ destination: 7 }, 'destination'], [{ people: 'dwie' }, 'people'], [{ budget: 12.5 }, 'budget'],
		[{ departure: '2030-02-30' }, 'departure'], [{ board: 'hb' }, 'board'], [{ shoe_size: 44 }, 'shoe_size'], [{ hobby: 'żagle' }, 'hobby'],
	];
	for (const [custom, name] of cases)
		expectError(await agent.post('/api/inquiries', { title: 'Zły formularz', custom }), 422, 'validation_failed', [`custom.${name}`]);
	expectError(await edit(agent, ok.id, { custom: { people: -1.5, board: 'x' } }), 422, 'validation_failed', ['custom.board']);
	assert.deepEqual((await get(ok.id)).custom, ok.custom);
});

async function board(client, q = '') {
	const r = await client.get(`/api/inquiries/board${q}`);
	expectStatus(r, 200, `GET /api/inquiries/board${q}`);
	assert.ok(Array.isArray(r.body.columns), r.text);
	return r.body.columns;
}

test('board_has_a_column_per_inquiry_status_with_counts_and_cards', async () => {
	for (let k = 0; k < 3; k++) await inquiry(agent, { status_id: ST.OFFER, value: 100000 * (k + 1) });
	for (const client of [agent, agent3, admin]) {
		const cols = await board(client);
		assert.deepEqual(cols.map((c) => c.status.id), [1, 2, 3, 4, 5], 'the inquiry pipeline in order');
		assert.deepEqual(cols.map((c) => c.status.name), ['Nowe', 'W trakcie', 'Oferta wysłana', 'Wygrane', 'Przegrane']);
		for (const col of cols) {
			const items = await pageAll(client, `/api/inquiries?status_id=${col.status.id}&limit=500`);
			assert.equal(col.count, items.length, `count of ${col.status.name} for ${client.user.login}`);
			if ('value' in col) assert.equal(col.value, items.reduce((s, x) => s + (x.value ?? 0), 0), 'value');
			assert.ok(Array.isArray(col.cards));
			assert.ok(col.cards.length <= col.count);
			for (const card of col.cards) assert.equal(card.status_id, col.status.id);
		}
	}
	const offer = (await board(agent)).find((c) => c.status.id === ST.OFFER);
	assert.ok(offer.count >= 3);
});

test('board_cards_parameter_limits_the_cards', async () => {
	for (let k = 0; k < 4; k++) await inquiry(agent, { status_id: ST.IN_PROGRESS });
	const full = await board(agent, '?cards=100');
	const two = await board(agent, '?cards=2');
	const none = await board(agent, '?cards=0');
	for (let i = 0; i < 5; i++) {
		assert.equal(two[i].cards.length, Math.min(2, full[i].count));
		assert.equal(none[i].cards.length, 0);
		assert.equal(none[i].count, full[i].count, 'counts without cards');
		assert.equal(full[i].cards.length, Math.min(100, full[i].count));
	}
	for (const q of ['?cards=101', '?cards=-1', '?cards=abc', '?cards='])
		expectError(await agent.get(`/api/inquiries/board${q}`), 400);
});

test('board_next_cursor_continues_the_column_in_the_list_sorted_by_id', async () => {
	for (let k = 0; k < 5; k++) await inquiry(agent, { status_id: ST.NEW });
	const col = (await board(agent, '?cards=2&fields=title')).find((c) => c.status.id === ST.NEW);
	assert.ok(col.next_cursor, 'more cards than shown');
	assert.deepEqual(Object.keys(col.cards[0]).sort(), ['id', 'title', 'version'], 'fields= slims the cards');
	const rest = await pageAll(agent, `/api/inquiries?status_id=${ST.NEW}&sort=-id&limit=2&cursor=${encodeURIComponent(col.next_cursor)}`);
	const all = await pageAll(agent, `/api/inquiries?status_id=${ST.NEW}&sort=-id&limit=500`);
	assert.deepEqual([...col.cards, ...rest].map((x) => x.id), all.map((x) => x.id), 'the cards, then the rest, each once');
	// In another order the cursor means nothing: refused, not misread.
	expectError(await agent.get(`/api/inquiries?status_id=${ST.NEW}&cursor=${encodeURIComponent(col.next_cursor)}`), 400, 'bad_query', ['cursor']);
});

test('board_moving_a_card_is_a_patch_of_status_id', async () => {
	const i = await inquiry(agent, { status_id: ST.NEW });
	const before = await board(agent, '?cards=100');
	const r = await edit(agent, i.id, { status_id: ST.OFFER });
	expectStatus(r, 200);
	const after = await board(agent, '?cards=100');
	const cnt = (cols, id) => cols.find((c) => c.status.id === id).count;
	assert.equal(cnt(after, ST.NEW), cnt(before, ST.NEW) - 1);
	assert.equal(cnt(after, ST.OFFER), cnt(before, ST.OFFER) + 1);
	assert.ok(after.find((c) => c.status.id === ST.OFFER).cards.some((c) => c.id === i.id));
	assert.ok(!after.find((c) => c.status.id === ST.NEW).cards.some((c) => c.id === i.id));
});

test('statuses_and_close_reasons_are_written_by_admins_only', async () => {
	for (const c of [agent, manager]) {
		expectError(await c.post('/api/statuses', { entity: 'inquiries', name: 'Moja' }), 403, 'forbidden');
		expectError(await c.patch(`/api/statuses/${ST.NEW}`, { name: 'Zmiana', version: 1 }), 403, 'forbidden');
		expectError(await c.del(`/api/statuses/${ST.NEW}`), 403, 'forbidden');
		expectError(await c.post('/api/close_reasons', { entity: 'inquiries', name: 'Mój powód' }), 403, 'forbidden');
		expectError(await c.patch(`/api/close_reasons/${REASON.PRICE}`, { name: 'Zmiana', version: 1 }), 403, 'forbidden');
		expectError(await c.del(`/api/close_reasons/${REASON.PRICE}`), 403, 'forbidden');
		expectStatus(await c.get('/api/statuses?entity=inquiries'), 200);
		expectStatus(await c.get('/api/close_reasons?entity=inquiries'), 200);
	}
	const s = await admin.get(`/api/statuses/${ST.NEW}`);
	assert.equal(s.body.name, 'Nowe');
});

test('statuses_admin_adds_a_status_that_joins_the_board', async () => {
	const s = await admin.post('/api/statuses', { entity: 'inquiries', name: 'Negocjacje', name_en: 'Negotiation', short_name: 'NEG', color: '#111111', background: '#fafafa', position: 25 });
	expectStatus(s, 201);
	assert.equal(s.body.closed, false);
	let cols = await board(agent);
	assert.deepEqual(cols.map((c) => c.status.id), [1, 2, s.body.id, 3, 4, 5], 'by position');
	const i = await inquiry(agent, { status_id: s.body.id });
	assert.equal(i.outcome, 'open');
	const p = await admin.patch(`/api/statuses/${s.body.id}`, { name: 'Negocjacje cenowe', version: s.body.version });
	expectStatus(p, 200);
	// a closed status with an outcome
	const won2 = await admin.post('/api/statuses', { entity: 'inquiries', name: 'Wygrane z opóźnieniem', closed: true, outcome: 'won', position: 45 });
	expectStatus(won2, 201);
	const r = await edit(agent, i.id, { status_id: won2.body.id });
	expectStatus(r, 200);
	assert.equal(r.body.outcome, 'won');
	// clean up: leave the standard pipeline for the other tests
	expectStatus(await edit(agent, i.id, { status_id: ST.NEW }), 200);
	expectStatus(await admin.del(`/api/statuses/${s.body.id}`), 204);
	expectStatus(await admin.del(`/api/statuses/${won2.body.id}`), 204);
	cols = await board(agent);
	assert.deepEqual(cols.map((c) => c.status.id), [1, 2, 3, 4, 5]);
	expectError(await admin.post('/api/statuses', { entity: 'invoices', name: 'Zła encja' }), 422, 'validation_failed', ['entity']);
});

test('close_reasons_admin_adds_a_reason_usable_for_lost_inquiries', async () => {
	const cr = await admin.post('/api/close_reasons', { entity: 'inquiries', name: 'Termin nie pasował', name_en: 'Dates did not suit', position: 50 });
	expectStatus(cr, 201);
	const i = await inquiry(agent);
	const r = await edit(agent, i.id, { status_id: ST.LOST, close_reason_id: cr.body.id });
	expectStatus(r, 200);
	assert.equal(r.body.close_reason_id, cr.body.id);
	const forClients = await admin.post('/api/close_reasons', { entity: 'contacts', name: 'Wyjazd za granicę' });
	expectStatus(forClients, 201);
	const j = await inquiry(agent);
	expectError(await edit(agent, j.id, { status_id: ST.LOST, close_reason_id: forClients.body.id }), 422, 'validation_failed', ['close_reason_id']);
});

async function client(c = agent, fields = {}) {
	const r = await c.post('/api/contacts', { last_name: uniq('Kończony'), ...fields });
	expectStatus(r, 201);
	return r.body;
}

test('contacts_finish_with_a_reason_and_a_note', async () => {
	const c = await client();
	const r = await agent.post(`/api/contacts/${c.id}/finish`, { close_reason_id: 5, note: 'Klient uznał ofertę za zbyt drogą.' });
	expectStatus(r, 200);
	assert.equal(r.body.status, 'finished');
	assert.equal(r.body.close_reason_id, 5);
	assert.equal(r.body.version, c.version + 1);
	assert.deepEqual((await agent.get(`/api/contacts/${c.id}`)).body, r.body);
	const h = (await agent.get(`/api/contacts/${c.id}/history`)).body.items;
	assert.equal(h[0].action, 'finish');
	assert.equal(h[0].user_id, agent.user.id);
	const hs = JSON.stringify(h[0].changes);
	assert.ok(hs.includes('finished') && hs.includes('Klient uznał ofertę za zbyt drogą.'), hs);
	const t = (await agent.get(`/api/contacts/${c.id}/timeline`)).body;
	assert.ok(t.items.some((i) => i.type === 'change' && i.record.action === 'finish'), 'the finish is in the timeline');
	const listed = await agent.get(`/api/contacts?status=finished&limit=500`);
	assert.ok(listed.body.items.some((x) => x.id === c.id));
});

test('contacts_finishing_twice_is_409', async () => {
	const c = await client();
	expectStatus(await agent.post(`/api/contacts/${c.id}/finish`, { close_reason_id: 6, note: null }), 200);
	const r = await agent.post(`/api/contacts/${c.id}/finish`, { close_reason_id: 7 });
	expectError(r, 409);
	const g = (await agent.get(`/api/contacts/${c.id}`)).body;
	assert.equal(g.close_reason_id, 6);
});

test('contacts_finish_bad_input_is_refused', async () => {
	const c = await client();
	for (const body of [{}, { note: 'bez powodu' }, { close_reason_id: REASON.PRICE }, { close_reason_id: 99999 }, { close_reason_id: 'cena' },
		{ close_reason_id: 5, note: 12 }, { close_reason_id: 5, status: 'active' }])
		expectError(await agent.post(`/api/contacts/${c.id}/finish`, body), 422, 'validation_failed');
	assert.equal((await agent.get(`/api/contacts/${c.id}`)).body.status, 'active');
	expectError(await agent.post('/api/contacts/99999999/finish', { close_reason_id: 5 }), 404);
	const hidden = await client(agent, { visibility: 'private' });
	expectError(await agent3.post(`/api/contacts/${hidden.id}/finish`, { close_reason_id: 5 }), 404);
	expectError(await agent3.post(`/api/contacts/${hidden.id}/reopen`), 404);
	assert.equal((await agent.get(`/api/contacts/${hidden.id}`)).body.status, 'active');
	// status is not written directly
	const p = await agent.patch(`/api/contacts/${c.id}`, { status: 'finished', version: c.version });
	assert.ok(p.status === 422 || (p.status === 200 && p.body.status === 'active'), `${p.status} ${p.text}`);
});

test('contacts_reopen_after_finishing', async () => {
	const c = await client();
	expectError(await agent.post(`/api/contacts/${c.id}/reopen`), 409, null);
	expectStatus(await agent.post(`/api/contacts/${c.id}/finish`, { close_reason_id: 8, note: 'Przeprowadzka' }), 200);
	const r = await agent.post(`/api/contacts/${c.id}/reopen`);
	expectStatus(r, 200);
	assert.equal(r.body.status, 'active');
	assert.equal(r.body.close_reason_id, null);
	const h = (await agent.get(`/api/contacts/${c.id}/history`)).body.items;
	assert.deepEqual(h.slice(0, 2).map((x) => x.action), ['reopen', 'finish']);
	expectError(await agent.post(`/api/contacts/${c.id}/reopen`), 409);
	expectStatus(await agent.post(`/api/contacts/${c.id}/finish`, { close_reason_id: 5 }), 200, 'finished again after reopening');
});

test('inquiries_list_sorts_and_filters_by_planned_close_date_handler_and_status', async () => {
	const tag = uniq('Termin ');
	const dates = ['2031-03-05', '2031-01-10', null, '2031-02-20'];
	const made = [];
	for (const d of dates) made.push(await inquiry(agent, { title: `${tag} ${d ?? 'bez'}`, planned_close_date: d }));
	const other = await inquiry(agent2, { title: `${tag} agent2`, planned_close_date: '2031-01-15' });
	const titles = async (q) => (await pageAll(agent, `/api/inquiries?q=${encodeURIComponent(tag)}&limit=2&${q}`)).map((i) => i.planned_close_date);
	// Soonest first, page by page (limit 2), the undated ones on their own end.
	const asc = await titles('sort=planned_close_date');
	assert.deepEqual(asc.filter(Boolean), ['2031-01-10', '2031-01-15', '2031-02-20', '2031-03-05']);
	assert.equal(asc.length, 5, 'the inquiry without a date is listed too');
	const desc = await titles('sort=-planned_close_date');
	assert.deepEqual(desc.filter(Boolean), ['2031-03-05', '2031-02-20', '2031-01-15', '2031-01-10']);
	// A range of planned close dates, and a handler.
	assert.deepEqual(await titles('sort=planned_close_date&planned_close_date_from=2031-01-12&planned_close_date_to=2031-02-28'), ['2031-01-15', '2031-02-20']);
	const byHandler = await pageAll(agent, `/api/inquiries?q=${encodeURIComponent(tag)}&handler_id=${agent2.user.id}`);
	assert.deepEqual(byHandler.map((i) => i.id), [other.id]);
	const byStatus = await pageAll(agent, `/api/inquiries?q=${encodeURIComponent(tag)}&status_id=${ST.NEW}&sort=planned_close_date`);
	assert.equal(byStatus.length, 5);
	expectError(await agent.get('/api/inquiries?planned_close_date_from=jutro'), 400, 'bad_query', ['planned_close_date_from']);
	assert.ok(made.length === 4);
});

test('inquiries_description_is_stored_multiline_searchable_and_checked', async () => {
	const word = uniq('Zanzibarski').toLowerCase().replace(/[^a-z0-9]/g, '');
	const text = `Rodzina 2+2, hotel przy plaży.\nBudżet do 20 tys., termin: lipiec ${word}.`;
	const i = await inquiry(agent, { description: text });
	assert.equal(i.description, text, 'the description comes back as written, lines kept');
	assert.equal((await get(i.id, agent)).description, text);
	const found = expectStatus(await agent.get(`/api/inquiries?q=${encodeURIComponent(word)}`), 200);
	assert.deepEqual(found.items.map((x) => x.id), [i.id], 'a word of the description finds the inquiry');
	expectStatus(await edit(agent, i.id, { description: 'Inny opis' }), 200);
	assert.equal((await get(i.id, agent)).description, 'Inny opis');
	const gone = expectStatus(await agent.get(`/api/inquiries?q=${encodeURIComponent(word)}`), 200);
	assert.equal(gone.items.length, 0, 'the old words no longer find it');
	expectError(await agent.post('/api/inquiries', { title: 'X', description: 'dzwonek\u0007' }), 422, 'validation_failed', ['description']);
	expectError(await agent.post('/api/inquiries', { title: 'X', description: 'x'.repeat(20001) }), 422, 'validation_failed', ['description']);
	expectError(await edit(agent, i.id, { description: 'escape\u001b[2J' }), 422, 'validation_failed', ['description']);
});

test('inquiries_handler_is_chosen_independently_of_visibility', async () => {
	// agent1 hands the inquiry to a colleague; the department still sees it.
	const i = await inquiry(agent, { handler_id: agent2.user.id, visibility: 'department' });
	assert.equal(i.handler_id, agent2.user.id, 'a colleague handles it');
	assert.equal(i.visibility, 'department');
	assert.equal(i.department_id, krakow);
	assert.equal((await get(i.id, agent2)).handler_id, agent2.user.id);
	const mine = expectStatus(await agent2.get(`/api/inquiries?handler_id=${agent2.user.id}&limit=200&sort=-id`), 200);
	assert.ok(mine.items.some((x) => x.id === i.id), "on the colleague's list of inquiries they handle");
	expectStatus(await agent3.get(`/api/inquiries/${i.id}`), 404);
	// Someone else in the department (not the creator, not the handler) sees it
	// when it is department-wide, not when it is private.
	const dep = await inquiry(admin, { handler_id: agent2.user.id, visibility: 'department' });
	assert.equal((await get(dep.id, agent)).handler_id, agent2.user.id, "agent1's department sees it");
	const priv = await inquiry(admin, { handler_id: agent2.user.id, visibility: 'private' });
	expectStatus(await agent.get(`/api/inquiries/${priv.id}`), 404);
	assert.equal((await get(priv.id, agent2)).visibility, 'private', 'the handler sees a private inquiry');
	// An agent chooses a handler only within their department.
	expectError(await agent.post('/api/inquiries', { title: 'X', handler_id: agent3.user.id, visibility: 'department' }),
		422, 'validation_failed', ['handler_id']);
	expectError(await edit(agent, i.id, { handler_id: agent3.user.id }), 422, 'validation_failed', ['handler_id']);
});
