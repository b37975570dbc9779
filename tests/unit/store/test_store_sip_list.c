/* summary: tests for src/store/store_sip_list.c: the ordered state walk merged beside the device
 * walk finds each device's state (skipping states of deleted devices, leaving devices without
 * one as unknown), and sip_state_text prints exactly what sip_state_describe prints. */
#include "dt_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store_fixture.h"
#include "store/store_sip.h"
#include "store/store_sip_list.h"

static void
add_dev(struct store *st, const char *mac)
{
	struct dt_errbuf e = {0, ""};
	assert_int_equal(store_fixture_device(st, mac, "8851", NULL, &e), DT_OK);
}

struct walk {
	struct store *st;
	struct store_sip_states *c;
	char seen[512];
	int mismatches;
};

static int
on_dev(const struct store_device *d, void *arg)
{
	struct walk *w = arg;
	struct reg_device_info info;
	char merged[512], direct[512];
	size_t n = strlen(w->seen);
	int found = store_sip_states_find(w->c, d->name, &info);

	if (found)
		sip_state_text(&info, merged, sizeof merged);
	else
		snprintf(merged, sizeof merged, "Unknown (never registered)");
	/* The per-device lookup the listing replaced must say the same. */
	sip_state_describe(w->st, d->name, direct, sizeof direct);
	w->mismatches += strcmp(merged, direct) != 0;
	snprintf(w->seen + n, sizeof w->seen - n, "%s:%d;", d->name + 9, found);
	return 0;
}

static void
test_merge_walk(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct walk w = {f->st, NULL, "", 0};

	add_dev(f->st, "000000000001");
	add_dev(f->st, "000000000003");
	add_dev(f->st, "000000000005");
	add_dev(f->st, "000000000007");
	/* States: 01 registered, 02 of a deleted device (skipped), 05 unregistered, 09 after the
	 * last device; 03 and 07 never registered. */
	assert_int_equal(
	    sqlite3_exec(
		store_sqlite(f->st),
		"INSERT INTO sip_device_state (device, state, reason, ip, port, transport, "
		"user_agent, last_register, active_load, inactive_load, flapping, "
		"cfg_state) VALUES "
		"('SEP000000000001', 1, 0, '10.0.0.1', 5060, 1, 'Cisco-CP8851/14.2.1', "
		"1795000000, 'sip88xx.14-2-1-0001-14.loads', 'sip88xx.12.loads', 0, 2),"
		"('SEP000000000002', 1, 0, '10.0.0.2', 5060, 1, '', 0, '', '', 0, 0),"
		"('SEP000000000005', 2, 1, '10.0.0.5', 51000, 0, '', 1795000100, '', '', 1, "
		"0),"
		"('SEP000000000009', 1, 0, '10.0.0.9', 5060, 2, '', 0, '', '', 0, 0)",
		NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(store_sip_states_open(f->st, &w.c, &e), DT_OK);
	assert_int_equal(store_device_foreach(f->st, on_dev, &w, &e), DT_OK);
	store_sip_states_close(w.c);
	assert_string_equal(w.seen, "000001:1;000003:0;000005:1;000007:0;");
	assert_int_equal(w.mismatches, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_merge_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
