/* summary: tests for src/store/: migrations and seed data, the model catalogue, MAC forms, every
 * device and line validation error, shared lines, the change log, transactions rolling back, and
 * a second connection seeing a commit (data_version). Each test opens a fresh mktemp database. */
#include "dt_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/embedded.h"
#include "store/store.h"
#include "store_fixture.h"

static int64_t
count(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n = -1;
	if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void
test_migrations_and_seed(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_pool p;
	struct store_sip_profile sp;
	struct store_common_profile cp;
	struct store_softkey_template sk;
	struct store_dial_rules dr;
	struct store *again;
	int n = 0;

	for (const struct dt_embedded *x = dt_embedded_files; x->path; x++)
		n += strncmp(x->path, "src/store/migrations/", 21) == 0;
	/* Every embedded migration is recorded once, and the version is the highest. */
	assert_int_equal(count(f->st, "SELECT count(*) FROM schema_migrations"), n);
	assert_int_equal(store_schema_version(f->st),
			 count(f->st, "SELECT max(version) FROM schema_migrations"));
	assert_true(store_schema_version(f->st) >= 1);
	assert_int_equal(count(f->st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(count(f->st, "PRAGMA synchronous"), 2); /* FULL */

	assert_int_equal(store_pool_get(f->st, "Default", &p, &e), DT_OK);
	assert_string_equal(p.cm_group, "Default");
	assert_string_equal(p.datetime_group, "CMLocal");
	assert_int_equal(p.n_members, 0);
	assert_int_equal(store_sip_profile_get(f->st, "", &sp, &e), DT_OK);
	assert_string_equal(sp.name, "Standard SIP Profile");
	assert_int_equal(sp.register_expires, 3600);
	assert_int_equal(sp.register_delta, 5);
	assert_int_equal(sp.keepalive_expires, 120);
	assert_int_equal(store_common_profile_get(f->st, "", &cp, &e), DT_OK);
	assert_string_equal(cp.name, "Standard Common Phone Profile");
	assert_int_equal(store_softkey_template_get(f->st, "Standard User", &sk, &e), DT_OK);
	assert_string_equal(sk.file_name, "SoftKeys.xml");
	assert_int_equal(store_dial_rules_get(f->st, "", &dr, &e), DT_OK);
	assert_int_equal(count(f->st, "SELECT count(*) FROM dial_rule"), 2);

	/* Reopening applies nothing twice and keeps the data. */
	assert_int_equal(store_open(f->dir, &again, &e), DT_OK);
	assert_int_equal(store_schema_version(again), store_schema_version(f->st));
	assert_int_equal(count(again, "SELECT count(*) FROM device_pool"), 1);
	store_close(again);
}

static int
count_model(const struct store_model *m, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_model_catalogue(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_model m;
	int n = 0, rows = 0;
	const struct dt_embedded *tsv = dt_embedded_find("data/models.tsv");

	assert_non_null(tsv);
	for (const char *p = (const char *)tsv->data; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		rows += *p != '#' && *p != '\n';
	assert_true(store_model_foreach(f->st, count_model, &n, &e) == DT_OK);
	assert_int_equal(n, rows);
	assert_int_equal(store_model_get(f->st, "8851", &m, &e), DT_OK);
	assert_int_equal(m.type_num, 684);
	assert_string_equal(m.load_prefix, "sip88xx");
	assert_int_equal(store_model_get(f->st, "CP-7821", &m, &e), DT_OK);
	assert_int_equal(m.type_num, 621);
	assert_int_equal(m.buttons, 2);
	assert_int_equal(store_model_get(f->st, "8845", &m, &e), DT_OK);
	assert_string_equal(m.load_prefix, "sip8845_65");
	assert_int_equal(store_model_get(f->st, "9999", &m, &e), DT_ENOENT);
	assert_non_null(strstr(e.msg, "model:"));
}

static void
exec_sql(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_sqlite(st), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* A new binary with a changed data/models.tsv (simulated: a stale hash and edited rows) brings the
 * table back to the file, logs what changed, and keeps a model a device still uses. */
static void
test_model_catalogue_resync(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_model m;
	struct store *again;

	exec_sql(f->st, "UPDATE model SET buttons = 9 WHERE name = '8851';"
			"INSERT INTO model VALUES ('X1', 'Gone', 1, 1, 'p', 'l', 'd', 'j', 'v');"
			"INSERT INTO model VALUES ('X2', 'Used', 2, 1, 'p', 'l', 'd', 'j', 'v');"
			"UPDATE meta SET value = 'stale' WHERE key = 'models_tsv'");
	assert_int_equal(store_fixture_device(f->st, "0000000000D1", "X2", NULL, &e), DT_OK);
	int64_t mark = count(f->st, "SELECT max(seq) FROM change_log");
	assert_int_equal(store_open(f->dir, &again, &e), DT_OK);
	assert_int_equal(store_model_get(again, "8851", &m, &e), DT_OK);
	assert_int_equal(m.buttons, 5);
	assert_int_equal(store_model_get(again, "X1", &m, &e), DT_ENOENT);
	assert_int_equal(store_model_get(again, "X2", &m, &e), DT_OK);
	assert_int_equal(count(again, "SELECT count(*) FROM change_log WHERE kind = 'model' AND "
				      "key IN ('8851', 'X1') AND seq > (SELECT max(seq) - 2 FROM "
				      "change_log)"),
			 2);
	assert_true(count(again, "SELECT max(seq) FROM change_log") == mark + 2);
	store_close(again);
}

/* The change log is kept bounded: past 2 × 500,000 rows, opening prunes to the newest 500,000. */
static void
test_change_log_bounded(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store *again;
	int64_t top;

	exec_sql(f->st, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
			"999980) INSERT INTO change_log (kind, key) SELECT 'device', 'x' FROM n");
	assert_int_equal(store_open(f->dir, &again, &e), DT_OK);
	store_close(again);
	assert_true(count(f->st, "SELECT count(*) FROM change_log") > 999980); /* below the bound */
	exec_sql(f->st, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
			"100) INSERT INTO change_log (kind, key) SELECT 'device', 'y' FROM n");
	assert_int_equal(store_changes_last(f->st, &top, &e), DT_OK);
	assert_int_equal(store_open(f->dir, &again, &e), DT_OK);
	store_close(again);
	assert_int_equal(count(f->st, "SELECT count(*) FROM change_log"), 500000);
	assert_int_equal(count(f->st, "SELECT max(seq) FROM change_log"), top);
}

static void
test_mac_forms(void **state)
{
	static const char *good[] = {"001122aabbcc", "00:11:22:AA:BB:CC", "0011.22aa.bbcc",
				     "00-11-22-aa-bb-cc", "00112233AABB"};
	static const char *bad[] = {"",
				    "00112233445",
				    "0011223344556",
				    "00:11:22:33:44:5g",
				    "00:11-22:33:44:55",
				    "0011.2233.44556",
				    "00::1122334455",
				    "001.1223.34455",
				    "SEP001122334455",
				    "00:11:22:33:44:55:"};
	struct dt_errbuf e = {0, ""};
	char out[13];
	for (int i = 0; i < 4; i++) {
		assert_int_equal(store_mac_normalize(good[i], out, &e), DT_OK);
		assert_string_equal(out, "001122AABBCC");
	}
	assert_int_equal(store_mac_normalize(good[4], out, &e), DT_OK);
	assert_string_equal(out, "00112233AABB");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.msg[0] = 0;
		assert_int_equal(store_mac_normalize(bad[i], out, &e), DT_EINVAL);
		assert_true(strncmp(e.msg, "mac:", 4) == 0);
	}
}

/* Set one text field of d by name (the table below stays data, not code). */
static void
set_field(struct store_device *d, const char *f, const char *v)
{
	if (!strcmp(f, "mac"))
		snprintf(d->mac, sizeof d->mac, "%s", v);
	else if (!strcmp(f, "model"))
		snprintf(d->model, sizeof d->model, "%s", v);
	else if (!strcmp(f, "pool"))
		snprintf(d->pool, sizeof d->pool, "%s", v);
	else if (!strcmp(f, "name"))
		snprintf(d->name, sizeof d->name, "%s", v);
	else if (!strcmp(f, "security"))
		d->security = atoi(v);
	else if (!strcmp(f, "ip"))
		snprintf(d->ip, sizeof d->ip, "%s", v);
	else if (!strcmp(f, "load"))
		snprintf(d->load, sizeof d->load, "%s", v);
	else if (!strcmp(f, "description"))
		snprintf(d->description, sizeof d->description, "%s", v);
	else if (!strcmp(f, "protocol"))
		snprintf(d->protocol, sizeof d->protocol, "%s", v);
	else if (!strcmp(f, "sip_profile"))
		snprintf(d->sip_profile, sizeof d->sip_profile, "%s", v);
	else if (!strcmp(f, "dial_rules"))
		snprintf(d->dial_rules, sizeof d->dial_rules, "%s", v);
	else if (!strcmp(f, "digest_user"))
		snprintf(d->digest_user, sizeof d->digest_user, "%s", v);
	else if (!strcmp(f, "user_locale"))
		snprintf(d->user_locale, sizeof d->user_locale, "%s", v);
	else
		fail_msg("no field %s", f);
}

/* Each bad device names its field and writes nothing. */
static void
test_device_validation(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_device d, got;
	static const struct {
		const char *field, *value;
		int code;
	} cases[] = {
	    {"mac", "00112233445G", DT_EINVAL},
	    {"mac", "00112233aabb", DT_EEXIST}, /* the first device, other case */
	    {"model", "7960", DT_ENOENT},
	    {"model", "", DT_EINVAL},
	    {"pool", "Nowhere", DT_ENOENT},
	    {"name", "SEP999999999999", DT_EINVAL},
	    {"security", "4", DT_ERANGE},
	    {"ip", "10.0.0.300", DT_EINVAL},
	    {"ip", "10.0.0.5", DT_ECONFLICT}, /* reserved for the first device */
	    {"load", "sip88xx 14", DT_EINVAL},
	    {"description", "a\nb", DT_EINVAL},
	    {"protocol", "SCCP", DT_EINVAL},
	    {"sip_profile", "X", DT_ENOENT},
	    {"dial_rules", "X", DT_ENOENT},
	    {"digest_user", "a:b", DT_EINVAL},
	    {"user_locale", "English United", DT_EINVAL},
	};

	memset(&d, 0, sizeof d);
	snprintf(d.mac, sizeof d.mac, "00112233AABB");
	snprintf(d.model, sizeof d.model, "8851");
	snprintf(d.ip, sizeof d.ip, "10.0.0.5");
	assert_int_equal(store_device_add(f->st, &d, &e), DT_OK);
	assert_string_equal(d.name, "SEP00112233AABB");
	int64_t devs = count(f->st, "SELECT count(*) FROM device");
	int64_t log = count(f->st, "SELECT count(*) FROM change_log");

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&d, 0, sizeof d);
		snprintf(d.mac, sizeof d.mac, "001122334455");
		snprintf(d.model, sizeof d.model, "7841");
		set_field(&d, cases[i].field, cases[i].value);
		e.msg[0] = 0;
		assert_int_equal(store_device_add(f->st, &d, &e), cases[i].code);
		if (strncmp(e.msg, cases[i].field, strlen(cases[i].field)) != 0 ||
		    e.msg[strlen(cases[i].field)] != ':')
			fail_msg("want %s:, got '%s'", cases[i].field, e.msg);
	}
	assert_int_equal(count(f->st, "SELECT count(*) FROM device"), devs);
	assert_int_equal(count(f->st, "SELECT count(*) FROM change_log"), log);

	/* Defaults of a minimal device. */
	assert_int_equal(store_device_get(f->st, "0011.2233.aabb", &got, &e), DT_OK);
	assert_string_equal(got.pool, "Default");
	assert_string_equal(got.protocol, "SIP");
	assert_int_equal(got.security, STORE_SEC_NON_SECURE);
	assert_string_equal(got.sip_profile, "Standard SIP Profile");
	assert_string_equal(got.softkey_template, "Standard User");
	assert_string_equal(got.dial_rules, "");
	assert_int_equal(store_device_get(f->st, "sep00112233aabb", &got, &e), DT_OK);
	/* A reservation is unique whatever its spelling (stored canonical). */
	memset(&d, 0, sizeof d);
	snprintf(d.mac, sizeof d.mac, "0011223344C1");
	snprintf(d.model, sizeof d.model, "8851");
	snprintf(d.ip, sizeof d.ip, "2001:DB8:0::1");
	assert_int_equal(store_device_add(f->st, &d, &e), DT_OK);
	assert_string_equal(d.ip, "2001:db8::1");
	snprintf(d.mac, sizeof d.mac, "0011223344C2");
	d.name[0] = 0;
	snprintf(d.ip, sizeof d.ip, "2001:db8:0:0::1");
	assert_int_equal(store_device_add(f->st, &d, &e), DT_ECONFLICT);
	assert_int_equal(store_device_get(f->st, "SEP001122334455", &got, &e), DT_ENOENT);
	assert_int_equal(store_device_get(f->st, "phone1", &got, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "device:"));
}

struct seen {
	char text[1024];
};

static int
log_change(int64_t seq, const char *kind, const char *key, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof s->text - n, "%s %s;", kind, key);
	return 0;
}

static void
test_update_delete_and_change_log(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_device d;
	struct seen s = {""};
	int64_t last = 0, mark;

	assert_int_equal(store_changes_last(f->st, &mark, &e), DT_OK);
	assert_int_equal(store_fixture_device(f->st, "001122334455", "8861", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_line(f->st, "2001", "SEP001122334455", 0, "Alice", NULL, &e),
			 DT_OK);
	assert_int_equal(store_device_get(f->st, "001122334455", &d, &e), DT_OK);
	snprintf(d.mac, sizeof d.mac, "00112233445A");
	snprintf(d.description, sizeof d.description, "replaced phone");
	assert_int_equal(store_device_update(f->st, &d, &e), DT_OK);
	assert_int_equal(store_device_get(f->st, "SEP00112233445A", &d, &e), DT_OK);
	assert_string_equal(d.description, "replaced phone");
	/* Its line followed it. */
	assert_int_equal(count(f->st, "SELECT count(*) FROM line_appearance"), 1);
	/* A model with too few buttons for its lines is refused. */
	assert_int_equal(store_fixture_line(f->st, "2002", "SEP00112233445A", 5, NULL, NULL, &e),
			 DT_OK);
	snprintf(d.model, sizeof d.model, "7821");
	assert_int_equal(store_device_update(f->st, &d, &e), DT_ERANGE);
	assert_true(strncmp(e.msg, "model:", 6) == 0);
	assert_int_equal(store_device_delete(f->st, "00:11:22:33:44:5a", &e), DT_OK);
	assert_int_equal(count(f->st, "SELECT count(*) FROM line_appearance"), 0);
	assert_int_equal(store_device_delete(f->st, "00:11:22:33:44:5a", &e), DT_ENOENT);

	assert_int_equal(store_changes_since(f->st, mark, log_change, &s, &last, &e), DT_OK);
	/* One entry per object and transaction (a line add logs its DN and its device once). */
	assert_string_equal(s.text, "device SEP001122334455;line 2001;"
				    "device SEP001122334455;device SEP001122334455;"
				    "device SEP00112233445A;line 2002;"
				    "device SEP00112233445A;device SEP00112233445A;");
	int64_t max;
	assert_int_equal(store_changes_last(f->st, &max, &e), DT_OK);
	assert_int_equal(last, max);
	s.text[0] = 0;
	assert_int_equal(store_changes_since(f->st, max, log_change, &s, &last, &e), DT_OK);
	assert_string_equal(s.text, "");
}

struct lines {
	char text[512];
};

static int
line_row(const struct store_line *l, void *arg)
{
	struct lines *x = arg;
	size_t n = strlen(x->text);
	snprintf(x->text + n, sizeof x->text - n, "%s@%s/%d;", l->dn, l->device, l->button);
	return 0;
}

static void
test_shared_line_and_conflicts(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct lines x = {""};
	struct store_line l;

	assert_int_equal(store_fixture_device(f->st, "0000000000A1", "8851", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_device(f->st, "0000000000A2", "7821", NULL, &e), DT_OK);
	assert_int_equal(
	    store_fixture_line(f->st, "1000", "SEP0000000000A1", 0, "Reception", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_line(f->st, "1000", "0000000000a2", 2, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_fixture_line(f->st, "1001", "SEP0000000000A1", 0, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_fixture_line(f->st, "1002", NULL, 0, "Unassigned", NULL, &e), DT_OK);
	int64_t log = count(f->st, "SELECT count(*) FROM change_log");

	/* Conflicts, each naming its field, none writing. */
	assert_int_equal(store_fixture_line(f->st, "1000", "SEP0000000000A1", 3, NULL, NULL, &e),
			 DT_ECONFLICT);
	assert_true(strncmp(e.msg, "dn:", 3) == 0);
	assert_int_equal(store_fixture_line(f->st, "1003", "SEP0000000000A1", 1, NULL, NULL, &e),
			 DT_ECONFLICT);
	assert_true(strncmp(e.msg, "button:", 7) == 0);
	assert_int_equal(store_fixture_line(f->st, "1003", "SEP0000000000A2", 3, NULL, NULL, &e),
			 DT_ERANGE);
	assert_true(strncmp(e.msg, "button:", 7) == 0);
	assert_int_equal(store_fixture_line(f->st, "1000", "SEP0000000000A2", 1, "Other", NULL, &e),
			 DT_ECONFLICT);
	assert_true(strncmp(e.msg, "display:", 8) == 0);
	assert_int_equal(store_fixture_line(f->st, "1002", NULL, 0, NULL, NULL, &e), DT_EEXIST);
	assert_int_equal(store_fixture_line(f->st, "10 00", "SEP0000000000A1", 0, NULL, NULL, &e),
			 DT_EINVAL);
	assert_true(strncmp(e.msg, "dn:", 3) == 0);
	assert_int_equal(
	    store_fixture_line(f->st, "1004", "SEP0000000000A1", 0, "Bad \"quote", NULL, &e),
	    DT_EINVAL);
	assert_true(strncmp(e.msg, "display:", 8) == 0);
	assert_int_equal(store_fixture_line(f->st, "1005", "SEP0000000000FF", 0, NULL, NULL, &e),
			 DT_ENOENT);
	assert_true(strncmp(e.msg, "device:", 7) == 0);
	/* 1003 and 1005 were new DNs: the failed appearance must not leave them behind. */
	assert_int_equal(store_line_get(f->st, "1003", &l, &e), DT_ENOENT);
	assert_int_equal(store_line_get(f->st, "1005", &l, &e), DT_ENOENT);
	assert_int_equal(count(f->st, "SELECT count(*) FROM change_log"), log);

	/* The 7821's two buttons: 1000 on 2, next free is 1, then none. */
	assert_int_equal(store_fixture_line(f->st, "1006", "SEP0000000000A2", 0, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_fixture_line(f->st, "1007", "SEP0000000000A2", 0, NULL, NULL, &e),
			 DT_ERANGE);

	assert_int_equal(store_line_foreach(f->st, NULL, line_row, &x, &e), DT_OK);
	assert_string_equal(x.text, "1000@SEP0000000000A1/1;1000@SEP0000000000A2/2;"
				    "1001@SEP0000000000A1/2;1002@/0;1006@SEP0000000000A2/1;");
	x.text[0] = 0;
	assert_int_equal(store_line_foreach(f->st, "0000000000A2", line_row, &x, &e), DT_OK);
	assert_string_equal(x.text, "1006@SEP0000000000A2/1;1000@SEP0000000000A2/2;");

	assert_int_equal(store_line_get(f->st, "1000", &l, &e), DT_OK);
	assert_string_equal(l.display, "Reception");
	assert_int_equal(store_line_unassign(f->st, "1000", "SEP0000000000A2", &e), DT_OK);
	assert_int_equal(store_line_unassign(f->st, "1000", "SEP0000000000A2", &e), DT_ENOENT);
	assert_int_equal(store_line_delete(f->st, "1000", &e), DT_OK);
	assert_int_equal(store_line_delete(f->st, "1000", &e), DT_ENOENT);
	assert_true(strncmp(e.msg, "dn:", 3) == 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM line_appearance"), 2);
}

static int
dev_lines_row(const struct store_device *d, const struct store_line *l, int n, void *arg)
{
	struct lines *x = arg;
	size_t len = strlen(x->text);
	len += snprintf(x->text + len, sizeof x->text - len, "%s:", d->name);
	for (int i = 0; i < n; i++)
		len += snprintf(x->text + len, sizeof x->text - len, "%d=%s/%s,", l[i].button,
				l[i].dn, l[i].device);
	snprintf(x->text + len, sizeof x->text - len, ";");
	return 0;
}

static void
test_device_lines_walk(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct lines x = {""};

	assert_int_equal(store_fixture_device(f->st, "0000000000E2", "8851", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_device(f->st, "0000000000E1", "8851", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_device(f->st, "0000000000E3", "8851", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_line(f->st, "5002", "SEP0000000000E1", 4, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_fixture_line(f->st, "5001", "SEP0000000000E1", 2, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_fixture_line(f->st, "5001", "SEP0000000000E3", 1, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_device_lines_foreach(f->st, dev_lines_row, &x, &e), DT_OK);
	assert_string_equal(x.text,
			    "SEP0000000000E1:2=5001/SEP0000000000E1,4=5002/SEP0000000000E1,;"
			    "SEP0000000000E2:;SEP0000000000E3:1=5001/SEP0000000000E3,;");
}

static void
test_transactions_roll_back(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	int64_t log = count(f->st, "SELECT count(*) FROM change_log");

	assert_int_equal(store_begin(f->st, &e), DT_OK);
	assert_int_equal(store_fixture_device(f->st, "0000000000B1", "8841", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_line(f->st, "3001", "SEP0000000000B1", 1, NULL, NULL, &e),
			 DT_OK);
	store_rollback(f->st);
	assert_int_equal(count(f->st, "SELECT count(*) FROM device"), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM line"), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM change_log"), log);

	/* A failing call inside a transaction undoes only itself. */
	assert_int_equal(store_begin(f->st, &e), DT_OK);
	assert_int_equal(store_fixture_device(f->st, "0000000000B1", "8841", NULL, &e), DT_OK);
	assert_int_equal(store_fixture_line(f->st, "3001", "SEP0000000000B1", 9, NULL, NULL, &e),
			 DT_ERANGE);
	assert_int_equal(store_fixture_device(f->st, "0000000000B2", "8841", NULL, &e), DT_OK);
	/* The failed add's change-log rows were rolled back: the same DN added now is logged. */
	assert_int_equal(store_fixture_line(f->st, "3001", "SEP0000000000B2", 1, NULL, NULL, &e),
			 DT_OK);
	assert_int_equal(store_commit(f->st, &e), DT_OK);
	assert_int_equal(count(f->st, "SELECT count(*) FROM device"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM line"), 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM change_log WHERE kind = 'line' AND "
				      "key = '3001'"),
			 1);
	assert_int_equal(store_commit(f->st, &e), DT_EINVAL);
}

static void
test_second_connection_sees_commit(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store *other;
	struct store_device d;
	int64_t v1, v2, v3;

	assert_int_equal(store_open(f->dir, &other, &e), DT_OK);
	assert_int_equal(store_data_version(other, &v1, &e), DT_OK);
	assert_int_equal(store_data_version(other, &v2, &e), DT_OK);
	assert_true(v1 == v2);
	assert_int_equal(store_fixture_device(f->st, "0000000000C1", "8865", NULL, &e), DT_OK);
	assert_int_equal(store_data_version(other, &v3, &e), DT_OK);
	assert_true(v3 != v2);
	assert_int_equal(store_device_get(other, "SEP0000000000C1", &d, &e), DT_OK);
	assert_string_equal(d.model, "8865");
	store_close(other);
}

static void
test_nodes_groups_pools(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_cm_group g;
	struct store_pool p;
	struct store_node n;

	assert_int_equal(store_node_ensure(f->st, "cm1", "0.0.0.0", "tftp,sip", &e), DT_OK);
	assert_int_equal(store_cmgroup_get(f->st, "Default", &g, &e), DT_OK);
	assert_int_equal(g.n_members, 1);
	assert_string_equal(g.members[0].node, "cm1");
	assert_string_equal(g.members[0].address, "127.0.0.1");
	assert_int_equal(g.members[0].priority, 0);
	assert_int_equal(g.members[0].sip_port, 5060);
	assert_int_equal(g.members[0].sips_port, 5061);
	/* A second node does not join a group that already has members; ensure is idempotent. */
	assert_int_equal(store_node_ensure(f->st, "cm2", "10.0.0.2", "sip", &e), DT_OK);
	assert_int_equal(store_cmgroup_get(f->st, "Default", &g, &e), DT_OK);
	assert_int_equal(g.n_members, 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM node"), 2);
	/* serve restarted on another address: its own node follows, and the pool is rebuilt. */
	int64_t mark = count(f->st, "SELECT max(seq) FROM change_log");
	assert_int_equal(store_node_ensure(f->st, "cm1", "10.9.9.9", "sip", &e), DT_OK);
	assert_int_equal(store_cmgroup_get(f->st, "Default", &g, &e), DT_OK);
	assert_string_equal(g.members[0].address, "10.9.9.9");
	assert_int_equal(count(f->st,
			       "SELECT count(*) FROM change_log WHERE kind = 'pool' AND "
			       "key = 'Default' AND seq > (SELECT max(seq) - 2 FROM change_log)"),
			 1);
	assert_true(count(f->st, "SELECT max(seq) FROM change_log") == mark + 2);

	assert_int_equal(store_cmgroup_add_member(f->st, "Default", "cm2", -1, 0, 0, &e), DT_OK);
	assert_int_equal(store_cmgroup_add_member(f->st, "Default", "cm2", -1, 0, 0, &e),
			 DT_ECONFLICT);
	assert_true(strncmp(e.msg, "node:", 5) == 0);
	memset(&n, 0, sizeof n);
	snprintf(n.name, sizeof n.name, "cm3");
	snprintf(n.address, sizeof n.address, "cm3.example.com");
	assert_int_equal(store_node_add(f->st, &n, &e), DT_OK);
	assert_int_equal(store_node_add(f->st, &n, &e), DT_EEXIST);
	/* A node the admin added keeps its address whatever serve listens on. */
	assert_int_equal(store_node_ensure(f->st, "cm3", "10.3.3.3", "sip", &e), DT_OK);
	assert_int_equal(count(f->st, "SELECT count(*) FROM node WHERE name = 'cm3' AND address = "
				      "'cm3.example.com'"),
			 1);
	assert_int_equal(store_cmgroup_add_member(f->st, "Default", "cm3", 1, 0, 0, &e),
			 DT_ECONFLICT);
	assert_true(strncmp(e.msg, "priority:", 9) == 0);
	assert_int_equal(store_node_delete(f->st, "cm2", &e), DT_ECONFLICT);
	assert_int_equal(store_node_delete(f->st, "cm3", &e), DT_OK);

	assert_int_equal(store_cmgroup_add(f->st, "Branch", &e), DT_OK);
	assert_int_equal(store_cmgroup_add(f->st, "Branch", &e), DT_EEXIST);
	assert_int_equal(store_cmgroup_add_member(f->st, "Branch", "cm2", 0, 5070, 5071, &e),
			 DT_OK);
	assert_int_equal(store_cmgroup_add_member(f->st, "Branch", "cm1", -1, 0, 0, &e), DT_OK);

	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "Wellington");
	snprintf(p.cm_group, sizeof p.cm_group, "Branch");
	snprintf(p.tz_olson, sizeof p.tz_olson, "Pacific/Auckland");
	snprintf(p.tz_windows, sizeof p.tz_windows, "New Zealand Standard/Daylight Time");
	snprintf(p.ntp[0], sizeof p.ntp[0], "10.0.0.1");
	snprintf(p.ntp[1], sizeof p.ntp[1], "ntp.example.com");
	p.n_ntp = 2;
	assert_int_equal(store_pool_add(f->st, &p, &e), DT_OK);
	assert_int_equal(store_pool_add(f->st, &p, &e), DT_EEXIST);
	memset(&p, 0, sizeof p);
	assert_int_equal(store_pool_get(f->st, "Wellington", &p, &e), DT_OK);
	assert_string_equal(p.cm_group, "Branch");
	assert_int_equal(p.n_members, 2);
	assert_string_equal(p.members[0].address, "10.0.0.2");
	assert_int_equal(p.members[0].sip_port, 5070);
	assert_int_equal(p.members[1].priority, 1);
	assert_string_equal(p.tz_olson, "Pacific/Auckland");
	assert_string_equal(p.date_template, "D/M/Y"); /* from CMLocal */
	assert_int_equal(p.n_ntp, 2);
	assert_string_equal(p.ntp[1], "ntp.example.com");
	assert_string_equal(p.user_locale, "English_United_States");

	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "Bad");
	snprintf(p.cm_group, sizeof p.cm_group, "Nope");
	assert_int_equal(store_pool_add(f->st, &p, &e), DT_ENOENT);
	assert_true(strncmp(e.msg, "cm_group:", 9) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_migrations_and_seed),
	    STORE_FIXTURE_TEST(test_model_catalogue),
	    STORE_FIXTURE_TEST(test_model_catalogue_resync),
	    STORE_FIXTURE_TEST(test_change_log_bounded),
	    cmocka_unit_test(test_mac_forms),
	    STORE_FIXTURE_TEST(test_device_validation),
	    STORE_FIXTURE_TEST(test_update_delete_and_change_log),
	    STORE_FIXTURE_TEST(test_shared_line_and_conflicts),
	    STORE_FIXTURE_TEST(test_device_lines_walk),
	    STORE_FIXTURE_TEST(test_transactions_roll_back),
	    STORE_FIXTURE_TEST(test_second_connection_sees_commit),
	    STORE_FIXTURE_TEST(test_nodes_groups_pools),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
