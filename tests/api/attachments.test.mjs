// attachments: files on any record.  Multipart upload of one file (413 over
// the cap, KONTAKT_ATTACHMENT_MAX_MB, before the body is read when
// Content-Length says so), stored once per content under
// KONTAKT_DATA_DIR/attachments/ab/cd/<sha256>, the MIME type sniffed from the
// bytes (never the client's), a record's list, download with a safe
// Content-Disposition, trash and restore, and visibility that follows the
// record's (404 for a record the caller can't see).
import { before, after } from 'node:test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, test, assert, expectError, expectStatus, uniq, pageAll } from './lib/harness.mjs';

let srv, dataDir, admin, manager, agent1, agent3, contact;

before(async () => {
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-data-'));
	srv = await startServer({ env: { KONTAKT_DATA_DIR: dataDir } });
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent1 = await srv.session('agent1');
	agent3 = await srv.session('agent3');
	contact = expectStatus(await agent1.post('/api/contacts', { last_name: uniq('Załącznikowy') }), 201);
});
after(async () => {
	await srv?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/* multipart: a multipart/form-data body of parts {name, filename?, type?, data}. */
function multipart(parts, boundary = `----kontakt${crypto.randomBytes(8).toString('hex')}`) {
	const chunks = [];
	for (const p of parts) {
		let h = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if (p.filename !== undefined) h += `; filename="${p.filename}"`;
		if (p.filenameStar) h += `; filename*=UTF-8''${p.filenameStar}`;
		h += '\r\n';
		if (p.type) h += `Content-Type: ${p.type}\r\n`;
		chunks.push(Buffer.from(h + '\r\n'), Buffer.from(p.data), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(client, entity, id, data, filename = 'plik.bin', { type, extra = [] } = {}) {
	const m = multipart([...extra, { name: 'file', filename, type: type || 'application/octet-stream', data }]);
	return client.raw('POST', `/api/attachments?entity=${entity}&record_id=${id}`, { body: m.body, headers: { 'Content-Type': m.type } });
}

/* zip: a stored (uncompressed) zip of {name: content} files. */
function zip(files) {
	const locals = [], centrals = [];
	let offset = 0;
	for (const [name, content] of Object.entries(files)) {
		const data = Buffer.from(content), n = Buffer.from(name), crc = zlib.crc32(data);
		const lh = Buffer.alloc(30);
		lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
		lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(n.length, 26);
		const ch = Buffer.alloc(46);
		ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt32LE(crc, 16);
		ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(n.length, 28);
		ch.writeUInt32LE(offset, 42);
		locals.push(lh, n, data);
		centrals.push(ch, n);
		offset += 30 + n.length + data.length;
	}
	const cd = Buffer.concat(centrals), end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
	end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, end]);
}

function storedPath(sha) {
	return path.join(dataDir, 'attachments', sha.slice(0, 2), sha.slice(2, 4), sha);
}

test('attachments_round_trip_keeps_bytes_sha256_and_headers', async () => {
	const data = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(300000)]);
	const r = await upload(agent1, 'contacts', contact.id, data, 'Umowa najmu.pdf', { type: 'text/html' });
	expectStatus(r, 201, 'upload');
	const a = r.body;
	assert.equal(a.entity, 'contacts');
	assert.equal(a.record_id, contact.id);
	assert.equal(a.name, 'Umowa najmu.pdf');
	assert.equal(a.size, data.length);
	assert.equal(a.sha256, sha256(data));
	assert.equal(a.mime, 'application/pdf', 'sniffed, not the client type');
	assert.equal(a.created_by, agent1.user.id);
	assert.equal(a.download_url, `/api/attachments/${a.id}/download`);
	assert.ok(fs.statSync(storedPath(a.sha256)).isFile());
	const list = await agent1.get(`/api/attachments?entity=contacts&record_id=${contact.id}`);
	expectStatus(list, 200);
	assert.ok(list.body.items.some((x) => x.id === a.id && x.sha256 === a.sha256));
	expectStatus(await agent1.get(`/api/attachments/${a.id}`), 200);
	const res = await fetch(srv.url + a.download_url, { headers: agent1.headersFor('GET') });
	assert.equal(res.status, 200);
	const got = Buffer.from(await res.arrayBuffer());
	assert.equal(got.length, data.length);
	assert.equal(sha256(got), a.sha256);
	assert.equal(res.headers.get('content-type'), 'application/pdf');
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
	assert.equal(res.headers.get('content-disposition'), 'attachment; filename="Umowa najmu.pdf"; filename*=UTF-8\'\'Umowa%20najmu.pdf');
	assert.match(res.headers.get('cache-control'), /no-store/);
});

test('attachments_same_content_is_stored_once', async () => {
	const data = crypto.randomBytes(50000);
	const c2 = expectStatus(await agent1.post('/api/contacts', { last_name: uniq('Drugi') }), 201);
	const one = expectStatus(await upload(agent1, 'contacts', contact.id, data, 'a.bin'), 201);
	const two = expectStatus(await upload(agent1, 'contacts', c2.id, data, 'b.bin'), 201);
	assert.notEqual(one.id, two.id);
	assert.equal(one.sha256, two.sha256);
	// The directory ab/cd may also hold an earlier test's file whose (random)
	// content hashes to the same four hex digits (1 in 65536): any file but a
	// complete content-addressed one is a temporary left over.
	const dir = path.dirname(storedPath(one.sha256));
	assert.deepEqual(fs.readdirSync(dir).filter((f) => f === one.sha256 || !/^[0-9a-f]{64}$/.test(f)), [one.sha256],
		'one file, no temporary left over');
	const all = [];
	const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : all.push(e.name)));
	walk(path.join(dataDir, 'attachments'));
	assert.equal(all.filter((f) => f === one.sha256).length, 1);
	assert.ok(all.every((f) => /^[0-9a-f]{64}$/.test(f)), `only content-addressed files: ${all}`);
});

test('attachments_mime_is_sniffed_from_the_bytes', async () => {
	const cases = [
		[Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'image/png'],
		[Buffer.from('ffd8ffe000104a464946', 'hex'), 'image/jpeg'],
		[Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'image/gif'],
		[zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
		[zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
		[zip({ 'notatki.txt': 'abc' }), 'application/zip'],
		[Buffer.from('Zażółć gęślą jaźń\r\nlinia 2\n'), 'text/plain; charset=utf-8'],
		[Buffer.from('<html><script>alert(1)</script></html>'), 'text/plain; charset=utf-8'],
		[Buffer.from([0, 1, 2, 3, 255, 254]), 'application/octet-stream'],
		[Buffer.alloc(0), 'application/octet-stream'],
	];
	for (const [data, mime] of cases) {
		const r = await upload(agent1, 'contacts', contact.id, data, 'x.html', { type: 'text/html' });
		expectStatus(r, 201, mime);
		assert.equal(r.body.mime, mime);
		const res = await fetch(srv.url + r.body.download_url, { headers: agent1.headersFor('GET') });
		assert.equal(res.headers.get('content-type'), mime);
		assert.equal(Buffer.compare(Buffer.from(await res.arrayBuffer()), data), 0);
	}
});

test('attachments_names_are_sanitised_and_disposition_is_safe', async () => {
	const cases = [
		['../../etc/passwd', 'passwd'],
		['C:\\Users\\jan\\raport.pdf', 'raport.pdf'],
		['a\\"b;c.txt', 'a_b;c.txt'], // a quote escaped as curl sends it
		['..hidden. ', 'hidden'],
		['zły\u202Efdp.exe', 'złyfdp.exe'],
		['tab\there', 'tabhere'],
		['', 'file'],
		['...', 'file'],
		['x'.repeat(300) + '.pdf', 'x'.repeat(255)],
	];
	for (const [sent, kept] of cases) {
		const r = await upload(agent1, 'contacts', contact.id, 'abc', sent);
		expectStatus(r, 201, JSON.stringify(sent));
		assert.equal(r.body.name, kept, JSON.stringify(sent));
	}
	const m = multipart([{ name: 'file', filename: 'fallback.txt', filenameStar: '%C5%BC%C3%B3%C5%82%C4%87%20%E2%9C%93.txt', data: 'abc' }]);
	const r = await agent1.raw('POST', `/api/attachments?entity=contacts&record_id=${contact.id}`, { body: m.body, headers: { 'Content-Type': m.type } });
	expectStatus(r, 201);
	assert.equal(r.body.name, 'żółć ✓.txt', 'filename* (UTF-8) wins over filename');
	const res = await fetch(srv.url + r.body.download_url, { headers: agent1.headersFor('GET') });
	assert.equal(res.headers.get('content-disposition'),
		'attachment; filename="____ _.txt"; filename*=UTF-8\'\'%C5%BC%C3%B3%C5%82%C4%87%20%E2%9C%93.txt');
});

test('attachments_visibility_follows_the_record', async () => {
	const secret = expectStatus(await agent3.post('/api/contacts', { last_name: uniq('Prywatny'), visibility: 'private' }), 201);
	expectError(await upload(agent1, 'contacts', secret.id, 'x'), 404, 'not_found');
	expectError(await agent1.get(`/api/attachments?entity=contacts&record_id=${secret.id}`), 404, 'not_found');
	const a = expectStatus(await upload(agent3, 'contacts', secret.id, 'tajne', 'tajne.txt'), 201);
	const byAdmin = expectStatus(await upload(admin, 'contacts', secret.id, 'od admina', 'admin.txt'), 201);
	for (const id of [a.id, byAdmin.id]) {
		expectError(await agent1.get(`/api/attachments/${id}`), 404, 'not_found');
		expectError(await agent1.get(`/api/attachments/${id}/download`), 404, 'not_found');
		expectError(await agent1.del(`/api/attachments/${id}`), 404, 'not_found');
		expectStatus(await agent3.get(`/api/attachments/${id}`), 200);
	}
	const theirs = await agent3.get(`/api/attachments?entity=contacts&record_id=${secret.id}`);
	assert.deepEqual(theirs.body.items.map((x) => x.id).sort(), [a.id, byAdmin.id].sort());
	// Activities, inquiries, companies and knowledge-base articles take files too.
	const act = expectStatus(await agent1.post('/api/activities', { kind: 'task', subject: 'Z plikiem' }), 201);
	expectStatus(await upload(agent1, 'activities', act.id, 'x'), 201);
	const inq = expectStatus(await agent1.post('/api/inquiries', { title: 'Z plikiem' }), 201);
	expectStatus(await upload(agent1, 'inquiries', inq.id, 'x'), 201);
	const kb = expectStatus(await manager.post('/api/kb_articles', { title: 'Z plikiem', body: 'x' }), 201);
	expectError(await upload(agent1, 'kb_articles', kb.id, 'x'), 403, 'forbidden', []);
	const onKb = expectStatus(await upload(manager, 'kb_articles', kb.id, 'x'), 201);
	const seen = await agent1.get(`/api/attachments?entity=kb_articles&record_id=${kb.id}`);
	expectStatus(seen, 200);
	assert.deepEqual(seen.body.items.map((x) => x.id), [onKb.id]);
});

test('attachments_bad_input_is_refused_clearly', async () => {
	const before = (await pageAll(agent1, `/api/attachments?entity=contacts&record_id=${contact.id}&limit=500`)).length;
	const url = (q) => `/api/attachments?${q}`;
	const m = multipart([{ name: 'file', filename: 'a.txt', data: 'abc' }]);
	const send = (q, body = m.body, type = m.type) => agent1.raw('POST', url(q), { body, headers: type ? { 'Content-Type': type } : {} });
	expectError(await send(`entity=planets&record_id=${contact.id}`), 400, 'bad_query', ['entity']);
	expectError(await send(`entity=users&record_id=${agent1.user.id}`), 400, 'bad_query', ['entity']);
	expectError(await send('entity=contacts'), 400, 'bad_query', ['record_id']);
	expectError(await send('entity=contacts&record_id=abc'), 400, 'bad_query', ['record_id']);
	expectError(await send(`entity=contacts&record_id=${contact.id}&x=1`), 400, 'bad_query', ['x']);
	expectError(await send('entity=contacts&record_id=999999'), 404, 'not_found');
	expectError(await send(`entity=contacts&record_id=${contact.id}`, '{"file": "abc"}', 'application/json'), 415, 'unsupported_media_type');
	expectError(await send(`entity=contacts&record_id=${contact.id}`, 'abc', null), 415, 'unsupported_media_type');
	expectError(await send(`entity=contacts&record_id=${contact.id}`, m.body, 'multipart/form-data'), 415, 'unsupported_media_type');
	const noFile = multipart([{ name: 'comment', data: 'bez pliku' }]);
	expectError(await send(`entity=contacts&record_id=${contact.id}`, noFile.body, noFile.type), 422, 'validation_failed', ['file']);
	const two = multipart([{ name: 'a', filename: 'a.txt', data: 'a' }, { name: 'b', filename: 'b.txt', data: 'b' }]);
	expectError(await send(`entity=contacts&record_id=${contact.id}`, two.body, two.type), 422, 'validation_failed', ['file']);
	const cut = m.body.subarray(0, m.body.length - 20);
	expectError(await send(`entity=contacts&record_id=${contact.id}`, cut, m.type), 422, 'validation_failed', ['file']);
	const junk = crypto.randomBytes(4096);
	expectError(await send(`entity=contacts&record_id=${contact.id}`, junk, m.type), 422, 'validation_failed', ['file']);
	expectError(await agent1.get('/api/attachments?entity=contacts'), 400, 'bad_query', ['record_id']);
	expectError(await agent1.get(`/api/attachments?entity=nope&record_id=${contact.id}`), 400, 'bad_query', ['entity']);
	expectError(await agent1.get('/api/attachments/999999'), 404, 'not_found');
	expectError(await agent1.get('/api/attachments/999999/download'), 404, 'not_found');
	const traversal = await agent1.get('/api/attachments/..%2F..%2Fetc%2Fpasswd/download');
	assert.ok([400, 404].includes(traversal.status), `only ids name files: ${traversal.status}`);
	assert.equal((await pageAll(agent1, `/api/attachments?entity=contacts&record_id=${contact.id}&limit=500`)).length, before, 'nothing written');
});

test('attachments_delete_to_trash_and_restore', async () => {
	const own = expectStatus(await agent1.post('/api/contacts', { last_name: uniq('Kosz'), visibility: 'private' }), 201);
	const a = expectStatus(await upload(agent1, 'contacts', own.id, 'do kosza', 'kosz.txt'), 201);
	expectStatus(await agent1.del(`/api/attachments/${a.id}`), 204);
	expectError(await agent1.get(`/api/attachments/${a.id}`), 404, 'not_found');
	expectError(await agent1.get(`/api/attachments/${a.id}/download`), 404, 'not_found');
	const live = (await pageAll(agent1, `/api/attachments?entity=contacts&record_id=${own.id}&limit=500`)).map((x) => x.id);
	assert.ok(!live.includes(a.id));
	const trash = (await pageAll(agent1, `/api/attachments?entity=contacts&record_id=${own.id}&trash=1&limit=500`)).map((x) => x.id);
	assert.ok(trash.includes(a.id));
	assert.ok(fs.existsSync(storedPath(a.sha256)), 'the file stays while the row is in the trash');
	const back = await agent1.post(`/api/attachments/${a.id}/restore`);
	expectStatus(back, 200);
	assert.equal(back.body.id, a.id);
	const res = await fetch(srv.url + a.download_url, { headers: agent1.headersFor('GET') });
	assert.equal(await res.text(), 'do kosza');
	expectError(await agent3.del(`/api/attachments/${a.id}`), 404, 'not_found');
	expectError(await agent3.post(`/api/attachments/${a.id}/restore`), 404, 'not_found');
});

test('attachments_over_the_cap_get_413_and_the_list_tells_the_cap', async () => {
	const small = await startServer({ env: { KONTAKT_DATA_DIR: dataDir, KONTAKT_ATTACHMENT_MAX_MB: '1' } });
	try {
		const ag = await small.login('agent1');
		const c = expectStatus(await ag.post('/api/contacts', { last_name: uniq('Limit') }), 201);
		// At the cap: fine.
		expectStatus(await upload(ag, 'contacts', c.id, crypto.randomBytes(1024 * 1024)), 201);
		// The list tells the cap, so a client can refuse a file before sending it.
		assert.equal(expectStatus(await ag.get(`/api/attachments?entity=contacts&record_id=${c.id}`), 200).max_bytes, 1024 * 1024);
		// One byte over: the body fits the route, the file does not.
		const e = expectError(await upload(ag, 'contacts', c.id, crypto.randomBytes(1024 * 1024 + 1)), 413, 'too_large');
		assert.match(e.message, /1 MiB/);
		// Far over: refused on Content-Length, the body is never kept; the
		// message names the file limit, not the body's (which has room for
		// the multipart framing).
		const far = expectError(await upload(ag, 'contacts', c.id, crypto.randomBytes(3 * 1024 * 1024)), 413, 'too_large');
		assert.match(far.message, /upload limit of 1 MiB/);
		// A client that waits for 100-continue gets the 413 without sending a byte.
		const status = await new Promise((resolve, reject) => {
			const req = http.request(small.url + `/api/attachments?entity=contacts&record_id=${c.id}`, {
				method: 'POST',
				headers: { ...ag.headersFor('POST'), 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': 50 * 1024 * 1024, Expect: '100-continue' },
			});
			req.on('continue', () => reject(new Error('the server asked for the body')));
			req.on('response', (res) => {
				res.resume();
				resolve(res.statusCode);
				req.destroy();
			});
			req.on('error', reject);
			req.setTimeout(5000, () => reject(new Error('no answer')));
		});
		assert.equal(status, 413);
		assert.equal((await ag.get(`/api/attachments?entity=contacts&record_id=${c.id}`)).body.items.length, 1);
		expectStatus(await ag.get('/api/me'), 200);
	} finally {
		await small.stop();
	}
	// The default cap is 25 MiB.
	assert.equal(expectStatus(await agent1.get(`/api/attachments?entity=contacts&record_id=${contact.id}`), 200).max_bytes, 25 * 1024 * 1024);
	expectError(await upload(agent1, 'contacts', contact.id, Buffer.alloc(25 * 1024 * 1024 + 1, 7)), 413, 'too_large');
	const far = expectError(await upload(agent1, 'contacts', contact.id, Buffer.alloc(27 * 1024 * 1024, 7)), 413, 'too_large');
	assert.match(far.message, /upload limit of 25 MiB/);
});

test('attachments_need_a_data_dir', async () => {
	const bare = await startServer({ env: { KONTAKT_DATA_DIR: '' } });
	try {
		const ag = await bare.login('agent1');
		const c = expectStatus(await ag.post('/api/contacts', { last_name: uniq('Bez katalogu') }), 201);
		const e = expectError(await upload(ag, 'contacts', c.id, 'x'), 503, 'unavailable');
		assert.match(e.message, /KONTAKT_DATA_DIR/);
		expectStatus(await ag.get(`/api/attachments?entity=contacts&record_id=${c.id}`), 200);
	} finally {
		await bare.stop();
	}
});
