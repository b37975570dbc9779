/* summary: build OFFER/ACK/NAK replies: options by the parameter request list, option 150 from
 * the subnet or the cluster's file nodes, option 82 echoed, destination per RFC 2131 §4.1.
 *
 * Options order: 53, 54, then 51/58/59 (lease replies), then subnet mask, then the options the
 * client listed in option 55 in its order (RFC 2132 §9.8 lets a client rely on the order), then
 * 82 last (RFC 3046 §2.1: the relay strips it). With no option 55 every configured option is
 * sent. The subnet mask goes to every client: RFC 2131 §4.3.1 asks for it whenever the server
 * knows it, and some clients never list it.
 * Option 150 may be limited to vendor classes starting with "Cisco" (the subnet's
 * tftp_cisco_only) so a PC on a voice subnet does not learn the TFTP servers.
 */
#include "dhcp/dhcp_priv.h"

#include <string.h>

#include "core/cur.h"

/* The TFTP list for a client on sn, or 0 when it gets none. */
static int
tftp_list(const struct dhcp_server *s, const struct dhcp_subnet *sn, const struct dhcp_msg *m,
	  const uint32_t **ips)
{
	if (sn->cfg.tftp_cisco_only) {
		struct dt_slice vc = dhcp_get_text(m, DHCP_OPT_VENDOR_CLASS);
		if (vc.len < 5 || memcmp(vc.p, "Cisco", 5) != 0)
			return 0;
	}
	if (sn->cfg.n_tftp) {
		*ips = sn->cfg.tftp;
		return sn->cfg.n_tftp;
	}
	*ips = s->tftp_nodes;
	return s->n_tftp_nodes;
}

static void
emit(const struct dhcp_server *s, const struct dhcp_subnet *sn, const struct dhcp_msg *m,
     uint8_t code, struct dhcp_out *o)
{
	const uint32_t *ips;
	int n;

	switch (code) {
	case DHCP_OPT_SUBNET_MASK:
		dhcp_out_u32(o, code, sn->mask);
		break;
	case DHCP_OPT_ROUTER:
		if (sn->cfg.router)
			dhcp_out_ips(o, code, &sn->cfg.router, 1);
		break;
	case DHCP_OPT_DNS:
		if (sn->cfg.n_dns)
			dhcp_out_ips(o, code, sn->cfg.dns, sn->cfg.n_dns);
		break;
	case DHCP_OPT_DOMAIN_NAME:
		if (sn->cfg.domain[0])
			dhcp_out_opt(o, code, sn->cfg.domain, strlen(sn->cfg.domain));
		break;
	case DHCP_OPT_NTP:
		if (sn->cfg.n_ntp)
			dhcp_out_ips(o, code, sn->cfg.ntp, sn->cfg.n_ntp);
		break;
	case DHCP_OPT_TFTP_NAME:
		if (sn->cfg.option66[0])
			dhcp_out_opt(o, code, sn->cfg.option66, strlen(sn->cfg.option66));
		break;
	case DHCP_OPT_TFTP_SERVERS:
		if ((n = tftp_list(s, sn, m, &ips)) > 0)
			dhcp_out_ips(o, code, ips, n);
		break;
	default:
		break;
	}
}

static const uint8_t configured[] = {DHCP_OPT_ROUTER, DHCP_OPT_DNS,	  DHCP_OPT_DOMAIN_NAME,
				     DHCP_OPT_NTP,    DHCP_OPT_TFTP_NAME, DHCP_OPT_TFTP_SERVERS};

static void
requested_options(const struct dhcp_server *s, const struct dhcp_subnet *sn,
		  const struct dhcp_msg *m, struct dhcp_out *o)
{
	uint8_t done[256] = {0};

	emit(s, sn, m, DHCP_OPT_SUBNET_MASK, o);
	done[DHCP_OPT_SUBNET_MASK] = 1;
	if (!dhcp_get(m, DHCP_OPT_PARAM_LIST)) {
		for (size_t i = 0; i < sizeof configured; i++)
			emit(s, sn, m, configured[i], o);
		return;
	}
	/* every piece of a split list, in order (RFC 3396) */
	for (int i = 0; i < m->n_opts; i++) {
		const struct dhcp_opt *p = &m->opts[i];
		struct dt_cur c;
		if (p->code != DHCP_OPT_PARAM_LIST)
			continue;
		c = cur_init(p->val, p->len);
		while (cur_left(&c) > 0) {
			uint8_t code = cur_u8(&c);
			if (done[code])
				continue;
			done[code] = 1;
			emit(s, sn, m, code, o);
		}
	}
}

static void
header(const struct dhcp_msg *m, struct dhcp_out *o)
{
	memset(o, 0, sizeof *o);
	o->op = DHCP_OP_REPLY;
	o->htype = m->htype;
	o->hlen = m->hlen;
	o->xid = m->xid;
	o->flags = m->flags;
	o->giaddr = m->giaddr;
	memcpy(o->chaddr, m->chaddr, sizeof o->chaddr);
}

static void
echo_relay_info(const struct dhcp_msg *m, struct dhcp_out *o)
{
	const struct dhcp_opt *ri = dhcp_get(m, DHCP_OPT_RELAY_AGENT);

	/* RFC 3046 §2.2: copied unchanged, and only when the message came through a relay. */
	if (ri && m->giaddr)
		dhcp_out_opt(o, DHCP_OPT_RELAY_AGENT, ri->val, ri->len);
}

static void
max_len(const struct dhcp_msg *m, struct dhcp_reply *r)
{
	uint16_t v = 0;

	/* Option 57 counts the IP and UDP headers; below 576 is illegal (RFC 2132 §9.10). */
	if (dhcp_get_u16(m, DHCP_OPT_MAX_MSG_SIZE, &v) != 0 || v < DHCP_MIN_MAX_MSG)
		v = DHCP_MIN_MAX_MSG;
	if (v > 1500)
		v = 1500; /* our send buffer: one Ethernet MTU */
	r->max_len = (size_t)v - DHCP_IPUDP_LEN;
}

/* RFC 2131 §4.1, "If the 'giaddr' field ... is nonzero" and the paragraphs after it. */
static void
destination(const struct dhcp_msg *m, int type, uint32_t yiaddr, struct dhcp_reply *r)
{
	r->to_relay = r->l2_unicast = r->l2_broadcast = 0;
	if (m->giaddr) {
		r->dst_ip = m->giaddr;
		r->dst_port = DHCP_SERVER_PORT;
		r->to_relay = 1;
	} else if (m->ciaddr && type != DHCP_NAK) {
		r->dst_ip = m->ciaddr;
		r->dst_port = DHCP_CLIENT_PORT;
	} else if (type == DHCP_NAK || (m->flags & DHCP_FLAG_BROADCAST) || !yiaddr) {
		r->dst_ip = 0xffffffffu;
		r->dst_port = DHCP_CLIENT_PORT;
		r->l2_broadcast = 1;
	} else {
		r->dst_ip = yiaddr;
		r->dst_port = DHCP_CLIENT_PORT;
		r->l2_unicast = 1;
	}
}

void
dhcp_reply_build(const struct dhcp_server *s, const struct dhcp_subnet *sn,
		 const struct dhcp_msg *m, int type, uint32_t yiaddr, uint32_t lt,
		 struct dhcp_reply *r)
{
	struct dhcp_out *o = &r->out;
	const uint32_t *ips;

	header(m, o);
	o->yiaddr = yiaddr;
	/* Table 3 of RFC 2131: ciaddr is echoed in an ACK (renewals, INFORM), zero in an OFFER. */
	o->ciaddr = type == DHCP_ACK ? m->ciaddr : 0;
	/* siaddr: the next server, the last fallback of phones that get neither 150 nor 66 */
	if (tftp_list(s, sn, m, &ips) > 0)
		o->siaddr = ips[0];
	dhcp_out_u8(o, DHCP_OPT_MSG_TYPE, (uint8_t)type);
	dhcp_out_u32(o, DHCP_OPT_SERVER_ID, r->server_id);
	if (lt) {
		dhcp_out_u32(o, DHCP_OPT_LEASE_TIME, lt);
		dhcp_out_u32(o, DHCP_OPT_T1, lt / 2); /* RFC 2131 §4.4.5 */
		dhcp_out_u32(o, DHCP_OPT_T2, (uint32_t)((uint64_t)lt * 7 / 8));
	}
	requested_options(s, sn, m, o);
	echo_relay_info(m, o);
	max_len(m, r);
	destination(m, type, yiaddr, r);
	r->action = DHCP_SEND;
}

void
dhcp_reply_nak(const struct dhcp_server *s, const struct dhcp_msg *m, const char *why,
	       struct dhcp_reply *r)
{
	struct dhcp_out *o = &r->out;

	header(m, o);
	/* §4.3.2: through a relay the NAK carries the broadcast bit so the relay broadcasts it. */
	if (m->giaddr)
		o->flags |= DHCP_FLAG_BROADCAST;
	dhcp_out_u8(o, DHCP_OPT_MSG_TYPE, DHCP_NAK);
	dhcp_out_u32(o, DHCP_OPT_SERVER_ID, r->server_id);
	dhcp_out_opt(o, DHCP_OPT_MESSAGE, why, strlen(why));
	echo_relay_info(m, o);
	max_len(m, r);
	destination(m, DHCP_NAK, 0, r);
	r->why = why;
	r->action = DHCP_SEND;
}
