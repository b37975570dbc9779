/* summary: unit tests for src/storm/storm_stats.c (nearest-rank percentiles, failure grouping,
 * table), storm_plot.c (well-formed SVG) and storm_macs.c (MAC list file). */
#include "dt_test.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storm/storm.h"

static void
test_percentiles_nearest_rank(void **state)
{
	struct storm_series s = {0};
	assert_int_equal(storm_series_pct(&s, 50), 0);
	/* 1..100 shuffled: p50 = 50, p90 = 90, p99 = 99, max = 100 */
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(storm_series_add(&s, (i * 37) % 100 + 1), DT_OK);
	assert_int_equal(storm_series_pct(&s, 50), 50);
	assert_int_equal(storm_series_pct(&s, 90), 90);
	assert_int_equal(storm_series_pct(&s, 99), 99);
	assert_int_equal(storm_series_pct(&s, 100), 100);
	assert_int_equal(storm_series_pct(&s, 0), 1);
	/* adding after a sort re-sorts */
	storm_series_add(&s, 0);
	assert_int_equal(storm_series_pct(&s, 0), 0);
	storm_series_free(&s);
	/* three samples: p50 is the 2nd, p99 the 3rd */
	storm_series_add(&s, 30);
	storm_series_add(&s, 10);
	storm_series_add(&s, 20);
	assert_int_equal(storm_series_pct(&s, 50), 20);
	assert_int_equal(storm_series_pct(&s, 99), 30);
	storm_series_free(&s);
}

static void
test_failures_grouped_and_table(void **state)
{
	struct storm_stats st;
	memset(&st, 0, sizeof st);
	storm_stats_fail(&st, 10, "403", "registration rejected: 403 Forbidden");
	storm_stats_fail(&st, 10, "403", "registration rejected: 403 Forbidden (other)");
	storm_stats_fail(&st, 3, "timeout", "no DHCP OFFER");
	storm_stats_unfinished(&st, 3);
	assert_int_equal(st.failed, 3);
	assert_int_equal(st.unfinished, 1);
	assert_int_equal(st.n_fails, 3);
	assert_int_equal(st.fails[0].count, 2);
	assert_string_equal(st.fails[0].example, "registration rejected: 403 Forbidden");
	st.registered = 2;
	storm_series_add(&st.reg_at_us, 500000);
	storm_series_add(&st.reg_at_us, 1000000);
	storm_series_add(&st.step_us[10], 2000);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	storm_stats_print(f, &st, 5, 1.5);
	fclose(f);
	assert_non_null(strstr(text, "5 started, 2 registered, 3 failed"));
	assert_non_null(strstr(text, "time until the last phone registered: 1.000 s"));
	assert_non_null(strstr(text, "phones per second (registered / time to last): 2.0"));
	assert_non_null(strstr(text, "10  sip_register"));
	assert_non_null(strstr(text, "403"));
	assert_non_null(strstr(text, "no DHCP OFFER"));
	assert_non_null(strstr(text, "unfinished"));
	free(text);

	char path[] = "/tmp/dt-plot-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct dt_errbuf e = {0};
	assert_int_equal(storm_plot_svg(path, &st, 5, &e), DT_OK);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	assert_non_null(doc);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "svg");
	xmlFreeDoc(doc);
	unlink(path);
	storm_stats_free(&st);
}

static void
test_mac_list_file(void **state)
{
	char path[] = "/tmp/dt-macs-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "# storm\n00:11:22:33:44:55\n\n0011.2233.4466, extra\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char macs[4][13];
	int n = 0;
	struct dt_errbuf e = {0};
	assert_int_equal(storm_macs_read(path, macs, 4, &n, &e), DT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(macs[1], "001122334466");
	assert_int_equal(storm_macs_read(path, macs, 1, &n, &e), DT_ERANGE);
	FILE *f = fopen(path, "a");
	fputs("not-a-mac\n", f);
	fclose(f);
	assert_int_equal(storm_macs_read(path, macs, 4, &n, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, ":5:"));
	unlink(path);
	char g[13];
	storm_mac_gen(0x1234, g);
	assert_string_equal(g, "02DA7E001234");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percentiles_nearest_rank),
	    cmocka_unit_test(test_failures_grouped_and_table),
	    cmocka_unit_test(test_mac_list_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
