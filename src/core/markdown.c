/* markdown.c: see markdown.h.  Two passes, as in CommonMark: blocks are
 * found line by line (render_blocks), then the text of each block is cut
 * into tokens and its emphasis matched with a delimiter stack (inline_*).
 * Every scan is bounded so that hostile input stays linear; output is
 * written only through esc() (text) and fixed tag strings. */
#include "core/markdown.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"

struct line {
	const char *s;
	size_t n;
};

struct md {
	struct buf *out;
	kt_err rc;              /* the first error; later writes are skipped */
};

static void put(struct md *m, const char *s, size_t n)
{
	if (!m->rc && n)
		m->rc = buf_append(m->out, s, n);
}

static void put_s(struct md *m, const char *s)
{
	put(m, s, strlen(s));
}

/* ---- text ------------------------------------------------------------ */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* u8seq: the length of the strict UTF-8 sequence at s, 0 if there is none. */
static size_t u8seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

/* esc: s[0..n) as HTML text, safe in a quoted attribute too.  Newlines
 * become spaces when nl_space (code spans). */
static void esc(struct md *m, const char *s, size_t n, bool nl_space)
{
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *rep;
		size_t adv = 1;
		if (c >= 0x80) {
			adv = u8seq((const unsigned char *)s + i, n - i);
			if (adv) {
				i += adv;
				continue;
			}
			adv = 1;
			rep = REPLACEMENT;
		} else if (c == '&') {
			rep = "&amp;";
		} else if (c == '<') {
			rep = "&lt;";
		} else if (c == '>') {
			rep = "&gt;";
		} else if (c == '"') {
			rep = "&quot;";
		} else if (c == '\'') {
			rep = "&#39;";
		} else if (c == '\n' && nl_space) {
			rep = " ";
		} else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
			i++;
			continue;
		} else {
			rep = REPLACEMENT;
		}
		put(m, s + run, i - run);
		put_s(m, rep);
		i += adv;
		run = i;
	}
	put(m, s + run, n - run);
}

static bool is_ws(int c)
{
	return c < 0 || c == ' ' || c == '\t' || c == '\n';
}

static bool is_punct(int c)
{
	return c > 0 && c < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) != NULL;
}

/* ---- inline ---------------------------------------------------------- */

enum { TK_TEXT, TK_RAW, TK_CODE, TK_LINK, TK_AUTO, TK_DELIM };

struct tok {
	const char *s;          /* text, raw HTML, code; a link's text */
	const char *u;          /* a link's URL */
	size_t n, un;
	unsigned char kind;
	char ch;                /* TK_DELIM: '*' or '_' */
	unsigned char rem;      /* delimiters not (yet) matched */
	unsigned char nopen, nclose;    /* matches as opener and closer */
	unsigned char open, close;      /* bit k set: match k is strong, else em */
	bool can_open, can_close;
};

struct toks {
	struct tok *t;
	size_t n, cap;
};

static struct tok *tok_add(struct md *m, struct toks *v, unsigned char kind, const char *s, size_t n)
{
	if (m->rc)
		return NULL;
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 32;
		struct tok *t = realloc(v->t, cap * sizeof *t);
		if (!t) {
			m->rc = ERR_NOMEM;
			return NULL;
		}
		v->t = t;
		v->cap = cap;
	}
	struct tok *t = &v->t[v->n++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->s = s;
	t->n = n;
	return t;
}

/* A URL character: no blank, control, quote or bracket, so that a URL
 * scan always stops at the next '[' or '<' (which keeps scans linear). */
static bool url_char(char ch)
{
	unsigned char c = (unsigned char)ch;
	return c > 0x20 && c != 0x7f && !strchr("<>\"'`\\[]()", c);
}

static bool prefix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != p[i])
			return false;
	}
	return true;
}

/* Only these schemes become links; everything else stays text. */
static bool allowed_url(const char *u, size_t n)
{
	return (prefix_ci(u, n, "http://") && n > 7) || (prefix_ci(u, n, "https://") && n > 8) ||
	       (prefix_ci(u, n, "mailto:") && n > 7);
}

static bool is_special(char c)
{
	return c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == '<' || c == '\n';
}

/* code_span: `...` at s[i] (a run of k backticks); the index after it,
 * or 0 when it has no closer.  failed[k] remembers closers known absent. */
static size_t code_span(struct md *m, struct toks *v, const char *s, size_t n, size_t i, size_t k,
			bool *failed)
{
	if (k > LIM_MD_CODE_RUN || failed[k])
		return 0;
	size_t j = i + k;
	while (j < n) {
		if (s[j] != '`') {
			j++;
			continue;
		}
		size_t r = 0;
		while (j + r < n && s[j + r] == '`')
			r++;
		if (r == k)
			break;
		j += r;
	}
	if (j >= n) {
		failed[k] = true;
		return 0;
	}
	const char *cs = s + i + k;
	size_t cn = j - (i + k);
	if (cn >= 2 && (cs[0] == ' ' || cs[0] == '\n') && (cs[cn - 1] == ' ' || cs[cn - 1] == '\n')) {
		size_t b = 0;
		while (b < cn && (cs[b] == ' ' || cs[b] == '\n'))
			b++;
		if (b < cn)
			cs++, cn -= 2;
	}
	tok_add(m, v, TK_CODE, cs, cn);
	return j + k;
}

/* link: [text](url "title") at s[i]; the index after it or 0.  The text
 * holds no '[' (so no link nests in another), the title is dropped. */
static size_t link(struct md *m, struct toks *v, const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && s[j] != ']' && s[j] != '[')
		j += s[j] == '\\' && j + 1 < n && s[j + 1] != '[' ? 2 : 1;
	if (j >= n || s[j] != ']' || j == i + 1 || j + 1 >= n || s[j + 1] != '(')
		return 0;
	size_t us = j + 2, ue = us;
	while (ue < n && url_char(s[ue]))
		ue++;
	size_t q = ue;
	while (q < n && is_ws((unsigned char)s[q]))
		q++;
	if (q < n && q > ue && s[q] == '"') {
		q++;
		while (q < n && s[q] != '"' && s[q] != '[' && s[q] != '\n')
			q++;
		if (q >= n || s[q] != '"')
			return 0;
		q++;
		while (q < n && is_ws((unsigned char)s[q]))
			q++;
	}
	if (q >= n || s[q] != ')' || !allowed_url(s + us, ue - us))
		return 0;
	struct tok *t = tok_add(m, v, TK_LINK, s + i + 1, j - i - 1);
	if (t) {
		t->u = s + us;
		t->un = ue - us;
	}
	return q + 1;
}

/* autolink: <http://...> at s[i]; the index after it or 0. */
static size_t autolink(struct md *m, struct toks *v, const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && url_char(s[j]))
		j++;
	if (j >= n || s[j] != '>' || !allowed_url(s + i + 1, j - i - 1))
		return 0;
	struct tok *t = tok_add(m, v, TK_AUTO, NULL, 0);
	if (t) {
		t->u = s + i + 1;
		t->un = j - i - 1;
	}
	return j + 1;
}

/* delims: a run of k '*' or '_' at s[i], with CommonMark's flanking rules. */
static void delims(struct md *m, struct toks *v, const char *s, size_t n, size_t i, size_t k)
{
	char c = s[i];
	int prev = i ? (unsigned char)s[i - 1] : -1;
	int next = i + k < n ? (unsigned char)s[i + k] : -1;
	bool left = !is_ws(next) && (!is_punct(next) || is_ws(prev) || is_punct(prev));
	bool right = !is_ws(prev) && (!is_punct(prev) || is_ws(next) || is_punct(next));
	bool open = c == '*' ? left : left && (!right || is_punct(prev));
	bool close = c == '*' ? right : right && (!left || is_punct(next));
	if (k > LIM_MD_DELIM_RUN || (!open && !close)) {
		tok_add(m, v, TK_TEXT, s + i, k);
		return;
	}
	struct tok *t = tok_add(m, v, TK_DELIM, s + i, k);
	if (t) {
		t->ch = c;
		t->rem = (unsigned char)k;
		t->can_open = open;
		t->can_close = close;
	}
}

/* newline: two or more spaces before it make a hard break. */
static void newline(struct md *m, struct toks *v, const char *s, size_t i)
{
	size_t sp = 0;
	while (sp < i && s[i - 1 - sp] == ' ')
		sp++;
	struct tok *last = v->n ? &v->t[v->n - 1] : NULL;
	if (last && last->kind == TK_TEXT && last->s + last->n == s + i)
		last->n -= sp < last->n ? sp : last->n;
	if (sp >= 2)
		tok_add(m, v, TK_RAW, "<br>\n", 5);
	else
		tok_add(m, v, TK_TEXT, "\n", 1);
}

static void tokenize(struct md *m, const char *s, size_t n, bool links, struct toks *v)
{
	bool failed[LIM_MD_CODE_RUN + 1] = {false};
	size_t i = 0;
	while (i < n && !m->rc) {
		char c = s[i];
		size_t j = 0, k = 0;
		if (!is_special(c)) {
			j = i + 1;
			while (j < n && !is_special(s[j]))
				j++;
			tok_add(m, v, TK_TEXT, s + i, j - i);
			i = j;
			continue;
		}
		switch (c) {
		case '\\':
			if (i + 1 < n && is_punct((unsigned char)s[i + 1])) {
				tok_add(m, v, TK_TEXT, s + i + 1, 1);
				j = i + 2;
			} else if (i + 1 < n && s[i + 1] == '\n') {
				tok_add(m, v, TK_RAW, "<br>\n", 5);
				j = i + 2;
			}
			break;
		case '`':
			while (i + k < n && s[i + k] == '`')
				k++;
			j = code_span(m, v, s, n, i, k, failed);
			if (!j) {
				tok_add(m, v, TK_TEXT, s + i, k);
				j = i + k;
			}
			break;
		case '*':
		case '_':
			while (i + k < n && s[i + k] == c)
				k++;
			delims(m, v, s, n, i, k);
			j = i + k;
			break;
		case '[':
			j = links ? link(m, v, s, n, i) : 0;
			break;
		case '<':
			j = links ? autolink(m, v, s, n, i) : 0;
			break;
		default: /* '\n' */
			newline(m, v, s, i);
			j = i + 1;
		}
		if (!j) {
			tok_add(m, v, TK_TEXT, s + i, 1);
			j = i + 1;
		}
		i = j;
	}
}

/* match_emphasis: pairs closers with the nearest opener of the same
 * character, two at a time while both have two.  One stack per character;
 * a pair drops the other character's openers inside it, so pairs always
 * nest and the walk stays linear. */
static void match_emphasis(struct md *m, struct toks *v)
{
	if (m->rc || !v->n)
		return;
	size_t *stk = malloc(2 * v->n * sizeof *stk);
	if (!stk) {
		m->rc = ERR_NOMEM;
		return;
	}
	size_t *st[2] = {stk, stk + v->n};
	size_t top[2] = {0, 0};
	for (size_t i = 0; i < v->n; i++) {
		struct tok *t = &v->t[i];
		if (t->kind != TK_DELIM)
			continue;
		int w = t->ch == '*' ? 0 : 1;
		while (t->can_close && t->rem && top[w]) {
			size_t oi = st[w][top[w] - 1];
			struct tok *o = &v->t[oi];
			unsigned k = o->rem >= 2 && t->rem >= 2 ? 2 : 1;
			if (k == 2) {
				o->open |= (unsigned char)(1u << o->nopen);
				t->close |= (unsigned char)(1u << t->nclose);
			}
			o->nopen++;
			t->nclose++;
			o->rem = (unsigned char)(o->rem - k);
			t->rem = (unsigned char)(t->rem - k);
			while (top[!w] && st[!w][top[!w] - 1] > oi)
				top[!w]--;
			if (!o->rem)
				top[w]--;
		}
		if (t->can_open && t->rem)
			st[w][top[w]++] = i;
	}
	free(stk);
}

static void inline_render(struct md *m, const char *s, size_t n, int depth);

static void emit(struct md *m, const struct tok *t, int depth)
{
	switch (t->kind) {
	case TK_TEXT:
		esc(m, t->s, t->n, false);
		break;
	case TK_RAW:
		put(m, t->s, t->n);
		break;
	case TK_CODE:
		put_s(m, "<code>");
		esc(m, t->s, t->n, true);
		put_s(m, "</code>");
		break;
	case TK_LINK:
	case TK_AUTO:
		put_s(m, "<a href=\"");
		esc(m, t->u, t->un, false);
		put_s(m, "\" rel=\"nofollow noopener noreferrer\">");
		if (t->kind == TK_AUTO)
			esc(m, t->u, t->un, false);
		else
			inline_render(m, t->s, t->n, depth + 1);
		put_s(m, "</a>");
		break;
	default:
		for (unsigned k = 0; k < t->nclose; k++)
			put_s(m, t->close & (1u << k) ? "</strong>" : "</em>");
		for (unsigned k = 0; k < t->rem; k++)
			put(m, &t->ch, 1);
		for (unsigned k = t->nopen; k-- > 0;)
			put_s(m, t->open & (1u << k) ? "<strong>" : "<em>");
	}
}

/* inline_render: the text of one block; depth 1 is a link's text, where
 * no link may start. */
static void inline_render(struct md *m, const char *s, size_t n, int depth)
{
	struct toks v = {NULL, 0, 0};
	tokenize(m, s, n, depth == 0, &v);
	match_emphasis(m, &v);
	for (size_t i = 0; i < v.n && !m->rc; i++)
		emit(m, &v.t[i], depth);
	free(v.t);
}

/* ---- blocks ---------------------------------------------------------- */

/* lead: the columns of leading blanks (a tab goes to the next multiple of
 * 4); *pos gets the byte where the rest begins. */
static size_t lead(const struct line *l, size_t *pos)
{
	size_t cols = 0, i = 0;
	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t')) {
		cols = l->s[i] == '\t' ? (cols + 4) & ~(size_t)3 : cols + 1;
		i++;
	}
	if (pos)
		*pos = i;
	return cols;
}

static bool blank(const struct line *l)
{
	size_t p;
	lead(l, &p);
	return p == l->n;
}

/* skip_cols: l without up to cols columns of leading blanks. */
static struct line skip_cols(const struct line *l, size_t cols)
{
	size_t c = 0, i = 0;
	while (i < l->n && c < cols && (l->s[i] == ' ' || l->s[i] == '\t')) {
		c = l->s[i] == '\t' ? (c + 4) & ~(size_t)3 : c + 1;
		i++;
	}
	struct line r = {l->s + i, l->n - i};
	return r;
}

struct fence {
	char ch;
	size_t len, indent;
};

static bool fence_open(const struct line *l, struct fence *f)
{
	size_t p, k = 0;
	size_t ind = lead(l, &p);
	if (ind > 3 || p >= l->n || (l->s[p] != '`' && l->s[p] != '~'))
		return false;
	while (p + k < l->n && l->s[p + k] == l->s[p])
		k++;
	if (k < 3 || (l->s[p] == '`' && memchr(l->s + p + k, '`', l->n - p - k)))
		return false;
	f->ch = l->s[p];
	f->len = k;
	f->indent = ind;
	return true;
}

static bool fence_close(const struct line *l, const struct fence *f)
{
	size_t p, k = 0;
	if (lead(l, &p) > 3)
		return false;
	while (p + k < l->n && l->s[p + k] == f->ch)
		k++;
	if (k < f->len)
		return false;
	for (size_t i = p + k; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

/* heading: the level of an ATX heading (0 if l is none) and its text. */
static int heading(const struct line *l, struct line *text)
{
	size_t p, k = 0;
	if (lead(l, &p) > 3)
		return 0;
	while (p + k < l->n && l->s[p + k] == '#')
		k++;
	size_t q = p + k;
	if (k < 1 || k > 6 || (q < l->n && l->s[q] != ' ' && l->s[q] != '\t'))
		return 0;
	while (q < l->n && (l->s[q] == ' ' || l->s[q] == '\t'))
		q++;
	size_t e = l->n;
	while (e > q && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t'))
		e--;
	size_t h = e;
	while (h > q && l->s[h - 1] == '#')
		h--;
	if (h == q)
		e = q;
	else if (h < e && (l->s[h - 1] == ' ' || l->s[h - 1] == '\t'))
		for (e = h; e > q && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t');)
			e--;
	text->s = l->s + q;
	text->n = e - q;
	return (int)k;
}

static bool rule(const struct line *l)
{
	size_t p, k = 0;
	if (lead(l, &p) > 3 || p >= l->n)
		return false;
	char ch = l->s[p];
	if (ch != '-' && ch != '*' && ch != '_')
		return false;
	for (size_t i = p; i < l->n; i++) {
		if (l->s[i] == ch)
			k++;
		else if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	}
	return k >= 3;
}

/* quote: true when l starts a block quote; rest is l without its '>'. */
static bool quote(const struct line *l, struct line *rest)
{
	size_t p;
	if (lead(l, &p) > 3 || p >= l->n || l->s[p] != '>')
		return false;
	p++;
	if (p < l->n && (l->s[p] == ' ' || l->s[p] == '\t'))
		p++;
	rest->s = l->s + p;
	rest->n = l->n - p;
	return true;
}

struct marker {
	bool ordered, empty;
	char ch;                /* '-', '*', '+', or '.' / ')' after a number */
	long start;
	size_t indent;          /* columns before the marker */
	size_t content;         /* column where the item's text begins */
	size_t pos;             /* byte where it begins */
};

static bool marker(const struct line *l, struct marker *mk)
{
	size_t p;
	size_t ind = lead(l, &p);
	if (p >= l->n)
		return false;
	size_t q = p;
	char c = l->s[p];
	mk->start = 0;
	if (c == '-' || c == '*' || c == '+') {
		mk->ordered = false;
		mk->ch = c;
		q = p + 1;
	} else if (c >= '0' && c <= '9') {
		long v = 0;
		for (int d = 0; q < l->n && l->s[q] >= '0' && l->s[q] <= '9' && d < 9; q++, d++)
			v = v * 10 + (l->s[q] - '0');
		if (q >= l->n || (l->s[q] != '.' && l->s[q] != ')'))
			return false;
		mk->ordered = true;
		mk->ch = l->s[q++];
		mk->start = v;
	} else {
		return false;
	}
	if (q < l->n && l->s[q] != ' ' && l->s[q] != '\t')
		return false;
	size_t r = q;
	while (r < l->n && (l->s[r] == ' ' || l->s[r] == '\t'))
		r++;
	size_t after = ind + (q - p);
	mk->indent = ind;
	mk->empty = r >= l->n;
	if (mk->empty || r - q > 4) {
		mk->content = after + 1;
		mk->pos = q < l->n ? q + 1 : q;
	} else {
		mk->content = after + (r - q);
		mk->pos = r;
	}
	return true;
}

/* interrupts: l ends a paragraph (or a list item's lazy text). */
static bool interrupts(const struct line *l)
{
	struct fence f;
	struct line t;
	struct marker mk;
	if (lead(l, NULL) > 3)
		return false;
	return fence_open(l, &f) || heading(l, &t) || rule(l) || quote(l, &t) ||
	       (marker(l, &mk) && !mk.empty && (!mk.ordered || mk.start == 1));
}

static void text_add(struct md *m, struct buf *t, const char *s, size_t n)
{
	if (!m->rc && n)
		m->rc = buf_append(t, s, n);
}

/* flush: renders the collected text of a paragraph or item, trimmed. */
static void flush(struct md *m, struct buf *t)
{
	size_t n = t->len;
	while (n && (t->data[n - 1] == ' ' || t->data[n - 1] == '\t' || t->data[n - 1] == '\n'))
		n--;
	if (n)
		inline_render(m, t->data, n, 0);
	buf_reset(t);
}

static size_t paragraph(struct md *m, const struct line *lines, size_t i, size_t n, struct buf *t)
{
	size_t j = i;
	for (; j < n && !blank(&lines[j]) && (j == i || !interrupts(&lines[j])); j++) {
		size_t p;
		lead(&lines[j], &p);
		if (j > i)
			text_add(m, t, "\n", 1);
		text_add(m, t, lines[j].s + p, lines[j].n - p);
	}
	put_s(m, "<p>");
	flush(m, t);
	put_s(m, "</p>\n");
	return j;
}

struct level {
	bool ordered;
	char ch;
	size_t indent, content;
};

static void open_list(struct md *m, const struct marker *mk, struct level *lv)
{
	lv->ordered = mk->ordered;
	lv->ch = mk->ch;
	lv->indent = mk->indent;
	lv->content = mk->content;
	if (!mk->ordered) {
		put_s(m, "<ul>\n<li>");
	} else if (mk->start == 1) {
		put_s(m, "<ol>\n<li>");
	} else {
		char num[40];
		int k = snprintf(num, sizeof num, "<ol start=\"%ld\">\n<li>", mk->start);
		put(m, num, (size_t)k);
	}
}

static void close_list(struct md *m, const struct level *lv)
{
	put_s(m, lv->ordered ? "</li>\n</ol>\n" : "</li>\n</ul>\n");
}

/* list: the list starting at lines[i] (a marker line); items hold text
 * only, nested lists go LIM_MD_DEPTH deep.  Returns the next line. */
static size_t list(struct md *m, const struct line *lines, size_t i, size_t n, struct buf *t)
{
	struct level st[LIM_MD_DEPTH];
	int depth = 1;
	struct marker mk;
	marker(&lines[i], &mk);
	open_list(m, &mk, &st[0]);
	text_add(m, t, lines[i].s + mk.pos, lines[i].n - mk.pos);
	bool gap = false;
	for (i++; i < n && !m->rc; i++) {
		const struct line *l = &lines[i];
		if (blank(l)) {
			gap = true;
			continue;
		}
		struct level *top = &st[depth - 1];
		size_t ind = lead(l, NULL);
		if (rule(l) && ind < top->content)
			break;
		if (marker(l, &mk) && (ind < top->content || depth < LIM_MD_DEPTH)) {
			flush(m, t);
			if (mk.indent >= top->content) {
				put_s(m, "\n");
				open_list(m, &mk, &st[depth++]);
			} else {
				while (depth > 1 && mk.indent < st[depth - 1].indent)
					close_list(m, &st[--depth]);
				top = &st[depth - 1];
				if (mk.ordered != top->ordered || mk.ch != top->ch) {
					close_list(m, top);
					open_list(m, &mk, top);
				} else {
					put_s(m, "</li>\n<li>");
					top->content = mk.content;
				}
			}
			text_add(m, t, l->s + mk.pos, l->n - mk.pos);
			gap = false;
			continue;
		}
		if (ind < top->content && (gap || interrupts(l)))
			break;
		size_t p;
		lead(l, &p);
		text_add(m, t, "\n", 1);
		text_add(m, t, l->s + p, l->n - p);
		gap = false;
	}
	flush(m, t);
	while (depth > 0)
		close_list(m, &st[--depth]);
	return i;
}

static size_t code_block(struct md *m, const struct line *lines, size_t i, size_t n)
{
	size_t j = i, last = i;
	for (; j < n && (blank(&lines[j]) || lead(&lines[j], NULL) >= 4); j++)
		if (!blank(&lines[j]))
			last = j;
	put_s(m, "<pre><code>");
	for (j = i; j <= last; j++) {
		struct line r = skip_cols(&lines[j], 4);
		esc(m, r.s, r.n, false);
		put_s(m, "\n");
	}
	put_s(m, "</code></pre>\n");
	return last + 1;
}

static size_t fenced(struct md *m, const struct line *lines, size_t i, size_t n, const struct fence *f)
{
	put_s(m, "<pre><code>");
	for (i++; i < n && !fence_close(&lines[i], f); i++) {
		struct line r = skip_cols(&lines[i], f->indent);
		esc(m, r.s, r.n, false);
		put_s(m, "\n");
	}
	put_s(m, "</code></pre>\n");
	return i < n ? i + 1 : i;
}

static void render_blocks(struct md *m, const struct line *lines, size_t n, int depth);

static size_t block_quote(struct md *m, const struct line *lines, size_t i, size_t n, int depth)
{
	size_t j = i;
	struct line r;
	while (j < n && quote(&lines[j], &r))
		j++;
	struct line *sub = malloc((j - i) * sizeof *sub);
	if (!sub) {
		m->rc = ERR_NOMEM;
		return n;
	}
	for (size_t k = i; k < j; k++)
		quote(&lines[k], &sub[k - i]);
	put_s(m, "<blockquote>\n");
	render_blocks(m, sub, j - i, depth + 1);
	put_s(m, "</blockquote>\n");
	free(sub);
	return j;
}

static void render_blocks(struct md *m, const struct line *lines, size_t n, int depth)
{
	struct buf t;
	buf_init(&t, SIZE_MAX / 2);
	size_t i = 0;
	while (i < n && !m->rc) {
		const struct line *l = &lines[i];
		struct fence f;
		struct line h, r;
		struct marker mk;
		int level;
		if (blank(l)) {
			i++;
		} else if (lead(l, NULL) >= 4) {
			i = code_block(m, lines, i, n);
		} else if (fence_open(l, &f)) {
			i = fenced(m, lines, i, n, &f);
		} else if ((level = heading(l, &h)) > 0) {
			static const char *const open[] = {"<h1>", "<h2>", "<h3>", "<h4>", "<h5>", "<h6>"};
			static const char *const close[] = {"</h1>\n", "</h2>\n", "</h3>\n",
							    "</h4>\n", "</h5>\n", "</h6>\n"};
			put_s(m, open[level - 1]);
			inline_render(m, h.s, h.n, 0);
			put_s(m, close[level - 1]);
			i++;
		} else if (rule(l)) {
			put_s(m, "<hr>\n");
			i++;
		} else if (depth < LIM_MD_DEPTH && quote(l, &r)) {
			i = block_quote(m, lines, i, n, depth);
		} else if (marker(l, &mk)) {
			i = list(m, lines, i, n, &t);
		} else {
			i = paragraph(m, lines, i, n, &t);
		}
	}
	buf_clear(&t);
}

static kt_err split_lines(const char *s, size_t n, struct line **out, size_t *count)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r')
			cap++;
	struct line *l = calloc(cap, sizeof *l);
	if (!l)
		return ERR_NOMEM;
	size_t k = 0, start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		l[k].s = s + start;
		l[k++].n = i - start;
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	if (start < n) {
		l[k].s = s + start;
		l[k++].n = n - start;
	}
	*out = l;
	*count = k;
	return ERR_OK;
}

kt_err markdown_render(const char *src, size_t len, struct buf *out)
{
	struct md m = {out, ERR_OK};
	struct line *lines = NULL;
	size_t n = 0;
	kt_err rc = split_lines(src, len, &lines, &n);
	if (rc)
		return rc;
	render_blocks(&m, lines, n, 0);
	free(lines);
	return m.rc;
}

size_t markdown_html_cap(size_t len)
{
	return 32 * len + 4096;
}
