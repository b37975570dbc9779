/* summary: SIP URI parser (RFC 3261 §19.1, §25.1; IPv6 references per RFC 5118).
 *
 * sip: and sips: URIs are split into user, password, host, port, params and headers, each checked
 * against its character class; any other scheme (tel:, http:, urn:) keeps only the scheme and the
 * opaque rest, which is what a registrar needs to answer 416. LWS anywhere in a URI is a fault
 * (RFC 4475 §3.1.2.8, §3.1.2.14).
 */
#include "proto/sip/sip_priv.h"

#include <arpa/inet.h>

#include "core/err.h"

static int
ipv6_valid(struct dt_slice inner)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;
	if (slice_copy(inner, tmp, sizeof tmp) < 0)
		return 0;
	return inet_pton(AF_INET6, tmp, &a) == 1;
}

/* host [":" port] at the cursor. */
static int
parse_hostport(struct dt_cur *c, struct dt_slice *host, uint16_t *port)
{
	const uint8_t *from = c->p;
	if (sip_peek(c) == '[') {
		struct dt_slice inner;
		cur_skip(c, 1);
		inner = sip_take(c, SIP_C_HEX);
		while (sip_more(c) &&
		       (cur_peek(c) == ':' || cur_peek(c) == '.' || SIP_IS(cur_peek(c), SIP_C_HEX)))
			cur_skip(c, 1);
		inner.len = (size_t)((const char *)c->p - inner.p);
		if (sip_peek(c) != ']' || !ipv6_valid(inner))
			return -1;
		cur_skip(c, 1);
		*host = sip_span(from, c);
	} else {
		*host = sip_take(c, SIP_C_HOST);
		if (host->len == 0)
			return -1;
	}
	*port = 0;
	if (sip_peek(c) == ':') {
		uint64_t v;
		struct dt_slice digits;
		cur_skip(c, 1);
		digits = sip_take(c, SIP_C_DIGIT);
		if (digits.len == 0 || sip_uint_parse(digits, 65535, &v) != DT_OK)
			return -1;
		*port = (uint16_t)v;
	}
	return 0;
}

/* ";name[=value]" URI parameters up to '?' or the end: every name non-empty. */
static int
parse_uri_params(struct dt_cur *c, struct dt_slice *params)
{
	const uint8_t *from = c->p;
	while (sip_peek(c) == ';') {
		size_t n = 0;
		cur_skip(c, 1);
		while (sip_more(c) && SIP_IS(cur_peek(c), SIP_C_URIPARAM) && cur_peek(c) != '?') {
			if (n == 0 && cur_peek(c) == '=')
				return -1;
			cur_skip(c, 1);
			n++;
		}
		if (n == 0)
			return -1;
	}
	*params = sip_span(from, c);
	return sip_escapes_valid(*params);
}

int
sip_uri_parse(struct dt_slice s, struct sip_uri *u)
{
	struct dt_cur c = sip_cur(s);
	const uint8_t *from = c.p, *at;
	memset(u, 0, sizeof *u);
	if (!sip_more(&c) || !SIP_IS(cur_peek(&c), SIP_C_HOST) || SIP_IS(cur_peek(&c), SIP_C_DIGIT))
		return DT_EINVAL;
	while (sip_more(&c) && (SIP_IS(cur_peek(&c), SIP_C_HOST) || cur_peek(&c) == '+'))
		cur_skip(&c, 1);
	u->scheme = sip_span(from, &c);
	if (cur_u8(&c) != ':' || c.err)
		return DT_EINVAL;
	from = c.p;
	at = NULL;
	/* one pass: no LWS or control characters inside a URI, and the user part ends at the last
	 * '@' (a user may contain ';', '?' and '/', RFC 4475 §3.1.1.9) */
	while (sip_more(&c)) {
		int ch = cur_u8(&c);
		if (ch <= ' ' || ch >= 0x7f)
			return DT_EINVAL;
		if (ch == '@')
			at = c.p - 1;
	}
	u->rest = sip_span(from, &c);
	c.p = from;
	u->is_sip = sip_slice_ieq(u->scheme, "sip") || sip_slice_ieq(u->scheme, "sips");
	if (!u->is_sip)
		return u->rest.len ? DT_OK : DT_EINVAL;
	if (at) {
		struct dt_cur uc = cur_init(c.p, (size_t)(at - c.p));
		u->user = sip_take(&uc, SIP_C_URIUSER);
		if (sip_peek(&uc) == ':') {
			cur_skip(&uc, 1);
			u->password = sip_take(&uc, SIP_C_URIUSER);
		}
		if (sip_more(&uc) || u->user.len == 0 || sip_escapes_valid(u->user) < 0)
			return DT_EINVAL;
		cur_skip(&c, (size_t)(at - c.p) + 1);
	}
	if (parse_hostport(&c, &u->host, &u->port) < 0)
		return DT_EINVAL;
	if (parse_uri_params(&c, &u->params) < 0)
		return DT_EINVAL;
	if (sip_peek(&c) == '?') {
		cur_skip(&c, 1);
		u->headers = sip_take(&c, SIP_C_URIPARAM | SIP_C_URIUSER);
		if (sip_escapes_valid(u->headers) < 0)
			return DT_EINVAL;
	}
	return sip_more(&c) ? DT_EINVAL : DT_OK;
}
