/* fuzz_tz.c: libFuzzer harness for the TZif parser of src/core/tz.c (zone
 * files are outside input: a damaged or hostile tzdata must not hurt us).
 * Parses the raw input; when it loads, queries it at fixed instants and at
 * instants taken from the input, and checks the invariants: offsets in
 * range, local_to_utc the earliest inverse, day starts not after the day.
 * Not here: the file reading of tz_load_dir, names. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/isotime.h"
#include "core/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

#define DAY   86400
#define T_MAX INT64_C(10000000000000) /* well inside tz.c's clamp */

static int64_t fdiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return a % b < 0 ? q - 1 : q;
}

static void probe(const struct tz *tz, int64_t t)
{
	int32_t off = tz_offset(tz, t), day;
	int64_t local, r, start, back;
	char out[32];

	CHECK(off >= -89999 && off <= 93599);
	memset(out, 'x', sizeof(out));
	tz_format_local(tz, t, out);
	CHECK(strlen(out) == 25 && out[4] == '-' && out[10] == 'T' && out[22] == ':');
	CHECK(out[19] == '+' || out[19] == '-');
	/* the string denotes t exactly, within the years isotime_parse takes */
	if (t > -30610224000 + 2 * DAY && t < 253402300799 - 2 * DAY &&
	    isotime_parse(out, 25, &back))
		CHECK(back == t);
	(void)tz_local_to_utc(tz, t);
	(void)tz_day_start(tz, (int32_t)t);
	if (t < -T_MAX || t > T_MAX)
		return;
	/* t shows local; the earliest instant that does is at or before it */
	local = t + off;
	r = tz_local_to_utc(tz, local);
	CHECK(r <= t && r + tz_offset(tz, r) == local);
	day = tz_local_day(tz, t);
	CHECK(day == fdiv(local, DAY));
	start = tz_day_start(tz, day);
	CHECK(start <= t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t fixed[] = {
		INT64_MIN,  -T_MAX - 1, -2840140800, INT32_MIN,	 -1,	     0,
		1,	    1774745999, 1774746000,  1792889999, 1792890000, INT32_MAX,
		2216250000, 2234998800, 4102444800,  T_MAX,	 INT64_MAX,
	};
	struct tz *tz = (struct tz *)&size;

	if (tz_parse("Fuzz/Zone", data, size, &tz) != ERR_OK) {
		CHECK(tz == NULL);
		return 0;
	}
	CHECK(strcmp(tz_name(tz), "Fuzz/Zone") == 0);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		probe(tz, fixed[i]);
	/* instants from the input: raw, and folded into a few centuries */
	for (size_t i = 0; i + 8 <= size && i < 256; i += 8) {
		uint64_t u;
		int64_t t;

		memcpy(&u, data + i, 8);
		t = (int64_t)(u >> 1) * ((u & 1) ? -1 : 1);
		probe(tz, t);
		probe(tz, (int64_t)(u % (UINT64_C(1) << 34)) - (INT64_C(1) << 33));
	}
	tz_free(tz);
	return 0;
}
