/* summary: connections the registrar opens to phones (RFC 3261 §18.2.2 / §18.4): a NOTIFY for a
 * phone whose TCP or TLS connection is gone (it closed it, or the idle timeout did) goes on a new
 * connection to the host:port of its Contact, from the address it registered to.
 *
 * Design: never block the loop. The socket connects non-blocking (an EV_WRITE event says when the
 * TCP connect finished, SO_ERROR says how); then a bufferevent (TLS: a client handshake) takes the
 * socket and the connection becomes an ordinary one (svc_sip_net.c callbacks, idle timeout, the
 * connection bound): the phone's answer and its later requests arrive on it. Until it is up, the
 * NOTIFY waits in c->early and the control requests in c->ctl; their outcome is recorded when it
 * is up (sent) or fails (refused, TLS error, no connection within SIP_CONNECT_S: sip_net_reap).
 * Our own connect (not bufferevent_socket_connect) because it binds the source address first and
 * reads the exact connect error for the admin.
 */
#include "svc/svc_sip_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

/* The address to connect to, into *to and *ss: the Contact's host (an IP literal: phones register
 * with their IP) and port (default 5060, 5061 for TLS), over the transport the phone used. */
static int
contact_target(const char *contact, int transport, struct reg_src *to, struct sockaddr_storage *ss,
	       socklen_t *sl, struct dt_errbuf *e)
{
	struct sip_uri u;
	struct dt_slice h;
	if (sip_uri_parse(slice_make(contact, strlen(contact)), &u) != DT_OK || !u.is_sip)
		return dt_errf(e, DT_EINVAL, "Contact <%s> is not a SIP URI", contact);
	h = u.host;
	if (h.len >= 2 && h.p[0] == '[') { /* IPv6 reference */
		h.p++;
		h.len -= 2;
	}
	memset(to, 0, sizeof *to);
	to->transport = transport;
	if (h.len >= sizeof to->ip)
		return dt_errf(e, DT_EINVAL, "Contact <%s>: host is not an IP address", contact);
	memcpy(to->ip, h.p, h.len);
	to->ip[h.len] = '\0';
	to->port = u.port ? u.port : transport == REG_T_TLS ? 5061 : 5060;
	if (sip_net_addr(to->ip, to->port, ss, sl) < 0)
		return dt_errf(e, DT_EINVAL, "Contact <%s>: host '%s' is not an IP address",
			       contact, to->ip);
	return DT_OK;
}

static int
add_ctl(struct sip_conn *c, const struct sip_ctl *ctl)
{
	if (!ctl)
		return DT_OK;
	if (c->n_ctl >= SIP_CONN_CTL_MAX)
		return DT_EBUSY;
	c->ctl[c->n_ctl++] = *ctl;
	return DT_OK;
}

static void
report(struct sip_conn *c, int state, const char *detail)
{
	for (int i = 0; i < c->n_ctl; i++)
		sip_svc_control_done(c->s, &c->ctl[i], state, detail);
	c->n_ctl = 0;
}

void
sip_connect_abort(struct sip_conn *c, const char *why)
{
	char detail[256], late[64];
	if (!why) {
		snprintf(late, sizeof late, "%s not done within %d s",
			 c->bev ? "TLS handshake" : "TCP connect", SIP_CONNECT_S);
		why = late;
	}
	snprintf(detail, sizeof detail, "connecting to %s:%u/%s failed: %s", c->src.ip, c->src.port,
		 reg_transport_name(c->src.transport), why);
	c->s->n_connect_fail++;
	report(c, 3, detail);
	sip_conn_free(c);
}

/* Connected (TLS: handshake done): an ordinary connection from now on. */
static void
connected(struct sip_conn *c)
{
	char detail[160];
	c->connect_by = 0;
	c->s->n_connect++;
	snprintf(detail, sizeof detail, "NOTIFY sent on a new connection to %s:%u/%s", c->src.ip,
		 c->src.port, reg_transport_name(c->src.transport));
	report(c, 1, detail);
}

void
sip_connect_event(struct sip_conn *c, short what)
{
	char why[160];
	unsigned long ssl_err;
	if (what & BEV_EVENT_CONNECTED) {
		connected(c);
		return;
	}
	if ((ssl_err = bufferevent_get_openssl_error(c->bev)) != 0)
		ERR_error_string_n(ssl_err, why, sizeof why);
	else if (what & BEV_EVENT_TIMEOUT)
		snprintf(why, sizeof why, "TLS handshake timed out");
	else if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof why,
			 "the phone closed the connection during the TLS handshake");
	else
		snprintf(why, sizeof why, "TLS handshake failed: %s",
			 errno ? strerror(errno) : "connection error");
	sip_connect_abort(c, why);
}

/* The TCP connect finished (the socket is writable): hand it to a bufferevent, or fail. */
static void
on_connect(evutil_socket_t fd, short what, void *arg)
{
	struct sip_conn *c = arg;
	struct sip_svc *s = c->s;
	int err = 0;
	socklen_t el = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	event_free(c->connect_ev);
	c->connect_ev = NULL;
	if (err) {
		sip_connect_abort(c, strerror(err));
		return;
	}
	if (c->src.transport == REG_T_TLS) {
		SSL *ssl = SSL_new(s->ssl_client);
		c->bev = ssl ? bufferevent_openssl_socket_new(s->ctx->base, fd, ssl,
							      BUFFEREVENT_SSL_CONNECTING,
							      BEV_OPT_CLOSE_ON_FREE)
			     : NULL;
		/* on failure libevent frees ssl itself (BEV_OPT_CLOSE_ON_FREE): no SSL_free here */
	} else {
		c->bev = bufferevent_socket_new(s->ctx->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (!c->bev) {
		sip_connect_abort(c, "out of memory");
		return;
	}
	c->fd = -1; /* the bufferevent owns it now */
	if (c->early) {
		bufferevent_write_buffer(c->bev, c->early);
		evbuffer_free(c->early);
		c->early = NULL;
	}
	sip_conn_start(c);
	/* TLS reports BEV_EVENT_CONNECTED once the handshake is done (sip_connect_event) */
	if (c->src.transport != REG_T_TLS)
		connected(c);
}

/* Open a connection to `to` (ss) from our listen address for dst; DT_EAGAIN with the connection
 * listed, or an error. */
static int
open_conn(struct sip_svc *s, const struct reg_src *dst, const struct reg_src *to,
	  const struct sockaddr_storage *ss, socklen_t sl, struct sip_conn **out,
	  struct dt_errbuf *e)
{
	const char *tr = reg_transport_name(to->transport);
	struct sockaddr_storage la;
	socklen_t ll;
	struct sip_conn *c;
	int li = sip_net_listen_for(s, dst->local, ss->ss_family), fd;
	if (s->n_conns >= s->ctx->conf->sip.max_connections)
		return dt_errf(e, DT_EBUSY,
			       "cannot connect to %s:%u/%s: connection limit %d reached", to->ip,
			       to->port, tr, s->ctx->conf->sip.max_connections);
	if (li < 0 || sip_net_addr(s->lis[li].addr, 0, &la, &ll) < 0)
		return dt_errf(e, DT_ENOENT,
			       "cannot connect to %s:%u/%s: no listen address of its family",
			       to->ip, to->port, tr);
	if (to->transport == REG_T_TLS && !s->ssl_client &&
	    !(s->ssl_client = sip_tls_client_ctx(s->ctx->conf->data_dir, e)))
		return e ? e->code : DT_EIO;
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return dt_errf(e, DT_EIO, "cannot connect to %s:%u/%s: socket: %s", to->ip,
			       to->port, tr, strerror(errno));
	/* from the address the phone registered to: it expects its CallManager's address */
	if (bind(fd, (struct sockaddr *)&la, ll) < 0 ||
	    (connect(fd, (const struct sockaddr *)ss, sl) < 0 && errno != EINPROGRESS)) {
		int err = errno;
		close(fd);
		return dt_errf(e, DT_EIO, "connecting to %s:%u/%s from %s failed: %s", to->ip,
			       to->port, tr, s->lis[li].addr, strerror(err));
	}
	if (!(c = dt_calloc(DT_MEM_SIP, 1, sizeof *c))) {
		close(fd);
		return dt_errf(e, DT_ENOMEM, "cannot connect to %s:%u/%s: out of memory", to->ip,
			       to->port, tr);
	}
	c->fd = fd;
	c->src = *to;
	c->src.conn = ++s->next_conn;
	c->src.local = (uint8_t)(li + 1);
	c->connect_by = time(NULL) + SIP_CONNECT_S;
	sip_conn_link(s, c);
	/* Even an immediate connect is reported through the event, so the outcome has one path. */
	c->connect_ev = event_new(s->ctx->base, fd, EV_WRITE, on_connect, c);
	if (!c->connect_ev || event_add(c->connect_ev, NULL) < 0) {
		sip_conn_free(c);
		return dt_errf(e, DT_ENOMEM, "cannot connect to %s:%u/%s: event", to->ip, to->port,
			       tr);
	}
	dt_log(DT_DEBUG, "sip", NULL, "connecting to %s:%u/%s from %s", to->ip, to->port, tr,
	       s->lis[li].addr);
	*out = c;
	return DT_EAGAIN;
}

int
sip_connect_send(struct sip_svc *s, const struct reg_src *dst, const char *contact, const char *buf,
		 size_t len, const struct sip_ctl *ctl, struct dt_errbuf *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct reg_src to;
	struct sip_conn *c;
	const char *tr;
	int rc;
	if ((rc = contact_target(contact, dst->transport, &to, &ss, &sl, e)) != DT_OK)
		return rc;
	tr = reg_transport_name(to.transport);
	/* RFC 3261 §18: reuse a connection to that address, ours or the phone's */
	for (c = s->conns; c; c = c->next) {
		if (c->closing || c->src.transport != to.transport || c->src.port != to.port ||
		    strcmp(c->src.ip, to.ip) != 0)
			continue;
		if (c->connect_by && add_ctl(c, ctl) != DT_OK)
			return dt_errf(e, DT_EBUSY, "%d requests already wait for %s:%u/%s",
				       SIP_CONN_CTL_MAX, to.ip, to.port, tr);
		if (sip_conn_write(c, buf, len) != DT_OK)
			return dt_errf(e, DT_EIO, "writing to %s:%u/%s failed", to.ip, to.port, tr);
		if (c->connect_by)
			return dt_errf(e, DT_EAGAIN, "connecting to %s:%u/%s", to.ip, to.port, tr);
		return dt_errf(e, DT_OK, "NOTIFY sent on the open connection to %s:%u/%s", to.ip,
			       to.port, tr);
	}
	if ((rc = open_conn(s, dst, &to, &ss, sl, &c, e)) != DT_EAGAIN)
		return rc;
	if (sip_conn_write(c, buf, len) != DT_OK) {
		sip_conn_free(c);
		return dt_errf(e, DT_ENOMEM, "cannot connect to %s:%u/%s: out of memory", to.ip,
			       to.port, tr);
	}
	add_ctl(c, ctl);
	return dt_errf(e, DT_EAGAIN, "connecting to %s:%u/%s (the phone's connection is closed)",
		       to.ip, to.port, tr);
}
