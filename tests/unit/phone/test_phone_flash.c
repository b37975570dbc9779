/* summary: unit tests for src/phone/phone_flash.c (step 1 flash: made on first run, persisted,
 * bad files refused) and phone_loads.c (.loads manifests, including a real signed one). */
#include "dt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phone/phone_priv.h"

static void
test_first_run_makes_flash_then_reads_it(void **state)
{
	char dir[] = "/tmp/dt-flash-XXXXXX";
	struct phone_flash f, g;
	struct dt_errbuf e = {0};
	int made = 0;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(phone_flash_load(dir, "001122334455", "sip88xx", &f, &made, &e), DT_OK);
	assert_int_equal(made, 1);
	assert_string_equal(f.active, "sip88xx.14-2-1-0001-14");
	assert_string_equal(f.inactive, "sip88xx.12-8-1-0001-455");
	/* an upgrade is persisted and read back */
	snprintf(f.inactive, sizeof f.inactive, "%s", f.active);
	snprintf(f.active, sizeof f.active, "sip88xx.14-3-1-0001-33");
	f.boots = 7;
	assert_int_equal(phone_flash_save(dir, "001122334455", &f, &e), DT_OK);
	assert_int_equal(phone_flash_load(dir, "001122334455", "sip88xx", &g, &made, &e), DT_OK);
	assert_int_equal(made, 0);
	assert_string_equal(g.active, "sip88xx.14-3-1-0001-33");
	assert_string_equal(g.inactive, "sip88xx.14-2-1-0001-14");
	assert_int_equal(g.boots, 7);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_bad_flash_names_line(void **state)
{
	struct phone_flash f;
	struct dt_errbuf e = {0};
	memset(&f, 0, sizeof f);
	assert_int_equal(phone_flash_parse("active=a\nbogus\n", &f, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "flash:2:"));
	memset(&f, 0, sizeof f);
	assert_int_equal(phone_flash_parse("# only a comment\ninactive=x\n", &f, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "no active load"));
	memset(&f, 0, sizeof f);
	assert_int_equal(phone_flash_parse("colour=blue\n", &f, &e), DT_EINVAL);
}

static void
test_real_signed_loads_manifest(void **state)
{
	FILE *fp =
	    fopen("../shared/real-world/cisco-config/dannymcc-7906G/SIP11.9-4-2SR1-1S.loads", "rb");
	char buf[4096], names[PHONE_MAX_IMAGES][PHONE_NAME_MAX];
	int n = 0;
	if (!fp)
		skip();
	size_t len = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	assert_int_equal(phone_loads_parse(buf, len, names, PHONE_MAX_IMAGES, &n), DT_OK);
	assert_int_equal(n, 5);
	assert_string_equal(names[0], "jar11sip.9-4-2ES9.sbn");
	assert_string_equal(names[3], "dsp11.9-4-2ES9.sbn");
	assert_string_equal(names[4], "cvm11sip.9-4-2ES9.sbn");
}

static void
test_loads_text_and_limits(void **state)
{
	char names[2][PHONE_NAME_MAX];
	int n = 0;
	const char *t = "# comment\n\nkern88xx.14-3.sbn\r\n  rootfs88xx.14-3.sbn extra\n";
	assert_int_equal(phone_loads_parse(t, strlen(t), names, 2, &n), DT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(names[1], "rootfs88xx.14-3.sbn");
	const char *three = "a1.sbn\nb2.sbn\nc3.sbn\n";
	assert_int_equal(phone_loads_parse(three, strlen(three), names, 2, &n), DT_ERANGE);
	const char *none = "hello world\n../etc/passwd.sbn\n";
	assert_int_equal(phone_loads_parse(none, strlen(none), names, 2, &n), DT_EINVAL);
}

static void
test_models(void **state)
{
	assert_int_equal(phone_model_find("CP-8851")->number, 684);
	assert_int_equal(phone_model_find("7821")->number, 621);
	assert_string_equal(phone_model_find("")->name, "8851");
	assert_string_equal(phone_model_find("8845")->load_prefix, "sip8845_65");
	assert_null(phone_model_find("9999"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_run_makes_flash_then_reads_it),
	    cmocka_unit_test(test_bad_flash_names_line),
	    cmocka_unit_test(test_real_signed_loads_manifest),
	    cmocka_unit_test(test_loads_text_and_limits),
	    cmocka_unit_test(test_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
