/* fuzz_multipart.c: libFuzzer harness for the multipart/form-data parser
 * (src/http/multipart.c).  The input's first line is the Content-Type, the
 * rest the body; on success the file must lie inside the body and its name
 * be NUL-terminated within its buffer.
 *   clang -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_multipart.c \
 *     src/http/multipart.c -o /tmp/fmp && /tmp/fmp fuzz/corpus/multipart */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ctn = nl ? (size_t)(nl - data) : size;
	char *ct = malloc(ctn + 1);
	/* The body gets its own allocation, so reads past it are caught. */
	size_t bn = nl ? size - ctn - 1 : 0;
	char *body = malloc(bn ? bn : 1);
	if (!ct || !body)
		abort();
	memcpy(ct, data, ctn);
	ct[ctn] = '\0';
	if (bn)
		memcpy(body, nl + 1, bn);
	struct http_file f;
	const char *why = NULL;
	kt_err rc = http_multipart_file(ct, body, bn, &f, &why);
	CHECK(rc == ERR_OK || rc == ERR_MEDIA_TYPE || rc == ERR_INVALID);
	if (rc == ERR_INVALID)
		CHECK(why != NULL);
	if (rc == ERR_OK) {
		CHECK(f.data >= body && f.len <= bn && (size_t)(f.data - body) <= bn - f.len);
		CHECK(memchr(f.name, '\0', sizeof f.name) != NULL);
	}
	free(ct);
	free(body);
	return 0;
}
