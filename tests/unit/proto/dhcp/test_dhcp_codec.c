/* summary: tests for src/proto/dhcp: decode rules from the option table, overload, encode bytes. */
#include "dt_test.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "proto/dhcp/dhcp.h"

/* A DISCOVER as a Cisco 7941 sends it: header + cookie, then the options given. */
static size_t
build(uint8_t *buf, size_t cap, const uint8_t *opts, size_t optlen)
{
	static const uint8_t mac[6] = {0x00, 0x1e, 0x4a, 0x12, 0x34, 0x56};
	memset(buf, 0, cap);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1;
	buf[2] = 6;
	buf[4] = 0xde;
	buf[5] = 0xad;
	buf[6] = 0xbe;
	buf[7] = 0xef;
	memcpy(buf + 28, mac, 6);
	buf[236] = 99;
	buf[237] = 130;
	buf[238] = 83;
	buf[239] = 99;
	if (optlen)
		memcpy(buf + 240, opts, optlen);
	return 240 + optlen;
}

static struct dhcp_msg msg;

static void
test_decode_discover(void **state)
{
	static const uint8_t opts[] = {53, 1, 1,   55,	7,   1,	  66,  6,   3,	 15,  150, 35,
				       60, 9, 'C', 'i', 's', 'c', 'o', ' ', 'C', 'P', 0,   255};
	uint8_t buf[600];
	size_t n = build(buf, sizeof buf, opts, sizeof opts);
	const char *why;
	uint32_t v;

	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_OK);
	assert_int_equal(msg.msg_type, DHCP_DISCOVER);
	assert_int_equal(msg.xid, 0xdeadbeef);
	assert_int_equal(msg.chaddr[1], 0x1e);
	assert_int_equal(msg.end_seen, 1);
	assert_true(dhcp_requested(&msg, 150));
	assert_true(dhcp_requested(&msg, 66));
	assert_false(dhcp_requested(&msg, 42));
	/* NUL terminator of option 60 trimmed, as Cisco phones send it */
	assert_int_equal(dhcp_get_text(&msg, DHCP_OPT_VENDOR_CLASS).len, 8);
	assert_true(slice_eq(dhcp_get_text(&msg, DHCP_OPT_VENDOR_CLASS), "Cisco CP"));
	assert_int_equal(dhcp_get_u32(&msg, DHCP_OPT_SERVER_ID, &v), -1);
}

static int
decode_opts(const uint8_t *opts, size_t len, const char **why)
{
	uint8_t buf[700];
	size_t n = build(buf, sizeof buf, opts, len);
	return dhcp_decode(buf, n, &msg, why);
}

static void
test_option150_rules(void **state)
{
	static const uint8_t ok[] = {53, 1, 2, 150, 8, 10, 0, 0, 1, 10, 0, 0, 2, 255};
	static const uint8_t len5[] = {53, 1, 2, 150, 5, 10, 0, 0, 1, 10, 255};
	static const uint8_t len0[] = {53, 1, 2, 150, 0, 255};
	uint32_t ips[4];
	const char *why;

	assert_int_equal(decode_opts(ok, sizeof ok, &why), DT_OK);
	assert_int_equal(dhcp_get_ips(&msg, 150, ips, 4), 2);
	assert_int_equal(ips[0], 0x0a000001);
	assert_int_equal(ips[1], 0x0a000002);
	assert_int_equal(decode_opts(len5, sizeof len5, &why), DT_EINVAL);
	assert_int_equal(msg.bad_opt, 150);
	assert_string_equal(why, "option length is not a multiple of its unit");
	assert_int_equal(decode_opts(len0, sizeof len0, &why), DT_EINVAL);
	assert_string_equal(why, "zero-length option");
}

static void
test_option66_and_53_rules(void **state)
{
	static const uint8_t o66_empty[] = {53, 1, 1, 66, 0, 255};
	static const uint8_t bad_type[] = {53, 1, 9, 255};
	static const uint8_t type_len2[] = {53, 2, 1, 1, 255};
	const char *why;

	assert_int_equal(decode_opts(o66_empty, sizeof o66_empty, &why), DT_EINVAL);
	assert_int_equal(msg.bad_opt, 66);
	assert_int_equal(decode_opts(bad_type, sizeof bad_type, &why), DT_EINVAL);
	assert_string_equal(why, "unknown DHCP message type");
	assert_int_equal(decode_opts(type_len2, sizeof type_len2, &why), DT_EINVAL);
	assert_string_equal(why, "option longer than its maximum");
}

static void
test_duplicates(void **state)
{
	static const uint8_t dup53[] = {53, 1, 1, 53, 1, 3, 255};
	static const uint8_t split55[] = {53, 1, 1, 55, 2, 1, 3, 55, 1, 150, 255};
	const char *why;

	assert_int_equal(decode_opts(dup53, sizeof dup53, &why), DT_EINVAL);
	assert_string_equal(why, "duplicate option");
	/* RFC 3396 split of a variable-length option: every piece is searched */
	assert_int_equal(decode_opts(split55, sizeof split55, &why), DT_OK);
	assert_int_equal(msg.split, 1);
	assert_true(dhcp_requested(&msg, 150));
	assert_true(dhcp_requested(&msg, 3));
}

static void
test_truncation(void **state)
{
	static const uint8_t past_end[] = {53, 1, 1, 61, 20, 1, 2, 3};
	static const uint8_t no_len[] = {53, 1, 1, 61};
	uint8_t buf[300];
	const char *why;
	size_t n;

	assert_int_equal(decode_opts(past_end, sizeof past_end, &why), DT_ETRUNC);
	assert_int_equal(msg.bad_opt, 61);
	assert_int_equal(decode_opts(no_len, sizeof no_len, &why), DT_ETRUNC);
	n = build(buf, sizeof buf, NULL, 0);
	assert_int_equal(dhcp_decode(buf, 100, &msg, &why), DT_ETRUNC);
	assert_int_equal(dhcp_decode(buf, 238, &msg, &why), DT_ETRUNC);
	/* no options at all: decodes as BOOTP without END */
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_OK);
	assert_int_equal(msg.msg_type, DHCP_NONE);
	assert_int_equal(msg.end_seen, 0);
}

static void
test_header_rules(void **state)
{
	static const uint8_t opts[] = {53, 1, 1, 255};
	uint8_t buf[300];
	size_t n = build(buf, sizeof buf, opts, sizeof opts);
	const char *why;

	buf[236] = 0x63;
	buf[239] = 0x64;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_EINVAL);
	assert_string_equal(why, "bad magic cookie");
	buf[239] = 99;
	buf[0] = 3;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_EINVAL);
	buf[0] = 1;
	buf[2] = 17;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_EINVAL);
	assert_string_equal(why, "hlen larger than the 16-byte chaddr");
}

static void
test_overload(void **state)
{
	/* option 52 = 3: file holds 66, sname holds 67; both end with 255 */
	static const uint8_t opts[] = {53, 1, 2, 52, 1, 3, 255};
	uint8_t buf[400];
	size_t n = build(buf, sizeof buf, opts, sizeof opts);
	const char *why;
	char text[2048];

	buf[108] = 66; /* file field */
	buf[109] = 3;
	memcpy(buf + 110, "tft", 3);
	buf[113] = 255;
	buf[44] = 67; /* sname field */
	buf[45] = 2;
	memcpy(buf + 46, "f1", 2);
	buf[48] = 255;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_OK);
	assert_int_equal(msg.overload, 3);
	assert_true(slice_eq(dhcp_get_text(&msg, 66), "tft"));
	assert_true(slice_eq(dhcp_get_text(&msg, 67), "f1"));
	assert_int_equal(dhcp_get(&msg, 66)->area, DHCP_AREA_FILE);
	assert_int_equal(msg.sname.len, 0);
	dhcp_format(&msg, text, sizeof text);
	assert_non_null(strstr(text, "option 66 TFTP Server Name (in file): \"tft\"\n"));

	/* option running past the 128-byte file field is malformed, not truncated */
	buf[108] = 66;
	buf[109] = 200;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_EINVAL);
	assert_int_equal(msg.bad_opt, 66);
	/* nested overload */
	buf[108] = 52;
	buf[109] = 1;
	buf[110] = 1;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_EINVAL);
	assert_string_equal(why, "option overload inside an overloaded field");
	/* bad overload value */
	buf[245] = 7;
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_EINVAL);
	assert_string_equal(why, "option overload value not 1-3");
}

static void
test_encode_offer_bytes(void **state)
{
	/* tshark: DHCP Offer, 54=10.1.1.1, 51=3600, 1=255.255.255.0, 150=10.1.1.5,10.1.1.6 */
	static const uint8_t expect_opts[] = {53, 1,  2,  54, 4, 10, 1,	  1,   1,   51, 4,
					      0,  0,  14, 16, 1, 4,  255, 255, 255, 0,	150,
					      8,  10, 1,  1,  5, 10, 1,	  1,   6,   255};
	struct dhcp_out o;
	uint32_t tftp[2] = {0x0a010105, 0x0a010106};
	uint8_t buf[600];
	size_t n;
	const char *why;

	memset(&o, 0, sizeof o);
	o.op = DHCP_OP_REPLY;
	o.htype = 1;
	o.hlen = 6;
	o.xid = 0x01020304;
	o.yiaddr = 0x0a01010a;
	o.chaddr[0] = 0xaa;
	dhcp_out_u8(&o, DHCP_OPT_MSG_TYPE, DHCP_OFFER);
	dhcp_out_u32(&o, DHCP_OPT_SERVER_ID, 0x0a010101);
	dhcp_out_u32(&o, DHCP_OPT_LEASE_TIME, 3600);
	dhcp_out_u32(&o, DHCP_OPT_SUBNET_MASK, 0xffffff00);
	dhcp_out_ips(&o, DHCP_OPT_TFTP_SERVERS, tftp, 2);
	assert_int_equal(dhcp_encode(&o, buf, sizeof buf, 548, &n), DT_OK);
	assert_int_equal(n, 300);
	assert_int_equal(buf[0], 2);
	assert_int_equal(buf[16], 10);
	assert_int_equal(buf[19], 10);
	assert_memory_equal(buf + 240, expect_opts, sizeof expect_opts);
	assert_int_equal(buf[240 + sizeof expect_opts], 0);
	/* the decoder reads back what the encoder wrote */
	assert_int_equal(dhcp_decode(buf, n, &msg, &why), DT_OK);
	assert_int_equal(msg.msg_type, DHCP_OFFER);
	assert_int_equal(msg.yiaddr, 0x0a01010a);
}

static void
test_encode_rules(void **state)
{
	struct dhcp_out o;
	uint8_t buf[600];
	size_t n;
	uint8_t big[255];

	memset(&o, 0, sizeof o);
	o.op = DHCP_OP_REPLY;
	dhcp_out_opt(&o, DHCP_OPT_TFTP_NAME, "", 0);
	assert_int_equal(o.err, 1);
	assert_int_equal(dhcp_encode(&o, buf, sizeof buf, sizeof buf, &n), DT_EINVAL);
	memset(&o, 0, sizeof o);
	dhcp_out_ips(&o, DHCP_OPT_TFTP_SERVERS, NULL, 0);
	assert_int_equal(o.err, 1);
	/* an option that does not fit in the client's maximum message size */
	memset(&o, 0, sizeof o);
	memset(big, 'a', sizeof big);
	dhcp_out_opt(&o, DHCP_OPT_DOMAIN_NAME, big, sizeof big);
	assert_int_equal(o.err, 0);
	assert_int_equal(dhcp_encode(&o, buf, sizeof buf, 400, &n), DT_ERANGE);
	assert_int_equal(dhcp_encode(&o, buf, sizeof buf, 548, &n), DT_OK);
	assert_int_equal(n, 240 + 257 + 1);
}

static void
test_frame_roundtrip(void **state)
{
	uint8_t frame[14 + 28 + 300];
	const uint8_t *payload;
	size_t plen;
	uint32_t src, dst;

	memset(frame, 0, sizeof frame);
	frame[12] = 0x08;
	memset(frame + 14 + 28, 0x5a, 300);
	assert_int_equal(
	    dhcp_frame_ipudp(frame + 14, sizeof frame - 14, 300, 0x0a000001, 67, 0xffffffff, 68),
	    DT_OK);
	/* IPv4 header checksum verifies to zero when summed with itself */
	{
		uint32_t sum = 0;
		int i;
		for (i = 0; i < 20; i += 2)
			sum += (uint32_t)(frame[14 + i] << 8 | frame[15 + i]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		assert_int_equal(sum, 0xffff);
	}
	assert_int_equal(dhcp_frame_find(frame, sizeof frame, &payload, &plen, &src, &dst), DT_OK);
	assert_int_equal(plen, 300);
	assert_int_equal(src, 0x0a000001);
	assert_int_equal(dst, 0xffffffff);
	assert_int_equal(payload[0], 0x5a);
	assert_int_equal(dhcp_frame_find(frame, 40, &payload, &plen, &src, &dst), DT_ETRUNC);
	frame[12] = 0x86;
	assert_int_equal(dhcp_frame_find(frame, sizeof frame, &payload, &plen, &src, &dst),
			 DT_ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_discover),
	    cmocka_unit_test(test_option150_rules),
	    cmocka_unit_test(test_option66_and_53_rules),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_header_rules),
	    cmocka_unit_test(test_overload),
	    cmocka_unit_test(test_encode_offer_bytes),
	    cmocka_unit_test(test_encode_rules),
	    cmocka_unit_test(test_frame_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
