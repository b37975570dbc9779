/* summary: unit tests for storm_stats_merge (the parent of a `storm --procs` run merges each
 * worker's statistics): counts add up, failure rows with the same step and class are one row
 * with the summed count, samples are all kept (so percentiles are exact over every phone), and
 * a worker's storm-relative registration times move by its start offset; and for
 * storm_phones_per_proc (how many phones one process holds under an open-file limit).
 */
#include "dt_test.h"

#include <string.h>

#include "storm/storm.h"

static void
test_merge_adds_counts_rows_and_samples(void **state)
{
	struct storm_stats a, b;
	(void)state;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	for (uint32_t i = 1; i <= 10; i++) {
		storm_series_add(&a.step_us[DT_STEP_DHCP], i * 1000);
		storm_series_add(&b.step_us[DT_STEP_DHCP], (10 + i) * 1000);
		storm_series_add(&a.reg_at_us, i * 100000);
		storm_series_add(&b.reg_at_us, i * 100000);
	}
	a.registered = 10;
	b.registered = 9;
	storm_stats_fail(&b, DT_STEP_SIP_REGISTER, "404", "registration rejected: 404 Not Found");
	storm_stats_fail(&a, DT_STEP_SIP_REGISTER, "404", "registration rejected: 404 Not Found");
	storm_stats_unfinished(&b, DT_STEP_DHCP);
	assert_int_equal(storm_stats_merge(&a, &b, 250000), DT_OK);
	assert_int_equal(a.registered, 19);
	assert_int_equal(a.failed, 2);
	assert_int_equal(a.unfinished, 1);
	assert_int_equal(a.n_fails, 2);
	assert_int_equal(a.fails[0].step, DT_STEP_SIP_REGISTER);
	assert_int_equal(a.fails[0].count, 2);
	assert_string_equal(a.fails[1].cls, "unfinished");
	assert_int_equal(a.step_us[DT_STEP_DHCP].n, 20);
	assert_int_equal(storm_series_pct(&a.step_us[DT_STEP_DHCP], 50), 10000);
	assert_int_equal(storm_series_pct(&a.step_us[DT_STEP_DHCP], 100), 20000);
	/* b started 250 ms after a: its last registration is at 1.0 + 0.25 s of the merged storm.
	 */
	assert_int_equal(storm_series_pct(&a.reg_at_us, 100), 1250000);
	storm_stats_free(&a);
	storm_stats_free(&b);
}

static void
test_phones_per_proc(void **state)
{
	(void)state;
	assert_int_equal(storm_phones_per_proc(20000), 15948); /* this container's hard limit */
	assert_int_equal(storm_phones_per_proc(1024), 768);
	assert_int_equal(storm_phones_per_proc(10), 1);
	assert_int_equal(storm_phones_per_proc(1L << 30), STORM_MAX_PHONES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_adds_counts_rows_and_samples),
	    cmocka_unit_test(test_phones_per_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
