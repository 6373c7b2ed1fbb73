// search: ?q= is case- and diacritic-insensitive, matches word prefixes,
// ANDs words, finds a phone in any spelling, and keeps up with changes.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus } from './lib/harness.mjs';

let srv, agent, ids;

before(async () => {
	srv = await startServer();
	agent = await srv.session('agent1');
	const people = {
		lodz: { first_name: 'Barbara', last_name: 'Zielińska', city: 'Łódź' },
		slawek: { first_name: 'Sławek', last_name: 'Mróz', city: 'Poznań' },
		zolk: { first_name: 'Stanisław', last_name: 'Żółkiewski', city: 'Lwów' },
		kowalska: { first_name: 'Anna', last_name: 'Kowalska', city: 'Kraków', phone: '+48 601-234-567', email: 'anna.k@poczta.pl' },
		jan: { first_name: 'Jan', last_name: 'Kowalczyk', city: 'Gdańsk', phone: '+48 502 111 222' },
		janina: { first_name: 'Janina', last_name: 'Nowak', city: 'Kraków' },
		germ: { first_name: 'Jürgen', last_name: 'Müller', city: 'München', phone: '+49 89 1234567' },
		mid: { first_name: 'Teodor', last_name: 'Środkowy', phone: '+48 504 755 227' },
	};
	ids = {};
	for (const [k, p] of Object.entries(people)) {
		const r = await agent.post('/api/contacts', p);
		expectStatus(r, 201, k);
		ids[k] = r.body.id;
	}
});
after(async () => {
	await srv?.stop();
});

async function search(q, extra = '') {
	const r = await agent.get(`/api/contacts?q=${encodeURIComponent(q)}${extra}`);
	expectStatus(r, 200, `q=${q}`);
	return r.body.items.map((c) => c.id);
}

async function assertFinds(q, key, { only = false } = {}) {
	const found = await search(q);
	assert.ok(found.includes(ids[key]), `q=${JSON.stringify(q)} should find ${key}; found ${JSON.stringify(found)}`);
	if (only) assert.deepEqual(found, [ids[key]], `q=${JSON.stringify(q)} finds only ${key}`);
}

async function assertMisses(q, key) {
	const found = await search(q);
	assert.ok(!found.includes(ids[key]), `q=${JSON.stringify(q)} should not find ${key}`);
}

test('search_ignores_diacritics_in_query_and_data', async () => {
	await assertFinds('lodz', 'lodz', { only: true });
	await assertFinds('Łódź', 'lodz', { only: true });
	await assertFinds('ŁÓDŹ', 'lodz', { only: true });
	await assertFinds('slawek', 'slawek', { only: true });
	await assertFinds('ZOLKIEWSKI', 'zolk', { only: true });
	await assertFinds('żółkiewski', 'zolk', { only: true });
	await assertFinds('zielinska', 'lodz');
	await assertFinds('muller', 'germ');
	await assertFinds('jurgen', 'germ');
	await assertFinds('munchen', 'germ');
});

test('search_is_case_insensitive', async () => {
	await assertFinds('KOWALSKA', 'kowalska', { only: true });
	await assertFinds('kowalska', 'kowalska', { only: true });
	await assertFinds('KoWaLsKa', 'kowalska', { only: true });
});

test('search_matches_word_prefixes', async () => {
	await assertFinds('kowal', 'kowalska');
	await assertFinds('kowal', 'jan');
	await assertFinds('zolk', 'zolk');
	await assertFinds('krak', 'janina');
	await assertMisses('owalska', 'kowalska');
});

test('search_words_are_anded', async () => {
	const found = await search('jan kow');
	assert.ok(found.includes(ids.jan), 'Jan Kowalczyk');
	assert.ok(!found.includes(ids.kowalska), 'Anna Kowalska has no "jan"');
	assert.ok(!found.includes(ids.janina), 'Janina Nowak has no "kow"');
	assert.deepEqual(await search('anna krakow'), [ids.kowalska]);
	assert.deepEqual(await search('anna gdansk'), []);
	assert.deepEqual(await search('  jan   kow  '), found, 'extra spaces do not matter');
});

test('search_finds_phone_in_any_spelling', async () => {
	for (const q of ['+48 601-234-567', '0048601234567', '601234567', '601 234', '601-234-567', '+48601234567', '48601234567', '(601) 234 567']) {
		await assertFinds(q, 'kowalska', { only: true });
	}
	await assertFinds('502 111 222', 'jan', { only: true });
	await assertFinds('+49 89 1234567', 'germ', { only: true });
	await assertFinds('0049891234567', 'germ', { only: true });
});

test('search_finds_phone_by_any_part_of_the_number', async () => {
	// Runs of digits from the middle and the end, in any spelling.
	for (const q of ['755 227', '755227', '504755', '755-227', '4755', '47552', '227', '(755) 227', '504 755 227', '+48 504 755 227']) {
		await assertFinds(q, 'mid', { only: true });
	}
	await assertFinds('891234', 'germ', { only: true });
	await assertFinds('1234567', 'kowalska'); // +48 601 234 567 holds it too
	await assertFinds('89 123', 'germ', { only: true });
	// A run that is not in the number finds nothing; nor does one across
	// the Polish country code and the number.
	await assertMisses('755 228', 'mid');
	await assertMisses('8504', 'mid');
	// Words and a phone part together.
	await assertFinds('teodor 755', 'mid', { only: true });
});

test('search_two_digits_answer_without_error', async () => {
	for (const q of ['22', '2', '7 5', '00', '+4']) {
		const r = await agent.get(`/api/contacts?q=${encodeURIComponent(q)}&limit=5`);
		expectStatus(r, 200, `q=${q}`);
	}
});

test('search_finds_company_phone_by_part', async () => {
	const r = await agent.post('/api/companies', { name: 'Telefoniczna Sp. z o.o.', phone: '+48 22 618 39 41' });
	expectStatus(r, 201);
	for (const q of ['618 39 41', '6183941', '3941', '22 618']) {
		const found = await agent.get(`/api/companies?q=${encodeURIComponent(q)}`);
		expectStatus(found, 200);
		assert.deepEqual(found.body.items.map((c) => c.id), [r.body.id], `q=${q}`);
	}
});

test('search_finds_email', async () => {
	await assertFinds('anna.k@poczta.pl', 'kowalska');
	await assertFinds('poczta', 'kowalska');
});

test('search_without_match_returns_empty_list', async () => {
	const r = await agent.get('/api/contacts?q=xyzzynothing');
	expectStatus(r, 200);
	assert.deepEqual(r.body, { items: [], next_cursor: null });
});

test('search_query_over_200_bytes_is_400', async () => {
	expectError(await agent.get(`/api/contacts?q=${'a'.repeat(201)}`), 400, 'bad_query', ['q']);
	expectError(await agent.get(`/api/contacts?q=${encodeURIComponent('ż'.repeat(101))}`), 400, 'bad_query', ['q']);
	expectStatus(await agent.get(`/api/contacts?q=${'a'.repeat(200)}`), 200);
});

test('search_on_users_is_400', async () => {
	expectError(await agent.get('/api/users?q=admin'), 400, 'bad_query', ['q']);
	expectError(await agent.get('/api/departments?q=krak'), 400, 'bad_query', ['q']);
});

test('search_syntax_characters_are_plain_text', async () => {
	for (const q of ['"', '*', '(', ')', 'a OR b', 'NOT kowalska', 'kowalska*', 'last_name:kowalska', 'NEAR(a b)', '^kow', "'", '-', '+', '{}', ':', 'a AND', '%', '\\']) {
		const r = await agent.get(`/api/contacts?q=${encodeURIComponent(q)}`);
		expectStatus(r, 200, `q=${q}`);
	}
	await assertFinds('"kowalska"', 'kowalska');
});

test('search_empty_query_lists_everything', async () => {
	const all = await agent.get('/api/contacts?limit=500');
	const empty = await agent.get('/api/contacts?q=&limit=500');
	expectStatus(empty, 200);
	assert.equal(empty.body.items.length, all.body.items.length);
});

test('search_invalid_utf8_query_is_400', async () => {
	expectError(await agent.get('/api/contacts?q=%C3%28'), 400, 'bad_query');
});

test('search_follows_updates', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Przeprowadzka', city: 'Szczecin' });
	expectStatus(c, 201);
	assert.ok((await search('szczecin')).includes(c.body.id));
	const p = await agent.patch(`/api/contacts/${c.body.id}`, { city: 'Olsztyn', version: 1 });
	expectStatus(p, 200);
	assert.ok(!(await search('szczecin')).includes(c.body.id), 'old city no longer found');
	assert.ok((await search('olsztyn')).includes(c.body.id), 'new city found');
});

test('search_skips_deleted_and_finds_restored', async () => {
	const c = await agent.post('/api/contacts', { last_name: 'Kosz', first_name: 'Usuwalny' });
	expectStatus(await agent.del(`/api/contacts/${c.body.id}`), 204);
	assert.ok(!(await search('usuwalny')).includes(c.body.id));
	expectStatus(await agent.post(`/api/contacts/${c.body.id}/restore`), 200);
	assert.ok((await search('usuwalny')).includes(c.body.id));
});

test('search_combines_with_filters', async () => {
	const found = await search('kowal', '&city=Kraków');
	assert.deepEqual(found, [ids.kowalska]);
});

test('search_paginates', async () => {
	for (let i = 0; i < 5; i++) expectStatus(await agent.post('/api/contacts', { last_name: `Stronicowany${i}` }), 201);
	const seen = [];
	let cursor = null;
	do {
		const r = await agent.get(`/api/contacts?q=stronicowany&limit=2${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
		expectStatus(r, 200);
		seen.push(...r.body.items.map((c) => c.last_name));
		cursor = r.body.next_cursor;
	} while (cursor);
	assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4].map((i) => `Stronicowany${i}`));
});

test('search_companies_does_not_return_contacts', async () => {
	const r = await agent.get('/api/companies?q=kowalska');
	expectStatus(r, 200);
	assert.deepEqual(r.body.items, []);
});

// The client of an inquiry, as the caller may see it: on the list, on the
// record and on the board; ?q= on inquiries also finds the client's name,
// only where the caller sees that client.
test('inquiries_carry_their_client_as_the_caller_sees_it_and_search_by_its_name', async () => {
	const admin = await srv.session('admin');
	const agent3 = await srv.session('agent3');
	// agent1's own client, and a private client of Gdańsk (hidden from agent1).
	const seen = await agent.post('/api/contacts', { first_name: 'Wiesław', last_name: 'Widocznicki' });
	expectStatus(seen, 201);
	const hidden = await agent3.post('/api/contacts', { first_name: 'Ukryta', last_name: 'Zakryszewska', visibility: 'private' });
	expectStatus(hidden, 201);
	const iSeen = await agent.post('/api/inquiries', { title: 'Wycieczka do Rzymu', contact_id: seen.body.id });
	expectStatus(iSeen, 201);
	// A company-wide inquiry about the hidden client: agent1 sees the
	// inquiry, not its client.
	const iHidden = await admin.post('/api/inquiries', { title: 'Rejs po fiordach', contact_id: hidden.body.id, visibility: 'company' });
	expectStatus(iHidden, 201);

	const list = await agent.get('/api/inquiries?limit=500');
	expectStatus(list, 200);
	const byId = Object.fromEntries(list.body.items.map((i) => [i.id, i]));
	assert.deepEqual(byId[iSeen.body.id].contact, { id: seen.body.id, name: 'Wiesław Widocznicki' });
	assert.deepEqual(byId[iHidden.body.id].contact, { id: hidden.body.id, hidden: true });
	assert.ok(!list.text.includes('Zakryszewska'), 'the hidden client name is not in the list');

	const one = await agent.get(`/api/inquiries/${iHidden.body.id}`);
	expectStatus(one, 200);
	assert.deepEqual(one.body.contact, { id: hidden.body.id, hidden: true });
	const own = await agent.get(`/api/inquiries/${iSeen.body.id}`);
	assert.deepEqual(own.body.contact, { id: seen.body.id, name: 'Wiesław Widocznicki' });
	const mine = await agent3.get(`/api/inquiries/${iHidden.body.id}`);
	assert.deepEqual(mine.body.contact, { id: hidden.body.id, name: 'Ukryta Zakryszewska' });

	const board = await agent.get('/api/inquiries/board?cards=100');
	expectStatus(board, 200);
	const cards = board.body.columns.flatMap((c) => c.cards);
	assert.deepEqual(cards.find((c) => c.id === iSeen.body.id).contact, { id: seen.body.id, name: 'Wiesław Widocznicki' });
	assert.deepEqual(cards.find((c) => c.id === iHidden.body.id).contact, { id: hidden.body.id, hidden: true });
	assert.ok(!board.text.includes('Zakryszewska'));

	const q = async (client, text) => {
		const r = await client.get(`/api/inquiries?q=${encodeURIComponent(text)}`);
		expectStatus(r, 200, `q=${text}`);
		return r.body.items.map((i) => i.id);
	};
	assert.deepEqual(await q(agent, 'widocznicki'), [iSeen.body.id], 'by the client surname');
	assert.deepEqual(await q(agent, 'wiesław widocz'), [iSeen.body.id], 'by the client name, words anded');
	assert.deepEqual(await q(agent, 'rzymu'), [iSeen.body.id], 'by its own title still');
	assert.deepEqual(await q(agent, 'zakryszewska'), [], 'a hidden client does not find its inquiry');
	assert.deepEqual(await q(agent, 'fiordach'), [iHidden.body.id], 'the inquiry itself is found by its title');
	assert.deepEqual(await q(agent3, 'zakryszewska'), [iHidden.body.id], 'who sees the client finds it');
	const b = await agent.get('/api/inquiries/board?q=zakryszewska');
	expectStatus(b, 200);
	assert.equal(b.body.columns.flatMap((c) => c.cards).length, 0, 'nor on the board');
	const b3 = await agent3.get('/api/inquiries/board?q=zakryszewska');
	assert.deepEqual(b3.body.columns.flatMap((c) => c.cards).map((c) => c.id), [iHidden.body.id]);
	// A deleted client no longer finds its inquiries.
	expectStatus(await agent.del(`/api/contacts/${seen.body.id}`), 204);
	assert.deepEqual(await q(agent, 'widocznicki'), []);
});
