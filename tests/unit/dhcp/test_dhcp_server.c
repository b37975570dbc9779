/* summary: tests for src/dhcp: DORA, NAK rules, reservations, known-only, DECLINE, RELEASE,
 * INFORM, option 150/66/82 and the parameter request list, RFC 2131 §4.1 addressing, pool
 * exhaustion and a DISCOVER flood, expiry, restored leases, memory for 100,000 leases, subnet
 * changes applied live (prune), the server identifier per receiving address. */
#include "dt_test.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "dhcp/dhcp_priv.h"

#define NET    0x0a140000u /* 10.20.0.0/24, relay 10.20.0.1 */
#define RELAY  0x0a140001u
#define SERVER 0x7f003201u
#define T0     1700000000

static struct dhcp_server *srv;
static struct dhcp_msg msg;
static struct dhcp_reply rep;
static uint8_t wire[1500];

static struct store_dhcp_subnet
subnet(uint32_t first, uint32_t last)
{
	struct store_dhcp_subnet sn;
	memset(&sn, 0, sizeof sn);
	sn.network = NET;
	sn.prefix = 24;
	sn.pool_first = first;
	sn.pool_last = last;
	sn.router = RELAY;
	sn.dns[0] = 0x08080808;
	sn.n_dns = 1;
	strcpy(sn.domain, "voice.example");
	sn.lease_time = 3600;
	return sn;
}

static int
setup(void **state)
{
	struct dhcp_server_cfg cfg = {SERVER, 0, 30, 600, 86400, {0}, 0};
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 19);
	uint32_t nodes[2] = {0x0a000005, 0x0a000006};

	assert_int_equal(dhcp_server_new(&cfg, &srv), DT_OK);
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	dhcp_server_set_tftp_nodes(srv, nodes, 2);
	return 0;
}

static int
teardown(void **state)
{
	dhcp_server_free(srv);
	return 0;
}

struct req {
	int type;
	uint8_t mac_last;
	uint32_t giaddr, ciaddr, requested, server_id;
	uint16_t flags;
	const char *vendor;
	const uint8_t *prl;
	size_t prl_len;
	int relay_info;
};

/* Build a client message with the real encoder and decode it, as the service would. */
static const struct dhcp_msg *
client(const struct req *q)
{
	static const uint8_t cisco_prl[] = {1, 66, 6, 3, 15, 150, 35};
	static const uint8_t ri[] = {1, 4, 'G', 'i', '0', '1', 2, 2, 0xab, 0xcd};
	struct dhcp_out o;
	size_t n;
	const char *why;

	memset(&o, 0, sizeof o);
	o.op = DHCP_OP_REQUEST;
	o.htype = 1;
	o.hlen = 6;
	o.xid = 0x1000 + q->mac_last;
	o.flags = q->flags;
	o.giaddr = q->giaddr;
	o.ciaddr = q->ciaddr;
	o.chaddr[0] = 0x00;
	o.chaddr[1] = 0x1e;
	o.chaddr[2] = 0x4a;
	o.chaddr[5] = q->mac_last;
	dhcp_out_u8(&o, DHCP_OPT_MSG_TYPE, (uint8_t)q->type);
	if (q->requested)
		dhcp_out_u32(&o, DHCP_OPT_REQUESTED_IP, q->requested);
	if (q->server_id)
		dhcp_out_u32(&o, DHCP_OPT_SERVER_ID, q->server_id);
	if (q->prl)
		dhcp_out_opt(&o, DHCP_OPT_PARAM_LIST, q->prl, q->prl_len);
	else
		dhcp_out_opt(&o, DHCP_OPT_PARAM_LIST, cisco_prl, sizeof cisco_prl);
	if (q->vendor)
		dhcp_out_opt(&o, DHCP_OPT_VENDOR_CLASS, q->vendor, strlen(q->vendor));
	if (q->relay_info)
		dhcp_out_opt(&o, DHCP_OPT_RELAY_AGENT, ri, sizeof ri);
	assert_int_equal(dhcp_encode(&o, wire, sizeof wire, sizeof wire, &n), DT_OK);
	assert_int_equal(dhcp_decode(wire, n, &msg, &why), DT_OK);
	return &msg;
}

/* Encode the server's reply and decode it back, so tests look at the bytes a client gets. */
static struct dhcp_msg reply_msg;
static const struct dhcp_msg *
reply(void)
{
	size_t n;
	const char *why;
	assert_int_equal(rep.action, DHCP_SEND);
	assert_int_equal(dhcp_encode(&rep.out, wire, sizeof wire, rep.max_len, &n), DT_OK);
	assert_int_equal(dhcp_decode(wire, n, &reply_msg, &why), DT_OK);
	return &reply_msg;
}

static void
handle(const struct req *q, int64_t now)
{
	memset(&rep, 0, sizeof rep);
	dhcp_server_handle(srv, client(q), 0, now, &rep);
}

/* DISCOVER then REQUEST through the relay; returns the address. */
static uint32_t
dora(uint8_t mac_last, int64_t now)
{
	struct req d = {.type = DHCP_DISCOVER,
			.mac_last = mac_last,
			.giaddr = RELAY,
			.vendor = "Cisco Systems, Inc. IP Phone CP-8841"};
	struct req r = d;
	uint32_t ip;

	handle(&d, now);
	assert_int_equal(reply()->msg_type, DHCP_OFFER);
	ip = reply_msg.yiaddr;
	r.type = DHCP_REQUEST;
	r.requested = ip;
	r.server_id = SERVER;
	handle(&r, now);
	assert_int_equal(reply()->msg_type, DHCP_ACK);
	assert_int_equal(reply_msg.yiaddr, ip);
	return ip;
}

static void
test_dora_relayed(void **state)
{
	uint32_t ips[4], v;
	const struct dhcp_msg *m;

	assert_int_equal(dora(1, T0), NET + 10);
	m = &reply_msg;
	/* ACK goes to the relay on port 67 and is persisted as bound */
	assert_true(rep.to_relay);
	assert_int_equal(rep.dst_ip, RELAY);
	assert_int_equal(rep.dst_port, 67);
	assert_int_equal(rep.n_persist, 1);
	assert_int_equal(rep.persist[0].lease.state, STORE_DHCP_BOUND);
	assert_int_equal(rep.persist[0].lease.expires, T0 + 3600);
	assert_int_equal(m->giaddr, RELAY);
	assert_int_equal(dhcp_get_u32(m, DHCP_OPT_LEASE_TIME, &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(dhcp_get_u32(m, DHCP_OPT_T1, &v), 0);
	assert_int_equal(v, 1800);
	assert_int_equal(dhcp_get_u32(m, DHCP_OPT_T2, &v), 0);
	assert_int_equal(v, 3150);
	assert_int_equal(dhcp_get_u32(m, DHCP_OPT_SUBNET_MASK, &v), 0);
	assert_int_equal(v, 0xffffff00);
	assert_int_equal(dhcp_get_u32(m, DHCP_OPT_SERVER_ID, &v), 0);
	assert_int_equal(v, SERVER);
	/* option 150 = the cluster's file nodes, in order; siaddr the first */
	assert_int_equal(dhcp_get_ips(m, DHCP_OPT_TFTP_SERVERS, ips, 4), 2);
	assert_int_equal(ips[0], 0x0a000005);
	assert_int_equal(ips[1], 0x0a000006);
	assert_int_equal(m->siaddr, 0x0a000005);
	assert_true(slice_eq(dhcp_get_text(m, DHCP_OPT_DOMAIN_NAME), "voice.example"));
	/* second client gets the next address; the first keeps its own on a new DISCOVER */
	assert_int_equal(dora(2, T0), NET + 11);
	assert_int_equal(dora(1, T0 + 5), NET + 10);
}

static void
test_prl_order_and_66(void **state)
{
	static const uint8_t prl[] = {150, 6, 66, 3};
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 19);
	struct req d = {.type = DHCP_DISCOVER,
			.mac_last = 3,
			.giaddr = RELAY,
			.prl = prl,
			.prl_len = sizeof prl};
	const struct dhcp_msg *m;

	strcpy(sn.option66, "tftp.voice.example");
	sn.tftp[0] = 0x0a000009;
	sn.n_tftp = 1;
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	handle(&d, T0);
	m = reply();
	/* 53, 54, 51, 58, 59, 1, then the PRL order: 150, 6, 66, 3; no 15 (not requested) */
	assert_int_equal(m->n_opts, 10);
	assert_int_equal(m->opts[5].code, 1);
	assert_int_equal(m->opts[6].code, 150);
	assert_int_equal(m->opts[7].code, 6);
	assert_int_equal(m->opts[8].code, 66);
	assert_int_equal(m->opts[9].code, 3);
	assert_true(slice_eq(dhcp_get_text(m, 66), "tftp.voice.example"));
	/* the subnet's own 150 list wins over the nodes */
	assert_int_equal(dhcp_get(m, 150)->len, 4);
	assert_null(dhcp_get(m, DHCP_OPT_DOMAIN_NAME));
}

static void
test_150_cisco_only(void **state)
{
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 19);
	struct req pc = {
	    .type = DHCP_DISCOVER, .mac_last = 4, .giaddr = RELAY, .vendor = "MSFT 5.0"};
	struct req phone = {.type = DHCP_DISCOVER,
			    .mac_last = 5,
			    .giaddr = RELAY,
			    .vendor = "Cisco Systems, Inc. IP Phone CP-7941G"};

	sn.tftp_cisco_only = 1;
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	handle(&pc, T0);
	assert_null(dhcp_get(reply(), 150));
	assert_int_equal(reply_msg.siaddr, 0);
	handle(&phone, T0);
	assert_non_null(dhcp_get(reply(), 150));
}

static void
test_nak_rules(void **state)
{
	uint32_t a = dora(1, T0);
	struct req r = {.type = DHCP_REQUEST, .mac_last = 2, .giaddr = RELAY, .requested = a};
	struct req wrong = {
	    .type = DHCP_REQUEST, .mac_last = 2, .giaddr = RELAY, .requested = 0x0a990005};
	struct req other = {.type = DHCP_REQUEST,
			    .mac_last = 2,
			    .giaddr = RELAY,
			    .requested = a,
			    .server_id = SERVER};

	/* INIT-REBOOT for an address held by another client */
	handle(&r, T0 + 1);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	assert_string_equal(rep.why, "address in use by another client");
	/* NAK through a relay: to the relay, broadcast bit set, no yiaddr, option 56 */
	assert_true(rep.to_relay);
	assert_int_equal(reply_msg.flags & DHCP_FLAG_BROADCAST, DHCP_FLAG_BROADCAST);
	assert_int_equal(reply_msg.yiaddr, 0);
	assert_null(dhcp_get(&reply_msg, DHCP_OPT_LEASE_TIME));
	assert_non_null(dhcp_get(&reply_msg, DHCP_OPT_MESSAGE));
	/* INIT-REBOOT on the wrong network (phone moved VLAN) */
	handle(&wrong, T0 + 1);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	assert_string_equal(rep.why, "requested address is not on the client's network");
	/* SELECTING for someone else's address */
	handle(&other, T0 + 1);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	assert_int_equal(rep.n_persist, 0);
	/* the client chose another server: silence, our offer freed */
	{
		struct req d = {.type = DHCP_DISCOVER, .mac_last = 3, .giaddr = RELAY};
		struct req sel = {
		    .type = DHCP_REQUEST, .mac_last = 3, .giaddr = RELAY, .server_id = 0x0b000001};
		size_t before;
		handle(&d, T0);
		before = dhcp_server_n_leases(srv);
		sel.requested = reply()->yiaddr;
		handle(&sel, T0);
		assert_int_equal(rep.action, DHCP_DROP);
		assert_int_equal(dhcp_server_n_leases(srv), before - 1);
	}
}

static void
test_renew_and_addressing(void **state)
{
	uint32_t a = dora(1, T0);
	struct req renew = {.type = DHCP_REQUEST, .mac_last = 1, .ciaddr = a};
	struct req direct = {.type = DHCP_DISCOVER, .mac_last = 7};
	struct req bcast = {.type = DHCP_DISCOVER, .mac_last = 8, .flags = DHCP_FLAG_BROADCAST};
	struct dhcp_server_cfg cfg = {SERVER, NET + 1, 30, 600, 86400, {0}, 0};
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 19);

	/* RENEWING: unicast ACK to ciaddr:68, lease extended */
	handle(&renew, T0 + 1800);
	assert_int_equal(reply()->msg_type, DHCP_ACK);
	assert_int_equal(rep.dst_ip, a);
	assert_int_equal(rep.dst_port, 68);
	assert_false(rep.l2_unicast || rep.l2_broadcast || rep.to_relay);
	assert_int_equal(reply_msg.ciaddr, a);
	assert_int_equal(rep.persist[0].lease.expires, T0 + 1800 + 3600);
	/* a direct client needs a local interface: relay-only server drops it */
	handle(&direct, T0);
	assert_int_equal(rep.action, DHCP_DROP);
	/* server with a local interface on the subnet */
	dhcp_server_free(srv);
	assert_int_equal(dhcp_server_new(&cfg, &srv), DT_OK);
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	handle(&direct, T0);
	reply();
	assert_true(rep.l2_unicast);
	assert_int_equal(rep.dst_ip, reply_msg.yiaddr);
	handle(&bcast, T0);
	reply();
	assert_true(rep.l2_broadcast);
	assert_int_equal(rep.dst_ip, 0xffffffff);
	/* direct NAK is broadcast */
	{
		struct req bad = {.type = DHCP_REQUEST, .mac_last = 9, .requested = 0x0a990001};
		handle(&bad, T0);
		assert_int_equal(reply()->msg_type, DHCP_NAK);
		assert_true(rep.l2_broadcast);
	}
}

static void
test_option82_echo(void **state)
{
	struct req d = {.type = DHCP_DISCOVER, .mac_last = 1, .giaddr = RELAY, .relay_info = 1};
	const struct dhcp_opt *o;

	handle(&d, T0);
	o = dhcp_get(reply(), DHCP_OPT_RELAY_AGENT);
	assert_non_null(o);
	assert_int_equal(o->len, 10);
	assert_memory_equal(o->val, ((uint8_t[]){1, 4, 'G', 'i', '0', '1', 2, 2, 0xab, 0xcd}), 10);
	assert_int_equal(reply_msg.opts[reply_msg.n_opts - 1].code, 82);
}

static void
test_reservations(void **state)
{
	uint8_t mac5[6] = {0x00, 0x1e, 0x4a, 0, 0, 5};
	struct req other = {
	    .type = DHCP_REQUEST, .mac_last = 6, .giaddr = RELAY, .requested = NET + 10};

	/* 10.20.0.10 is reserved for ...05: never offered to anyone else */
	assert_int_equal(dhcp_server_device_set(srv, mac5, NET + 10), DT_OK);
	assert_int_equal(dora(1, T0), NET + 11);
	handle(&other, T0);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	assert_string_equal(rep.why, "address reserved for another device");
	assert_int_equal(dora(5, T0), NET + 10);
	/* a reservation outside the pool (but in the subnet) works too */
	assert_int_equal(dhcp_server_device_set(srv, mac5, NET + 200), DT_OK);
	{
		struct req renew = {
		    .type = DHCP_REQUEST, .mac_last = 5, .giaddr = RELAY, .ciaddr = NET + 10};
		/* renewing the old address: NAK so the phone rediscovers its reservation */
		handle(&renew, T0 + 10);
		assert_int_equal(reply()->msg_type, DHCP_NAK);
	}
	assert_int_equal(dora(5, T0 + 10), NET + 200);
}

static void
test_known_only(void **state)
{
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 19);
	uint8_t mac2[6] = {0x00, 0x1e, 0x4a, 0, 0, 2};
	struct req d = {.type = DHCP_DISCOVER, .mac_last = 1, .giaddr = RELAY};
	struct req ir = {
	    .type = DHCP_REQUEST, .mac_last = 1, .giaddr = RELAY, .requested = NET + 12};

	sn.known_only = 1;
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	assert_int_equal(dhcp_server_device_set(srv, mac2, 0), DT_OK);
	handle(&d, T0);
	assert_int_equal(rep.action, DHCP_DROP);
	assert_string_equal(rep.why, "unknown client on a known-clients-only subnet");
	handle(&ir, T0);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	assert_int_equal(dora(2, T0), NET + 10);
	dhcp_server_device_forget(srv, mac2);
	d.mac_last = 2;
	handle(&d, T0 + 1);
	assert_int_equal(rep.action, DHCP_DROP);
}

static void
test_decline_and_release(void **state)
{
	uint32_t a = dora(1, T0);
	struct req dec = {.type = DHCP_DECLINE,
			  .mac_last = 1,
			  .giaddr = RELAY,
			  .requested = a,
			  .server_id = SERVER};
	struct req rel = {
	    .type = DHCP_RELEASE, .mac_last = 2, .giaddr = RELAY, .server_id = SERVER};
	uint32_t b;

	handle(&dec, T0 + 1);
	assert_int_equal(rep.action, DHCP_DROP);
	assert_int_equal(rep.n_persist, 1);
	assert_int_equal(rep.persist[0].lease.state, STORE_DHCP_DECLINED);
	assert_int_equal(rep.persist[0].lease.mac[5], 0);
	/* the declined address is not offered again, not even to the same client */
	assert_int_not_equal(dora(1, T0 + 2), a);
	b = dora(2, T0 + 2);
	assert_int_not_equal(b, a);
	/* RELEASE: persisted, and the same client gets the address back */
	rel.ciaddr = b;
	handle(&rel, T0 + 3);
	assert_int_equal(rep.persist[0].lease.state, STORE_DHCP_RELEASED);
	assert_int_equal(dora(2, T0 + 4), b);
	/* in use: the declined address and the two bound leases (1 got a new one, 2 its own) */
	{
		struct dhcp_pool_stats st;
		dhcp_server_pool_stats(srv, 0, &st);
		assert_int_equal(st.in_use, 3);
	}
}

static uint32_t gone_ips[16];
static int n_gone;
static void
on_gone(uint32_t ip, void *arg)
{
	gone_ips[n_gone++] = ip;
}

static void
test_expiry(void **state)
{
	uint32_t a = dora(1, T0);
	struct req d = {.type = DHCP_DISCOVER, .mac_last = 2, .giaddr = RELAY};
	struct req dec = {.type = DHCP_DECLINE,
			  .mac_last = 1,
			  .giaddr = RELAY,
			  .requested = a,
			  .server_id = SERVER};
	struct dhcp_pool_stats st;

	handle(&d, T0);
	reply();
	handle(&dec, T0);
	dhcp_server_pool_stats(srv, 0, &st);
	assert_int_equal(st.in_use, 2);
	n_gone = 0;
	/* the offer is gone after 30 s; the declined address after 600 s, its row deleted */
	assert_int_equal(dhcp_server_expire(srv, T0 + 31, on_gone, NULL), 1);
	assert_int_equal(n_gone, 0);
	assert_int_equal(dhcp_server_expire(srv, T0 + 601, on_gone, NULL), 1);
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_ips[0], a);
	dhcp_server_pool_stats(srv, 0, &st);
	assert_int_equal(st.in_use, 0);
	/* a bound lease past expiry stays the client's (sticky) */
	assert_int_equal(dora(3, T0 + 700), NET + 12);
	dhcp_server_expire(srv, T0 + 700 + 3601, on_gone, NULL);
	assert_int_equal(dora(3, T0 + 9000), NET + 12);
}

static void
test_exhaustion_and_flood(void **state)
{
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 12);
	struct dhcp_pool_stats st;
	struct req d = {.type = DHCP_DISCOVER, .giaddr = RELAY};
	int offered = 0, dropped = 0;

	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	/* 200 DISCOVERs from different MACs at one instant: 3 offers, the rest exhausted */
	for (int i = 0; i < 200; i++) {
		d.mac_last = (uint8_t)(i + 1);
		handle(&d, T0);
		if (rep.action == DHCP_SEND)
			offered++;
		else if (rep.exhausted)
			dropped++;
	}
	assert_int_equal(offered, 3);
	assert_int_equal(dropped, 197);
	dhcp_server_pool_stats(srv, 0, &st);
	assert_int_equal(st.size, 3);
	assert_int_equal(st.in_use, 3);
	/* a pool scan failed at T0: only one scan counted per second */
	assert_int_equal(st.exhausted, 1);
	assert_int_equal(dhcp_server_n_leases(srv), 3);
	/* offers time out: the addresses go to new clients */
	dhcp_server_expire(srv, T0 + 31, NULL, NULL);
	d.mac_last = 250;
	handle(&d, T0 + 31);
	assert_int_equal(reply()->msg_type, DHCP_OFFER);
}

static void
test_restored_leases(void **state)
{
	struct store_dhcp_lease l = {
	    NET + 10, {0x00, 0x1e, 0x4a, 0, 0, 9}, STORE_DHCP_BOUND, T0 + 3600, ""};
	struct req steal = {
	    .type = DHCP_REQUEST, .mac_last = 1, .giaddr = RELAY, .requested = NET + 10};

	/* after a restart, a lease from the database is never given to another client */
	assert_int_equal(dhcp_server_lease_load(srv, &l), DT_OK);
	assert_int_equal(dhcp_server_lease_load(srv, &l), DT_EEXIST);
	assert_int_equal(dora(1, T0), NET + 11);
	handle(&steal, T0);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	assert_int_equal(dora(9, T0), NET + 10);
}

static void
test_inform_and_bad_input(void **state)
{
	struct req inf = {.type = DHCP_INFORM, .mac_last = 1, .ciaddr = NET + 50};
	struct req unknown_relay = {.type = DHCP_DISCOVER, .mac_last = 1, .giaddr = 0x0b000001};

	handle(&inf, T0);
	assert_int_equal(reply()->msg_type, DHCP_ACK);
	assert_null(dhcp_get(&reply_msg, DHCP_OPT_LEASE_TIME));
	assert_int_equal(reply_msg.yiaddr, 0);
	assert_int_equal(rep.dst_ip, NET + 50);
	assert_int_equal(rep.n_persist, 0);
	assert_int_equal(dhcp_server_n_leases(srv), 0);
	handle(&unknown_relay, T0);
	assert_int_equal(rep.action, DHCP_DROP);
	assert_string_equal(rep.why, "giaddr is on no configured subnet");
	/* a BOOTREPLY or non-Ethernet request is dropped */
	client(&inf);
	msg.op = DHCP_OP_REPLY;
	dhcp_server_handle(srv, &msg, 0, T0, &rep);
	assert_int_equal(rep.action, DHCP_DROP);
	client(&inf);
	msg.hlen = 8;
	dhcp_server_handle(srv, &msg, 0, T0, &rep);
	assert_int_equal(rep.action, DHCP_DROP);
}

static void
test_100k_leases_memory(void **state)
{
	struct store_dhcp_subnet sn = subnet(0x0a000000u, 0x0a000000u + 131000);
	size_t before = dt_mem_used(DT_MEM_DHCP), used;
	struct store_dhcp_lease l;

	sn.network = 0x0a000000u;
	sn.prefix = 14;
	sn.pool_first = 0x0a000001u;
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	memset(&l, 0, sizeof l);
	l.state = STORE_DHCP_BOUND;
	l.expires = T0 + 3600;
	for (uint32_t i = 0; i < 100000; i++) {
		l.ip = 0x0a000001u + i;
		l.mac[2] = (uint8_t)(i >> 16);
		l.mac[3] = (uint8_t)(i >> 8);
		l.mac[4] = (uint8_t)i;
		l.mac[5] = 0x77;
		assert_int_equal(dhcp_server_lease_load(srv, &l), DT_OK);
	}
	used = dt_mem_used(DT_MEM_DHCP) - before;
	printf("dhcp: 100000 leases use %zu bytes\n", used);
	assert_true(used < 32u * 1024 * 1024);
	assert_int_equal(dhcp_server_n_leases(srv), 100000);
	/* every lease is found by MAC and by address */
	for (uint32_t i = 0; i < 100000; i += 997) {
		uint8_t mac[6] = {0, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 0x77};
		struct dhcp_lease *x = dhcp_lease_by_mac(srv, mac);
		assert_non_null(x);
		assert_int_equal(x->ip, 0x0a000001u + i);
	}
}

static void
test_map_delete_keeps_probe_runs(void **state)
{
	struct dhcp_map m = {0};
	uint64_t v;

	for (uint64_t k = 0; k < 5000; k++)
		assert_int_equal(dhcp_map_put(&m, k * 64, k), DT_OK);
	for (uint64_t k = 0; k < 5000; k += 2)
		dhcp_map_del(&m, k * 64);
	assert_int_equal(m.n, 2500);
	for (uint64_t k = 0; k < 5000; k++) {
		int found = dhcp_map_get(&m, k * 64, &v) == 0;
		assert_int_equal(found, k % 2);
		if (found)
			assert_int_equal(v, k);
	}
	dhcp_map_free(&m);
}

/* A subnet change applies to the next reply; a deleted subnet or a shrunk pool takes its leases
 * out of memory at once (their rows reported for deletion), so a re-added subnet starts empty. */
static void
test_subnet_change_and_prune(void **state)
{
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 12);
	struct req renew = {.type = DHCP_REQUEST, .mac_last = 1, .giaddr = RELAY};
	uint32_t ips[4], resv = NET + 50;
	uint8_t mac3[6] = {0x00, 0x1e, 0x4a, 0, 0, 3};

	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	assert_int_equal(dora(1, T0), NET + 10);
	assert_int_equal(dora(2, T0), NET + 11);
	/* a reservation outside the pool survives a prune; a declined one does not */
	assert_int_equal(dhcp_server_device_set(srv, mac3, resv), DT_OK);
	assert_int_equal(dora(3, T0), resv);
	assert_int_equal(dhcp_server_prune(srv, on_gone, NULL), 0);
	/* new options: the very next reply carries them */
	sn.n_tftp = 1;
	sn.tftp[0] = 0x0a000009;
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	assert_int_equal(dhcp_server_prune(srv, on_gone, NULL), 0);
	renew.ciaddr = NET + 10;
	handle(&renew, T0 + 10);
	assert_int_equal(reply()->msg_type, DHCP_ACK);
	assert_int_equal(dhcp_get_ips(&reply_msg, DHCP_OPT_TFTP_SERVERS, ips, 4), 1);
	assert_int_equal(ips[0], 0x0a000009);
	/* the pool shrinks to .10-.10: .11 is dropped and its holder NAKed on renewal */
	sn.pool_last = NET + 10;
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	n_gone = 0;
	assert_int_equal(dhcp_server_prune(srv, on_gone, NULL), 1);
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_ips[0], NET + 11);
	assert_int_equal(dhcp_server_n_leases(srv), 2);
	renew.mac_last = 2;
	renew.ciaddr = NET + 11;
	handle(&renew, T0 + 20);
	assert_int_equal(reply()->msg_type, DHCP_NAK);
	/* the subnet is deleted: every lease goes, its relay is unknown */
	assert_int_equal(dhcp_server_set_subnets(srv, NULL, 0), DT_OK);
	n_gone = 0;
	assert_int_equal(dhcp_server_prune(srv, on_gone, NULL), 2);
	assert_int_equal(n_gone, 2);
	assert_int_equal(dhcp_server_n_leases(srv), 0);
	renew.mac_last = 1;
	renew.ciaddr = NET + 10;
	handle(&renew, T0 + 30);
	assert_int_equal(rep.action, DHCP_DROP);
	assert_string_equal(rep.why, "giaddr is on no configured subnet");
	/* re-added: nothing of the old leases is left, a new client gets the first address */
	assert_int_equal(dhcp_server_set_subnets(srv, &sn, 1), DT_OK);
	struct dhcp_pool_stats ps;
	dhcp_server_pool_stats(srv, 0, &ps);
	assert_int_equal(ps.in_use, 0);
	assert_int_equal(dora(7, T0 + 40), NET + 10);
}

/* Several listen addresses: option 54 is the one the message came to; a REQUEST that selected
 * another of our addresses is left to that copy and does not void the offer. */
static void
test_server_id_per_address(void **state)
{
	struct dhcp_server *two;
	struct dhcp_server_cfg cfg = {SERVER, 0, 30, 600, 86400, {SERVER, SERVER + 1}, 2};
	struct store_dhcp_subnet sn = subnet(NET + 10, NET + 19);
	struct req d = {.type = DHCP_DISCOVER, .mac_last = 1, .giaddr = RELAY};
	struct req r = d;
	uint32_t v;

	assert_int_equal(dhcp_server_new(&cfg, &two), DT_OK);
	assert_int_equal(dhcp_server_set_subnets(two, &sn, 1), DT_OK);
	memset(&rep, 0, sizeof rep);
	dhcp_server_handle(two, client(&d), SERVER + 1, T0, &rep);
	assert_int_equal(dhcp_get_u32(reply(), DHCP_OPT_SERVER_ID, &v), 0);
	assert_int_equal(v, SERVER + 1);
	r.type = DHCP_REQUEST;
	r.requested = reply_msg.yiaddr;
	r.server_id = SERVER + 1;
	/* the copy that reached the other address: dropped, offer kept */
	dhcp_server_handle(two, client(&r), SERVER, T0, &rep);
	assert_int_equal(rep.action, DHCP_DROP);
	assert_string_equal(rep.why, "client selected another address of this server");
	assert_int_equal(dhcp_server_n_leases(two), 1);
	dhcp_server_handle(two, client(&r), SERVER + 1, T0, &rep);
	assert_int_equal(reply()->msg_type, DHCP_ACK);
	assert_int_equal(reply_msg.yiaddr, NET + 10);
	assert_int_equal(dhcp_get_u32(&reply_msg, DHCP_OPT_SERVER_ID, &v), 0);
	assert_int_equal(v, SERVER + 1);
	/* no own address is ever leased, even inside a pool */
	sn = subnet(SERVER, SERVER + 2);
	sn.network = SERVER & 0xffffff00u;
	assert_int_equal(dhcp_server_set_subnets(two, &sn, 1), DT_OK);
	d.giaddr = SERVER - 1;
	d.mac_last = 9;
	dhcp_server_handle(two, client(&d), SERVER, T0, &rep);
	assert_int_equal(reply()->yiaddr, SERVER + 2);
	dhcp_server_free(two);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dora_relayed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prl_order_and_66, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_150_cisco_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nak_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_renew_and_addressing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_option82_echo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reservations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_known_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decline_and_release, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exhaustion_and_flood, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restored_leases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inform_and_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_100k_leases_memory, setup, teardown),
	    cmocka_unit_test(test_map_delete_keeps_probe_runs),
	    cmocka_unit_test_setup_teardown(test_subnet_change_and_prune, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_id_per_address, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
