/* summary: the checks a UAS makes before acting on a message (RFC 3261 §8.2, §16.3; the RFC 4475
 * §3.1.2 and §3.3 verdicts): required headers present once, their values well formed. */
#include "proto/sip/sip_priv.h"

#include "core/err.h"

/* Single-valued headers: {id, fault when missing (0 = optional), fault when repeated}. */
static const struct {
	uint8_t id;
	uint8_t missing;
	uint8_t multi;
} singles[] = {
    {SIP_H_FROM, SIP_F_MISSING_FROM, SIP_F_MULTI_FROM},
    {SIP_H_TO, SIP_F_MISSING_TO, SIP_F_MULTI_TO},
    {SIP_H_CALL_ID, SIP_F_MISSING_CALLID, SIP_F_MULTI_CALLID},
    {SIP_H_CSEQ, SIP_F_MISSING_CSEQ, SIP_F_MULTI_CSEQ},
    {SIP_H_MAX_FORWARDS, 0, SIP_F_MULTI_MAXFWD},
    {SIP_H_EXPIRES, 0, SIP_F_MULTI_EXPIRES},
};

static int
check_presence(const struct sip_msg *m)
{
	if (m->count[SIP_H_VIA] == 0)
		return SIP_F_MISSING_VIA;
	for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++) {
		int n = m->count[singles[i].id];
		if (n == 0 && singles[i].missing)
			return singles[i].missing;
		if (n > 1)
			return singles[i].multi;
	}
	return SIP_F_NONE;
}

/* Every element of every header with this id must satisfy ok(). */
static int
each_value(const struct sip_msg *m, int id, int (*ok)(struct dt_slice))
{
	for (int k = 0; k < m->n_hdrs; k++) {
		struct dt_slice rest, item;
		if (m->hdrs[k].id != id)
			continue;
		rest = m->hdrs[k].value;
		if (rest.len == 0)
			return 0;
		while (sip_list_next(&rest, &item)) {
			if (!ok(item))
				return 0;
		}
	}
	return 1;
}

static int
via_ok(struct dt_slice v)
{
	struct sip_via via;
	return sip_via_parse(v, &via) == DT_OK;
}

static int
contact_ok(struct dt_slice v)
{
	struct sip_addr a;
	struct dt_slice e;
	uint64_t n;
	if (slice_eq(v, "*"))
		return 1;
	if (sip_addr_parse(v, &a) != DT_OK)
		return 0;
	if (sip_param_get(a.params, "expires", &e) && sip_uint_parse(e, UINT32_MAX, &n) != DT_OK)
		return 0;
	return 1;
}

static int
check_values(const struct sip_msg *m)
{
	struct sip_addr a;
	struct dt_slice method, callid;
	uint32_t num;
	uint64_t n;
	const struct sip_hdr *h;
	if (!each_value(m, SIP_H_VIA, via_ok))
		return SIP_F_VIA;
	if (sip_addr_parse(sip_msg_hdr(m, SIP_H_FROM, 0)->value, &a) != DT_OK)
		return SIP_F_FROM;
	if (sip_addr_parse(sip_msg_hdr(m, SIP_H_TO, 0)->value, &a) != DT_OK)
		return SIP_F_TO;
	callid = sip_msg_hdr(m, SIP_H_CALL_ID, 0)->value;
	if (callid.len == 0 || memchr(callid.p, ' ', callid.len) ||
	    memchr(callid.p, '\t', callid.len))
		return SIP_F_CALLID;
	if (sip_cseq_parse(sip_msg_hdr(m, SIP_H_CSEQ, 0)->value, &num, &method) != DT_OK)
		return SIP_F_CSEQ;
	if (m->is_request && !slice_eq(method, "") &&
	    (method.len != m->method_name.len || memcmp(method.p, m->method_name.p, method.len)))
		return SIP_F_CSEQ_METHOD;
	if ((h = sip_msg_hdr(m, SIP_H_MAX_FORWARDS, 0)) &&
	    sip_uint_parse(h->value, 255, &n) != DT_OK)
		return SIP_F_MAXFWD;
	if ((h = sip_msg_hdr(m, SIP_H_EXPIRES, 0)) &&
	    sip_uint_parse(h->value, UINT32_MAX, &n) != DT_OK)
		return SIP_F_EXPIRES;
	if (!each_value(m, SIP_H_CONTACT, contact_ok))
		return SIP_F_CONTACT;
	return SIP_F_NONE;
}

int
sip_msg_check(struct sip_msg *m)
{
	int f = SIP_F_NONE;
	if (m->is_request) {
		struct sip_uri u;
		if (sip_uri_parse(m->ruri, &u) != DT_OK)
			f = SIP_F_RURI;
		else if (u.headers.len)
			f = SIP_F_RURI_HEADERS; /* RFC 3261 §19.1.5; RFC 4475 §3.1.2.11 */
	}
	if (f == SIP_F_NONE)
		f = check_presence(m);
	if (f == SIP_F_NONE)
		f = check_values(m);
	m->fault = f;
	return f == SIP_F_NONE ? DT_OK : DT_EINVAL;
}
