// stored junk: control characters (other than TAB and LF in multi-line
// text), line breaks in one-line fields and bidirectional overrides or
// isolates in one-line fields are refused with 422 naming the field, and
// nothing is written; a birth date lies between 1900-01-01 and today.  The
// same rules hold for custom text fields and for rows of a CSV import.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

let srv, admin, agent1;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent1 = await srv.session('agent1');
	expectStatus(await admin.post('/api/custom_fields', { entity: 'contacts', name: 'nick', label: 'Pseudonim', type: 'text' }), 201);
});
after(async () => {
	await srv?.stop();
});

/* count: contacts whose search document holds word (visible to admin). */
async function count(client, word) {
	const r = expectStatus(await client.get(`/api/contacts?q=${encodeURIComponent(word)}&limit=500`), 200);
	return r.items.length;
}

/* refused: the create is a 422 naming field, whose message matches re. */
function refused(r, field, re, what) {
	const e = expectError(r, 422, 'validation_failed', [field]);
	assert.match(e.fields[field], re, `${what}: ${JSON.stringify(e.fields)}`);
}

test('contact_names_with_line_breaks_controls_or_bidi_overrides_are_refused_and_nothing_is_written', async () => {
	const tag = uniq('Smiec');
	const cases = [
		['last_name', `${tag}\r\nevent=forged`, /single line/],
		['last_name', `${tag}\nDrugi`, /single line/],
		['first_name', `Jan\r${tag}`, /single line/],
		['city', `Kra\tków ${tag}`, /control characters.*U\+0009/],
		['first_name', `Jan\u0007${tag}`, /control characters.*U\+0007/],
		['first_name', `Jan\u001b[31m${tag}`, /control characters.*U\+001B/],
		['address', `ul. Długa\u007f 1 ${tag}`, /control characters.*U\+007F/],
		['address', `ul. Długa\u0085 1 ${tag}`, /control characters.*U\+0085/],
		['first_name', `Jan\u202egnp.exe ${tag}`, /bidirectional.*U\+202E/],
		['last_name', `${tag}\u202a`, /bidirectional.*U\+202A/],
		['city', `\u2066Kraków\u2069 ${tag}`, /bidirectional.*U\+2066/],
		['last_name', `${tag}\u2068x`, /bidirectional.*U\+2068/],
	];
	for (const [field, value, re] of cases) {
		const body = { last_name: `${tag} ok`, [field]: value };
		refused(await agent1.post('/api/contacts', body), field, re, JSON.stringify(value));
	}
	assert.equal(await count(admin, tag), 0, 'no refused contact was written');
	// an update is held to the same rules and changes nothing
	const c = expectStatus(await agent1.post('/api/contacts', { first_name: 'Jan', last_name: tag }), 201);
	refused(await agent1.patch(`/api/contacts/${c.id}`, { version: c.version, last_name: `${tag}\nX` }), 'last_name', /single line/, 'update');
	refused(await agent1.patch(`/api/contacts/${c.id}`, { version: c.version, first_name: 'J\u202dan' }), 'first_name', /U\+202D/, 'update');
	const now = expectStatus(await agent1.get(`/api/contacts/${c.id}`), 200);
	assert.equal(now.version, c.version);
	assert.equal(now.last_name, tag);
	assert.equal(now.first_name, 'Jan');
	// ordinary Polish text, hyphens, apostrophes and emoji pass
	expectStatus(await agent1.post('/api/contacts', { first_name: 'Zażółć-Gęślą', last_name: `O'Jaźń ${tag} 🙂` }), 201);
});

test('one_line_fields_of_other_records_refuse_junk_too', async () => {
	refused(await agent1.post('/api/companies', { name: `Firma\r\nX ${uniq()}` }), 'name', /single line/, 'company name');
	refused(await agent1.post('/api/companies', { name: `Firma \u202e${uniq()}` }), 'name', /U\+202E/, 'company name bidi');
	refused(await agent1.post('/api/activities', { kind: 'task', subject: 'Zadzwoń\ndo klienta' }), 'subject', /single line/, 'activity subject');
	refused(await agent1.post('/api/activities', { kind: 'task', subject: 'Zadzwoń', place: 'Biuro\u0002' }), 'place', /U\+0002/, 'STX in place');
	refused(await agent1.post('/api/inquiries', { title: 'Wycieczka\u2067 do Grecji' }), 'title', /U\+2067/, 'inquiry title');
	refused(await admin.post('/api/announcements', { title: 'Tytuł\nz nową linią', body: 'Treść.' }), 'title', /single line/, 'announcement title');
	refused(await admin.post('/api/kb_articles', { title: 'Artykuł\u202b', body: 'Treść.' }), 'title', /U\+202B/, 'article title');
});

test('multi_line_fields_keep_tab_and_lf_but_refuse_other_controls', async () => {
	const c = expectStatus(await agent1.post('/api/contacts', { last_name: uniq('Wieloliniowy'), address: 'ul. Różana 5\n31-000 Kraków' }), 201);
	assert.equal(c.address, 'ul. Różana 5\n31-000 Kraków', 'a postal address may take two lines');
	const text = 'Pierwsza linia\n\tz wcięciem\nTrzecia: \u202eodwrócone\u202c w treści';
	const note = expectStatus(await agent1.post('/api/notes', { contact_id: c.id, body: text }), 201);
	assert.equal(note.body, text);
	assert.equal(expectStatus(await agent1.get(`/api/notes/${note.id}`), 200).body, text);
	const a = expectStatus(await agent1.post('/api/activities', { kind: 'task', subject: 'Zadanie', note: 'a\tb\nc' }), 201);
	assert.equal(a.note, 'a\tb\nc');
	const ann = expectStatus(await admin.post('/api/announcements', { title: uniq('Ogłoszenie'), body: '# Nagłówek\n\n- punkt\n\tkod' }), 201);
	assert.equal(ann.body, '# Nagłówek\n\n- punkt\n\tkod');
	expectStatus(await admin.post('/api/kb_articles', { title: uniq('Artykuł'), body: 'a\n\tb' }), 201);
	// CR (the UI sends LF), and other controls, are refused there too
	refused(await agent1.post('/api/notes', { contact_id: c.id, body: 'a\r\nb' }), 'body', /U\+000D/, 'CR in a note');
	refused(await agent1.post('/api/notes', { contact_id: c.id, body: 'a\u0008b' }), 'body', /U\+0008/, 'backspace in a note');
	refused(await agent1.post('/api/activities', { kind: 'task', subject: 'Zadanie', note: 'x\u001by' }), 'note', /U\+001B/, 'ESC in an activity note');
	const notes = expectStatus(await agent1.get(`/api/notes?contact_id=${c.id}`), 200);
	assert.equal(notes.items.length, 1, 'the refused notes were not written');
});

test('custom_text_fields_refuse_line_breaks_controls_and_bidi', async () => {
	const tag = uniq('Custom');
	refused(await agent1.post('/api/contacts', { last_name: tag, custom: { nick: 'a\nb' } }), 'custom.nick', /single line/, 'custom LF');
	refused(await agent1.post('/api/contacts', { last_name: tag, custom: { nick: 'a\u0001' } }), 'custom.nick', /U\+0001/, 'custom control');
	refused(await agent1.post('/api/contacts', { last_name: tag, custom: { nick: '\u202eabc' } }), 'custom.nick', /U\+202E/, 'custom bidi');
	assert.equal(await count(admin, tag), 0);
	const ok = expectStatus(await agent1.post('/api/contacts', { last_name: tag, custom: { nick: 'Zbyszek' } }), 201);
	assert.equal(ok.custom.nick, 'Zbyszek');
});

/* ymd: the date d days from today (UTC) as YYYY-MM-DD. */
function ymd(d) {
	return new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
}

test('birth_date_must_lie_between_1900_and_today', async () => {
	const tag = uniq('Urodzony');
	for (const bd of ['1899-12-31', '1000-06-15', ymd(3), '2999-01-01']) {
		refused(await agent1.post('/api/contacts', { last_name: tag, birth_date: bd }), 'birth_date', /1900-01-01 and today/, bd);
	}
	assert.equal(await count(admin, tag), 0);
	const c = expectStatus(await agent1.post('/api/contacts', { last_name: tag, birth_date: '1900-01-01' }), 201);
	expectStatus(await agent1.post('/api/contacts', { last_name: tag, birth_date: ymd(-1) }), 201);
	refused(await agent1.patch(`/api/contacts/${c.id}`, { version: c.version, birth_date: ymd(5) }), 'birth_date', /today/, 'update');
	assert.equal(expectStatus(await agent1.get(`/api/contacts/${c.id}`), 200).birth_date, '1900-01-01');
});

test('csv_import_rows_with_junk_or_a_future_birth_date_fail_their_line', async () => {
	const tag = uniq('Importjunk');
	const csv = [
		'first_name,last_name,city,birth_date',
		`Anna,${tag},Kraków,1980-05-01`,
		`"Jan\u202e",${tag},Kraków,`,
		`Ewa,"${tag}\nDruga linia",Kraków,`,
		`Olga,${tag},"Kra\u0085ków",`,
		`Piotr,${tag},Kraków,${ymd(10)}`,
	].join('\r\n') + '\r\n';
	const r = await admin.raw('POST', '/api/contacts/import', { body: csv, headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
	const rep = expectStatus(r, 200, 'import');
	assert.equal(rep.rows_ok, 1, JSON.stringify(rep.errors));
	assert.equal(rep.rows_written, 1);
	const byLine = Object.fromEntries(rep.errors.map((e) => [e.line, e.fields]));
	assert.match(byLine[3]?.first_name ?? '', /U\+202E/);
	assert.match(byLine[4]?.last_name ?? '', /single line/);
	assert.match(byLine[6]?.city ?? '', /U\+0085/);
	assert.match(byLine[7]?.birth_date ?? '', /today/);
	assert.equal(await count(admin, tag), 1);
});
