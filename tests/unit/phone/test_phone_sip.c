/* summary: unit tests for src/phone/phone_sip.c's REGISTER (parsed back with the shared SIP codec:
 * Cisco Contact parameters, Reason with load IDs, multipart bulkregisterreq body on the first
 * REGISTER only), the standby keepalive REGISTER and phone_digest.c (answering MD5 and SHA-256
 * challenges, checked against an independent digest).
 */
#include "dt_test.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "phone/phone_priv.h"
#include "proto/sip/sip.h"

static void
make_phone(struct phone_env *env, struct phone *ph)
{
	memset(env, 0, sizeof *env);
	memset(ph, 0, sizeof *ph);
	env->seq = 42;
	ph->env = env;
	snprintf(ph->o.mac, sizeof ph->o.mac, "00AABBCCDDEE");
	snprintf(ph->dev, sizeof ph->dev, "SEP00AABBCCDDEE");
	ph->model = phone_model_find("8851");
	phone_flash_factory(&ph->flash, "sip88xx");
	ph->ip = (127u << 24) | (1u << 16) | 5;
	ph->cnf.n_cm = 1;
	snprintf(ph->cnf.cm[0].host, sizeof ph->cnf.cm[0].host, "127.0.0.1");
	ph->cnf.cm[0].sip_port = 5060;
	ph->cnf.n_lines = 1;
	snprintf(ph->cnf.lines[0].name, sizeof ph->cnf.lines[0].name, "2001");
	ph->sip.local_port = 51234;
	ph->sip.cseq = 101;
	snprintf(ph->sip.callid, sizeof ph->sip.callid, "00aabbcc-ddee0002-1-2@127.1.0.5");
	snprintf(ph->sip.from_tag, sizeof ph->sip.from_tag, "00aabbccddee000a1b2c-5f6a7b8c");
	snprintf(ph->sip.contact_user, sizeof ph->sip.contact_user, "5e6f7a8b-1c2d");
}

static struct dt_slice
hdr(struct sip_msg *m, int id)
{
	const struct sip_hdr *h = sip_msg_hdr(m, id, 0);
	assert_non_null(h);
	return h->value;
}

static int
contains(struct dt_slice s, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= s.len; i++)
		if (memcmp(s.p + i, needle, n) == 0)
			return 1;
	return 0;
}

static void
test_first_register_is_cisco_shaped(void **state)
{
	struct phone_env env;
	struct phone ph;
	char buf[4096];
	struct sip_msg m;
	make_phone(&env, &ph);
	int n = phone_sip_build_register(&ph, buf, sizeof buf, 3600, 1);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(buf, (size_t)n, SIP_PARSE_STREAM, 0, &m), DT_OK);
	assert_int_equal(sip_msg_check(&m), DT_OK);
	assert_int_equal(m.method, SIP_M_REGISTER);
	assert_true(slice_eq(m.ruri, "sip:127.0.0.1"));
	struct dt_slice contact = hdr(&m, SIP_H_CONTACT);
	assert_true(contains(contact, "+sip.instance=\"<urn:uuid:00000000-0000-0000-"
				      "0000-00aabbccddee>\""));
	assert_true(contains(contact, "+u.sip!devicename.ccm.cisco.com=\"SEP00AABBCCDDEE\""));
	assert_true(contains(contact, "+u.sip!model.ccm.cisco.com=\"684\""));
	assert_true(contains(contact, "@127.1.0.5:51234;transport=tcp"));
	struct dt_slice reason = hdr(&m, SIP_H_REASON);
	assert_true(contains(reason, "ActiveLoad=sip88xx.14-2-1-0001-14.loads"));
	assert_true(contains(reason, "InactiveLoad=sip88xx.12-8-1-0001-455.loads"));
	assert_true(contains(reason, "Name=SEP00AABBCCDDEE"));
	assert_true(slice_eq(hdr(&m, SIP_H_EXPIRES), "3600"));
	assert_true(slice_eq(hdr(&m, SIP_H_USER_AGENT), "Cisco-CP8851/14.2.1"));
	assert_true(contains(hdr(&m, SIP_H_FROM), "<sip:2001@127.0.0.1>;tag=00aabbccddee"));
	assert_true(contains(hdr(&m, SIP_H_SUPPORTED), "X-cisco-service-control"));
	/* multipart body: part 1 is the bulkregisterreq */
	struct dt_slice bnd = DT_SLICE_LIT("uniqueBoundary"), ph_hdrs, ph_body;
	size_t pos = 0;
	assert_int_equal(sip_multipart_next(m.body, bnd, &pos, &ph_hdrs, &ph_body), 1);
	assert_true(contains(ph_hdrs, "application/x-cisco-remotecc-request+xml"));
	assert_true(contains(ph_body, "<bulkregisterreq><contact all=\"true\"><register>"));
	assert_int_equal(sip_multipart_next(m.body, bnd, &pos, &ph_hdrs, &ph_body), 1);
	assert_true(contains(ph_body, "<optionsind>"));
	assert_int_equal(sip_multipart_next(m.body, bnd, &pos, &ph_hdrs, &ph_body), 0);
}

static void
test_refresh_and_unregister_are_bare(void **state)
{
	struct phone_env env;
	struct phone ph;
	char buf[4096];
	struct sip_msg m;
	make_phone(&env, &ph);
	snprintf(ph.sip.auth_hdr, sizeof ph.sip.auth_hdr, "Digest username=\"2001\"");
	int n = phone_sip_build_register(&ph, buf, sizeof buf, 0, 0);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(buf, (size_t)n, SIP_PARSE_STREAM, 0, &m), DT_OK);
	assert_null(sip_msg_hdr(&m, SIP_H_REASON, 0));
	assert_int_equal(m.body.len, 0);
	assert_true(slice_eq(hdr(&m, SIP_H_EXPIRES), "0"));
	assert_true(contains(hdr(&m, SIP_H_AUTHORIZATION), "Digest username=\"2001\""));
	/* too small a buffer is an error, not a truncated message */
	assert_int_equal(phone_sip_build_register(&ph, buf, 100, 3600, 1), -1);
}

static void
test_standby_keepalive_register(void **state)
{
	struct phone_env env;
	struct phone ph;
	char buf[4096];
	struct sip_msg m;
	struct phone_cm standby = {"127.0.0.9", 5070, 5071, 1};
	struct phone_reg_to to = {&standby, 40000, 7, "ka-1@SEP00AABBCCDDEE", 1, NULL};
	make_phone(&env, &ph);
	snprintf(ph.sip.auth_hdr, sizeof ph.sip.auth_hdr, "Digest username=\"2001\"");
	int n = phone_sip_build(&ph, &to, buf, sizeof buf, 0, 0);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(buf, (size_t)n, SIP_PARSE_STREAM, 0, &m), DT_OK);
	assert_int_equal(sip_msg_check(&m), DT_OK);
	assert_true(slice_eq(m.ruri, "sip:127.0.0.9"));
	assert_true(slice_eq(hdr(&m, SIP_H_EXPIRES), "0"));
	assert_true(slice_eq(hdr(&m, SIP_H_CALL_ID), "ka-1@SEP00AABBCCDDEE"));
	assert_true(slice_eq(hdr(&m, SIP_H_CSEQ), "7 REGISTER"));
	struct dt_slice contact = hdr(&m, SIP_H_CONTACT);
	assert_true(contains(contact, "@127.1.0.5:40000;transport=tcp>"));
	assert_true(contains(contact, ";expires=0;cisco-keep-alive"));
	/* the active member's credentials are not sent to the standby */
	assert_null(sip_msg_hdr(&m, SIP_H_AUTHORIZATION, 0));
	assert_null(sip_msg_hdr(&m, SIP_H_REASON, 0));
}

/* H(str) as hex with md: the test's own digest, independent of sip_digest.c. */
static void
hash_hex(const EVP_MD *md, const char *str, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	EVP_Digest(str, strlen(str), d, &dl, md, NULL);
	for (unsigned i = 0; i < dl; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* The value of param name="..." (or name=token) in an Authorization value. */
static void
param_of(const char *auth, const char *name, char *out, size_t cap)
{
	char key[32];
	snprintf(key, sizeof key, "%s=", name);
	const char *p = strstr(auth, key);
	assert_non_null(p);
	p += strlen(key);
	if (*p == '"')
		p++;
	size_t n = strcspn(p, "\",");
	assert_true(n < cap);
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Answer a 401 with the given challenges; check the algorithm chosen and the response. */
static void
answer_401(const char *challenges, const char *want_alg)
{
	char msg[2048], auth[1024], nc[16], cnonce[32], alg[16], resp[160];
	char a[1024], ha1[160], ha2[160], want[160];
	struct phone_chal c;
	struct sip_msg m;
	int stale = -1;
	snprintf(msg, sizeof msg,
		 "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TCP 127.1.0.5:51234;branch=z9hG4bK1\r\n"
		 "From: <sip:2001@127.0.0.1>;tag=a\r\nTo: <sip:2001@127.0.0.1>;tag=b\r\n"
		 "Call-ID: c1\r\nCSeq: 101 REGISTER\r\n%sContent-Length: 0\r\n\r\n",
		 challenges);
	memset(&c, 0, sizeof c);
	assert_int_equal(sip_msg_parse(msg, strlen(msg), 0, 0, &m), DT_OK);
	assert_int_equal(phone_chal_take(&c, &m, &stale), 0);
	assert_int_equal(stale, 0);
	assert_int_equal(
	    phone_chal_answer(&c, "2001", "s3cret", "sip:127.0.0.1", 0x1234, auth, sizeof auth), 0);
	param_of(auth, "algorithm", alg, sizeof alg);
	assert_string_equal(alg, want_alg);
	param_of(auth, "nc", nc, sizeof nc);
	assert_string_equal(nc, "00000001");
	param_of(auth, "cnonce", cnonce, sizeof cnonce);
	param_of(auth, "response", resp, sizeof resp);
	const EVP_MD *md = strcmp(want_alg, "SHA-256") == 0 ? EVP_sha256() : EVP_md5();
	hash_hex(md, "2001:dialtone:s3cret", ha1);
	hash_hex(md, "REGISTER:sip:127.0.0.1", ha2);
	snprintf(a, sizeof a, "%s:%s:%s:%s:auth:%s", ha1, c.nonce, nc, cnonce, ha2);
	hash_hex(md, a, want);
	assert_string_equal(resp, want);
	/* a too-small buffer gives no half-built header */
	assert_int_equal(phone_chal_answer(&c, "2001", "s3cret", "sip:127.0.0.1", 1, auth, 40), -1);
	assert_string_equal(auth, "");
}

static void
test_digest_answers_sha256_and_md5(void **state)
{
	/* SHA-256 listed first (RFC 7616 §3.7): the phone answers it */
	answer_401("WWW-Authenticate: Digest realm=\"dialtone\", nonce=\"n1\", algorithm=SHA-256, "
		   "qop=\"auth\"\r\n"
		   "WWW-Authenticate: Digest realm=\"dialtone\", nonce=\"n1\", algorithm=MD5, "
		   "qop=\"auth\"\r\n",
		   "SHA-256");
	/* MD5 only (what CUCM offers) */
	answer_401("WWW-Authenticate: Digest realm=\"dialtone\", nonce=\"n2\", qop=\"auth\"\r\n",
		   "MD5");
	/* an algorithm we cannot answer is skipped for the next challenge */
	answer_401("WWW-Authenticate: Digest realm=\"dialtone\", nonce=\"n3\", "
		   "algorithm=SHA-512-256, qop=\"auth\"\r\n"
		   "WWW-Authenticate: Digest realm=\"dialtone\", nonce=\"n3\", algorithm=SHA-256, "
		   "qop=\"auth\"\r\n",
		   "SHA-256");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_register_is_cisco_shaped),
	    cmocka_unit_test(test_refresh_and_unregister_are_bare),
	    cmocka_unit_test(test_standby_keepalive_register),
	    cmocka_unit_test(test_digest_answers_sha256_and_md5),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
