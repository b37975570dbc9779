/* summary: writing SIP messages into a caller's buffer (RFC 3261 §7, §8.2.6.2): status/request
 * line, headers, response header copying, Content-Length and body. Overflow is sticky. */
#include "proto/sip/sip_priv.h"

#include <stdarg.h>
#include <stdio.h>

void
sip_out_init(struct sip_out *o, char *buf, size_t cap)
{
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->err = 0;
}

static void
put(struct sip_out *o, const char *p, size_t n)
{
	struct dt_wcur w;
	if (o->err)
		return;
	w = wcur_init(o->buf + o->len, o->cap - o->len);
	wcur_bytes(&w, p, n);
	if (w.err)
		o->err = 1;
	else
		o->len += n;
}

static void
puts_(struct sip_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
vput(struct sip_out *o, const char *fmt, va_list ap)
{
	int n;
	if (o->err)
		return;
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->err = 1;
	else
		o->len += (size_t)n;
}

void
sip_out_raw(struct sip_out *o, const char *p, size_t n)
{
	put(o, p, n);
}

/* Why not printf: a 200 OK has half a dozen numbers and vsnprintf was a fifth of the registrar's
 * instructions per REGISTER. */
void
sip_out_uint(struct sip_out *o, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, tmp + sizeof tmp - n, n);
}

void
sip_out_status(struct sip_out *o, int code, const char *reason)
{
	put(o, "SIP/2.0 ", 8);
	sip_out_uint(o, code < 0 ? 0 : (uint64_t)code);
	put(o, " ", 1);
	puts_(o, reason ? reason : sip_status_reason(code));
	put(o, "\r\n", 2);
}

void
sip_out_request(struct sip_out *o, const char *method, struct dt_slice uri)
{
	puts_(o, method);
	put(o, " ", 1);
	put(o, uri.p, uri.len);
	puts_(o, " SIP/2.0\r\n");
}

void
sip_out_hdr(struct sip_out *o, const char *name, struct dt_slice value)
{
	puts_(o, name);
	put(o, ": ", 2);
	put(o, value.p, value.len);
	put(o, "\r\n", 2);
}

void
sip_out_hdrf(struct sip_out *o, const char *name, const char *fmt, ...)
{
	va_list ap;
	puts_(o, name);
	put(o, ": ", 2);
	va_start(ap, fmt);
	vput(o, fmt, ap);
	va_end(ap);
	put(o, "\r\n", 2);
}

void
sip_out_copy(struct sip_out *o, const struct sip_msg *m, int id)
{
	const char *name = sip_hdr_name(id);
	for (int k = 0; name && k < m->n_hdrs; k++) {
		if (m->hdrs[k].id == id)
			sip_out_hdr(o, name, m->hdrs[k].value);
	}
}

void
sip_out_response_hdrs(struct sip_out *o, const struct sip_msg *req, const char *to_tag)
{
	const struct sip_hdr *to = sip_msg_hdr(req, SIP_H_TO, 0);
	sip_out_copy(o, req, SIP_H_VIA);
	sip_out_copy(o, req, SIP_H_FROM);
	if (to) {
		struct sip_addr a;
		struct dt_slice tag;
		/* parse only when "tag" appears at all: most requests to a registrar have none */
		int has_tag = memmem(to->value.p, to->value.len, "tag", 3) &&
			      sip_addr_parse(to->value, &a) == 0 &&
			      sip_param_get(a.params, "tag", &tag);
		puts_(o, "To: ");
		put(o, to->value.p, to->value.len);
		if (!has_tag && to_tag) {
			put(o, ";tag=", 5);
			puts_(o, to_tag);
		}
		put(o, "\r\n", 2);
	}
	sip_out_copy(o, req, SIP_H_CALL_ID);
	sip_out_copy(o, req, SIP_H_CSEQ);
}

int
sip_out_finish(struct sip_out *o, const char *ctype, const void *body, size_t body_len)
{
	if (ctype && body_len)
		sip_out_hdrf(o, "Content-Type", "%s", ctype);
	put(o, "Content-Length: ", 16);
	sip_out_uint(o, body_len);
	put(o, "\r\n\r\n", 4);
	if (body_len)
		put(o, body, body_len);
	return o->err ? -1 : (int)o->len;
}
