/* unescape.h: percent-decoding of a URL's path and query arguments, the
 * server's own (libmicrohttpd calls it through MHD_OPTION_UNESCAPE_CALLBACK
 * after turning a query's '+' into spaces).  Not in here: splitting the
 * query into arguments, which libmicrohttpd does. */
#ifndef KT_UNESCAPE_H
#define KT_UNESCAPE_H

#include <stddef.h>

/* http_unescape: decodes s in place like libmicrohttpd's MHD_http_unescape
 * (%XX with two hex digits; anything else kept as it is), except that %00
 * becomes the byte 0xFF, which is not UTF-8 and fails every later check,
 * instead of a NUL that would silently cut the path or value short.
 * Returns the new length; s stays NUL-terminated and holds no other NUL. */
size_t http_unescape(char *s);
/* http_hexval: the value of hex digit c, or -1. */
int http_hexval(char c);

#endif
