/* summary: unit tests of the registrar's NOTIFY target (src/sip/reg_notify.c): the listen address
 * a REGISTER arrived on (reg_src.local) is kept in the binding and handed back with the Contact,
 * the connection id and the address, so the service sends the NOTIFY from that address or opens a
 * connection to the Contact; a NOTIFY that cannot be delivered turns the config state failed. */
#include "dt_test.h"
#include "reg_fixture.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"
#include "sip/registrar.h"

#define T0  1700000000
#define DEV "SEP00AABBCC0591"

static struct reg *R;

static int
setup(void **state)
{
	R = reg_fixture_new();
	assert_int_equal(reg_prov_add(R, "2591", DEV, "", "pw", 0), DT_OK);
	return 0;
}

static int
teardown(void **state)
{
	reg_free(R);
	return 0;
}

/* REGISTER 2591 over src with Contact port cport; returns the status. */
static int
register_from(const struct reg_src *src, int cport, const char *callid, int cseq, time_t now)
{
	static char msg[2048], out[4096];
	struct sip_msg resp;
	struct reg_outcome oc;
	const char *tr = reg_transport_name(src->transport);
	int len = snprintf(msg, sizeof msg,
			   "REGISTER sip:10.0.0.10 SIP/2.0\r\n"
			   "Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%d\r\n"
			   "From: <sip:2591@10.0.0.10>;tag=a\r\nTo: <sip:2591@10.0.0.10>\r\n"
			   "Call-ID: %s\r\nCSeq: %d REGISTER\r\n"
			   "Contact: <sip:ph@%s:%d;transport=%s>\r\nExpires: 3600\r\n"
			   "Content-Length: 0\r\n\r\n",
			   tr, src->ip, src->port, cseq, callid, cseq, src->ip, cport, tr);
	return reg_fixture_send(R, msg, (size_t)len, src, now, out, sizeof out, &oc, &resp);
}

static void
test_target_keeps_local_and_contact(void **state)
{
	struct reg_src udp = {.transport = REG_T_UDP, .ip = "10.0.1.50", .port = 5060, .local = 2};
	struct reg_src tcp = {
	    .transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 9, .local = 1};
	struct reg_src dst;
	char contact[256], notif[4096];
	int n;
	assert_int_equal(reg_notify_target(R, DEV, &dst, contact, sizeof contact), DT_ENOENT);

	assert_int_equal(register_from(&udp, 5062, "u@x", 1, T0), 200);
	assert_int_equal(reg_notify_target(R, DEV, &dst, contact, sizeof contact), DT_OK);
	assert_int_equal(dst.transport, REG_T_UDP);
	assert_int_equal(dst.local, 2); /* the second listen address */
	assert_string_equal(dst.ip, "10.0.1.50");
	assert_int_equal(dst.port, 5060);
	assert_string_equal(contact, "sip:ph@10.0.1.50:5062;transport=UDP");
	memset(&dst, 0, sizeof dst);
	n = reg_notify_build(R, DEV, "reset", "10.0.0.11:5060", T0, &dst, notif, sizeof notif);
	assert_true(n > 0);
	assert_int_equal(dst.local, 2);

	/* the phone moves to TCP at the first address: the newest binding is the target */
	assert_int_equal(register_from(&tcp, 51234, "t@x", 1, T0 + 10), 200);
	assert_int_equal(reg_notify_target(R, DEV, &dst, contact, sizeof contact), DT_OK);
	assert_int_equal(dst.transport, REG_T_TCP);
	assert_int_equal(dst.local, 1);
	assert_int_equal(dst.conn, 9);
	assert_int_equal(dst.port, 51234);
	assert_string_equal(contact, "sip:ph@10.0.1.50:51234;transport=TCP");
}

static int
local_of(const struct reg_binding_info *b, void *arg)
{
	*(int *)arg = b->src.local;
	return 0;
}

static void
test_binding_info_carries_local(void **state)
{
	struct reg_src udp = {.transport = REG_T_UDP, .ip = "10.0.1.50", .port = 5060, .local = 3};
	int local = -1;
	assert_int_equal(register_from(&udp, 5060, "u@x", 1, T0), 200);
	reg_binding_foreach(R, local_of, &local);
	assert_int_equal(local, 3);
}

static void
test_failed_delivery(void **state)
{
	struct reg_src tcp = {
	    .transport = REG_T_TCP, .ip = "10.0.1.50", .port = 51234, .conn = 4, .local = 1};
	struct reg_device_info di;
	struct reg_src dst;
	char notif[4096];
	reg_notify_failed(R, "SEP000000000000"); /* unknown: no-op */
	assert_int_equal(register_from(&tcp, 5060, "t@x", 1, T0), 200);
	assert_true(
	    reg_notify_build(R, DEV, "reset", "10.0.0.10:5060", T0, &dst, notif, sizeof notif) > 0);
	assert_int_equal(reg_device_get(R, DEV, &di), DT_OK);
	assert_int_equal(di.cfg_state, REG_CFG_PENDING);
	reg_notify_failed(R, DEV);
	assert_int_equal(reg_device_get(R, DEV, &di), DT_OK);
	assert_int_equal(di.cfg_state, REG_CFG_FAILED);
	assert_int_equal(di.state,
			 REG_ST_REGISTERED); /* still registered: only the NOTIFY failed */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_target_keeps_local_and_contact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_binding_info_carries_local, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_delivery, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
