/* summary: step 3, DHCP DORA as its own relay agent (giaddr = --relay, hops 1), on the shared
 * codec src/proto/dhcp; records address, mask, router and the TFTP list (150, else 66, else
 * --server), then the phone uses the leased address as its source for files and SIP.
 *
 * Options sent are a Cisco phone's (shared/spec/dhcp.md): 55 = 1,66,6,3,15,150,35; 60 = "Cisco
 * Systems, Inc. IP Phone CP-<model>"; 12 = SEP<MAC>; 61 = 01+MAC. Retransmission: timeout_ms
 * doubled per try (RFC 2131 §4.1 backoff), `retries` tries per message, then the step fails.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "proto/dhcp/dhcp.h"

static const uint8_t param_list[] = {1, 66, 6, 3, 15, 150, 35};

static void send_msg(struct phone *ph);

static void
dhcp_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;
	if (++ph->dhcp_tries >= ph->env->o.retries) {
		phone_dhcp_cancel(ph);
		phone_fail(ph, "timeout", "no DHCP %s from %s after %d tries (no server or relay)",
			   ph->dhcp_state == 1 ? "OFFER" : "ACK", inet_ntoa(ph->env->o.server),
			   ph->dhcp_tries);
		return;
	}
	ph->dhcp_ms *= 2;
	phone_step_log(ph, "retry", ph->dhcp_state == 1 ? "DHCPDISCOVER" : "DHCPREQUEST",
		       "no answer");
	send_msg(ph);
}

static void
arm(struct phone *ph)
{
	struct timeval tv = {ph->dhcp_ms / 1000, (ph->dhcp_ms % 1000) * 1000};
	evtimer_add(ph->dhcp_timer, &tv);
}

static void
send_msg(struct phone *ph)
{
	struct dhcp_out o;
	uint8_t buf[600];
	size_t len;
	char vc[64], cid[7];

	memset(&o, 0, sizeof o);
	o.op = DHCP_OP_REQUEST;
	o.htype = DHCP_HTYPE_ETHER;
	o.hlen = 6;
	o.hops = 1; /* we are the relay agent that forwarded it (RFC 1542 §4.1.1) */
	o.xid = ph->xid;
	o.giaddr = ntohl(ph->env->o.relay.s_addr);
	memcpy(o.chaddr, ph->mac_bytes, 6);
	dhcp_out_u8(&o, DHCP_OPT_MSG_TYPE, ph->dhcp_state == 1 ? DHCP_DISCOVER : DHCP_REQUEST);
	cid[0] = 1;
	memcpy(cid + 1, ph->mac_bytes, 6);
	dhcp_out_opt(&o, DHCP_OPT_CLIENT_ID, cid, 7);
	if (ph->dhcp_state == 2) {
		dhcp_out_u32(&o, DHCP_OPT_REQUESTED_IP, ph->offered);
		dhcp_out_u32(&o, DHCP_OPT_SERVER_ID, ph->server_id);
	}
	dhcp_out_u16(&o, DHCP_OPT_MAX_MSG_SIZE, 1500);
	dhcp_out_opt(&o, DHCP_OPT_HOST_NAME, ph->dev, strlen(ph->dev));
	int n = snprintf(vc, sizeof vc, "Cisco Systems, Inc. IP Phone CP-%s", ph->model->name);
	dhcp_out_opt(&o, DHCP_OPT_VENDOR_CLASS, vc, (size_t)n);
	dhcp_out_opt(&o, DHCP_OPT_PARAM_LIST, param_list, sizeof param_list);
	if (dhcp_encode(&o, buf, sizeof buf, sizeof buf, &len) != DT_OK ||
	    phone_env_dhcp_send(ph->env, buf, len) != DT_OK) {
		phone_dhcp_cancel(ph);
		phone_fail(ph, "io", "could not send DHCP to %s:%d", inet_ntoa(ph->env->o.server),
			   ph->env->o.dhcp_port);
		return;
	}
	arm(ph);
}

void
phone_dhcp_start(struct phone *ph)
{
	if (!ph->dhcp_timer)
		ph->dhcp_timer = evtimer_new(ph->env->base, dhcp_timeout, ph);
	if (ph->xid)
		phone_env_xid_del(ph->env, ph);
	ph->xid = (uint32_t)phone_env_unique(ph->env) | 1u;
	phone_env_xid_add(ph->env, ph);
	ph->dhcp_state = 1;
	ph->dhcp_tries = 0;
	ph->dhcp_ms = ph->env->o.timeout_ms;
	send_msg(ph);
}

void
phone_dhcp_cancel(struct phone *ph)
{
	if (ph->dhcp_timer)
		evtimer_del(ph->dhcp_timer);
	if (ph->xid)
		phone_env_xid_del(ph->env, ph);
	ph->xid = 0;
}

/* Record the lease from the ACK: mask, router, and the TFTP list by the phone's order. */
static void
take_lease(struct phone *ph, const struct dhcp_msg *m)
{
	uint32_t v;
	ph->ip = m->yiaddr;
	ph->mask = dhcp_get_u32(m, DHCP_OPT_SUBNET_MASK, &v) == 0 ? v : 0;
	ph->gw = dhcp_get_ips(m, DHCP_OPT_ROUTER, &v, 1) > 0 ? v : 0;
	ph->lease_s = dhcp_get_u32(m, DHCP_OPT_LEASE_TIME, &v) == 0 ? v : 0;
	ph->n_tftp = dhcp_get_ips(m, DHCP_OPT_TFTP_SERVERS, ph->tftp, PHONE_MAX_TFTP);
	if (ph->n_tftp > PHONE_MAX_TFTP)
		ph->n_tftp = PHONE_MAX_TFTP;
	if (ph->n_tftp > 0) {
		snprintf(ph->tftp_src, sizeof ph->tftp_src, "option 150");
		return;
	}
	struct dt_slice name = dhcp_get_text(m, DHCP_OPT_TFTP_NAME);
	char host[64];
	struct in_addr a;
	/* Option 66 may be a name; the simulator resolves only dotted quads (no DNS on the
	 * loopback lab), and says so rather than guessing. */
	if (name.len && slice_copy(name, host, sizeof host) == 0 && inet_aton(host, &a)) {
		ph->tftp[0] = ntohl(a.s_addr);
		ph->n_tftp = 1;
		snprintf(ph->tftp_src, sizeof ph->tftp_src, "option 66");
		return;
	}
	ph->tftp[0] = ntohl(ph->env->o.server.s_addr);
	ph->n_tftp = 1;
	snprintf(ph->tftp_src, sizeof ph->tftp_src, "--server");
}

void
phone_dhcp_input(struct phone *ph, const void *buf, size_t len)
{
	struct dhcp_msg m;
	const char *why = NULL;
	char a[16], b[16], got[256];

	if (ph->dhcp_state != 1 && ph->dhcp_state != 2)
		return;
	if (dhcp_decode(buf, len, &m, &why) != DT_OK) {
		phone_step_log(ph, "info", "", why ? why : "malformed DHCP reply (ignored)");
		return;
	}
	if (m.op != DHCP_OP_REPLY)
		return;
	if (ph->dhcp_state == 1 && m.msg_type == DHCP_OFFER) {
		uint32_t sid = 0;
		dhcp_get_u32(&m, DHCP_OPT_SERVER_ID, &sid);
		ph->offered = m.yiaddr;
		ph->server_id = sid;
		ph->dhcp_state = 2;
		ph->dhcp_tries = 0;
		ph->dhcp_ms = ph->env->o.timeout_ms;
		evtimer_del(ph->dhcp_timer);
		send_msg(ph);
		return;
	}
	if (ph->dhcp_state == 2 && m.msg_type == DHCP_NAK) {
		struct dt_slice msg = dhcp_get_text(&m, DHCP_OPT_MESSAGE);
		snprintf(got, sizeof got, "DHCPNAK %.*s; restarting DISCOVER", (int)msg.len,
			 msg.p ? msg.p : "");
		phone_step_log(ph, "retry", "DHCPREQUEST", got);
		evtimer_del(ph->dhcp_timer);
		if (++ph->dhcp_tries >= ph->env->o.retries) {
			phone_dhcp_cancel(ph);
			phone_fail(ph, "nak", "DHCP server refused the lease (NAK)");
			return;
		}
		ph->dhcp_state = 1;
		send_msg(ph);
		return;
	}
	if (ph->dhcp_state != 2 || m.msg_type != DHCP_ACK || m.yiaddr == 0)
		return;
	uint32_t xid = ph->xid;
	phone_dhcp_cancel(ph);
	take_lease(ph, &m);
	ph->dhcp_state = 3;
	int n = snprintf(got, sizeof got, "ACK %s mask %s", phone_ip_str(ph->ip, a),
			 phone_ip_str(ph->mask, b));
	n += snprintf(got + n, sizeof got - (size_t)n, " gw %s lease %us tftp[%s]",
		      phone_ip_str(ph->gw, a), (unsigned)ph->lease_s, ph->tftp_src);
	for (int i = 0; i < ph->n_tftp && n < (int)sizeof got; i++)
		n += snprintf(got + n, sizeof got - (size_t)n, " %s", phone_ip_str(ph->tftp[i], a));
	char sent[96];
	snprintf(sent, sizeof sent, "DISCOVER+REQUEST xid=%08x giaddr=%s", xid,
		 inet_ntoa(ph->env->o.relay));
	phone_step_log(ph, "ok", sent, got);
	phone_next(ph, 4);
}
