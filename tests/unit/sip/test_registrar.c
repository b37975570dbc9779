/* summary: unit tests of src/sip/ (the registrar over in-memory tables): AOR/device checks, Contact
 * rules, 423, CSeq ordering, Cisco keep-alive and 200 OK, digest (MD5, SHA-256, stale, replay,
 * no user enumeration, rate limit), expiry, history, flap flag, other methods, NOTIFY. */
#include "dt_test.h"
#include "reg_fixture.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"
#include "sip/registrar.h"

#define T0 1700000000

static struct reg *R;
static char out[8192];
static struct reg_outcome oc;
static struct sip_msg resp;
static const struct reg_src SRC = {
    .transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 7};

static const char CONTACT[] =
    "<sip:5e6f7a8b@10.0.1.50:51234;transport=tcp>;+sip.instance=\"<urn:uuid:00000000-0000-0000-"
    "0000-00aabbccddee>\";+u.sip!devicename.ccm.cisco.com=\"%s\";+u.sip!model.ccm.cisco.com="
    "\"684\"";

/* Build a REGISTER; extra = more header lines (each ending CRLF) or "". */
static int
make_register(char *buf, size_t cap, const char *aor, const char *callid, int cseq,
	      const char *contact, const char *extra, const char *body)
{
	return snprintf(buf, cap,
			"REGISTER sip:10.0.0.10 SIP/2.0\r\n"
			"Via: SIP/2.0/TCP 10.0.1.50:51234;branch=z9hG4bK%d-%zu\r\n"
			"From: <sip:%s@10.0.0.10>;tag=00aabbccddee\r\n"
			"To: <sip:%s@10.0.0.10>\r\n"
			"Call-ID: %s\r\nCSeq: %d REGISTER\r\nMax-Forwards: 70\r\n"
			"User-Agent: Cisco-CP8851/14.2.1\r\n"
			"%s%s%s%sContent-Length: %zu\r\n\r\n%s",
			cseq, strlen(callid), aor, aor, callid, cseq, contact ? "Contact: " : "",
			contact ? contact : "", contact ? "\r\n" : "", extra, strlen(body), body);
}

/* Send msg through reg_handle at time now; parse the response into resp; return its status. */
static int
send_at(const char *msg, time_t now)
{
	static char copy[8192];
	size_t len = strlen(msg);
	int st;
	memcpy(copy, msg, len + 1);
	st = reg_fixture_send(R, copy, len, &SRC, now, out, sizeof out, &oc, &resp);
	if (st > 0)
		assert_int_equal(sip_msg_check(&resp), DT_OK);
	return st;
}

static int
setup_with(int digest)
{
	struct reg_config c;
	static const uint8_t key[32] = {1, 2, 3};
	reg_config_defaults(&c);
	snprintf(c.realm, sizeof c.realm, "dialtone");
	c.digest_sha256 = digest;
	R = reg_new(&c);
	assert_non_null(R);
	reg_set_secret(R, key);
	assert_int_equal(reg_prov_add(R, "2001", "SEP00AABBCCDDEE", "", "pw2001", 0), DT_OK);
	assert_int_equal(reg_prov_add(R, "2002", "SEP00AABBCCDDEE", "", "pw2002", 0), DT_OK);
	assert_int_equal(reg_prov_add(R, "3001", "SEP001122334455", "u3001", "s3cret", digest),
			 DT_OK);
	assert_int_equal(reg_prov_add(R, "4001", "", "", "", 0), DT_OK); /* on no device */
	return 0;
}

/* One device with digest on: the whole cluster challenges unknown AORs. */
static int
setup(void **state)
{
	return setup_with(1);
}

/* No digest anywhere: CUCM-style 404 for unknown lines. */
static int
setup_plain(void **state)
{
	return setup_with(0);
}

static int
teardown(void **state)
{
	reg_free(R);
	return 0;
}

static char *
contact_for(const char *dev)
{
	static char c[512];
	snprintf(c, sizeof c, CONTACT, dev);
	return c;
}

static const char *
hdr(const char *name)
{
	static char v[1024];
	const struct sip_hdr *h = sip_msg_hdr_named(&resp, name);
	if (!h)
		return NULL;
	slice_copy(h->value, v, sizeof v);
	return v;
}

static void
test_unknown_and_unowned(void **state)
{
	char msg[4096];
	make_register(msg, sizeof msg, "9999", "c1@x", 1, contact_for("SEP00AABBCCDDEE"), "", "");
	assert_int_equal(send_at(msg, T0), 404);
	assert_int_equal(oc.quiet, 1);
	make_register(msg, sizeof msg, "4001", "c1@x", 1, contact_for("SEP00AABBCCDDEE"), "", "");
	assert_int_equal(send_at(msg, T0), 404);
	/* a provisioned device that does not own 2001 → 403 and a Rejected state */
	make_register(msg, sizeof msg, "2001", "c1@x", 1, contact_for("SEP001122334455"), "", "");
	assert_int_equal(send_at(msg, T0), 403);
	/* an unknown device name → 404 */
	make_register(msg, sizeof msg, "2001", "c1@x", 1, contact_for("SEPFFFFFFFFFFFF"), "", "");
	assert_int_equal(send_at(msg, T0), 404);
	assert_int_equal(reg_binding_count(R), 0);
}

static void
test_cisco_register_refresh_unregister(void **state)
{
	char msg[4096];
	struct reg_device_info di;
	struct reg_hist h[8];
	const char *body =
	    "--uniqueBoundary\r\nContent-Type: application/x-cisco-remotecc-request+xml"
	    "\r\n\r\n<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\">"
	    "<register></register></contact></bulkregisterreq>"
	    "</x-cisco-remotecc-request>\r\n--uniqueBoundary--\r\n";
	make_register(msg, sizeof msg, "2001", "aabb-1@10.0.1.50", 101,
		      contact_for("SEP00AABBCCDDEE"),
		      "Reason: SIP;cause=200;text=\"cisco-alarm:23 Name=SEP00AABBCCDDEE "
		      "ActiveLoad=sip88xx.14-2-1-0001-14.loads InactiveLoad=sip88xx.12-8-1-0001-455"
		      ".loads Last=reset-restart\"\r\nExpires: 3600\r\n"
		      "Content-Type: multipart/mixed; boundary=uniqueBoundary\r\n",
		      body);
	assert_int_equal(send_at(msg, T0), 200);
	assert_string_equal(hdr("Expires"), "120");
	assert_string_equal(hdr("Date"), "Tue, 14 Nov 2023 22:13:20 GMT"); /* T0 */
	assert_non_null(strstr(hdr("Contact"), ";x-cisco-newreg"));
	assert_non_null(
	    strstr(hdr("Contact"), "+u.sip!devicename.ccm.cisco.com=\"SEP00AABBCCDDEE\""));
	assert_non_null(strstr(hdr("Contact"), ";expires=120"));
	assert_non_null(memmem(resp.body.p, resp.body.len, "<optionsind>", 12));
	assert_int_equal(reg_device_get(R, "SEP00AABBCCDDEE", &di), DT_OK);
	assert_int_equal(di.state, REG_ST_REGISTERED);
	/* bulkregisterreq: the device's second line (2002) rides on this REGISTER */
	{
		struct reg_binding_info bi[2];
		assert_int_equal(reg_aor_bindings(R, "2002", bi, 2), 1);
		assert_string_equal(bi[0].device, "SEP00AABBCCDDEE");
		assert_int_equal(bi[0].expires_at, T0 + 120);
	}
	assert_string_equal(di.active_load, "sip88xx.14-2-1-0001-14.loads");
	assert_string_equal(di.inactive_load, "sip88xx.12-8-1-0001-455.loads");
	assert_string_equal(di.ip, "10.0.1.50");
	assert_int_equal(di.port, 51234);
	assert_int_equal(di.transport, REG_T_TCP);
	assert_string_equal(di.user_agent, "Cisco-CP8851/14.2.1");
	assert_int_equal(reg_binding_count(R), 2);
	/* refresh: same Call-ID, CSeq+1, no body → no newreg, no body, no new history row */
	make_register(msg, sizeof msg, "2001", "aabb-1@10.0.1.50", 102,
		      contact_for("SEP00AABBCCDDEE"), "Expires: 3600\r\n", "");
	assert_int_equal(send_at(msg, T0 + 115), 200);
	assert_null(strstr(hdr("Contact"), "x-cisco-newreg"));
	assert_int_equal(resp.body.len, 0);
	assert_int_equal(reg_device_history(R, "SEP00AABBCCDDEE", h, 8), 1);
	{
		/* the secondary line's binding was refreshed with the primary's */
		struct reg_binding_info bi[2];
		assert_int_equal(reg_aor_bindings(R, "2002", bi, 2), 1);
		assert_int_equal(bi[0].expires_at, T0 + 115 + 120);
	}
	/* the same CSeq again is the same request (a retransmission): answered 200 again */
	assert_int_equal(send_at(msg, T0 + 116), 200);
	assert_int_equal(reg_binding_count(R), 2);
	/* a lower CSeq on the same Call-ID is out of order (§10.3 step 7) */
	make_register(msg, sizeof msg, "2001", "aabb-1@10.0.1.50", 100,
		      contact_for("SEP00AABBCCDDEE"), "Expires: 3600\r\n", "");
	assert_int_equal(send_at(msg, T0 + 116), 500);
	/* 423 below Min-Expires, binding untouched */
	make_register(msg, sizeof msg, "2001", "aabb-1@10.0.1.50", 103,
		      contact_for("SEP00AABBCCDDEE"), "Expires: 30\r\n", "");
	assert_int_equal(send_at(msg, T0 + 117), 423);
	assert_string_equal(hdr("Min-Expires"), "60");
	assert_int_equal(reg_binding_count(R), 2);
	/* Contact: * with Expires: 0 removes everything */
	make_register(msg, sizeof msg, "2001", "aabb-1@10.0.1.50", 104, "*", "Expires: 0\r\n", "");
	assert_int_equal(send_at(msg, T0 + 118), 200);
	assert_int_equal(reg_binding_count(R), 0); /* the secondary line's binding went too */
	assert_int_equal(reg_device_get(R, "SEP00AABBCCDDEE", &di), DT_OK);
	assert_int_equal(di.state, REG_ST_UNREGISTERED);
	assert_int_equal(reg_reason_code(di.reason), 10);
	assert_int_equal(reg_device_history(R, "SEP00AABBCCDDEE", h, 8), 2);
	assert_int_equal(h[1].event, REG_EV_UNREGISTER);
	/* "*" with a non-zero Expires is a 400 */
	make_register(msg, sizeof msg, "2001", "aabb-1@10.0.1.50", 105, "*", "Expires: 10\r\n", "");
	assert_int_equal(send_at(msg, T0 + 119), 400);
}

static void
test_keepalive_backup(void **state)
{
	char msg[4096], ka[600];
	struct reg_binding_info bi[2];
	int n = 0;
	make_register(msg, sizeof msg, "2002", "k-1@x", 1, contact_for("SEP00AABBCCDDEE"),
		      "Expires: 3600\r\n", "");
	assert_int_equal(send_at(msg, T0), 200);
	snprintf(ka, sizeof ka, "%s;expires=0;cisco-keep-alive", contact_for("SEP00AABBCCDDEE"));
	make_register(msg, sizeof msg, "2002", "k-2@x", 1, ka, "Expires: 0\r\n", "");
	assert_int_equal(send_at(msg, T0 + 10), 200);
	assert_int_equal(reg_binding_count(R), 1);
	/* the keep-alive touched nothing: still the first binding, expiring at T0 + 120 */
	n = reg_aor_bindings(R, "2002", bi, 2);
	assert_int_equal(n, 1);
	assert_int_equal(bi[0].expires_at, T0 + 120);
	assert_string_equal(bi[0].call_id, "k-1@x");
	/* expiry: nothing refreshes it, the sweep removes it and records a refresh miss */
	assert_int_equal(reg_expire(R, T0 + 119), 0);
	assert_int_equal(reg_expire(R, T0 + 121), 1);
	{
		struct reg_device_info di;
		struct reg_hist h[8];
		int k;
		assert_int_equal(reg_device_get(R, "SEP00AABBCCDDEE", &di), DT_OK);
		assert_int_equal(di.state, REG_ST_UNREGISTERED);
		assert_int_equal(reg_reason_code(di.reason), 13);
		k = reg_device_history(R, "SEP00AABBCCDDEE", h, 8);
		assert_int_equal(h[k - 1].event, REG_EV_REFRESH_MISS);
	}
}

/* Our own digest (RFC 2617 §3.2.2.1) to answer the challenge, independent of reg_auth.c. */
static void
digest(const char *alg, const char *user, const char *pass, const char *nonce, const char *nc,
       char *resp_hex)
{
	const EVP_MD *md = strcmp(alg, "MD5") == 0 ? EVP_md5() : EVP_sha256();
	char a[512], ha1[129], ha2[129];
	unsigned char d[64];
	unsigned int dl;
#define H(str, dst)                                                                                \
	do {                                                                                       \
		EVP_Digest((str), strlen(str), d, &dl, md, NULL);                                  \
		for (unsigned i = 0; i < dl; i++)                                                  \
			sprintf((dst) + 2 * i, "%02x", d[i]);                                      \
	} while (0)
	snprintf(a, sizeof a, "%s:dialtone:%s", user, pass);
	H(a, ha1);
	snprintf(a, sizeof a, "REGISTER:sip:10.0.0.10");
	H(a, ha2);
	snprintf(a, sizeof a, "%s:%s:%s:cn0nce:auth:%s", ha1, nonce, nc, ha2);
	H(a, resp_hex);
#undef H
}

static void
nonce_of(char *nonce)
{
	const char *w = hdr("WWW-Authenticate");
	const char *p = strstr(w, "nonce=\"");
	assert_non_null(p);
	memcpy(nonce, p + 7, 56);
	nonce[56] = '\0';
	assert_int_equal(strlen(nonce), 56);
	assert_null(strchr(nonce, '"'));
}

static int
send_auth(const char *aor, const char *user, const char *pass, const char *alg, const char *nonce,
	  const char *nc, int cseq, time_t now)
{
	char msg[4096], auth[1024], rh[129];
	digest(alg, user, pass, nonce, nc, rh);
	snprintf(
	    auth, sizeof auth,
	    "Authorization: Digest username=\"%s\", realm=\"dialtone\", nonce=\"%s\", "
	    "uri=\"sip:10.0.0.10\", response=\"%s\", algorithm=%s, cnonce=\"cn0nce\", qop=auth, "
	    "nc=%s\r\nExpires: 3600\r\n",
	    user, nonce, rh, alg, nc);
	make_register(msg, sizeof msg, aor, "d-1@x", cseq, contact_for("SEP001122334455"), auth,
		      "");
	return send_at(msg, now);
}

static void
test_digest(void **state)
{
	char msg[4096], nonce[57];
	make_register(msg, sizeof msg, "3001", "d-1@x", 1, contact_for("SEP001122334455"),
		      "Expires: 3600\r\n", "");
	assert_int_equal(send_at(msg, T0), 401);
	assert_int_equal(resp.count[SIP_H_WWW_AUTHENTICATE], 2); /* setup: digest_sha256 = 1 */
	assert_non_null(strstr(hdr("WWW-Authenticate"), "algorithm=SHA-256"));
	assert_null(strstr(hdr("WWW-Authenticate"), "stale"));
	nonce_of(nonce);
	{
		/* every challenge carries a new nonce, even within one second */
		char again[57];
		assert_int_equal(send_at(msg, T0), 401);
		nonce_of(again);
		assert_string_not_equal(nonce, again);
	}
	assert_int_equal(send_auth("3001", "u3001", "s3cret", "MD5", nonce, "00000001", 2, T0),
			 200);
	/* replaying nc=1 on the same nonce is refused with a fresh, stale challenge */
	assert_int_equal(send_auth("3001", "u3001", "s3cret", "MD5", nonce, "00000001", 3, T0),
			 401);
	assert_non_null(strstr(hdr("WWW-Authenticate"), "stale=true"));
	/* nc=2 goes through; SHA-256 works too */
	assert_int_equal(send_auth("3001", "u3001", "s3cret", "MD5", nonce, "00000002", 4, T0),
			 200);
	assert_int_equal(send_auth("3001", "u3001", "s3cret", "SHA-256", nonce, "00000003", 5, T0),
			 200);
	/* wrong password → 403 and Rejected/AuthenticationError */
	assert_int_equal(send_auth("3001", "u3001", "wrong", "MD5", nonce, "00000004", 6, T0), 403);
	{
		struct reg_device_info di;
		assert_int_equal(reg_device_get(R, "SEP001122334455", &di), DT_OK);
		assert_int_equal(di.state, REG_ST_REJECTED);
		assert_int_equal(reg_reason_code(di.reason), 4);
	}
	/* an old nonce with the right password → 401 stale=true */
	assert_int_equal(
	    send_auth("3001", "u3001", "s3cret", "MD5", nonce, "00000005", 7, T0 + 400), 401);
	assert_non_null(strstr(hdr("WWW-Authenticate"), "stale=true"));
	/* a forged nonce → plain challenge */
	assert_int_equal(send_auth("3001", "u3001", "s3cret", "MD5",
				   "0000000000000000000000000000000000000000000000000000abcd",
				   "00000001", 8, T0),
			 401);
	assert_null(strstr(hdr("WWW-Authenticate"), "stale"));
}

/* With digest on, an unknown extension looks exactly like a real one: 401, then 403. */
static void
test_no_enumeration(void **state)
{
	char msg[4096], nonce[57], real[1024], fake[1024];
	make_register(msg, sizeof msg, "3001", "e-1@x", 1, contact_for("SEP001122334455"), "", "");
	assert_int_equal(send_at(msg, T0), 401);
	assert_int_equal(resp.count[SIP_H_WWW_AUTHENTICATE], 2);
	snprintf(real, sizeof real, "%d %s", resp.status,
		 sip_msg_hdr(&resp, SIP_H_WWW_AUTHENTICATE, 0) ? "www" : "");
	nonce_of(nonce);
	make_register(msg, sizeof msg, "7777", "e-1@x", 1, contact_for("SEP001122334455"), "", "");
	assert_int_equal(send_at(msg, T0), 401);
	snprintf(fake, sizeof fake, "%d %s", resp.status,
		 sip_msg_hdr(&resp, SIP_H_WWW_AUTHENTICATE, 0) ? "www" : "");
	assert_string_equal(real, fake);
	assert_int_equal(send_auth("7777", "7777", "guess", "MD5", nonce, "00000001", 2, T0), 403);
	assert_string_equal(sip_status_reason(403), "Forbidden");
	snprintf(fake, sizeof fake, "%.*s", (int)resp.reason.len, resp.reason.p);
	assert_int_equal(send_auth("3001", "u3001", "guess", "MD5", nonce, "00000002", 3, T0), 403);
	snprintf(real, sizeof real, "%.*s", (int)resp.reason.len, resp.reason.p);
	assert_string_equal(real, fake);
}

static void
test_rate_limit(void **state)
{
	char nonce[57], msg[4096];
	make_register(msg, sizeof msg, "3001", "r-1@x", 1, contact_for("SEP001122334455"), "", "");
	assert_int_equal(send_at(msg, T0), 401);
	nonce_of(nonce);
	for (int i = 0; i < 10; i++)
		assert_int_equal(
		    send_auth("3001", "u3001", "bad", "MD5", nonce, "00000001", 2 + i, T0), 403);
	/* limited: even the right password is refused until the window passes */
	assert_int_equal(send_auth("3001", "u3001", "s3cret", "MD5", nonce, "00000002", 20, T0 + 1),
			 403);
	make_register(msg, sizeof msg, "3001", "r-1@x", 30, contact_for("SEP001122334455"), "", "");
	assert_int_equal(send_at(msg, T0 + 61), 401);
	nonce_of(nonce);
	assert_int_equal(
	    send_auth("3001", "u3001", "s3cret", "MD5", nonce, "00000001", 31, T0 + 61), 200);
}

#define OTHER_FMT                                                                                  \
	"%s sip:10.0.0.10 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.1.50:5060;branch=z9hG4bKo\r\n"          \
	"From: <sip:2001@10.0.0.10>;tag=1\r\nTo: <sip:10.0.0.10>\r\nCall-ID: o@x\r\n"              \
	"CSeq: 1 %s\r\n%sContent-Length: 0\r\n\r\n"

static void
test_other_methods(void **state)
{
	char msg[2048];
	snprintf(msg, sizeof msg, OTHER_FMT, "OPTIONS", "OPTIONS", "");
	assert_int_equal(send_at(msg, T0), 200);
	assert_non_null(strstr(hdr("Allow"), "REGISTER"));
	snprintf(msg, sizeof msg, OTHER_FMT, "INVITE", "INVITE", "");
	assert_int_equal(send_at(msg, T0), 405);
	assert_non_null(hdr("Allow"));
	snprintf(msg, sizeof msg, OTHER_FMT, "REFER", "REFER",
		 "Require: norefersub\r\nRefer-To: cid:1234@10.0.1.50\r\n");
	assert_int_equal(send_at(msg, T0), 202);
	snprintf(msg, sizeof msg, OTHER_FMT, "SUBSCRIBE", "SUBSCRIBE", "Event: kpml\r\n");
	assert_int_equal(send_at(msg, T0), 489);
	snprintf(msg, sizeof msg, OTHER_FMT, "OPTIONS", "OPTIONS", "Require: nothingweknow\r\n");
	assert_int_equal(send_at(msg, T0), 420);
	assert_string_equal(hdr("Unsupported"), "nothingweknow");
	snprintf(msg, sizeof msg, OTHER_FMT, "OPTIONS", "INVITE", "");
	assert_int_equal(send_at(msg, T0), 400);
	assert_int_equal(resp.reason.len, strlen("CSeq Method Does Not Match"));
	snprintf(msg, sizeof msg, OTHER_FMT, "ACK", "ACK", "");
	assert_int_equal(send_at(msg, T0), 0);
}

static void
test_notify_and_flap(void **state)
{
	char msg[4096], notif[4096];
	struct reg_src dst;
	struct reg_device_info di;
	struct sip_msg nm;
	int n;
	assert_int_equal(reg_notify_build(R, "SEP00AABBCCDDEE", "reset", "10.0.0.10:5060", T0, &dst,
					  notif, sizeof notif),
			 -DT_ENOENT);
	for (int i = 0; i < 5; i++) {
		char cid[32];
		snprintf(cid, sizeof cid, "flap-%d@x", i);
		make_register(msg, sizeof msg, "2001", cid, 1, contact_for("SEP00AABBCCDDEE"),
			      "Expires: 3600\r\n", "");
		assert_int_equal(send_at(msg, T0 + 1000 + i * 60), 200);
	}
	assert_int_equal(reg_device_get(R, "SEP00AABBCCDDEE", &di), DT_OK);
	assert_int_equal(di.flapping, 1);
	n = reg_notify_build(R, "SEP00AABBCCDDEE", "apply-config", "10.0.0.10:5060", T0 + 1300,
			     &dst, notif, sizeof notif);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(notif, (size_t)n, SIP_PARSE_STREAM, 0, &nm), DT_OK);
	assert_int_equal(sip_msg_check(&nm), DT_OK);
	assert_int_equal(nm.method, SIP_M_NOTIFY);
	assert_true(slice_eq(sip_msg_hdr(&nm, SIP_H_EVENT, 0)->value, "service-control"));
	assert_non_null(
	    memmem(nm.body.p, nm.body.len, "action=restart\r\nRegisterCallId={flap-4@x}", 40));
	assert_string_equal(dst.ip, "10.0.1.50");
	assert_int_equal(reg_device_get(R, "SEP00AABBCCDDEE", &di), DT_OK);
	assert_int_equal(di.cfg_state, REG_CFG_PENDING);
	/* the phone restarts and registers with a new Call-ID → applied */
	make_register(msg, sizeof msg, "2001", "after@x", 1, contact_for("SEP00AABBCCDDEE"),
		      "Expires: 3600\r\n", "");
	assert_int_equal(send_at(msg, T0 + 1330), 200);
	assert_int_equal(reg_device_get(R, "SEP00AABBCCDDEE", &di), DT_OK);
	assert_int_equal(di.cfg_state, REG_CFG_APPLIED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unknown_and_unowned, setup_plain, teardown),
	    cmocka_unit_test_setup_teardown(test_cisco_register_refresh_unregister, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_enumeration, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_methods, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify_and_flap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
