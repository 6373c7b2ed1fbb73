/* test_mime.c: header fields of outgoing mail: a display name that holds
 * an address, a comma or a line break stays one name (encoded-words), an
 * address is written only when it is one plain address, Polish text
 * survives encoded-words split on character boundaries, and no line of a
 * header passes 76 characters or starts anything but a folded line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mime.h"
#include "core/utf8.h"

/* decode: the header line's value (after "Name:") unfolded, its
 * encoded-words decoded (white space between two of them dropped), into
 * out.  Each encoded-word must decode to valid UTF-8 on its own. */
static void decode(const char *line, char *out, size_t cap)
{
	const char *p = strchr(line, ':');
	assert_non_null(p);
	p++;
	size_t o = 0;
	bool last_word = false;
	while (*p && !(p[0] == '\r' && p[1] == '\n' && p[2] != ' ')) {
		if (strncmp(p, "\r\n ", 3) == 0) {
			p += 2;
			continue;
		}
		const char *q = NULL;
		if (strncmp(p, "=?UTF-8?B?", 10) == 0)
			q = strstr(p + 10, "?=");
		if (!q) {
			const char *w = p;
			while (*w == ' ' || strncmp(w, "\r\n ", 3) == 0)
				w += *w == ' ' ? 1 : 2;
			if (last_word && strncmp(w, "=?UTF-8?B?", 10) == 0) {
				p = w; /* between two encoded-words */
				continue;
			}
			last_word = false;
			assert_true(o + 1 < cap);
			out[o++] = *p++;
			continue;
		}
		assert_true(q - p <= 75 - 2);
		unsigned char bin[64];
		size_t n;
		assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(q - p - 10), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		assert_true(utf8_valid((const char *)bin, n));
		assert_true(o + n < cap);
		memcpy(out + o, bin, n);
		o += n;
		p = q + 2;
		last_word = true;
	}
	out[o] = '\0';
	/* the value, trimmed of the space after the colon */
	size_t skip = 0;
	while (out[skip] == ' ')
		skip++;
	memmove(out, out + skip, o - skip + 1);
}

/* well_formed: one header field: ends in CRLF, every other CRLF starts a
 * folded line, no line over 76 characters, printable ASCII only. */
static void well_formed(const char *h)
{
	size_t len = strlen(h), col = 0;
	assert_true(len >= 2 && strcmp(h + len - 2, "\r\n") == 0);
	for (size_t i = 0; i < len; i++) {
		if (h[i] == '\r') {
			assert_int_equal(h[i + 1], '\n');
			assert_true(i + 2 == len || h[i + 2] == ' ');
			i++;
			col = 0;
			continue;
		}
		assert_true(h[i] >= 0x20 && h[i] < 0x7F);
		assert_true(++col <= 76);
	}
}

#define MAILBOX(name, addr, want)                                             \
	do {                                                                 \
		struct buf b;                                                \
		buf_init(&b, 65536);                                         \
		assert_int_equal(mime_header_mailbox(&b, "To", name, addr), ERR_OK); \
		assert_string_equal(buf_cstr(&b), want);                     \
		buf_clear(&b);                                               \
	} while (0)

static void plain_names_and_addresses(void **state)
{
	(void)state;
	MAILBOX("Jan Kowalski", "jan@example.pl", "To: Jan Kowalski <jan@example.pl>\r\n");
	MAILBOX("O'Neil-Smith", "o@example.pl", "To: O'Neil-Smith <o@example.pl>\r\n");
	MAILBOX(NULL, "jan@example.pl", "To: <jan@example.pl>\r\n");
	MAILBOX("", "jan@EXAMPLE.PL", "To: <jan@example.pl>\r\n");
	MAILBOX("   ", "jan@example.pl", "To: <jan@example.pl>\r\n");
}

/* encoded: the To header for name, checked and decoded into out. */
static void encoded(const char *name, const char *addr, char *out, size_t cap, char *hdr, size_t hcap)
{
	struct buf b;
	buf_init(&b, 65536);
	assert_int_equal(mime_header_mailbox(&b, "To", name, addr), ERR_OK);
	well_formed(buf_cstr(&b));
	snprintf(hdr, hcap, "%s", buf_cstr(&b));
	buf_clear(&b);
	/* the name decoded, then exactly one address, the one given */
	char *lt = strchr(hdr, '<');
	assert_non_null(lt);
	assert_null(strchr(lt + 1, '<'));
	char want[300];
	snprintf(want, sizeof want, "<%s>\r\n", addr);
	assert_string_equal(lt, want);
	char value[4096];
	snprintf(value, sizeof value, "%.*s\r\n", (int)(lt - hdr), hdr);
	decode(value, out, cap);
	size_t n = strlen(out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
}

static void names_that_could_add_a_recipient_are_encoded(void **state)
{
	(void)state;
	char got[1024], hdr[4096];
	encoded("Mallory <mallory@evil.example>,", "legit@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "Mallory <mallory@evil.example>,");
	assert_null(strstr(hdr, "evil"));
	assert_null(strchr(hdr, ','));
	encoded("a, b@evil.example", "legit@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "a, b@evil.example");
	encoded("\"Quoted\" (comment) =?UTF-8?B?eA==?=", "legit@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "\"Quoted\" (comment) =?UTF-8?B?eA==?=");
	/* a line break becomes a space: no header can start */
	encoded("Ewa\r\nBcc: evil@evil.example", "legit@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "Ewa  Bcc: evil@evil.example");
	assert_null(strstr(hdr, "Bcc"));
	encoded("Żaneta Łęcka-Śmigły", "legit@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "Żaneta Łęcka-Śmigły");
}

static void long_names_fold_on_character_boundaries(void **state)
{
	(void)state;
	char got[2048], hdr[8192];
	struct buf name;
	buf_init(&name, 1024);
	for (int i = 0; i < 20; i++)
		assert_int_equal(buf_puts(&name, i ? (i % 2 ? " Źdźbło" : " Gżegżółka") : "Gżegżółka"), ERR_OK);
	encoded(buf_cstr(&name), "a@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, buf_cstr(&name));
	buf_clear(&name);
	/* 4-byte characters too */
	encoded("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "a@example.pl", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀");
}

static void bad_addresses_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {"a@b.pl>, <c@d.pl", "Jan <jan@example.pl>", "a@b.pl\r\nBcc: c@d.pl",
					  "a b@c.pl", "no-at-sign", "a@b.pl,c@d.pl", "\"a\"@b.pl", "", NULL};
	for (int i = 0; bad[i]; i++) {
		struct buf b;
		buf_init(&b, 4096);
		assert_int_equal(buf_puts(&b, "X: y\r\n"), ERR_OK);
		assert_int_equal(mime_header_mailbox(&b, "To", "Jan", bad[i]), ERR_INVALID);
		assert_string_equal(buf_cstr(&b), "X: y\r\n");
		buf_clear(&b);
	}
	char out[256];
	assert_false(mime_addr(NULL, out, sizeof out));
	assert_true(mime_addr(" jan@Example.PL ", out, sizeof out));
	assert_string_equal(out, "jan@example.pl");
}

/* subject: the Subject header of text, checked and decoded into got. */
static void subject(const char *text, char *got, size_t cap, char *hdr, size_t hcap)
{
	struct buf b;
	buf_init(&b, 65536);
	assert_int_equal(mime_header_text(&b, "Subject", text), ERR_OK);
	well_formed(buf_cstr(&b));
	snprintf(hdr, hcap, "%s", buf_cstr(&b));
	decode(buf_cstr(&b), got, cap);
	buf_clear(&b);
}

static void subjects(void **state)
{
	(void)state;
	char got[4096], hdr[8192];
	subject("Oferta na lato", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(hdr, "Subject: Oferta na lato\r\n");
	subject("Zażółć gęślą jaźń", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "Zażółć gęślą jaźń");
	assert_memory_equal(hdr, "Subject: =?UTF-8?B?", 19);
	/* text that looks like an encoded-word is encoded itself */
	subject("=?UTF-8?B?eA==?=", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "=?UTF-8?B?eA==?=");
	assert_null(strstr(hdr, "eA=="));
	/* a line break cannot start a header */
	subject("Hi\r\nBcc: evil@evil.example", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "Hi  Bcc: evil@evil.example");
	/* long text: many words, each whole characters */
	struct buf long_text;
	buf_init(&long_text, 2048);
	for (int i = 0; i < 30; i++)
		assert_int_equal(buf_puts(&long_text, "Przypomnienie: spotkanie ąęćźż "), ERR_OK);
	subject(buf_cstr(&long_text), got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, buf_cstr(&long_text));
	buf_clear(&long_text);
	/* long ASCII is folded as words too */
	char ascii[400];
	memset(ascii, 'a', sizeof ascii - 1);
	ascii[sizeof ascii - 1] = '\0';
	subject(ascii, got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, ascii);
	/* bytes that are not UTF-8: U+FFFD, a character cut at the end dropped */
	subject("a\xFF" "b", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "a\xEF\xBF\xBD" "b");
	subject("abc \xC5", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(got, "abc ");
	subject("", got, sizeof got, hdr, sizeof hdr);
	assert_string_equal(hdr, "Subject:\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_names_and_addresses),
		cmocka_unit_test(names_that_could_add_a_recipient_are_encoded),
		cmocka_unit_test(long_names_fold_on_character_boundaries),
		cmocka_unit_test(bad_addresses_are_refused),
		cmocka_unit_test(subjects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
