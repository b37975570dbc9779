/* summary: unit tests of the "Partially Registered" state in src/store/ (0006_sip_partial): the
 * state code and line counts are saved and reloaded, the history rows keep their counts, a row
 * written before the migration (no counts) still reads, and the admin's state line says
 * "Partially Registered … lines=1/2" and goes back to "Registered". */
#include "dt_test.h"

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

static const char BULK[] =
    "--uniqueBoundary\r\nContent-Type: application/x-cisco-remotecc-request+xml\r\n\r\n"
    "<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\"><register></register>"
    "</contact></bulkregisterreq></x-cisco-remotecc-request>\r\n--uniqueBoundary--\r\n";

/* REGISTER 2001 from DEV on Call-ID p@x: contact "" = the phone's, "*" = remove all. */
static void
send_reg(struct reg *r, int cseq, const char *contact, int bulk, time_t now)
{
	char msg[2048], out[4096];
	struct sip_msg m;
	struct reg_outcome oc;
	const struct reg_src src = {
	    .transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 3};
	int n = snprintf(
	    msg, sizeof msg,
	    "REGISTER sip:10.0.0.10 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.1.50:51234;branch=z9hG4bK%d"
	    "\r\nFrom: <sip:2001@10.0.0.10>;tag=1\r\nTo: <sip:2001@10.0.0.10>\r\n"
	    "Call-ID: p@x\r\nCSeq: %d REGISTER\r\nUser-Agent: Cisco-CP8851/14.2.1\r\n"
	    "Contact: %s\r\nExpires: %d\r\n%sContent-Length: %zu\r\n\r\n%s",
	    cseq, cseq,
	    *contact
		? contact
		: "<sip:u1@10.0.1.50:51234;transport=tcp>;+u.sip!devicename.ccm.cisco.com=\"" DEV
		  "\"",
	    *contact ? 0 : 3600,
	    bulk ? "Content-Type: multipart/mixed; boundary=uniqueBoundary\r\n" : "",
	    bulk ? sizeof BULK - 1 : 0, bulk ? BULK : "");
	assert_int_equal(sip_msg_parse(msg, (size_t)n, SIP_PARSE_STREAM, 0, &m), DT_OK);
	assert_true(reg_handle(r, &m, &src, now, out, sizeof out, &oc) > 0);
	assert_int_equal(oc.status, 200);
}

static struct reg *
new_reg(void)
{
	struct reg_config c;
	struct reg *r;
	reg_config_defaults(&c);
	r = reg_new(&c);
	assert_non_null(r);
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
	char dir[] = "/tmp/dt-test-store-sip-partial.XXXXXX", line[512];
	struct store *st;
	struct dt_errbuf e = {0, ""};
	struct reg *r = new_reg();
	struct reg_device_info di;
	struct rows rw = {0};
	size_t restored = 0;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(dir, &st, &e), DT_OK);
	send_reg(r, 1, "", 1, T0);	/* Registered 2/2 */
	send_reg(r, 2, "*", 0, T0 + 1); /* Unregistered */
	send_reg(r, 3, "", 0, T0 + 2);	/* refresh without body: Partially Registered 1/2 */
	assert_int_equal(store_sip_save(st, r, &e), DT_OK);
	reg_free(r);
	store_close(st);

	assert_int_equal(store_open(dir, &st, &e), DT_OK);
	assert_int_equal(store_sip_state_get(st, DEV, &di, &e), DT_OK);
	assert_int_equal(di.state, REG_ST_PARTIAL);
	assert_int_equal(di.lines_bound, 1);
	assert_int_equal(di.lines_total, 2);
	assert_int_equal(sip_state_describe(st, DEV, line, sizeof line), DT_OK);
	assert_non_null(strstr(line, "Partially Registered 10.0.1.50:51234 TCP lines=1/2 ua="));
	assert_int_equal(store_sip_history(st, DEV, keep_row, &rw, &e), DT_OK);
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
	assert_int_equal(store_sip_load(st, r, T0 + 3, &restored, &e), DT_OK);
	assert_int_equal(restored, 1);
	assert_int_equal(reg_device_get(r, DEV, &di), DT_OK);
	assert_int_equal(di.state, REG_ST_PARTIAL);
	assert_int_equal(di.lines_bound, 1);
	send_reg(r, 4, "", 1, T0 + 4);
	assert_int_equal(store_sip_save(st, r, &e), DT_OK);
	assert_int_equal(sip_state_describe(st, DEV, line, sizeof line), DT_OK);
	assert_non_null(strstr(line, "Registered 10.0.1.50:51234 TCP ua="));
	assert_null(strstr(line, "Partially"));
	assert_null(strstr(line, "lines="));
	reg_free(r);
	store_close(st);
	snprintf(line, sizeof line, "rm -rf %s", dir);
	assert_int_equal(system(line), 0);
}

/* History text written by a build without line counts: rows read with counts 0 0, and the row
 * after a short one is not eaten by the optional fields. */
static void
test_old_history_rows(void **state)
{
	char dir[] = "/tmp/dt-test-store-sip-partial.XXXXXX", path[128], cmd[160];
	struct store *st;
	struct dt_errbuf e = {0, ""};
	struct rows rw = {0};
	sqlite3 *db;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(dir, &st, &e), DT_OK);
	store_close(st);
	snprintf(path, sizeof path, "%s/dialtone.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO sip_device_state (device, state, history) VALUES"
				      " ('" DEV "', 1, '1700000000 1 0 1 10.0.1.50 5060\n"
				      "1700000100 1 0 1 10.0.1.50 5060 1 2\n"
				      "1700000200 3 10 1 - 0\n')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(dir, &st, &e), DT_OK);
	assert_int_equal(store_sip_history(st, DEV, keep_row, &rw, &e), DT_OK);
	assert_int_equal(rw.n, 3);
	assert_int_equal(rw.h[0].lines_total, 0);
	assert_int_equal(rw.h[1].at, 1700000100);
	assert_int_equal(rw.h[1].lines_bound, 1);
	assert_int_equal(rw.h[1].lines_total, 2);
	assert_int_equal(rw.h[2].at, 1700000200);
	assert_int_equal(rw.h[2].event, REG_EV_UNREGISTER);
	assert_int_equal(rw.h[2].lines_total, 0);
	store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_partial_persisted),
	    cmocka_unit_test(test_old_history_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
