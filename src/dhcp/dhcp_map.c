/* summary: the dhcp module's hash map: 64-bit key → 64-bit value, open addressing.
 *
 * Linear probing with backward-shift deletion (no tombstones, so a long-running server with lease
 * churn never degrades). The table doubles at 50 % load: 100,000 leases in two maps take
 * 2 × 262,144 × 16 bytes = 8 MiB, inside the 32 MiB target with room to spare. Keys are
 * multiplied by a 64-bit odd constant (Fibonacci hashing) because MACs of one vendor share their
 * top 24 bits and pool addresses are consecutive.
 */
#include "dhcp/dhcp_priv.h"

#include "core/err.h"
#include "core/mem.h"

static uint32_t
slot_of(const struct dhcp_map *m, uint64_t k)
{
	return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & (m->cap - 1);
}

static int
grow(struct dhcp_map *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 64;
	struct dhcp_map_slot *old = m->slots, *slots;
	uint32_t oldcap = m->cap, i;

	slots = dt_calloc(DT_MEM_DHCP, cap, sizeof *slots);
	if (!slots)
		return DT_ENOMEM;
	m->slots = slots;
	m->cap = cap;
	for (i = 0; i < oldcap; i++) {
		uint32_t j;
		if (!old[i].key)
			continue;
		for (j = slot_of(m, old[i].key); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
	}
	if (old)
		dt_free(DT_MEM_DHCP, old);
	return DT_OK;
}

int
dhcp_map_put(struct dhcp_map *m, uint64_t key, uint64_t val)
{
	uint64_t k = key + 1;
	uint32_t i;

	if ((m->n + 1) * 2 > m->cap && grow(m) != DT_OK)
		return DT_ENOMEM;
	for (i = slot_of(m, k); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].key == k) {
			m->slots[i].val = val;
			return DT_OK;
		}
	m->slots[i].key = k;
	m->slots[i].val = val;
	m->n++;
	return DT_OK;
}

int
dhcp_map_get(const struct dhcp_map *m, uint64_t key, uint64_t *val)
{
	uint64_t k = key + 1;
	uint32_t i;

	if (!m->cap)
		return -1;
	for (i = slot_of(m, k); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].key == k) {
			*val = m->slots[i].val;
			return 0;
		}
	return -1;
}

void
dhcp_map_del(struct dhcp_map *m, uint64_t key)
{
	uint64_t k = key + 1;
	uint32_t i, j, home, mask = m->cap - 1;

	if (!m->cap)
		return;
	for (i = slot_of(m, k); m->slots[i].key != k; i = (i + 1) & mask)
		if (!m->slots[i].key)
			return;
	/* Backward shift: move later members of the probe run into the hole when their home slot
	 * does not lie cyclically in (hole, current]. */
	for (j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		home = slot_of(m, m->slots[j].key);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = 0;
	m->slots[i].val = 0;
	m->n--;
}

void
dhcp_map_clear(struct dhcp_map *m)
{
	uint32_t i;

	for (i = 0; i < m->cap; i++)
		m->slots[i].key = 0;
	m->n = 0;
}

void
dhcp_map_free(struct dhcp_map *m)
{
	if (m->slots)
		dt_free(DT_MEM_DHCP, m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

size_t
dhcp_map_bytes(const struct dhcp_map *m)
{
	return (size_t)m->cap * sizeof *m->slots;
}
