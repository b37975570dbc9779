/* summary: unit tests of CUCM's "Partially Registered" state (TechNote 217220) in src/sip/: a
 * refresh without bulkregisterreq after the registrar lost a device's bindings (removed, expired,
 * or a restart without them) binds only the primary line; a REGISTER with the body brings the
 * device back to Registered; losing a secondary line alone makes it partial; the history rows
 * carry the line counts; a one-line device is never partial; a refused NOTIFY keeps the state. */
#include "dt_test.h"
#include "reg_fixture.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"
#include "sip/registrar.h"

#define T0  1700000000
#define DEV "SEP00AABBCCDDEE" /* lines 2001 (primary) and 2002 */
#define ONE "SEP001122334455" /* line 3001 only */

static struct reg *R;
static struct reg_outcome oc;
static const struct reg_src SRC = {
    .transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 7};

/* Send a Cisco REGISTER for aor from device dev at now; contact NULL = the phone's Contact with
 * expires, "*" = remove all; bulk = carry the bulkregisterreq body. Returns the status. */
static int
reg_send(const char *aor, const char *dev, const char *callid, int cseq, const char *contact,
	 int expires, int bulk, time_t now)
{
	char msg[4096], out[8192];
	struct sip_msg resp;
	size_t n = reg_fixture_cisco_register(msg, sizeof msg, aor, dev, callid, cseq, contact,
					      expires, bulk);
	assert_true(reg_fixture_send(R, msg, n, &SRC, now, out, sizeof out, &oc, &resp) > 0);
	return oc.status;
}

static int
setup(void **state)
{
	R = reg_fixture_new();
	assert_int_equal(reg_prov_add(R, "2001", DEV, "", "pw", 0), DT_OK);
	assert_int_equal(reg_prov_add(R, "2002", DEV, "", "pw", 0), DT_OK);
	assert_int_equal(reg_prov_add(R, "3001", ONE, "", "pw", 0), DT_OK);
	return 0;
}

static int
teardown(void **state)
{
	reg_free(R);
	return 0;
}

static int
bound(const char *aor)
{
	struct reg_binding_info bi[4];
	return reg_aor_bindings(R, aor, bi, 4);
}

/* The device's state, its line counts, and its last history row. */
static void
expect(const char *dev, int st, int lines_bound, int lines_total, int rows, int last_event,
       int last_bound)
{
	struct reg_device_info di;
	struct reg_hist h[16];
	int n;
	assert_int_equal(reg_device_get(R, dev, &di), DT_OK);
	assert_int_equal(di.state, st);
	assert_int_equal(di.lines_bound, lines_bound);
	assert_int_equal(di.lines_total, lines_total);
	n = reg_device_history(R, dev, h, 16);
	assert_int_equal(n, rows);
	assert_int_equal(h[n - 1].event, last_event);
	assert_int_equal(h[n - 1].lines_bound, last_bound);
	assert_int_equal(h[n - 1].lines_total, lines_total);
}

/* First REGISTER with the body → Registered, both lines; removed → Unregistered; a refresh
 * without body (same Call-ID, CSeq+1) → Partially Registered, only the primary bound; a REGISTER
 * with the body on the same Call-ID → Registered again. */
static void
test_refresh_after_removal(void **state)
{
	assert_int_equal(reg_send("2001", DEV, "c1@x", 1, NULL, 3600, 1, T0), 200);
	assert_int_equal(oc.event, REG_EV_REGISTER);
	assert_int_equal(bound("2001"), 1);
	assert_int_equal(bound("2002"), 1);
	expect(DEV, REG_ST_REGISTERED, 2, 2, 1, REG_EV_REGISTER, 2);
	assert_string_equal(reg_state_name(REG_ST_REGISTERED), "Registered");

	assert_int_equal(reg_send("2001", DEV, "c1@x", 2, "*", 0, 0, T0 + 10), 200);
	assert_int_equal(reg_binding_count(R), 0);
	expect(DEV, REG_ST_UNREGISTERED, 0, 0, 2, REG_EV_UNREGISTER, 0);

	assert_int_equal(reg_send("2001", DEV, "c1@x", 3, NULL, 3600, 0, T0 + 20), 200);
	assert_int_equal(oc.event, REG_EV_REGISTER);
	assert_int_equal(bound("2001"), 1);
	assert_int_equal(bound("2002"), 0);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 3, REG_EV_REGISTER, 1);
	assert_string_equal(reg_state_name(REG_ST_PARTIAL), "Partially Registered");

	/* further refreshes change nothing and write no row */
	assert_int_equal(reg_send("2001", DEV, "c1@x", 4, NULL, 3600, 0, T0 + 135), 200);
	assert_int_equal(oc.event, 0);
	assert_int_equal(bound("2002"), 0);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 3, REG_EV_REGISTER, 1);

	/* the body again (same Call-ID): every line bound, Registered, one register row */
	assert_int_equal(reg_send("2001", DEV, "c1@x", 5, NULL, 3600, 1, T0 + 140), 200);
	assert_int_equal(oc.event, REG_EV_REGISTER);
	assert_int_equal(bound("2002"), 1);
	expect(DEV, REG_ST_REGISTERED, 2, 2, 4, REG_EV_REGISTER, 2);
}

/* Both lines expire in one sweep: one refresh-miss row, never a passing partial state; the late
 * refresh then binds the primary only; the phone's restart (new Call-ID, body) repairs it. */
static void
test_refresh_after_expiry(void **state)
{
	assert_int_equal(reg_send("2001", DEV, "e1@x", 1, NULL, 3600, 1, T0), 200);
	assert_int_equal(reg_expire(R, T0 + 121), 2);
	expect(DEV, REG_ST_UNREGISTERED, 0, 0, 2, REG_EV_REFRESH_MISS, 0);
	{
		struct reg_device_info di;
		assert_int_equal(reg_device_get(R, DEV, &di), DT_OK);
		assert_int_equal(reg_reason_code(di.reason), 13);
	}
	assert_int_equal(reg_send("2001", DEV, "e1@x", 2, NULL, 3600, 0, T0 + 200), 200);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 3, REG_EV_REGISTER, 1);
	/* the partial device's primary expires too: refresh missed, Unregistered */
	assert_int_equal(reg_expire(R, T0 + 321), 1);
	expect(DEV, REG_ST_UNREGISTERED, 0, 0, 4, REG_EV_REFRESH_MISS, 0);
	/* a new registration with the body: Registered with both lines */
	assert_int_equal(reg_send("2001", DEV, "e2@x", 1, NULL, 3600, 1, T0 + 400), 200);
	expect(DEV, REG_ST_REGISTERED, 2, 2, 5, REG_EV_REGISTER, 2);
}

/* A restart that restored the device's state (Registered 2/2, as store_sip_load does) but not
 * its bindings: the next refresh binds the primary only → Partially Registered. */
static void
test_refresh_after_restart(void **state)
{
	struct reg_device_info di;
	struct reg_hist h = {0};
	memset(&di, 0, sizeof di);
	snprintf(di.name, sizeof di.name, DEV);
	di.state = REG_ST_REGISTERED;
	di.lines_bound = di.lines_total = 2;
	h.at = T0 - 100;
	h.event = REG_EV_REGISTER;
	h.lines_bound = h.lines_total = 2;
	assert_int_equal(reg_device_restore(R, &di, &h, 1), DT_OK);
	assert_int_equal(reg_binding_count(R), 0);
	assert_int_equal(reg_send("2001", DEV, "r1@x", 7, NULL, 3600, 0, T0), 200);
	assert_int_equal(oc.event, REG_EV_REGISTER);
	assert_int_equal(bound("2002"), 0);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 2, REG_EV_REGISTER, 1);
}

/* A Registered state saved by a build without line counts (0 of 0), its bindings restored: the
 * next refresh learns 2 of 2 without a history row. */
static void
test_state_without_counts(void **state)
{
	struct reg_device_info di;
	struct reg_hist h = {.at = T0 - 50, .event = REG_EV_REGISTER};
	struct reg_binding_info b = {.device = DEV, .call_id = "u1@x", .cseq = 1, .q = 1000};
	memset(&di, 0, sizeof di);
	snprintf(di.name, sizeof di.name, DEV);
	di.state = REG_ST_REGISTERED;
	assert_int_equal(reg_device_restore(R, &di, &h, 1), DT_OK);
	b.expires_at = T0 + 100;
	b.src = SRC;
	snprintf(b.contact, sizeof b.contact, "sip:5e6f7a8b@10.0.1.50:51234;transport=tcp");
	snprintf(b.params, sizeof b.params,
		 ";+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-00AABBCCDDEE>\""
		 ";+u.sip!devicename.ccm.cisco.com=\"%s\"",
		 DEV);
	snprintf(b.aor, sizeof b.aor, "2001");
	assert_int_equal(reg_binding_restore(R, &b, T0), DT_OK);
	snprintf(b.aor, sizeof b.aor, "2002");
	assert_int_equal(reg_binding_restore(R, &b, T0), DT_OK);
	assert_int_equal(reg_send("2001", DEV, "u1@x", 2, NULL, 3600, 0, T0 + 10), 200);
	assert_int_equal(oc.event, 0);
	assert_int_equal(reg_device_get(R, DEV, &di), DT_OK);
	assert_int_equal(di.state, REG_ST_REGISTERED);
	assert_int_equal(di.lines_bound, 2);
	assert_int_equal(di.lines_total, 2);
	assert_int_equal(reg_device_history(R, DEV, &h, 1), 1);
	assert_int_equal(h.at, T0 - 50); /* still the one old row */
}

/* The secondary line alone is removed (a REGISTER for 2002 with Expires 0 on another Call-ID; on
 * the device's own Call-ID it would take the device down, reg_register.c): the device keeps its
 * primary and is partial, with an unregister row (reason 10) that says 1 of 2. */
static void
test_secondary_removed(void **state)
{
	struct reg_device_info di;
	assert_int_equal(reg_send("2001", DEV, "s1@x", 1, NULL, 3600, 1, T0), 200);
	assert_int_equal(reg_send("2002", DEV, "s9@x", 1, NULL, 0, 0, T0 + 5), 200);
	assert_int_equal(oc.event, REG_EV_UNREGISTER);
	assert_int_equal(bound("2001"), 1);
	assert_int_equal(bound("2002"), 0);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 2, REG_EV_UNREGISTER, 1);
	assert_int_equal(reg_device_get(R, DEV, &di), DT_OK);
	assert_int_equal(reg_reason_code(di.reason), 10);
	/* the secondary registered by itself again (a client registering line by line) */
	assert_int_equal(reg_send("2002", DEV, "s2@x", 1, NULL, 3600, 0, T0 + 6), 200);
	expect(DEV, REG_ST_REGISTERED, 2, 2, 3, REG_EV_REGISTER, 2);
}

/* A one-line device is Registered or Unregistered, never partial, whatever the body. */
static void
test_one_line_never_partial(void **state)
{
	assert_int_equal(reg_send("3001", ONE, "o1@x", 1, NULL, 3600, 1, T0), 200);
	expect(ONE, REG_ST_REGISTERED, 1, 1, 1, REG_EV_REGISTER, 1);
	assert_int_equal(reg_send("3001", ONE, "o1@x", 2, "*", 0, 0, T0 + 1), 200);
	expect(ONE, REG_ST_UNREGISTERED, 0, 0, 2, REG_EV_UNREGISTER, 0);
	assert_int_equal(reg_send("3001", ONE, "o1@x", 3, NULL, 3600, 0, T0 + 2), 200);
	expect(ONE, REG_ST_REGISTERED, 1, 1, 3, REG_EV_REGISTER, 1);
	assert_int_equal(reg_expire(R, T0 + 200), 1);
	expect(ONE, REG_ST_UNREGISTERED, 0, 0, 4, REG_EV_REFRESH_MISS, 0);
	assert_int_equal(reg_send("3001", ONE, "o1@x", 4, NULL, 3600, 0, T0 + 300), 200);
	expect(ONE, REG_ST_REGISTERED, 1, 1, 5, REG_EV_REGISTER, 1);
}

/* A line added to a registered device in the database: the next refresh finds it unbound. */
static void
test_line_added(void **state)
{
	assert_int_equal(reg_send("3001", ONE, "a1@x", 1, NULL, 3600, 1, T0), 200);
	expect(ONE, REG_ST_REGISTERED, 1, 1, 1, REG_EV_REGISTER, 1);
	assert_int_equal(reg_prov_add(R, "3002", ONE, "", "pw", 0), DT_OK);
	assert_int_equal(reg_send("3001", ONE, "a1@x", 2, NULL, 3600, 0, T0 + 100), 200);
	expect(ONE, REG_ST_PARTIAL, 1, 2, 2, REG_EV_REGISTER, 1);
	/* the line removed again: Registered with its one line */
	reg_prov_forget_line(R, "3002");
	assert_int_equal(reg_send("3001", ONE, "a1@x", 3, NULL, 3600, 0, T0 + 200), 200);
	expect(ONE, REG_ST_REGISTERED, 1, 1, 3, REG_EV_REGISTER, 1);
}

/* A partial device that refuses a NOTIFY stays Partially Registered (the row is history only). */
static void
test_notify_refused_keeps_partial(void **state)
{
	char notif[4096], rsp[1024];
	struct reg_src dst;
	struct sip_msg m;
	const char *cid;
	int n;
	assert_int_equal(reg_send("2001", DEV, "n1@x", 1, NULL, 3600, 0, T0), 200);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 1, REG_EV_REGISTER, 1);
	n = reg_notify_build(R, DEV, "reset", "10.0.0.10:5060", T0 + 1, &dst, notif, sizeof notif);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(notif, (size_t)n, SIP_PARSE_STREAM, 0, &m), DT_OK);
	cid = strstr(notif, "Call-ID: ");
	assert_non_null(cid);
	n = snprintf(rsp, sizeof rsp,
		     "SIP/2.0 488 Not Acceptable Here\r\nVia: SIP/2.0/TCP 10.0.0.10:5060;branch=z9"
		     "hG4bKn\r\nFrom: <sip:10.0.0.10>;tag=1\r\nTo: <sip:2001@10.0.1.50>;tag=2\r\n"
		     "%.*s\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n",
		     (int)strcspn(cid, "\r"), cid);
	assert_int_equal(sip_msg_parse(rsp, (size_t)n, SIP_PARSE_STREAM, 0, &m), DT_OK);
	assert_int_equal(reg_notify_response(R, &m, T0 + 2), 1);
	expect(DEV, REG_ST_PARTIAL, 1, 2, 2, REG_EV_UNREGISTER, 1);
	/* and the next refresh is no new registration */
	assert_int_equal(reg_send("2001", DEV, "n1@x", 2, NULL, 3600, 0, T0 + 100), 200);
	assert_int_equal(oc.event, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_refresh_after_removal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refresh_after_expiry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refresh_after_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_without_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_secondary_removed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_line_never_partial, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_line_added, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify_refused_keeps_partial, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
