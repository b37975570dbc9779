/* summary: unit tests of src/svc/svc_sip_prov.c: after each kind of database change the
 * incrementally updated provisioning cache equals a full reload of the same database, and only
 * the changes that need it (SIP profile, an unknown kind, a hole in the change log) take the full
 * reload. */
#include "dt_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sip/reg_priv.h"
#include "store/store.h"
#include "store_fixture.h"
#include "svc/svc_sip_priv.h"

struct fx {
	struct store_fixture f;
	struct dt_ctx ctx;
	struct sip_svc s;
};

static struct reg *
fresh_reg(void)
{
	struct reg_config c;
	reg_config_defaults(&c);
	struct reg *r = reg_new(&c);
	assert_non_null(r);
	return r;
}

/* The cache as sorted text: one row per line (credentials, devices) and per device (digest,
 * lines), so two caches compare with strcmp. */
struct dump {
	char rows[256][256];
	int n;
};

static void
dump_line(void *item, void *arg)
{
	struct reg_line *l = item;
	struct dump *d = arg;
	char *row = d->rows[d->n++];
	int k = snprintf(row, 256, "L %s %s %s :", l->dn, l->auth_user, l->password);
	for (int i = 0; i < l->n_dev; i++)
		k += snprintf(row + k, (size_t)(256 - k), " %s", l->dev[i]);
}

static void
dump_dev(void *item, void *arg)
{
	struct reg_pdev *p = item;
	struct dump *d = arg;
	char *row = d->rows[d->n++];
	int k = snprintf(row, 256, "D %s digest=%d :", p->name, p->digest);
	for (int i = 0; i < p->n_lines; i++)
		k += snprintf(row + k, (size_t)(256 - k), " %s", p->lines[i]);
}

static int
cmp_row(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
dump(struct reg *r, char *out, size_t cap)
{
	static struct dump d;
	size_t k = 0;
	d.n = 0;
	reg_map_each(&r->lines, dump_line, &d);
	reg_map_each(&r->pdevs, dump_dev, &d);
	qsort(d.rows, (size_t)d.n, sizeof d.rows[0], cmp_row);
	out[0] = '\0';
	for (int i = 0; i < d.n; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s\n", d.rows[i]);
	k += (size_t)snprintf(out + k, cap - k, "any_digest=%d\n", reg_prov_any_digest(r));
}

/* Apply the change log; assert whether a full reload was needed and that the result equals a
 * full load of the database into a fresh registrar. Returns the dump for further checks. */
static const char *
update_and_compare(struct fx *x, int want_full)
{
	static char inc[65536], ref[65536];
	struct dt_errbuf e = {0, ""};
	int full = -1;
	assert_int_equal(sip_prov_update(&x->s, &full, &e), DT_OK);
	assert_int_equal(full, want_full);
	dump(x->s.reg, inc, sizeof inc);

	struct sip_svc fresh = {.ctx = &x->ctx, .reg = fresh_reg()};
	assert_int_equal(sip_prov_load(&fresh, &e), DT_OK);
	dump(fresh.reg, ref, sizeof ref);
	reg_free(fresh.reg);
	assert_string_equal(inc, ref);
	return inc;
}

static void
add_phone(struct store *st, const char *mac, int security)
{
	struct dt_errbuf e = {0, ""};
	struct store_device d;
	memset(&d, 0, sizeof d);
	snprintf(d.mac, sizeof d.mac, "%s", mac);
	snprintf(d.model, sizeof d.model, "8851");
	d.security = security;
	assert_int_equal(store_device_add(st, &d, &e), DT_OK);
}

static void
add_line(struct store *st, const char *dn, const char *device, const char *pw)
{
	struct dt_errbuf e = {0, ""};
	struct store_line l;
	memset(&l, 0, sizeof l);
	snprintf(l.dn, sizeof l.dn, "%s", dn);
	snprintf(l.device, sizeof l.device, "%s", device);
	snprintf(l.password, sizeof l.password, "%s", pw);
	assert_int_equal(store_line_add(st, &l, &e), DT_OK);
}

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	struct dt_errbuf e = {0, ""};
	if (!x || store_fixture_open(&x->f, "sipprov") != 0)
		return -1;
	x->ctx.store = x->f.st;
	x->s.ctx = &x->ctx;
	x->s.reg = fresh_reg();
	add_phone(x->f.st, "00AABBCC0001", STORE_SEC_NON_SECURE);
	add_phone(x->f.st, "00AABBCC0002", STORE_SEC_NON_SECURE);
	add_phone(x->f.st, "00AABBCC0003", STORE_SEC_AUTHENTICATED);
	add_line(x->f.st, "3001", "SEP00AABBCC0001", "a");
	add_line(x->f.st, "3002", "SEP00AABBCC0002", "b");
	add_line(x->f.st, "3003", "SEP00AABBCC0003", "c");
	add_line(x->f.st, "3009", "", "z"); /* on no device */
	if (sip_prov_load(&x->s, &e) != DT_OK)
		return -1;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;
	reg_free(x->s.reg);
	int rc = store_fixture_close(&x->f);
	free(x);
	return rc;
}

static void
test_device_and_line_changes_are_incremental(void **state)
{
	struct fx *x = *state;
	struct dt_errbuf e = {0, ""};
	struct store_device d;
	const char *out;

	/* nothing changed: nothing to do, still equal */
	update_and_compare(x, 0);
	assert_int_equal(reg_prov_any_digest(x->s.reg), 1);

	/* security raised on one device: its digest flag, nothing else */
	assert_int_equal(store_device_get(x->f.st, "SEP00AABBCC0001", &d, &e), DT_OK);
	d.security = STORE_SEC_AUTHENTICATED;
	assert_int_equal(store_device_update(x->f.st, &d, &e), DT_OK);
	out = update_and_compare(x, 0);
	assert_non_null(strstr(out, "D SEP00AABBCC0001 digest=1 : 3001\n"));

	/* a DN shared onto a second device, then a new DN */
	add_line(x->f.st, "3001", "SEP00AABBCC0002", "a");
	add_line(x->f.st, "3004", "SEP00AABBCC0002", "d");
	out = update_and_compare(x, 0);
	assert_non_null(strstr(out, "L 3001 3001 a : SEP00AABBCC0001 SEP00AABBCC0002\n"));

	/* unassign, delete a line, delete the only digest devices: any_digest follows */
	assert_int_equal(store_line_unassign(x->f.st, "3001", "SEP00AABBCC0001", &e), DT_OK);
	assert_int_equal(store_line_delete(x->f.st, "3004", &e), DT_OK);
	out = update_and_compare(x, 0);
	assert_null(strstr(out, "3004"));
	assert_int_equal(store_device_delete(x->f.st, "SEP00AABBCC0003", &e), DT_OK);
	assert_int_equal(store_device_delete(x->f.st, "SEP00AABBCC0001", &e), DT_OK);
	out = update_and_compare(x, 0);
	assert_non_null(strstr(out, "any_digest=0\n"));
	assert_non_null(strstr(out, "L 3003 3003 c :\n")); /* the DN stays, on no device */
}

static void
test_profile_change_and_log_hole_reload_everything(void **state)
{
	struct fx *x = *state;
	struct dt_errbuf e = {0, ""};
	struct store_sip_profile sp;
	const char *out;

	assert_int_equal(store_sip_profile_get(x->f.st, "Standard SIP Profile", &sp, &e), DT_OK);
	sp.digest_auth = !sp.digest_auth;
	assert_int_equal(store_sip_profile_update(x->f.st, &sp, &e), DT_OK);
	out = update_and_compare(x, 1);
	assert_non_null(strstr(out, sp.digest_auth ? "D SEP00AABBCC0002 digest=1"
						   : "D SEP00AABBCC0002 digest=0"));

	/* entries pruned before we read them: a full reload, not a silent miss */
	add_line(x->f.st, "3005", "SEP00AABBCC0002", "e");
	add_line(x->f.st, "3006", "SEP00AABBCC0002", "f");
	assert_int_equal(sqlite3_exec(store_sqlite(x->f.st),
				      "DELETE FROM change_log WHERE seq = (SELECT min(seq) FROM "
				      "change_log WHERE kind = 'line' AND key = '3005')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	out = update_and_compare(x, 1);
	assert_non_null(strstr(out, "L 3005 3005 e : SEP00AABBCC0002\n"));

	/* a kind that feeds no registrar fact is skipped; one we do not know reloads everything */
	assert_int_equal(
	    sqlite3_exec(store_sqlite(x->f.st),
			 "INSERT INTO change_log (kind, key) VALUES ('pool', 'Default')", NULL,
			 NULL, NULL),
	    SQLITE_OK);
	update_and_compare(x, 0);
	assert_int_equal(sqlite3_exec(store_sqlite(x->f.st),
				      "INSERT INTO change_log (kind, key) VALUES ('newkind', 'x')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	update_and_compare(x, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_device_and_line_changes_are_incremental, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_profile_change_and_log_hole_reload_everything,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
