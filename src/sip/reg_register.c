/* summary: REGISTER processing (RFC 3261 §10.3 steps 1-8, Cisco/CUCM answers of
 * spec/sip-register.md): AOR and device checks, digest, Contact rules, the 200 OK.
 *
 * Order matters for privacy: when any line asks for digest, authentication runs before the AOR is
 * looked up, so a scanner gets the same 401 and the same 403 for a real and an unknown extension.
 * All Contacts are validated before any binding changes, so a 423 or a stale CSeq leaves the
 * location service exactly as it was.
 */
#include "sip/reg_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

#define MAX_CONTACTS 16

struct contact {
	struct sip_addr a;
	struct dt_slice uri;	/* URI text */
	struct dt_slice params; /* header params, expires and Cisco markers included */
	uint32_t expires;
	int q;
	int keepalive;
};

struct req {
	char aor[33];
	char device[16]; /* from +u.sip!devicename, "" when absent */
	struct contact ct[MAX_CONTACTS];
	int n;
	int star;
	struct dt_slice call_id;
	uint32_t cseq;
	int expires_hdr; /* -1 when absent */
	int cisco;	 /* a Cisco phone: device name in Contact or Cisco- User-Agent */
};

static int
param_u32(struct dt_slice params, const char *name, uint32_t *out)
{
	struct dt_slice v;
	uint64_t n;
	if (!sip_param_get(params, name, &v) || sip_uint_parse(v, UINT32_MAX, &n) != DT_OK)
		return 0;
	*out = (uint32_t)n;
	return 1;
}

/* q=0.5 → 500 (RFC 3261 §20.10 qvalue); 1000 when absent or malformed. */
static int
qvalue(struct dt_slice params)
{
	struct dt_slice v;
	int q = 0, scale = 1000;
	if (!sip_param_get(params, "q", &v) || !v.len)
		return 1000;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] == '.')
			continue;
		if (v.p[i] < '0' || v.p[i] > '9')
			return 1000;
		if (i == 0)
			q = (v.p[i] - '0') * 1000;
		else if ((scale /= 10) > 0)
			q += (v.p[i] - '0') * scale;
	}
	return q > 1000 ? 1000 : q;
}

/* Fill rq from m; returns 0 or a status (400, 416). */
static int
read_request(struct reg *r, struct sip_msg *m, struct req *rq, const char **why)
{
	struct sip_addr to;
	struct sip_uri u;
	struct dt_slice method, v;
	uint64_t n;
	const struct sip_hdr *h;
	memset(rq, 0, sizeof *rq);
	rq->expires_hdr = -1;
	sip_addr_parse(sip_msg_hdr(m, SIP_H_TO, 0)->value, &to);
	if (sip_uri_parse(to.uri, &u) != DT_OK || !u.is_sip) {
		*why = "Unsupported URI Scheme";
		return 416;
	}
	if (slice_copy(u.user, rq->aor, sizeof rq->aor) < 0 || !rq->aor[0]) {
		*why = "Not Found";
		return 404;
	}
	rq->call_id = sip_msg_hdr(m, SIP_H_CALL_ID, 0)->value;
	sip_cseq_parse(sip_msg_hdr(m, SIP_H_CSEQ, 0)->value, &rq->cseq, &method);
	if ((h = sip_msg_hdr(m, SIP_H_EXPIRES, 0)) && sip_uint_parse(h->value, UINT32_MAX, &n) == 0)
		rq->expires_hdr = (int)(n > INT32_MAX ? INT32_MAX : n);
	for (int k = 0; k < m->n_hdrs; k++) {
		struct dt_slice rest = m->hdrs[k].value, item;
		if (m->hdrs[k].id != SIP_H_CONTACT)
			continue;
		while (sip_list_next(&rest, &item)) {
			struct contact *c;
			if (slice_eq(item, "*")) {
				rq->star = 1;
				continue;
			}
			if (rq->n == MAX_CONTACTS) {
				*why = "Too Many Contacts";
				return 400;
			}
			c = &rq->ct[rq->n++];
			sip_addr_parse(item, &c->a);
			c->uri = c->a.uri;
			c->params = c->a.params;
			if (sip_uri_parse(c->uri, &u) != DT_OK || !u.is_sip) {
				*why = "Unsupported URI Scheme";
				return 416;
			}
		}
	}
	/* RFC 3261 §10.3 step 6: "*" only alone and with Expires: 0 */
	if (rq->star && (rq->n || rq->expires_hdr != 0)) {
		*why = "Contact * Needs Expires 0";
		return 400;
	}
	if (rq->n && sip_param_get(rq->ct[0].params, "+u.sip!devicename.ccm.cisco.com", &v))
		slice_copy(sip_unquote(v), rq->device, sizeof rq->device);
	h = sip_msg_hdr(m, SIP_H_USER_AGENT, 0);
	rq->cisco =
	    rq->device[0] || (h && h->value.len >= 6 && memcmp(h->value.p, "Cisco-", 6) == 0);
	for (int i = 0; i < rq->n; i++) {
		struct contact *c = &rq->ct[i];
		if (!param_u32(c->params, "expires", &c->expires))
			c->expires = rq->expires_hdr >= 0 ? (uint32_t)rq->expires_hdr : 3600;
		c->q = qvalue(c->params);
		c->keepalive = sip_param_get(c->params, "cisco-keep-alive", &v) && c->expires == 0;
	}
	return 0;
}

/* The header params we keep on a binding: all but expires, q and Cisco's one-shot markers. */
static size_t
kept_params(struct dt_slice params, char *out, size_t cap)
{
	size_t n = 0, i = 0;
	out[0] = '\0';
	while (i < params.len) {
		size_t s = i, e;
		struct dt_slice name;
		if (params.p[i] != ';') {
			i++;
			continue;
		}
		e = i + 1;
		/* to the next ';' outside quotes */
		for (int q = 0; e < params.len && (q || params.p[e] != ';'); e++) {
			if (params.p[e] == '"')
				q = !q;
		}
		name = sip_trim(slice_make(params.p + s + 1, e - s - 1));
		for (size_t k = 0; k < name.len; k++) {
			if (name.p[k] == '=' || name.p[k] == ' ') {
				name.len = k;
				break;
			}
		}
		i = e;
		if (slice_caseeq(name, "expires") || slice_caseeq(name, "q") ||
		    slice_caseeq(name, "x-cisco-newreg") || slice_caseeq(name, "cisco-keep-alive"))
			continue;
		if (n + (e - s) + 1 > cap)
			break;
		for (size_t k = s; k < e; k++) {
			char ch = params.p[k];
			if (ch != '\r' && ch != '\n')
				out[n++] = ch;
		}
		out[n] = '\0';
	}
	return n;
}

static void
put_contacts(struct reg *r, struct sip_out *o, struct reg_aor *a, const struct req *rq,
	     const int *isnew, time_t now)
{
	for (struct reg_bind *b = a ? a->binds : NULL; b; b = b->next) {
		int nw = 0;
		for (int i = 0; i < rq->n; i++) {
			if (isnew[i] && rq->ct[i].uri.len == b->contact_len &&
			    memcmp(rq->ct[i].uri.p, reg_bind_contact(b), b->contact_len) == 0)
				nw = 1;
		}
		sip_out_raw(o, "Contact: <", 10);
		sip_out_raw(o, reg_bind_contact(b), b->contact_len);
		sip_out_raw(o, ">", 1);
		sip_out_raw(o, reg_bind_params(b), b->params_len);
		sip_out_raw(o, ";expires=", 9);
		sip_out_uint(o, b->expires_at > now ? (uint64_t)(b->expires_at - now) : 0);
		if (b->q != 1000) {
			char q[8] = {';',
				     'q',
				     '=',
				     (char)('0' + b->q / 1000),
				     '.',
				     (char)('0' + b->q / 100 % 10),
				     (char)('0' + b->q / 10 % 10),
				     (char)('0' + b->q % 10)};
			sip_out_raw(o, q, sizeof q);
		}
		if (nw && rq->cisco)
			sip_out_raw(o, ";x-cisco-newreg", 15);
		sip_out_raw(o, "\r\n", 2);
	}
}

/* The remotecc-response a Cisco phone gets on a new registration (TechNote 214535). */
static const char cisco_optionsind[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<x-cisco-remotecc-response><response><code>200</code><optionsind>"
    "<combine max=\"6\"><remotecc><status></status></remotecc><service-control></service-control>"
    "</combine><dialog usage=\"hook status\"><unot></unot><sub></sub></dialog>"
    "<dialog usage=\"shared line\"><unot></unot><sub></sub></dialog>"
    "<presence usage=\"blf speed dial\"><unot></unot><sub></sub></presence>"
    "<joinreq></joinreq></optionsind></response></x-cisco-remotecc-response>\r\n";

static int
reject(struct reg *r, struct sip_out *o, struct sip_msg *m, int code, const char *why,
       struct reg_outcome *oc)
{
	reg_reply_start(r, o, m, code, why);
	oc->status = code;
	oc->why = why;
	return sip_out_finish(o, NULL, NULL, 0);
}

/* Record a rejection on a known device and answer. */
static int
reject_dev(struct reg *r, struct sip_out *o, struct sip_msg *m, int code, const char *why,
	   const char *device, int reason, const struct reg_src *src, time_t now,
	   struct reg_outcome *oc)
{
	struct reg_dev *d = device[0] ? reg_dev_get(r, device, 1) : NULL;
	if (d) {
		reg_dev_event(r, d, REG_EV_REJECT, reason, src, now);
		oc->event = REG_EV_REJECT;
		reg_copy(oc->device, sizeof oc->device, device);
	}
	return reject(r, o, m, code, why, oc);
}

/* Which device registers: the Contact's device name, else the line's first device. Returns 0 or
 * the status of a rejection (404 unknown device, 403 device does not own the line). */
static int
resolve_device(struct reg *r, const struct reg_line *line, struct req *rq, const char **why)
{
	if (!rq->device[0]) {
		reg_copy(rq->device, sizeof rq->device, line->dev[0]);
		return 0;
	}
	for (int i = 0; i < line->n_dev; i++) {
		if (strcmp(line->dev[i], rq->device) == 0)
			return 0;
	}
	*why = reg_prov_dev(r, rq->device) ? "Device Does Not Own Line" : "Device Not Found";
	return reg_prov_dev(r, rq->device) ? 403 : 404;
}

/* Check every Contact before changing anything: 423 and CSeq ordering (§10.3 steps 7-8). */
static int
validate(struct reg *r, struct reg_aor *a, const struct req *rq, const char **why)
{
	for (int i = 0; i < rq->n; i++) {
		const struct contact *c = &rq->ct[i];
		struct reg_bind *b;
		if (c->expires && c->expires < (uint32_t)r->cfg.min_expires && !c->keepalive) {
			*why = "Interval Too Brief";
			return 423;
		}
		b = a ? reg_bind_find(a, c->uri, c->params) : NULL;
		/* §10.3 step 7: an older CSeq on the same Call-ID is refused; an equal one is the
		 * same request again (a UDP retransmission the transaction cache no longer held),
		 * so it is applied again, idempotently, instead of failing the phone */
		if (b && b->callid_len == rq->call_id.len &&
		    memcmp(reg_bind_callid(b), rq->call_id.p, rq->call_id.len) == 0 &&
		    rq->cseq < b->cseq) {
			*why = "CSeq Out Of Order";
			return 500;
		}
	}
	return 0;
}

static uint32_t
granted(const struct reg *r, uint32_t asked)
{
	uint32_t g = r->cfg.granted_expires ? (uint32_t)r->cfg.granted_expires
					    : (uint32_t)r->cfg.max_expires;
	if (asked > (uint32_t)r->cfg.max_expires)
		asked = (uint32_t)r->cfg.max_expires;
	return asked > g ? g : asked;
}

/* Apply the Contacts; fills isnew[]; returns 0 or a status (503 when a bound was reached). */
static int
apply(struct reg *r, struct reg_aor *a, const struct req *rq, const struct reg_src *src, time_t now,
      int *isnew, int *removed, const char **why)
{
	for (int i = 0; i < rq->n; i++) {
		const struct contact *c = &rq->ct[i];
		char kept[256];
		size_t kl;
		isnew[i] = 0;
		if (c->expires == 0) {
			struct reg_bind *b = reg_bind_find(a, c->uri, c->params);
			if (b) {
				reg_bind_remove(r, a, b);
				(*removed)++;
			}
			continue;
		}
		kl = kept_params(c->params, kept, sizeof kept);
		int rc =
		    reg_bind_set(r, a, c->uri, slice_make(kept, kl), rq->call_id, rq->cseq,
				 now + granted(r, c->expires), c->q, rq->device, src, &isnew[i]);
		if (rc != DT_OK) {
			*why = rc == DT_EBUSY ? "Too Many Bindings" : "Binding Not Stored";
			return 503;
		}
	}
	return 0;
}

/* Copy src into dst (cap bytes); returns 1 when the text changed. */
static int
set_text(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	if (strncmp(dst, src, n) == 0 && dst[n] == '\0')
		return 0;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 1;
}

#define LAST_REGISTER_SLACK 60 /* s: the stored "last REGISTER" may lag this much (batching) */

static void
update_device(struct reg *r, struct sip_msg *m, const struct req *rq, const struct reg_src *src,
	      time_t now, int newreg, int removed, struct reg_outcome *oc)
{
	struct reg_dev *d = reg_dev_get(r, rq->device, 1);
	const struct sip_hdr *h;
	int changed = 0;
	if (!d)
		return;
	memcpy(oc->device, rq->device, sizeof oc->device);
	oc->event = reg_dev_set_lines(r, d, rq->aor, newreg, removed, REG_EV_UNREGISTER,
				      REG_R_DEVICE_UNREGISTERED, src, now);
	oc->partial = d->info.state == REG_ST_PARTIAL;
	oc->lines_bound = d->info.lines_bound;
	oc->lines_total = d->info.lines_total;
	if (oc->event == REG_EV_REGISTER && d->info.cfg_state == REG_CFG_PENDING &&
	    now >= d->info.cfg_at)
		d->info.cfg_state = REG_CFG_APPLIED;
	changed |= set_text(d->info.ip, sizeof d->info.ip, src->ip, strlen(src->ip));
	changed |= d->info.port != src->port || d->info.transport != src->transport;
	d->info.port = src->port;
	d->info.transport = src->transport;
	d->info.last_register = now;
	changed |= set_text(d->info.aor, sizeof d->info.aor, rq->aor, strlen(rq->aor));
	if ((h = sip_msg_hdr(m, SIP_H_USER_AGENT, 0)))
		changed |= set_text(d->info.user_agent, sizeof d->info.user_agent, h->value.p,
				    h->value.len);
	if ((h = sip_msg_hdr(m, SIP_H_REASON, 0))) {
		reg_dev_read_reason(d, h->value);
		changed = 1;
	}
	/* a plain refresh changes only last_register: written at most every LAST_REGISTER_SLACK s,
	 * so a cluster's steady refresh load does not become a database write load */
	if (changed || (uint32_t)now - d->persisted_last >= LAST_REGISTER_SLACK)
		reg_mark_dirty_dev(r, d);
}

static int
ok_response(struct reg *r, struct sip_out *o, struct sip_msg *m, struct reg_aor *a,
	    const struct req *rq, const int *isnew, int newreg, time_t now)
{
	int cisco = rq->cisco;
	reg_reply_start(r, o, m, 200, NULL);
	/* Date as CUCM sends it: Cisco phones without NTP set their clock from it */
	if (r->date_at != now) {
		/* by hand, not strftime: RFC 1123 names are English whatever the process locale */
		static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
		static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
						 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
		struct tm tm;
		r->date_at = now;
		r->date[0] = '\0';
		if (gmtime_r(&now, &tm))
			snprintf(r->date, sizeof r->date, "%s, %02d %s %04d %02d:%02d:%02d GMT",
				 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
				 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	if (r->date[0])
		sip_out_hdr(o, "Date", slice_make(r->date, strlen(r->date)));
	put_contacts(r, o, a, rq, isnew, now);
	if (rq->n) {
		sip_out_raw(o, "Expires: ", 9);
		sip_out_uint(o, granted(r, rq->ct[0].expires));
		sip_out_raw(o, "\r\n", 2);
	}
	if (cisco)
		sip_out_hdrf(o, "Supported", "X-cisco-srtp-fallback,X-cisco-sis-8.0.0");
	if (cisco && newreg && m->body.len)
		return sip_out_finish(o, "application/x-cisco-remotecc-response+xml",
				      cisco_optionsind, sizeof cisco_optionsind - 1);
	return sip_out_finish(o, NULL, NULL, 0);
}

/* Whether the body carries a Cisco bulkregisterreq with <contact all="true"> (spec: the first
 * REGISTER registers ALL lines of the device). */
static int
bulk_register(const struct sip_msg *m)
{
	const struct sip_hdr *ct = sip_msg_hdr(m, SIP_H_CONTENT_TYPE, 0);
	struct dt_slice type, params, boundary, ph, pb;
	size_t pos = 0;
	if (!ct || !m->body.len)
		return 0;
	sip_value_split(ct->value, &type, &params);
	if (!slice_caseeq(type, "multipart/mixed") || !sip_param_get(params, "boundary", &boundary))
		return memmem(m->body.p, m->body.len, "<bulkregisterreq>", 17) != NULL;
	boundary = sip_unquote(boundary);
	while (sip_multipart_next(m->body, boundary, &pos, &ph, &pb) == 1) {
		if (memmem(pb.p, pb.len, "<bulkregisterreq>", 17) &&
		    memmem(pb.p, pb.len, "all=\"true\"", 10))
			return 1;
	}
	return 0;
}

/* The device's other lines follow its primary line's REGISTER (TechNote 217220: one REGISTER per
 * device). bind: the first REGISTER asked for all lines (create or update their bindings);
 * otherwise only secondary bindings of the same Call-ID are refreshed or, when the primary's
 * Contact was removed, removed with it. */
static void
secondary_lines(struct reg *r, const struct req *rq, const struct reg_src *src, time_t now,
		int bind)
{
	const struct reg_pdev *pd = reg_prov_dev(r, rq->device);
	const struct contact *c = rq->n ? &rq->ct[0] : NULL;
	for (int i = 0; pd && i < pd->n_lines; i++) {
		struct reg_aor *a;
		struct reg_bind *b;
		int isnew;
		char kept[256];
		size_t kl;
		if (strcmp(pd->lines[i], rq->aor) == 0)
			continue;
		a = reg_aor_get(r, pd->lines[i], bind && c && c->expires);
		if (!a)
			continue;
		b = c ? reg_bind_find(a, c->uri, c->params) : NULL;
		if (rq->star || (c && c->expires == 0)) {
			/* the device unregisters: its bindings of this Call-ID go with the
			 * primary's */
			for (struct reg_bind *x = a->binds, *next; x; x = next) {
				next = x->next;
				if (strcmp(x->device, rq->device) == 0 &&
				    x->callid_len == rq->call_id.len &&
				    memcmp(reg_bind_callid(x), rq->call_id.p, x->callid_len) == 0)
					reg_bind_remove(r, a, x);
			}
			continue;
		}
		if (!c ||
		    (!bind && (!b || b->callid_len != rq->call_id.len ||
			       memcmp(reg_bind_callid(b), rq->call_id.p, b->callid_len) != 0)))
			continue;
		kl = kept_params(c->params, kept, sizeof kept);
		reg_bind_set(r, a, c->uri, slice_make(kept, kl), rq->call_id, rq->cseq,
			     now + granted(r, c->expires), c->q, rq->device, src, &isnew);
	}
}

int
reg_register(struct reg *r, struct sip_msg *m, const struct reg_src *src, time_t now,
	     struct sip_out *o, struct reg_outcome *oc)
{
	struct req rq;
	const struct reg_line *line;
	struct reg_aor *a;
	const char *why = NULL;
	int code, isnew[MAX_CONTACTS] = {0}, newreg = 0, removed = 0, need_auth;
	if ((code = read_request(r, m, &rq, &why)))
		return reject(r, o, m, code, why, oc);
	reg_copy(oc->aor, sizeof oc->aor, rq.aor);
	line = reg_prov_line(r, rq.aor);
	if (line && line->n_dev == 0)
		line = NULL; /* a DN on no device cannot register */
	need_auth = line ? 0 : reg_prov_any_digest(r);
	if (line) {
		for (int i = 0; i < line->n_dev; i++) {
			const struct reg_pdev *pd = reg_prov_dev(r, line->dev[i]);
			need_auth |= pd && pd->digest;
		}
	}
	if (need_auth) {
		char dname[16];
		struct reg_dev *d;
		dname[0] = '\0';
		if (rq.device[0] || line)
			reg_copy(dname, sizeof dname, rq.device[0] ? rq.device : line->dev[0]);
		d = line && reg_prov_dev(r, dname) ? reg_dev_get(r, dname, 1) : NULL;
		int ar = reg_auth_check(r, m, line, d, src, now);
		switch (ar) {
		case REG_AUTH_OK:
			break;
		case REG_AUTH_CHALLENGE:
		case REG_AUTH_STALE:
			reg_reply_start(r, o, m, 401, NULL);
			reg_auth_challenge(r, o, src, now, ar == REG_AUTH_STALE);
			oc->status = 401;
			oc->why =
			    ar == REG_AUTH_STALE ? "Unauthorized (stale nonce)" : "Unauthorized";
			oc->quiet = 1;
			return sip_out_finish(o, NULL, NULL, 0);
		default:
			reg_auth_failed(r, src, now);
			oc->quiet = line == NULL;
			/* the same 403 for a wrong password and an unknown user */
			return reject_dev(r, o, m, 403, "Forbidden", d ? dname : "", REG_R_REJ_AUTH,
					  src, now, oc);
		}
	}
	if (!line) {
		oc->quiet = 1;
		return reject(r, o, m, 404, "Not Found", oc);
	}
	if ((code = resolve_device(r, line, &rq, &why)))
		return reject_dev(r, o, m, code, why, code == 403 ? rq.device : "",
				  REG_R_REJ_DB_CONFIG, src, now, oc);
	a = reg_aor_get(r, rq.aor, 0);
	/* Cisco backup-CM keep-alive: Expires 0 + cisco-keep-alive is not a de-registration */
	if (rq.n == 1 && rq.ct[0].keepalive) {
		reg_reply_start(r, o, m, 200, NULL);
		sip_out_hdrf(o, "Expires", "0");
		oc->status = 200;
		oc->why = "keep-alive";
		return sip_out_finish(o, NULL, NULL, 0);
	}
	if (rq.star) {
		/* §10.3 step 6: remove all, unless a binding of this Call-ID has a higher CSeq */
		for (struct reg_bind *b = a ? a->binds : NULL, *next; b; b = next) {
			next = b->next;
			if (b->callid_len == rq.call_id.len &&
			    memcmp(reg_bind_callid(b), rq.call_id.p, b->callid_len) == 0 &&
			    rq.cseq < b->cseq)
				return reject(r, o, m, 500, "CSeq Out Of Order", oc);
		}
		while (a && a->binds) {
			reg_bind_remove(r, a, a->binds);
			removed++;
		}
	} else if ((code = validate(r, a, &rq, &why))) {
		reg_reply_start(r, o, m, code, why);
		if (code == 423)
			sip_out_hdrf(o, "Min-Expires", "%d", r->cfg.min_expires);
		oc->status = code;
		oc->why = why;
		return sip_out_finish(o, NULL, NULL, 0);
	} else if (rq.n) {
		if (!a && !(a = reg_aor_get(r, rq.aor, 1)))
			return reject(r, o, m, 500, "Out Of Memory", oc);
		if ((code = apply(r, a, &rq, src, now, isnew, &removed, &why)))
			return reject(r, o, m, code, why, oc);
		for (int i = 0; i < rq.n; i++)
			newreg |= isnew[i];
	}
	if (rq.n || rq.star) {
		secondary_lines(r, &rq, src, now, rq.cisco && bulk_register(m));
		update_device(r, m, &rq, src, now, newreg, removed, oc);
	}
	oc->status = 200;
	oc->why = rq.star ? "all bindings removed"
		  : rq.n  ? (newreg ? "registered" : "refreshed")
			  : "bindings listed";
	return ok_response(r, o, m, a, &rq, isnew, newreg, now);
}
