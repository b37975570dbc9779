/* summary: helpers of the unit tests that drive the registrar (tests/unit/sip, tests/unit/store):
 * a registrar with the default configuration, and one request text handed to reg_handle with its
 * answer parsed back, so each test writes only the request it needs.
 */
#ifndef DT_TEST_REG_FIXTURE_H
#define DT_TEST_REG_FIXTURE_H

#include "dt_test.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"
#include "sip/registrar.h"

/* A registrar with reg_config_defaults (the caller adds its provisioning and frees it). */
static inline struct reg *
reg_fixture_new(void)
{
	struct reg_config c;
	struct reg *r;
	reg_config_defaults(&c);
	r = reg_new(&c);
	assert_non_null(r);
	return r;
}

/* Hand the request msg[0..len) (a complete stream message; it must outlive *resp's use, the codec
 * is zero-copy over it) to reg_handle from src at now. The answer goes to out (NUL-terminated)
 * and is parsed into *resp. Returns the answer's status, or reg_handle's result when it answered
 * nothing (0) or had no room (-1). */
static inline int
reg_fixture_send(struct reg *r, const char *msg, size_t len, const struct reg_src *src, time_t now,
		 char *out, size_t cap, struct reg_outcome *oc, struct sip_msg *resp)
{
	struct sip_msg m;
	int n;
	assert_int_equal(sip_msg_parse(msg, len, SIP_PARSE_STREAM, 65535, &m), DT_OK);
	memset(oc, 0, sizeof *oc);
	n = reg_handle(r, &m, src, now, out, cap - 1, oc);
	if (n <= 0)
		return n;
	out[n] = '\0';
	assert_int_equal(sip_msg_parse(out, (size_t)n, SIP_PARSE_STREAM, 0, resp), DT_OK);
	return resp->status;
}

/* The first REGISTER's body of a Cisco phone: register every line of the device (spec
 * sip-register.md, TechNote 217220). */
#define REG_FIXTURE_BULK                                                                           \
	"--uniqueBoundary\r\nContent-Type: application/x-cisco-remotecc-request+xml\r\n\r\n"       \
	"<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\"><register></register>"   \
	"</contact></bulkregisterreq></x-cisco-remotecc-request>\r\n--uniqueBoundary--\r\n"

/* A Cisco phone's REGISTER over TCP from 10.0.1.50:51234 for aor from device dev, into buf;
 * contact NULL = the phone's own Contact (+sip.instance, devicename), "*" = remove all; bulk =
 * carry the bulkregisterreq body. Returns the length (asserts it fits). */
static inline size_t
reg_fixture_cisco_register(char *buf, size_t cap, const char *aor, const char *dev,
			   const char *callid, int cseq, const char *contact, int expires, int bulk)
{
	char ct[512];
	int n;
	if (!contact) {
		snprintf(ct, sizeof ct,
			 "<sip:5e6f7a8b@10.0.1.50:51234;transport=tcp>;+sip.instance=\"<urn:uuid:"
			 "00000000-0000-0000-0000-%s>\";+u.sip!devicename.ccm.cisco.com=\"%s\"",
			 dev + 3, dev);
		contact = ct;
	}
	n = snprintf(buf, cap,
		     "REGISTER sip:10.0.0.10 SIP/2.0\r\n"
		     "Via: SIP/2.0/TCP 10.0.1.50:51234;branch=z9hG4bK%d-%s\r\n"
		     "From: <sip:%s@10.0.0.10>;tag=00aabbccddee\r\nTo: <sip:%s@10.0.0.10>\r\n"
		     "Call-ID: %s\r\nCSeq: %d REGISTER\r\nMax-Forwards: 70\r\n"
		     "User-Agent: Cisco-CP8851/14.2.1\r\nContact: %s\r\nExpires: %d\r\n"
		     "%sContent-Length: %zu\r\n\r\n%s",
		     cseq, aor, aor, aor, callid, cseq, contact, expires,
		     bulk ? "Content-Type: multipart/mixed; boundary=uniqueBoundary\r\n" : "",
		     bulk ? sizeof REG_FIXTURE_BULK - 1 : 0, bulk ? REG_FIXTURE_BULK : "");
	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

#endif
