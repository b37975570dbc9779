/* summary: DHCP server state: subnets and pools, the lease table, reservations (RFC 2131 §4.3).
 *
 * Leases live in one array of 16-byte records reached through two hash maps (by address, by MAC).
 * A pool keeps one bit per address meaning "a lease record exists"; a new client takes the next
 * clear bit after a rotating cursor (so addresses are not reused while unused ones remain, which
 * keeps a just-expired client's address for it), and only when none is left are expired or
 * released records of other clients reclaimed. A failed scan marks the pool full for a second, so
 * a flood of DISCOVERs from random MACs costs one scan per second, not one per packet.
 * Clients are identified by chaddr (Ethernet MAC), the key of the device table as well; option 61
 * is not used as the key because phones send it equal to their MAC and reservations are per MAC.
 * The message handlers are in dhcp_handle.c; replies are built in dhcp_reply.c.
 */
#include "dhcp/dhcp_priv.h"

#include <string.h>

#include "core/err.h"
#include "core/mem.h"

uint64_t
dhcp_mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;
	for (int i = 0; i < 6; i++)
		k = (k << 8) | mac[i];
	return k;
}

int
dhcp_server_new(const struct dhcp_server_cfg *cfg, struct dhcp_server **out)
{
	struct dhcp_server *s = dt_calloc(DT_MEM_DHCP, 1, sizeof *s);

	*out = NULL;
	if (!s)
		return DT_ENOMEM;
	s->cfg = *cfg;
	if (!s->cfg.offer_hold)
		s->cfg.offer_hold = 30;
	if (!s->cfg.decline_hold)
		s->cfg.decline_hold = 3600;
	if (!s->cfg.default_lease_time)
		s->cfg.default_lease_time = 86400;
	*out = s;
	return DT_OK;
}

static void
free_subnets(struct dhcp_server *s)
{
	for (int i = 0; i < s->n_subnets; i++)
		if (s->subnets[i].used)
			dt_free(DT_MEM_DHCP, s->subnets[i].used);
	if (s->subnets)
		dt_free(DT_MEM_DHCP, s->subnets);
	s->subnets = NULL;
	s->n_subnets = 0;
}

void
dhcp_server_free(struct dhcp_server *s)
{
	if (!s)
		return;
	free_subnets(s);
	if (s->leases)
		dt_free(DT_MEM_DHCP, s->leases);
	dhcp_map_free(&s->by_ip);
	dhcp_map_free(&s->by_mac);
	dhcp_map_free(&s->dev_by_mac);
	dhcp_map_free(&s->dev_by_ip);
	dt_free(DT_MEM_DHCP, s);
}

struct dhcp_subnet *
dhcp_subnet_of(const struct dhcp_server *s, uint32_t ip)
{
	for (int i = 0; i < s->n_subnets; i++)
		if ((ip & s->subnets[i].mask) == s->subnets[i].cfg.network)
			return &s->subnets[i];
	return NULL;
}

int
dhcp_in_pool(const struct dhcp_subnet *sn, uint32_t ip)
{
	return ip >= sn->cfg.pool_first && ip <= sn->cfg.pool_last;
}

static void
mark(struct dhcp_subnet *sn, uint32_t ip, int on)
{
	uint32_t off;

	if (!sn || !dhcp_in_pool(sn, ip))
		return;
	off = ip - sn->cfg.pool_first;
	if (on)
		sn->used[off / 64] |= 1ull << (off % 64);
	else
		sn->used[off / 64] &= ~(1ull << (off % 64));
}

static int
counted(int state)
{
	return state == DHCP_LEASE_OFFERED || state == STORE_DHCP_BOUND ||
	       state == STORE_DHCP_DECLINED;
}

void
dhcp_lease_set_state(struct dhcp_server *s, struct dhcp_lease *l, int state)
{
	struct dhcp_subnet *sn = dhcp_subnet_of(s, l->ip);
	int was = counted(l->state), now = counted(state);

	l->state = (uint8_t)state;
	if (!sn || !dhcp_in_pool(sn, l->ip) || was == now)
		return;
	if (now)
		sn->in_use++;
	else {
		sn->in_use--;
		sn->full_since = 0; /* an address came back: the next DISCOVER may scan again */
	}
}

struct dhcp_lease *
dhcp_lease_by_ip(const struct dhcp_server *s, uint32_t ip)
{
	uint64_t v;
	return dhcp_map_get(&s->by_ip, ip, &v) == 0 ? &s->leases[v] : NULL;
}

struct dhcp_lease *
dhcp_lease_by_mac(const struct dhcp_server *s, const uint8_t mac[6])
{
	uint64_t v;
	return dhcp_map_get(&s->by_mac, dhcp_mac_key(mac), &v) == 0 ? &s->leases[v] : NULL;
}

/* A new record for ip owned by mac (state 0: the caller sets it). NULL on ENOMEM. */
struct dhcp_lease *
dhcp_lease_new(struct dhcp_server *s, uint32_t ip, const uint8_t mac[6])
{
	uint32_t idx;
	struct dhcp_lease *l;

	if (s->free_head) {
		idx = s->free_head - 1;
		s->free_head = s->leases[idx].ip;
	} else {
		if (s->n_leases == s->cap_leases) {
			uint32_t cap = s->cap_leases ? s->cap_leases * 2 : 256;
			struct dhcp_lease *n =
			    dt_realloc(DT_MEM_DHCP, s->leases, (size_t)cap * sizeof *n);
			if (!n)
				return NULL;
			s->leases = n;
			s->cap_leases = cap;
		}
		idx = s->n_leases++;
	}
	if (dhcp_map_put(&s->by_ip, ip, idx) != DT_OK ||
	    dhcp_map_put(&s->by_mac, dhcp_mac_key(mac), idx) != DT_OK) {
		dhcp_map_del(&s->by_ip, ip);
		s->leases[idx].ip = s->free_head;
		s->leases[idx].state = 0;
		s->free_head = idx + 1;
		return NULL;
	}
	l = &s->leases[idx];
	memset(l, 0, sizeof *l);
	l->ip = ip;
	memcpy(l->mac, mac, 6);
	s->live++;
	mark(dhcp_subnet_of(s, ip), ip, 1);
	return l;
}

/* Point the MAC index at l (after the client moved to this record). */
int
dhcp_lease_claim(struct dhcp_server *s, struct dhcp_lease *l)
{
	return dhcp_map_put(&s->by_mac, dhcp_mac_key(l->mac), (uint64_t)(l - s->leases));
}

void
dhcp_lease_drop_mac(struct dhcp_server *s, struct dhcp_lease *l)
{
	uint64_t v;
	uint64_t k = dhcp_mac_key(l->mac);

	if (dhcp_map_get(&s->by_mac, k, &v) == 0 && v == (uint64_t)(l - s->leases))
		dhcp_map_del(&s->by_mac, k);
}

void
dhcp_lease_free(struct dhcp_server *s, struct dhcp_lease *l)
{
	uint32_t idx = (uint32_t)(l - s->leases);

	dhcp_lease_set_state(s, l, 0);
	dhcp_lease_drop_mac(s, l);
	dhcp_map_del(&s->by_ip, l->ip);
	mark(dhcp_subnet_of(s, l->ip), l->ip, 0);
	l->ip = s->free_head;
	s->free_head = idx + 1;
	s->live--;
}

int
dhcp_lease_active(const struct dhcp_lease *l, int64_t now)
{
	return counted(l->state) && (int64_t)l->expires > now;
}

/* 1 when ip is reserved for a device other than mac. */
int
dhcp_reserved_for_other(const struct dhcp_server *s, uint32_t ip, const uint8_t mac[6])
{
	uint64_t owner;
	return dhcp_map_get(&s->dev_by_ip, ip, &owner) == 0 && owner != dhcp_mac_key(mac);
}

int
dhcp_server_own(const struct dhcp_server *s, uint32_t ip)
{
	if (ip == s->cfg.server_id || ip == s->cfg.local_addr)
		return 1;
	for (int i = 0; i < s->cfg.n_addrs; i++)
		if (ip == s->cfg.addrs[i])
			return 1;
	return 0;
}

static int
usable(const struct dhcp_server *s, uint32_t ip, const uint8_t mac[6])
{
	return !dhcp_server_own(s, ip) && !dhcp_reserved_for_other(s, ip, mac);
}

int
dhcp_pool_pick(struct dhcp_server *s, struct dhcp_subnet *sn, int64_t now, const uint8_t mac[6],
	       uint32_t *ip)
{
	uint32_t k, off;

	if (sn->full_since && now - sn->full_since < 1)
		return -1;
	/* Pass 1: addresses never used (or freed), from the cursor on, 64 at a time when full. */
	for (k = 0; k < sn->size; k++) {
		off = (sn->cursor + k) % sn->size;
		if (off % 64 == 0 && sn->used[off / 64] == ~0ull && sn->size - off >= 64) {
			k += 63;
			continue;
		}
		if (sn->used[off / 64] & (1ull << (off % 64)))
			continue;
		if (!usable(s, sn->cfg.pool_first + off, mac))
			continue;
		sn->cursor = (off + 1) % sn->size;
		*ip = sn->cfg.pool_first + off;
		return 0;
	}
	/* Pass 2: take back an address whose lease expired or was released. */
	for (k = 0; k < sn->size; k++) {
		struct dhcp_lease *l;
		off = (sn->cursor + k) % sn->size;
		l = dhcp_lease_by_ip(s, sn->cfg.pool_first + off);
		if (!l || dhcp_lease_active(l, now) || !usable(s, l->ip, mac))
			continue;
		*ip = l->ip;
		dhcp_lease_free(s, l);
		sn->cursor = (off + 1) % sn->size;
		return 0;
	}
	sn->full_since = now;
	sn->exhausted++;
	return -1;
}

int
dhcp_server_set_subnets(struct dhcp_server *s, const struct store_dhcp_subnet *subs, int n)
{
	struct dhcp_subnet *arr = NULL;

	if (n > 0 && !(arr = dt_calloc(DT_MEM_DHCP, (size_t)n, sizeof *arr)))
		return DT_ENOMEM;
	for (int i = 0; i < n; i++) {
		arr[i].cfg = subs[i];
		if (!arr[i].cfg.lease_time)
			arr[i].cfg.lease_time = (uint32_t)s->cfg.default_lease_time;
		arr[i].mask = subs[i].prefix ? 0xffffffffu << (32 - subs[i].prefix) : 0;
		arr[i].size = subs[i].pool_last - subs[i].pool_first + 1;
		arr[i].used = dt_calloc(DT_MEM_DHCP, (arr[i].size + 63) / 64, sizeof(uint64_t));
		if (!arr[i].used) {
			for (int j = 0; j <= i; j++)
				if (arr[j].used)
					dt_free(DT_MEM_DHCP, arr[j].used);
			dt_free(DT_MEM_DHCP, arr);
			return DT_ENOMEM;
		}
	}
	free_subnets(s);
	s->subnets = arr;
	s->n_subnets = n;
	/* Rebuild the pool bits and counters from the lease table. */
	for (uint32_t i = 0; i < s->n_leases; i++) {
		struct dhcp_lease *l = &s->leases[i];
		struct dhcp_subnet *sn;
		if (!l->state || !(sn = dhcp_subnet_of(s, l->ip)) || !dhcp_in_pool(sn, l->ip))
			continue;
		mark(sn, l->ip, 1);
		if (counted(l->state))
			sn->in_use++;
	}
	return DT_OK;
}

/* 1 when l's address is still served: in a subnet's pool, or the reservation of its holder. */
static int
still_covered(const struct dhcp_server *s, const struct dhcp_lease *l)
{
	const struct dhcp_subnet *sn = dhcp_subnet_of(s, l->ip);
	uint64_t owner;

	if (!sn)
		return 0;
	if (dhcp_in_pool(sn, l->ip))
		return 1;
	return l->state != STORE_DHCP_DECLINED && dhcp_map_get(&s->dev_by_ip, l->ip, &owner) == 0 &&
	       owner == dhcp_mac_key(l->mac);
}

int
dhcp_server_prune(struct dhcp_server *s, void (*gone)(uint32_t ip, void *arg), void *arg)
{
	int dropped = 0;

	for (uint32_t i = 0; i < s->n_leases; i++) {
		struct dhcp_lease *l = &s->leases[i];
		if (!l->state || still_covered(s, l))
			continue;
		if (gone)
			gone(l->ip, arg);
		dhcp_lease_free(s, l);
		dropped++;
	}
	return dropped;
}

void
dhcp_server_set_tftp_nodes(struct dhcp_server *s, const uint32_t *ips, int n)
{
	s->n_tftp_nodes = n < STORE_DHCP_MAX_IPS ? n : STORE_DHCP_MAX_IPS;
	memcpy(s->tftp_nodes, ips, (size_t)s->n_tftp_nodes * sizeof *ips);
}

int
dhcp_server_device_set(struct dhcp_server *s, const uint8_t mac[6], uint32_t ip)
{
	uint64_t k = dhcp_mac_key(mac);

	dhcp_server_device_forget(s, mac);
	if (dhcp_map_put(&s->dev_by_mac, k, ip) != DT_OK)
		return DT_ENOMEM;
	if (ip && dhcp_map_put(&s->dev_by_ip, ip, k) != DT_OK) {
		dhcp_map_del(&s->dev_by_mac, k);
		return DT_ENOMEM;
	}
	return DT_OK;
}

void
dhcp_server_device_forget(struct dhcp_server *s, const uint8_t mac[6])
{
	uint64_t k = dhcp_mac_key(mac), ip, owner;

	if (dhcp_map_get(&s->dev_by_mac, k, &ip) != 0)
		return;
	if (ip && dhcp_map_get(&s->dev_by_ip, ip, &owner) == 0 && owner == k)
		dhcp_map_del(&s->dev_by_ip, ip);
	dhcp_map_del(&s->dev_by_mac, k);
}

void
dhcp_server_devices_clear(struct dhcp_server *s)
{
	dhcp_map_clear(&s->dev_by_mac);
	dhcp_map_clear(&s->dev_by_ip);
}

int
dhcp_server_lease_load(struct dhcp_server *s, const struct store_dhcp_lease *l)
{
	struct dhcp_lease *x;

	if (dhcp_lease_by_ip(s, l->ip))
		return DT_EEXIST;
	if (!(x = dhcp_lease_new(s, l->ip, l->mac)))
		return DT_ENOMEM;
	x->expires = l->expires < 0 ? 0 : (uint32_t)l->expires;
	dhcp_lease_set_state(s, x, l->state);
	if (l->state == STORE_DHCP_DECLINED)
		dhcp_lease_drop_mac(s, x);
	return DT_OK;
}

int
dhcp_server_expire(struct dhcp_server *s, int64_t now, void (*gone)(uint32_t ip, void *arg),
		   void *arg)
{
	int changed = 0;

	for (uint32_t i = 0; i < s->n_leases; i++) {
		struct dhcp_lease *l = &s->leases[i];
		if (!l->state || !counted(l->state) || (int64_t)l->expires > now)
			continue;
		changed++;
		if (l->state == STORE_DHCP_BOUND) {
			/* Kept for the same client (sticky address) until the pool needs it. */
			dhcp_lease_set_state(s, l, STORE_DHCP_EXPIRED);
			continue;
		}
		if (l->state == STORE_DHCP_DECLINED && gone)
			gone(l->ip, arg);
		dhcp_lease_free(s, l);
	}
	return changed;
}

int
dhcp_server_n_subnets(const struct dhcp_server *s)
{
	return s->n_subnets;
}

void
dhcp_server_pool_stats(const struct dhcp_server *s, int i, struct dhcp_pool_stats *st)
{
	const struct dhcp_subnet *sn = &s->subnets[i];

	st->network = sn->cfg.network;
	st->prefix = sn->cfg.prefix;
	st->size = sn->size;
	st->in_use = sn->in_use;
	st->exhausted = sn->exhausted;
}

size_t
dhcp_server_n_leases(const struct dhcp_server *s)
{
	return s->live;
}
