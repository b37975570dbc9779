/* summary: tests for src/proto/tftp/tftp_codec.c: each packet type decoded from wire bytes and
 * encoded back byte-exactly; option ranges; the three bad-input outcomes kept apart. */
#include "dt_test.h"
#include "core/err.h"
#include "proto/tftp/tftp.h"

#include <string.h>

/* tshark: "Read Request, File: SEP001122334455.cnf.xml, Transfer type: octet, blksize=1428,
 * tsize=0, windowsize=16" */
static const uint8_t rrq_opts[] = "\x00\x01SEP001122334455.cnf.xml\0octet\0"
				  "blksize\0001428\0tsize\0000\0windowsize\00016\0";

static void
test_rrq_with_options(void **state)
{
	struct tftp_pkt p;
	const char *why;
	uint8_t out[128];
	size_t n;

	assert_int_equal(tftp_pkt_decode(rrq_opts, sizeof rrq_opts - 1, &p, &why), DT_OK);
	assert_int_equal(p.op, TFTP_RRQ);
	assert_true(slice_eq(p.u.req.file, "SEP001122334455.cnf.xml"));
	assert_int_equal(p.u.req.mode, TFTP_MODE_OCTET);
	assert_int_equal(p.u.req.opt.present,
			 TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE);
	assert_int_equal(p.u.req.opt.blksize, 1428);
	assert_int_equal(p.u.req.opt.tsize, 0);
	assert_int_equal(p.u.req.opt.windowsize, 16);
	assert_int_equal(p.u.req.opt.invalid, 0);
	/* Round trip: the encoder writes the same bytes. */
	assert_int_equal(tftp_pkt_encode(&p, out, sizeof out, &n), DT_OK);
	assert_int_equal(n, sizeof rrq_opts - 1);
	assert_memory_equal(out, rrq_opts, n);
}

static void
test_mode_and_option_names_case_insensitive(void **state)
{
	static const uint8_t pkt[] = "\x00\x01"
				     "a\0NetASCII\0BLKSIZE\0"
				     "100\0TimeOut\0"
				     "3\0";
	struct tftp_pkt p;
	assert_int_equal(tftp_pkt_decode(pkt, sizeof pkt - 1, &p, NULL), DT_OK);
	assert_int_equal(p.u.req.mode, TFTP_MODE_NETASCII);
	assert_int_equal(p.u.req.opt.blksize, 100);
	assert_int_equal(p.u.req.opt.timeout, 3);
}

static void
test_bad_option_values_are_flagged_not_fatal(void **state)
{
	/* blksize 7 < 8, timeout 256 > 255, windowsize "1x", plus an unknown option. */
	static const uint8_t pkt[] = "\x00\x01"
				     "f\0octet\0blksize\0"
				     "7\0timeout\0"
				     "256\0windowsize\0"
				     "1x\0multicast\0\0tsize\0"
				     "0\0";
	struct tftp_pkt p;
	assert_int_equal(tftp_pkt_decode(pkt, sizeof pkt - 1, &p, NULL), DT_OK);
	assert_int_equal(p.u.req.opt.invalid,
			 TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_WINDOWSIZE);
	assert_int_equal(p.u.req.opt.present, TFTP_OPT_TSIZE);
	assert_int_equal(p.u.req.opt.unknown, 1);
}

static void
test_blksize_bounds(void **state)
{
	static const uint8_t lo[] = "\x00\x01"
				    "f\0octet\0blksize\0"
				    "8\0";
	static const uint8_t hi[] = "\x00\x01"
				    "f\0octet\0blksize\0"
				    "65464\0";
	static const uint8_t over[] = "\x00\x01"
				      "f\0octet\0blksize\0"
				      "65465\0";
	struct tftp_pkt p;
	assert_int_equal(tftp_pkt_decode(lo, sizeof lo - 1, &p, NULL), DT_OK);
	assert_int_equal(p.u.req.opt.blksize, 8);
	assert_int_equal(tftp_pkt_decode(hi, sizeof hi - 1, &p, NULL), DT_OK);
	assert_int_equal(p.u.req.opt.blksize, 65464);
	assert_int_equal(tftp_pkt_decode(over, sizeof over - 1, &p, NULL), DT_OK);
	assert_int_equal(p.u.req.opt.invalid, TFTP_OPT_BLKSIZE);
}

static void
test_truncated_vs_invalid(void **state)
{
	static const uint8_t no_nul[] = {0, 1, 'a', 'b'};
	static const uint8_t no_mode_nul[] = {0, 1, 'a', 0, 'o', 'c'};
	static const uint8_t opt_no_val[] = "\x00\x01"
					    "a\0octet\0blksize";
	static const uint8_t empty_name[] = "\x00\x01\0octet\0";
	static const uint8_t bad_mode[] = "\x00\x01"
					  "a\0binary\0";
	static const uint8_t bad_op[] = {0, 9, 0, 0};
	static const uint8_t short_ack[] = {0, 4, 1};
	struct tftp_pkt p;
	const char *why = NULL;

	assert_int_equal(tftp_pkt_decode(no_nul, sizeof no_nul, &p, &why), DT_ETRUNC);
	assert_string_equal(why, "file name without NUL");
	assert_int_equal(tftp_pkt_decode(no_mode_nul, sizeof no_mode_nul, &p, &why), DT_ETRUNC);
	assert_int_equal(tftp_pkt_decode(opt_no_val, sizeof opt_no_val - 1, &p, &why), DT_ETRUNC);
	assert_int_equal(tftp_pkt_decode(empty_name, sizeof empty_name - 1, &p, &why), DT_EINVAL);
	assert_string_equal(why, "empty file name");
	assert_int_equal(tftp_pkt_decode(bad_mode, sizeof bad_mode - 1, &p, &why), DT_EINVAL);
	assert_int_equal(tftp_pkt_decode(bad_op, sizeof bad_op, &p, &why), DT_EINVAL);
	assert_string_equal(why, "unknown opcode");
	assert_int_equal(tftp_pkt_decode(short_ack, sizeof short_ack, &p, &why), DT_ETRUNC);
	assert_int_equal(tftp_pkt_decode(short_ack, 1, &p, &why), DT_ETRUNC);
	assert_int_equal(tftp_pkt_decode(short_ack, 0, &p, &why), DT_ETRUNC);
}

static void
test_overlong_name_refused(void **state)
{
	uint8_t pkt[TFTP_NAME_MAX + 16];
	struct tftp_pkt p;
	const char *why;
	memset(pkt, 'a', sizeof pkt);
	pkt[0] = 0;
	pkt[1] = 1;
	pkt[2 + TFTP_NAME_MAX + 1] = 0;
	memcpy(pkt + 2 + TFTP_NAME_MAX + 2, "octet", 6);
	assert_int_equal(tftp_pkt_decode(pkt, 2 + TFTP_NAME_MAX + 8, &p, &why), DT_EINVAL);
	assert_string_equal(why, "file name too long");
}

static void
test_data_ack_error_round_trip(void **state)
{
	/* tshark: "Data Packet, Block: 65535" with 3 bytes */
	static const uint8_t data[] = {0, 3, 0xff, 0xff, 'x', 'y', 'z'};
	/* tshark: "Acknowledgement, Block: 0" */
	static const uint8_t ack[] = {0, 4, 0, 0};
	/* tshark: "Error Code, Code: File not found, Message: File not found" */
	static const uint8_t err[] = "\x00\x05\x00\x01"
				     "File not found";
	struct tftp_pkt p;
	uint8_t out[64];
	size_t n;

	assert_int_equal(tftp_pkt_decode(data, sizeof data, &p, NULL), DT_OK);
	assert_int_equal(p.u.data.block, 65535);
	assert_int_equal(p.u.data.len, 3);
	assert_memory_equal(p.u.data.data, "xyz", 3);
	assert_int_equal(tftp_pkt_encode(&p, out, sizeof out, &n), DT_OK);
	assert_int_equal(n, sizeof data);
	assert_memory_equal(out, data, n);
	/* The scatter-gather header matches the full encoding. */
	tftp_data_hdr(out, 65535);
	assert_memory_equal(out, data, 4);

	assert_int_equal(tftp_pkt_decode(ack, sizeof ack, &p, NULL), DT_OK);
	assert_int_equal(p.op, TFTP_ACK);
	assert_int_equal(p.u.ack.block, 0);

	assert_int_equal(tftp_pkt_decode(err, sizeof err, &p, NULL), DT_OK);
	assert_int_equal(p.u.error.code, TFTP_E_NOTFOUND);
	assert_true(slice_eq(p.u.error.msg, tftp_err_text(TFTP_E_NOTFOUND)));
	assert_int_equal(tftp_pkt_encode(&p, out, sizeof out, &n), DT_OK);
	assert_int_equal(n, sizeof err);
	assert_memory_equal(out, err, n);
}

static void
test_oack_strict(void **state)
{
	static const uint8_t good[] = "\x00\x06"
				      "blksize\0"
				      "1428\0tsize\0"
				      "6144\0";
	static const uint8_t unknown[] = "\x00\x06"
					 "foo\0"
					 "1\0";
	static const uint8_t range[] = "\x00\x06"
				       "windowsize\0"
				       "0\0";
	struct tftp_pkt p, q;
	uint8_t out[64];
	size_t n;

	assert_int_equal(tftp_pkt_decode(good, sizeof good - 1, &p, NULL), DT_OK);
	assert_int_equal(p.u.oack.blksize, 1428);
	assert_int_equal(p.u.oack.tsize, 6144);
	assert_int_equal(tftp_pkt_decode(unknown, sizeof unknown - 1, &q, NULL), DT_EINVAL);
	assert_int_equal(tftp_pkt_decode(range, sizeof range - 1, &q, NULL), DT_EINVAL);
	assert_int_equal(tftp_pkt_encode(&p, out, sizeof out, &n), DT_OK);
	assert_int_equal(n, sizeof good - 1);
	assert_memory_equal(out, good, n);
}

static void
test_encode_does_not_overflow(void **state)
{
	struct tftp_pkt p;
	uint8_t out[8];
	size_t n = 99;
	memset(&p, 0, sizeof p);
	p.op = TFTP_ERROR;
	p.u.error.code = 1;
	p.u.error.msg = DT_SLICE_LIT("File not found");
	assert_int_equal(tftp_pkt_encode(&p, out, sizeof out, &n), DT_ERANGE);
	assert_int_equal(n, 99);
	p.op = 77;
	assert_int_equal(tftp_pkt_encode(&p, out, sizeof out, &n), DT_EINVAL);
}

static void
test_names(void **state)
{
	assert_string_equal(tftp_op_name(TFTP_OACK), "OACK");
	assert_string_equal(tftp_op_name(0), "?");
	assert_string_equal(tftp_err_text(TFTP_E_UNKNOWN_TID), "Unknown transfer ID");
	assert_string_equal(tftp_err_text(99), "Undefined error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rrq_with_options),
	    cmocka_unit_test(test_mode_and_option_names_case_insensitive),
	    cmocka_unit_test(test_bad_option_values_are_flagged_not_fatal),
	    cmocka_unit_test(test_blksize_bounds),
	    cmocka_unit_test(test_truncated_vs_invalid),
	    cmocka_unit_test(test_overlong_name_refused),
	    cmocka_unit_test(test_data_ack_error_round_trip),
	    cmocka_unit_test(test_oack_strict),
	    cmocka_unit_test(test_encode_does_not_overflow),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
