/* summary: unit tests for src/phone/phone_log.c: the console-log line in text and JSON. */
#include "dt_test.h"

#include <jansson.h>
#include <string.h>

#include "phone/phone_priv.h"

static void
test_text_line(void **state)
{
	char buf[512];
	struct timeval tv = {1795000000, 123456};
	struct phone_logline l = {3, "ok", 4200, "DISCOVER", "ACK 127.1.0.5"};
	size_t n = phone_log_format(buf, sizeof buf, 0, &tv, "SEP001122334455", &l);
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, ".123Z SEP001122334455 [03 dhcp] ok 4.2ms"));
	assert_non_null(strstr(buf, "| sent: DISCOVER | got: ACK 127.1.0.5\n"));
}

static void
test_json_line_escapes(void **state)
{
	char buf[512];
	struct timeval tv = {1795000000, 0};
	struct phone_logline l = {10, "failed", 1500, "REGISTER", "403 \"Forbidden\"\n"};
	phone_log_format(buf, sizeof buf, 1, &tv, "SEP001122334455", &l);
	json_error_t err;
	json_t *o = json_loads(buf, 0, &err);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "step")), 10);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "sip_register");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "failed");
	assert_string_equal(json_string_value(json_object_get(o, "got")), "403 \"Forbidden\"\n");
	assert_true(json_real_value(json_object_get(o, "ms")) > 1.49);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_line),
	    cmocka_unit_test(test_json_line_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
