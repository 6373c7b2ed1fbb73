/* mime.c: see mime.h.  Text is first made header-safe (clean), then
 * written plain or as B encoded-words; a column count decides where a
 * line is folded (CRLF and the space every word is written after). */
#include "core/mime.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "core/ident.h"
#include "core/utf8.h"

#define LINE 76         /* RFC 2047: a line holding encoded-words, at most */
#define WORD_RAW 45     /* text bytes of one encoded-word: 60 base64, 72 in all */
#define WORD_EXTRA 12   /* "=?UTF-8?B?" and "?=" */

/* cut_at_end: s[0..n) is the start of a UTF-8 sequence that the end of
 * the text cut short (a lead byte and only continuation bytes after it). */
static bool cut_at_end(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t want = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!want || n >= want)
		return false;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return false;
	return true;
}

/* clean: s as header text into out: valid UTF-8 (a bad byte becomes
 * U+FFFD, a character cut short at the end is dropped), control
 * characters (C0, DEL) as spaces, so nothing can end the field. */
static kt_err clean(const char *s, struct buf *out)
{
	size_t len = s ? strlen(s) : 0;
	kt_err rc = ERR_OK;
	for (size_t i = 0; i < len && !rc;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k && cut_at_end(s + i, len - i))
			break;
		if (!k) {
			rc = buf_puts(out, "\xEF\xBF\xBD");
			i++;
		} else {
			rc = cp < 0x20 || cp == 0x7F ? buf_putc(out, ' ') : buf_append(out, s + i, k);
			i += k;
		}
	}
	return rc;
}

/* phrase_char: a character a display name may hold unencoded: atext
 * (RFC 5322) and space, but not '=' and '?' (no text looks like an
 * encoded-word). */
static bool phrase_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr(" !#$%&'*+-/^_`{|}~", c));
}

/* words: s[0..n) as encoded-words, each after a space, folding before a
 * word that would pass LINE; *col is the column the line is at. */
static kt_err words(struct buf *b, const char *s, size_t n, size_t *col)
{
	kt_err rc = ERR_OK;
	for (size_t i = 0; i < n && !rc;) {
		size_t room = LINE > *col + 1 ? LINE - *col - 1 : 0;
		size_t k = room >= WORD_EXTRA + 4 ? (room - WORD_EXTRA) / 4 * 3 : 0;
		if (k > WORD_RAW)
			k = WORD_RAW;
		if (k > n - i)
			k = n - i;
		size_t whole = k;
		while (k && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k--; /* never split a character between two words */
		if (!k && *col > 1) {
			rc = buf_puts(b, "\r\n");
			*col = 0;
			continue;
		}
		if (!k)
			k = whole ? whole : 1; /* a full line and still no boundary: not UTF-8 */
		char enc[sodium_base64_ENCODED_LEN(WORD_RAW, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(enc, sizeof enc, (const unsigned char *)s + i, k, sodium_base64_VARIANT_ORIGINAL);
		rc = buf_printf(b, " =?UTF-8?B?%s?=", enc);
		*col += 1 + WORD_EXTRA + strlen(enc);
		i += k;
	}
	return rc;
}

kt_err mime_header_text(struct buf *b, const char *name, const char *text)
{
	struct buf t;
	buf_init(&t, b->max);
	kt_err rc = clean(text, &t);
	size_t col = strlen(name) + 1;
	bool plain = !strstr(buf_cstr(&t), "=?") && col + 1 + t.len <= LINE;
	for (size_t i = 0; i < t.len && plain; i++)
		plain = (unsigned char)t.data[i] >= 0x20 && (unsigned char)t.data[i] < 0x7F;
	if (!rc)
		rc = buf_printf(b, "%s:", name);
	if (!rc && plain && t.len)
		rc = buf_printf(b, " %s", buf_cstr(&t));
	else if (!rc)
		rc = words(b, t.data, t.len, &col);
	if (!rc)
		rc = buf_puts(b, "\r\n");
	buf_clear(&t);
	return rc;
}

bool mime_addr(const char *addr, char *out, size_t cap)
{
	return addr && ident_email_normalize(addr, strlen(addr), out, cap);
}

kt_err mime_header_mailbox(struct buf *b, const char *name, const char *display, const char *addr)
{
	char a[256];
	if (!mime_addr(addr, a, sizeof a))
		return ERR_INVALID;
	struct buf t;
	buf_init(&t, b->max);
	kt_err rc = clean(display, &t);
	/* a name of spaces only is no name */
	bool empty = true;
	for (size_t i = 0; i < t.len && empty; i++)
		empty = t.data[i] == ' ';
	size_t col = strlen(name) + 1;
	bool plain = col + 1 + t.len <= LINE;
	for (size_t i = 0; i < t.len && plain; i++)
		plain = phrase_char(t.data[i]);
	size_t at = b->len;
	if (!rc)
		rc = buf_printf(b, "%s:", name);
	if (!rc && !empty && plain) {
		rc = buf_printf(b, " %s", buf_cstr(&t));
		col += 1 + t.len;
	} else if (!rc && !empty) {
		rc = words(b, t.data, t.len, &col);
	}
	if (!rc && col + 3 + strlen(a) > LINE && !empty)
		rc = buf_puts(b, "\r\n");
	if (!rc)
		rc = buf_printf(b, " <%s>\r\n", a);
	if (rc && b->data) {
		b->len = at; /* nothing half-written */
		b->data[at] = '\0';
	}
	buf_clear(&t);
	return rc;
}
