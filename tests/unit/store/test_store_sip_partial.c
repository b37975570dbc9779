/* summary: unit tests of the "Partially Registered" state in src/store/ (0006_sip_partial): the
 * state code and line counts are saved and reloaded, the history rows keep their counts, a row
 * written before the migration (no counts) still reads, and the admin's state line says
 * "Partially Registered … lines=1/2" and goes back to "Registered". */
#include "dt_test.h"
#include "reg_fixture.h"
#include "store_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"
#include "sip/registrar.h"
#include "store/store.h"
#include "store/store_sip.h"

#define T0  1700000000
#define DEV "SEP00AABBCCDDEE"

/* REGISTER 2001 from DEV on Call-ID p@x: contact "" = the phone's, "*" = remove all. */
static void
send_reg(struct reg *r, int cseq, const char *contact, int bulk, time_t now)
{
	char msg[2048], out[4096];
	struct sip_msg resp;
	struct reg_outcome oc;
	const struct reg_src src = {
	    .transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 3};
	size_t n = reg_fixture_cisco_register(msg, sizeof msg, "2001", DEV, "p@x", cseq,
					      *contact ? contact : NULL, *contact ? 0 : 3600, bulk);
	assert_int_equal(reg_fixture_send(r, msg, n, &src, now, out, sizeof out, &oc, &resp), 200);
}

static struct reg *
new_reg(void)
{
	struct reg *r = reg_fixture_new();
	assert_int_equal(reg_prov_add(r, "2001", DEV, "", "pw", 0), DT_OK);
	assert_int_equal(reg_prov_add(r, "2002", DEV, "", "pw", 0), DT_OK);
	return r;
}

struct rows {
	int n;
	struct reg_hist h[8];
};

static int
keep_row(const struct reg_hist *h, void *arg)
{
	struct rows *rw = arg;
	if (rw->n < 8)
		rw->h[rw->n++] = *h;
	return 0;
}

static void
test_partial_persisted(void **state)
{
	struct store_fixture *f = *state;
	char line[512];
	struct dt_errbuf e = {0, ""};
	struct reg *r = new_reg();
	struct reg_device_info di;
	struct rows rw = {0};
	size_t restored = 0;
	send_reg(r, 1, "", 1, T0);	/* Registered 2/2 */
	send_reg(r, 2, "*", 0, T0 + 1); /* Unregistered */
	send_reg(r, 3, "", 0, T0 + 2);	/* refresh without body: Partially Registered 1/2 */
	assert_int_equal(store_sip_save(f->st, r, &e), DT_OK);
	reg_free(r);
	store_close(f->st);
	assert_int_equal(store_open(f->dir, &f->st, &e), DT_OK);
	assert_int_equal(store_sip_state_get(f->st, DEV, &di, &e), DT_OK);
	assert_int_equal(di.state, REG_ST_PARTIAL);
	assert_int_equal(di.lines_bound, 1);
	assert_int_equal(di.lines_total, 2);
	assert_int_equal(sip_state_describe(f->st, DEV, line, sizeof line), DT_OK);
	assert_non_null(strstr(line, "Partially Registered 10.0.1.50:51234 TCP lines=1/2 ua="));
	assert_int_equal(store_sip_history(f->st, DEV, keep_row, &rw, &e), DT_OK);
	assert_int_equal(rw.n, 3);
	assert_int_equal(rw.h[0].event, REG_EV_REGISTER);
	assert_int_equal(rw.h[0].lines_bound, 2);
	assert_int_equal(rw.h[0].lines_total, 2);
	assert_int_equal(rw.h[1].event, REG_EV_UNREGISTER);
	assert_int_equal(rw.h[1].lines_total, 0);
	assert_int_equal(rw.h[2].event, REG_EV_REGISTER);
	assert_int_equal(rw.h[2].lines_bound, 1);
	assert_int_equal(rw.h[2].lines_total, 2);

	/* reload into a fresh registrar: partial, and the body's REGISTER makes it Registered */
	r = new_reg();
	assert_int_equal(store_sip_load(f->st, r, T0 + 3, &restored, &e), DT_OK);
	assert_int_equal(restored, 1);
	assert_int_equal(reg_device_get(r, DEV, &di), DT_OK);
	assert_int_equal(di.state, REG_ST_PARTIAL);
	assert_int_equal(di.lines_bound, 1);
	send_reg(r, 4, "", 1, T0 + 4);
	assert_int_equal(store_sip_save(f->st, r, &e), DT_OK);
	assert_int_equal(sip_state_describe(f->st, DEV, line, sizeof line), DT_OK);
	assert_non_null(strstr(line, "Registered 10.0.1.50:51234 TCP ua="));
	assert_null(strstr(line, "Partially"));
	assert_null(strstr(line, "lines="));
	reg_free(r);
}

/* History text written by a build without line counts: rows read with counts 0 0, and the row
 * after a short one is not eaten by the optional fields. */
static void
test_old_history_rows(void **state)
{
	struct store_fixture *f = *state;
	char path[128];
	struct dt_errbuf e = {0, ""};
	struct rows rw = {0};
	sqlite3 *db;
	store_close(f->st);
	snprintf(path, sizeof path, "%s/dialtone.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO sip_device_state (device, state, history) VALUES"
				      " ('" DEV "', 1, '1700000000 1 0 1 10.0.1.50 5060\n"
				      "1700000100 1 0 1 10.0.1.50 5060 1 2\n"
				      "1700000200 3 10 1 - 0\n')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->dir, &f->st, &e), DT_OK);
	assert_int_equal(store_sip_history(f->st, DEV, keep_row, &rw, &e), DT_OK);
	assert_int_equal(rw.n, 3);
	assert_int_equal(rw.h[0].lines_total, 0);
	assert_int_equal(rw.h[1].at, 1700000100);
	assert_int_equal(rw.h[1].lines_bound, 1);
	assert_int_equal(rw.h[1].lines_total, 2);
	assert_int_equal(rw.h[2].at, 1700000200);
	assert_int_equal(rw.h[2].event, REG_EV_UNREGISTER);
	assert_int_equal(rw.h[2].lines_total, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_partial_persisted),
	    STORE_FIXTURE_TEST(test_old_history_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
