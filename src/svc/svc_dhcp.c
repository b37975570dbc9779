/* summary: the DHCP service on the shared event loop: sockets in, dhcp_server decisions, lease
 * writes, replies out (RFC 2131 §4.1), database changes applied live.
 *
 * Relay mode (always): one UDP socket on each IPv4 address of [server] listen, port [dhcp] port;
 * the relay's giaddr selects the subnet whichever address it sent to, and the reply leaves from
 * the socket the request came in on, with that address as option 54 (a relay or a renewing
 * client sends to the server identifier, so it must be the address they reached). Direct mode
 * ([dhcp] interface set): a UDP socket bound to that interface on port 67 receives the clients'
 * broadcasts, and a packet socket sends to chaddr or broadcast. A lease change is written before
 * the reply leaves: with persist_batch_ms = 0 each change is its own transaction; with
 * persist_batch_ms = N, changes of N ms are collected in memory and written in one short
 * transaction when the batch is flushed, and the replies that depend on them wait for that commit
 * (group commit), so an ACKed lease is always on disk and kill -9 loses only un-ACKed work (see
 * docs/protocols/dhcp.md "Persistence"). The transaction never stays open across loop iterations:
 * the registrar saves its state on this same thread, and would otherwise busy-wait on our lock.
 * Subnets, reservations and option 150 nodes follow the database through the change log, polled
 * with PRAGMA data_version every 250 ms and on serve's db_changed; a reload of the subnets drops
 * the leases they no longer cover (a deleted subnet, a shrunk pool) from memory and database. The
 * debug line with a reply's option bytes is logged when the reply is sent, from the bytes sent: in
 * group-commit mode that is after the commit, not when the reply is decided.
 */
#include "svc/svc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "dhcp/dhcp_server.h"
#include "store/store.h"
#include "store/store_dhcp.h"

#define RX_BURST	64		  /* datagrams read per readiness event */
#define TICK_MS		250		  /* database change poll */
#define EXPIRE_S	5		  /* lease ageing */
#define LOG_PER_S	20		  /* rate limit of per-packet warnings */
#define EXHAUST_LOG_S	10		  /* one exhaustion warning per subnet per 10 s */
#define MAX_PENDING	512		  /* replies waiting for a batch commit */
#define MAX_ROWS	(2 * MAX_PENDING) /* lease rows of one batch (a reply changes at most 2) */
#define MAX_SUBNET_WARN 64

/* Where and how an encoded reply goes (struct dhcp_reply's addressing, kept for a batch). */
struct outgoing {
	size_t len, opts_len; /* payload bytes; option bytes before the end option */
	uint32_t dst_ip;
	uint16_t dst_port;
	uint8_t l2_unicast, l2_broadcast, to_relay;
	uint8_t mac[6];
	int fd; /* the socket the request came in on */
};

struct pending {
	uint8_t buf[DHCP_IPUDP_LEN + 1500];
	struct outgoing o;
};

struct dhcp_svc;

/* A receiving UDP socket: one per listen address, plus the interface's in direct mode. */
struct listener {
	struct dhcp_svc *s;
	int fd;
	uint32_t addr; /* the server identifier of what arrives here (host order) */
	struct event *ev;
};

struct dhcp_svc {
	struct event_base *base;
	const struct dt_conf *conf;
	struct store *st;
	struct dhcp_server *srv;
	struct store_dhcp_writer *w;
	int pkt_fd, ifindex;
	uint32_t server_id, if_addr;
	/* the relay sockets, then the direct-mode interface socket */
	struct listener lis[DT_CONF_MAX_LISTEN + 1];
	int n_lis;
	char listen_text[DT_CONF_MAX_LISTEN * 24]; /* "A:67, B:67" for the start line */
	struct event *tick_ev, *batch_ev;
	int64_t data_version, change_seq, last_expire;
	int reload_subnets, reload_nodes;
	/* counters */
	unsigned long long rx, offers, acks, naks, informs, drops, malformed, tx_err, db_err;
	/* log rate limit */
	int64_t log_sec;
	int log_n;
	unsigned long long suppressed;
	int64_t exhaust_warned[MAX_SUBNET_WARN];
	/* batch mode */
	struct pending *pend;
	int n_pend;
	/* Lease rows of the batch, written in one short transaction when it is flushed: a
	 * transaction held open across loop iterations would make every other writer on this thread
	 * (the registrar's state save) busy-wait on a lock only this thread can release. */
	struct dhcp_persist *rows;
	int n_rows;
	uint8_t txbuf[DHCP_IPUDP_LEN + 1500];
	uint8_t rxbuf[2048];
	struct dhcp_msg msg;
	struct dhcp_reply rep;
};

static void
mac_name(const uint8_t *mac, char out[16])
{
	snprintf(out, 16, "SEP%02X%02X%02X%02X%02X%02X", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

/* Per-packet warnings are limited to LOG_PER_S lines a second: a DISCOVER flood must not turn
 * into a log flood. The count of suppressed lines is logged on the next tick. */
static int
may_log(struct dhcp_svc *s)
{
	int64_t now = time(NULL);

	if (now != s->log_sec) {
		s->log_sec = now;
		s->log_n = 0;
	}
	if (s->log_n++ < LOG_PER_S)
		return 1;
	s->suppressed++;
	return 0;
}

/* Send one encoded reply (payload at buf + DHCP_IPUDP_LEN) from o->fd, or as a frame from the
 * packet socket; 0 when it left, -1 when it failed (counted and logged). */
static int
send_one(struct dhcp_svc *s, uint8_t *buf, const struct outgoing *o)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct sockaddr_in sa;

	if ((o->l2_unicast || o->l2_broadcast) && s->pkt_fd >= 0 && !o->to_relay) {
		if (dhcp_sock_send_frame(s->pkt_fd, s->ifindex, o->l2_broadcast ? bcast : o->mac,
					 buf, DHCP_IPUDP_LEN + 1500, o->len, s->if_addr,
					 o->dst_ip) != DT_OK)
			goto fail;
		return 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(o->dst_port);
	/* Without a packet socket a frame to chaddr is impossible: broadcast instead (the client
	 * accepts it; RFC 2131 §4.1 allows broadcast when unicast cannot be done). */
	sa.sin_addr.s_addr = htonl(o->l2_unicast ? 0xffffffffu : o->dst_ip);
	if (sendto(o->fd, buf + DHCP_IPUDP_LEN, o->len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		goto fail;
	return 0;
fail:
	s->tx_err++;
	if (may_log(s)) {
		char a[16];
		dt_log(DT_WARN, "dhcp", NULL, "send to %s:%u failed: %s",
		       store_dhcp_ip_text(o->dst_ip, a), o->dst_port, strerror(errno));
	}
	return -1;
}

/* The debug line of a reply that left, from the bytes sent (payload p, options opts_len bytes
 * before the end option). Operators debugging option 150 need the bytes: DHCP test tools often
 * mis-decode it. */
static void
log_sent(const uint8_t *p, size_t opts_len, const uint8_t *mac)
{
	char hex[DHCP_OUT_OPTS_CAP * 2 + 1], a[16], dev[16];
	const uint8_t *opts = p + DHCP_MIN_LEN;
	uint32_t yiaddr =
	    (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19];
	size_t i;

	for (i = 0; i < opts_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", opts[i]);
	hex[2 * i] = '\0';
	mac_name(mac, dev);
	/* options begin with 53 (message type): opts[2] is the type */
	dt_log(DT_DEBUG, "dhcp", dev, "sent %s yiaddr %s options %sff", dhcp_msg_type_name(opts[2]),
	       store_dhcp_ip_text(yiaddr, a), hex);
}

static void
send_reply(struct dhcp_svc *s, uint8_t *buf, const struct outgoing *o)
{
	if (send_one(s, buf, o) == 0 && dt_log_enabled(DT_DEBUG))
		log_sent(buf + DHCP_IPUDP_LEN, o->opts_len, o->mac);
}

/* Write rows in one transaction (or each on its own when there is no batch). */
static int
write_rows(struct dhcp_svc *s, const struct dhcp_persist *rows, int n, struct dt_errbuf *e)
{
	int rc = n > 1 ? store_dhcp_writer_begin(s->w, e) : DT_OK;

	for (int i = 0; rc == DT_OK && i < n; i++)
		rc = rows[i].remove ? store_dhcp_lease_remove(s->w, rows[i].lease.ip, e)
				    : store_dhcp_lease_put(s->w, &rows[i].lease, e);
	if (n > 1 && rc == DT_OK)
		rc = store_dhcp_writer_commit(s->w, e);
	else if (n > 1)
		store_dhcp_writer_rollback(s->w);
	return rc;
}

static void
flush_pending(struct dhcp_svc *s)
{
	struct dt_errbuf e = {0, ""};
	int n = s->n_rows;

	s->n_rows = 0;
	if (n && write_rows(s, s->rows, n, &e) != DT_OK) {
		/* Nothing was promised yet: the clients retry and get a fresh decision. */
		s->db_err++;
		dt_log(DT_ERROR, "dhcp", NULL, "%s: %d replies not sent", e.msg, s->n_pend);
		s->n_pend = 0;
		return;
	}
	for (int i = 0; i < s->n_pend; i++) {
		struct pending *p = &s->pend[i];
		send_reply(s, p->buf, &p->o);
	}
	s->n_pend = 0;
}

static void
on_batch(evutil_socket_t fd, short what, void *arg)
{
	flush_pending(arg);
}

/* Write the lease changes of rep; 0 when done (or none), -1 when the database failed. */
static int
persist(struct dhcp_svc *s, const struct dhcp_reply *r, const char *dev)
{
	struct dt_errbuf e = {0, ""};
	int rc = DT_OK;

	if (r->n_persist == 0)
		return 0;
	if (s->pend) {
		int ms = s->conf->dhcp.persist_batch_ms;
		struct timeval tv = {ms / 1000, (suseconds_t)(ms % 1000) * 1000};
		if (s->n_rows + r->n_persist > MAX_ROWS) {
			evtimer_del(s->batch_ev);
			flush_pending(s);
		}
		if (!evtimer_pending(s->batch_ev, NULL))
			evtimer_add(s->batch_ev, &tv);
		memcpy(s->rows + s->n_rows, r->persist, (size_t)r->n_persist * sizeof *s->rows);
		s->n_rows += r->n_persist;
		return 0;
	}
	rc = write_rows(s, r->persist, r->n_persist, &e);
	if (rc == DT_OK)
		return 0;
	s->db_err++;
	dt_log(DT_ERROR, "dhcp", dev, "lease not stored, reply withheld: %s", e.msg);
	return -1;
}

static void
warn_exhausted(struct dhcp_svc *s, const struct dhcp_reply *r, const char *dev, int64_t now)
{
	struct dhcp_pool_stats ps;
	char a[16];
	int slot = r->subnet % MAX_SUBNET_WARN;

	if (r->subnet < 0 || now - s->exhaust_warned[slot] < EXHAUST_LOG_S)
		return;
	s->exhaust_warned[slot] = now;
	dhcp_server_pool_stats(s->srv, r->subnet, &ps);
	dt_log(DT_WARN, "dhcp", dev,
	       "pool of %s/%d exhausted: %u of %u addresses in use, %llu DISCOVERs unanswered so "
	       "far",
	       store_dhcp_ip_text(ps.network, a), ps.prefix, ps.in_use, ps.size,
	       (unsigned long long)ps.exhausted);
}

static void
process(struct dhcp_svc *s, const struct listener *li, size_t n, const struct sockaddr_in *from)
{
	struct dhcp_reply *r = &s->rep;
	struct outgoing o;
	int64_t now = time(NULL);
	const char *why;
	char dev[16], a[16];
	size_t len;
	int rc;

	s->rx++;
	rc = dhcp_decode(s->rxbuf, n, &s->msg, &why);
	if (rc != DT_OK) {
		s->malformed++;
		if (may_log(s)) {
			char opt[24] = "";
			if (s->msg.bad_opt)
				snprintf(opt, sizeof opt, " (option %u)", s->msg.bad_opt);
			dt_log(DT_WARN, "dhcp", NULL,
			       "malformed packet from %s (%zu bytes) dropped: %s: %s%s",
			       inet_ntop(AF_INET, &from->sin_addr, a, sizeof a), n, dt_err_name(rc),
			       why, opt);
		}
		return;
	}
	mac_name(s->msg.chaddr, dev);
	dhcp_server_handle(s->srv, &s->msg, li->addr, now, r);
	if (r->exhausted)
		warn_exhausted(s, r, dev, now);
	if (persist(s, r, dev) != 0)
		return;
	if (r->action == DHCP_DROP) {
		s->drops++;
		if (dt_log_enabled(DT_INFO) && may_log(s))
			dt_log(DT_INFO, "dhcp", dev, "%s from %s via %s: %s",
			       dhcp_msg_type_name(s->msg.msg_type),
			       inet_ntop(AF_INET, &from->sin_addr, a, sizeof a),
			       s->msg.giaddr ? "relay" : "direct", r->why);
		return;
	}
	if (dhcp_encode(&r->out, s->txbuf + DHCP_IPUDP_LEN, 1500, r->max_len, &len) != DT_OK) {
		s->drops++;
		if (may_log(s))
			dt_log(DT_WARN, "dhcp", dev,
			       "reply does not fit the client's maximum message size %zu: dropped",
			       r->max_len);
		return;
	}
	switch (r->out.opts[2]) {
	case DHCP_OFFER:
		s->offers++;
		break;
	case DHCP_NAK:
		s->naks++;
		dt_log(DT_INFO, "dhcp", dev, "NAK: %s", r->why);
		break;
	default:
		if (s->msg.msg_type == DHCP_INFORM) {
			s->informs++;
			break;
		}
		s->acks++;
		/* One INFO line per granted lease (ISC and Kea do the same): with the device column
		 * it lets `grep SEP…` follow a phone from DHCP to TFTP to REGISTER. */
		if (dt_log_enabled(DT_INFO)) {
			char ya[16], via[24] = "direct";
			if (s->msg.giaddr)
				snprintf(via, sizeof via, "relay %s",
					 store_dhcp_ip_text(s->msg.giaddr, a));
			dt_log(DT_INFO, "dhcp", dev, "ACK %s lease %us via %s",
			       store_dhcp_ip_text(r->out.yiaddr, ya),
			       r->persist[0].lease.expires > now
				   ? (unsigned)(r->persist[0].lease.expires - now)
				   : 0u,
			       via);
		}
	}
	o.len = len;
	o.opts_len = r->out.opts_len;
	o.fd = li->fd;
	o.dst_ip = r->dst_ip;
	o.dst_port = r->dst_port;
	o.to_relay = (uint8_t)r->to_relay;
	o.l2_unicast = (uint8_t)r->l2_unicast;
	o.l2_broadcast = (uint8_t)r->l2_broadcast;
	memcpy(o.mac, s->msg.chaddr, 6);
	if (s->pend && r->n_persist) {
		/* the reply may not overtake the commit of its lease */
		struct pending *p = &s->pend[s->n_pend++];
		memcpy(p->buf + DHCP_IPUDP_LEN, s->txbuf + DHCP_IPUDP_LEN, len);
		p->o = o;
		if (s->n_pend == MAX_PENDING) {
			evtimer_del(s->batch_ev);
			flush_pending(s);
		}
		return;
	}
	send_reply(s, s->txbuf, &o);
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct listener *li = arg;
	struct dhcp_svc *s = li->s;

	for (int i = 0; i < RX_BURST; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n =
		    recvfrom(fd, s->rxbuf, sizeof s->rxbuf, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		process(s, li, (size_t)n, &from);
	}
}

static int
on_change(int64_t seq, const char *kind, const char *key, void *arg)
{
	struct dhcp_svc *s = arg;
	struct dt_errbuf e = {0, ""};

	if (!strcmp(kind, "dhcp"))
		s->reload_subnets = 1;
	else if (!strcmp(kind, "node"))
		s->reload_nodes = 1;
	else if (!strcmp(kind, "device") && dhcp_load_device(s->srv, s->st, key, &e) != DT_OK)
		dt_log(DT_WARN, "dhcp", key, "device change not applied: %s", e.msg);
	return 0;
}

static void
on_gone(uint32_t ip, void *arg)
{
	struct dhcp_svc *s = arg;
	struct dt_errbuf e = {0, ""};

	if (store_dhcp_lease_remove(s->w, ip, &e) != DT_OK) {
		s->db_err++;
		dt_log(DT_ERROR, "dhcp", NULL, "%s", e.msg);
	}
}

static void
check_db(struct dhcp_svc *s)
{
	struct dt_errbuf e = {0, ""};
	int64_t v;
	int n;

	if (store_data_version(s->st, &v, &e) != DT_OK || v == s->data_version)
		return;
	s->data_version = v;
	if (store_changes_since(s->st, s->change_seq, on_change, s, &s->change_seq, &e) < 0) {
		dt_log(DT_WARN, "dhcp", NULL, "reading the change log: %s", e.msg);
		return;
	}
	if (s->reload_subnets) {
		s->reload_subnets = 0;
		if (dhcp_load_subnets(s->srv, s->st, &n, &e) != DT_OK)
			dt_log(DT_ERROR, "dhcp", NULL, "subnets not reloaded: %s", e.msg);
		else
			dt_log(DT_INFO, "dhcp", NULL,
			       "subnets reloaded: %d; %d lease(s) no longer covered dropped", n,
			       dhcp_server_prune(s->srv, on_gone, s));
	}
	if (s->reload_nodes) {
		s->reload_nodes = 0;
		if (dhcp_load_nodes(s->srv, s->st, &n, &e) != DT_OK)
			dt_log(DT_ERROR, "dhcp", NULL, "file nodes not reloaded: %s", e.msg);
		else
			dt_log(DT_INFO, "dhcp", NULL, "option 150 nodes reloaded: %d", n);
	}
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct dhcp_svc *s = arg;
	int64_t now = time(NULL);

	check_db(s);
	if (now - s->last_expire >= EXPIRE_S) {
		s->last_expire = now;
		dhcp_server_expire(s->srv, now, on_gone, s);
	}
	if (s->suppressed) {
		dt_log(DT_WARN, "dhcp", NULL, "%llu more per-packet log lines suppressed",
		       s->suppressed);
		s->suppressed = 0;
	}
}

static int
add_event(struct dhcp_svc *s, struct event **ev, int fd, short what, event_callback_fn cb,
	  void *arg, const struct timeval *tv, struct dt_errbuf *e)
{
	*ev = event_new(s->base, fd, what, cb, arg);
	if (!*ev || event_add(*ev, tv) < 0)
		return dt_errf(e, DT_EIO, "dhcp: cannot register an event");
	return DT_OK;
}

static void dhcp_stop(void *state);

/* A receiving socket on addr:port (0 = any) and its read event. */
static int
add_listener(struct dhcp_svc *s, uint32_t addr, uint32_t sid, const char *ifname, int reuse,
	     struct dt_errbuf *e)
{
	struct listener *li = &s->lis[s->n_lis];
	int rc;

	li->s = s;
	li->addr = sid;
	if ((rc = dhcp_sock_udp(addr, s->conf->dhcp.port, ifname, reuse, &li->fd, e)) != DT_OK)
		return rc;
	s->n_lis++;
	return add_event(s, &li->ev, li->fd, EV_READ | EV_PERSIST, on_readable, li, NULL, e);
}

/* DHCP is IPv4: a relay socket on every IPv4 address of [server] listen (a node may also listen
 * on ::1 for the other services). The first is the server identifier of direct clients when no
 * interface is served. */
static int
pick_listen(struct dhcp_svc *s, uint32_t *addrs, int *n, struct dt_errbuf *e)
{
	const struct dt_conf *c = s->conf;
	size_t len = 0;

	*n = 0;
	for (int i = 0; i < c->n_listen; i++) {
		uint32_t a;
		int dup = 0;
		if (store_dhcp_ip_parse("listen", c->listen[i], &a, e) != DT_OK)
			continue;
		for (int j = 0; j < *n; j++)
			dup |= addrs[j] == a;
		if (dup)
			continue;
		addrs[(*n)++] = a;
		len += (size_t)snprintf(s->listen_text + len, sizeof s->listen_text - len,
					"%s%s:%d", len ? ", " : "", c->listen[i], c->dhcp.port);
		if (len >= sizeof s->listen_text)
			len = sizeof s->listen_text - 1;
	}
	if (*n == 0)
		return dt_errf(e, DT_EINVAL,
			       "dhcp: no IPv4 address in --listen (DHCP is IPv4 only)");
	s->server_id = addrs[0];
	return DT_OK;
}

static int
load_all(struct dhcp_svc *s, struct dt_errbuf *e)
{
	int rc, n_sub, n_nodes, n_leases;

	if ((rc = dhcp_load_subnets(s->srv, s->st, &n_sub, e)) != DT_OK ||
	    (rc = dhcp_load_nodes(s->srv, s->st, &n_nodes, e)) != DT_OK ||
	    (rc = dhcp_load_devices(s->srv, s->st, e)) != DT_OK ||
	    (rc = dhcp_load_leases(s->srv, s->st, &n_leases, e)) != DT_OK ||
	    (rc = store_changes_last(s->st, &s->change_seq, e)) != DT_OK ||
	    (rc = store_data_version(s->st, &s->data_version, e)) != DT_OK)
		return rc;
	dt_log(DT_INFO, "dhcp", NULL, "%d subnet(s), %d option 150 node(s), %d lease(s) restored",
	       n_sub, n_nodes, n_leases);
	if (n_sub == 0)
		dt_log(DT_WARN, "dhcp", NULL,
		       "no subnet configured: add one with `dialtone dhcp subnet add`");
	return DT_OK;
}

static int
dhcp_start(struct dt_ctx *ctx, void **state, struct dt_errbuf *e)
{
	const struct dt_conf *c = ctx->conf;
	struct dhcp_server_cfg cfg = {0, 0, 30, 3600, 86400, {0}, 0};
	struct timeval tick = {0, TICK_MS * 1000};
	struct dhcp_svc *s = dt_calloc(DT_MEM_DHCP, 1, sizeof *s);
	uint32_t addrs[DT_CONF_MAX_LISTEN];
	int rc, n_addrs;

	*state = s;
	if (!s)
		return dt_errf(e, DT_ENOMEM, "dhcp: out of memory");
	s->pkt_fd = -1;
	s->base = ctx->base;
	s->conf = c;
	s->st = ctx->store;
	if ((rc = pick_listen(s, addrs, &n_addrs, e)) != DT_OK)
		return rc;
	if (c->dhcp.interface[0] && (rc = dhcp_sock_packet(c->dhcp.interface, &s->pkt_fd,
							   &s->ifindex, &s->if_addr, e)) != DT_OK)
		return rc;
	cfg.local_addr = s->if_addr;
	/* Direct clients unicast their renewals to the server identifier, so in direct mode it
	 * must be the interface's address, whatever --listen says. */
	cfg.server_id = s->if_addr ? s->if_addr : s->server_id;
	if (s->if_addr && s->if_addr != s->server_id)
		dt_log(DT_WARN, "dhcp", NULL,
		       "listen address %s is not the address of %s: server identifier of direct "
		       "clients is the interface's",
		       c->listen[0], c->dhcp.interface);
	memcpy(cfg.addrs, addrs, (size_t)n_addrs * sizeof *addrs);
	cfg.n_addrs = n_addrs;
	if (dhcp_server_new(&cfg, &s->srv) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "dhcp: out of memory");
	if ((rc = load_all(s, e)) != DT_OK ||
	    (rc = store_dhcp_writer_open(s->st, &s->w, e)) != DT_OK)
		return rc;
	if (c->dhcp.persist_batch_ms > 0 &&
	    (!(s->pend = dt_calloc(DT_MEM_DHCP, MAX_PENDING, sizeof *s->pend)) ||
	     !(s->rows = dt_calloc(DT_MEM_DHCP, MAX_ROWS, sizeof *s->rows))))
		return dt_errf(e, DT_ENOMEM, "dhcp: out of memory");
	for (int i = 0; i < n_addrs; i++)
		if ((rc = add_listener(s, addrs[i], addrs[i], NULL, s->pkt_fd >= 0, e)) != DT_OK)
			return rc;
	if (c->dhcp.interface[0] &&
	    (rc = add_listener(s, 0, s->if_addr, c->dhcp.interface, 1, e)) != DT_OK)
		return rc;
	if ((rc = add_event(s, &s->tick_ev, -1, EV_PERSIST, on_tick, s, &tick, e)) != DT_OK)
		return rc;
	s->batch_ev = evtimer_new(s->base, on_batch, s);
	if (!s->batch_ev)
		return dt_errf(e, DT_EIO, "dhcp: cannot register an event");
	s->last_expire = time(NULL);
	dt_log(DT_INFO, "dhcp", NULL,
	       "serving relays on %s%s%s; leases written %s (persist_batch_ms=%d)", s->listen_text,
	       c->dhcp.interface[0] ? ", direct clients on " : "", c->dhcp.interface,
	       s->pend ? "in group commits" : "one transaction per change",
	       c->dhcp.persist_batch_ms);
	return DT_OK;
}

static void
dhcp_stop(void *state)
{
	struct dhcp_svc *s = state;

	if (!s)
		return;
	if (s->pend && (s->n_pend || s->n_rows))
		flush_pending(s);
	for (int i = 0; i < s->n_lis; i++) {
		if (s->lis[i].ev)
			event_free(s->lis[i].ev);
		close(s->lis[i].fd);
	}
	if (s->tick_ev)
		event_free(s->tick_ev);
	if (s->batch_ev)
		event_free(s->batch_ev);
	if (s->pkt_fd >= 0)
		close(s->pkt_fd);
	store_dhcp_writer_close(s->w);
	dhcp_server_free(s->srv);
	dt_free(DT_MEM_DHCP, s->pend);
	dt_free(DT_MEM_DHCP, s->rows);
	dt_free(DT_MEM_DHCP, s);
}

static void
dhcp_stats(void *state, char *buf, size_t cap)
{
	struct dhcp_svc *s = state;
	size_t len;

	len = (size_t)snprintf(buf, cap,
			       "leases=%zu rx=%llu offers=%llu acks=%llu naks=%llu informs=%llu "
			       "drops=%llu malformed=%llu tx_err=%llu db_err=%llu",
			       dhcp_server_n_leases(s->srv), s->rx, s->offers, s->acks, s->naks,
			       s->informs, s->drops, s->malformed, s->tx_err, s->db_err);
	for (int i = 0; i < dhcp_server_n_subnets(s->srv) && len < cap; i++) {
		struct dhcp_pool_stats ps;
		char a[16];
		dhcp_server_pool_stats(s->srv, i, &ps);
		len += (size_t)snprintf(buf + len, cap - len, " pool %s/%d=%u/%u%s",
					store_dhcp_ip_text(ps.network, a), ps.prefix, ps.in_use,
					ps.size, ps.in_use >= ps.size ? "(full)" : "");
	}
}

static void
dhcp_db_changed(void *state)
{
	check_db(state);
}

const struct dt_service dt_svc_dhcp = {
    .name = "dhcp",
    .bit = DT_SVC_DHCP,
    .start = dhcp_start,
    .stop = dhcp_stop,
    .stats = dhcp_stats,
    .db_changed = dhcp_db_changed,
};
