// smtp.mjs: a minimal SMTP sink for the tests (node:net only).  It answers
// 220 on connect and EHLO/HELO, MAIL FROM, RCPT TO, DATA (with
// dot-stuffing), RSET, NOOP, QUIT, and keeps every message it accepted as
// {from, to: [...], data}.  No TLS, no auth: nothing is advertised.  A
// refuse(address) predicate makes it answer RCPT TO for those with 550, as a
// server does for a mailbox that does not exist.
//
//   const sink = await startSmtpSink();            // sink.port, sink.url
//   startSmtpSink({ refuse: (a) => a.startsWith('nobody@') })
//   startSmtpSink({ host: '192.0.2.2' })           // another address of this machine
//   const m = await sink.waitFor((m) => m.to.includes('a@b.pl'), 15000);
//   parseMessage(m.data) -> {headers, subject, body}
//   await sink.close();
import net from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* address: the mailbox inside "FROM:<a@b>" / "TO:<a@b> SIZE=..." */
function address(arg) {
	const m = /^[A-Za-z]+:\s*<([^>]*)>/.exec(arg) || /^[A-Za-z]+:\s*(\S+)/.exec(arg);
	return m ? m[1] : null;
}

function session(sock, messages, sink) {
	let buf = '';
	let inData = false;
	let dataLines = [];
	let from = null;
	let to = [];
	const reply = (line) => {
		if (!sock.destroyed) sock.write(line + '\r\n');
	};
	const reset = () => {
		from = null;
		to = [];
		dataLines = [];
	};
	sock.setEncoding('latin1'); // bytes in, bytes out: the data is kept byte for byte
	reply('220 sink.test ESMTP test sink');
	sink.connections++;
	sock.on('data', (chunk) => {
		buf += chunk;
		let i;
		while ((i = buf.indexOf('\r\n')) >= 0) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + 2);
			if (inData) {
				if (line === '.') {
					inData = false;
					const data = Buffer.from(dataLines.join('\r\n') + '\r\n', 'latin1').toString('utf8');
					messages.push({ from, to: [...to], data, at: Date.now() });
					reset();
					reply('250 2.0.0 queued');
				} else {
					dataLines.push(line.startsWith('.') ? line.slice(1) : line);
				}
				continue;
			}
			const sp = line.indexOf(' ');
			const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
			const arg = sp < 0 ? '' : line.slice(sp + 1).trim();
			sink.commands.push(verb);
			switch (verb) {
			case 'EHLO':
				reset();
				reply('250-sink.test greets you');
				reply('250 8BITMIME');
				break;
			case 'HELO':
				reset();
				reply('250 sink.test');
				break;
			case 'MAIL':
				from = address(arg);
				if (from === null) reply('501 5.5.4 syntax: MAIL FROM:<address>');
				else {
					to = [];
					reply('250 2.1.0 ok');
				}
				break;
			case 'RCPT': {
				const a = address(arg);
				if (from === null) reply('503 5.5.1 MAIL first');
				else if (!a) reply('501 5.5.4 syntax: RCPT TO:<address>');
				else if (sink.refuse?.(a)) reply(`550 5.1.1 <${a}>: mailbox unavailable`);
				else {
					to.push(a);
					reply('250 2.1.5 ok');
				}
				break;
			}
			case 'DATA':
				if (!to.length) reply('503 5.5.1 RCPT first');
				else {
					inData = true;
					dataLines = [];
					reply('354 end data with <CR><LF>.<CR><LF>');
				}
				break;
			case 'RSET':
				reset();
				reply('250 2.0.0 ok');
				break;
			case 'NOOP':
				reply('250 2.0.0 ok');
				break;
			case 'QUIT':
				reply('221 2.0.0 bye');
				sock.end();
				break;
			default:
				reply('502 5.5.2 command not implemented');
			}
		}
	});
	sock.on('error', () => {});
}

/* startSmtpSink: listens on host (127.0.0.1 unless told; port 0: any free
 * one); refuse: see above. */
export function startSmtpSink({ port = 0, refuse = null, host = '127.0.0.1' } = {}) {
	const messages = [];
	const sockets = new Set();
	const sink = { messages, commands: [], connections: 0, refuse };
	const server = net.createServer((sock) => {
		sockets.add(sock);
		sock.on('close', () => sockets.delete(sock));
		session(sock, messages, sink);
	});
	return new Promise((resolve, reject) => {
		server.on('error', reject);
		server.listen(port, host, () => {
			sink.port = server.address().port;
			sink.url = `smtp://${host.includes(':') ? `[${host}]` : host}:${sink.port}`;
			/* waitFor: the first message (or, with n, all once n match)
			 * satisfying pred, or null after timeout ms. */
			sink.waitFor = async (pred, timeout = 15000) => {
				const deadline = Date.now() + timeout;
				for (;;) {
					const m = messages.find(pred);
					if (m) return m;
					if (Date.now() > deadline) return null;
					await sleep(100);
				}
			};
			sink.matching = (pred) => messages.filter(pred);
			sink.close = () => new Promise((res) => {
				for (const s of sockets) s.destroy();
				server.close(() => res());
			});
			resolve(sink);
		});
	});
}

/* decodeWords: RFC 2047 encoded words (B and Q) in a header value. */
export function decodeWords(v) {
	return v
		.replace(/\?=\s+=\?/g, '?==?') // whitespace between encoded words is dropped
		.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) => {
			const bytes = enc.toUpperCase() === 'B'
				? Buffer.from(text, 'base64')
				: Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
			return new TextDecoder(charset.toLowerCase() === 'utf-8' || charset.toLowerCase() === 'utf8' ? 'utf-8' : charset).decode(bytes);
		});
}

/* rawHeaders: the header fields of a message as sent, unfolded and not
 * decoded: [[name as written, value], ...] in order. */
export function rawHeaders(data) {
	const cut = data.indexOf('\r\n\r\n');
	const head = cut < 0 ? data : data.slice(0, cut);
	return head.replace(/\r\n[ \t]+/g, ' ').split('\r\n').map((line) => {
		const i = line.indexOf(':');
		return i < 0 ? [line, null] : [line.slice(0, i), line.slice(i + 1).trim()];
	});
}

/* parseMessage: {headers (lower-case names, unfolded, decoded), subject,
 * body (decoded per Content-Transfer-Encoding, as UTF-8 text), raw}. */
export function parseMessage(data) {
	const cut = data.indexOf('\r\n\r\n');
	const head = cut < 0 ? data : data.slice(0, cut);
	const rawBody = cut < 0 ? '' : data.slice(cut + 4);
	const headers = {};
	for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
		const i = line.indexOf(':');
		if (i <= 0) continue;
		headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
	}
	const cte = (headers['content-transfer-encoding'] || '7bit').toLowerCase();
	let body;
	if (cte === 'base64') body = Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8');
	else if (cte === 'quoted-printable')
		body = Buffer.from(rawBody.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
	else body = rawBody;
	return { headers, subject: headers.subject ?? '', body, raw: data };
}
