/* listen.h: parsing of a listen address ("127.0.0.1:8080", "[::1]:8080",
 * ":8080", "8080").  No sockets are opened here. */
#ifndef KT_LISTEN_H
#define KT_LISTEN_H

#include <stdbool.h>
#include <sys/socket.h>

/* http_listen_parse: true and *out filled when s is a valid address. */
bool http_listen_parse(const char *s, struct sockaddr_storage *out);

#endif
