/* summary: tests for src/store/store_dhcp.c: subnet validation and overlap, change log entries,
 * delete with its leases, the lease writer (per change and batched) read back through the main
 * handle, address parsing. */
#include "dt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"
#include "store/store_dhcp.h"

static char dir[64];
static struct store *st;

static int
setup(void **state)
{
	struct dt_errbuf e = {0, ""};

	strcpy(dir, "/tmp/dt-store-dhcp.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(dir, &st, &e), DT_OK);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static struct store_dhcp_subnet
subnet(const char *cidr, const char *first, const char *last)
{
	struct store_dhcp_subnet sn;
	struct dt_errbuf e;

	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_dhcp_cidr_parse(cidr, &sn.network, &sn.prefix, &e), DT_OK);
	assert_int_equal(store_dhcp_ip_parse("pool", first, &sn.pool_first, &e), DT_OK);
	assert_int_equal(store_dhcp_ip_parse("pool", last, &sn.pool_last, &e), DT_OK);
	sn.lease_time = 3600;
	return sn;
}

static int
count_cb(const struct store_dhcp_subnet *sn, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int
change_cb(int64_t seq, const char *kind, const char *key, void *arg)
{
	if (!strcmp(kind, "dhcp"))
		snprintf(arg, 32, "%s", key);
	return 0;
}

static void
test_subnet_rules(void **state)
{
	struct dt_errbuf e = {0, ""};
	struct store_dhcp_subnet sn = subnet("10.20.0.0/24", "10.20.0.100", "10.20.0.199");
	char key[32] = "";
	int n = 0;

	sn.tftp[0] = 0x0a000005;
	sn.tftp[1] = 0x0a000006;
	sn.n_tftp = 2;
	strcpy(sn.option66, "tftp.voice.example");
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_OK);
	assert_int_equal(store_changes_since(st, 0, change_cb, key, NULL, &e), DT_OK);
	assert_string_equal(key, "10.20.0.0/24");
	/* same CIDR, overlapping CIDR */
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_EEXIST);
	sn = subnet("10.20.0.0/16", "10.20.1.1", "10.20.1.9");
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_ECONFLICT);
	assert_string_equal(e.msg, "subnet: overlaps 10.20.0.0/24");
	/* pool outside, pool with the broadcast address, router in the pool, bad option 66 */
	sn = subnet("10.30.0.0/24", "10.31.0.1", "10.31.0.9");
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_EINVAL);
	assert_string_equal(e.msg, "pool: not inside the subnet");
	sn = subnet("10.30.0.0/24", "10.30.0.1", "10.30.0.255");
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_EINVAL);
	sn = subnet("10.30.0.0/24", "10.30.0.10", "10.30.0.20");
	sn.router = 0x0a1e000f;
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_EINVAL);
	assert_string_equal(e.msg, "router: inside the pool");
	sn.router = 0;
	strcpy(sn.option66, "bad name");
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_EINVAL);
	sn.option66[0] = '\0';
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_OK);
	assert_int_equal(store_dhcp_subnet_foreach(st, count_cb, &n, &e), DT_OK);
	assert_int_equal(n, 2);
}

static int
first_subnet(const struct store_dhcp_subnet *sn, void *arg)
{
	*(struct store_dhcp_subnet *)arg = *sn;
	return 1;
}

static void
test_subnet_roundtrip(void **state)
{
	struct dt_errbuf e = {0, ""};
	struct store_dhcp_subnet sn = subnet("10.20.0.0/24", "10.20.0.100", "10.20.0.199"), got;

	sn.dns[0] = 0x0a000035;
	sn.n_dns = 1;
	sn.tftp[0] = 0x0a000006;
	sn.tftp[1] = 0x0a000005;
	sn.n_tftp = 2;
	sn.known_only = 1;
	sn.vlan = 100;
	strcpy(sn.domain, "voice.example");
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_OK);
	assert_int_equal(store_dhcp_subnet_foreach(st, first_subnet, &got, &e), 1);
	assert_int_equal(got.n_tftp, 2);
	assert_int_equal(got.tftp[0], 0x0a000006); /* order kept */
	assert_int_equal(got.dns[0], 0x0a000035);
	assert_int_equal(got.known_only, 1);
	assert_int_equal(got.vlan, 100);
	assert_string_equal(got.domain, "voice.example");
}

static int
lease_cb(const struct store_dhcp_lease *l, void *arg)
{
	struct store_dhcp_lease *out = arg;
	out[l->ip & 0xff] = *l;
	return 0;
}

static void
test_lease_writer(void **state)
{
	struct dt_errbuf e = {0, ""};
	struct store_dhcp_writer *w;
	struct store_dhcp_lease l = {
	    0x0a140064, {0, 0x1e, 0x4a, 1, 2, 3}, STORE_DHCP_BOUND, 1700003600, "SEP001E4A010203"};
	struct store_dhcp_lease got[256];
	struct store_dhcp_subnet sn = subnet("10.20.0.0/24", "10.20.0.100", "10.20.0.199");

	assert_int_equal(store_dhcp_writer_open(st, &w, &e), DT_OK);
	assert_int_equal(store_dhcp_lease_put(w, &l, &e), DT_OK);
	/* a batch is visible to the main handle only after its commit */
	assert_int_equal(store_dhcp_writer_begin(w, &e), DT_OK);
	l.ip = 0x0a140065;
	l.mac[5] = 4;
	assert_int_equal(store_dhcp_lease_put(w, &l, &e), DT_OK);
	memset(got, 0, sizeof got);
	assert_int_equal(store_dhcp_lease_foreach(st, lease_cb, got, &e), DT_OK);
	assert_int_equal(got[0x65].ip, 0);
	assert_int_equal(store_dhcp_writer_commit(w, &e), DT_OK);
	assert_int_equal(store_dhcp_lease_foreach(st, lease_cb, got, &e), DT_OK);
	assert_int_equal(got[0x64].state, STORE_DHCP_BOUND);
	assert_int_equal(got[0x64].mac[5], 3);
	assert_string_equal(got[0x64].hostname, "SEP001E4A010203");
	assert_int_equal(got[0x65].mac[5], 4);
	/* the same address for another client replaces the row: never two owners */
	l.mac[5] = 9;
	assert_int_equal(store_dhcp_lease_put(w, &l, &e), DT_OK);
	memset(got, 0, sizeof got);
	assert_int_equal(store_dhcp_lease_foreach(st, lease_cb, got, &e), DT_OK);
	assert_int_equal(got[0x65].mac[5], 9);
	assert_int_equal(store_dhcp_lease_remove(w, 0x0a140065, &e), DT_OK);
	/* deleting the subnet deletes its leases */
	assert_int_equal(store_dhcp_subnet_add(st, &sn, &e), DT_OK);
	assert_int_equal(store_dhcp_subnet_delete(st, sn.network, 24, &e), DT_OK);
	memset(got, 0, sizeof got);
	assert_int_equal(store_dhcp_lease_foreach(st, lease_cb, got, &e), DT_OK);
	assert_int_equal(got[0x64].ip, 0);
	assert_int_equal(store_dhcp_subnet_delete(st, sn.network, 24, &e), DT_ENOENT);
	store_dhcp_writer_close(w);
}

static void
test_parsing(void **state)
{
	struct dt_errbuf e = {0, ""};
	uint32_t ip, ips[8], net;
	int n, prefix;
	char buf[64];

	assert_int_equal(store_dhcp_ip_parse("router", "10.1", &ip, &e), DT_EINVAL);
	assert_string_equal(e.msg, "router: '10.1' is not an IPv4 address");
	assert_int_equal(store_dhcp_ips_parse("tftp", "10.0.0.5,10.0.0.6", ips, &n, &e), DT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(store_dhcp_ips_text(ips, n, buf, sizeof buf), "10.0.0.5,10.0.0.6");
	assert_int_equal(store_dhcp_ips_parse("dns", "1.1.1.1,x", ips, &n, &e), DT_EINVAL);
	assert_int_equal(store_dhcp_cidr_parse("10.0.0.0/31", &net, &prefix, &e), DT_EINVAL);
	assert_int_equal(store_dhcp_cidr_parse("10.0.0.0", &net, &prefix, &e), DT_EINVAL);
	assert_int_equal(store_dhcp_cidr_parse("10.0.0.0/8", &net, &prefix, &e), DT_OK);
	assert_int_equal(prefix, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_subnet_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_subnet_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lease_writer, setup, teardown),
	    cmocka_unit_test(test_parsing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
