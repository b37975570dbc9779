/* summary: TFTP transfers: the table keyed by client address, option negotiation (RFC 2347-2349,
 * 7440), the send window, ACK handling, retransmission with backoff, and the trace line.
 *
 * Block numbers: a transfer counts blocks in 64 bits (block k holds bytes (k-1)*blksize ...) and
 * puts k mod 65536 on the wire, so past block 65535 the wire number rolls over to 0, as tftp-hpa
 * and curl expect. An ACK is mapped back into the window [base-1, next-1], which is unambiguous
 * because a window never exceeds 65535 blocks.
 * Sorcerer's Apprentice (RFC 1350 / RFC 1123 4.2.3.1): a duplicate ACK never triggers a send; only
 * the retransmission timer resends, so duplicated packets cannot multiply.
 * An ACK inside the window but short of its end means the client lost the rest (RFC 7440 4):
 * sending restarts after the acknowledged block.
 * Memory: one struct xfer (well under 1 KiB) from a free list; no data buffer (DATA is sent from
 * the file's bytes, held by reference), so memory per transfer stays constant whatever blksize and
 * windowsize are.
 */
#include "svc/svc_tftp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

#define CHUNK 256 /* transfers allocated at a time */

/* The bound is 4 KiB per transfer plus its window; we hold no window copy at all. */
_Static_assert(sizeof(struct xfer) <= 1024, "struct xfer grew past 1 KiB");

static const char *const result_text[] = {
    [XR_SENT] = "sent",	      [XR_NOTFOUND] = "not found",	[XR_REFUSED] = "refused",
    [XR_TIMEOUT] = "timeout", [XR_PEER_ERROR] = "client error", [XR_ERROR] = "error",
};

static uint32_t
peer_hash(const struct sockaddr *sa)
{
	uint32_t h = 2166136261u;
	const uint8_t *p;
	size_t n;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		h = ((uint32_t)in->sin_addr.s_addr * 2654435761u) ^ ((uint32_t)in->sin_port << 7);
		return h ^ (h >> 15);
	}
	p = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	for (n = 0; n < 16; n++)
		h = (h ^ p[n]) * 16777619u;
	return h ^ ((const struct sockaddr_in6 *)sa)->sin6_port;
}

static int
peer_eq(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

int
tftp_xfer_init(struct tftp_srv *s, struct dt_errbuf *e)
{
	uint32_t want = (uint32_t)s->conf->tftp.max_transfers * 2;

	s->nbuckets = 1024;
	while (s->nbuckets < want && s->nbuckets < (1u << 20))
		s->nbuckets <<= 1;
	s->buckets = dt_calloc(DT_MEM_TFTP, s->nbuckets, sizeof *s->buckets);
	if (!s->buckets)
		return dt_errf(e, DT_ENOMEM, "tftp: out of memory for the transfer table");
	/* libevent's common timeouts make re-arming a timer O(1) (a FIFO per duration) instead of a
	 * heap operation; one per backoff level of the configured timeout. */
	for (int i = 0; i < 8; i++) {
		long base = s->conf->tftp.timeout_ms, ms = base << i;
		long cap = base > TFTP_BACKOFF_S * 1000L ? base : TFTP_BACKOFF_S * 1000L;
		struct timeval tv;
		if (ms > cap)
			ms = cap;
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		s->common_tv[i] = event_base_init_common_timeout(s->base, &tv);
		if (!s->common_tv[i])
			return dt_errf(e, DT_ENOMEM, "tftp: cannot create timers");
	}
	return DT_OK;
}

static struct xfer *
xfer_find(struct tftp_srv *s, const struct sockaddr *from)
{
	struct xfer *x = s->buckets[peer_hash(from) & (s->nbuckets - 1)];
	while (x && !peer_eq(&x->peer, from))
		x = x->hnext;
	return x;
}

static struct xfer *
xfer_alloc(struct tftp_srv *s)
{
	struct xfer *x;

	if (!s->free_list) {
		struct xfer *chunk;
		if (s->n_chunks == (int)(sizeof s->chunks / sizeof s->chunks[0]))
			return NULL;
		chunk = dt_calloc(DT_MEM_TFTP, CHUNK, sizeof *chunk);
		if (!chunk)
			return NULL;
		s->chunks[s->n_chunks++] = chunk;
		for (int i = CHUNK - 1; i >= 0; i--) {
			chunk[i].hnext = s->free_list;
			s->free_list = &chunk[i];
		}
	}
	x = s->free_list;
	s->free_list = x->hnext;
	memset(x, 0, offsetof(struct xfer, name) + 1);
	return x;
}

static void
xfer_release(struct tftp_srv *s, struct xfer *x)
{
	x->hnext = s->free_list;
	s->free_list = x;
}

static void
peer_text(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(buf, cap, "%s:%u", host, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		snprintf(buf, cap, "[%s]:%u", host, ntohs(in6->sin6_port));
	}
}

/* The one trace line of a transfer (issue: client, file, protocol, options, bytes, duration,
 * result, device). */
static void
trace(struct tftp_srv *s, struct xfer *x, int result, const char *detail)
{
	char peer[64], opts[96] = "";
	struct timespec now;
	uint64_t bytes, us;
	size_t n = 0;

	if (!dt_log_enabled(DT_INFO))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (uint64_t)(now.tv_sec - x->started.tv_sec) * 1000000u +
	     (uint64_t)((now.tv_nsec - x->started.tv_nsec) / 1000);
	peer_text(&x->peer, peer, sizeof peer);
	if (x->granted.present & TFTP_OPT_BLKSIZE)
		n += (size_t)snprintf(opts + n, sizeof opts - n, ",blksize=%u", x->blksize);
	if ((x->granted.present & TFTP_OPT_TSIZE) && n < sizeof opts)
		n += (size_t)snprintf(opts + n, sizeof opts - n, ",tsize=%llu",
				      (unsigned long long)x->size);
	if ((x->granted.present & TFTP_OPT_TIMEOUT) && n < sizeof opts)
		n += (size_t)snprintf(opts + n, sizeof opts - n, ",timeout=%u", x->granted.timeout);
	if ((x->granted.present & TFTP_OPT_WINDOWSIZE) && n < sizeof opts)
		snprintf(opts + n, sizeof opts - n, ",windowsize=%u", x->window);
	bytes = result == XR_SENT ? x->size : x->base > 1 ? (x->base - 1) * x->blksize : 0;
	dt_log(result == XR_SENT || result == XR_NOTFOUND ? DT_INFO : DT_WARN, "tftp",
	       x->file.device,
	       "%s client=%s file=\"%s\" proto=tftp mode=%s opts=%s bytes=%llu resent=%llu "
	       "duration_ms=%llu.%03llu%s%s",
	       result_text[result], peer, x->name, x->netascii ? "netascii" : "octet",
	       opts[0] ? opts + 1 : "-", (unsigned long long)bytes, (unsigned long long)x->resent,
	       (unsigned long long)(us / 1000), (unsigned long long)(us % 1000),
	       detail ? " detail=" : "", detail ? detail : "");
}

static void
count(struct tftp_srv *s, int result)
{
	unsigned long *c[] = {[XR_SENT] = &s->n_sent,
			      [XR_NOTFOUND] = &s->n_notfound,
			      [XR_REFUSED] = &s->n_refused,
			      [XR_TIMEOUT] = &s->n_timeout,
			      [XR_PEER_ERROR] = &s->n_peer_error,
			      [XR_ERROR] = &s->n_error};
	(*c[result])++;
}

static void
xfer_unlink(struct tftp_srv *s, struct xfer *x)
{
	struct xfer **pp = &s->buckets[peer_hash((struct sockaddr *)&x->peer) & (s->nbuckets - 1)];
	while (*pp && *pp != x)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = x->hnext;
}

static void
xfer_end(struct tftp_srv *s, struct xfer *x, int result, const char *detail)
{
	/* Queued DATA points into the file: send it before the reference goes. */
	tftp_out_flush(s);
	event_del(&x->timer);
	trace(s, x, result, detail);
	count(s, result);
	if (result == XR_SENT)
		s->bytes += x->size;
	files_put(&x->file);
	xfer_unlink(s, x);
	s->active--;
	xfer_release(s, x);
}

static void
arm(struct tftp_srv *s, struct xfer *x)
{
	struct timeval tv;
	uint64_t ms, cap;

	if (x->timeout_common && x->tries < 8) {
		event_add(&x->timer, s->common_tv[x->tries]);
		return;
	}
	/* Doubling up to 5 s; a client's own timeout above that is used as is, never doubled, so
	 * a half-open transfer is dropped after (retries + 1) x 255 s at the very worst. */
	cap = x->timeout_ms > TFTP_BACKOFF_S * 1000u ? x->timeout_ms : TFTP_BACKOFF_S * 1000u;
	ms = (uint64_t)x->timeout_ms << (x->tries < 16 ? x->tries : 16);
	if (ms > cap)
		ms = cap;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	event_add(&x->timer, &tv);
}

static void
send_block(struct tftp_srv *s, struct xfer *x, uint64_t k)
{
	uint8_t hdr[4];
	const uint8_t *body;
	size_t n;

	tftp_data_hdr(hdr, (uint16_t)k);
	if (x->netascii) {
		n = tftp_ascii_encode(x->file.data, x->file.len, &x->ascii_next, s->scratch,
				      x->blksize);
		body = s->scratch;
	} else {
		uint64_t off = (k - 1) * x->blksize;
		n = x->size - off < x->blksize ? (size_t)(x->size - off) : x->blksize;
		body = x->file.data + off;
	}
	tftp_out_queue(s, x->sock->fd, (struct sockaddr *)&x->peer, x->peerlen, hdr, 4, body, n);
	/* The scratch buffer is shared: a netascii block leaves before the next is built. */
	if (x->netascii)
		tftp_out_flush(s);
	x->next = k + 1;
}

static void
send_window(struct tftp_srv *s, struct xfer *x)
{
	while (x->next <= x->last && x->next < x->base + x->window)
		send_block(s, x, x->next);
}

static void
send_oack(struct tftp_srv *s, struct xfer *x)
{
	struct tftp_pkt p;
	uint8_t buf[96];
	size_t n;

	memset(&p, 0, sizeof p);
	p.op = TFTP_OACK;
	p.u.oack = x->granted;
	if (tftp_pkt_encode(&p, buf, sizeof buf, &n) == 0)
		tftp_out_queue(s, x->sock->fd, (struct sockaddr *)&x->peer, x->peerlen, buf, n,
			       NULL, 0);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct xfer *x = arg;
	struct tftp_srv *s = x->sock->srv;

	if (++x->tries > s->conf->tftp.retries) {
		xfer_end(s, x, XR_TIMEOUT, "no ACK after retransmissions");
		return;
	}
	if (x->base == 0) {
		send_oack(s, x);
	} else {
		x->resent += x->next - x->base;
		x->next = x->base;
		x->ascii_next = x->ascii_base;
		send_window(s, x);
	}
	tftp_out_flush(s);
	arm(s, x);
}

/* Netascii state at block `to`, replayed from the state at base (rare path: partial ACK). */
static struct tftp_ascii
ascii_at(struct tftp_srv *s, struct xfer *x, uint64_t to)
{
	struct tftp_ascii st = x->ascii_base;
	for (uint64_t k = x->base; k < to; k++)
		tftp_ascii_encode(x->file.data, x->file.len, &st, s->scratch, x->blksize);
	return st;
}

static void
on_ack(struct tftp_srv *s, struct xfer *x, uint16_t b)
{
	uint64_t lo, hi, idx;

	if (x->base == 0) {
		if (b != 0)
			return;
		x->base = x->next = 1;
		x->tries = 0;
		send_window(s, x);
		arm(s, x);
		return;
	}
	lo = x->base - 1;
	hi = x->next - 1;
	idx = lo + (uint16_t)(b - (uint16_t)lo);
	/* Duplicate (idx == lo) or not sent yet: no reply, or duplicates would multiply. */
	if (idx == lo || idx > hi)
		return;
	if (x->netascii)
		x->ascii_base = idx == hi ? x->ascii_next : ascii_at(s, x, idx + 1);
	x->base = idx + 1;
	x->tries = 0;
	if (idx == x->last) {
		xfer_end(s, x, XR_SENT, NULL);
		return;
	}
	if (idx < hi) {
		x->resent += hi - idx;
		x->next = x->base;
		x->ascii_next = x->ascii_base;
	}
	send_window(s, x);
	arm(s, x);
}

/* Answers to unknown TIDs are budgeted: spoofed sources must not turn the data ports into a
 * reflector. */
static int
err5_allowed(struct tftp_srv *s)
{
	struct timeval tv;
	event_base_gettimeofday_cached(s->base, &tv);
	if (tv.tv_sec != s->err5_sec) {
		s->err5_sec = tv.tv_sec;
		s->err5_n = 0;
	}
	return s->err5_n++ < TFTP_ERR5_PER_S;
}

void
tftp_xfer_datagram(struct tftp_srv *s, struct tftp_sock *sk, const uint8_t *buf, size_t len,
		   const struct sockaddr *from, socklen_t fromlen)
{
	struct xfer *x = xfer_find(s, from);
	struct tftp_pkt p;
	const char *why;
	int rc = tftp_pkt_decode(buf, len, &p, &why);
	char msg[96];

	if (!x || x->sock != sk) {
		/* RFC 1350: a packet from an unknown TID gets error 5 and the transfer it might
		 * belong to is not disturbed; never answer an ERROR (no error loops). */
		s->n_unknown_tid++;
		if ((rc != DT_OK || p.op != TFTP_ERROR) && err5_allowed(s))
			tftp_out_error(s, sk->fd, from, fromlen, TFTP_E_UNKNOWN_TID,
				       tftp_err_text(TFTP_E_UNKNOWN_TID));
		return;
	}
	if (rc != DT_OK) {
		s->n_bad++;
		return;
	}
	switch (p.op) {
	case TFTP_ACK:
		on_ack(s, x, p.u.ack.block);
		break;
	case TFTP_ERROR:
		snprintf(msg, sizeof msg, "code %u \"%.*s\"", p.u.error.code,
			 (int)(p.u.error.msg.len > 60 ? 60 : p.u.error.msg.len), p.u.error.msg.p);
		for (char *c = msg; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		xfer_end(s, x, XR_PEER_ERROR, msg);
		break;
	default:
		tftp_out_error(s, sk->fd, from, fromlen, TFTP_E_ILLEGAL,
			       tftp_err_text(TFTP_E_ILLEGAL));
		xfer_end(s, x, XR_ERROR, "unexpected packet on the transfer");
		break;
	}
}

static void
printable(char *dst, size_t cap, struct dt_slice s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		dst[i] = c < 0x20 || c == 0x7f || c == '"' ? '?' : (char)c;
	}
	dst[n] = 0;
}

static void
negotiate(struct tftp_srv *s, struct xfer *x, const struct tftp_opts *o)
{
	const struct dt_conf *c = s->conf;

	x->blksize = TFTP_BLKSIZE_DEFAULT;
	x->window = 1;
	x->timeout_ms = (uint32_t)c->tftp.timeout_ms;
	x->timeout_common = 1;
	if (o->present & TFTP_OPT_BLKSIZE) {
		/* RFC 2348: the server may answer with a smaller size than asked. */
		x->blksize =
		    o->blksize < c->tftp.max_blksize ? o->blksize : (uint16_t)c->tftp.max_blksize;
		x->granted.present |= TFTP_OPT_BLKSIZE;
		x->granted.blksize = x->blksize;
	}
	if (o->present & TFTP_OPT_TIMEOUT) {
		x->timeout_ms = o->timeout * 1000u;
		x->timeout_common = 0;
		x->granted.present |= TFTP_OPT_TIMEOUT;
		x->granted.timeout = o->timeout;
	}
	if (o->present & TFTP_OPT_WINDOWSIZE) {
		x->window = o->windowsize < c->tftp.max_windowsize
				? o->windowsize
				: (uint16_t)c->tftp.max_windowsize;
		x->granted.present |= TFTP_OPT_WINDOWSIZE;
		x->granted.windowsize = x->window;
	}
	x->size = x->netascii ? tftp_ascii_size(x->file.data, x->file.len) : x->file.len;
	if (o->present & TFTP_OPT_TSIZE) {
		x->granted.present |= TFTP_OPT_TSIZE;
		x->granted.tsize = x->size;
	}
	x->last = x->size / x->blksize + 1;
	x->ascii_base.pending = x->ascii_next.pending = -1;
}

static void
refuse(struct tftp_srv *s, struct xfer *x, int rc, const char *why)
{
	struct tftp_sock *sk = x->sock;
	int code = rc == DT_ENOENT ? TFTP_E_NOTFOUND : TFTP_E_ACCESS;
	int result = rc == DT_ENOENT ? XR_NOTFOUND : XR_REFUSED;

	tftp_out_error(s, sk->fd, (struct sockaddr *)&x->peer, x->peerlen, code,
		       tftp_err_text(code));
	trace(s, x, result, rc == DT_ENOENT ? NULL : why);
	count(s, result);
}

void
tftp_xfer_request(struct tftp_srv *s, const struct tftp_pkt *p, const struct sockaddr *from,
		  socklen_t fromlen)
{
	struct tftp_sock *sk;
	struct xfer *x;
	const char *why = NULL;
	int rc;

	sk = &s->pool[s->rr++ % s->n_pool];
	if ((x = xfer_find(s, from)) != NULL) {
		/* Nothing acknowledged yet: a retransmitted RRQ, which the transfer's own timer
		 * answers (answering here too would double every packet). */
		if (x->base <= 1)
			return;
		/* Otherwise the client has moved on from that port (a new socket got the same
		 * port): it had everything if only the final ACK is missing. */
		/* The new transfer takes the old one's socket, so a late ACK of the old one meets
		 * the new one (and is ignored as outside its window) instead of drawing error 5. */
		sk = x->sock;
		if (x->next > x->last)
			xfer_end(s, x, XR_SENT, NULL);
		else
			xfer_end(s, x, XR_PEER_ERROR, "abandoned: new request from the same port");
	}
	if (s->active >= s->conf->tftp.max_transfers || !(x = xfer_alloc(s))) {
		tftp_out_error(s, sk->fd, from, fromlen, TFTP_E_UNDEF, "Server busy, try later");
		s->n_busy++;
		return;
	}
	x->sock = sk;
	memcpy(&x->peer, from, fromlen);
	x->peerlen = fromlen;
	clock_gettime(CLOCK_MONOTONIC, &x->started);
	printable(x->name, sizeof x->name, p->u.req.file);
	x->netascii = p->u.req.mode == TFTP_MODE_NETASCII;
	if (p->op == TFTP_WRQ) {
		refuse(s, x, DT_EPERM, "WRQ: the file service is read-only");
		xfer_release(s, x);
		return;
	}
	if (p->u.req.mode == TFTP_MODE_MAIL) {
		refuse(s, x, DT_EPERM, "mail mode is not supported");
		xfer_release(s, x);
		return;
	}
	rc = files_get(s->files, p->u.req.file.p, p->u.req.file.len, from, &x->file, &why);
	if (rc != DT_OK) {
		refuse(s, x, rc, why);
		xfer_release(s, x);
		return;
	}
	negotiate(s, x, &p->u.req.opt);
	x->hnext = s->buckets[peer_hash(from) & (s->nbuckets - 1)];
	s->buckets[peer_hash(from) & (s->nbuckets - 1)] = x;
	s->active++;
	event_assign(&x->timer, s->base, -1, 0, on_timer, x);
	if (x->granted.present) {
		send_oack(s, x);
	} else {
		x->base = x->next = 1;
		send_window(s, x);
	}
	arm(s, x);
}

void
tftp_xfer_fini(struct tftp_srv *s)
{
	for (uint32_t i = 0; s->buckets && i < s->nbuckets; i++) {
		while (s->buckets[i]) {
			struct xfer *x = s->buckets[i];
			s->buckets[i] = x->hnext;
			event_del(&x->timer);
			files_put(&x->file);
		}
	}
	for (int i = 0; i < s->n_chunks; i++)
		dt_free(DT_MEM_TFTP, s->chunks[i]);
	s->n_chunks = 0;
	s->free_list = NULL;
	dt_free(DT_MEM_TFTP, s->buckets);
	s->buckets = NULL;
}
