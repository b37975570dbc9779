/* summary: non-owning byte/string slices pointing into a receive buffer (Kamailio str, h2o iovec).
 */
#ifndef DT_CORE_SLICE_H
#define DT_CORE_SLICE_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

struct dt_slice {
	const char *p; /* not NUL-terminated; owned by whoever owns the buffer */
	size_t len;
};

#define DT_SLICE_LIT(s) ((struct dt_slice){(s), sizeof(s) - 1})

static inline struct dt_slice
slice_make(const char *p, size_t len)
{
	struct dt_slice s = {p, len};
	return s;
}

static inline int
slice_eq(struct dt_slice a, const char *lit)
{
	size_t n = strlen(lit);
	return a.len == n && memcmp(a.p, lit, n) == 0;
}

static inline int
slice_caseeq(struct dt_slice a, const char *lit)
{
	size_t n = strlen(lit);
	return a.len == n && strncasecmp(a.p, lit, n) == 0;
}

/* Copy into a NUL-terminated buffer of size cap; returns 0, or -1 when it would not fit. */
static inline int
slice_copy(struct dt_slice s, char *dst, size_t cap)
{
	if (cap == 0 || s.len >= cap)
		return -1;
	memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

#endif
