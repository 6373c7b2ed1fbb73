/* markdown.h: a small, safe Markdown to HTML renderer for announcements and
 * knowledge-base articles: ATX headings, paragraphs, emphasis, bullet and
 * numbered lists, block quotes, rules, code spans and blocks, and links to
 * http, https and mailto only.  Every byte of text is HTML-escaped; raw
 * HTML never passes through, and other link schemes stay plain text.
 * Deliberately not here: tables, images, setext headings, HTML blocks. */
#ifndef KT_MARKDOWN_H
#define KT_MARKDOWN_H

#include <stddef.h>

#include "core/err.h"

struct buf;

/* markdown_render: appends the HTML of src[0..len) to out.  Any bytes are
 * accepted: invalid UTF-8, NUL and control characters become U+FFFD, so
 * the output is valid UTF-8 whose tags always nest and close.  Runs in
 * time linear in len.  ERR_TOO_LARGE when out's maximum is reached (out
 * then holds a cut result to discard); markdown_html_cap(len) as out's
 * maximum never is.  ERR_NOMEM when memory runs out. */
kt_err markdown_render(const char *src, size_t len, struct buf *out);

/* markdown_html_cap: a buffer maximum that the HTML of any len bytes of
 * Markdown fits in. */
size_t markdown_html_cap(size_t len);

#endif
