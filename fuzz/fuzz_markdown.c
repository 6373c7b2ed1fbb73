/* fuzz_markdown.c: libFuzzer harness for the Markdown renderer
 * (src/core/markdown.c).  Checks what it promises for any input: the HTML
 * fits markdown_html_cap, is strict UTF-8, holds only its own tags, nested,
 * with no attribute but a safe href, rel and start, and no '<', '>' or '"'
 * outside a tag.  Build: clang -fsanitize=fuzzer,address,undefined -Isrc
 * fuzz/fuzz_markdown.c src/core/markdown.c src/core/buf.c (or scripts/fuzz). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static void check_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp, min;
		if (c < 0x80) {
			CHECK(c >= 0x20 || c == '\n' || c == '\t');
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 2, cp = c & 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 3, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 4, cp = c & 0x07, min = 0x10000;
		else
			abort();
		CHECK(i + k <= n);
		for (size_t j = 1; j < k; j++) {
			CHECK((s[i + j] & 0xC0) == 0x80);
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		CHECK(cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
		i += k;
	}
}

static const char *const TAGS[] = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre",
				   "code", "blockquote", "em", "strong", "a", NULL};

static int tag_index(const char *name, size_t n)
{
	for (int i = 0; TAGS[i]; i++)
		if (strlen(TAGS[i]) == n && memcmp(TAGS[i], name, n) == 0)
			return i;
	return -1;
}

static bool safe_href(const char *h, size_t n)
{
	return (n > 7 && strncasecmp(h, "http://", 7) == 0) || (n > 8 && strncasecmp(h, "https://", 8) == 0) ||
	       (n > 7 && strncasecmp(h, "mailto:", 7) == 0);
}

/* check_tag: the tag at s[0..n) ('<' to '>'); pushes or pops stack. */
static void check_tag(const char *s, size_t n, int *stack, int *depth)
{
	static const char rel[] = "\" rel=\"nofollow noopener noreferrer\">";
	if (n == 4 && memcmp(s, "<br>", 4) == 0)
		return;
	if (n == 4 && memcmp(s, "<hr>", 4) == 0)
		return;
	if (s[1] == '/') {
		int t = tag_index(s + 2, n - 3);
		CHECK(t >= 0 && *depth > 0 && stack[*depth - 1] == t);
		(*depth)--;
		return;
	}
	int t;
	if (n > 9 && memcmp(s, "<a href=\"", 9) == 0) {
		size_t rl = sizeof rel - 1;
		CHECK(n > 9 + rl && memcmp(s + n - rl, rel, rl) == 0);
		const char *h = s + 9;
		size_t hn = n - 9 - rl;
		CHECK(safe_href(h, hn));
		for (size_t i = 0; i < hn; i++)
			CHECK(h[i] != '"' && h[i] != '<' && h[i] != '>' && h[i] != ' ');
		t = tag_index("a", 1);
	} else if (n > 11 && memcmp(s, "<ol start=\"", 11) == 0) {
		for (size_t i = 11; i < n - 2; i++)
			CHECK(s[i] >= '0' && s[i] <= '9');
		CHECK(memcmp(s + n - 2, "\">", 2) == 0);
		t = tag_index("ol", 2);
	} else {
		t = tag_index(s + 1, n - 2);
	}
	CHECK(t >= 0 && *depth < 4096);
	stack[(*depth)++] = t;
}

static void check_html(const char *s, size_t n)
{
	static int stack[4096];
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		CHECK(s[i] != '>' && s[i] != '"');
		if (s[i] != '<')
			continue;
		const char *e = memchr(s + i, '>', n - i);
		CHECK(e != NULL);
		size_t tn = (size_t)(e - (s + i)) + 1;
		check_tag(s + i, tn, stack, &depth);
		i += tn - 1;
	}
	CHECK(depth == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	buf_init(&out, markdown_html_cap(size));
	kt_err rc = markdown_render((const char *)data, size, &out);
	CHECK(rc == ERR_OK || rc == ERR_NOMEM);
	if (rc == ERR_OK) {
		check_utf8((const unsigned char *)buf_cstr(&out), out.len);
		check_html(buf_cstr(&out), out.len);
	}
	buf_clear(&out);
	return 0;
}
