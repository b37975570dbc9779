/* summary: header names ⇄ ids, full and compact forms (RFC 3261 §7.3.3, §20; IANA SIP header
 * registry for o/r/u), and method names ⇄ ids. */
#include "proto/sip/sip_priv.h"

static const struct {
	const char *name;
	char compact; /* 0 = none */
	uint8_t len;
} hdr_names[SIP_H__COUNT] = {
    [SIP_H_VIA] = {"Via", 'v', 3},
    [SIP_H_FROM] = {"From", 'f', 4},
    [SIP_H_TO] = {"To", 't', 2},
    [SIP_H_CALL_ID] = {"Call-ID", 'i', 7},
    [SIP_H_CSEQ] = {"CSeq", 0, 4},
    [SIP_H_CONTACT] = {"Contact", 'm', 7},
    [SIP_H_EXPIRES] = {"Expires", 0, 7},
    [SIP_H_MAX_FORWARDS] = {"Max-Forwards", 0, 12},
    [SIP_H_CONTENT_LENGTH] = {"Content-Length", 'l', 14},
    [SIP_H_CONTENT_TYPE] = {"Content-Type", 'c', 12},
    [SIP_H_AUTHORIZATION] = {"Authorization", 0, 13},
    [SIP_H_USER_AGENT] = {"User-Agent", 0, 10},
    [SIP_H_REASON] = {"Reason", 0, 6},
    [SIP_H_SUPPORTED] = {"Supported", 'k', 9},
    [SIP_H_REQUIRE] = {"Require", 0, 7},
    [SIP_H_PROXY_REQUIRE] = {"Proxy-Require", 0, 13},
    [SIP_H_EVENT] = {"Event", 'o', 5},
    [SIP_H_ROUTE] = {"Route", 0, 5},
    [SIP_H_RECORD_ROUTE] = {"Record-Route", 0, 12},
    [SIP_H_DATE] = {"Date", 0, 4},
    [SIP_H_REFER_TO] = {"Refer-To", 'r', 8},
    [SIP_H_WWW_AUTHENTICATE] = {"WWW-Authenticate", 0, 16},
    [SIP_H_SUBSCRIPTION_STATE] = {"Subscription-State", 0, 18},
    [SIP_H_ACCEPT] = {"Accept", 0, 6},
    [SIP_H_ALLOW] = {"Allow", 0, 5},
    [SIP_H_MIN_EXPIRES] = {"Min-Expires", 0, 11},
    [SIP_H_SERVER] = {"Server", 0, 6},
};

static int
lower(int ch)
{
	return (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch;
}

/* Why a linear scan: 27 rows, and the length + first-letter test rejects almost all of them
 * before any string compare; a perfect hash would save little and hide the table. */
int
sip_hdr_lookup(struct dt_slice name)
{
	struct dt_cur c = sip_cur(name);
	int first = lower(cur_peek(&c));
	if (name.len == 1) {
		for (int id = 1; id < SIP_H__COUNT; id++) {
			if (hdr_names[id].compact == first)
				return id;
		}
		return SIP_H_OTHER;
	}
	for (int id = 1; id < SIP_H__COUNT; id++) {
		const char *n = hdr_names[id].name;
		if (hdr_names[id].len == name.len && lower(n[0]) == first &&
		    strncasecmp(name.p, n, name.len) == 0)
			return id;
	}
	return SIP_H_OTHER;
}

const char *
sip_hdr_name(int id)
{
	if (id <= SIP_H_OTHER || id >= SIP_H__COUNT)
		return NULL;
	return hdr_names[id].name;
}

static const char *const method_names[] = {
    [SIP_M_OTHER] = NULL,	   [SIP_M_INVITE] = "INVITE",	    [SIP_M_ACK] = "ACK",
    [SIP_M_BYE] = "BYE",	   [SIP_M_CANCEL] = "CANCEL",	    [SIP_M_OPTIONS] = "OPTIONS",
    [SIP_M_REGISTER] = "REGISTER", [SIP_M_SUBSCRIBE] = "SUBSCRIBE", [SIP_M_NOTIFY] = "NOTIFY",
    [SIP_M_REFER] = "REFER",	   [SIP_M_INFO] = "INFO",	    [SIP_M_UPDATE] = "UPDATE",
    [SIP_M_PRACK] = "PRACK",	   [SIP_M_MESSAGE] = "MESSAGE",	    [SIP_M_PUBLISH] = "PUBLISH",
};

int
sip_method_id(struct dt_slice name)
{
	for (size_t i = 1; i < sizeof method_names / sizeof method_names[0]; i++) {
		if (slice_eq(name, method_names[i]))
			return (int)i;
	}
	return SIP_M_OTHER;
}

const char *
sip_method_name(int method)
{
	if (method <= SIP_M_OTHER || (size_t)method >= sizeof method_names / sizeof method_names[0])
		return NULL;
	return method_names[method];
}
