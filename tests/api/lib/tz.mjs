// tz.mjs: wall-clock arithmetic in IANA time zones for the tests, from
// Intl alone (no Temporal): the local date and time of an instant, and the
// first instant of a local day or at a local time, found by searching.
// Instants are milliseconds since the epoch; dates are 'YYYY-MM-DD'.

const formats = new Map();

function format(zone) {
	let f = formats.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-CA', {
			timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
			hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
		});
		formats.set(zone, f);
	}
	return f;
}

/* localParts: {date, hour, minute, second, weekday (0 = Sunday), wall} of
 * instant ms in zone; wall is 'YYYY-MM-DD HH:MM:SS'. */
export function localParts(ms, zone) {
	const p = Object.fromEntries(format(zone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
	const date = `${p.year}-${p.month}-${p.day}`;
	const hour = Number(p.hour) % 24;
	return {
		date, hour, minute: Number(p.minute), second: Number(p.second), weekday: weekday(date),
		wall: `${date} ${String(hour).padStart(2, '0')}:${p.minute}:${p.second}`,
	};
}

/* localDate: the local date of instant ms in zone. */
export function localDate(ms, zone) {
	return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
		.format(new Date(ms));
}

/* addDays: date + n days. */
export function addDays(date, n) {
	const t = Date.parse(`${date}T00:00:00Z`) + n * 86400000;
	return new Date(t).toISOString().slice(0, 10);
}

/* weekday: 0 = Sunday ... 6 = Saturday. */
export function weekday(date) {
	return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/* atOrAfter: the first instant (whole second) whose local wall time in
 * zone is >= wall ('YYYY-MM-DD HH:MM:SS'); wall time only jumps forward
 * at a daylight-saving change, and repeats at most an hour, so a binary
 * search over +-36 hours of the naive UTC reading finds it. */
export function atOrAfter(wall, zone) {
	const naive = Date.parse(wall.replace(' ', 'T') + 'Z');
	let lo = naive / 1000 - 36 * 3600, hi = naive / 1000 + 36 * 3600;
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2);
		if (localParts(mid * 1000, zone).wall >= wall) hi = mid;
		else lo = mid + 1;
	}
	return lo * 1000;
}

/* dayStart: the first instant of the local day date in zone. */
export function dayStart(date, zone) {
	return atOrAfter(`${date} 00:00:00`, zone);
}

/* localTime: the instant of date hh:mm local in zone. */
export function localTime(date, hh, mm, zone) {
	return atOrAfter(`${date} ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00`, zone);
}

/* iso: an instant as the API writes it: 2026-11-23T09:00:00Z. */
export function iso(ms) {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
