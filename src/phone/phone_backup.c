/* summary: the standby CallManager keepalive: while registered, the phone keeps a TCP connection
 * to the next member of its group and sends it a REGISTER with `Expires: 0` and a Contact carrying
 * `;expires=0;cisco-keep-alive`, which a registrar must answer 200 without touching any binding
 * (shared/spec/sip-register.md, TechNote 200410 trace). Repeated every timerKeepAliveExpires −
 * timerRegisterDelta seconds (115 s by default).
 *
 * The keepalive is informational for the boot: its outcome is logged as an `info` line at step 14
 * and never fails the phone; a dead standby is retried at the next interval.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/sip/sip.h"

static void bk_connect(struct phone *ph);

static void
bk_close(struct phone_backup *bk)
{
	if (bk->bev) {
		bufferevent_free(bk->bev);
		bk->bev = NULL;
	}
	bk->waiting = 0;
}

static void
bk_arm(struct phone *ph, int seconds)
{
	struct timeval tv = {seconds, 0};
	evtimer_add(ph->sip.bk.timer, &tv);
}

static int
interval(const struct phone *ph)
{
	int s = ph->cnf.keepalive_expires - ph->cnf.reg_delta;
	return s > 0 ? s : 1;
}

static void
bk_log(struct phone *ph, const char *got)
{
	char sent[128];
	const struct phone_cm *cm = &ph->cnf.cm[ph->sip.bk.cm];
	snprintf(sent, sizeof sent, "keepalive REGISTER (Expires: 0) to standby %s:%d", cm->host,
		 phone_cm_port(ph, cm));
	phone_step_log(ph, "info", sent, got);
}

static void
bk_send(struct phone *ph)
{
	struct phone_backup *bk = &ph->sip.bk;
	char uri[96];
	if (bk->chal.realm[0]) {
		/* A standby that challenges keepalives (digest devices) gets the line's answer. */
		snprintf(uri, sizeof uri, "sip:%s", ph->cnf.cm[bk->cm].host);
		phone_chal_answer(&bk->chal, phone_sip_auth_user(ph),
				  ph->cnf.n_lines ? ph->cnf.lines[0].auth_password : "", uri,
				  phone_env_unique(ph->env), bk->auth_hdr, sizeof bk->auth_hdr);
	}
	struct phone_reg_to to = {&ph->cnf.cm[bk->cm],
				  bk->local_port,
				  ++bk->cseq,
				  bk->callid,
				  1,
				  bk->chal.realm[0] ? bk->auth_hdr : NULL};
	char buf[4096];
	int n = phone_sip_build(ph, &to, buf, sizeof buf, 0, 0);
	if (n < 0 || bufferevent_write(bk->bev, buf, (size_t)n) != 0) {
		bk_log(ph, "write failed");
		bk_close(bk);
		bk_arm(ph, interval(ph));
		return;
	}
	bk->waiting = 1;
	bk_arm(ph, (2 * ph->env->o.timeout_ms + 999) / 1000);
}

static void
bk_read(struct bufferevent *bev, void *arg)
{
	struct phone *ph = arg;
	struct phone_backup *bk = &ph->sip.bk;
	struct evbuffer *in = bufferevent_get_input(bev);
	char got[128];

	for (int guard = 0; guard < 16 && bk->bev == bev; guard++) {
		size_t len = evbuffer_get_length(in);
		struct sip_msg m;
		if (len == 0)
			return;
		const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)len);
		int rc = sip_msg_parse(buf, len, SIP_PARSE_STREAM, 65535, &m);
		if (rc == DT_EAGAIN)
			return;
		if (rc != DT_OK) {
			bk_log(ph, "malformed answer; dropping the standby connection");
			bk_close(bk);
			bk_arm(ph, interval(ph));
			return;
		}
		int stale = 0;
		if (!m.is_request && (m.status == 401 || m.status == 407) && bk->waiting &&
		    !bk->answered && phone_chal_take(&bk->chal, &m, &stale) == 0) {
			/* Answer the standby's challenge once; a second one is logged below. */
			bk->answered = 1;
			evbuffer_drain(in, m.len);
			evtimer_del(bk->timer);
			bk_send(ph);
			continue;
		}
		if (!m.is_request && m.status >= 200 && bk->waiting) {
			snprintf(got, sizeof got, "%d %.*s", m.status, (int)m.reason.len,
				 m.reason.len ? m.reason.p : "");
			bk_log(ph, got);
			bk->waiting = 0;
			bk->answered = 0;
			evtimer_del(bk->timer);
			bk_arm(ph, interval(ph));
		}
		evbuffer_drain(in, m.len);
	}
}

static void
bk_event(struct bufferevent *bev, short what, void *arg)
{
	struct phone *ph = arg;
	struct phone_backup *bk = &ph->sip.bk;
	if (what & BEV_EVENT_CONNECTED) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		if (getsockname(bufferevent_getfd(bev), (struct sockaddr *)&sa, &sl) == 0)
			bk->local_port = ntohs(sa.sin_port);
		evtimer_del(bk->timer);
		bk_send(ph);
		return;
	}
	bk_log(ph,
	       (what & BEV_EVENT_EOF) ? "standby closed the connection" : "standby unreachable");
	bk_close(bk);
	bk_arm(ph, interval(ph));
}

static void
bk_timer(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;
	struct phone_backup *bk = &ph->sip.bk;
	if (bk->waiting) {
		bk_log(ph, "no answer");
		bk_close(bk);
		bk_arm(ph, interval(ph));
		return;
	}
	if (bk->bev)
		bk_send(ph);
	else
		bk_connect(ph);
}

static void
bk_connect(struct phone *ph)
{
	struct phone_backup *bk = &ph->sip.bk;
	const struct phone_cm *cm = &ph->cnf.cm[bk->cm];
	struct sockaddr_in local = {.sin_family = AF_INET}, peer = {.sin_family = AF_INET};

	if (!inet_aton(cm->host, &peer.sin_addr))
		return; /* no DNS in the simulator; the main connection already said so */
	peer.sin_port = htons((uint16_t)phone_cm_port(ph, cm));
	local.sin_addr.s_addr = htonl(ph->ip);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
		if (fd >= 0)
			close(fd);
		bk_arm(ph, interval(ph));
		return;
	}
	bk->bev = phone_sip_bev(ph, fd);
	if (!bk->bev) {
		bk_arm(ph, interval(ph));
		return;
	}
	bufferevent_setcb(bk->bev, bk_read, NULL, bk_event, ph);
	bufferevent_enable(bk->bev, EV_READ | EV_WRITE);
	bk_arm(ph, (ph->env->o.timeout_ms + 999) / 1000);
	if (bufferevent_socket_connect(bk->bev, (struct sockaddr *)&peer, sizeof peer) != 0) {
		bk_close(bk);
		bk_arm(ph, interval(ph));
	}
}

void
phone_backup_start(struct phone *ph)
{
	struct phone_backup *bk = &ph->sip.bk;
	phone_backup_stop(ph);
	bk->cm = -1;
	for (int i = 0; i < ph->cnf.n_cm; i++)
		if (i != ph->sip.cm) {
			bk->cm = i;
			break;
		}
	if (bk->cm < 0)
		return;
	if (!bk->timer)
		bk->timer = evtimer_new(ph->env->base, bk_timer, ph);
	/* Its own dialog: the standby must not mistake it for a refresh of the active binding. */
	snprintf(bk->callid, sizeof bk->callid, "%016llx-ka@%s",
		 (unsigned long long)phone_env_unique(ph->env), ph->dev);
	bk->cseq = 100;
	bk->chal.realm[0] = '\0';
	bk->answered = 0;
	bk_connect(ph);
}

void
phone_backup_stop(struct phone *ph)
{
	struct phone_backup *bk = &ph->sip.bk;
	bk_close(bk);
	if (bk->timer) {
		event_free(bk->timer);
		bk->timer = NULL;
	}
}
