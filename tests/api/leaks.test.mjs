// leaks: a reply never carries data of a record the caller may not see.
// Every value a reply takes from another record (a client's name and
// phone on an activity, a note on a company, a subtask's main task, the
// first activity planned for a new client, a file on a note) is read under
// the caller's visibility of THAT record; a hidden linked record shows at
// most as its id.  Derived records inherit visibility: a note, file or
// automatically planned activity is no more visible than what it hangs on.
//
// How: the owners (agent3 in Gdańsk, agent2 in Kraków) make hidden records
// whose every text field holds a unique marker (and distinctive phones and
// e-mail addresses), plus records agent1 DOES see that link to them.  Then
// agent1 and the Kraków manager call every route that returns records or
// linked data (JSON, CSV, XLSX unzipped, the iCal feed, the e-mails the
// server sends for agent1), and no marker of a record hidden from the
// caller may occur anywhere in the raw bytes.  Positive controls show the
// same routes do carry linked data; the OpenAPI document makes sure a new
// entity or GET route cannot go untested; references to hidden records
// are refused on writes (422 on the field, 404 on the hidden record).
import { before, after } from 'node:test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, test, assert, expectError, expectStatus } from './lib/harness.mjs';
import { startSmtpSink, parseMessage } from './lib/smtp.mjs';
import { iso, localDate } from './lib/tz.mjs';

let srv, sink, dataDir;
const C = {}; // login -> client
const U = {}; // login -> user
let GDANSK, KRAKOW;
const F = {}; // fixture key -> {key, entity, id, markers: {kind: text}, hiddenFrom: Set of logins}
const X = {}; // other records the checks use: spare notes to edit, the merge
const CITY = `Przeciekowo${crypto.randomBytes(3).toString('hex')}`; // shared: no marker
const AGENT1_MAIL = 'agent1.leaks@biuro.example.pl';
let feedUrl = {}; // login -> /ical/<token>.ics
let bulkId = null;

const VIEWERS = ['agent1', 'manager']; // the callers whose replies are searched
const GDANSK_HIDDEN = ['agent1', 'agent2', 'manager']; // hidden from all of Kraków
const AGENT2_HIDDEN = ['agent1']; // agent2's private: the Kraków manager sees it
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* marker: a unique text; kind says which field it is in the report. */
const hex = (n) => crypto.randomBytes(n).toString('hex');
const marker = (key, kind) => `Leak${key}${kind}${hex(4)}`;
/* A distinctive mobile number; its 9 national digits are the marker. */
function phone() {
	const d = '5' + String(crypto.randomInt(10000000, 99999999));
	return { input: `+48 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`, digits: d };
}

function reg(key, entity, id, markers, hiddenFrom) {
	F[key] = { key, entity, id, markers, hiddenFrom: new Set(hiddenFrom) };
	return F[key];
}

/* A client with every text field marked (e-mail and phone too). */
async function contact(key, login, visibility, hiddenFrom, extra = {}) {
	const m = { first: marker(key, 'First'), last: marker(key, 'Last'), address: marker(key, 'Addr'), custom: marker(key, 'Custom') };
	const ph = phone();
	m.phone = ph.digits;
	m.email = `${marker(key, 'mail').toLowerCase()}@ukryty.example.pl`;
	const r = await C[login].post('/api/contacts', {
		first_name: m.first, last_name: m.last, phone: ph.input, email: m.email, city: CITY, address: m.address, visibility,
		custom: { sekret: m.custom }, ...extra,
	});
	expectStatus(r, 201, `${login} creates contact ${key}`);
	return reg(key, 'contacts', r.body.id, m, hiddenFrom);
}

async function company(key, login, visibility, hiddenFrom, extra = {}) {
	const m = { name: marker(key, 'Name'), address: marker(key, 'Addr'), city: marker(key, 'City'), custom: marker(key, 'Custom') };
	const ph = phone();
	m.phone = ph.digits;
	m.email = `${marker(key, 'mail').toLowerCase()}@ukryty.example.pl`;
	const r = await C[login].post('/api/companies', {
		name: m.name, phone: ph.input, email: m.email, city: m.city, address: m.address, visibility, custom: { sekret: m.custom }, ...extra,
	});
	expectStatus(r, 201, `${login} creates company ${key}`);
	return reg(key, 'companies', r.body.id, m, hiddenFrom);
}

async function inquiry(key, login, visibility, hiddenFrom, extra = {}) {
	const m = { title: marker(key, 'Title'), custom: marker(key, 'Custom') };
	const r = await C[login].post('/api/inquiries', { title: m.title, visibility, custom: { sekret: m.custom }, ...extra });
	expectStatus(r, 201, `${login} creates inquiry ${key}`);
	return reg(key, 'inquiries', r.body.id, m, hiddenFrom);
}

async function note(key, login, link, hiddenFrom) {
	const m = { body: marker(key, 'Body') };
	const r = await C[login].post('/api/notes', { body: `Notatka ${m.body}`, ...link });
	expectStatus(r, 201, `${login} creates note ${key}`);
	return reg(key, 'notes', r.body.id, m, hiddenFrom);
}

async function activity(key, login, fields, hiddenFrom) {
	const m = { subject: marker(key, 'Subj'), note: marker(key, 'Note'), place: marker(key, 'Place'), goal: marker(key, 'Goal') };
	const r = await C[login].post('/api/activities', {
		kind: 'task', subject: m.subject, note: m.note, place: m.place, goal: m.goal, starts_at: iso(Date.now() + 2 * 86400000), ...fields,
	});
	expectStatus(r, 201, `${login} creates activity ${key}`);
	return reg(key, 'activities', r.body.id, m, hiddenFrom);
}

/* The first activity autoplan made for a client (as its owner sees it). */
async function autoplanned(key, ofKey, owner, hiddenFrom) {
	const r = await C[owner].get(`/api/activities?contact_id=${F[ofKey].id}&limit=500`);
	expectStatus(r, 200);
	const a = r.body.items.find((x) => x.created_by === U[owner].id && /^Pierwszy/.test(x.subject));
	assert.ok(a, `autoplan made a first activity for ${ofKey}: ${r.text}`);
	// Its subject carries the client's name: the client's markers find it.
	return reg(key, 'activities', a.id, {}, hiddenFrom);
}

/* multipart: one file as multipart/form-data. */
function multipart(filename, data) {
	const b = `----leaks${hex(8)}`;
	const body = Buffer.concat([
		Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`),
		Buffer.from(data), Buffer.from(`\r\n--${b}--\r\n`),
	]);
	return { body, type: `multipart/form-data; boundary=${b}` };
}

async function upload(client, entity, id, filename, data) {
	const m = multipart(filename, data);
	return client.raw('POST', `/api/attachments?entity=${entity}&record_id=${id}`, { body: m.body, headers: { 'Content-Type': m.type } });
}

async function attachment(key, login, ofKey, hiddenFrom) {
	const m = { file: marker(key, 'File'), content: marker(key, 'Content') };
	const r = await upload(C[login], F[ofKey].entity, F[ofKey].id, `${m.file}.txt`, `Poufne: ${m.content}\n`);
	expectStatus(r, 201, `${login} uploads ${key}`);
	return reg(key, 'attachments', r.body.id, m, hiddenFrom);
}

before(async () => {
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-leaks-'));
	sink = await startSmtpSink();
	srv = await startServer({ env: { KONTAKT_SMTP_URL: sink.url, KONTAKT_SMTP_FROM: 'crm@example.com', KONTAKT_DATA_DIR: dataDir } });
	for (const login of ['admin', 'manager', 'agent1', 'agent2', 'agent3']) {
		C[login] = await srv.session(login);
		U[login] = C[login].user;
	}
	KRAKOW = U.agent1.department_id;
	GDANSK = U.agent3.department_id;
	// agent1 gets e-mail (reminders); nobody else has an address, so every
	// message the sink gets is one agent1 receives or sends (bulk).
	const me = expectStatus(await C.agent1.get('/api/me'), 200);
	expectStatus(await C.agent1.patch('/api/me', { email: AGENT1_MAIL, version: me.version }), 200, 'PATCH /api/me');
	// A custom text field on every entity that has them: marked too.
	for (const entity of ['contacts', 'companies', 'inquiries'])
		expectStatus(await C.admin.post('/api/custom_fields', { entity, name: 'sekret', label: 'Sekret', type: 'text' }), 201, 'custom field');

	// Visible to agent1 (controls; their markers may show).
	await company('coVis', 'agent1', 'company', []);
	await contact('cVis', 'agent1', 'company', [], { company_id: F.coVis.id });
	await contact('cGco', 'agent3', 'company', []); // another department, company-wide
	await contact('cK2dep', 'agent2', 'department', []); // my department, another handler
	await inquiry('iGco', 'agent3', 'company', []);

	// Hidden: Gdańsk private and department, and agent2's private.
	await contact('cGpriv', 'agent3', 'private', GDANSK_HIDDEN, { company_id: F.coVis.id });
	await contact('cGdep', 'agent3', 'department', GDANSK_HIDDEN);
	await contact('cK2priv', 'agent2', 'private', AGENT2_HIDDEN);
	await company('coGpriv', 'agent3', 'private', GDANSK_HIDDEN);
	await company('coGdep', 'agent3', 'department', GDANSK_HIDDEN);
	await company('coK2priv', 'agent2', 'private', AGENT2_HIDDEN);
	await inquiry('iGpriv', 'agent3', 'private', GDANSK_HIDDEN, { contact_id: F.cGpriv.id });
	await inquiry('iGdep', 'agent3', 'department', GDANSK_HIDDEN, { contact_id: F.cGdep.id });
	await inquiry('iK2priv', 'agent2', 'private', AGENT2_HIDDEN, { contact_id: F.cK2priv.id });
	// A comment on a hidden inquiry lives in its history.
	F.iGpriv.markers.comment = marker('iGpriv', 'Comment');
	expectStatus(await C.agent3.post(`/api/inquiries/${F.iGpriv.id}/comments`, { body: F.iGpriv.markers.comment }), 201, 'comment');
	// Duplicates: a hidden client and company sharing an e-mail with visible ones.
	const cDup = await C.agent3.post('/api/contacts', { first_name: marker('cDup', 'First'), last_name: marker('cDup', 'Last'), email: F.cVis.markers.email, visibility: 'private' });
	expectStatus(cDup, 201);
	reg('cDup', 'contacts', cDup.body.id, { first: cDup.body.first_name, last: cDup.body.last_name }, GDANSK_HIDDEN);
	const coDup = await C.agent3.post('/api/companies', { name: marker('coDup', 'Name'), email: F.coVis.markers.email, visibility: 'private' });
	expectStatus(coDup, 201);
	reg('coDup', 'companies', coDup.body.id, { name: coDup.body.name }, GDANSK_HIDDEN);

	// Notes on every hidden record (and one moved to the trash).
	for (const [key, link, hid] of [
		['nCGpriv', { contact_id: F.cGpriv.id }, GDANSK_HIDDEN], ['nCGdep', { contact_id: F.cGdep.id }, GDANSK_HIDDEN],
		['nCoGpriv', { company_id: F.coGpriv.id }, GDANSK_HIDDEN], ['nCoGdep', { company_id: F.coGdep.id }, GDANSK_HIDDEN],
		['nIGpriv', { inquiry_id: F.iGpriv.id }, GDANSK_HIDDEN], ['nIGdep', { inquiry_id: F.iGdep.id }, GDANSK_HIDDEN],
	])
		await note(key, 'agent3', link, hid);
	await note('nCK2priv', 'agent2', { contact_id: F.cK2priv.id }, AGENT2_HIDDEN);
	await note('nCoK2priv', 'agent2', { company_id: F.coK2priv.id }, AGENT2_HIDDEN);
	await note('nIK2priv', 'agent2', { inquiry_id: F.iK2priv.id }, AGENT2_HIDDEN);
	await note('nCoGtrash', 'agent3', { company_id: F.coGpriv.id }, GDANSK_HIDDEN);
	expectStatus(await C.agent3.del(`/api/notes/${F.nCoGtrash.id}`), 204);
	await note('nCoVis', 'agent3', { company_id: F.coVis.id }, []); // on a company agent1 sees
	// Spare notes on hidden companies for the write checks (not searched).
	X.mutNoteCo = (await C.agent3.post('/api/notes', { body: 'Do edycji', company_id: F.coGpriv.id })).body;
	X.mutNoteCoK2 = (await C.agent2.post('/api/notes', { body: 'Do edycji', company_id: F.coK2priv.id })).body;

	// Activities: hidden ones, the autoplanned first ones, and visible ones
	// that link hidden records.
	await activity('aGpriv', 'agent3', { visibility: 'private', contact_id: F.cGpriv.id, company_id: F.coGpriv.id }, GDANSK_HIDDEN);
	await activity('aGdep', 'agent3', { visibility: 'department', contact_id: F.cGdep.id }, GDANSK_HIDDEN);
	await activity('aK2priv', 'agent2', { visibility: 'private', contact_id: F.cK2priv.id }, AGENT2_HIDDEN);
	await activity('aGco', 'agent3', { visibility: 'company', contact_id: F.cGco.id }, []);
	// hidden work on a client agent1 sees
	await activity('aGonVis', 'agent3', { visibility: 'private', contact_id: F.cVis.id, company_id: F.coVis.id }, GDANSK_HIDDEN);
	await inquiry('iGonVis', 'agent3', 'private', GDANSK_HIDDEN, { contact_id: F.cVis.id });
	await autoplanned('autoGpriv', 'cGpriv', 'agent3', GDANSK_HIDDEN);
	await autoplanned('autoGdep', 'cGdep', 'agent3', GDANSK_HIDDEN);
	await autoplanned('autoK2priv', 'cK2priv', 'agent2', AGENT2_HIDDEN);
	await activity('aMain', 'agent3', { visibility: 'private' }, GDANSK_HIDDEN);
	const soon = iso(Date.now() + 2 * 60000); // its reminder e-mail is due at once
	// Company-wide tasks agent1 has done about clients agent1 may not see:
	// the assignee keeps the task (not the client); the Kraków manager, who
	// sees neither the Gdańsk client nor is assigned, sees no more than the
	// client.  (An open task would let agent1 open its client: see the last
	// test.)
	const past = iso(Date.now() - 3600000);
	await activity('vAct1', 'admin', { visibility: 'company', status: 'done', assignee_id: U.agent1.id, contact_id: F.cGpriv.id, company_id: F.coVis.id, starts_at: past }, ['manager']);
	await activity('vAct2', 'admin', { visibility: 'company', status: 'done', assignee_id: U.agent1.id, contact_id: F.cK2priv.id, company_id: F.coGpriv.id, inquiry_id: F.iGpriv.id, starts_at: past }, ['manager']);
	await activity('vActCtrl', 'admin', { visibility: 'company', assignee_id: U.agent1.id, contact_id: F.cVis.id, starts_at: soon, remind_before_min: 2 }, []);
	await activity('aSub', 'admin', { visibility: 'company', assignee_id: U.agent1.id, parent_id: F.aMain.id }, []);
	const today = localDate(Date.now(), 'Europe/Warsaw');
	// agent1's open inquiries (the reminders panel) linking hidden clients of their own
	await contact('cGinq', 'agent3', 'private', GDANSK_HIDDEN);
	await contact('cK2inq', 'agent2', 'private', AGENT2_HIDDEN);
	await inquiry('vInq', 'admin', 'company', [], { handler_id: U.agent1.id, contact_id: F.cGinq.id, planned_close_date: today });
	await inquiry('vInq2', 'admin', 'company', [], { handler_id: U.agent1.id, contact_id: F.cK2inq.id, planned_close_date: today });
	await inquiry('vInqCtrl', 'admin', 'company', [], { handler_id: U.agent1.id, contact_id: F.cVis.id, planned_close_date: today });

	// Files: on a note of a hidden company, on a hidden client, and a control.
	await attachment('attNoteCoG', 'agent3', 'nCoGpriv', GDANSK_HIDDEN);
	await attachment('attCGpriv', 'agent3', 'cGpriv', GDANSK_HIDDEN);
	await attachment('attNoteCoK2', 'agent2', 'nCoK2priv', AGENT2_HIDDEN);
	await attachment('attCVis', 'agent1', 'cVis', []);

	// An announcement to Gdańsk only, with a file.
	const an = await C.admin.post('/api/announcements', { title: marker('anG', 'Title'), body: marker('anG', 'Body'), audience_departments: [GDANSK] });
	expectStatus(an, 201, 'announcement');
	reg('anG', 'announcements', an.body.id, { title: an.body.title, body: an.body.body }, GDANSK_HIDDEN);
	await attachment('attAnG', 'admin', 'anG', GDANSK_HIDDEN);

	// A merge of two hidden clients.
	await contact('mKept', 'agent3', 'private', GDANSK_HIDDEN);
	await contact('mGone', 'agent3', 'private', GDANSK_HIDDEN);
	const mg = await C.agent3.post(`/api/contacts/${F.mKept.id}/merge`, { ids: [F.mGone.id] });
	expectStatus(mg, 201, 'merge');
	X.merge = mg.body.merge;

	// Bulk e-mail by agent1 to every client of the shared city it may see.
	const b = await C.agent1.post('/api/bulk_emails', { subject: 'Oferta {name}', body: 'Dzień dobry {first_name} {last_name} ({name})', filter: { city: CITY } });
	expectStatus(b, 201, 'bulk e-mail');
	bulkId = b.body.id;
	for (const login of ['agent1', 'manager', 'agent3'])
		feedUrl[login] = expectStatus(await C[login].post('/api/me/ical'), 201, 'POST /api/me/ical').url;
});

after(async () => {
	await srv?.stop();
	await sink?.close();
	if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/* ---- fetching any reply as text ----------------------------------------- */

/* unzip: {name: Buffer} of a zip file (stored or deflated entries). */
function unzip(buf) {
	const files = {};
	let eocd = buf.length - 22;
	while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
	if (eocd < 0) throw new Error('not a zip file');
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

/* unpercent: v with %XX escapes decoded (RFC 5987 file names), if it can be. */
function unpercent(v) {
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
}

/* fetchText: {status, text, body} of GET path as login: the raw bytes as UTF-8,
 * an XLSX's every entry unzipped, an iCal feed unfolded (no login). */
async function fetchText(login, p) {
	const headers = p.startsWith('/ical/') ? {} : C[login].headersFor('GET');
	const res = await fetch(srv.url + p, { headers, redirect: 'manual', signal: AbortSignal.timeout(60000) });
	const buf = Buffer.from(await res.arrayBuffer());
	let text = buf.toString('utf8');
	if (res.status === 200 && buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50)
		text = Object.entries(unzip(buf)).map(([n, b]) => `${n}\n${b.toString('utf8')}`).join('\n');
	if (p.startsWith('/ical/')) text = text.replace(/\r?\n[ \t]/g, '').replace(/\\([,;\\])/g, '$1');
	// exports write phone numbers grouped as the UI does ("+48 601 234 567"):
	// search their digits too
	text += '\n' + text.replace(/(\d) (?=\d)/g, '$1');
	// the headers are part of the reply (a file name in Content-Disposition)
	const head = [...res.headers].map(([k, v]) => `${k}: ${v} ${unpercent(v)}`).join('\n');
	return { status: res.status, text: `${head}\n\n${text}`, body: text };
}

/* forbidden: [{where: 'fixture.kind', text}] of markers hidden from login. */
function forbidden(login) {
	const out = [];
	for (const f of Object.values(F))
		if (f.hiddenFrom?.has(login))
			for (const [kind, text] of Object.entries(f.markers)) out.push({ where: `${f.key}.${kind}`, text: text.toLowerCase() });
	return out;
}

/* leaksIn: the hidden markers found in text, as 'fixture.kind' names. */
function leaksIn(login, text) {
	const low = text.toLowerCase();
	return forbidden(login).filter((m) => low.includes(m.text)).map((m) => m.where);
}

/* ---- the routes -------------------------------------------------------- */

// Every catalogue entity (GET /api/<name>/export in the OpenAPI document).
const ENTITIES = ['departments', 'users', 'custom_fields', 'companies', 'contacts', 'action_types', 'activities', 'notes',
	'procedures', 'statuses', 'close_reasons', 'inquiries', 'announcements', 'kb_articles'];

// GET routes that carry no record data of others (so nothing to search).
const EXEMPT = {
	'/healthz': 'no data', '/api/openapi.json': 'the API reference', '/api/me': 'the caller', '/api/tokens': 'own tokens',
	'/api/settings': 'office settings',
	'/api/settings/mail': 'the mail set-up (admins only; no password, tested in settings_mail.test.mjs)',
	'/': 'web UI', '/assets/{token}': 'web UI',
};

/* routes: [{family, tpl (the OpenAPI path), path, expect (status or
 * null: any)}] for every GET that returns records or linked data. */
function routes() {
	const R = [];
	const add = (family, tpl, p, expect = 200) => R.push({ family, tpl, path: p, expect });
	const from = iso(Date.now() - 86400000), to = iso(Date.now() + 30 * 86400000);
	// lists, trash, exports of every entity
	for (const e of ENTITIES) {
		add('lists', `/api/${e}`, `/api/${e}?limit=500`);
		add('lists', `/api/${e}`, `/api/${e}?trash=1&limit=500`);
		add('exports', `/api/${e}/export`, `/api/${e}/export?format=csv`);
		add('exports', `/api/${e}/export`, `/api/${e}/export?format=xlsx`);
		add('exports', `/api/${e}/export`, `/api/${e}/export?format=csv&trash=1`, null);
	}
	// get and history of every fixture (hidden ones: 404, checked apart)
	for (const f of Object.values(F)) {
		if (!f.entity) continue;
		if (f.entity === 'attachments') {
			add('notes_attachments', '/api/attachments/{id}', `/api/attachments/${f.id}`, null);
			add('notes_attachments', '/api/attachments/{id}/download', `/api/attachments/${f.id}/download`, null);
			continue;
		}
		add('gets', `/api/${f.entity}/{id}`, `/api/${f.entity}/${f.id}`, null);
		add('gets', `/api/${f.entity}/{id}/history`, `/api/${f.entity}/${f.id}/history`, null);
	}
	for (const e of ['departments', 'users', 'custom_fields', 'action_types', 'procedures', 'statuses', 'close_reasons', 'announcements', 'kb_articles'])
		add('gets', `/api/${e}/{id}`, `/api/${e}/1`, null), add('gets', `/api/${e}/{id}/history`, `/api/${e}/1/history`, null);
	add('gets', '/api/merges/{id}', `/api/merges/${X.merge.id}`, null);
	// filters and search
	const ids = (entity) => Object.values(F).filter((f) => f.entity === entity && f.hiddenFrom.size).map((f) => f.id);
	for (const who of ['agent3', 'agent2', 'agent1'])
		add('filters', '/api/activities', `/api/activities?assignee_id=${U[who].id}&limit=500`);
	for (const id of [...ids('contacts'), F.cVis.id]) {
		add('filters', '/api/activities', `/api/activities?contact_id=${id}&limit=500`);
		add('filters', '/api/inquiries', `/api/inquiries?contact_id=${id}&limit=500`);
		add('notes_attachments', '/api/notes', `/api/notes?contact_id=${id}&limit=500`);
	}
	for (const id of [...ids('companies'), F.coVis.id]) {
		add('filters', '/api/activities', `/api/activities?company_id=${id}&limit=500`);
		add('filters', '/api/contacts', `/api/contacts?company_id=${id}&limit=500`);
		add('notes_attachments', '/api/notes', `/api/notes?company_id=${id}&limit=500`);
		add('notes_attachments', '/api/notes', `/api/notes?company_id=${id}&trash=1&limit=500`);
	}
	for (const id of ids('inquiries')) {
		add('filters', '/api/activities', `/api/activities?inquiry_id=${id}&limit=500`);
		add('notes_attachments', '/api/notes', `/api/notes?inquiry_id=${id}&limit=500`);
	}
	add('filters', '/api/activities', `/api/activities?parent_id=${F.aMain.id}&limit=500`);
	add('filters', '/api/contacts', `/api/contacts?city=${CITY}&limit=500`);
	for (const f of Object.values(F)) {
		if (!f.hiddenFrom?.size || !['contacts', 'companies', 'activities', 'inquiries'].includes(f.entity)) continue;
		const word = f.markers.last || f.markers.name || f.markers.subject || f.markers.title || f.markers.first;
		for (const e of ['contacts', 'companies', 'activities', 'inquiries'])
			add('filters', `/api/${e}`, `/api/${e}?q=${encodeURIComponent(word)}&limit=500`);
		if (f.markers.phone) add('filters', `/api/${f.entity}`, `/api/${f.entity}?q=${f.markers.phone}&limit=500`);
	}
	// exports with link columns and filters
	for (const fmt of ['csv', 'xlsx']) {
		add('exports', '/api/activities/export', `/api/activities/export?format=${fmt}&columns=subject,contact_id`);
		add('exports', '/api/activities/export', `/api/activities/export?format=${fmt}&columns=subject,note,place,goal,contact_id,company_id,inquiry_id,parent_id`);
		add('exports', '/api/activities/export', `/api/activities/export?format=${fmt}&assignee_id=${U.agent3.id}`);
		add('exports', '/api/activities/export', `/api/activities/export?format=${fmt}&assignee_id=${U.agent1.id}`);
		add('exports', '/api/notes/export', `/api/notes/export?format=${fmt}&company_id=${F.coGpriv.id}`);
		add('exports', '/api/notes/export', `/api/notes/export?format=${fmt}&columns=body,contact_id,company_id,inquiry_id`);
		add('exports', '/api/contacts/export', `/api/contacts/export?format=${fmt}&city=${CITY}`);
		add('exports', '/api/inquiries/export', `/api/inquiries/export?format=${fmt}&columns=title,contact_id`);
	}
	// agenda
	add('agenda', '/api/reminders', '/api/reminders');
	add('agenda', '/api/reminders', '/api/reminders?fields=subject,contact_id&inquiry_fields=title,contact_id');
	for (const q of ['', `&user_id=${U.agent1.id}`, `&user_id=${U.agent2.id}`, `&user_id=${U.agent3.id}`, `&department_id=${GDANSK}`, `&department_id=${KRAKOW}`]) {
		add('agenda', '/api/calendar', `/api/calendar?from=${from}&to=${to}${q}`, null);
		add('agenda', '/api/calendar', `/api/calendar?from=${from}&to=${to}${q}&fields=subject,contact_id`, null);
	}
	add('agenda', '/ical/{token}', '@ical');
	// timelines, thread, board, reports, duplicates
	for (const [e, key] of [['contacts', 'cVis'], ['companies', 'coVis'], ['contacts', 'cGpriv'], ['contacts', 'cK2priv'], ['companies', 'coGpriv'], ['companies', 'coK2priv'], ['contacts', 'mKept']])
		add('views', `/api/${e}/{id}/timeline`, `/api/${e}/${F[key].id}/timeline?limit=500`, null);
	add('views', '/api/activities/{id}/thread', `/api/activities/${F.aSub.id}/thread`, null);
	add('views', '/api/activities/{id}/thread', `/api/activities/${F.aMain.id}/thread`, null);
	add('views', '/api/inquiries/board', '/api/inquiries/board?cards=100');
	for (const g of ['status', 'handler', 'close_reason', 'month'])
		for (const fmt of ['json', 'csv', 'xlsx'])
			add('views', '/api/reports/inquiries', `/api/reports/inquiries?from=2000-01-01&to=2100-01-01&group_by=${g}&format=${fmt}`);
	for (const fmt of ['json', 'csv', 'xlsx'])
		add('views', '/api/reports/contacts', `/api/reports/contacts?from=2000-01-01&to=2100-01-01&format=${fmt}`);
	for (const e of ['contacts', 'companies']) {
		add('views', '/api/duplicates', `/api/duplicates?entity=${e}&limit=200`);
		add('views', '/api/duplicates', `/api/duplicates?entity=${e}&kind=email&limit=200`);
	}
	add('views', '/api/announcements/pending', '/api/announcements/pending');
	add('views', '/api/announcements/{id}/receipts', `/api/announcements/${F.anG.id}/receipts`, null);
	add('views', '/api/kb_articles', '/api/kb_articles?q=Leak');
	// notes and files
	for (const key of ['nCoGpriv', 'nCoK2priv', 'cGpriv', 'cVis', 'coGpriv', 'anG'])
		add('notes_attachments', '/api/attachments', `/api/attachments?entity=${F[key].entity}&record_id=${F[key].id}`, null);
	add('mail', '/api/bulk_emails', '/api/bulk_emails');
	add('mail', '/api/bulk_emails/{id}', `/api/bulk_emails/${bulkId}?limit=500`, null);
	return R;
}

/* run: every route of the families as every viewer; the findings. */
async function run(families) {
	const found = [];
	for (const r of routes().filter((x) => families.includes(x.family)))
		for (const login of VIEWERS) {
			const p = r.path === '@ical' ? feedUrl[login] : r.path;
			const res = await fetchText(login, p);
			if (r.expect && res.status !== r.expect) found.push(`GET ${p} as ${login}: status ${res.status}, expected ${r.expect}: ${res.body.slice(0, 120)}`);
			const leaks = leaksIn(login, res.text);
			if (leaks.length) found.push(`GET ${p} as ${login} (${res.status}): ${leaks.join(', ')}`);
		}
	return found;
}

const report = (found) => `${found.length} leak(s):\n  ${found.join('\n  ')}`;

test('leaks_lists_and_trash_of_every_entity', async () => {
	const found = await run(['lists']);
	assert.deepEqual(found, [], report(found));
});

test('leaks_get_and_history_of_every_record', async () => {
	const found = await run(['gets']);
	// A record hidden from the caller is 404 on get and history, derived ones
	// (notes, autoplanned activities) too; a visible one is 200.
	for (const f of Object.values(F)) {
		if (!f.entity || f.entity === 'attachments') continue;
		for (const login of VIEWERS) {
			const want = f.hiddenFrom.has(login) ? 404 : 200;
			for (const suffix of ['', '/history']) {
				const r = await C[login].get(`/api/${f.entity}/${f.id}${suffix}`);
				if (f.key === 'mGone' && r.status === 308) continue; // merged: a redirect to the kept one
				if (r.status !== want) found.push(`GET /api/${f.entity}/${f.id}${suffix} (${f.key}) as ${login}: ${r.status}, expected ${want}`);
			}
		}
	}
	assert.deepEqual(found, [], report(found));
});

test('leaks_filters_and_search', async () => {
	const found = await run(['filters']);
	assert.deepEqual(found, [], report(found));
});

test('leaks_exports_csv_and_xlsx', async () => {
	const found = await run(['exports']);
	assert.deepEqual(found, [], report(found));
});

test('leaks_reminders_calendar_and_ical_feed', async () => {
	const found = await run(['agenda']);
	assert.deepEqual(found, [], report(found));
});

test('leaks_timeline_thread_board_reports_duplicates', async () => {
	const found = await run(['views']);
	assert.deepEqual(found, [], report(found));
});

test('leaks_notes_and_attachments_follow_what_they_hang_on', async () => {
	const found = await run(['notes_attachments']);
	for (const key of ['attNoteCoG', 'attCGpriv', 'attNoteCoK2', 'attAnG'])
		for (const login of F[key].hiddenFrom)
			if (VIEWERS.includes(login))
				for (const suffix of ['', '/download']) {
					const r = await C[login].get(`/api/attachments/${F[key].id}${suffix}`);
					if (r.status !== 404) found.push(`GET /api/attachments/${F[key].id}${suffix} (${key}) as ${login}: ${r.status}, expected 404`);
				}
	for (const key of ['nCoGpriv', 'nCoK2priv', 'cGpriv', 'anG'])
		for (const login of F[key].hiddenFrom)
			if (VIEWERS.includes(login)) {
				const r = await C[login].get(`/api/attachments?entity=${F[key].entity}&record_id=${F[key].id}`);
				if (r.status !== 404) found.push(`GET /api/attachments?entity=${F[key].entity}&record_id=${F[key].id} as ${login}: ${r.status}, expected 404`);
			}
	assert.deepEqual(found, [], report(found));
});

/* mailsSettled: waits until the bulk e-mail is done and the reminder e-mail
 * of agent1's open task went out (at most 30 s).  An open task lets its
 * assignee see its client, so no reminder can name a client hidden from the
 * one it goes to; the done tasks about hidden clients send nothing. */
async function mailsSettled() {
	const deadline = Date.now() + 30000;
	for (;;) {
		const b = await C.agent1.get(`/api/bulk_emails/${bulkId}?limit=500`);
		const reminders = sink.messages.filter((m) => m.to.includes(AGENT1_MAIL)).length;
		if (b.status === 200 && b.body.status === 'done' && reminders >= 1) return true;
		if (Date.now() > deadline) return false;
		await sleep(200);
	}
}

test('leaks_reminder_and_bulk_emails', async () => {
	const settled = await mailsSettled();
	const found = await run(['mail']);
	const hiddenMails = forbidden('agent1').filter((m) => m.text.includes('@')).map((m) => m.text);
	for (const m of sink.messages) {
		const parsed = parseMessage(m.data);
		const text = `${m.to.join(' ')}\n${m.data}\n${parsed.subject}\n${JSON.stringify(parsed.headers)}\n${parsed.body}`;
		const leaks = leaksIn('agent1', text);
		if (leaks.length) found.push(`e-mail to ${m.to.join(', ')} "${parsed.subject}": ${leaks.join(', ')}`);
		for (const to of m.to)
			if (hiddenMails.includes(to.toLowerCase())) found.push(`e-mail sent to a hidden client's address ${to}`);
	}
	assert.ok(settled, `the bulk e-mail and the reminder within 30 s; the sink got ${sink.messages.length} messages`);
	// Controls: a reminder names agent1's own client, a bulk message went to it.
	const all = sink.messages.map((m) => parseMessage(m.data)).map((p) => `${p.subject}\n${p.body}`).join('\n');
	assert.ok(all.includes(F.cVis.markers.last), 'a reminder e-mail names the visible client');
	assert.ok(sink.messages.some((m) => m.to.includes(F.cVis.markers.email)), 'the bulk e-mail reached the visible client');
	assert.deepEqual(found, [], report(found));
});

/* ---- positive controls: the routes do carry linked data ------------------ */

test('leaks_positive_controls_the_routes_carry_linked_data', async () => {
	const from = iso(Date.now() - 86400000), to = iso(Date.now() + 30 * 86400000);
	const M = (key, kind) => F[key].markers[kind];
	const cases = [
		// the owner sees its own markers where others must not
		['agent3', `/api/notes?company_id=${F.coGpriv.id}`, [M('nCoGpriv', 'body')]],
		['agent3', '/api/notes/export?format=csv', [M('nCoGpriv', 'body')]],
		['agent3', '/api/notes/export?format=xlsx', [M('nCoGpriv', 'body')]],
		['agent3', `/api/activities?assignee_id=${U.agent3.id}&limit=500`, [M('cGpriv', 'last'), M('aGpriv', 'subject')]],
		['agent3', '/api/activities/export?format=csv&columns=subject,contact_id', [M('cGpriv', 'last')]],
		['agent3', '/api/activities/export?format=xlsx&columns=subject,contact_id', [M('cGpriv', 'last')]],
		['agent3', '/api/contacts/export?format=xlsx', [M('cGpriv', 'phone'), M('cGpriv', 'email')]],
		['agent3', `/api/calendar?from=${from}&to=${to}&user_id=${U.agent3.id}`, [M('cGpriv', 'first'), M('cGpriv', 'phone')]],
		['agent3', `/api/calendar?from=${from}&to=${to}&department_id=${GDANSK}`, [M('cGdep', 'first')]],
		['agent3', feedUrl.agent3, [M('cGpriv', 'last'), M('cGpriv', 'phone')]],
		['agent3', '/api/duplicates?entity=contacts&limit=200', [M('cDup', 'last')]],
		['agent3', '/api/duplicates?entity=companies&limit=200', [M('coDup', 'name')]],
		['agent3', `/api/attachments/${F.attNoteCoG.id}/download`, [M('attNoteCoG', 'content')]],
		['agent3', `/api/attachments?entity=notes&record_id=${F.nCoGpriv.id}`, [M('attNoteCoG', 'file')]],
		['agent3', `/api/activities/${F.aSub.id}/thread`, [M('aMain', 'subject')]],
		['agent3', `/api/inquiries/${F.iGpriv.id}/history`, [M('iGpriv', 'comment')]],
		['agent3', `/api/merges/${X.merge.id}`, []],
		// agent1's own linked data shows
		['agent1', '/api/reminders', [M('cVis', 'last'), M('cVis', 'phone'), M('vActCtrl', 'subject'), M('vInq', 'title')]],
		['agent1', `/api/calendar?from=${from}&to=${to}`, [M('cVis', 'last'), M('vAct1', 'subject')]],
		['agent1', feedUrl.agent1, [M('cVis', 'last'), M('vAct1', 'subject')]],
		['agent1', `/api/companies/${F.coVis.id}/timeline`, [M('vAct1', 'subject'), M('nCoVis', 'body')]],
		['agent1', `/api/contacts/${F.cVis.id}/timeline`, [M('vActCtrl', 'subject')]],
		['agent1', '/api/contacts?limit=500', [M('cGco', 'last'), M('cK2dep', 'last'), M('cVis', 'last')]],
		['agent1', '/api/contacts/export?format=xlsx', [M('cGco', 'last'), M('cK2dep', 'phone')]],
		['agent1', `/api/attachments/${F.attCVis.id}/download`, [M('attCVis', 'content')]],
		// the Kraków manager sees Gdańsk's company-wide work and Kraków's private
		['manager', `/api/calendar?from=${from}&to=${to}&department_id=${GDANSK}`, [M('aGco', 'subject'), M('cGco', 'last')]],
		['manager', '/api/contacts?limit=500', [M('cK2priv', 'last')]],
		['manager', `/api/notes?company_id=${F.coK2priv.id}`, [M('nCoK2priv', 'body')]],
	];
	const missing = [];
	for (const [login, p, want] of cases) {
		const r = await fetchText(login, p);
		if (r.status !== 200) {
			missing.push(`GET ${p} as ${login}: ${r.status} ${r.body.slice(0, 120)}`);
			continue;
		}
		const low = r.text.toLowerCase();
		for (const m of want) if (!low.includes(m.toLowerCase())) missing.push(`GET ${p} as ${login}: lacks ${m}`);
	}
	assert.deepEqual(missing, []);
});

/* ---- coverage from the OpenAPI document --------------------------------- */

test('leaks_every_entity_and_get_route_in_openapi_is_covered', async () => {
	const doc = expectStatus(await srv.anon.get('/api/openapi.json'), 200);
	const paths = Object.keys(doc.paths);
	const entities = paths.map((p) => /^\/api\/([a-z_]+)\/export$/.exec(p)?.[1]).filter(Boolean);
	const newEntities = entities.filter((e) => !ENTITIES.includes(e));
	assert.deepEqual(newEntities, [], `entities without leak coverage (add them to ENTITIES and give them fixtures): ${newEntities.join(', ')}`);
	const covered = new Set(routes().map((r) => r.tpl));
	const gets = paths.filter((p) => doc.paths[p].get);
	const uncovered = gets.filter((p) => !covered.has(p) && !EXEMPT[p]);
	assert.deepEqual(uncovered, [], `GET routes the leak test does not call: ${uncovered.join(', ')}`);
});

/* ---- the hidden link shows only as its id -------------------------------- */

/* hiddenRefs: the {id, hidden: true} objects anywhere in a JSON value. */
function hiddenRefs(v, out = []) {
	if (Array.isArray(v)) v.forEach((x) => hiddenRefs(x, out));
	else if (v && typeof v === 'object') {
		if (v.hidden === true && Number.isInteger(v.id)) out.push(v.id);
		Object.values(v).forEach((x) => hiddenRefs(x, out));
	}
	return out;
}

test('leaks_a_visible_activity_shows_its_hidden_client_as_id_and_hidden', async () => {
	const r = await C.agent1.get(`/api/activities/${F.vAct1.id}`);
	expectStatus(r, 200, 'agent1 sees the activity assigned to them');
	assert.equal(r.body.contact_id, F.cGpriv.id, 'the link itself stays');
	assert.deepEqual(leaksIn('agent1', r.text), []);
	assert.ok(hiddenRefs(r.body).includes(F.cGpriv.id), `the hidden client as {"id": ${F.cGpriv.id}, "hidden": true}: ${r.text}`);
	// the owner still gets the client's data
	const own = expectStatus(await C.agent3.get(`/api/activities?contact_id=${F.cGpriv.id}&limit=500`), 200);
	assert.ok(JSON.stringify(own).includes(F.cGpriv.markers.last));
});

/* ---- writes that reference hidden records -------------------------------- */

test('leaks_writes_naming_hidden_records_are_refused', async () => {
	const a1 = C.agent1;
	const wrong = [];
	const want = async (what, r, status, field) => {
		if (r.status !== status || (field && !(r.body?.error?.fields && typeof r.body.error.fields[field] === 'string')))
			wrong.push(`${what}: ${r.status} ${r.text.slice(0, 200)}, expected ${status}${field ? ` on "${field}"` : ''}`);
	};
	// notes on hidden companies: no read, edit or delete
	for (const n of [X.mutNoteCo, X.mutNoteCoK2]) {
		await want(`GET note ${n.id} on a hidden company`, await a1.get(`/api/notes/${n.id}`), 404);
		await want(`PATCH note ${n.id} on a hidden company`, await a1.patch(`/api/notes/${n.id}`, { body: 'zmienione', version: n.version }), 404);
		await want(`DELETE note ${n.id} on a hidden company`, await a1.del(`/api/notes/${n.id}`), 404);
		await want(`POST restore note ${n.id}`, await a1.post(`/api/notes/${n.id}/restore`), 404);
	}
	const still = await C.agent3.get(`/api/notes/${X.mutNoteCo.id}`);
	if (still.status !== 200 || still.body.body !== 'Do edycji') wrong.push(`the note on a hidden company was changed or deleted: ${still.status} ${still.text.slice(0, 200)}`);
	// links to hidden (or missing) records
	const links = [
		['notes', { body: 'x', contact_id: F.cGpriv.id }, 'contact_id'],
		['notes', { body: 'x', contact_id: F.cK2priv.id }, 'contact_id'],
		['notes', { body: 'x', company_id: F.coGpriv.id }, 'company_id'],
		['notes', { body: 'x', company_id: F.coK2priv.id }, 'company_id'],
		['notes', { body: 'x', inquiry_id: F.iGpriv.id }, 'inquiry_id'],
		['notes', { body: 'x', inquiry_id: F.iK2priv.id }, 'inquiry_id'],
		['notes', { body: 'x', deal_id: 999999 }, 'deal_id'],
		['activities', { kind: 'task', subject: 'x', contact_id: F.cGpriv.id }, 'contact_id'],
		['activities', { kind: 'task', subject: 'x', contact_id: F.cK2priv.id }, 'contact_id'],
		['activities', { kind: 'task', subject: 'x', company_id: F.coGpriv.id }, 'company_id'],
		['activities', { kind: 'task', subject: 'x', inquiry_id: F.iGpriv.id }, 'inquiry_id'],
		['activities', { kind: 'task', subject: 'x', parent_id: F.aMain.id }, 'parent_id'],
		['activities', { kind: 'task', subject: 'x', deal_id: 999999 }, 'deal_id'],
		['inquiries', { title: 'x', contact_id: F.cGpriv.id }, 'contact_id'],
		['contacts', { last_name: 'x', company_id: F.coGpriv.id }, 'company_id'],
	];
	for (const [entity, body, field] of links)
		await want(`POST /api/${entity} ${JSON.stringify(body)}`, await a1.post(`/api/${entity}`, body), 422, field);
	// the same on update of records agent1 owns
	const own = expectStatus(await a1.post('/api/notes', { body: 'moja', contact_id: F.cVis.id }), 201);
	await want('PATCH own note to a hidden company', await a1.patch(`/api/notes/${own.id}`, { contact_id: null, company_id: F.coGpriv.id, version: own.version }), 422, 'company_id');
	const act = expectStatus(await a1.post('/api/activities', { kind: 'task', subject: 'moje' }), 201);
	await want('PATCH own activity to a hidden client', await a1.patch(`/api/activities/${act.id}`, { contact_id: F.cGpriv.id, version: act.version }), 422, 'contact_id');
	// files on hidden records
	for (const key of ['nCoGpriv', 'nCoK2priv', 'cGpriv'])
		await want(`upload to ${key}`, await upload(a1, F[key].entity, F[key].id, 'x.txt', 'x'), 404);
	await want('DELETE a file on a hidden note', await a1.del(`/api/attachments/${F.attNoteCoG.id}`), 404);
	// comments, bulk e-mail and merges naming hidden records
	await want('comment on a hidden inquiry', await a1.post(`/api/inquiries/${F.iGpriv.id}/comments`, { body: 'x' }), 404);
	await want('bulk e-mail to a hidden client', await a1.post('/api/bulk_emails', { subject: 'x', body: 'x', contact_ids: [F.cGpriv.id] }), 422, 'contact_ids');
	const proc = expectStatus(await C.admin.post('/api/procedures', { name: 'Procedura', steps: [{ subject: 'Krok', kind: 'call', day_offset: 0, duration_min: 15 }] }), 201);
	await want('a procedure applied to a hidden client', await a1.post(`/api/procedures/${proc.id}/apply`, { contact_id: F.cGpriv.id, start_date: localDate(Date.now() + 86400000, 'Europe/Warsaw') }), 422, 'contact_id');
	const mg = await a1.post(`/api/contacts/${F.cVis.id}/merge`, { ids: [F.cGpriv.id] });
	if (mg.status !== 404 && mg.status !== 422) wrong.push(`merge of a hidden client: ${mg.status} ${mg.text.slice(0, 200)}`);
	expectStatus(await C.agent3.get(`/api/contacts/${F.cGpriv.id}`), 200, 'the hidden client is untouched');
	assert.deepEqual(wrong, [], `${wrong.length} write(s) not refused:\n  ${wrong.join('\n  ')}`);
});

/* ---- an open task lets its assignee open its client ----------------------- */

test('leaks_an_open_task_lets_its_assignee_open_its_client_and_nobody_else', async () => {
	await contact('cGtask', 'agent3', 'private', ['manager']);
	const task = await activity('vTask', 'admin', { assignee_id: U.agent1.id, contact_id: F.cGtask.id }, ['manager']);
	const card = expectStatus(await C.agent1.get(`/api/contacts/${F.cGtask.id}`), 200, 'the assignee opens the client');
	assert.equal(card.access, 'task', 'the card can say why');
	const found = expectStatus(await C.agent1.get(`/api/contacts?q=${encodeURIComponent(F.cGtask.markers.last)}`), 200);
	assert.deepEqual(found.items.map((x) => x.id), [F.cGtask.id], 'search finds it');
	const note = expectStatus(await C.agent1.post('/api/notes', { body: 'Rozmowa', contact_id: F.cGtask.id }), 201, 'a note on it');
	expectStatus(await C.agent1.post('/api/activities', { kind: 'call', subject: 'Rozmowa', status: 'done', contact_id: F.cGtask.id }), 201, 'a call registered on it');
	const own = expectStatus(await C.agent1.get(`/api/contacts/${F.cVis.id}`), 200);
	assert.equal(own.access, undefined, 'a client seen by its own rule is not marked');
	// Nobody else gains anything.
	expectStatus(await C.manager.get(`/api/contacts/${F.cGtask.id}`), 404, 'the manager');
	expectStatus(await C.agent2.get(`/api/contacts/${F.cGtask.id}`), 404, 'a colleague');
	// Once the task is done, the client is hidden again (the task stays).
	const t = expectStatus(await C.agent1.get(`/api/activities/${task.id}`), 200);
	expectStatus(await C.agent1.patch(`/api/activities/${task.id}`, { status: 'done', version: t.version }), 200);
	expectStatus(await C.agent1.get(`/api/contacts/${F.cGtask.id}`), 404, 'after the task is done');
	expectStatus(await C.agent1.get(`/api/notes/${note.id}`), 404, 'and what hangs on it');
	const after = expectStatus(await C.agent1.get(`/api/activities/${task.id}`), 200, 'the done task stays');
	assert.deepEqual(after.contact, { id: F.cGtask.id, hidden: true });
});
