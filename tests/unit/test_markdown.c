/* test_markdown.c: the Markdown renderer: the blocks and inlines it knows,
 * XSS vectors (script, javascript: links, event attributes, quotes in
 * URLs), nested and unbalanced emphasis, invalid bytes, hostile lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/markdown.h"

#define REL "\" rel=\"nofollow noopener noreferrer\">"

static char *render_n(const char *in, size_t len)
{
	struct buf b;
	buf_init(&b, markdown_html_cap(len));
	assert_int_equal(markdown_render(in, len, &b), ERR_OK);
	char *s = strdup(buf_cstr(&b));
	buf_clear(&b);
	assert_non_null(s);
	return s;
}

static void html_is(const char *in, const char *want)
{
	char *got = render_n(in, strlen(in));
	assert_string_equal(got, want);
	free(got);
}

static void blocks(void **state)
{
	html_is("", "");
	html_is("\n\n  \n", "");
	html_is("# Tytuł", "<h1>Tytuł</h1>\n");
	html_is("###### sześć ##", "<h6>sześć</h6>\n");
	html_is("####### siedem", "<p>####### siedem</p>\n");
	html_is("#bez spacji", "<p>#bez spacji</p>\n");
	html_is("jeden\ndwa\n\ntrzy", "<p>jeden\ndwa</p>\n<p>trzy</p>\n");
	html_is("a  \nb", "<p>a<br>\nb</p>\n");
	html_is("***\n- - -", "<hr>\n<hr>\n");
	html_is("> cytat\n> > głębiej", "<blockquote>\n<p>cytat</p>\n<blockquote>\n<p>głębiej</p>\n</blockquote>\n</blockquote>\n");
	html_is("```\n<b>\n```", "<pre><code>&lt;b&gt;\n</code></pre>\n");
	html_is("~~~\nbez końca", "<pre><code>bez końca\n</code></pre>\n");
	html_is("    kod\n\n    dalej", "<pre><code>kod\n\ndalej\n</code></pre>\n");
	html_is("a\r\nb\rc", "<p>a\nb\nc</p>\n");
}

static void lists(void **state)
{
	html_is("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
	html_is("* a\n  ciąg dalszy\n+ b", "<ul>\n<li>a\nciąg dalszy</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n");
	html_is("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n");
	html_is("7) a", "<ol start=\"7\">\n<li>a</li>\n</ol>\n");
	html_is("- a\n  - b\n- c", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>\n");
	html_is("- a\n\n- b\n\ntekst", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>tekst</p>\n");
	html_is("akapit\n- punkt", "<p>akapit</p>\n<ul>\n<li>punkt</li>\n</ul>\n");
	html_is("rok\n2024. był dobry", "<p>rok\n2024. był dobry</p>\n");
	html_is("-", "<ul>\n<li></li>\n</ul>\n");
}

static void inlines(void **state)
{
	html_is("*a* _b_ **c** __d__", "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong></p>\n");
	html_is("`<i>` ``a`b``", "<p><code>&lt;i&gt;</code> <code>a`b</code></p>\n");
	html_is("[strona](https://example.com/a?b=1&c=2)",
		"<p><a href=\"https://example.com/a?b=1&amp;c=2" REL "strona</a></p>\n");
	html_is("[poczta](mailto:jan@example.com \"tytuł\")", "<p><a href=\"mailto:jan@example.com" REL "poczta</a></p>\n");
	html_is("<http://example.com>", "<p><a href=\"http://example.com" REL "http://example.com</a></p>\n");
	html_is("[**gruby** `kod`](http://x.pl)", "<p><a href=\"http://x.pl" REL "<strong>gruby</strong> <code>kod</code></a></p>\n");
	html_is("\\*nie\\* a\\b", "<p>*nie* a\\b</p>\n");
	html_is("snake_case_name", "<p>snake_case_name</p>\n");
	html_is("2 * 3 * 4", "<p>2 * 3 * 4</p>\n");
}

static void xss_vectors(void **state)
{
	html_is("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	html_is("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
	html_is("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n");
	html_is("[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>\n");
	html_is("[x](data:text/html,<b>)", "<p>[x](data:text/html,&lt;b&gt;)</p>\n");
	html_is("[x](vbscript:msgbox)", "<p>[x](vbscript:msgbox)</p>\n");
	html_is("[x](/relative)", "<p>[x](/relative)</p>\n");
	html_is("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n");
	html_is("[x](https://a\"onmouseover=\"alert(1))", "<p>[x](https://a&quot;onmouseover=&quot;alert(1))</p>\n");
	html_is("[x](https://a' onerror='b)", "<p>[x](https://a&#39; onerror=&#39;b)</p>\n");
	html_is("# <b onclick=\"x\">", "<h1>&lt;b onclick=&quot;x&quot;&gt;</h1>\n");
	html_is("`</code><script>`", "<p><code>&lt;/code&gt;&lt;script&gt;</code></p>\n");
	html_is("[<script>](http://x)", "<p><a href=\"http://x" REL "&lt;script&gt;</a></p>\n");
	html_is("&lt; &amp; ' \"", "<p>&amp;lt; &amp;amp; &#39; &quot;</p>\n");
}

static void nested_and_unbalanced(void **state)
{
	html_is("***a***", "<p><em><strong>a</strong></em></p>\n");
	html_is("*a **b** c*", "<p><em>a <strong>b</strong> c</em></p>\n");
	html_is("**a *b", "<p>**a *b</p>\n");
	html_is("*a _b* c_", "<p><em>a _b</em> c_</p>\n");
	html_is("_a *b_ c*", "<p><em>a *b</em> c*</p>\n");
	html_is("**a*", "<p>*<em>a</em></p>\n");
	html_is("`nie zamknięty", "<p>`nie zamknięty</p>\n");
	html_is("[nie zamknięty](http://x", "<p>[nie zamknięty](http://x</p>\n");
	html_is("*********a*********", "<p>*********a*********</p>\n");
}

static void invalid_bytes_become_replacement(void **state)
{
	static const char in[] = "a\xff" "b\x01" "c";
	char *got = render_n(in, 5);
	assert_string_equal(got, "<p>a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c</p>\n");
	free(got);
	char *nul = render_n("x\0y", 3);
	assert_string_equal(nul, "<p>x\xEF\xBF\xBDy</p>\n");
	free(nul);
}

/* Inputs that make naive renderers quadratic or recurse without end. */
static void long_input_is_linear(void **state)
{
	static const char *const pieces[] = {"*a ", "_", "[", "`", "[a](http://x ", "> ", "- ", "**", "<http:", "a  \n"};
	size_t n = 400000;
	char *in = malloc(n + 1);
	assert_non_null(in);
	for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
		size_t k = strlen(pieces[p]);
		for (size_t i = 0; i < n; i++)
			in[i] = pieces[p][i % k];
		in[n] = '\0';
		clock_t t0 = clock();
		char *got = render_n(in, n);
		double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
		assert_true(s < 2.0);
		free(got);
	}
	/* Deep nesting is capped, not recursed into. */
	memset(in, '>', n);
	char *got = render_n(in, n);
	assert_non_null(strstr(got, "&gt;"));
	free(got);
	free(in);
}

static void too_small_buffer_says_so(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(markdown_render("# a long enough heading", 23, &b), ERR_TOO_LARGE);
	buf_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks),
		cmocka_unit_test(lists),
		cmocka_unit_test(inlines),
		cmocka_unit_test(xss_vectors),
		cmocka_unit_test(nested_and_unbalanced),
		cmocka_unit_test(invalid_bytes_become_replacement),
		cmocka_unit_test(long_input_is_linear),
		cmocka_unit_test(too_small_buffer_says_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
