/* summary: the phone's TFTP client (RFC 1350) on the shared codec src/proto/tftp: RRQ from the
 * leased address to port 69, DATA/ACK lock-step from the server's transfer port, ERROR 1 = not
 * found. Plain 512-byte blocks and no options: whether Cisco phones send blksize/tsize is
 * unverified (files.md), and the server must work without them.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/tftp/tftp.h"

#define TFTP_PORT 69

static void
end(struct phone_fetch *f, int result, const char *why)
{
	phone_tftp_cancel(f);
	phone_fetch_tftp_done(f, result, why);
}

static int
send_last(struct phone_fetch *f, uint32_t server)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(server);
	sa.sin_port = htons(f->srv_port ? f->srv_port : TFTP_PORT);
	ssize_t n =
	    sendto(f->tftp_fd, f->last_pkt, f->last_len, 0, (struct sockaddr *)&sa, sizeof sa);
	struct timeval tv = {f->tftp_ms / 1000, (f->tftp_ms % 1000) * 1000};
	evtimer_add(f->tftp_timer, &tv);
	return n == (ssize_t)f->last_len ? 0 : -1;
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct phone_fetch *f = arg;
	if (++f->tries >= f->ph->env->o.retries) {
		end(f, PHONE_FETCH_UNREACHABLE, f->block ? "timeout mid-transfer" : "no answer");
		return;
	}
	f->tftp_ms *= 2; /* back off like a phone, not a flood */
	send_last(f, f->ph->tftp[f->srv]);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct phone_fetch *f = arg;
	uint8_t buf[600];
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	struct tftp_pkt p;
	char why[96];

	ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return;
	if (from.sin_addr.s_addr != htonl(f->ph->tftp[f->srv]))
		return;
	uint16_t port = ntohs(from.sin_port);
	if (f->srv_port && port != f->srv_port)
		return; /* another TID: RFC 1350 says answer ERROR 5; a phone just ignores it */
	if (tftp_pkt_decode(buf, (size_t)n, &p, NULL) != DT_OK) {
		end(f, PHONE_FETCH_ERROR, "malformed packet");
		return;
	}
	if (p.op == TFTP_ERROR) {
		snprintf(why, sizeof why, "error %u %.*s", p.u.error.code, (int)p.u.error.msg.len,
			 p.u.error.msg.p ? p.u.error.msg.p : "");
		end(f, p.u.error.code == TFTP_E_NOTFOUND ? PHONE_FETCH_NOTFOUND : PHONE_FETCH_ERROR,
		    why);
		return;
	}
	if (p.op != TFTP_DATA)
		return;
	f->srv_port = port;
	if (p.u.data.block != (uint16_t)(f->block + 1)) {
		return; /* duplicate: our ACK is retransmitted by the timer */
	}
	if (evbuffer_get_length(f->body) + p.u.data.len > PHONE_FILE_MAX) {
		end(f, PHONE_FETCH_ERROR, "file too large");
		return;
	}
	evbuffer_add(f->body, p.u.data.data, p.u.data.len);
	f->block = p.u.data.block;
	f->tries = 0;
	f->tftp_ms = f->ph->env->o.timeout_ms;
	struct tftp_pkt ack = {.op = TFTP_ACK};
	ack.u.ack.block = f->block;
	if (tftp_pkt_encode(&ack, f->last_pkt, sizeof f->last_pkt, &f->last_len) != DT_OK) {
		end(f, PHONE_FETCH_ERROR, "encode");
		return;
	}
	evtimer_del(f->tftp_timer);
	if (p.u.data.len < TFTP_BLKSIZE_DEFAULT) {
		/* Last block: ACK once, no dally (RFC 1350 §6 allows the server to time out). */
		struct sockaddr_in sa = from;
		sendto(f->tftp_fd, f->last_pkt, f->last_len, 0, (struct sockaddr *)&sa, sizeof sa);
		snprintf(why, sizeof why, "%zu bytes", evbuffer_get_length(f->body));
		end(f, PHONE_FETCH_OK, why);
		return;
	}
	send_last(f, f->ph->tftp[f->srv]);
}

void
phone_tftp_start(struct phone_fetch *f, uint32_t server)
{
	struct phone *ph = f->ph;
	struct tftp_pkt rrq = {.op = TFTP_RRQ};
	char msg[64];

	phone_tftp_cancel(f);
	evbuffer_drain(f->body, evbuffer_get_length(f->body));
	f->block = 0;
	f->srv_port = 0;
	f->tries = 0;
	f->tftp_ms = ph->env->o.timeout_ms;
	rrq.u.req.file = slice_make(f->name, strlen(f->name));
	rrq.u.req.mode = TFTP_MODE_OCTET;
	if (tftp_pkt_encode(&rrq, f->last_pkt, sizeof f->last_pkt, &f->last_len) != DT_OK) {
		phone_fetch_tftp_done(f, PHONE_FETCH_ERROR, "name too long");
		return;
	}
	f->tftp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(ph->ip);
	if (f->tftp_fd < 0 || bind(f->tftp_fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(msg, sizeof msg, "socket: %s", strerror(errno));
		if (f->tftp_fd >= 0)
			close(f->tftp_fd);
		f->tftp_fd = -1;
		phone_fetch_tftp_done(f, PHONE_FETCH_UNREACHABLE, msg);
		return;
	}
	f->tftp_ev = event_new(ph->env->base, f->tftp_fd, EV_READ | EV_PERSIST, on_read, f);
	f->tftp_timer = evtimer_new(ph->env->base, on_timeout, f);
	event_add(f->tftp_ev, NULL);
	if (send_last(f, server) != 0)
		end(f, PHONE_FETCH_UNREACHABLE, "send failed");
}

void
phone_tftp_cancel(struct phone_fetch *f)
{
	if (f->tftp_ev) {
		event_free(f->tftp_ev);
		f->tftp_ev = NULL;
	}
	if (f->tftp_timer) {
		event_free(f->tftp_timer);
		f->tftp_timer = NULL;
	}
	if (f->tftp_fd >= 0) {
		close(f->tftp_fd);
		f->tftp_fd = -1;
	}
}
