/* summary: the TFTP service's send queue: datagrams collected while a batch of received packets is
 * handled, then sent with one sendmmsg(2) per run of the same socket.
 *
 * Why: a window of 16 DATA blocks, or the answers to 32 ACKs drained by one recvmmsg, leave in one
 * system call instead of 16 or 32. DATA bodies are not copied: the iovec points into the file's
 * bytes, which the transfer's reference keeps alive until the flush (a transfer that ends flushes
 * first; see tftp_xfer_end).
 */
#include "svc/svc_tftp.h"

#include <errno.h>
#include <string.h>

#include "proto/tftp/tftp.h"

void
tftp_out_flush(struct tftp_srv *s)
{
	struct tftp_out *o = &s->out;
	int i = 0;

	while (i < o->n) {
		int j = i, sent;
		while (j < o->n && o->fd[j] == o->fd[i])
			j++;
		while (i < j) {
			sent = sendmmsg(o->fd[i], &o->m[i], (unsigned)(j - i), MSG_DONTWAIT);
			if (sent <= 0) {
				if (sent < 0 && errno == EINTR)
					continue;
				/* Buffer full or peer unreachable: drop this datagram; the
				 * retransmission timer recovers. */
				sent = 1;
			}
			i += sent;
		}
	}
	o->n = 0;
}

void
tftp_out_queue(struct tftp_srv *s, int fd, const struct sockaddr *to, socklen_t tolen,
	       const void *head, size_t hlen, const void *body, size_t blen)
{
	struct tftp_out *o = &s->out;
	int k;

	if (o->n == TFTP_OUT_SLOTS)
		tftp_out_flush(s);
	k = o->n++;
	if (hlen > sizeof o->small[k])
		hlen = sizeof o->small[k];
	memcpy(o->small[k], head, hlen);
	memcpy(&o->to[k], to, tolen);
	o->iov[k][0].iov_base = o->small[k];
	o->iov[k][0].iov_len = hlen;
	o->iov[k][1].iov_base = (void *)body;
	o->iov[k][1].iov_len = blen;
	memset(&o->m[k], 0, sizeof o->m[k]);
	o->m[k].msg_hdr.msg_name = &o->to[k];
	o->m[k].msg_hdr.msg_namelen = tolen;
	o->m[k].msg_hdr.msg_iov = o->iov[k];
	o->m[k].msg_hdr.msg_iovlen = blen ? 2 : 1;
	o->fd[k] = fd;
}

void
tftp_out_error(struct tftp_srv *s, int fd, const struct sockaddr *to, socklen_t tolen, int code,
	       const char *msg)
{
	struct tftp_pkt p;
	uint8_t buf[96];
	size_t n;

	memset(&p, 0, sizeof p);
	p.op = TFTP_ERROR;
	p.u.error.code = (uint16_t)code;
	p.u.error.msg = slice_make(msg, strnlen(msg, 80));
	if (tftp_pkt_encode(&p, buf, sizeof buf, &n) == 0)
		tftp_out_queue(s, fd, to, tolen, buf, n, NULL, 0);
}
