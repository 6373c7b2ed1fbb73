/* mime.h: header fields of an e-mail message that carry outside text (RFC
 * 5322, RFC 2047): a display name and the Subject as UTF-8 encoded-words
 * unless plain, an address only as <addr> once checked, lines folded at 76
 * characters.  No byte of the text can end the field: control characters
 * (CR, LF, tab...) become spaces, and a name can hold no address or comma.
 * Not here: bodies, parsing messages, other charsets than UTF-8. */
#ifndef KT_MIME_H
#define KT_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* mime_addr: the plain address addr (an ident_email_normalize address:
 * one '@', no space, quote, comma, angle bracket or control character),
 * normalised into out (cap >= 255 suffices); false when it is not one. */
bool mime_addr(const char *addr, char *out, size_t cap);

/* mime_header_text: appends "name: text\r\n", text (UTF-8; invalid bytes
 * become U+FFFD) as it is when it is printable ASCII holding no "=?" and
 * fits the line, else as encoded-words "=?UTF-8?B?...?=" of at most 75
 * characters, split on character boundaries, on folded lines. */
kt_err mime_header_text(struct buf *b, const char *name, const char *text);

/* mime_header_mailbox: appends "name: display <addr>\r\n" (just "<addr>"
 * when display is NULL or empty); display is written as an atom phrase
 * when it holds only letters, digits, spaces and RFC 5322 atext other than
 * '=' and '?', else as encoded-words, so "Mallory <m@evil.example>," stays
 * one name.  ERR_INVALID (nothing appended) when addr is not mime_addr's. */
kt_err mime_header_mailbox(struct buf *b, const char *name, const char *display, const char *addr);

#endif
