// kb: the knowledge base: articles (title, Markdown body rendered safely as
// body_html, tags) that everyone reads and managers and admins write;
// full-text search that ignores case and diacritics and matches prefixes
// ("kopi" finds "kopia zapasowa" and "kopię"), ranked by relevance (title
// matches first) when no sort is asked for, with ranked pages and ?tag=.
import { before, after } from 'node:test';
import { startServer, test, assert, expectError, expectStatus, uniq, pageAll } from './lib/harness.mjs';

let srv, admin, manager, agent;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent = await srv.session('agent1');
});
after(async () => {
	await srv?.stop();
});

async function article(client, fields) {
	const r = await client.post('/api/kb_articles', fields);
	expectStatus(r, 201, 'POST /api/kb_articles');
	return r.body;
}

async function search(client, q, extra = '') {
	const r = await client.get(`/api/kb_articles?q=${encodeURIComponent(q)}&limit=500${extra}`);
	expectStatus(r, 200, `search ${q}`);
	return r.body.items.map((a) => a.id);
}

test('kb_everyone_reads_managers_and_admins_write', async () => {
	const a = await article(manager, { title: uniq('Procedura '), body: 'Treść', tags: ['procedury'] });
	await article(admin, { title: uniq('Regulamin '), body: 'Treść' });
	expectError(await agent.post('/api/kb_articles', { title: 'Agent pisze', body: 'x' }), 403, 'forbidden');
	expectError(await agent.patch(`/api/kb_articles/${a.id}`, { title: 'x', version: a.version }), 403, 'forbidden');
	expectError(await agent.del(`/api/kb_articles/${a.id}`), 403, 'forbidden');
	const got = await agent.get(`/api/kb_articles/${a.id}`);
	expectStatus(got, 200);
	assert.equal(got.body.title, a.title);
	assert.deepEqual(got.body.tags, ['procedury']);
	assert.ok((await pageAll(agent, '/api/kb_articles?limit=500')).some((x) => x.id === a.id));
	expectError(await agent.get('/api/kb_articles/999999'), 404, 'not_found');
	expectError(await manager.post('/api/kb_articles', { body: 'bez tytułu' }), 422, 'validation_failed', ['title']);
	expectError(await manager.post('/api/kb_articles', { title: 'x', body: 'y'.repeat(100001) }), 422, 'validation_failed', ['body']);
});

test('kb_body_html_is_safe_and_body_verbatim', async () => {
	const body = '## Kopia\n\n<script>alert("x")</script>\n\n1. pierwszy\n2. drugi\n\n`<kod>` i *kursywa* ' +
		'[strona](http://example.com) [zła](javascript:alert(1)) <a href="javascript:alert(1)">x</a>\n\n```\n<b>pre</b>\n```';
	const a = await article(manager, { title: 'Bezpieczny <i>HTML</i>', body });
	for (const got of [a, (await agent.get(`/api/kb_articles/${a.id}`)).body]) {
		assert.equal(got.body, body);
		const h = got.body_html;
		assert.ok(h.includes('<h2>Kopia</h2>'), h);
		assert.ok(h.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), h);
		assert.ok(h.includes('<ol>\n<li>pierwszy</li>\n<li>drugi</li>\n</ol>'), h);
		assert.ok(h.includes('<code>&lt;kod&gt;</code> i <em>kursywa</em>'), h);
		assert.ok(h.includes('<a href="http://example.com" rel="nofollow noopener noreferrer">strona</a>'), h);
		assert.ok(h.includes('<pre><code>&lt;b&gt;pre&lt;/b&gt;\n</code></pre>'), h);
		assert.ok(!/<script|<a href="javascript|<i>|<b>/i.test(h), h);
	}
	const listed = (await pageAll(agent, '/api/kb_articles?limit=500')).find((x) => x.id === a.id);
	assert.equal(listed.body_html, a.body_html);
	const r = await manager.patch(`/api/kb_articles/${a.id}`, { body: '**nowe**', version: a.version });
	expectStatus(r, 200);
	assert.equal(r.body.body_html, '<p><strong>nowe</strong></p>\n');
});

test('kb_search_folds_case_and_diacritics_and_matches_prefixes', async () => {
	const backup = await article(manager, { title: 'Kopia zapasowa bazy danych', body: 'Raz w tygodniu sprawdź nośnik.' });
	const copy = await article(manager, { title: 'Archiwum umów', body: 'Zrób kopię każdej umowy przed wysłaniem.' });
	const lodz = await article(manager, { title: 'Oddział Łódź', body: 'Adres: ul. Piotrkowska 1, ŻÓŁTA brama.' });
	for (const q of ['kopi', 'KOPI', 'Kopi']) {
		const ids = await search(agent, q);
		assert.ok(ids.includes(backup.id) && ids.includes(copy.id), `${q} finds "kopia zapasowa" and "kopię": ${ids}`);
	}
	for (const q of ['KOPIA', 'kopia zapas', 'zapasowa']) {
		const ids = await search(agent, q);
		assert.ok(ids.includes(backup.id) && !ids.includes(copy.id), `${q}: ${ids}`);
	}
	for (const q of ['kopię', 'KOPIE', 'kopie']) {
		const ids = await search(agent, q);
		assert.ok(ids.includes(copy.id) && !ids.includes(backup.id), `${q}: ${ids}`);
	}
	assert.ok((await search(agent, 'lodz')).includes(lodz.id));
	assert.ok((await search(agent, 'ŁÓDŹ')).includes(lodz.id));
	assert.ok((await search(agent, 'zolta')).includes(lodz.id), 'body words are searched, folded');
	assert.ok((await search(agent, 'piotrk')).includes(lodz.id));
	assert.deepEqual(await search(agent, 'nieistniejącesłowo'), []);
	// The engine's search (with a sort) folds the same way.
	const sorted = await search(agent, 'kopi', '&sort=-id');
	assert.ok(sorted.indexOf(copy.id) < sorted.indexOf(backup.id), 'sort=-id: newest first');
});

test('kb_search_ranks_title_matches_first', async () => {
	const word = uniq('drukark').toLowerCase();
	const inTitle = await article(manager, { title: `Instalacja ${word}i w biurze`, body: 'Krótko.' });
	const inBody = await article(manager, {
		title: 'Sprzęt biurowy',
		body: `O ${word}ach: ${word}a ${word}a ${word}a ${word}ę ${word}om — i ${word}i w każdym pokoju.`,
	});
	const inTags = await article(manager, { title: 'Zakupy', body: 'Lista.', tags: [`${word}i`] });
	const ranked = await search(agent, word);
	assert.deepEqual(ranked.filter((id) => [inTitle.id, inBody.id, inTags.id].includes(id)), [inTitle.id, inTags.id, inBody.id],
		'title first, then tags, then the body, though the body-only one is newer');
	const newest = await search(agent, word, '&sort=-id');
	assert.deepEqual(newest.slice(0, 3), [inTags.id, inBody.id, inTitle.id], 'an explicit sort wins over relevance');
	// An exact word in a title outranks a prefix of a longer one.
	const exact = await article(manager, { title: `${word} ${word}`, body: '' });
	assert.equal((await search(agent, word))[0], exact.id);
});

test('kb_ranked_search_pages_with_a_cursor', async () => {
	const word = uniq('stronicowanie').toLowerCase();
	const made = [];
	for (let i = 0; i < 5; i++)
		made.push((await article(manager, { title: i % 2 ? `${word} ${i}` : `Artykuł ${i}`, body: `Treść ${word} ${i}` })).id);
	const seen = [];
	let cursor = null;
	for (let page = 0; page < 10; page++) {
		const r = await agent.get(`/api/kb_articles?q=${word}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		expectStatus(r, 200);
		assert.ok(r.body.items.length <= 2);
		seen.push(...r.body.items.map((a) => a.id));
		cursor = r.body.next_cursor;
		if (!cursor) break;
	}
	assert.equal(seen.length, 5);
	assert.deepEqual([...seen].sort(), [...made].sort());
	assert.deepEqual(seen.slice(0, 2).sort(), [made[1], made[3]].sort(), 'title matches on the first page');
	expectError(await agent.get(`/api/kb_articles?q=${word}&cursor=bogus`), 400, 'bad_query', ['cursor']);
	expectError(await agent.get(`/api/kb_articles?q=${word}&limit=0`), 400, 'bad_query', ['limit']);
	expectError(await agent.get(`/api/kb_articles?q=${word}&title=x`), 400, 'bad_query', ['title']);
	expectError(await agent.get(`/api/kb_articles?q=${'x'.repeat(201)}`), 400, 'bad_query', ['q']);
});

test('kb_tags_are_cleaned_filtered_and_searched', async () => {
	const tag = uniq('Kopie');
	const a = await article(manager, { title: uniq('Tagi '), body: 'x', tags: [` ${tag} `, tag.toUpperCase(), 'Bezpieczeństwo'] });
	assert.deepEqual(a.tags, [tag, 'Bezpieczeństwo'], 'trimmed, repeats (ignoring case) dropped');
	const b = await article(manager, { title: uniq('Bez tagów '), body: 'x' });
	assert.deepEqual(b.tags, []);
	const byTag = (await pageAll(agent, `/api/kb_articles?tag=${encodeURIComponent('bezpieczenstwo')}&limit=500`)).map((x) => x.id);
	assert.ok(byTag.includes(a.id) && !byTag.includes(b.id), 'tag filter folds too');
	assert.ok((await search(agent, tag.toLowerCase())).includes(a.id), 'tags are searched');
	assert.ok((await search(agent, tag.toLowerCase(), `&tag=${encodeURIComponent(tag)}`)).includes(a.id));
	for (const tags of ['jeden', [1], ['a,b'], [''], ['x'.repeat(41)], Array.from({ length: 21 }, (_, i) => `t${i}`), ['\u0001']])
		expectError(await manager.post('/api/kb_articles', { title: 'Złe tagi', tags }), 422, 'validation_failed', ['tags']);
	expectError(await agent.get('/api/kb_articles?tag='), 400, 'bad_query', ['tag']);
});

test('kb_long_articles_are_searchable_to_the_end', async () => {
	const words = Array.from({ length: 4000 }, (_, i) => `słowo${i.toString(36)}`);
	const last = uniq('ostatnie');
	const body = `# Długi\n\n${words.join(' ')} ${words.join(' ')} ${last}`;
	assert.ok(body.length > 65536 && body.length < 100000, 'longer than a search document, were words repeated');
	const a = await article(manager, { title: 'Długi artykuł', body });
	assert.ok((await search(agent, last)).includes(a.id), 'a word at the end of a long body is found');
	assert.ok((await search(agent, 'slowo2s')).includes(a.id));
});

test('kb_updates_reindex_and_trash_hides', async () => {
	const old = uniq('starytytul').toLowerCase(), neu = uniq('nowytytul').toLowerCase();
	const a = await article(manager, { title: old, body: 'x' });
	const r = await admin.patch(`/api/kb_articles/${a.id}`, { title: neu, version: a.version });
	expectStatus(r, 200);
	assert.deepEqual(await search(agent, old), []);
	assert.deepEqual(await search(agent, neu), [a.id]);
	expectStatus(await manager.del(`/api/kb_articles/${a.id}`), 204);
	assert.deepEqual(await search(agent, neu), []);
	assert.deepEqual(await search(manager, neu, '&trash=1'), [a.id]);
	const back = await manager.post(`/api/kb_articles/${a.id}/restore`);
	expectStatus(back, 200);
	assert.equal(typeof back.body.body_html, 'string');
	assert.deepEqual(await search(agent, neu), [a.id]);
});
