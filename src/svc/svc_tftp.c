/* summary: the TFTP service (RFC 1350, 2347-2349, 7440) on the shared event loop: the request
 * socket on [tftp] port, the pool of data sockets, the receive loop, and request dispatch.
 *
 * Read-only: WRQ gets error 2. A malformed request gets error 4; anything other than a request on
 * the request port is dropped (it belongs to no transfer, and an error would feed reflection).
 * Transfers, retransmission and tracing live in svc_tftp_xfer.c; see svc_tftp.h for the design.
 */
#include "svc/svc_tftp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "svc/svc.h"
#include "svc/svc_files.h"

#define SOCK_BUF     (4 << 20) /* bursts of a boot storm queue here, not on the floor */
#define DRAIN_ROUNDS 16	       /* recvmmsg calls per wake-up before other events get a turn */

static void
on_request(struct tftp_srv *s, struct tftp_sock *sk, const uint8_t *buf, size_t len,
	   const struct sockaddr *from, socklen_t fromlen)
{
	struct tftp_pkt p;
	const char *why;
	int rc = tftp_pkt_decode(buf, len, &p, &why);

	if (rc == DT_OK && (p.op == TFTP_RRQ || p.op == TFTP_WRQ)) {
		tftp_xfer_request(s, &p, from, fromlen);
		return;
	}
	s->n_bad++;
	/* Only a broken request earns an answer; stray ACK/DATA/ERROR/OACK are dropped. */
	if (len >= 2 && buf[0] == 0 && (buf[1] == TFTP_RRQ || buf[1] == TFTP_WRQ)) {
		dt_log(DT_DEBUG, "tftp", NULL, "malformed request: %s", why);
		tftp_out_error(s, s->pool[0].fd, from, fromlen, TFTP_E_ILLEGAL, why);
	}
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_sock *sk = arg;
	struct tftp_srv *s = sk->srv;

	for (int round = 0; round < DRAIN_ROUNDS; round++) {
		int n;
		for (int i = 0; i < TFTP_BATCH; i++) {
			s->riov[i].iov_base = s->rbuf[i];
			s->riov[i].iov_len = sizeof s->rbuf[i];
			memset(&s->rm[i].msg_hdr, 0, sizeof s->rm[i].msg_hdr);
			s->rm[i].msg_hdr.msg_iov = &s->riov[i];
			s->rm[i].msg_hdr.msg_iovlen = 1;
			s->rm[i].msg_hdr.msg_name = &s->rfrom[i];
			s->rm[i].msg_hdr.msg_namelen = sizeof s->rfrom[i];
		}
		n = recvmmsg(sk->fd, s->rm, TFTP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			const struct sockaddr *from = (const struct sockaddr *)&s->rfrom[i];
			socklen_t fl = s->rm[i].msg_hdr.msg_namelen;
			size_t len = s->rm[i].msg_len;
			if (s->rm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				s->n_bad++;
				continue;
			}
			if (sk->is_main)
				on_request(s, sk, s->rbuf[i], len, from, fl);
			else
				tftp_xfer_datagram(s, sk, s->rbuf[i], len, from, fl);
		}
		tftp_out_flush(s);
		if (n < TFTP_BATCH)
			break;
	}
	tftp_out_flush(s);
}

static int
open_udp(const struct addrinfo *ai, const char *host, int port, struct dt_errbuf *e,
	 int quiet_inuse)
{
	struct sockaddr_storage ss;
	int fd, buf = SOCK_BUF;

	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -dt_errf(e, DT_EIO, "tftp: socket: %s", strerror(errno));
	/* No SO_REUSEADDR: on UDP it would let a second server share port 69 silently. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
	if (bind(fd, (struct sockaddr *)&ss, ai->ai_addrlen) < 0) {
		int err = errno;
		close(fd);
		if (quiet_inuse && err == EADDRINUSE)
			return -DT_EBUSY;
		return -dt_errf(e, DT_EIO, "tftp: cannot bind %s port %d: %s", host, port,
				strerror(err));
	}
	return fd;
}

static int
add_sock(struct tftp_srv *s, struct tftp_sock *sk, int fd, int is_main, struct dt_errbuf *e)
{
	sk->fd = fd;
	sk->srv = s;
	sk->is_main = is_main;
	event_assign(&sk->ev, s->base, fd, EV_READ | EV_PERSIST, on_readable, sk);
	if (event_add(&sk->ev, NULL) < 0)
		return dt_errf(e, DT_EIO, "tftp: cannot watch socket");
	return DT_OK;
}

static int
open_pool(struct tftp_srv *s, const struct addrinfo *ai, struct dt_errbuf *e)
{
	const struct dt_conf *c = s->conf;
	int lo = c->tftp.data_port_min, hi = c->tftp.data_port_max;

	for (int port = lo; s->n_pool < TFTP_POOL_MAX && (lo == 0 || port <= hi); port++) {
		int fd = open_udp(ai, s->host, lo == 0 ? 0 : port, e, lo != 0);
		if (fd == -DT_EBUSY)
			continue;
		if (fd < 0)
			return -fd;
		if (add_sock(s, &s->pool[s->n_pool], fd, 0, e) != DT_OK) {
			close(fd);
			return DT_EIO;
		}
		s->n_pool++;
	}
	if (s->n_pool == 0)
		return dt_errf(e, DT_EIO, "tftp: no free data port in %d..%d", lo, hi);
	return DT_OK;
}

static void
stop_one(struct tftp_srv *s)
{
	if (!s)
		return;
	tftp_out_flush(s);
	tftp_xfer_fini(s);
	if (s->main.srv) {
		event_del(&s->main.ev);
		close(s->main.fd);
	}
	for (int i = 0; i < s->n_pool; i++) {
		event_del(&s->pool[i].ev);
		close(s->pool[i].fd);
	}
	svc_files_release(s->files);
	dt_free(DT_MEM_TFTP, s);
}

/* The request socket, data sockets and transfer table of one listen address. */
static int
start_one(struct dt_ctx *ctx, const char *host, struct tftp_srv **out, struct dt_errbuf *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST}, *ai;
	struct tftp_srv *s = dt_calloc(DT_MEM_TFTP, 1, sizeof *s);
	int rc, fd;

	*out = s;
	if (!s)
		return dt_errf(e, DT_ENOMEM, "tftp: out of memory");
	s->base = ctx->base;
	s->conf = ctx->conf;
	if ((rc = svc_files_acquire(ctx, &s->files, e)) != DT_OK)
		return rc;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return dt_errf(e, DT_EINVAL, "tftp: listen address '%s' is not an IP address",
			       host);
	s->host = host;
	fd = open_udp(ai, s->host, ctx->conf->tftp.port, e, 0);
	if (fd < 0) {
		freeaddrinfo(ai);
		return -fd;
	}
	rc = add_sock(s, &s->main, fd, 1, e);
	if (rc == DT_OK)
		rc = open_pool(s, ai, e);
	freeaddrinfo(ai);
	if (rc == DT_OK)
		rc = tftp_xfer_init(s, e);
	if (rc == DT_OK)
		dt_log(DT_INFO, "tftp", NULL, "listening on %s port %d (%d data sockets)", host,
		       ctx->conf->tftp.port, s->n_pool);
	return rc;
}

/* One server per [server] listen address. Why not one socket set for all: a transfer's DATA must
 * leave from the address the phone sent its RRQ to (clients match the server's address as well
 * as its port), so each address gets its own request socket and data-socket pool; they share the
 * file tree (svc_files). [tftp] max_transfers bounds each address. */
struct tftp_set {
	struct tftp_srv *v[DT_CONF_MAX_LISTEN];
	int n;
};

static void
tftp_stop(void *state)
{
	struct tftp_set *set = state;
	if (!set)
		return;
	for (int i = 0; i < set->n; i++)
		stop_one(set->v[i]);
	dt_free(DT_MEM_TFTP, set);
}

static int
tftp_start(struct dt_ctx *ctx, void **state, struct dt_errbuf *e)
{
	struct tftp_set *set = dt_calloc(DT_MEM_TFTP, 1, sizeof *set);
	const struct dt_conf *c = ctx->conf;
	int rc = DT_OK;

	*state = set;
	if (!set)
		return dt_errf(e, DT_ENOMEM, "tftp: out of memory");
	/* ctx->listen_addr is what serve binds first (listen[0]); then the other addresses. */
	for (int i = 0; rc == DT_OK && i < (c->n_listen > 1 ? c->n_listen : 1); i++)
		rc = start_one(ctx, i == 0 ? ctx->listen_addr : c->listen[i], &set->v[set->n++], e);
	return rc;
}

static void
tftp_stats(void *state, char *buf, size_t cap)
{
	struct tftp_set *set = state;
	unsigned long n[9] = {0};
	unsigned long long bytes = 0;
	int active = 0;

	for (int i = 0; i < set->n; i++) {
		const struct tftp_srv *s = set->v[i];
		const unsigned long v[9] = {s->n_sent,	  s->n_notfound,    s->n_refused,
					    s->n_timeout, s->n_peer_error,  s->n_error,
					    s->n_busy,	  s->n_unknown_tid, s->n_bad};
		for (int k = 0; k < 9; k++)
			n[k] += v[k];
		active += s->active;
		bytes += s->bytes;
	}
	snprintf(buf, cap,
		 "active=%d sent=%lu not_found=%lu refused=%lu timeout=%lu client_error=%lu "
		 "error=%lu busy=%lu unknown_tid=%lu malformed=%lu bytes=%llu",
		 active, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], bytes);
}

const struct dt_service dt_svc_tftp = {
    .name = "tftp",
    .bit = DT_SVC_TFTP,
    .start = tftp_start,
    .stop = tftp_stop,
    .stats = tftp_stats,
    .db_changed = NULL,
};
