/* summary: tests for src/cli/cli_csv.c: RFC 4180 quoting, CRLF/LF, BOM, empty lines, and each
 * malformed-record error naming its row and field; the writer's output reads back unchanged. */
#include "dt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_csv.h"

static struct csv_reader rd; /* 64 KiB: not on the stack */

static FILE *
mem(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

static void
test_quoting_and_line_ends(void **state)
{
	static const char in[] = "\xEF\xBB\xBF"
				 "a,b,c\r\n"
				 "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
				 "\n"
				 "2,\"multi\nline\",\n"
				 ",,";
	struct dt_errbuf e = {0, ""};
	FILE *f = mem(in);
	csv_reader_init(&rd, f);
	assert_int_equal(csv_next(&rd, &e), 1);
	assert_int_equal(rd.nf, 3);
	assert_string_equal(rd.field[0], "a");
	assert_string_equal(rd.field[2], "c");
	assert_int_equal(csv_next(&rd, &e), 1);
	assert_int_equal(rd.row, 2);
	assert_string_equal(rd.field[1], "x, y");
	assert_string_equal(rd.field[2], "say \"hi\"");
	assert_int_equal(csv_next(&rd, &e), 1);
	assert_int_equal(rd.row, 3);
	assert_string_equal(rd.field[1], "multi\nline");
	assert_string_equal(rd.field[2], "");
	assert_int_equal(csv_next(&rd, &e), 1);
	assert_int_equal(rd.nf, 3);
	assert_string_equal(rd.field[0], "");
	assert_int_equal(csv_next(&rd, &e), 0);
	fclose(f);
}

static void
test_malformed_records(void **state)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
	    {"h\n\"open", "row 2: field 1: quoted field not closed"},
	    {"h,i\nab\"c,d\n", "row 2: field 1: quote inside an unquoted field"},
	    {"h,i\nx,\"q\"z\n", "row 2: field 2: text after a closing quote"},
	    {"\xEF\xBB"
	     "x\n",
	     "row 1: not UTF-8 text"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dt_errbuf e = {0, ""};
		FILE *f = mem(cases[i].in);
		int rc;
		csv_reader_init(&rd, f);
		while ((rc = csv_next(&rd, &e)) == 1)
			;
		assert_int_equal(rc, DT_EINVAL);
		if (strncmp(e.msg, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].err, e.msg);
		fclose(f);
	}
}

static void
test_too_many_fields(void **state)
{
	size_t n = CSV_MAX_FIELDS + 2;
	char *in = calloc(n * 2 + 2, 1);
	struct dt_errbuf e = {0, ""};
	for (size_t i = 0; i < n; i++)
		strcat(in, i ? ",x" : "x");
	strcat(in, "\n");
	FILE *f = mem(in);
	csv_reader_init(&rd, f);
	assert_int_equal(csv_next(&rd, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "more than"));
	fclose(f);
	free(in);
}

static void
test_writer_round_trip(void **state)
{
	static const char *vals[] = {"plain", "a,b", "say \"x\"", "two\nlines", " padded", ""};
	char *buf = NULL;
	size_t len = 0;
	struct dt_errbuf e = {0, ""};
	FILE *w = open_memstream(&buf, &len);
	size_t n = sizeof vals / sizeof vals[0];
	for (size_t i = 0; i < n; i++)
		csv_put(w, vals[i], i == n - 1);
	fclose(w);
	assert_string_equal(buf, "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",\" padded\",\r\n");
	FILE *f = mem(buf);
	csv_reader_init(&rd, f);
	assert_int_equal(csv_next(&rd, &e), 1);
	assert_int_equal(rd.nf, (int)n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(rd.field[i], vals[i]);
	fclose(f);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quoting_and_line_ends),
	    cmocka_unit_test(test_malformed_records),
	    cmocka_unit_test(test_too_many_fields),
	    cmocka_unit_test(test_writer_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
