/* summary: growable byte buffers (counted under DT_MEM_PROV) and the content hash behind
 * versionStamp and ETag. */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"

void
pbuf_put(struct pbuf *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = dt_realloc(DT_MEM_PROV, b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
pbuf_puts(struct pbuf *b, const char *s)
{
	pbuf_put(b, s, strlen(s));
}

void
pbuf_reset(struct pbuf *b)
{
	b->len = 0;
	b->oom = 0;
}

void
pbuf_free(struct pbuf *b)
{
	if (b->p)
		dt_free(DT_MEM_PROV, b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

static uint64_t
mix64(uint64_t z)
{
	/* splitmix64 finaliser: every input bit reaches every output bit. */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
prov_hash128(const void *p, size_t n, uint64_t out[2])
{
	/* Why not SHA-1/MD5: hashing every file of a 100,000-device build must cost far less than
	 * generating it; this runs at several GB/s and only has to detect change. */
	const uint8_t *s = p;
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0xc2b2ae3d27d4eb4fULL + n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		a = (a ^ w) * 0x100000001b3ULL;
		a ^= a >> 29;
		b = (b + w) * 0xff51afd7ed558ccdULL;
		b ^= b >> 32;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	a = mix64(a ^ w);
	b = mix64(b + w + a);
	out[0] = a;
	out[1] = b;
}

void
prov_hash_uuid(const uint64_t h[2], char out[37])
{
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(h[0] >> 32),
		 (unsigned)(h[0] >> 16) & 0xffff, (unsigned)h[0] & 0xffff,
		 (unsigned)(h[1] >> 48) & 0xffff, (unsigned long long)(h[1] & 0xffffffffffffULL));
}
