/* fuzz_frrvty.c - the vty reply framing: the bytes a daemon sends, in
 * pieces of any size, are output up to the first piece that ends with the
 * trailer (three NULs and the return code) */
#include <stdbool.h>

#include "frrvty.h"
#include "fuzz.h"
#include "util.h"

static bool
ends_with_trailer(const uint8_t *reply, size_t len)
{
	return len >= 4 && reply[len - 4] == 0 && reply[len - 3] == 0 && reply[len - 2] == 0;
}

/* The input: a byte n (1..64 from its low bits) then n bytes of the reply,
 * again and again; the pieces are fed one by one as recv() returns them. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ uint8_t *reply = xmalloc(size + 1);
	size_t len = 0, fed = 0, at = 0;
	int code = -1, r = 0;

	while (at < size && r == 0) {
		size_t n = (data[at++] & 63) + 1;

		if (n > size - at)
			n = size - at;
		memcpy(reply + fed, data + at, n);
		r = frrvty_reply_add(&buf, &len, (const char *)data + at, n, &code);
		at += n;
		fed += n;
		fuzz_assert(r == 0 || r == 1); /* far below FRRVTY_OUTPUT_MAX */
		fuzz_assert(r == ends_with_trailer(reply, fed));
		fuzz_assert(len == (r ? fed - 4 : fed));
		fuzz_assert(buf != NULL && buf[len] == '\0');
		fuzz_assert(memcmp(buf, reply, len) == 0);
	}
	if (r == 1)
		fuzz_assert(code == reply[fed - 1]);
	else
		fuzz_assert(code == -1);
	return 0;
}
