// messages: every field error a form can show carries a stable code
// (error.field_codes) and its parameters (error.field_params), so the UI
// translates by code, not by English text; every code the server can send
// (GET /api/openapi.json x-field-codes) has a Polish and an English text in
// the UI's catalogues, and every literal message of the form-facing sources
// matches a pattern of the server's table (src/core/fieldcode.c).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq } from './lib/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let srv, admin, agent, agent3, table;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	agent = await srv.session('agent1');
	agent3 = await srv.session('agent3');
	const r = await admin.get('/api/openapi.json');
	expectStatus(r, 200);
	table = r.body['x-field-codes'];
});
after(async () => {
	await srv?.stop();
});

/* codes: field -> code of a 422 reply, after checking that every field
 * message has one. */
function codes(r, fields) {
	expectError(r, 422, 'validation_failed', fields);
	const e = r.body.error;
	for (const f of Object.keys(e.fields))
		assert.ok(e.field_codes?.[f], `field ${f} ("${e.fields[f]}") has a code: ${JSON.stringify(e)}`);
	return e.field_codes;
}

test('messages_engine_field_errors_carry_codes_and_parameters', async () => {
	let r = await agent.post('/api/contacts', {
		last_name: 'x'.repeat(101),
		first_name: 'Jan\nKowalski',
		email: 'not-an-address',
		phone: '12',
		pesel: '12345678901',
		birth_date: '1850-01-01',
		city: 'Kra\u202eków',
		address: 'ul. Długa\u0001',
	});
	let c = codes(r, ['last_name', 'first_name', 'email', 'phone', 'pesel', 'city', 'address']);
	assert.equal(c.last_name, 'too_long');
	assert.deepEqual(r.body.error.field_params.last_name, { max: 100 });
	assert.equal(c.address, 'control_chars');
	assert.equal(r.body.error.field_params.address.char, '0001');
	assert.equal(c.email, 'email');
	assert.equal(c.phone, 'phone');
	assert.equal(c.pesel, 'pesel');
	assert.equal(c.city, 'bidi');
	assert.equal(c.first_name, 'single_line');
	// The English messages are still there, unchanged, for API clients.
	assert.match(r.body.error.fields.email, /e-mail/);

	r = await agent.post('/api/companies', { name: 'Firma', nip: '123', regon: '1', owner_id: 'x', no_such: 1 });
	c = codes(r, ['nip', 'regon', 'owner_id', 'no_such']);
	assert.deepEqual([c.nip, c.regon, c.owner_id, c.no_such], ['nip', 'regon', 'ref', 'unknown_field']);
	r = await agent.post('/api/contacts', { last_name: 'Nowak', birth_date: '1850-01-01' });
	assert.equal(codes(r, ['birth_date']).birth_date, 'birth_date_range');
	assert.deepEqual(r.body.error.field_params.birth_date, { min: '1900-01-01' });
	r = await agent.post('/api/contacts', { last_name: null, owner_id: 999999 });
	c = codes(r, ['last_name', 'owner_id']);
	assert.deepEqual([c.last_name, c.owner_id], ['required', 'missing_ref']);
	// An agent hands a client only to someone of their own department.
	r = await agent.post('/api/contacts', { last_name: 'Nowak', owner_id: agent3.user.id });
	assert.equal(codes(r, ['owner_id']).owner_id, 'owner_department');
});

test('messages_domain_field_errors_carry_codes', async () => {
	// Custom fields: the name and the options' colours.
	let r = await admin.post('/api/custom_fields', {
		entity: 'contacts', name: 'Zły', label: 'Zły', type: 'select',
		options: [{ value: 'a', color: 'red' }],
	});
	let c = codes(r, ['name', 'options']);
	assert.deepEqual([c.name, c.options], ['field_name', 'option_color']);
	r = await admin.post('/api/custom_fields', { entity: 'contacts', name: 'size', label: 'Rozmiar', type: 'number' });
	expectStatus(r, 201);
	r = await agent.post('/api/contacts', { last_name: 'Nowak', custom: { size: 'duży', nope: 1 } });
	c = codes(r, ['custom.size', 'custom.nope']);
	assert.deepEqual([c['custom.size'], c['custom.nope']], ['number', 'unknown_field']);

	// Users: a time zone, a login, the password rules, the enum of roles.
	const me = (await admin.get('/api/me')).body;
	r = await admin.patch('/api/me', { time_zone: 'Mars/Olympus', version: me.version });
	assert.equal(codes(r, ['time_zone']).time_zone, 'time_zone');
	r = await admin.post('/api/users', { login: 'a b', password: 'short', role: 'boss' });
	c = codes(r, ['login', 'password', 'role']);
	assert.deepEqual([c.login, c.password, c.role], ['login', 'password_short', 'one_of']);
	assert.deepEqual(r.body.error.field_params.password, { min: 10 });
	assert.match(r.body.error.field_params.role.values, /admin/);
	const login = uniq('password-login-');
	r = await admin.post('/api/users', { login, password: login, role: 'agent' });
	assert.equal(codes(r, ['password']).password, 'password_login');
	r = await admin.post('/api/me/password', { current_password: 'wrong-password', new_password: 'a-brand-new-secret' });
	assert.equal(codes(r, ['current_password']).current_password, 'current_password');

	// Activities: the end before the start; an agent assigns within the department.
	r = await agent.post('/api/activities', {
		kind: 'meeting', subject: 'Spotkanie', starts_at: '2026-12-01T10:00:00Z', ends_at: '2026-12-01T09:00:00Z',
	});
	assert.equal(codes(r, ['ends_at']).ends_at, 'ends_before_start');
	r = await agent.post('/api/activities', { kind: 'task', subject: 'Zadanie', assignee_id: agent3.user.id });
	assert.equal(codes(r, ['assignee_id']).assignee_id, 'assignee_department');

	// Inquiries: lost needs a reason; handlers within the department.
	const i = await agent.post('/api/inquiries', { title: uniq('Zapytanie ') });
	expectStatus(i, 201);
	r = await agent.patch(`/api/inquiries/${i.body.id}`, { status_id: 5, version: i.body.version });
	assert.equal(codes(r, ['close_reason_id']).close_reason_id, 'lost_reason');
	r = await agent.patch(`/api/inquiries/${i.body.id}`, { handler_id: agent3.user.id, version: i.body.version });
	assert.equal(codes(r, ['handler_id']).handler_id, 'handler_department');

	// Announcements need an audience; procedures need steps.
	r = await admin.post('/api/announcements', { title: 'Ogłoszenie', body: 'Treść.', audience_roles: ['boss'] });
	assert.equal(codes(r, ['audience_roles']).audience_roles, 'audience_roles');
	r = await admin.post('/api/procedures', { name: 'Procedura', steps: [{ subject: 'Krok', kind: 'party', day_offset: 0 }] });
	assert.equal(codes(r, ['steps']).steps, 'step_kind');
});

test('messages_every_code_has_a_polish_and_an_english_text', async () => {
	assert.ok(Array.isArray(table) && table.length > 50, 'openapi.json lists the field codes');
	for (const file of ['web/src/i18n/pl.ts', 'web/src/i18n/en.ts']) {
		const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
		const missing = [...new Set(table.map((t) => t.code))].filter((code) => !text.includes(`'err.${code}':`));
		assert.deepEqual(missing, [], `${file} translates every field code`);
		// The parameters a message has are the ones its text can show.
		for (const { code, pattern } of table) {
			const m = text.match(new RegExp(`'err\\.${code}': '((?:[^'\\\\]|\\\\.)*)'`));
			for (const [, name] of (m?.[1] ?? '').matchAll(/\{(\w+)\}/g))
				assert.ok(pattern.includes(`<${name}>`) || pattern.includes(`{${name}}`),
					`${file} err.${code} uses {${name}}, a parameter of every message with this code: ${pattern}`);
		}
	}
});

// The sources of the messages a form can show (not query parameters, nor
// import and merge, whose errors are shown as the server words them).
const FORM_SOURCES = [
	'src/model/validate.c', 'src/model/custom.c', 'src/crm/users.c', 'src/crm/password.c',
	'src/crm/rights.c', 'src/crm/custom_fields.c', 'src/crm/activities.c', 'src/crm/inquiries.c',
	'src/crm/announcements.c', 'src/crm/contacts.c', 'src/crm/procedures.c', 'src/crm/notes.c',
	'src/api/session.c', 'src/api/tokens.c',
];

test('messages_every_literal_form_message_has_a_code', async () => {
	const res = table.map((t) => new RegExp('^' + t.pattern
		.replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === '*' ? '\u0000' : '\\' + ch))
		.replace(/<\w+>/g, '.+?').replace('\u0000', '.*') + '$'));
	const unmatched = [];
	let seen = 0;
	for (const file of FORM_SOURCES) {
		const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
		const found = [
			// rec_error(ctx, field, "message") and rights_person(..., "refusal")
			...[...src.matchAll(/(?:rec_error|field_error|rights_person)\((?:[^;"]|"(?:[^"\\]|\\.)*")*?,\s*"((?:[^"\\]|\\.)*)"\s*\)/g)].map((m) => m[1]),
			// return "message"; in the helpers that word one
			...[...src.matchAll(/return "((?:[^"\\]|\\.)*)";/g)].map((m) => m[1]),
			// static const char NAME[] = "message";
			...[...src.matchAll(/static const char \w+\[\] =\s*"((?:[^"\\]|\\.)*)";/g)].map((m) => m[1]),
		].filter((s) => /^[a-z]/.test(s));
		for (const msg of found) {
			seen++;
			if (!res.some((re) => re.test(msg))) unmatched.push(`${file}: ${msg}`);
		}
	}
	assert.ok(seen > 90, `found the messages (${seen})`);
	assert.deepEqual(unmatched, [], 'every message has a row in src/core/fieldcode.c');
});

test('messages_import_report_lines_carry_codes_too', async () => {
	const csv = '\ufeffNazwisko;E-mail;Telefon\r\nNowak;nie-adres;12\r\n';
	const r = await admin.raw('POST', '/api/contacts/import?dry_run=1', {
		body: csv, headers: { 'Content-Type': 'text/csv; charset=utf-8' },
	});
	expectStatus(r, 200);
	assert.deepEqual(r.body.errors[0].field_codes, { email: 'email', phone: 'phone' });
});
