/* summary: unit tests of src/store/store_sip.c: a registrar's bindings, states and history are
 * saved in one batch, survive a reopen and reload into a fresh registrar (no re-registration);
 * expired bindings are not restored; the control queue round-trips (a request left "sending" by a
 * serve that died is failed at the next start); the admin's state line. */
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

#define T0 1700000000

static void
do_register(struct reg *r, const char *dn, const char *dev, int expires, time_t now)
{
	char msg[1024], out[4096];
	struct sip_msg resp;
	struct reg_outcome oc;
	struct reg_src src = {.transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 3};
	int n =
	    snprintf(msg, sizeof msg,
		     "REGISTER sip:10.0.0.10 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.1.50:51234;branch=z9"
		     "hG4bK%s\r\nFrom: <sip:%s@10.0.0.10>;tag=1\r\nTo: <sip:%s@10.0.0.10>\r\n"
		     "Call-ID: %s-c@x\r\nCSeq: %ld REGISTER\r\nUser-Agent: Cisco-CP8851/14.2.1\r\n"
		     "Contact: <sip:u%s@10.0.1.50:51234;transport=tcp>;+u.sip!devicename.ccm.cisco"
		     ".com=\"%s\"\r\nReason: SIP;cause=200;text=\"cisco-alarm:23 Name=%s "
		     "ActiveLoad=sip88xx.14-2-1-0001-14.loads InactiveLoad=sip88xx.12-8-1.loads "
		     "Last=reset-restart\"\r\nExpires: %d\r\nContent-Length: 0\r\n\r\n",
		     dn, dn, dn, dn, (long)(now - T0 + 1), dn, dev, dev, expires);
	assert_int_equal(
	    reg_fixture_send(r, msg, (size_t)n, &src, now, out, sizeof out, &oc, &resp), 200);
}

static struct reg *
new_reg(void)
{
	struct reg *r = reg_fixture_new();
	reg_prov_add(r, "2001", "SEP00AABBCCDDEE", "", "pw", 0);
	reg_prov_add(r, "2002", "SEP001122334455", "", "pw", 0);
	return r;
}

/* Close and reopen the fixture's database, as a restarted serve would. */
static void
reopen(struct store_fixture *f)
{
	struct dt_errbuf e = {0, ""};
	store_close(f->st);
	assert_int_equal(store_open(f->dir, &f->st, &e), DT_OK);
}

static int
count_rows(const struct reg_hist *h, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_save_reload(void **state)
{
	struct store_fixture *f = *state;
	char line[512];
	struct dt_errbuf e = {0, ""};
	struct reg *r = new_reg(), *r2;
	struct reg_device_info di;
	struct reg_binding_info bi[4];
	size_t restored = 0;
	int rows = 0;
	do_register(r, "2001", "SEP00AABBCCDDEE", 3600, T0);
	do_register(r, "2002", "SEP001122334455", 3600, T0);
	assert_int_equal(store_sip_save(f->st, r, &e), DT_OK);
	/* nothing dirty: a second save writes nothing and succeeds */
	assert_int_equal(store_sip_save(f->st, r, &e), DT_OK);
	/* a refresh (upsert) and an unregistration (the row must go) in the next batch */
	do_register(r, "2001", "SEP00AABBCCDDEE", 3600, T0 + 5);
	do_register(r, "2002", "SEP001122334455", 0, T0 + 5);
	assert_int_equal(store_sip_save(f->st, r, &e), DT_OK);
	reg_free(r);
	reopen(f);
	r2 = new_reg();
	assert_int_equal(store_sip_load(f->st, r2, T0 + 10, &restored, &e), DT_OK);
	assert_int_equal(restored, 1);
	assert_int_equal(reg_aor_bindings(r2, "2002", bi, 4), 0);
	assert_int_equal(reg_aor_bindings(r2, "2001", bi, 4), 1);
	assert_string_equal(bi[0].contact, "sip:u2001@10.0.1.50:51234;transport=tcp");
	assert_int_equal(bi[0].expires_at, T0 + 5 + 120);
	assert_int_equal(reg_device_get(r2, "SEP001122334455", &di), DT_OK);
	assert_int_equal(di.state, REG_ST_UNREGISTERED);
	assert_int_equal(reg_device_get(r2, "SEP00AABBCCDDEE", &di), DT_OK);
	assert_int_equal(di.state, REG_ST_REGISTERED);
	assert_string_equal(di.active_load, "sip88xx.14-2-1-0001-14.loads");
	assert_int_equal(store_sip_history(f->st, "SEP00AABBCCDDEE", count_rows, &rows, &e), DT_OK);
	assert_int_equal(rows, 1);
	assert_int_equal(sip_state_describe(f->st, "SEP00AABBCCDDEE", line, sizeof line), DT_OK);
	assert_non_null(strstr(line, "Registered 10.0.1.50:51234 TCP"));
	assert_non_null(strstr(line, "active=sip88xx.14-2-1-0001-14.loads"));
	assert_int_equal(sip_state_describe(f->st, "SEP999999999999", line, sizeof line), DT_OK);
	assert_non_null(strstr(line, "never registered"));
	/* after their expiry nothing is restored */
	reg_free(r2);
	r2 = new_reg();
	assert_int_equal(store_sip_load(f->st, r2, T0 + 126, &restored, &e), DT_OK);
	assert_int_equal(restored, 0);
	reg_free(r2);
}

static int
take(int64_t id, const char *device, const char *action, void *arg)
{
	*(int64_t *)arg = id;
	assert_string_equal(device, "SEP00AABBCCDDEE");
	assert_string_equal(action, "apply-config");
	return 0;
}

static void
test_control_queue(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char detail[128];
	struct dt_errbuf e = {0, ""};
	int64_t id, seen = 0;
	int s;
	struct reg *r;
	size_t restored = 0;
	assert_int_equal(store_sip_control_add(st, "SEP00AABBCCDDEE", "apply-config", &id, &e),
			 DT_OK);
	assert_int_equal(store_sip_control_queued(st, take, &seen, &e), 0);
	assert_int_equal(seen, id);
	assert_int_equal(store_sip_control_done(st, id, 1, "NOTIFY sent", &e), DT_OK);
	assert_int_equal(store_sip_control_state(st, id, &s, detail, sizeof detail, &e), DT_OK);
	assert_int_equal(s, 1);
	assert_string_equal(detail, "NOTIFY sent");
	/* taken requests cannot be withdrawn; queued ones can */
	assert_int_equal(store_sip_control_cancel(st, id, &e), 0);
	assert_int_equal(store_sip_control_add(st, "SEP00AABBCCDDEE", "reset", &id, &e), DT_OK);
	assert_int_equal(store_sip_control_cancel(st, id, &e), 1);
	assert_int_equal(store_sip_control_add(st, "SEP00AABBCCDDEE", "bogus", &id, &e), DT_EDB);
	/* a request left "sending" by a serve that died is failed when the next one starts */
	assert_int_equal(store_sip_control_add(st, "SEP00AABBCCDDEE", "reset", &id, &e), DT_OK);
	assert_int_equal(store_sip_control_done(st, id, 4, "connecting", &e), DT_OK);
	r = new_reg();
	assert_int_equal(store_sip_load(st, r, T0, &restored, &e), DT_OK);
	reg_free(r);
	assert_int_equal(store_sip_control_state(st, id, &s, detail, sizeof detail, &e), DT_OK);
	assert_int_equal(s, 3);
	assert_string_equal(detail, "serve stopped before the connection to the phone was up");
}

/* A save that finds another writer holding the database (a CLI import) returns DT_EBUSY at once
 * when the loop asked not to wait, and loses nothing: the next save writes the same changes. */
static void
test_save_busy_keeps_changes(void **state)
{
	struct store_fixture *f = *state;
	char path[256];
	struct dt_errbuf e = {0, ""};
	struct reg *r = new_reg(), *r2;
	struct reg_binding_info bi[4];
	sqlite3 *other;
	size_t restored = 0;

	do_register(r, "2001", "SEP00AABBCCDDEE", 3600, T0);
	snprintf(path, sizeof path, "%s/dialtone.db", f->dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	store_busy_wait(f->st, 0);
	assert_int_equal(store_sip_save(f->st, r, &e), DT_EBUSY);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(store_sip_save(f->st, r, &e), DT_OK);
	store_busy_wait(f->st, 1);
	reg_free(r);
	reopen(f);
	r2 = new_reg();
	assert_int_equal(store_sip_load(f->st, r2, T0 + 10, &restored, &e), DT_OK);
	assert_int_equal(restored, 1);
	assert_int_equal(reg_aor_bindings(r2, "2001", bi, 4), 1);
	reg_free(r2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_save_reload),
	    STORE_FIXTURE_TEST(test_save_busy_keeps_changes),
	    STORE_FIXTURE_TEST(test_control_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
