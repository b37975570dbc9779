/* summary: unit tests of src/proto/sip/sip_digest.c against the RFC worked examples: RFC 2617 §3.5
 * (MD5, qop=auth, and the RFC 2069 form without qop) and RFC 7616 §3.9.1 (SHA-256 and MD5). */
#include "dt_test.h"

#include <openssl/evp.h>
#include <string.h>

#include "proto/sip/sip.h"

static struct dt_slice
s(const char *c)
{
	return slice_make(c, strlen(c));
}

static int
response(const EVP_MD *md, const struct sip_digest_in *in, char *out, size_t cap)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	int n = sip_digest_response(ctx, md, in, out, cap);
	EVP_MD_CTX_free(ctx);
	return n;
}

static void
test_rfc2617_example(void **state)
{
	char out[SIP_DIGEST_HEX_MAX];
	struct sip_digest_in in = {
	    .user = s("Mufasa"),
	    .realm = s("testrealm@host.com"),
	    .password = s("Circle Of Life"),
	    .method = s("GET"),
	    .uri = s("/dir/index.html"),
	    .nonce = s("dcd98b7102dd2f0e8b11d0f600bfb0c093"),
	    .nc = s("00000001"),
	    .cnonce = s("0a4f113b"),
	    .qop = s("auth"),
	};
	assert_int_equal(response(EVP_md5(), &in, out, sizeof out), 32);
	assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
	/* RFC 2069 form (no qop): nc and cnonce are not hashed */
	in.qop = s("");
	assert_int_equal(response(EVP_md5(), &in, out, sizeof out), 32);
	assert_string_equal(out, "670fd8c2df070c60b045671b8b24ff02");
	/* a wrong password gives another answer */
	in.password = s("Circle of Life");
	response(EVP_md5(), &in, out, sizeof out);
	assert_string_not_equal(out, "670fd8c2df070c60b045671b8b24ff02");
}

static void
test_rfc7616_example(void **state)
{
	char out[SIP_DIGEST_HEX_MAX];
	struct sip_digest_in in = {
	    .user = s("Mufasa"),
	    .realm = s("http-auth@example.org"),
	    .password = s("Circle of Life"),
	    .method = s("GET"),
	    .uri = s("/dir/index.html"),
	    .nonce = s("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"),
	    .nc = s("00000001"),
	    .cnonce = s("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"),
	    .qop = s("auth"),
	};
	assert_int_equal(response(EVP_sha256(), &in, out, sizeof out), 64);
	assert_string_equal(out,
			    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	assert_int_equal(response(EVP_md5(), &in, out, sizeof out), 32);
	assert_string_equal(out, "8ca523f5e9506fed4657c9700eebdbec");
	/* too small an output buffer is an error, not a truncated answer */
	assert_int_equal(response(EVP_sha256(), &in, out, 64), -1);
}

static void
test_algorithm_names(void **state)
{
	assert_int_equal(sip_digest_alg(s("")), SIP_DIGEST_MD5);
	assert_int_equal(sip_digest_alg(s("md5")), SIP_DIGEST_MD5);
	assert_int_equal(sip_digest_alg(s("SHA-256")), SIP_DIGEST_SHA256);
	assert_int_equal(sip_digest_alg(s("SHA-512-256")), -1);
	assert_int_equal(sip_digest_alg(s("MD5-sess")), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc2617_example),
	    cmocka_unit_test(test_rfc7616_example),
	    cmocka_unit_test(test_algorithm_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
