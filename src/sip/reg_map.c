/* summary: a chained hash map (FNV-1a) over items that carry their own key and next pointer, so a
 * table costs one pointer per bucket and nothing per item (Kamailio usrloc idea, no locks). */
#include "sip/reg_priv.h"

#include <string.h>

#include "core/err.h"
#include "core/mem.h"

#define NEXT(m, it) (*(void **)((char *)(it) + (m)->off_next))
#define KEY(m, it)  ((const char *)(it) + (m)->off_key)

/* FNV-1a, then a 64-bit finalizer (splitmix64): FNV's low bits depend only on the low bits of
 * each byte, so keys that differ in their last hex digits ("SEP0000AA00001F") piled into a few
 * buckets of a power-of-two table; the finalizer mixes the high bits down. */
static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 1099511628211ull;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

void
reg_map_init(struct reg_map *m, size_t off_next, size_t off_key)
{
	memset(m, 0, sizeof *m);
	m->off_next = off_next;
	m->off_key = off_key;
}

void *
reg_map_find(const struct reg_map *m, const char *key)
{
	void *it;
	if (!m->nb)
		return NULL;
	for (it = m->buckets[fnv1a(key) & (m->nb - 1)]; it; it = NEXT(m, it)) {
		if (strcmp(KEY(m, it), key) == 0)
			return it;
	}
	return NULL;
}

/* Double the bucket array when the load passes 1 (power of two: the mask is the modulo). */
static int
grow(struct reg_map *m)
{
	size_t nb = m->nb ? m->nb * 2 : 64;
	void **b = dt_calloc(DT_MEM_SIP, nb, sizeof *b);
	if (!b)
		return DT_ENOMEM;
	for (size_t i = 0; i < m->nb; i++) {
		void *it = m->buckets[i], *next;
		for (; it; it = next) {
			size_t k = fnv1a(KEY(m, it)) & (nb - 1);
			next = NEXT(m, it);
			NEXT(m, it) = b[k];
			b[k] = it;
		}
	}
	if (m->buckets)
		dt_free(DT_MEM_SIP, m->buckets);
	m->buckets = b;
	m->nb = nb;
	return DT_OK;
}

int
reg_map_insert(struct reg_map *m, void *item)
{
	size_t k;
	if (m->n >= m->nb && grow(m) != DT_OK)
		return DT_ENOMEM;
	k = fnv1a(KEY(m, item)) & (m->nb - 1);
	NEXT(m, item) = m->buckets[k];
	m->buckets[k] = item;
	m->n++;
	return DT_OK;
}

void
reg_map_remove(struct reg_map *m, void *item)
{
	void **pp;
	if (!m->nb)
		return;
	for (pp = &m->buckets[fnv1a(KEY(m, item)) & (m->nb - 1)]; *pp; pp = &NEXT(m, *pp)) {
		if (*pp == item) {
			*pp = NEXT(m, item);
			m->n--;
			return;
		}
	}
}

void
reg_map_each(const struct reg_map *m, void (*fn)(void *item, void *arg), void *arg)
{
	for (size_t i = 0; i < m->nb; i++) {
		void *it = m->buckets[i], *next;
		for (; it; it = next) {
			next = NEXT(m, it);
			fn(it, arg);
		}
	}
}

void
reg_map_clear(struct reg_map *m)
{
	for (size_t i = 0; i < m->nb; i++) {
		void *it = m->buckets[i], *next;
		for (; it; it = next) {
			next = NEXT(m, it);
			dt_free(DT_MEM_SIP, it);
		}
	}
	if (m->buckets)
		dt_free(DT_MEM_SIP, m->buckets);
	m->buckets = NULL;
	m->nb = 0;
	m->n = 0;
}
