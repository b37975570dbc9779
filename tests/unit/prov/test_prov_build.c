/* summary: tests for src/prov/build.c, refresh.c, ftab.c and prov.c against a real database in a
 * temporary directory: full build, determinism, shared lines, and an incremental rebuild that
 * touches only the files a change affects. */
#include "dt_test.h"
#include "prov_test.h"
#include "store_fixture.h"

#include <unistd.h>

#include "core/log.h"

struct env {
	struct store_fixture db;
	struct prov *p;
};

#define A "SEP0000000000AA"
#define B "SEP0000000000BB"
#define C "SEP0000000000CC"

static void
must(int rc, const struct dt_errbuf *e)
{
	if (rc != DT_OK)
		fail_msg("store: %s", e->msg);
}

static void
add_device(struct store *st, const char *mac, const char *model, const char *pool)
{
	struct dt_errbuf e = {0, ""};
	must(store_fixture_device(st, mac, model, pool, &e), &e);
}

/* Every DN gets the digest password "pw" + DN. */
static void
add_line(struct store *st, const char *dn, const char *device, int button, const char *display)
{
	struct dt_errbuf e = {0, ""};
	char pw[40];
	snprintf(pw, sizeof pw, "pw%s", dn);
	must(store_fixture_line(st, dn, device, button, display, pw, &e), &e);
}

/* Three devices: A and B in Default (group Default: cm1), C in P2 (group G2: cm2).
 * DN 2001 is shared by A and B. */
static int
setup(void **state)
{
	struct env *v = calloc(1, sizeof *v);
	struct dt_errbuf e = {0, ""};
	struct store_node n;
	struct store_pool pool;

	dt_log_set_level(DT_LOG_OFF);
	assert_int_equal(store_fixture_open(&v->db, "prov"), 0);
	must(store_node_ensure(v->db.st, "cm1", "10.0.0.10", "tftp,http,sip", &e), &e);
	memset(&n, 0, sizeof n);
	snprintf(n.name, sizeof n.name, "cm2");
	snprintf(n.address, sizeof n.address, "10.0.0.11");
	snprintf(n.services, sizeof n.services, "sip");
	must(store_node_add(v->db.st, &n, &e), &e);
	must(store_cmgroup_add(v->db.st, "G2", &e), &e);
	must(store_cmgroup_add_member(v->db.st, "G2", "cm2", -1, 0, 0, &e), &e);
	memset(&pool, 0, sizeof pool);
	snprintf(pool.name, sizeof pool.name, "P2");
	snprintf(pool.cm_group, sizeof pool.cm_group, "G2");
	must(store_pool_add(v->db.st, &pool, &e), &e);
	add_device(v->db.st, "0000000000AA", "8851", "");
	add_device(v->db.st, "0000000000BB", "7841", "");
	add_device(v->db.st, "0000000000CC", "8861", "P2");
	add_line(v->db.st, "1001", A, 1, "Alice");
	add_line(v->db.st, "2001", A, 2, "Shared");
	add_line(v->db.st, "2001", B, 1, "");
	add_line(v->db.st, "3001", C, 1, "Carol");
	must(prov_open(v->db.st, NULL, &v->p, &e), &e);
	*state = v;
	return 0;
}

static int
teardown(void **state)
{
	struct env *v = *state;
	prov_close(v->p);
	assert_int_equal(store_fixture_close(&v->db), 0);
	free(v);
	return 0;
}

static uint64_t
version(struct prov *p, const char *dev)
{
	char name[64];
	snprintf(name, sizeof name, "%s.cnf.xml", dev);
	struct prov_file *f = prov_file_get(p, name);
	uint64_t v = f ? f->version : 0;
	prov_file_put(f);
	return v;
}

static xmlDocPtr
parse_file(struct prov *p, const char *name)
{
	struct prov_file *f = prov_file_get(p, name);
	xmlDocPtr d;
	if (!f)
		return NULL;
	d = pt_parse(f->data, f->len);
	prov_file_put(f);
	return d;
}

static int
refresh(struct prov *p)
{
	struct dt_errbuf e = {0, ""};
	int n = -1;
	must(prov_refresh(p, &n, &e), &e);
	return n;
}

static void
test_full_build(void **state)
{
	struct env *v = *state;
	static const char *const names[] = {
	    A ".cnf.xml",   B ".cnf.xml",	C ".cnf.xml",	"XMLDefault.cnf.xml",
	    "SoftKeys.xml", "DialTemplate.xml", "Ringlist.xml", "Ringlist-wb.xml"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct prov_file *f = prov_file_get(v->p, names[i]);
		if (!f)
			fail_msg("%s not published", names[i]);
		assert_int_equal(f->version, 1);
		assert_true(f->len > 0);
		prov_file_put(f);
	}
	/* Phones differ in MAC case; some clients send a leading slash. */
	struct prov_file *f = prov_file_get(v->p, "/sep0000000000aa.CNF.XML");
	assert_non_null(f);
	assert_string_equal(f->name, A ".cnf.xml");
	assert_string_equal(f->device, A);
	prov_file_put(f);
	assert_null(prov_file_get(v->p, "SEP0000000000DD.cnf.xml"));

	xmlDocPtr d = parse_file(v->p, A ".cnf.xml");
	assert_non_null(d);
	assert_string_equal(pt_text(d, "//line[name='1001']/sharedLine"), "false");
	assert_string_equal(pt_text(d, "//line[name='2001']/sharedLine"), "true");
	assert_string_equal(pt_text(d, "//line[name='2001']/@button"), "2");
	assert_string_equal(pt_text(d, "//line[name='2001']/authPassword"), "pw2001");
	assert_string_equal(pt_text(d, "/device/loadInformation"), "sip88xx.14-2-1-0001-14");
	assert_string_equal(pt_text(d, "//member/callManager/processNodeName"), "10.0.0.10");
	xmlFreeDoc(d);
	d = parse_file(v->p, C ".cnf.xml");
	assert_string_equal(pt_text(d, "//member/callManager/processNodeName"), "10.0.0.11");
	assert_string_equal(pt_text(d, "/device/devicePool/name"), "P2");
	xmlFreeDoc(d);
	d = parse_file(v->p, "XMLDefault.cnf.xml");
	assert_string_equal(pt_text(d, "/Default/loadInformation684/@model"), "Cisco 8851");
	xmlFreeDoc(d);
}

struct cmp {
	struct prov *other;
	int same, total;
};

static void
compare(const struct prov_file *f, void *arg)
{
	struct cmp *c = arg;
	struct prov_file *g = prov_file_get(c->other, f->name);
	c->total++;
	if (g && g->len == f->len && memcmp(g->data, f->data, f->len) == 0 &&
	    strcmp(g->etag, f->etag) == 0)
		c->same++;
	prov_file_put(g);
}

static void
test_two_builds_byte_identical(void **state)
{
	struct env *v = *state;
	struct dt_errbuf e = {0, ""};
	struct prov *p2;
	struct cmp c = {0};
	must(prov_open(v->db.st, NULL, &p2, &e), &e);
	c.other = p2;
	prov_file_foreach(v->p, compare, &c);
	assert_int_equal(c.total, 8);
	assert_int_equal(c.same, c.total);
	prov_close(p2);
}

static void
test_refresh_without_change_is_a_no_op(void **state)
{
	struct env *v = *state;
	assert_int_equal(refresh(v->p), 0);
	assert_int_equal(version(v->p, A), 1);
}

static void
test_device_change_rebuilds_only_that_device(void **state)
{
	struct env *v = *state;
	struct store_device d;
	struct dt_errbuf e = {0, ""};
	struct prov_file *old = prov_file_get(v->p, B ".cnf.xml");

	must(store_device_get(v->db.st, B, &d, &e), &e);
	snprintf(d.load, sizeof d.load, "sip78xx.12-8-1-0001-455");
	must(store_device_update(v->db.st, &d, &e), &e);
	assert_int_equal(refresh(v->p), 1);
	assert_int_equal(version(v->p, B), 2);
	assert_int_equal(version(v->p, A), 1);
	assert_int_equal(version(v->p, C), 1);
	xmlDocPtr doc = parse_file(v->p, B ".cnf.xml");
	assert_string_equal(pt_text(doc, "/device/loadInformation"), "sip78xx.12-8-1-0001-455");
	xmlFreeDoc(doc);
	/* A transfer holding the old version still reads valid old bytes. */
	assert_non_null(strstr((const char *)old->data, "sip78xx.14-2-1-0001-14"));
	assert_int_equal(old->version, 1);
	prov_file_put(old);
}

static void
test_shared_line_change_rebuilds_every_device_showing_it(void **state)
{
	struct env *v = *state;
	struct dt_errbuf e = {0, ""};
	/* 2001 leaves B: B loses the line and A's copy is no longer shared. */
	must(store_line_unassign(v->db.st, "2001", B, &e), &e);
	assert_int_equal(refresh(v->p), 2);
	assert_int_equal(version(v->p, A), 2);
	assert_int_equal(version(v->p, B), 2);
	assert_int_equal(version(v->p, C), 1);
	xmlDocPtr d = parse_file(v->p, A ".cnf.xml");
	assert_string_equal(pt_text(d, "//line[name='2001']/sharedLine"), "false");
	xmlFreeDoc(d);
	d = parse_file(v->p, B ".cnf.xml");
	assert_int_equal(pt_count(d, "//sipLines/line"), 0);
	xmlFreeDoc(d);
	/* And back: both flip again. */
	add_line(v->db.st, "2001", B, 1, "");
	assert_int_equal(refresh(v->p), 2);
	assert_int_equal(version(v->p, A), 3);
	assert_int_equal(version(v->p, C), 1);
}

static void
test_pool_change_rebuilds_its_devices(void **state)
{
	struct env *v = *state;
	struct dt_errbuf e = {0, ""};
	/* A second member for the Default group: A, B and XMLDefault change; C (P2) does not. */
	must(store_cmgroup_add_member(v->db.st, "Default", "cm2", -1, 0, 0, &e), &e);
	assert_int_equal(refresh(v->p), 3);
	assert_int_equal(version(v->p, A), 2);
	assert_int_equal(version(v->p, B), 2);
	assert_int_equal(version(v->p, C), 1);
	xmlDocPtr d = parse_file(v->p, B ".cnf.xml");
	assert_int_equal(pt_count(d, "//callManagerGroup/members/member"), 2);
	assert_string_equal(pt_text(d, "//member[@priority='1']/callManager/processNodeName"),
			    "10.0.0.11");
	xmlFreeDoc(d);
	d = parse_file(v->p, "XMLDefault.cnf.xml");
	assert_int_equal(pt_count(d, "//callManagerGroup/members/member"), 2);
	xmlFreeDoc(d);
}

static void
test_delete_and_failing_validation_unpublish(void **state)
{
	struct env *v = *state;
	struct dt_errbuf e = {0, ""};
	struct store_pool pool;

	must(store_device_delete(v->db.st, C, &e), &e);
	assert_int_equal(refresh(v->p), 1);
	assert_null(prov_file_get(v->p, C ".cnf.xml"));
	assert_int_equal(version(v->p, A), 1);

	/* A pool whose CallManager group has no member: the phone could not register, so its file
	 * fails validation and is not served; the others are untouched. */
	must(store_cmgroup_add(v->db.st, "Empty", &e), &e);
	memset(&pool, 0, sizeof pool);
	snprintf(pool.name, sizeof pool.name, "P3");
	snprintf(pool.cm_group, sizeof pool.cm_group, "Empty");
	must(store_pool_add(v->db.st, &pool, &e), &e);
	add_device(v->db.st, "0000000000DD", "8851", "P3");
	add_line(v->db.st, "4001", "SEP0000000000DD", 1, "Dan");
	refresh(v->p);
	assert_null(prov_file_get(v->p, "SEP0000000000DD.cnf.xml"));
	assert_int_equal(version(v->p, A), 1);
	/* The reason is kept for `files show`, naming the device and the element. */
	char why[600];
	assert_int_equal(prov_file_why(v->p, "sep0000000000dd.cnf.xml", why, sizeof why), 1);
	assert_non_null(strstr(why, "device SEP0000000000DD"));
	assert_non_null(strstr(why, "callManagerGroup/members/member is missing"));
	assert_int_equal(prov_file_why(v->p, A ".cnf.xml", why, sizeof why), 0);
	/* A full build sees the same. */
	struct prov *p2;
	struct prov_build_stats bs;
	must(prov_open(v->db.st, NULL, &p2, &e), &e);
	prov_last_build(p2, &bs);
	assert_int_equal(bs.failed, 1);
	assert_int_equal(prov_file_why(p2, "SEP0000000000DD.cnf.xml", why, sizeof why), 1);
	prov_close(p2);
}

static void
test_mac_change_renames_the_file(void **state)
{
	struct env *v = *state;
	struct store_device d;
	struct dt_errbuf e = {0, ""};
	must(store_device_get(v->db.st, C, &d, &e), &e);
	snprintf(d.mac, sizeof d.mac, "0000000000EE");
	must(store_device_update(v->db.st, &d, &e), &e);
	assert_int_equal(refresh(v->p), 2); /* one file gone, one new */
	assert_null(prov_file_get(v->p, C ".cnf.xml"));
	struct prov_file *f = prov_file_get(v->p, "SEP0000000000EE.cnf.xml");
	assert_non_null(f);
	assert_string_equal(f->device, "SEP0000000000EE");
	prov_file_put(f);
}

/* Enough devices for the worker threads to split the work: the threaded build must give the
 * same bytes as a one-thread build. */
static void
test_threaded_build_matches_single_thread(void **state)
{
	struct env *v = *state;
	struct dt_errbuf e = {0, ""};
	struct prov *multi, *single;
	struct cmp c = {0};
	char mac[13], dev[16], dn[16];

	must(store_begin(v->db.st, &e), &e);
	for (int i = 0; i < 1500; i++) {
		snprintf(mac, sizeof mac, "0B00%08X", i);
		snprintf(dev, sizeof dev, "SEP%s", mac);
		snprintf(dn, sizeof dn, "5%05d", i);
		add_device(v->db.st, mac, i % 2 ? "8851" : "7821", "");
		add_line(v->db.st, dn, dev, 1, "User");
	}
	must(store_commit(v->db.st, &e), &e);
	must(prov_open(v->db.st, NULL, &multi, &e), &e);
	must(prov_open(v->db.st, NULL, &single, &e), &e);
	multi->threads = 2;
	single->threads = 1;
	must(prov_build_full(multi, NULL, &e), &e);
	must(prov_build_full(single, NULL, &e), &e);
	c.other = single;
	prov_file_foreach(multi, compare, &c);
	assert_int_equal(c.total, 1503 + 5);
	assert_int_equal(c.same, c.total);
	prov_close(multi);
	prov_close(single);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_full_build, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_builds_byte_identical, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refresh_without_change_is_a_no_op, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_device_change_rebuilds_only_that_device, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_shared_line_change_rebuilds_every_device_showing_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pool_change_rebuilds_its_devices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_delete_and_failing_validation_unpublish, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_mac_change_renames_the_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threaded_build_matches_single_thread, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
