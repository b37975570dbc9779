/* summary: steps 9-10 and 14 on the wire: TCP to the CallManager group members in priority order
 * (the next one on refusal or timeout), the Cisco REGISTER (Contact +sip.instance,
 * +u.sip!devicename, +u.sip!model; Reason with ActiveLoad/InactiveLoad and the multipart
 * bulkregisterreq body on the first REGISTER), the digest answer, refresh at Expires − delta,
 * NOTIFY service-control, and the Expires 0 unregister. Source: shared/spec/sip-register.md.
 *
 * Messages are built with the shared builder (sip_out_*) and read with the shared parser
 * (sip_msg_parse, stream framing). One TCP connection per registration carries REGISTERs and the
 * server's NOTIFYs, as in every CUCM trace.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/step.h"
#include "proto/sip/sip.h"

#define SIP_MAX_MSG  65535
#define HOME_PROBE_S 5 /* registered on a backup: how often the primary is probed */

static const char supported[] =
    "replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,X-cisco-callinfo,"
    "X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,X-cisco-srtp-fallback,"
    "X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1";

static const char bulk_body[] =
    "--uniqueBoundary\r\n"
    "Content-Type: application/x-cisco-remotecc-request+xml\r\n"
    "Content-Disposition: session;handling=optional\r\n\r\n"
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\"><register></register>"
    "</contact></bulkregisterreq></x-cisco-remotecc-request>\r\n\r\n"
    "--uniqueBoundary\r\n"
    "Content-Type: application/x-cisco-remotecc-request+xml\r\n"
    "Content-Disposition: session;handling=optional\r\n\r\n"
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<x-cisco-remotecc-request><optionsind><combine max=\"6\"><service-control></service-control>"
    "</combine><dialog usage=\"hook status\"><unot></unot><sub></sub></dialog>"
    "<dialog usage=\"shared line\"><unot></unot><sub></sub></dialog></optionsind>"
    "</x-cisco-remotecc-request>\r\n"
    "--uniqueBoundary--\r\n";

static void connect_member(struct phone *ph);
static void make_auth(struct phone *ph);

static const struct phone_line *
line1(const struct phone *ph)
{
	static const struct phone_line none = {.name = ""};
	return ph->cnf.n_lines ? &ph->cnf.lines[0] : &none;
}

/* The digest user: authName, else the DN, else (no line: XMLDefault) the device name. */
const char *
phone_sip_auth_user(const struct phone *ph)
{
	const struct phone_line *ln = line1(ph);
	return ln->auth_name[0] ? ln->auth_name : ln->name[0] ? ln->name : ph->dev;
}

static const struct phone_cm *
cur_cm(const struct phone *ph)
{
	return &ph->cnf.cm[ph->sip.cm];
}

int
phone_cm_port(const struct phone *ph, const struct phone_cm *cm)
{
	return ph->cnf.tls ? cm->sips_port : cm->sip_port;
}

struct bufferevent *
phone_sip_bev(struct phone *ph, int fd)
{
	struct phone_env *env = ph->env;
	int one = 1;
	/* A REGISTER is one small write per transaction: Nagle would hold a TLS record back until
	 * the peer's delayed ACK (~40 ms per round trip measured on loopback). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (!ph->cnf.tls) {
		struct bufferevent *b =
		    bufferevent_socket_new(env->base, fd, BEV_OPT_CLOSE_ON_FREE);
		if (!b)
			close(fd);
		return b;
	}
	if (!env->ssl_ctx) {
		env->ssl_ctx = SSL_CTX_new(TLS_client_method());
		if (!env->ssl_ctx) {
			close(fd);
			return NULL;
		}
		SSL_CTX_set_min_proto_version(env->ssl_ctx, TLS1_2_VERSION);
		/* A real phone checks the CallManager's certificate against its CTL/ITL (or TVS);
		 * the simulator holds no trust list yet, so it does not verify (docs/phone.md). */
		SSL_CTX_set_verify(env->ssl_ctx, SSL_VERIFY_NONE, NULL);
	}
	SSL *ssl = SSL_new(env->ssl_ctx);
	struct bufferevent *b =
	    ssl ? bufferevent_openssl_socket_new(env->base, fd, ssl, BUFFEREVENT_SSL_CONNECTING,
						 BEV_OPT_CLOSE_ON_FREE)
		: NULL;
	if (!b) {
		if (ssl)
			SSL_free(ssl);
		close(fd);
	}
	return b;
}

/* "sip88xx.14-2-1-0001-14" → "14.2.1" for User-Agent. */
static void
firmware_version(const char *load, char *out, size_t cap)
{
	const char *p = strchr(load, '.');
	int parts = 0;
	size_t n = 0;
	out[0] = '\0';
	for (p = p ? p + 1 : load; *p && parts < 3 && n + 2 < cap; p++) {
		if (*p == '-') {
			if (++parts < 3)
				out[n++] = '.';
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

int
phone_sip_build(struct phone *ph, const struct phone_reg_to *to, char *buf, size_t cap, int expires,
		int first)
{
	struct phone_sip *s = &ph->sip;
	const struct phone_cm *cm = to->cm;
	/* No line (a phone booted from XMLDefault): the device name stands in as the AOR user. */
	const char *dn = line1(ph)->name[0] ? line1(ph)->name : ph->dev;
	char ip[16], mac_lc[13], fw[32], ruri[96];
	struct sip_out o;

	phone_ip_str(ph->ip, ip);
	for (int i = 0; i < 12; i++)
		mac_lc[i] = (char)(ph->o.mac[i] >= 'A' ? ph->o.mac[i] + 32 : ph->o.mac[i]);
	mac_lc[12] = '\0';
	firmware_version(ph->flash.active, fw, sizeof fw);
	snprintf(ruri, sizeof ruri, "sip:%s", cm->host);
	sip_out_init(&o, buf, cap);
	sip_out_request(&o, "REGISTER", slice_make(ruri, strlen(ruri)));
	sip_out_hdrf(&o, "Via", "SIP/2.0/%s %s:%d;branch=z9hG4bK%08llx",
		     ph->cnf.tls	 ? "TLS"
		     : phone_sip_udp(ph) ? "UDP"
					 : "TCP",
		     ip, to->local_port,
		     (unsigned long long)(phone_env_unique(ph->env) & 0xffffffffffull));
	sip_out_hdrf(&o, "From", "<sip:%s@%s>;tag=%s", dn, cm->host, s->from_tag);
	sip_out_hdrf(&o, "To", "<sip:%s@%s>", dn, cm->host);
	sip_out_hdrf(&o, "Call-ID", "%s", to->callid);
	sip_out_hdrf(&o, "Max-Forwards", "70");
	sip_out_hdrf(&o, "Session-ID", "%.8s00105000a000%s;remote=00000000000000000000000000000000",
		     s->from_tag + 12, mac_lc);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	sip_out_hdrf(&o, "Date", "%s", date);
	sip_out_hdrf(&o, "CSeq", "%u REGISTER", to->cseq);
	sip_out_hdrf(&o, "User-Agent", "Cisco-CP%s/%s", ph->model->name, fw);
	sip_out_hdrf(
	    &o, "Contact",
	    "<sip:%s@%s:%d;transport=%s>;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-"
	    "%s>\";+u.sip!devicename.ccm.cisco.com=\"%s\";+u.sip!model.ccm.cisco.com=\"%d\"%s",
	    s->contact_user, ip, to->local_port,
	    ph->cnf.tls		? "tls"
	    : phone_sip_udp(ph) ? "udp"
				: "tcp",
	    mac_lc, ph->dev, ph->model->number, to->keepalive ? ";expires=0;cisco-keep-alive" : "");
	sip_out_hdrf(&o, "Supported", "%s", supported);
	if (first)
		sip_out_hdrf(&o, "Reason",
			     "SIP;cause=200;text=\"cisco-alarm:23 Name=%s ActiveLoad=%s.loads "
			     "InactiveLoad=%s.loads Last=%s\"",
			     ph->dev, ph->flash.active,
			     ph->flash.inactive[0] ? ph->flash.inactive : ph->flash.active,
			     ph->flash.last);
	sip_out_hdrf(&o, "Expires", "%d", expires);
	if (to->auth && to->auth[0])
		sip_out_hdrf(&o, "Authorization", "%s", to->auth);
	if (first) {
		sip_out_hdrf(&o, "Mime-Version", "1.0");
		return sip_out_finish(&o, "multipart/mixed; boundary=uniqueBoundary", bulk_body,
				      sizeof bulk_body - 1);
	}
	return sip_out_finish(&o, NULL, NULL, 0);
}

int
phone_sip_build_register(struct phone *ph, char *buf, size_t cap, int expires, int first)
{
	struct phone_reg_to to = {cur_cm(ph), ph->sip.local_port, ph->sip.cseq, ph->sip.callid,
				  0,	      ph->sip.auth_hdr};
	return phone_sip_build(ph, &to, buf, cap, expires, first);
}

static void
arm(struct phone *ph, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	evtimer_add(ph->sip.timer, &tv);
}

/* One message to the member over the open transport (a request over UDP is retransmitted). */
static int
sip_write(struct phone *ph, const char *buf, size_t n, int request)
{
	if (phone_udp_is_open(ph))
		return phone_udp_send(ph, buf, n, request);
	return ph->sip.bev && bufferevent_write(ph->sip.bev, buf, n) == 0 ? 0 : -1;
}

static int
send_register(struct phone *ph, int expires)
{
	struct phone_sip *s = &ph->sip;
	char buf[4096];
	int first = !s->first_sent && expires > 0;
	s->cseq++;
	s->pending_expires = expires;
	make_auth(ph);
	int n = phone_sip_build_register(ph, buf, sizeof buf, expires, first);
	if (n < 0 || sip_write(ph, buf, (size_t)n, 1) != 0)
		return -1;
	if (first)
		s->first_sent = 1;
	if (phone_udp_is_open(ph)) {
		/* UDP: Timer E retransmits (phone_sip_udp.c) until this bound. */
		arm(ph, phone_udp_bound_ms(ph->env->o.timeout_ms, ph->env->o.retries));
		return 0;
	}
	/* TCP does the retransmitting; the transaction gives up after 2 × timeout_ms rather than
	 * Timer F (32 s) so a silent registrar fails over in seconds (troubleshooting.md). */
	arm(ph, 2 * ph->env->o.timeout_ms);
	return 0;
}

static void
close_bev(struct phone *ph)
{
	struct phone_sip *s = &ph->sip;
	if (s->bev) {
		bufferevent_free(s->bev);
		s->bev = NULL;
	}
	phone_udp_close(ph);
	if (s->timer)
		evtimer_del(s->timer);
	if (s->home_timer)
		evtimer_del(s->home_timer);
}

/* The current member failed before registration: try the next, or fail the step. */
static void
member_failed(struct phone *ph, const char *why)
{
	char what[160];
	const struct phone_cm *cm = cur_cm(ph);
	snprintf(what, sizeof what, "%s:%d (priority %d): %s", cm->host, phone_cm_port(ph, cm),
		 cm->priority, why);
	close_bev(ph);
	if (ph->sip.cm + 1 < ph->cnf.n_cm) {
		phone_step_log(ph, "retry", "TCP connect", what);
		ph->sip.cm++;
		connect_member(ph);
		return;
	}
	ph->sip.state = PHONE_SIP_IDLE;
	phone_fail(ph, "cm-unreachable", "no CallManager of the group answered (last %s)", what);
}

static void
answer_request(struct phone *ph, struct sip_msg *m)
{
	char buf[2048];
	struct sip_out o;
	sip_out_init(&o, buf, sizeof buf);
	sip_out_status(&o, 200, "OK");
	sip_out_response_hdrs(&o, m, "1");
	int n = sip_out_finish(&o, NULL, NULL, 0);
	if (n > 0)
		sip_write(ph, buf, (size_t)n, 0);
	if (m->method != SIP_M_NOTIFY)
		return;
	const struct sip_hdr *ev = sip_msg_hdr(m, SIP_H_EVENT, 0);
	struct dt_slice tok, params, rest = m->body;
	if (!ev)
		return;
	sip_value_split(ev->value, &tok, &params);
	if (!slice_caseeq(tok, "service-control"))
		return;
	/* Body: "action=restart\r\nRegisterCallId={...}\r\n..." */
	while (rest.len) {
		const char *nl = memchr(rest.p, '\n', rest.len);
		size_t ln = nl ? (size_t)(nl - rest.p) : rest.len;
		char line[64];
		if (ln > 7 && ln < sizeof line && strncmp(rest.p, "action=", 7) == 0) {
			memcpy(line, rest.p + 7, ln - 7);
			line[ln - 7] = '\0';
			line[strcspn(line, "\r ")] = '\0';
			phone_boot_service_control(ph, line);
			return;
		}
		rest.p += ln + (nl ? 1 : 0);
		rest.len -= ln + (nl ? 1 : 0);
	}
}

/* Authorization for the next REGISTER from the stored challenge: the nonce is reused with a
 * growing nonce-count (RFC 2617 §3.2.2), so refreshes and the unregister are not challenged
 * again and a registrar that refuses replayed nc values accepts them. */
static void
make_auth(struct phone *ph)
{
	struct phone_sip *s = &ph->sip;
	char uri[96];
	if (!s->chal.realm[0]) {
		s->auth_hdr[0] = '\0';
		return;
	}
	snprintf(uri, sizeof uri, "sip:%s", cur_cm(ph)->host);
	phone_chal_answer(&s->chal, phone_sip_auth_user(ph), line1(ph)->auth_password, uri,
			  phone_env_unique(ph->env), s->auth_hdr, sizeof s->auth_hdr);
}

static void
challenge(struct phone *ph, struct sip_msg *m)
{
	struct phone_sip *s = &ph->sip;
	const struct phone_line *ln = line1(ph);
	const char *user = phone_sip_auth_user(ph);
	int stale = 0;

	if (phone_chal_take(&s->chal, m, &stale) != 0) {
		phone_fail(ph, "auth", "%d without a usable digest challenge", m->status);
		return;
	}
	/* stale=true: our answer was right but the nonce aged or was replayed; answer once more
	 * without counting it as a wrong password (bounded by stale_tries). */
	if (stale ? ++s->stale_tries > 2 : ++s->auth_tries > 1) {
		phone_fail(ph, "auth",
			   "%d again after answering the challenge: credentials of %s rejected "
			   "(401 loop)",
			   m->status, user);
		return;
	}
	if (ln->auth_password[0] == '\0') {
		phone_fail(ph, "auth", "%d challenge but the config holds no authPassword for %s%s",
			   m->status, user,
			   ph->cnf.is_default ? " (phone booted from XMLDefault: not provisioned)"
					      : "");
		return;
	}
	const char *alg = s->chal.alg == SIP_DIGEST_SHA256 ? "SHA-256" : "MD5";
	char what[80];
	snprintf(what, sizeof what, "%s with %s",
		 stale ? "401 stale nonce; answering again" : "401 digest challenge; answering",
		 alg);
	phone_step_log(ph, "info", "REGISTER", what);
	/* The challenged REGISTER never took effect: the answer carries Reason + body again. */
	s->first_sent = 0;
	if (send_register(ph, s->pending_expires) != 0)
		member_failed(ph, "write failed");
}

static int
granted_expires(struct sip_msg *m, int dflt)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_H_EXPIRES, 0);
	uint64_t v;
	if (h && sip_uint_parse(h->value, 86400, &v) == DT_OK)
		return (int)v;
	h = sip_msg_hdr(m, SIP_H_CONTACT, 0);
	struct sip_addr a;
	struct dt_slice val;
	char b[16];
	if (h && sip_addr_parse(h->value, &a) == DT_OK &&
	    sip_param_get(a.params, "expires", &val) && val.len &&
	    slice_copy(val, b, sizeof b) == 0)
		return atoi(b);
	return dflt;
}

static void
on_response(struct phone *ph, struct sip_msg *m)
{
	struct phone_sip *s = &ph->sip;
	const struct sip_hdr *cs = sip_msg_hdr(m, SIP_H_CSEQ, 0);
	uint32_t num = 0;
	struct dt_slice meth;
	char got[160];

	if (!cs || sip_cseq_parse(cs->value, &num, &meth) != DT_OK || num != s->cseq)
		return; /* stale or foreign */
	if (m->status < 200)
		return;
	evtimer_del(s->timer);
	snprintf(got, sizeof got, "%d %.*s", m->status, (int)m->reason.len, m->reason.p);
	if ((m->status == 401 || m->status == 407) && s->auth_tries == 0) {
		challenge(ph, m);
		return;
	}
	if (s->state == PHONE_SIP_UNREGISTERING) {
		s->state = PHONE_SIP_IDLE;
		close_bev(ph);
		phone_step_log(ph, m->status == 200 ? "ok" : "failed", "REGISTER Expires: 0", got);
		if (ph->after_unregister)
			ph->after_unregister(ph);
		return;
	}
	if (m->status == 401 || m->status == 407) {
		challenge(ph, m);
		return;
	}
	if (m->status == 423) {
		const struct sip_hdr *me = sip_msg_hdr(m, SIP_H_MIN_EXPIRES, 0);
		uint64_t v;
		if (me && sip_uint_parse(me->value, 86400, &v) == DT_OK &&
		    (int)v > ph->cnf.reg_expires) {
			ph->cnf.reg_expires = (int)v;
			if (send_register(ph, ph->cnf.reg_expires) == 0)
				return;
		}
	}
	if ((m->status == 403 || m->status == 401) && s->chal.realm[0]) {
		phone_fail(ph, "auth",
			   "%s after answering the digest challenge: credentials of %s rejected",
			   got, phone_sip_auth_user(ph));
		return;
	}
	if (m->status != 200) {
		const char *cls = m->status == 403 ? "403" : m->status == 404 ? "404" : "rejected";
		if (s->state == PHONE_SIP_REGISTERED || s->refreshing) {
			phone_boot_cm_lost(ph, got);
			return;
		}
		phone_fail(ph, cls, "registration rejected: %s%s", got,
			   ph->cnf.is_default ? " (phone booted from XMLDefault: not provisioned)"
					      : "");
		return;
	}
	s->expires = granted_expires(m, ph->cnf.reg_expires);
	int was = s->state;
	s->state = PHONE_SIP_REGISTERED;
	s->auth_tries = 0;
	s->stale_tries = 0;
	int every = s->expires - ph->cnf.reg_delta;
	if (every < 1)
		every = 1;
	arm(ph, every * 1000);
	if (was == PHONE_SIP_REGISTERED && s->refreshing) {
		s->refreshing = 0;
		return;
	}
	s->refreshing = 0;
	s->registrations++;
	phone_boot_registered(ph);
}

void
phone_sip_input(struct phone *ph, struct sip_msg *m)
{
	if (m->is_request)
		answer_request(ph, m);
	else
		on_response(ph, m);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct phone *ph = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	for (int guard = 0; guard < 64; guard++) {
		size_t len = evbuffer_get_length(in);
		if (len == 0)
			return;
		const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)len);
		struct sip_msg m;
		int rc = sip_msg_parse(buf, len, SIP_PARSE_STREAM, SIP_MAX_MSG, &m);
		if (rc == DT_EAGAIN)
			return;
		if (rc != DT_OK) {
			char why[96];
			snprintf(why, sizeof why, "malformed SIP from the CallManager: %s",
				 sip_fault_why(m.fault));
			if (ph->sip.state == PHONE_SIP_REGISTERED)
				phone_boot_cm_lost(ph, why);
			else
				member_failed(ph, why);
			return;
		}
		phone_sip_input(ph, &m);
		if (ph->sip.bev != bev)
			return; /* the handler closed (or replaced) the connection */
		evbuffer_drain(in, m.len);
	}
}

/* Step 9 is done (connected, or a UDP socket ready): log it and send the first REGISTER. */
static void
begin_register(struct phone *ph, const char *sent, const char *got)
{
	struct phone_sip *s = &ph->sip;
	phone_step_log(ph, "ok", sent, got);
	ph->step = DT_STEP_SIP_REGISTER;
	gettimeofday(&ph->step_t0, NULL);
	s->state = PHONE_SIP_REGISTERING;
	s->auth_tries = 0;
	s->stale_tries = 0;
	s->auth_hdr[0] = '\0';
	s->chal.realm[0] = '\0';
	if (send_register(ph, ph->cnf.reg_expires) != 0)
		member_failed(ph, "write failed");
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct phone *ph = arg;
	struct phone_sip *s = &ph->sip;
	char got[160];

	if (what & BEV_EVENT_CONNECTED) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		evtimer_del(s->timer);
		if (getsockname(bufferevent_getfd(bev), (struct sockaddr *)&sa, &sl) == 0)
			s->local_port = ntohs(sa.sin_port);
		snprintf(got, sizeof got, "connected%s to %s:%d (member priority %d) from port %d",
			 ph->cnf.tls ? " over TLS" : "", cur_cm(ph)->host,
			 phone_cm_port(ph, cur_cm(ph)), cur_cm(ph)->priority, s->local_port);
		begin_register(ph, ph->cnf.tls ? "TCP SYN, TLS ClientHello" : "TCP SYN", got);
		return;
	}
	const char *why = (what & BEV_EVENT_EOF) ? "connection closed by the CallManager"
			  : errno		 ? strerror(errno)
						 : "connection error";
	phone_sip_transport_error(ph, why);
}

void
phone_sip_transport_error(struct phone *ph, const char *why)
{
	struct phone_sip *s = &ph->sip;
	char got[160];
	snprintf(got, sizeof got, "%s", why);
	if (s->state == PHONE_SIP_REGISTERED) {
		phone_boot_cm_lost(ph, got);
		return;
	}
	if (s->state == PHONE_SIP_UNREGISTERING) {
		s->state = PHONE_SIP_IDLE;
		close_bev(ph);
		if (ph->after_unregister)
			ph->after_unregister(ph);
		return;
	}
	member_failed(ph, got);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;
	struct phone_sip *s = &ph->sip;
	if (s->state == PHONE_SIP_REGISTERED) {
		s->refreshing = 1;
		if (send_register(ph, ph->cnf.reg_expires) != 0)
			phone_boot_cm_lost(ph, "refresh write failed");
		return;
	}
	if (s->state == PHONE_SIP_UNREGISTERING) {
		s->state = PHONE_SIP_IDLE;
		close_bev(ph);
		if (ph->after_unregister)
			ph->after_unregister(ph);
		return;
	}
	if (s->refreshing) {
		phone_boot_cm_lost(ph, "refresh REGISTER not answered");
		return;
	}
	member_failed(ph, s->state == PHONE_SIP_CONNECTING ? "connect timeout"
							   : "REGISTER not answered");
}

static void
connect_member(struct phone *ph)
{
	struct phone_sip *s = &ph->sip;
	const struct phone_cm *cm = cur_cm(ph);
	struct sockaddr_in local = {.sin_family = AF_INET}, peer = {.sin_family = AF_INET};
	char why[96];

	s->state = PHONE_SIP_CONNECTING;
	ph->step = DT_STEP_CONNECT_CM;
	if (!inet_aton(cm->host, &peer.sin_addr)) {
		/* processNodeName may be a host name; the loopback lab has no DNS (say so). */
		member_failed(ph,
			      "processNodeName is not an IPv4 address (no DNS in the simulator)");
		return;
	}
	peer.sin_port = htons((uint16_t)phone_cm_port(ph, cm));
	if (phone_sip_udp(ph)) {
		/* No connection over UDP: step 9 is the socket; the REGISTER's retransmission
		 * bound (or an ICMP port unreachable) moves the phone to the next member. */
		char got[160];
		if (phone_udp_open(ph, &peer, why, sizeof why) != 0) {
			member_failed(ph, why);
			return;
		}
		snprintf(got, sizeof got,
			 "UDP socket to %s:%d (member priority %d) from port %d, no connection",
			 cm->host, phone_cm_port(ph, cm), cm->priority, s->local_port);
		begin_register(ph, "UDP (transportLayerProtocol 2)", got);
		return;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	local.sin_addr.s_addr = htonl(ph->ip);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
		snprintf(why, sizeof why, "bind %s: %s", inet_ntoa(local.sin_addr),
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		member_failed(ph, why);
		return;
	}
	s->bev = phone_sip_bev(ph, fd);
	if (!s->bev) {
		member_failed(ph, "TLS or socket setup failed");
		return;
	}
	bufferevent_setcb(s->bev, on_read, NULL, on_event, ph);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	arm(ph, ph->env->o.timeout_ms);
	if (bufferevent_socket_connect(s->bev, (struct sockaddr *)&peer, sizeof peer) != 0)
		member_failed(ph, "connect failed");
}

/* Registered on a backup member: probe the primary and re-home when it is back. */
static void
home_probe(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;
	struct phone_sip *s = &ph->sip;
	struct sockaddr_in local = {.sin_family = AF_INET}, peer = {.sin_family = AF_INET};
	struct timeval tv = {HOME_PROBE_S, 0};

	if (s->state != PHONE_SIP_REGISTERED || s->cm == 0)
		return;
	if (!inet_aton(ph->cnf.cm[0].host, &peer.sin_addr))
		return;
	peer.sin_port = htons((uint16_t)phone_cm_port(ph, &ph->cnf.cm[0]));
	local.sin_addr.s_addr = htonl(ph->ip);
	/* A blocking connect on loopback answers at once (SYN-ACK or RST): no state to keep. */
	int pfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ok = pfd >= 0 && bind(pfd, (struct sockaddr *)&local, sizeof local) == 0 &&
		 connect(pfd, (struct sockaddr *)&peer, sizeof peer) == 0;
	if (pfd >= 0)
		close(pfd);
	if (!ok) {
		evtimer_add(s->home_timer, &tv);
		return;
	}
	phone_boot_cm_lost(ph, "primary CallManager is back: re-homing");
}

void
phone_sip_start(struct phone *ph)
{
	struct phone_sip *s = &ph->sip;
	char mac_lc[13];
	uint64_t u = phone_env_unique(ph->env);

	close_bev(ph);
	if (!s->timer)
		s->timer = evtimer_new(ph->env->base, on_timer, ph);
	if (!s->home_timer)
		s->home_timer = evtimer_new(ph->env->base, home_probe, ph);
	for (int i = 0; i < 12; i++)
		mac_lc[i] = (char)(ph->o.mac[i] >= 'A' ? ph->o.mac[i] + 32 : ph->o.mac[i]);
	mac_lc[12] = '\0';
	/* Call-ID and From tag shapes from sip-register.md: MAC first, then random. */
	snprintf(s->callid, sizeof s->callid, "%.8s-%.4s%04x-%08x-%08x@%s", mac_lc, mac_lc + 8,
		 (unsigned)(u & 0xffff), (unsigned)(u >> 16), (unsigned)(u >> 32) ^ 0x5a5a,
		 phone_ip_str(ph->ip, (char[16]){0}));
	snprintf(s->from_tag, sizeof s->from_tag, "%s%08x-%08x", mac_lc, (unsigned)(u >> 24),
		 (unsigned)u);
	if (line1(ph)->contact[0])
		snprintf(s->contact_user, sizeof s->contact_user, "%s", line1(ph)->contact);
	else
		snprintf(s->contact_user, sizeof s->contact_user, "%08x-%04x-%04x-%04x-%s",
			 (unsigned)(u >> 32), (unsigned)(u >> 16) & 0xffff, (unsigned)u & 0xffff,
			 (unsigned)(u >> 48), mac_lc);
	s->cseq = 100;
	s->first_sent = 0;
	s->refreshing = 0;
	s->cm = 0;
	connect_member(ph);
}

/* Registered and holding: arm the primary probe when on a backup member. */
void
phone_sip_registered_hook(struct phone *ph)
{
	struct timeval tv = {HOME_PROBE_S, 0};
	if (!ph->o.hold)
		return; /* about to unregister: no standby keepalive, no re-homing */
	/* The probe is a TCP connect: over UDP the phone stays on its backup (docs/phone.md). */
	if (ph->sip.cm > 0 && !phone_sip_udp(ph))
		evtimer_add(ph->sip.home_timer, &tv);
}

void
phone_sip_unregister(struct phone *ph, void (*done)(struct phone *ph))
{
	struct phone_sip *s = &ph->sip;
	ph->after_unregister = done;
	if (s->state != PHONE_SIP_REGISTERED || (!s->bev && !phone_udp_is_open(ph))) {
		close_bev(ph);
		s->state = PHONE_SIP_IDLE;
		if (done)
			done(ph);
		return;
	}
	evtimer_del(s->home_timer);
	phone_backup_stop(ph);
	s->state = PHONE_SIP_UNREGISTERING;
	s->refreshing = 0;
	s->auth_tries = 0;
	if (send_register(ph, 0) != 0) {
		close_bev(ph);
		s->state = PHONE_SIP_IDLE;
		if (done)
			done(ph);
	}
}

void
phone_sip_close(struct phone *ph)
{
	close_bev(ph);
	phone_backup_stop(ph);
	ph->sip.state = PHONE_SIP_IDLE;
	if (ph->sip.timer) {
		event_free(ph->sip.timer);
		ph->sip.timer = NULL;
	}
	if (ph->sip.home_timer) {
		event_free(ph->sip.home_timer);
		ph->sip.home_timer = NULL;
	}
}
