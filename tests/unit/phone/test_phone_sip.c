/* summary: unit tests for src/phone/phone_sip.c's REGISTER (parsed back with the shared SIP codec:
 * Cisco Contact parameters, Reason with load IDs, multipart bulkregisterreq body on the first
 * REGISTER only), the standby keepalive REGISTER and phone_digest.c (RFC 2617 §3.5 worked example).
 */
#include "dt_test.h"

#include <stdio.h>
#include <string.h>

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

static void
test_digest_rfc2617_example(void **state)
{
	char out[33];
	/* RFC 2617 §3.5 */
	phone_digest_response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
			      "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth",
			      "00000001", "0a4f113b", out);
	assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
	/* RFC 2069 form (no qop) differs */
	phone_digest_response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
			      "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "", "", "",
			      out);
	assert_string_equal(out, "670fd8c2df070c60b045671b8b24ff02");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_register_is_cisco_shaped),
	    cmocka_unit_test(test_refresh_and_unregister_are_bare),
	    cmocka_unit_test(test_standby_keepalive_register),
	    cmocka_unit_test(test_digest_rfc2617_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
