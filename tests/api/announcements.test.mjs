// announcements: office announcements with an audience (roles and/or
// departments, or everyone), written by admins and managers; each user's
// pending ones (addressed, not acknowledged, not put off), ack (idempotent),
// later (30 minutes, then pending again), the read receipts (author and
// admins only), each user's history of what was addressed to them, and the
// Markdown body rendered safely as body_html.
import { before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { startServer, test, assert, expectError, expectStatus, uniq, pageAll } from './lib/harness.mjs';

let srv, admin, manager, agent1, agent2, agent3, krakow, gdansk;

before(async () => {
	srv = await startServer();
	admin = await srv.session('admin');
	manager = await srv.session('manager');
	agent1 = await srv.session('agent1');
	agent2 = await srv.session('agent2');
	agent3 = await srv.session('agent3');
	krakow = agent1.user.department_id;
	gdansk = agent3.user.department_id;
	assert.ok(krakow && gdansk && krakow !== gdansk);
});
after(async () => {
	await srv?.stop();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function announce(client, fields = {}) {
	const r = await client.post('/api/announcements', { title: uniq('Ogłoszenie '), body: 'Treść ogłoszenia.', ...fields });
	expectStatus(r, 201, 'POST /api/announcements');
	return r.body;
}

async function pendingIds(client) {
	const r = await client.get('/api/announcements/pending');
	expectStatus(r, 200);
	assert.ok(Array.isArray(r.body.items));
	return r.body.items.map((a) => a.id);
}

/* sql: one statement straight on the server's database (to move time on
 * without waiting half an hour). */
function sql(statement) {
	if (srv.pgUrl)
		execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.pgUrl, '-c', statement], { stdio: 'pipe' });
	else
		execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, statement], { stdio: 'pipe' });
}

test('announcements_admins_and_managers_create_agents_get_403', async () => {
	const a = await announce(admin);
	assert.equal(a.created_by, admin.user.id);
	assert.equal(a.audience_everyone, true, 'no roles and no departments: everyone');
	assert.deepEqual(a.audience_roles, []);
	assert.deepEqual(a.audience_departments, []);
	assert.equal(typeof a.body_html, 'string');
	assert.equal(a.author_name.length > 0, true);
	assert.match(a.created_at, ISO);
	const m = await announce(manager, { audience_roles: ['agent'] });
	assert.equal(m.created_by, manager.user.id);
	expectError(await agent1.post('/api/announcements', { title: 'Nie wolno', body: 'x' }), 403, 'forbidden');
	expectError(await agent1.patch(`/api/announcements/${m.id}`, { title: 'x', version: 1 }), 403, 'forbidden');
	expectError(await agent1.del(`/api/announcements/${m.id}`), 403, 'forbidden');
});

test('announcements_body_html_is_escaped_and_body_kept_verbatim', async () => {
	const body = '# Nagłówek\n\n<script>alert(1)</script> **ważne** [zły](javascript:alert(1))\n' +
		'<img src=x onerror=alert(1)> [dobry](https://example.com/a?b=1&c=2)\n\n- jeden\n- dwa';
	const title = '<b onmouseover="alert(1)">Tytuł</b>';
	const a = await announce(admin, { title, body });
	for (const got of [a, (await admin.get(`/api/announcements/${a.id}`)).body]) {
		assert.equal(got.body, body, 'body comes back as written');
		assert.equal(got.title, title, 'title comes back as written');
		const h = got.body_html;
		assert.ok(h.includes('<h1>Nagłówek</h1>'), h);
		assert.ok(h.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), h);
		assert.ok(h.includes('<strong>ważne</strong>'), h);
		assert.ok(h.includes('&lt;img src=x onerror=alert(1)&gt;'), h);
		assert.ok(h.includes('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">dobry</a>'), h);
		assert.ok(h.includes('<li>jeden</li>'), h);
		assert.ok(!/<script/i.test(h) && !/href="javascript/i.test(h) && !/<img/i.test(h), h);
	}
	const listed = (await pageAll(agent1, '/api/announcements?limit=500')).find((x) => x.id === a.id);
	assert.ok(listed && listed.body_html.includes('&lt;script&gt;'), 'list items carry body_html too');
});

test('announcements_empty_audience_is_422_and_nothing_is_written', async () => {
	const before = (await pageAll(admin, '/api/announcements?limit=500')).length;
	for (const extra of [{ audience_everyone: false }, { audience_everyone: false, audience_roles: [], audience_departments: [] }]) {
		const r = await admin.post('/api/announcements', { title: 'Do nikogo', body: 'x', ...extra });
		const e = expectError(r, 422, 'validation_failed', ['audience_everyone']);
		assert.match(e.message, /announcements need an audience/);
	}
	const bad = [
		[{ audience_roles: ['boss'] }, 'audience_roles'],
		[{ audience_roles: 'agent' }, 'audience_roles'],
		[{ audience_departments: [999999] }, 'audience_departments'],
		[{ audience_departments: ['Kraków'] }, 'audience_departments'],
		[{ audience_everyone: true, audience_roles: ['agent'] }, 'audience_everyone'],
		[{ audience_everyone: null }, 'audience_everyone'],
		[{ title: '' }, 'title'],
		[{ body: 'x'.repeat(20001) }, 'body'],
		[{ color: 'red' }, 'color'],
	];
	for (const [fields, field] of bad)
		expectError(await admin.post('/api/announcements', { title: 'Zła', body: 'x', ...fields }), 422, 'validation_failed', [field]);
	expectError(await admin.post('/api/announcements', { body: 'bez tytułu' }), 422, 'validation_failed', ['title']);
	assert.equal((await pageAll(admin, '/api/announcements?limit=500')).length, before);
	// An update that empties the audience explicitly is refused too.
	const a = await announce(admin, { audience_roles: ['agent'] });
	const r = await admin.patch(`/api/announcements/${a.id}`, { audience_roles: [], audience_everyone: false, version: a.version });
	expectError(r, 422, 'validation_failed', ['audience_everyone']);
});

test('announcements_audience_by_roles_and_departments', async () => {
	const toAgents = await announce(admin, { audience_roles: ['agent', 'agent'] });
	assert.deepEqual(toAgents.audience_roles, ['agent']);
	assert.equal(toAgents.audience_everyone, false);
	const toGdansk = await announce(admin, { audience_departments: [gdansk] });
	// Roles and departments together: a user must match both lists.
	const toKrakowManagers = await announce(admin, { audience_roles: ['manager', 'admin'], audience_departments: [krakow, krakow] });
	assert.deepEqual(toKrakowManagers.audience_roles, ['admin', 'manager'], 'roles in a fixed order, once');
	assert.deepEqual(toKrakowManagers.audience_departments, [krakow]);
	const toGdanskAgents = await announce(admin, { audience_roles: ['agent'], audience_departments: [gdansk] });
	const ids = [toAgents.id, toGdansk.id, toKrakowManagers.id, toGdanskAgents.id];
	const expect = {
		agent1: [toAgents.id], // agent in Kraków: not a manager, not in Gdańsk
		agent3: [toAgents.id, toGdansk.id, toGdanskAgents.id], // agent in Gdańsk
		manager: [toKrakowManagers.id], // manager in Kraków
		admin: [], // the author: already read (and in no department)
	};
	const clients = { agent1, agent3, manager, admin };
	for (const [who, want] of Object.entries(expect)) {
		const got = (await pendingIds(clients[who])).filter((id) => ids.includes(id)).sort();
		assert.deepEqual(got, [...want].sort(), `${who}'s pending (ids ${JSON.stringify(ids)})`);
	}
	// Who it is not addressed to does not see it at all.
	expectError(await agent1.get(`/api/announcements/${toGdansk.id}`), 404, 'not_found');
	expectError(await agent1.get(`/api/announcements/${toKrakowManagers.id}`), 404, 'not_found');
	expectError(await manager.get(`/api/announcements/${toGdanskAgents.id}`), 404, 'not_found');
	expectStatus(await agent3.get(`/api/announcements/${toGdansk.id}`), 200);
	// Changing the audience to everyone clears the roles and departments.
	const r = await admin.patch(`/api/announcements/${toGdansk.id}`, { audience_everyone: true, version: toGdansk.version });
	expectStatus(r, 200);
	assert.deepEqual(r.body.audience_departments, []);
	assert.equal(r.body.audience_everyone, true);
	assert.ok((await pendingIds(agent1)).includes(toGdansk.id));
});

test('announcements_pending_newest_first_and_ack_is_idempotent', async () => {
	const first = await announce(admin);
	const second = await announce(admin);
	const pending = await pendingIds(agent2);
	assert.ok(pending.indexOf(second.id) >= 0 && pending.indexOf(second.id) < pending.indexOf(first.id), 'newest first');
	const r1 = await agent2.post(`/api/announcements/${first.id}/ack`);
	expectStatus(r1, 200);
	assert.equal(r1.body.announcement_id, first.id);
	assert.equal(r1.body.user_id, agent2.user.id);
	assert.match(r1.body.acked_at, ISO);
	assert.equal(r1.body.later_until, null);
	const r2 = await agent2.post(`/api/announcements/${first.id}/ack`, {});
	expectStatus(r2, 200);
	assert.equal(r2.body.acked_at, r1.body.acked_at, 'the first acknowledgement counts');
	assert.ok(!(await pendingIds(agent2)).includes(first.id));
	assert.ok((await pendingIds(agent2)).includes(second.id));
	assert.ok((await pendingIds(agent1)).includes(first.id), 'one user acknowledging does not hide it from others');
	const mine = (await pageAll(agent2, '/api/announcements?limit=500')).find((x) => x.id === first.id);
	assert.equal(mine.receipt.acked_at, r1.body.acked_at, 'the history shows when I read it');
});

test('announcements_later_puts_off_30_minutes_then_pending_again', async () => {
	const a = await announce(manager);
	assert.ok((await pendingIds(agent1)).includes(a.id));
	const t0 = Date.now();
	const r = await agent1.post(`/api/announcements/${a.id}/later`);
	expectStatus(r, 200);
	assert.equal(r.body.acked_at, null);
	assert.match(r.body.later_until, ISO);
	const delta = Date.parse(r.body.later_until) - t0;
	assert.ok(delta > 29 * 60000 && delta < 31 * 60000, `later_until is 30 minutes on: ${delta} ms`);
	assert.ok(!(await pendingIds(agent1)).includes(a.id), 'put off: not pending');
	assert.ok((await pendingIds(agent2)).includes(a.id), 'only for the one who put it off');
	// Half an hour passes.
	sql(`UPDATE announcement_receipts SET later_until = later_until - 1801 WHERE announcement_id = ${a.id}`);
	assert.ok((await pendingIds(agent1)).includes(a.id), 'pending again after 30 minutes');
	// Later again, then acknowledge: the ack clears it for good.
	expectStatus(await agent1.post(`/api/announcements/${a.id}/later`), 200);
	const ack = await agent1.post(`/api/announcements/${a.id}/ack`);
	expectStatus(ack, 200);
	assert.match(ack.body.acked_at, ISO);
	assert.equal(ack.body.later_until, null, 'ack clears later');
	const again = await agent1.post(`/api/announcements/${a.id}/later`);
	expectStatus(again, 200);
	assert.equal(again.body.later_until, null, 'later after ack changes nothing');
	assert.equal(again.body.acked_at, ack.body.acked_at);
	sql(`UPDATE announcement_receipts SET later_until = NULL WHERE announcement_id = ${a.id}`);
	assert.ok(!(await pendingIds(agent1)).includes(a.id));
});

test('announcements_receipts_only_for_author_and_admins', async () => {
	const a = await announce(manager, { audience_departments: [krakow] });
	expectStatus(await agent1.post(`/api/announcements/${a.id}/ack`), 200);
	expectStatus(await agent2.post(`/api/announcements/${a.id}/later`), 200);
	for (const who of [manager, admin]) {
		const r = await who.get(`/api/announcements/${a.id}/receipts`);
		expectStatus(r, 200);
		const by = Object.fromEntries(r.body.items.map((x) => [x.user_id, x]));
		assert.match(by[agent1.user.id].acked_at, ISO);
		assert.equal(by[agent1.user.id].login, 'agent1');
		assert.equal(by[agent2.user.id].acked_at, null);
		assert.match(by[agent2.user.id].later_until, ISO);
		assert.match(by[manager.user.id].acked_at, ISO, 'the author has read it');
		assert.equal(by[agent3.user.id], undefined, 'Gdańsk is not in the audience');
		assert.equal(r.body.read, 2);
		assert.equal(r.body.total, r.body.items.length);
		assert.ok(r.body.items.findIndex((x) => x.acked_at === null) > r.body.items.findIndex((x) => x.user_id === agent1.user.id), 'read first');
	}
	expectError(await agent1.get(`/api/announcements/${a.id}/receipts`), 403, 'forbidden');
	expectError(await agent3.get(`/api/announcements/${a.id}/receipts`), 404, 'not_found');
	expectError(await admin.get('/api/announcements/999999/receipts'), 404, 'not_found');
});

test('announcements_reannounce_shows_it_again_to_those_who_read_it', async () => {
	const a = await announce(manager, { audience_departments: [krakow] });
	expectStatus(await agent1.post(`/api/announcements/${a.id}/ack`), 200);
	expectStatus(await agent2.post(`/api/announcements/${a.id}/later`), 200);
	assert.ok(!(await pendingIds(agent1)).includes(a.id) && !(await pendingIds(agent2)).includes(a.id));
	// Only its author and admins; agents may not write announcements at all.
	expectError(await admin.post('/api/announcements/999999/reannounce'), 404, 'not_found');
	const other = await announce(admin, { audience_departments: [krakow] });
	expectError(await manager.post(`/api/announcements/${other.id}/reannounce`), 403, 'forbidden');
	expectError(await agent1.post(`/api/announcements/${a.id}/reannounce`), 403, 'forbidden');
	const r = expectStatus(await manager.post(`/api/announcements/${a.id}/reannounce`), 200);
	assert.equal(r.id, a.id);
	assert.equal(r.version, a.version, 'the announcement itself is unchanged');
	for (const who of [agent1, agent2]) assert.ok((await pendingIds(who)).includes(a.id), `pending again for ${who.user.login}`);
	const rc = expectStatus(await manager.get(`/api/announcements/${a.id}/receipts`), 200);
	assert.equal(rc.read, 1, 'only the author has read it now');
	const h = expectStatus(await manager.get(`/api/announcements/${a.id}/history`), 200);
	assert.ok(h.items.some((x) => x.action === 'reannounce'), 'in its history');
	// Read again, it stays read.
	expectStatus(await agent1.post(`/api/announcements/${a.id}/ack`), 200);
	assert.ok(!(await pendingIds(agent1)).includes(a.id));
	// Out of the caller's sight (Gdańsk is not its audience), or deleted: 404.
	expectStatus(await admin.del(`/api/announcements/${a.id}`), 204);
	expectError(await manager.post(`/api/announcements/${a.id}/reannounce`), 404, 'not_found');
});

test('announcements_history_lists_what_was_addressed_to_me', async () => {
	const toGdansk = await announce(admin, { audience_departments: [gdansk] });
	const toAll = await announce(admin);
	const mine = (await pageAll(agent1, '/api/announcements?limit=500')).map((x) => x.id);
	assert.ok(mine.includes(toAll.id));
	assert.ok(!mine.includes(toGdansk.id));
	const theirs = (await pageAll(agent3, '/api/announcements?limit=500')).map((x) => x.id);
	assert.ok(theirs.includes(toAll.id) && theirs.includes(toGdansk.id));
	const all = (await pageAll(admin, '/api/announcements?limit=500')).map((x) => x.id);
	assert.ok(all.includes(toAll.id) && all.includes(toGdansk.id), 'admins see all');
	// A manager sees what they wrote even when it is not addressed to them.
	const own = await announce(manager, { audience_departments: [gdansk] });
	assert.ok((await pageAll(manager, '/api/announcements?limit=500')).some((x) => x.id === own.id));
	// Newest first by default.
	assert.ok(all.indexOf(toAll.id) < all.indexOf(toGdansk.id));
});

test('announcements_ack_and_later_need_the_audience', async () => {
	const toAgents = await announce(manager, { audience_roles: ['agent'] });
	expectError(await admin.post(`/api/announcements/${toAgents.id}/ack`), 403, 'forbidden');
	const toGdansk = await announce(admin, { audience_departments: [gdansk] });
	expectError(await agent1.post(`/api/announcements/${toGdansk.id}/ack`), 404, 'not_found');
	expectError(await agent1.post(`/api/announcements/${toGdansk.id}/later`), 404, 'not_found');
	expectError(await agent1.post('/api/announcements/999999/ack'), 404, 'not_found');
	expectError(await agent1.post('/api/announcements/abc/ack'), 400);
});

test('announcements_only_author_or_admin_change_and_delete', async () => {
	const byAdmin = await announce(admin);
	expectError(await manager.patch(`/api/announcements/${byAdmin.id}`, { title: 'Przejęte', version: byAdmin.version }), 403, 'forbidden');
	expectError(await manager.del(`/api/announcements/${byAdmin.id}`), 403, 'forbidden');
	const byManager = await announce(manager);
	const r = await manager.patch(`/api/announcements/${byManager.id}`, { body: '**nowa** treść', version: byManager.version });
	expectStatus(r, 200);
	assert.equal(r.body.body_html, '<p><strong>nowa</strong> treść</p>\n');
	expectError(await manager.patch(`/api/announcements/${byManager.id}`, { title: 'x', version: byManager.version }), 409, 'version_conflict');
	expectStatus(await admin.del(`/api/announcements/${byManager.id}`), 204);
	assert.ok(!(await pendingIds(agent1)).includes(byManager.id), 'deleted: not pending');
	expectError(await agent1.get(`/api/announcements/${byManager.id}`), 404, 'not_found');
	// Who may not delete it may not restore it either; the author may.
	expectError(await manager.post(`/api/announcements/${byAdmin.id}/restore`), 404, 'not_found');
	expectStatus(await admin.del(`/api/announcements/${byAdmin.id}`), 204);
	const refused = expectError(await manager.post(`/api/announcements/${byAdmin.id}/restore`), 403, 'forbidden');
	assert.match(refused.message, /author/);
	expectError(await agent1.post(`/api/announcements/${byManager.id}/restore`), 403, 'forbidden');
	const back = await admin.post(`/api/announcements/${byManager.id}/restore`);
	expectStatus(back, 200);
	assert.equal(typeof back.body.body_html, 'string');
	assert.ok((await pendingIds(agent1)).includes(byManager.id));
	const h = await admin.get(`/api/announcements/${byManager.id}/history`);
	expectStatus(h, 200);
	assert.ok(h.body.items.length >= 3);
});
