/* summary: SIP transports of the registrar service: UDP (recvmmsg batches, retransmissions
 * answered from a bounded transaction cache), TCP and TLS (Content-Length framing, connection
 * reuse, RFC 5626 CRLF keep-alive pong, idle and slow-sender timeouts, connection bound), each
 * bound at every [server] listen address. A message that arrives records which listen address
 * it came to (reg_src.local) so a NOTIFY leaves from it; outgoing connections: svc_sip_connect.c.
 */
#include "svc/svc_sip_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

int
sip_net_addr(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof *a4;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		return 0;
	}
	return -1;
}

static void
src_from(const struct sockaddr *sa, int transport, struct reg_src *src)
{
	memset(src, 0, sizeof *src);
	src->transport = transport;
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &a6->sin6_addr, src->ip, sizeof src->ip);
		src->port = ntohs(a6->sin6_port);
	} else {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &a4->sin_addr, src->ip, sizeof src->ip);
		src->port = ntohs(a4->sin_port);
	}
}

static void
on_udp(evutil_socket_t fd, short what, void *arg)
{
	struct sip_svc *s = arg;
	struct mmsghdr in[SIP_UDP_BATCH], out[SIP_UDP_BATCH];
	struct iovec iin[SIP_UDP_BATCH], iout[SIP_UDP_BATCH];
	struct sockaddr_storage from[SIP_UDP_BATCH];
	struct sip_msg m;
	time_t now = time(NULL);
	int n, nout = 0;
	for (int i = 0; i < SIP_UDP_BATCH; i++) {
		iin[i].iov_base = s->rxbuf + (size_t)i * (SIP_UDP_MAX + 1);
		iin[i].iov_len = SIP_UDP_MAX;
		memset(&in[i], 0, sizeof in[i]);
		in[i].msg_hdr.msg_iov = &iin[i];
		in[i].msg_hdr.msg_iovlen = 1;
		in[i].msg_hdr.msg_name = &from[i];
		in[i].msg_hdr.msg_namelen = sizeof from[i];
	}
	uint8_t local = 0;
	/* which of our addresses these datagrams came to: a NOTIFY must leave from it */
	for (int i = 0; i < s->n_lis && !local; i++)
		if (s->lis[i].udp_fd == fd)
			local = (uint8_t)(i + 1);
	n = recvmmsg(fd, in, SIP_UDP_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		const char *buf = iin[i].iov_base;
		size_t len = in[i].msg_len;
		struct reg_src src;
		const struct sip_txc_slot *t;
		char *resp = s->txbuf + (size_t)nout * SIP_TX_MAX;
		uint64_t key;
		int rc, rn;
		/* RFC 5626 §4.4.1 keep-alives and stray CRLFs carry no message */
		if (len <= 4 && (len == 0 || buf[0] == '\r' || buf[0] == '\n'))
			continue;
		src_from((struct sockaddr *)&from[i], REG_T_UDP, &src);
		src.local = local;
		rc = sip_msg_parse(buf, len, 0, SIP_UDP_MAX, &m);
		key = rc == DT_OK && m.is_request ? sip_txc_key(&m, &src) : 0;
		if (key && (t = sip_txc_find(s, key, now))) {
			s->n_retrans++;
			memcpy(resp, t->resp, t->len);
			rn = (int)t->len;
		} else {
			rn = sip_svc_process(s, &m, rc, &src, resp, SIP_TX_MAX);
			if (rn > 0 && key)
				sip_txc_put(s, key, now, resp, (size_t)rn);
		}
		if (rn <= 0)
			continue;
		iout[nout].iov_base = resp;
		iout[nout].iov_len = (size_t)rn;
		memset(&out[nout], 0, sizeof out[nout]);
		out[nout].msg_hdr.msg_iov = &iout[nout];
		out[nout].msg_hdr.msg_iovlen = 1;
		out[nout].msg_hdr.msg_name = &from[i];
		out[nout].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
		nout++;
	}
	if (nout && sendmmsg(fd, out, (unsigned)nout, MSG_DONTWAIT) < 0)
		dt_log(DT_DEBUG, "sip", NULL, "udp send: %s", strerror(errno));
}

static int
udp_open(struct sip_svc *s, struct sip_listen *li, struct dt_errbuf *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, rcvbuf = 4 << 20;
	int port = s->ctx->conf->sip.port;
	if (sip_net_addr(li->addr, port, &ss, &sl) < 0)
		return dt_errf(e, DT_EINVAL, "sip: listen: '%s' is not an IP address", li->addr);
	li->udp_fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (li->udp_fd < 0)
		return dt_errf(e, DT_EIO, "sip: udp socket: %s", strerror(errno));
	setsockopt(li->udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	/* a burst of REGISTERs (boot storm) must queue, not drop */
	setsockopt(li->udp_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (bind(li->udp_fd, (struct sockaddr *)&ss, sl) < 0)
		return dt_errf(e, DT_EIO, "sip: bind udp %s:%d: %s", li->addr, port,
			       strerror(errno));
	/* replies leave by the socket the request came in on (on_udp's fd): from the address the
	 * phone sent to, as RFC 3261 §18.2.2 expects */
	li->udp_ev = event_new(s->ctx->base, li->udp_fd, EV_READ | EV_PERSIST, on_udp, s);
	if (!li->udp_ev || event_add(li->udp_ev, NULL) < 0)
		return dt_errf(e, DT_ENOMEM, "sip: udp event");
	return DT_OK;
}

/* ---- TCP / TLS ---- */

void
sip_conn_free(struct sip_conn *c)
{
	struct sip_svc *s = c->s;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_conns--;
	if (c->bev)
		bufferevent_free(c->bev);
	if (c->connect_ev)
		event_free(c->connect_ev);
	if (c->early)
		evbuffer_free(c->early);
	if (c->fd >= 0)
		close(c->fd);
	dt_free(DT_MEM_SIP, c);
}

void
sip_conn_link(struct sip_svc *s, struct sip_conn *c)
{
	c->s = s;
	c->prev = NULL;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->n_conns++;
}

int
sip_conn_write(struct sip_conn *c, const char *buf, size_t len)
{
	if (c->bev)
		return bufferevent_write(c->bev, buf, len) == 0 ? DT_OK : DT_EIO;
	if (!c->early && !(c->early = evbuffer_new()))
		return DT_ENOMEM;
	return evbuffer_add(c->early, buf, len) == 0 ? DT_OK : DT_ENOMEM;
}

static void
on_write(struct bufferevent *bev, void *arg)
{
	struct sip_conn *c = arg;
	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		sip_conn_free(c);
}

/* Returns 1 when a message was handled (continue), 0 when more bytes are needed, -1 when the
 * connection must close. */
static int
conn_one(struct sip_conn *c, struct evbuffer *in)
{
	struct sip_svc *s = c->s;
	size_t len = evbuffer_get_length(in);
	size_t max = (size_t)s->ctx->conf->sip.max_message;
	char out[SIP_TX_MAX];
	struct sip_msg m;
	const char *p;
	int rc, n;
	if (len == 0)
		return 0;
	p = (const char *)evbuffer_pullup(in, len < 4 ? (ev_ssize_t)len : 4);
	/* RFC 5626 §3.5.1: CRLFCRLF ping → CRLF pong */
	if (len >= 4 && memcmp(p, "\r\n\r\n", 4) == 0) {
		bufferevent_write(c->bev, "\r\n", 2);
		evbuffer_drain(in, 4);
		return 1;
	}
	if (p[0] == '\r' || p[0] == '\n') {
		if (len < 4 && memcmp(p, "\r\n\r\n", len) == 0)
			return 0;      /* maybe the start of a ping */
		evbuffer_drain(in, 1); /* a stray CRLF (RFC 3261 §7.5) */
		return 1;
	}
	p = (const char *)evbuffer_pullup(in, -1);
	rc = sip_msg_parse(p, len, SIP_PARSE_STREAM, max, &m);
	if (rc == DT_EAGAIN) {
		if (!c->partial_since)
			c->partial_since = time(NULL);
		return 0;
	}
	c->partial_since = 0;
	n = sip_svc_process(s, &m, rc, &c->src, out, sizeof out);
	if (n > 0)
		bufferevent_write(c->bev, out, (size_t)n);
	if (rc != DT_OK)
		return -1; /* framing is lost: answer once, then close */
	evbuffer_drain(in, m.len);
	return 1;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct sip_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	int r;
	if (c->closing) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while ((r = conn_one(c, in)) == 1)
		;
	if (r < 0) {
		c->closing = 1;
		bufferevent_disable(bev, EV_READ);
		on_write(bev, c);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct sip_conn *c = arg;
	if (c->connect_by) {
		sip_connect_event(c, what);
		return;
	}
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_TIMEOUT)
		dt_log(DT_DEBUG, "sip", NULL, "%s:%u/%s idle, closed", c->src.ip, c->src.port,
		       reg_transport_name(c->src.transport));
	sip_conn_free(c);
}

void
sip_conn_start(struct sip_conn *c)
{
	struct timeval idle = {c->s->ctx->conf->sip.tcp_idle_s, 0};
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_set_timeouts(c->bev, &idle, NULL);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
accept_conn(struct sip_svc *s, struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
	    int tls)
{
	struct sip_conn *c;
	if (s->n_conns >= s->ctx->conf->sip.max_connections) {
		s->n_conn_refused++;
		if (time(NULL) != s->last_limit_log) {
			s->last_limit_log = time(NULL);
			dt_log(DT_WARN, "sip", NULL, "connection limit %d reached: refusing",
			       s->ctx->conf->sip.max_connections);
		}
		evutil_closesocket(fd);
		return;
	}
	c = dt_calloc(DT_MEM_SIP, 1, sizeof *c);
	if (!c) {
		evutil_closesocket(fd);
		return;
	}
	c->s = s;
	c->fd = -1;
	src_from(sa, tls ? REG_T_TLS : REG_T_TCP, &c->src);
	c->src.conn = ++s->next_conn;
	for (int i = 0; i < s->n_lis && !c->src.local; i++)
		if (s->lis[i].tcp_l == l || s->lis[i].tls_l == l)
			c->src.local = (uint8_t)(i + 1);
	if (tls) {
		SSL *ssl = SSL_new(s->ssl);
		c->bev = ssl ? bufferevent_openssl_socket_new(s->ctx->base, fd, ssl,
							      BUFFEREVENT_SSL_ACCEPTING,
							      BEV_OPT_CLOSE_ON_FREE)
			     : NULL;
	} else {
		c->bev = bufferevent_socket_new(s->ctx->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (!c->bev) {
		evutil_closesocket(fd);
		dt_free(DT_MEM_SIP, c);
		return;
	}
	sip_conn_link(s, c);
	sip_conn_start(c);
}

static void
on_accept_tcp(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
	      void *arg)
{
	accept_conn(arg, l, fd, sa, 0);
}

static void
on_accept_tls(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
	      void *arg)
{
	accept_conn(arg, l, fd, sa, 1);
}

static int
tcp_open(struct sip_svc *s, struct sip_listen *li, int tls, struct dt_errbuf *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int port = tls ? s->ctx->conf->sip.tls_port : s->ctx->conf->sip.port;
	struct evconnlistener *l;
	if (sip_net_addr(li->addr, port, &ss, &sl) < 0)
		return dt_errf(e, DT_EINVAL, "sip: listen: '%s' is not an IP address", li->addr);
	l = evconnlistener_new_bind(s->ctx->base, tls ? on_accept_tls : on_accept_tcp, s,
				    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE |
					LEV_OPT_CLOSE_ON_EXEC,
				    1024, (struct sockaddr *)&ss, (int)sl);
	if (!l)
		return dt_errf(e, DT_EIO, "sip: bind %s %s:%d: %s", tls ? "tls" : "tcp", li->addr,
			       port, strerror(errno));
	if (tls)
		li->tls_l = l;
	else
		li->tcp_l = l;
	return DT_OK;
}

int
sip_net_open(struct sip_svc *s, struct dt_errbuf *e)
{
	const struct dt_conf *cf = s->ctx->conf;
	int n = cf->n_listen > 0 ? cf->n_listen : 1, rc = DT_OK;
	for (int i = 0; i < n && i < DT_CONF_MAX_LISTEN && rc == DT_OK; i++) {
		struct sip_listen *li = &s->lis[s->n_lis++];
		memset(li, 0, sizeof *li);
		li->udp_fd = -1;
		li->addr = cf->n_listen > 0 ? cf->listen[i] : s->ctx->listen_addr;
		if ((rc = udp_open(s, li, e)) == DT_OK && (rc = tcp_open(s, li, 0, e)) == DT_OK)
			rc = tcp_open(s, li, 1, e);
	}
	return rc;
}

void
sip_net_reap(struct sip_svc *s, time_t now)
{
	for (struct sip_conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (c->connect_by && now > c->connect_by)
			sip_connect_abort(c, NULL); /* timed out */
		else if (c->partial_since && now - c->partial_since > SIP_PARTIAL_MAX_S) {
			dt_log(DT_WARN, "sip", NULL,
			       "%s:%u/%s: message unfinished after %ds, closed", c->src.ip,
			       c->src.port, reg_transport_name(c->src.transport),
			       SIP_PARTIAL_MAX_S);
			sip_conn_free(c);
		}
	}
}

int
sip_net_listen_for(const struct sip_svc *s, int local, int af)
{
	struct sockaddr_storage la;
	socklen_t ll;
	if (local > 0 && local <= s->n_lis &&
	    sip_net_addr(s->lis[local - 1].addr, 0, &la, &ll) == 0 && la.ss_family == af)
		return local - 1;
	for (int i = 0; i < s->n_lis; i++)
		if (sip_net_addr(s->lis[i].addr, 0, &la, &ll) == 0 && la.ss_family == af)
			return i;
	return -1;
}

void
sip_net_local(const struct sip_svc *s, const struct reg_src *dst, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int af = sip_net_addr(dst->ip, 0, &ss, &sl) == 0 ? ss.ss_family : AF_INET;
	int i = sip_net_listen_for(s, dst->local, af);
	const char *addr = i >= 0 ? s->lis[i].addr : s->ctx->listen_addr;
	int port =
	    dst->transport == REG_T_TLS ? s->ctx->conf->sip.tls_port : s->ctx->conf->sip.port;
	snprintf(buf, cap, strchr(addr, ':') ? "[%s]:%d" : "%s:%d", addr, port);
}

int
sip_net_send(struct sip_svc *s, const struct reg_src *dst, const char *contact, const char *buf,
	     size_t len, const struct sip_ctl *ctl, struct dt_errbuf *e)
{
	if (dst->transport == REG_T_UDP) {
		struct sockaddr_storage ss;
		socklen_t sl;
		int i;
		if (sip_net_addr(dst->ip, dst->port, &ss, &sl) < 0)
			return dt_errf(e, DT_EINVAL, "'%s' is not an IP address", dst->ip);
		/* from the address the phone registered to (RFC 3261 §18.2.2): a phone accepts
		 * requests only from its CallManager */
		i = sip_net_listen_for(s, dst->local, ss.ss_family);
		if (i < 0 || s->lis[i].udp_fd < 0)
			return dt_errf(e, DT_ENOENT, "no UDP socket to reach %s:%u", dst->ip,
				       dst->port);
		if (sendto(s->lis[i].udp_fd, buf, len, 0, (struct sockaddr *)&ss, sl) !=
		    (ssize_t)len)
			return dt_errf(e, DT_EIO, "sending to %s:%u/UDP from %s: %s", dst->ip,
				       dst->port, s->lis[i].addr, strerror(errno));
		return dt_errf(e, DT_OK, "NOTIFY sent from %s to %s:%u/UDP", s->lis[i].addr,
			       dst->ip, dst->port);
	}
	for (struct sip_conn *c = s->conns; c; c = c->next) {
		if (c->src.conn == dst->conn && !c->closing && !c->connect_by) {
			if (sip_conn_write(c, buf, len) != DT_OK)
				return dt_errf(e, DT_EIO, "writing to %s:%u/%s failed", dst->ip,
					       dst->port, reg_transport_name(dst->transport));
			return dt_errf(e, DT_OK, "NOTIFY sent on the phone's connection %s:%u/%s",
				       dst->ip, dst->port, reg_transport_name(dst->transport));
		}
	}
	return sip_connect_send(s, dst, contact, buf, len, ctl, e);
}

void
sip_net_close_all(struct sip_svc *s)
{
	while (s->conns) {
		if (s->conns->connect_by)
			sip_connect_abort(s->conns, "serve stopped before the connection was up");
		else
			sip_conn_free(s->conns);
	}
	for (int i = 0; i < s->n_lis; i++) {
		struct sip_listen *li = &s->lis[i];
		if (li->tcp_l)
			evconnlistener_free(li->tcp_l);
		if (li->tls_l)
			evconnlistener_free(li->tls_l);
		if (li->udp_ev)
			event_free(li->udp_ev);
		if (li->udp_fd >= 0)
			close(li->udp_fd);
	}
	s->n_lis = 0;
}
