/* summary: SIP over UDP for the phone (transportLayerProtocol 2 in SEP<MAC>.cnf.xml): one UDP
 * socket per registration, bound to the phone's leased address and connected to the CallManager
 * member, carrying the REGISTERs (retransmitted on RFC 3261 §17.1.2.2 Timer E: T1 = 500 ms,
 * doubling to T2 = 4 s, bounded by the transaction timer of phone_sip.c) and the server's NOTIFYs.
 *
 * Why a connected socket: the kernel then drops datagrams from anyone but the member, and an ICMP
 * port unreachable comes back as ECONNREFUSED on the next recv, which is the UDP twin of a refused
 * TCP connection (the phone fails over to the next member at once). Messages are parsed with the
 * shared codec (sip_msg_parse, datagram mode) and handed to phone_sip.c, which keeps the state.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/mem.h"
#include "proto/sip/sip.h"

#define UDP_MAX	       65535
#define CISCO_UDP_PORT 5060 /* a Cisco phone sends and listens on 5060 over UDP */

int
phone_udp_interval_ms(int k, int proceeding)
{
	if (proceeding)
		return PHONE_UDP_T2_MS; /* RFC 3261 §17.1.2.2: after a 1xx, retransmit every T2 */
	int ms = PHONE_UDP_T1_MS;
	for (int i = 1; i < k && ms < PHONE_UDP_T2_MS; i++)
		ms *= 2;
	return ms < PHONE_UDP_T2_MS ? ms : PHONE_UDP_T2_MS;
}

int
phone_udp_bound_ms(int timeout_ms, int retries)
{
	/* Timer F is 64·T1 = 32 s; a phone that waits that long before failing over looks dead to
	 * the administrator, so the bound follows --timeout × --retries (×2, as TCP allows twice
	 * the timeout for one transaction), never beyond Timer F. */
	long b = 2L * timeout_ms * (retries > 0 ? retries : 1);
	if (b < 2L * timeout_ms)
		b = 2L * timeout_ms;
	return b > 64 * PHONE_UDP_T1_MS ? 64 * PHONE_UDP_T1_MS : (int)b;
}

int
phone_sip_udp(const struct phone *ph)
{
	return ph->cnf.transport == 2 && !ph->cnf.tls;
}

int
phone_udp_is_open(const struct phone *ph)
{
	return ph->sip.udp.rd != NULL;
}

static void
stop_rtx(struct phone_udp *u)
{
	if (u->rtx)
		evtimer_del(u->rtx);
	dt_free(DT_MEM_PHONE, u->pending);
	u->pending = NULL;
	u->pending_len = 0;
	u->sent = 0;
	u->proceeding = 0;
}

void
phone_udp_close(struct phone *ph)
{
	struct phone_udp *u = &ph->sip.udp;
	stop_rtx(u);
	if (u->rtx) {
		event_free(u->rtx);
		u->rtx = NULL;
	}
	if (u->rd) {
		event_free(u->rd);
		u->rd = NULL;
		close(u->fd);
		u->fd = -1;
	}
	u->final_cseq = 0;
	u->gen++;
}

static void
on_rtx(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;
	struct phone_udp *u = &ph->sip.udp;
	if (!u->pending || !u->rd)
		return;
	/* A lost datagram is normal under load; a send error other than "try later" is left to
	 * the transaction timer (or to ECONNREFUSED on the read side). */
	(void)send(u->fd, u->pending, u->pending_len, MSG_DONTWAIT);
	u->sent++;
	u->retransmits++;
	struct timeval tv;
	int ms = phone_udp_interval_ms(u->sent, u->proceeding);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(u->rtx, &tv);
}

int
phone_udp_send(struct phone *ph, const char *buf, size_t len, int request)
{
	struct phone_udp *u = &ph->sip.udp;
	if (!u->rd)
		return -1;
	if (send(u->fd, buf, len, MSG_DONTWAIT) != (ssize_t)len && errno != EAGAIN &&
	    errno != ENOBUFS)
		return -1;
	if (!request)
		return 0; /* responses are sent again only when the request comes again */
	stop_rtx(u);
	u->pending = dt_malloc(DT_MEM_PHONE, len);
	if (!u->pending)
		return 0; /* no copy: the transaction timer still bounds it, just no retransmits */
	memcpy(u->pending, buf, len);
	u->pending_len = len;
	u->sent = 1;
	struct timeval tv = {0, PHONE_UDP_T1_MS * 1000};
	evtimer_add(u->rtx, &tv);
	return 0;
}

/* A response to our REGISTER: a final one ends Timer E, a provisional one slows it to T2. The
 * registrar answers each retransmission from its transaction cache, so a final response may
 * arrive twice: 0 = a repeat, drop it. */
static int
answered(struct phone *ph, const struct sip_msg *m)
{
	struct phone_udp *u = &ph->sip.udp;
	const struct sip_hdr *cs = sip_msg_hdr(m, SIP_H_CSEQ, 0);
	uint32_t num = 0;
	struct dt_slice meth;
	if (!cs || sip_cseq_parse(cs->value, &num, &meth) != DT_OK || num != ph->sip.cseq)
		return 1; /* stale or foreign: phone_sip.c ignores it */
	if (m->status >= 200) {
		if (u->final_cseq == num)
			return 0;
		u->final_cseq = num;
		stop_rtx(u);
		return 1;
	}
	if (u->pending && !u->proceeding) {
		struct timeval tv = {PHONE_UDP_T2_MS / 1000, 0};
		u->proceeding = 1;
		evtimer_add(u->rtx, &tv);
	}
	return 1;
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	static char buf[UDP_MAX + 1]; /* one loop, one thread: parsed and handled before reuse */
	struct phone *ph = arg;
	struct phone_udp *u = &ph->sip.udp;
	unsigned gen = u->gen;

	for (int guard = 0; guard < 16 && u->gen == gen; guard++) {
		ssize_t n = recv(fd, buf, UDP_MAX, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			char why[96];
			snprintf(why, sizeof why, "%s (UDP)",
				 errno == ECONNREFUSED ? "port unreachable: nothing listens"
						       : strerror(errno));
			phone_sip_transport_error(ph, why);
			return;
		}
		if (n <= 4 && (n == 0 || buf[0] == '\r' || buf[0] == '\n'))
			continue; /* keep-alive CRLFs */
		struct sip_msg m;
		if (sip_msg_parse(buf, (size_t)n, 0, UDP_MAX, &m) != DT_OK)
			continue; /* a datagram that is not SIP is dropped, as a phone does */
		if (!m.is_request && !answered(ph, &m))
			continue;
		phone_sip_input(ph, &m);
	}
}

int
phone_udp_open(struct phone *ph, const struct sockaddr_in *peer, char *why, size_t cap)
{
	struct phone_udp *u = &ph->sip.udp;
	struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(CISCO_UDP_PORT)};
	socklen_t sl = sizeof local;

	phone_udp_close(ph);
	local.sin_addr.s_addr = htonl(ph->ip);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, cap, "UDP socket: %s", strerror(errno));
		return -1;
	}
	/* 5060 as a real phone; when taken (the server on the same address) any port. */
	if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
		local.sin_port = 0;
		if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
			snprintf(why, cap, "bind %s: %s", inet_ntoa(local.sin_addr),
				 strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (const struct sockaddr *)peer, sizeof *peer) != 0 ||
	    getsockname(fd, (struct sockaddr *)&local, &sl) != 0) {
		snprintf(why, cap, "UDP connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	u->fd = fd;
	u->rd = event_new(ph->env->base, fd, EV_READ | EV_PERSIST, on_read, ph);
	u->rtx = evtimer_new(ph->env->base, on_rtx, ph);
	if (!u->rd || !u->rtx || event_add(u->rd, NULL) != 0) {
		if (!u->rd)
			close(fd);
		phone_udp_close(ph);
		snprintf(why, cap, "UDP event setup failed");
		return -1;
	}
	ph->sip.local_port = ntohs(local.sin_port);
	return 0;
}
