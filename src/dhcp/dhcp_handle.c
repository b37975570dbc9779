/* summary: what the server does with each client message (RFC 2131 §4.3, §3.1-3.2, §4.4).
 *
 * DISCOVER → OFFER (reservation, then the client's previous address, then its requested one, then
 * the pool); REQUEST in SELECTING (server identifier present), INIT-REBOOT (requested address,
 * no ciaddr) and RENEWING/REBINDING (ciaddr) → ACK or NAK; DECLINE marks the address bad for
 * decline_hold seconds; RELEASE frees it (kept for the same client); INFORM → ACK without lease.
 * Choices where RFC 2131 leaves room, written down in docs/protocols/dhcp.md:
 *  - the server is authoritative for its subnets: a client asking for an address of another
 *    network, held by another client or reserved for another device gets a NAK;
 *  - a client asking for a free pool address we have no record of (INIT-REBOOT or RENEWING after
 *    a lost database, or an OFFER that timed out) gets it, as Kea does, instead of silence;
 *  - known-clients-only subnets ignore DISCOVERs of unknown MACs and NAK their REQUESTs.
 */
#include "dhcp/dhcp_priv.h"

#include <string.h>

#include "core/err.h"

static void
drop(struct dhcp_reply *r, const char *why)
{
	r->action = DHCP_DROP;
	r->why = why;
}

static void
persist(struct dhcp_reply *r, const struct dhcp_lease *l, const struct dhcp_msg *m)
{
	struct dhcp_persist *p = &r->persist[r->n_persist++];
	struct dt_slice host = dhcp_get_text(m, DHCP_OPT_HOST_NAME);

	memset(p, 0, sizeof *p);
	p->lease.ip = l->ip;
	memcpy(p->lease.mac, l->mac, 6);
	p->lease.state = l->state;
	p->lease.expires = l->expires;
	/* the host name is for `dhcp leases` only: printable ASCII, cut to fit */
	for (size_t i = 0; i < host.len && i < sizeof p->lease.hostname - 1; i++)
		p->lease.hostname[i] = host.p[i] > 0x20 && host.p[i] < 0x7f ? host.p[i] : '_';
}

static int
in_subnet(const struct dhcp_subnet *sn, uint32_t ip)
{
	return (ip & sn->mask) == sn->cfg.network;
}

/* RFC 2131 §4.3.1: the subnet is the relay's (giaddr), else the one the client's own address is
 * on (unicast renewals, INFORM), else the one of the interface the message came in on. */
static struct dhcp_subnet *
select_subnet(const struct dhcp_server *s, const struct dhcp_msg *m, const char **why)
{
	struct dhcp_subnet *sn;

	if (m->giaddr) {
		if (!(sn = dhcp_subnet_of(s, m->giaddr)))
			*why = "giaddr is on no configured subnet";
		return sn;
	}
	if (m->ciaddr && (sn = dhcp_subnet_of(s, m->ciaddr)))
		return sn;
	if (s->cfg.local_addr && (sn = dhcp_subnet_of(s, s->cfg.local_addr)))
		return sn;
	*why = s->cfg.local_addr ? "no subnet configured for the local interface"
				 : "direct (non-relayed) client but no local interface is served";
	return NULL;
}

static void
discover(struct dhcp_server *s, struct dhcp_subnet *sn, const struct dhcp_msg *m, int64_t now,
	 struct dhcp_reply *r)
{
	const uint8_t *mac = m->chaddr;
	uint64_t resv = 0;
	int known = dhcp_map_get(&s->dev_by_mac, dhcp_mac_key(mac), &resv) == 0;
	struct dhcp_lease *l;
	uint32_t ip = 0, req;

	if (sn->cfg.known_only && !known)
		return drop(r, "unknown client on a known-clients-only subnet");
	/* 1: the device's reservation, unless someone still holds it */
	if (resv && in_subnet(sn, (uint32_t)resv)) {
		l = dhcp_lease_by_ip(s, (uint32_t)resv);
		if (!l || memcmp(l->mac, mac, 6) == 0 || !dhcp_lease_active(l, now))
			ip = (uint32_t)resv;
	}
	/* 2: the address this client had */
	l = dhcp_lease_by_mac(s, mac);
	if (!ip && l && in_subnet(sn, l->ip) && l->state != STORE_DHCP_DECLINED &&
	    !dhcp_reserved_for_other(s, l->ip, mac) && (dhcp_in_pool(sn, l->ip) || l->ip == resv))
		ip = l->ip;
	/* 3: the address it asks for, when free */
	if (!ip && dhcp_get_u32(m, DHCP_OPT_REQUESTED_IP, &req) == 0 && dhcp_in_pool(sn, req) &&
	    !dhcp_server_own(s, req) && !dhcp_reserved_for_other(s, req, mac)) {
		l = dhcp_lease_by_ip(s, req);
		if (!l || !dhcp_lease_active(l, now))
			ip = req;
	}
	/* 4: the pool */
	if (!ip && dhcp_pool_pick(s, sn, now, mac, &ip) != 0) {
		r->exhausted = 1;
		return drop(r, "pool exhausted: no free address for this client");
	}
	l = dhcp_lease_by_ip(s, ip);
	if (l && memcmp(l->mac, mac, 6) != 0) {
		dhcp_lease_free(s, l); /* expired or released record of another client */
		l = NULL;
	}
	if (!l && !(l = dhcp_lease_new(s, ip, mac)))
		return drop(r, "out of memory for a new lease");
	if (dhcp_lease_claim(s, l) != DT_OK)
		return drop(r, "out of memory for a new lease");
	if (!dhcp_lease_active(l, now) || l->state != STORE_DHCP_BOUND) {
		dhcp_lease_set_state(s, l, DHCP_LEASE_OFFERED);
		l->expires = (uint32_t)(now + s->cfg.offer_hold);
	}
	dhcp_reply_build(s, sn, m, DHCP_OFFER, ip, sn->cfg.lease_time, r);
}

static void
nak(struct dhcp_server *s, const struct dhcp_msg *m, const char *why, struct dhcp_reply *r)
{
	dhcp_reply_nak(s, m, why, r);
}

static void
request(struct dhcp_server *s, struct dhcp_subnet *sn, const struct dhcp_msg *m, int64_t now,
	struct dhcp_reply *r)
{
	const uint8_t *mac = m->chaddr;
	uint64_t resv = 0;
	int known = dhcp_map_get(&s->dev_by_mac, dhcp_mac_key(mac), &resv) == 0;
	uint32_t sid, req, ip;
	int selecting = dhcp_get_u32(m, DHCP_OPT_SERVER_ID, &sid) == 0;
	int has_req = dhcp_get_u32(m, DHCP_OPT_REQUESTED_IP, &req) == 0;
	struct dhcp_lease *l;

	if (selecting) {
		if (sid != r->server_id && dhcp_server_own(s, sid))
			/* A relay with several of our addresses as helpers forwards each message
			 * to all of them: the copy sent to the chosen address answers. */
			return drop(r, "client selected another address of this server");
		if (sid != r->server_id) {
			/* §4.3.2: the client chose another server; our offer is void. */
			l = dhcp_lease_by_mac(s, mac);
			if (l && l->state == DHCP_LEASE_OFFERED)
				dhcp_lease_free(s, l);
			return drop(r, "client selected another server");
		}
		if (!has_req)
			return drop(r, "REQUEST (SELECTING) without a requested address");
		ip = req;
	} else if (m->ciaddr) {
		ip = m->ciaddr; /* RENEWING or REBINDING */
	} else if (has_req) {
		ip = req; /* INIT-REBOOT */
	} else {
		return drop(r, "REQUEST with neither ciaddr nor a requested address");
	}
	if (!in_subnet(sn, ip))
		return nak(s, m, "requested address is not on the client's network", r);
	if (sn->cfg.known_only && !known)
		return nak(s, m, "unknown client on a known-clients-only subnet", r);
	if (dhcp_reserved_for_other(s, ip, mac))
		return nak(s, m, "address reserved for another device", r);
	if (resv && resv != ip && in_subnet(sn, (uint32_t)resv)) {
		struct dhcp_lease *h = dhcp_lease_by_ip(s, (uint32_t)resv);
		if (!h || memcmp(h->mac, mac, 6) == 0 || !dhcp_lease_active(h, now))
			return nak(s, m, "client has a reservation for another address", r);
	}
	l = dhcp_lease_by_ip(s, ip);
	if (l && (memcmp(l->mac, mac, 6) != 0 || l->state == STORE_DHCP_DECLINED)) {
		if (dhcp_lease_active(l, now))
			return nak(s, m, "address in use by another client", r);
		dhcp_lease_free(s, l);
		l = NULL;
	}
	if (!l) {
		if (!dhcp_in_pool(sn, ip) && ip != resv)
			return nak(s, m, "address outside the pool and not reserved for the client",
				   r);
		if (dhcp_server_own(s, ip))
			return nak(s, m, "address is the server's own", r);
		if (!(l = dhcp_lease_new(s, ip, mac)))
			return drop(r, "out of memory for a new lease");
	}
	if (dhcp_lease_claim(s, l) != DT_OK)
		return drop(r, "out of memory for a new lease");
	dhcp_lease_set_state(s, l, STORE_DHCP_BOUND);
	l->expires = (uint32_t)(now + sn->cfg.lease_time);
	persist(r, l, m);
	dhcp_reply_build(s, sn, m, DHCP_ACK, ip, sn->cfg.lease_time, r);
}

static void
decline(struct dhcp_server *s, const struct dhcp_msg *m, int64_t now, struct dhcp_reply *r)
{
	uint32_t sid, req;
	struct dhcp_lease *l;

	if (dhcp_get_u32(m, DHCP_OPT_SERVER_ID, &sid) == 0 && !dhcp_server_own(s, sid))
		return drop(r, "DECLINE for another server");
	if (dhcp_get_u32(m, DHCP_OPT_REQUESTED_IP, &req) != 0)
		return drop(r, "DECLINE without the declined address (option 50)");
	l = dhcp_lease_by_ip(s, req);
	if (!l || memcmp(l->mac, m->chaddr, 6) != 0)
		return drop(r, "DECLINE for an address the client does not hold");
	/* Someone else answers ARP for it: keep it out of every pool for decline_hold. */
	dhcp_lease_drop_mac(s, l);
	memset(l->mac, 0, 6);
	dhcp_lease_set_state(s, l, STORE_DHCP_DECLINED);
	l->expires = (uint32_t)(now + s->cfg.decline_hold);
	persist(r, l, m);
	drop(r, "address declined by the client: kept out of use");
}

static void
release(struct dhcp_server *s, const struct dhcp_msg *m, int64_t now, struct dhcp_reply *r)
{
	uint32_t sid;
	struct dhcp_lease *l;

	if (dhcp_get_u32(m, DHCP_OPT_SERVER_ID, &sid) == 0 && !dhcp_server_own(s, sid))
		return drop(r, "RELEASE for another server");
	l = dhcp_lease_by_ip(s, m->ciaddr);
	if (!l || memcmp(l->mac, m->chaddr, 6) != 0 ||
	    (l->state != STORE_DHCP_BOUND && l->state != DHCP_LEASE_OFFERED))
		return drop(r, "RELEASE for an address the client does not hold");
	dhcp_lease_set_state(s, l, STORE_DHCP_RELEASED);
	l->expires = (uint32_t)now;
	persist(r, l, m);
	drop(r, "address released");
}

void
dhcp_server_handle(struct dhcp_server *s, const struct dhcp_msg *m, uint32_t local, int64_t now,
		   struct dhcp_reply *r)
{
	struct dhcp_subnet *sn;
	const char *why = NULL;

	r->server_id = local ? local : s->cfg.server_id;
	r->action = DHCP_DROP;
	r->why = NULL;
	r->n_persist = 0;
	r->exhausted = 0;
	r->subnet = -1;
	if (m->op != DHCP_OP_REQUEST)
		return drop(r, "not a BOOTREQUEST");
	if (m->htype != DHCP_HTYPE_ETHER || m->hlen != 6)
		return drop(r, "hardware type is not Ethernet (htype 1, hlen 6)");
	if (m->msg_type == DHCP_NONE)
		return drop(r, "BOOTP request without a DHCP message type (BOOTP is not served)");
	if (!(sn = select_subnet(s, m, &why)))
		return drop(r, why);
	r->subnet = (int)(sn - s->subnets);
	switch (m->msg_type) {
	case DHCP_DISCOVER:
		return discover(s, sn, m, now, r);
	case DHCP_REQUEST:
		return request(s, sn, m, now, r);
	case DHCP_DECLINE:
		return decline(s, m, now, r);
	case DHCP_RELEASE:
		return release(s, m, now, r);
	case DHCP_INFORM:
		return dhcp_reply_build(s, sn, m, DHCP_ACK, 0, 0, r);
	default:
		return drop(r, "server message type sent by a client");
	}
}
