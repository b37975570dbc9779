/* summary: tests for src/proto/tftp/tftp_ascii.c: LF -> CR LF, CR -> CR NUL, pairs cut at a block
 * boundary, replay from a saved state, and the converted size. */
#include "dt_test.h"
#include "proto/tftp/tftp.h"

#include <string.h>

static void
test_convert_whole(void **state)
{
	static const uint8_t src[] = "a\nb\rc";
	static const uint8_t want[] = {'a', '\r', '\n', 'b', '\r', 0, 'c'};
	struct tftp_ascii st = {0, -1};
	uint8_t out[32];
	size_t n = tftp_ascii_encode(src, 5, &st, out, sizeof out);
	assert_int_equal(n, sizeof want);
	assert_memory_equal(out, want, n);
	assert_int_equal(st.pos, 5);
	assert_int_equal(tftp_ascii_size(src, 5), sizeof want);
}

static void
test_pair_split_across_blocks_and_replay(void **state)
{
	static const uint8_t src[] = "ab\ncd";
	struct tftp_ascii st = {0, -1}, saved;
	uint8_t b1[3], b2[8], again[8];
	size_t n1, n2, n3;

	n1 = tftp_ascii_encode(src, 5, &st, b1, sizeof b1);
	assert_int_equal(n1, 3);
	assert_memory_equal(b1, "ab\r", 3);
	saved = st;
	n2 = tftp_ascii_encode(src, 5, &st, b2, sizeof b2);
	assert_int_equal(n2, 3);
	assert_memory_equal(b2, "\ncd", 3);
	/* A retransmission from the saved state yields the same bytes. */
	n3 = tftp_ascii_encode(src, 5, &saved, again, sizeof again);
	assert_int_equal(n3, n2);
	assert_memory_equal(again, b2, n2);
	/* At the end nothing more comes out. */
	assert_int_equal(tftp_ascii_encode(src, 5, &st, b2, sizeof b2), 0);
}

static void
test_block_exactly_full_then_empty(void **state)
{
	static const uint8_t src[] = "abcd";
	struct tftp_ascii st = {0, -1};
	uint8_t out[4];
	assert_int_equal(tftp_ascii_encode(src, 4, &st, out, 4), 4);
	assert_int_equal(tftp_ascii_encode(src, 4, &st, out, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_convert_whole),
	    cmocka_unit_test(test_pair_split_across_blocks_and_replay),
	    cmocka_unit_test(test_block_exactly_full_then_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
