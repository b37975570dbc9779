/* summary: on-demand parsers of header values: name-addr (From/To/Contact), Via, CSeq, numbers and
 * digest credentials (RFC 3261 §20, §25.1; RFC 2617 §3.2.2; RFC 5118 §4.5). */
#include "proto/sip/sip_priv.h"

#include "core/err.h"

int
sip_uint_parse(struct dt_slice s, uint64_t max, uint64_t *out)
{
	struct dt_cur c = sip_cur(sip_trim(s));
	uint64_t v = 0;
	if (!sip_more(&c))
		return DT_EINVAL;
	while (sip_more(&c)) {
		int ch = cur_u8(&c);
		if (!SIP_IS(ch, SIP_C_DIGIT))
			return DT_EINVAL;
		/* overflow-safe: RFC 4475 §3.1.2.4 sends 100-digit values */
		if (v > (max - (uint64_t)(ch - '0')) / 10)
			return DT_EINVAL;
		v = v * 10 + (uint64_t)(ch - '0');
	}
	*out = v;
	return DT_OK;
}

/* display-name "<" : a quoted string, or tokens separated by LWS (RFC 3261 §25.1). Leaves the
 * cursor on '<' and returns 1; returns 0 (cursor back at start) when there is no '<' after tokens;
 * -1 for an unterminated quote or a quoted display name without '<'. */
static int
take_display(struct dt_cur *c, struct dt_slice *display)
{
	const uint8_t *from = c->p;
	if (sip_peek(c) == '"') {
		if (sip_take_quoted(c, display) < 0)
			return -1;
		sip_skip_lws(c);
		return sip_peek(c) == '<' ? 1 : -1;
	}
	for (;;) {
		struct dt_slice t = sip_take(c, SIP_C_TOKEN);
		size_t ws = sip_skip_lws(c);
		if (t.len == 0 || (ws == 0 && sip_peek(c) != '<'))
			break;
	}
	if (sip_peek(c) == '<') {
		*display = sip_trim(slice_make((const char *)from, (size_t)(c->p - from)));
		return 1;
	}
	c->p = from;
	return 0;
}

int
sip_addr_parse(struct dt_slice s, struct sip_addr *a)
{
	struct dt_cur c = sip_cur(sip_trim(s));
	struct sip_uri u;
	const uint8_t *from;
	int r;
	memset(a, 0, sizeof *a);
	a->display = slice_make(s.p, 0);
	r = take_display(&c, &a->display);
	if (r < 0)
		return DT_EINVAL;
	if (r == 0 && sip_peek(&c) == '<')
		r = 1;
	if (r == 1) {
		cur_skip(&c, 1);
		from = c.p;
		while (sip_more(&c) && cur_peek(&c) != '>')
			cur_skip(&c, 1);
		if (!sip_more(&c))
			return DT_EINVAL;
		a->uri = sip_span(from, &c);
		cur_skip(&c, 1);
		a->bracketed = 1;
	} else {
		from = c.p;
		while (sip_more(&c) && !SIP_IS(cur_peek(&c), SIP_C_WS) && cur_peek(&c) != ';')
			cur_skip(&c, 1);
		a->uri = sip_span(from, &c);
		/* RFC 3261 §20: a URI with ',', ';' or '?' must be in <> (RFC 4475 §3.1.2.13) */
		if (memchr(a->uri.p, '?', a->uri.len) || memchr(a->uri.p, ',', a->uri.len))
			return DT_EINVAL;
	}
	if (sip_uri_parse(a->uri, &u) != DT_OK)
		return DT_EINVAL;
	from = c.p;
	c.p = c.end;
	a->params = sip_span(from, &c);
	return sip_params_valid(a->params) == 0 ? DT_OK : DT_EINVAL;
}

static int
take_slash(struct dt_cur *c)
{
	sip_skip_lws(c);
	if (sip_peek(c) != '/')
		return -1;
	cur_skip(c, 1);
	sip_skip_lws(c);
	return 0;
}

int
sip_via_parse(struct dt_slice s, struct sip_via *v)
{
	struct dt_cur c = sip_cur(sip_trim(s));
	struct dt_slice proto, ver, dummy;
	const uint8_t *from;
	memset(v, 0, sizeof *v);
	proto = sip_take(&c, SIP_C_TOKEN);
	if (!sip_slice_ieq(proto, "SIP") || take_slash(&c) < 0)
		return DT_EINVAL;
	ver = sip_take(&c, SIP_C_TOKEN);
	if (!slice_eq(ver, "2.0") || take_slash(&c) < 0)
		return DT_EINVAL;
	v->transport = sip_take(&c, SIP_C_TOKEN);
	if (v->transport.len == 0 || sip_skip_lws(&c) == 0)
		return DT_EINVAL;
	from = c.p;
	if (sip_peek(&c) == '[') {
		while (sip_more(&c) && cur_peek(&c) != ']')
			cur_skip(&c, 1);
		if (cur_u8(&c) != ']' || c.err)
			return DT_EINVAL;
		v->host = sip_span(from, &c);
	} else {
		v->host = sip_take(&c, SIP_C_HOST);
	}
	if (v->host.len == 0)
		return DT_EINVAL;
	sip_skip_lws(&c);
	if (sip_peek(&c) == ':') {
		uint64_t port;
		cur_skip(&c, 1);
		sip_skip_lws(&c);
		if (sip_uint_parse(sip_take(&c, SIP_C_DIGIT), 65535, &port) != DT_OK)
			return DT_EINVAL;
		v->port = (uint16_t)port;
	}
	from = c.p;
	c.p = c.end;
	v->params = sip_span(from, &c);
	if (sip_params_valid(v->params) < 0)
		return DT_EINVAL;
	sip_param_get(v->params, "branch", &v->branch);
	v->has_rport = sip_param_get(v->params, "rport", &dummy);
	return DT_OK;
}

int
sip_cseq_parse(struct dt_slice s, uint32_t *num, struct dt_slice *method)
{
	struct dt_cur c = sip_cur(sip_trim(s));
	struct dt_slice digits;
	uint64_t v;
	digits = sip_take(&c, SIP_C_DIGIT);
	/* RFC 3261 §8.1.1.5: the sequence number MUST be less than 2^31 */
	if (sip_uint_parse(digits, 0x7fffffffu, &v) != DT_OK || sip_skip_lws(&c) == 0)
		return DT_EINVAL;
	*method = sip_take(&c, SIP_C_TOKEN);
	if (method->len == 0 || sip_more(&c))
		return DT_EINVAL;
	*num = (uint32_t)v;
	return DT_OK;
}

/* Assign a credential parameter to its field by name. */
static void
auth_set(struct sip_auth *a, struct dt_slice name, struct dt_slice val)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"username", offsetof(struct sip_auth, username)},
	    {"realm", offsetof(struct sip_auth, realm)},
	    {"nonce", offsetof(struct sip_auth, nonce)},
	    {"uri", offsetof(struct sip_auth, uri)},
	    {"response", offsetof(struct sip_auth, response)},
	    {"algorithm", offsetof(struct sip_auth, algorithm)},
	    {"cnonce", offsetof(struct sip_auth, cnonce)},
	    {"qop", offsetof(struct sip_auth, qop)},
	    {"nc", offsetof(struct sip_auth, nc)},
	    {"opaque", offsetof(struct sip_auth, opaque)},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (sip_slice_ieq(name, fields[i].name)) {
			*(struct dt_slice *)((char *)a + fields[i].off) = val;
			return;
		}
	}
}

int
sip_auth_parse(struct dt_slice s, struct sip_auth *a)
{
	struct dt_cur c = sip_cur(sip_trim(s));
	memset(a, 0, sizeof *a);
	a->scheme = sip_take(&c, SIP_C_TOKEN);
	if (a->scheme.len == 0 || (sip_more(&c) && sip_skip_lws(&c) == 0))
		return DT_EINVAL;
	while (sip_more(&c)) {
		struct dt_slice name, val;
		name = sip_take(&c, SIP_C_TOKEN);
		sip_skip_lws(&c);
		if (name.len == 0 || cur_u8(&c) != '=' || c.err)
			return DT_EINVAL;
		sip_skip_lws(&c);
		if (sip_peek(&c) == '"') {
			if (sip_take_quoted(&c, &val) < 0)
				return DT_EINVAL;
		} else {
			val = sip_take(&c, SIP_C_TOKEN | SIP_C_PVALUE);
			if (val.len == 0)
				return DT_EINVAL;
		}
		auth_set(a, name, val);
		sip_skip_lws(&c);
		if (!sip_more(&c))
			break;
		if (cur_u8(&c) != ',')
			return DT_EINVAL;
		sip_skip_lws(&c);
	}
	return DT_OK;
}
