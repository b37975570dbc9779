/* summary: the UDP transaction cache of the SIP service (RFC 3261 §17.2.2: a retransmitted
 * request gets the same final response, without re-processing). Key: top Via, Call-ID, CSeq and
 * source address.
 *
 * Entries live in a FIFO ring: the oldest answer is evicted first, so every answer survives
 * exactly SIP_TXC_SLOTS later requests (a direct-mapped table lost a quarter of them to collisions
 * within one retransmission interval at 20,000/s). They are found through an open-addressing
 * index (linear probing, twice as many cells as entries) that holds each entry's hash: a lookup
 * reads one or two adjacent 16-byte cells instead of walking a chain of ring entries spread over
 * megabytes. Why: the chained index cost 9 % of the server's CPU in the boot-storm benchmark
 * (cache misses on the chain, twice per request: find, then unlink at eviction); see
 * docs/benchmarks.md.
 */
#include "svc/svc_sip_priv.h"

#include <string.h>

#include "core/err.h"
#include "core/mem.h"

#define INDEX_CELLS (2 * SIP_TXC_SLOTS) /* load ≤ 1/2: an absent key ends after ~2.5 cells */
#define INDEX_MASK  (INDEX_CELLS - 1)

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

uint64_t
sip_txc_key(const struct sip_msg *m, const struct reg_src *src)
{
	uint64_t h = 14695981039346656037ull;
	const struct sip_hdr *via = sip_msg_hdr(m, SIP_H_VIA, 0);
	const struct sip_hdr *cid = sip_msg_hdr(m, SIP_H_CALL_ID, 0);
	const struct sip_hdr *cseq = sip_msg_hdr(m, SIP_H_CSEQ, 0);
	if (via)
		h = fnv(h, via->value.p, via->value.len);
	if (cid)
		h = fnv(h, cid->value.p, cid->value.len);
	if (cseq)
		h = fnv(h, cseq->value.p, cseq->value.len);
	h = fnv(h, src->ip, strlen(src->ip));
	h = fnv(h, &src->port, sizeof src->port);
	/* splitmix64 finalizer: the index takes the low bits, which FNV alone leaves weak */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h | 1; /* 0 marks an empty cell */
}

int
sip_txc_init(struct sip_svc *s)
{
	s->txc = dt_calloc(DT_MEM_SIP, SIP_TXC_SLOTS, sizeof *s->txc);
	s->txc_index = dt_calloc(DT_MEM_SIP, INDEX_CELLS, sizeof *s->txc_index);
	return s->txc && s->txc_index ? DT_OK : DT_ENOMEM;
}

void
sip_txc_free(struct sip_svc *s)
{
	if (s->txc) {
		for (int i = 0; i < SIP_TXC_SLOTS; i++)
			if (s->txc[i].resp)
				dt_free(DT_MEM_SIP, s->txc[i].resp);
		dt_free(DT_MEM_SIP, s->txc);
	}
	if (s->txc_index)
		dt_free(DT_MEM_SIP, s->txc_index);
	s->txc = NULL;
	s->txc_index = NULL;
}

/* The index cell holding KEY, or the empty cell where it would go. */
static uint32_t
cell_of(const struct sip_svc *s, uint64_t key)
{
	uint32_t c = (uint32_t)(key & INDEX_MASK);
	while (s->txc_index[c].hash && s->txc_index[c].hash != key)
		c = (c + 1) & INDEX_MASK;
	return c;
}

/* Empty cell C and move later cells of its run back so every key stays reachable from its home
 * cell (backward-shift deletion: no tombstones, so probes never lengthen with age). */
static void
cell_clear(struct sip_svc *s, uint32_t c)
{
	for (;;) {
		uint32_t n = c, home;
		s->txc_index[c].hash = 0;
		for (;;) {
			n = (n + 1) & INDEX_MASK;
			if (!s->txc_index[n].hash)
				return;
			home = (uint32_t)(s->txc_index[n].hash & INDEX_MASK);
			/* the entry at n may fill c unless its home lies cyclically in (c, n] */
			if (c <= n ? (home <= c || home > n) : (home <= c && home > n))
				break;
		}
		s->txc_index[c] = s->txc_index[n];
		c = n;
	}
}

const struct sip_txc_slot *
sip_txc_find(const struct sip_svc *s, uint64_t key, time_t now)
{
	uint32_t c = cell_of(s, key);
	const struct sip_txc_slot *t;
	if (!s->txc_index[c].hash)
		return NULL;
	t = &s->txc[s->txc_index[c].slot];
	return now - t->at <= SIP_TXC_TTL ? t : NULL;
}

void
sip_txc_put(struct sip_svc *s, uint64_t key, time_t now, const char *resp, size_t len)
{
	uint32_t i = s->txc_head, c;
	struct sip_txc_slot *t = &s->txc[i];
	if (t->hash) /* evict the oldest answer */
		cell_clear(s, cell_of(s, t->hash));
	t->hash = 0;
	if (len > t->cap) {
		char *n = dt_realloc(DT_MEM_SIP, t->resp, len);
		if (!n)
			return;
		t->resp = n;
		t->cap = (uint32_t)len;
	}
	c = cell_of(s, key);
	if (s->txc_index[c].hash) /* the same request answered again after its TTL */
		s->txc[s->txc_index[c].slot].hash = 0;
	memcpy(t->resp, resp, len);
	t->len = (uint32_t)len;
	t->hash = key;
	t->at = now;
	s->txc_index[c].hash = key;
	s->txc_index[c].slot = i;
	s->txc_head = (i + 1) % SIP_TXC_SLOTS;
}
