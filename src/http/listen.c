/* listen.c: see listen.h. */
#include "http/listen.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static bool port_parse(const char *s, unsigned short *port)
{
	if (!*s || strlen(s) > 5)
		return false;
	char *end;
	long p = strtol(s, &end, 10);
	if (*end || p < 1 || p > 65535)
		return false;
	*port = (unsigned short)p;
	return true;
}

bool http_listen_parse(const char *s, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof *out);
	if (!s || strlen(s) > 80)
		return false;
	char host[81];
	const char *port;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return false;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		port = close + 2;
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
		a->sin6_family = AF_INET6;
		return inet_pton(AF_INET6, host, &a->sin6_addr) == 1 && port_parse(port, &a->sin6_port) &&
		       ((a->sin6_port = htons(a->sin6_port)), true);
	}
	const char *colon = strrchr(s, ':');
	struct sockaddr_in *a = (struct sockaddr_in *)out;
	a->sin_family = AF_INET;
	if (!colon) {
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		port = s;
	} else {
		size_t n = (size_t)(colon - s);
		memcpy(host, s, n);
		host[n] = '\0';
		port = colon + 1;
		if (n == 0)
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (strcmp(host, "localhost") == 0)
			a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return false;
	}
	unsigned short p;
	if (!port_parse(port, &p))
		return false;
	a->sin_port = htons(p);
	return true;
}
