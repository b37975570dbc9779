/* summary: unit tests of src/proto/sip/ — golden vectors (RFC 4475, RFC 5118, Cisco REGISTERs),
 * folding, compact forms, multi-value headers, stream framing, URIs, credentials, multipart and
 * the response builder. Run from the repository root (vectors read ../shared/real-world/). */
#include "dt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static int
sl_is(struct dt_slice s, const char *lit)
{
	return slice_eq(s, lit);
}

/* Every row of tests/vectors/sip/VECTORS: the verdict must be exactly the expected one. */
static void
test_vectors(void **state)
{
	FILE *f = fopen("tests/vectors/sip/VECTORS", "r");
	char line[1024];
	int rows = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *name, *path, *want, got[128];
		char *buf;
		size_t len;
		struct sip_msg m;
		int r;
		if (line[0] == '#' || line[0] == '\n' || strncmp(line, "pcap-", 5) == 0)
			continue; /* pcap rows: test_sip_pcap.c */
		line[strcspn(line, "\n")] = '\0';
		name = strtok(line, ",");
		path = strtok(NULL, ",");
		want = strtok(NULL, "");
		assert_non_null(want);
		buf = slurp(path, &len);
		if (!buf)
			fail_msg("%s: cannot read %s", name, path);
		r = sip_msg_parse(buf, len, 0, 65535, &m);
		if (r == DT_OK)
			r = sip_msg_check(&m);
		if (r == DT_OK)
			snprintf(got, sizeof got, "ok");
		else
			snprintf(got, sizeof got, "invalid %d %s", sip_fault_status(m.fault),
				 sip_fault_why(m.fault));
		if (strcmp(got, want) != 0)
			fail_msg("%s: got '%s', want '%s'", name, got, want);
		free(buf);
		rows++;
	}
	fclose(f);
	assert_true(rows >= 60);
}

/* RFC 4475 §3.1.1.1: folding, compact forms, LWS around ':' and '/', multi-value Via. */
static void
test_wsinv_fields(void **state)
{
	size_t len;
	char *buf = slurp("../shared/real-world/sip/rfc4475/wsinv.dat", &len);
	struct sip_msg m;
	struct sip_addr a;
	struct sip_via v;
	struct dt_slice rest, item, val, meth;
	uint32_t cseq;
	int vias = 0;
	assert_non_null(buf);
	assert_int_equal(sip_msg_parse(buf, len, 0, 0, &m), DT_OK);
	assert_int_equal(sip_msg_check(&m), DT_OK);
	assert_int_equal(m.method, SIP_M_INVITE);
	assert_int_equal(m.count[SIP_H_VIA], 2);
	assert_int_equal(sip_cseq_parse(sip_msg_hdr(&m, SIP_H_CSEQ, 0)->value, &cseq, &meth), 0);
	assert_int_equal(cseq, 9);
	assert_true(sl_is(meth, "INVITE"));
	/* "TO :" CRLF " sip:vivekg@..." ;   tag    = 1918181833n */
	assert_int_equal(sip_addr_parse(sip_msg_hdr(&m, SIP_H_TO, 0)->value, &a), 0);
	assert_true(sl_is(a.uri, "sip:vivekg@chair-dnrc.example.com"));
	assert_true(sip_param_get(a.params, "tag", &val));
	assert_true(sl_is(val, "1918181833n"));
	/* m: (compact Contact) with a quoted display name holding escaped quotes */
	assert_int_equal(sip_addr_parse(sip_msg_hdr(&m, SIP_H_CONTACT, 0)->value, &a), 0);
	assert_true(sl_is(a.display, "Quoted string \\\"\\\""));
	assert_true(sip_param_get(a.params, "q", &val));
	assert_true(sl_is(val, "0.33"));
	assert_true(sip_param_get(a.params, "newparam", &val));
	assert_true(sl_is(val, "newvalue"));
	/* the v: header holds two Vias split by a comma across a fold */
	rest = sip_msg_hdr(&m, SIP_H_VIA, 1)->value;
	while (sip_list_next(&rest, &item)) {
		assert_int_equal(sip_via_parse(item, &v), 0);
		vias++;
	}
	assert_int_equal(vias, 2);
	assert_true(sl_is(v.transport, "UDP"));
	assert_true(sl_is(v.host, "192.168.255.111"));
	assert_true(sl_is(v.branch, "z9hG4bK30239"));
	assert_int_equal(m.body.len, 150);
	free(buf);
}

/* The first REGISTER of a Cisco phone (spec/sip-register.md): Contact params, Reason, body. */
static void
test_cisco_register(void **state)
{
	size_t len, pos = 0;
	char *buf = slurp("tests/vectors/sip/cisco-register-first.txt", &len);
	struct sip_msg m;
	struct sip_addr a;
	struct sip_uri u;
	struct dt_slice val, tok, params, ph, pb, boundary;
	int parts = 0;
	assert_non_null(buf);
	assert_int_equal(sip_msg_parse(buf, len, SIP_PARSE_STREAM, 65535, &m), DT_OK);
	assert_int_equal(sip_msg_check(&m), DT_OK);
	assert_int_equal(m.len, len);
	assert_int_equal(sip_addr_parse(sip_msg_hdr(&m, SIP_H_CONTACT, 0)->value, &a), 0);
	assert_true(sip_param_get(a.params, "+u.sip!devicename.ccm.cisco.com", &val));
	assert_true(sl_is(sip_unquote(val), "SEP00AABBCCDDEE"));
	assert_true(sip_param_get(a.params, "+sip.instance", &val));
	assert_true(sl_is(sip_unquote(val), "<urn:uuid:00000000-0000-0000-0000-00aabbccddee>"));
	assert_int_equal(sip_uri_parse(a.uri, &u), 0);
	assert_int_equal(u.port, 51234);
	assert_true(sl_is(u.host, "10.0.1.50"));
	assert_true(sip_param_get(u.params, "transport", &val));
	assert_true(sl_is(val, "tcp"));
	sip_value_split(sip_msg_hdr(&m, SIP_H_REASON, 0)->value, &tok, &params);
	assert_true(sl_is(tok, "SIP"));
	assert_true(sip_param_get(params, "text", &val));
	assert_non_null(strstr(sip_unquote(val).p, "ActiveLoad=sip88xx.14-2-1-0001-14.loads"));
	sip_value_split(sip_msg_hdr(&m, SIP_H_CONTENT_TYPE, 0)->value, &tok, &params);
	assert_true(sl_is(tok, "multipart/mixed"));
	assert_true(sip_param_get(params, "boundary", &boundary));
	while (sip_multipart_next(m.body, boundary, &pos, &ph, &pb) == 1) {
		assert_non_null(memmem(ph.p, ph.len, "x-cisco-remotecc-request+xml", 28));
		parts++;
	}
	assert_int_equal(parts, 2);
	free(buf);
}

/* Stream framing: every proper prefix is DT_EAGAIN; two messages back to back split right. */
static void
test_stream_framing(void **state)
{
	size_t len;
	char *buf = slurp("tests/vectors/sip/cisco-register-first.txt", &len);
	char *two = malloc(2 * len + 4);
	struct sip_msg m;
	for (size_t n = 0; n < len; n++)
		assert_int_equal(sip_msg_parse(buf, n, SIP_PARSE_STREAM, 65535, &m), DT_EAGAIN);
	memcpy(two, "\r\n", 2); /* a keep-alive CRLF before the first message is skipped */
	memcpy(two + 2, buf, len);
	memcpy(two + 2 + len, buf, len);
	assert_int_equal(sip_msg_parse(two, 2 * len + 2, SIP_PARSE_STREAM, 65535, &m), DT_OK);
	assert_int_equal(m.len, len + 2);
	assert_int_equal(sip_msg_parse(two + m.len, len, SIP_PARSE_STREAM, 65535, &m), DT_OK);
	/* over the bound before the end of headers → fault, not an endless wait */
	assert_int_equal(sip_msg_parse(buf, 200, SIP_PARSE_STREAM, 100, &m), DT_EINVAL);
	assert_int_equal(m.fault, SIP_F_TOO_LARGE);
	assert_int_equal(sip_fault_status(m.fault), 513);
	free(two);
	free(buf);
}

static void
test_stream_needs_content_length(void **state)
{
	const char *msg = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n";
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(msg, strlen(msg), SIP_PARSE_STREAM, 0, &m), DT_EINVAL);
	assert_int_equal(m.fault, SIP_F_CL_MISSING);
	assert_int_equal(sip_msg_parse(msg, strlen(msg), 0, 0, &m), DT_OK);
}

static void
test_uri(void **state)
{
	struct sip_uri u;
	assert_int_equal(
	    sip_uri_parse(DT_SLICE_LIT("sip:user;par=u%40example.net@example.com"), &u), 0);
	assert_true(sl_is(u.user, "user;par=u%40example.net"));
	assert_true(sl_is(u.host, "example.com"));
	assert_int_equal(
	    sip_uri_parse(DT_SLICE_LIT("sips:alice:secret@[2001:db8::10]:5061;lr"), &u), 0);
	assert_true(sl_is(u.password, "secret"));
	assert_true(sl_is(u.host, "[2001:db8::10]"));
	assert_int_equal(u.port, 5061);
	assert_true(sl_is(u.params, ";lr"));
	assert_int_equal(sip_uri_parse(DT_SLICE_LIT("tel:+1-201-555-0123"), &u), 0);
	assert_false(u.is_sip);
	assert_int_equal(sip_uri_parse(DT_SLICE_LIT("sip:a@b:65536"), &u), DT_EINVAL);
	assert_int_equal(sip_uri_parse(DT_SLICE_LIT("sip:a@b c"), &u), DT_EINVAL);
	assert_int_equal(sip_uri_parse(DT_SLICE_LIT("sip:%zz@b"), &u), DT_EINVAL);
	assert_int_equal(sip_uri_parse(DT_SLICE_LIT("sip:@b"), &u), DT_EINVAL);
	assert_int_equal(sip_uri_parse(DT_SLICE_LIT("sip:a@[::1"), &u), DT_EINVAL);
}

static void
test_auth(void **state)
{
	struct sip_auth a;
	assert_int_equal(
	    sip_auth_parse(DT_SLICE_LIT("Digest username=\"2001\", realm=\"dialtone\",\r\n "
					"nonce=\"abc\", uri=\"sip:10.0.0.10\", response=\"0123\", "
					"algorithm=SHA-256, cnonce=\"xy\", qop=auth, nc=00000001"),
			   &a),
	    0);
	assert_true(sl_is(a.scheme, "Digest"));
	assert_true(sl_is(a.username, "2001"));
	assert_true(sl_is(a.uri, "sip:10.0.0.10"));
	assert_true(sl_is(a.algorithm, "SHA-256"));
	assert_true(sl_is(a.nc, "00000001"));
	assert_true(sl_is(a.qop, "auth"));
	assert_int_equal(sip_auth_parse(DT_SLICE_LIT("Digest username=\"x"), &a), DT_EINVAL);
	assert_int_equal(sip_auth_parse(DT_SLICE_LIT("Digest =x"), &a), DT_EINVAL);
}

/* A 200 OK built from a REGISTER: copied headers, To tag added once, Content-Length. */
static void
test_build_response(void **state)
{
	size_t len;
	char *buf = slurp("tests/vectors/sip/cisco-keepalive-backup.txt", &len);
	char out[2048];
	struct sip_msg req, resp;
	struct sip_out o;
	struct sip_addr a;
	struct dt_slice tag;
	int n;
	assert_int_equal(sip_msg_parse(buf, len, 0, 0, &req), DT_OK);
	sip_out_init(&o, out, sizeof out);
	sip_out_status(&o, 423, NULL);
	sip_out_response_hdrs(&o, &req, "12345");
	sip_out_hdrf(&o, "Min-Expires", "%d", 60);
	n = sip_out_finish(&o, NULL, NULL, 0);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(out, (size_t)n, SIP_PARSE_STREAM, 0, &resp), DT_OK);
	assert_int_equal(sip_msg_check(&resp), DT_OK);
	assert_int_equal(resp.status, 423);
	assert_true(sl_is(resp.reason, "Interval Too Brief"));
	assert_int_equal(sip_addr_parse(sip_msg_hdr(&resp, SIP_H_TO, 0)->value, &a), 0);
	assert_true(sip_param_get(a.params, "tag", &tag));
	assert_true(sl_is(tag, "12345"));
	assert_true(sl_is(sip_msg_hdr(&resp, SIP_H_MIN_EXPIRES, 0)->value, "60"));
	/* too small a buffer is an error, never a truncated message */
	sip_out_init(&o, out, 40);
	sip_out_status(&o, 200, NULL);
	sip_out_response_hdrs(&o, &req, "1");
	assert_int_equal(sip_out_finish(&o, NULL, NULL, 0), -1);
	free(buf);
}

static void
test_list_and_params(void **state)
{
	struct dt_slice rest = DT_SLICE_LIT("\"a, b\" <sip:x,1@y;p=1>;q=0.5 , <sip:z@w>"), item, v;
	struct sip_addr a;
	assert_true(sip_list_next(&rest, &item));
	assert_int_equal(sip_addr_parse(item, &a), 0);
	assert_true(sl_is(a.display, "a, b"));
	assert_true(sip_param_get(a.params, "q", &v));
	assert_true(sl_is(v, "0.5"));
	assert_true(sip_list_next(&rest, &item));
	assert_true(sl_is(item, "<sip:z@w>"));
	assert_false(sip_list_next(&rest, &item));
	assert_int_equal(sip_params_valid(DT_SLICE_LIT(";a;;b")), -1);
	assert_int_equal(sip_params_valid(DT_SLICE_LIT(" ; a = \"x;y\" ; b")), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_wsinv_fields),
	    cmocka_unit_test(test_cisco_register),
	    cmocka_unit_test(test_stream_framing),
	    cmocka_unit_test(test_stream_needs_content_length),
	    cmocka_unit_test(test_uri),
	    cmocka_unit_test(test_auth),
	    cmocka_unit_test(test_build_response),
	    cmocka_unit_test(test_list_and_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
