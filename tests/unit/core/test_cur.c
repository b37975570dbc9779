/* summary: tests for src/core/cur.h: reads stop at the end and the error is sticky. */
#include "dt_test.h"
#include "core/cur.h"

static void
test_reads_in_bounds(void **state)
{
	const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	struct dt_cur c = cur_init(buf, sizeof buf);
	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_be16(&c), 0x0203);
	assert_int_equal(cur_be32(&c), 0x04050607);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(c.err, 0);
}

static void
test_overrun_is_sticky(void **state)
{
	const uint8_t buf[] = {0xaa, 0xbb, 0xcc};
	uint8_t out[4] = {9, 9, 9, 9};
	struct dt_cur c = cur_init(buf, sizeof buf);
	assert_int_equal(cur_be32(&c), 0);
	assert_int_equal(c.err, 1);
	/* After an overrun even an in-bounds read fails: callers check once per field group. */
	assert_int_equal(cur_u8(&c), 0);
	cur_bytes(&c, out, sizeof out);
	assert_int_equal(out[0], 0);
	assert_null(cur_ptr(&c, 1));
	assert_int_equal(cur_left(&c), 0);
}

static void
test_sub_cursor_limits_tlv(void **state)
{
	const uint8_t buf[] = {0x00, 0x02, 0x11, 0x22, 0x33};
	struct dt_cur c = cur_init(buf, sizeof buf);
	uint16_t len = cur_be16(&c);
	struct dt_cur v = cur_sub(&c, len);
	assert_int_equal(cur_be16(&v), 0x1122);
	assert_int_equal(cur_u8(&v), 0);
	assert_int_equal(v.err, 1);
	assert_int_equal(cur_u8(&c), 0x33);
	assert_int_equal(c.err, 0);
	/* A sub-cursor longer than what is left fails the parent. */
	c = cur_init(buf, sizeof buf);
	v = cur_sub(&c, 99);
	assert_int_equal(c.err, 1);
	assert_int_equal(v.err, 1);
}

static void
test_write_cursor(void **state)
{
	uint8_t buf[6];
	struct dt_wcur w = wcur_init(buf, sizeof buf);
	wcur_u8(&w, 0x01);
	wcur_be16(&w, 0x0203);
	wcur_bytes(&w, "xy", 2);
	assert_int_equal(wcur_used(&w, buf), 5);
	wcur_be16(&w, 0xffff);
	assert_int_equal(w.err, 1);
	assert_int_equal(wcur_used(&w, buf), 5);
	assert_memory_equal(buf, "\x01\x02\x03xy", 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_in_bounds),
	    cmocka_unit_test(test_overrun_is_sticky),
	    cmocka_unit_test(test_sub_cursor_limits_tlv),
	    cmocka_unit_test(test_write_cursor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
