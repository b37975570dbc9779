/* summary: tests for the admin reference-data writes (store_load.c, store_ringtone.c,
 * store_profile.c) and the lease lookup (store_dhcp_lookup.c): validation naming the field, the
 * model's default load as every reader sees it, change-log rows the generator acts on, and a
 * lease seen by address only while bound and unexpired. Each test opens a fresh database. */
#include "dt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store_fixture.h"
#include "store/store_dhcp.h"
#include "store/store_dhcp_lookup.h"

/* Count change-log rows after seq `since` of (kind, key). */
struct logcount {
	const char *kind, *key;
	int n;
};

static int
count_change(int64_t seq, const char *kind, const char *key, void *arg)
{
	struct logcount *c = arg;
	(void)seq;
	c->n += !strcmp(kind, c->kind) && !strcmp(key, c->key);
	return 0;
}

static int
changes(struct store *st, int64_t since, const char *kind, const char *key)
{
	struct logcount c = {kind, key, 0};
	struct dt_errbuf e = {0, ""};
	int64_t last = since;
	assert_int_equal(store_changes_since(st, since, count_change, &c, &last, &e), DT_OK);
	return c.n;
}

static int64_t
last_seq(struct store *st)
{
	struct dt_errbuf e = {0, ""};
	int64_t v = 0;
	assert_int_equal(store_changes_last(st, &v, &e), DT_OK);
	return v;
}

static const char *
default_load(struct store *st, const char *model)
{
	static struct store_model m;
	struct dt_errbuf e = {0, ""};
	assert_int_equal(store_model_get(st, model, &m, &e), DT_OK);
	return m.default_load;
}

static int
collect_loads(const struct store_load *l, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);
	snprintf(out + n, 512 - n, "%s/%s/%d/%d%s;", l->model, l->load_id, l->is_default,
		 l->n_files, l->n_files ? l->files[0] : "");
	return 0;
}

static void
test_load_add_default_delete(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_load l;
	char list[512] = "";
	const char *catalogue = "sip88xx.14-2-1-0001-14";
	struct store_device d;
	int64_t seq;

	assert_string_equal(default_load(f->st, "8851"), catalogue);
	memset(&l, 0, sizeof l);
	snprintf(l.model, sizeof l.model, "CP-8851");
	snprintf(l.load_id, sizeof l.load_id, "sip88xx.15-0-1");
	snprintf(l.files[0], sizeof l.files[0], "b.img");
	snprintf(l.files[1], sizeof l.files[1], "a.img");
	l.n_files = 2;
	seq = last_seq(f->st);
	assert_int_equal(store_load_add(f->st, &l, &e), DT_OK);
	/* Not default: the model's load and its change log are untouched. */
	assert_string_equal(default_load(f->st, "8851"), catalogue);
	assert_int_equal(changes(f->st, seq, "firmware", "8851"), 0);
	assert_int_equal(store_load_add(f->st, &l, &e), DT_EEXIST);
	assert_non_null(strstr(e.msg, "load: "));

	/* Validation names the field; nothing is written. */
	snprintf(l.load_id, sizeof l.load_id, "sip78xx.1");
	assert_int_equal(store_load_add(f->st, &l, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "load: 'sip78xx.1' is not a load for model 8851"));
	snprintf(l.load_id, sizeof l.load_id, "sip88xx.2");
	snprintf(l.files[1], sizeof l.files[1], "../x");
	assert_int_equal(store_load_add(f->st, &l, &e), DT_EINVAL);
	assert_true(strncmp(e.msg, "file: ", 6) == 0);
	snprintf(l.files[1], sizeof l.files[1], "b.img"); /* duplicate file */
	assert_int_equal(store_load_add(f->st, &l, &e), DT_EEXIST);
	snprintf(l.model, sizeof l.model, "9999");
	assert_int_equal(store_load_add(f->st, &l, &e), DT_ENOENT);
	assert_true(strncmp(e.msg, "model: ", 7) == 0);

	/* A default load: every reader of the model sees it, and "model 8851" is logged. */
	snprintf(l.model, sizeof l.model, "8851");
	l.n_files = 1;
	l.is_default = 1;
	seq = last_seq(f->st);
	assert_int_equal(store_load_add(f->st, &l, &e), DT_OK);
	assert_string_equal(default_load(f->st, "8851"), "sip88xx.2");
	assert_string_equal(default_load(f->st, "8841"), catalogue);
	assert_int_equal(changes(f->st, seq, "firmware", "8851"), 1);
	assert_int_equal(store_load_foreach(f->st, "8851", collect_loads, list, &e), DT_OK);
	assert_string_equal(list, "8851/sip88xx.15-0-1/0/2a.img;8851/sip88xx.2/1/1b.img;");

	/* Switching the default moves the flag (one per model); reset goes back to the catalogue.
	 */
	if (store_load_set_default(f->st, "8851", "sip88xx.15-0-1", &e) != DT_OK)
		fail_msg("set default: %s", e.msg);
	assert_string_equal(default_load(f->st, "8851"), "sip88xx.15-0-1");
	assert_int_equal(store_load_set_default(f->st, "8851", "sip88xx.nope", &e), DT_ENOENT);
	assert_int_equal(store_load_set_default(f->st, "8851", NULL, &e), DT_OK);
	assert_string_equal(default_load(f->st, "8851"), catalogue);
	assert_int_equal(store_load_set_default(f->st, "8851", "sip88xx.2", &e), DT_OK);

	/* A load a phone names cannot go; deleting the default falls back to the catalogue's. */
	memset(&d, 0, sizeof d);
	snprintf(d.mac, sizeof d.mac, "001122334455");
	snprintf(d.model, sizeof d.model, "8851");
	snprintf(d.load, sizeof d.load, "sip88xx.15-0-1");
	assert_int_equal(store_device_add(f->st, &d, &e), DT_OK);
	assert_int_equal(store_load_delete(f->st, "sip88xx.15-0-1", NULL, &e), DT_ECONFLICT);
	assert_non_null(strstr(e.msg, "SEP001122334455"));
	seq = last_seq(f->st);
	assert_int_equal(store_load_delete(f->st, "sip88xx.2", "8851", &e), DT_OK);
	assert_string_equal(default_load(f->st, "8851"), catalogue);
	assert_int_equal(changes(f->st, seq, "firmware", "8851"), 1);
	assert_int_equal(store_load_delete(f->st, "sip88xx.2", NULL, &e), DT_ENOENT);
}

static int
collect_rings(const struct store_ringtone *r, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);
	snprintf(out + n, 256 - n, "%d:%s:%s;", r->position, r->file_name, r->display_name);
	return 0;
}

static void
test_ringtones(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_ringtone r;
	char list[256] = "";
	int64_t seq = last_seq(f->st);

	memset(&r, 0, sizeof r);
	snprintf(r.file_name, sizeof r.file_name, "Chirp1.raw");
	snprintf(r.display_name, sizeof r.display_name, "Chirp");
	assert_int_equal(store_ringtone_add(f->st, &r, &e), DT_OK);
	assert_int_equal(changes(f->st, seq, "ringtone", "Chirp1.raw"), 1);
	assert_int_equal(store_ringtone_add(f->st, &r, &e), DT_EEXIST);
	snprintf(r.file_name, sizeof r.file_name, "Piano.raw");
	r.position = 1;
	assert_int_equal(store_ringtone_add(f->st, &r, &e), DT_ECONFLICT);
	assert_true(strncmp(e.msg, "position: ", 10) == 0);
	r.position = 0;
	assert_int_equal(store_ringtone_add(f->st, &r, &e), DT_OK);
	snprintf(r.file_name, sizeof r.file_name, "Piano.wav");
	assert_int_equal(store_ringtone_add(f->st, &r, &e), DT_EINVAL);
	assert_true(strncmp(e.msg, "file: ", 6) == 0);
	snprintf(r.file_name, sizeof r.file_name, "Tab.raw");
	snprintf(r.display_name, sizeof r.display_name, "a\tb");
	assert_int_equal(store_ringtone_add(f->st, &r, &e), DT_EINVAL);
	assert_true(strncmp(e.msg, "display: ", 9) == 0);
	assert_int_equal(store_ringtone_foreach(f->st, collect_rings, list, &e), DT_OK);
	assert_string_equal(list, "1:Chirp1.raw:Chirp;2:Piano.raw:Chirp;");
	assert_int_equal(store_ringtone_delete(f->st, "Chirp1.raw", &e), DT_OK);
	assert_int_equal(store_ringtone_delete(f->st, "Chirp1.raw", &e), DT_ENOENT);
}

static void
test_sip_profiles(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_sip_profile sp;
	int64_t seq = last_seq(f->st);

	assert_int_equal(store_sip_profile_get(f->st, "", &sp, &e), DT_OK);
	sp.transport = 2;
	sp.digest_auth = 1;
	assert_int_equal(store_sip_profile_update(f->st, &sp, &e), DT_OK);
	assert_int_equal(changes(f->st, seq, "profile", "Standard SIP Profile"), 1);
	memset(&sp, 0, sizeof sp);
	assert_int_equal(store_sip_profile_get(f->st, "Standard SIP Profile", &sp, &e), DT_OK);
	assert_int_equal(sp.transport, 2);
	assert_int_equal(sp.digest_auth, 1);
	assert_int_equal(sp.register_expires, 3600);

	sp.register_expires = 59;
	assert_int_equal(store_sip_profile_update(f->st, &sp, &e), DT_ERANGE);
	assert_true(strncmp(e.msg, "register-expires: ", 18) == 0);
	sp.register_expires = 600;
	snprintf(sp.name, sizeof sp.name, "Fast");
	assert_int_equal(store_sip_profile_update(f->st, &sp, &e), DT_ENOENT);
	assert_int_equal(store_sip_profile_add(f->st, &sp, &e), DT_OK);
	assert_int_equal(store_sip_profile_add(f->st, &sp, &e), DT_EEXIST);
	assert_int_equal(store_sip_profile_get(f->st, "Fast", &sp, &e), DT_OK);
	assert_int_equal(sp.register_expires, 600);
}

static void
test_lease_by_ip(void **state)
{
	struct store_fixture *f = *state;
	struct dt_errbuf e = {0, ""};
	struct store_dhcp_writer *w;
	struct store_dhcp_lease l;
	int64_t now = time(NULL);
	char mac[13];
	uint32_t ip = 0x0a000005; /* 10.0.0.5 */

	assert_int_equal(store_dhcp_lease_by_ip(f->st, ip, now, mac, &e), DT_ENOENT);
	assert_int_equal(store_dhcp_writer_open(f->st, &w, &e), DT_OK);
	memset(&l, 0, sizeof l);
	l.ip = ip;
	memcpy(l.mac, "\x00\x11\x22\xaa\xbb\xcc", 6);
	l.state = STORE_DHCP_BOUND;
	l.expires = now + 600;
	assert_int_equal(store_dhcp_lease_put(w, &l, &e), DT_OK);
	/* Written by the lease writer's own connection, seen through the main handle. */
	assert_int_equal(store_dhcp_lease_by_ip(f->st, ip, now, mac, &e), DT_OK);
	assert_string_equal(mac, "001122AABBCC");
	assert_int_equal(store_dhcp_lease_by_ip(f->st, ip + 1, now, mac, &e), DT_ENOENT);
	assert_int_equal(store_dhcp_lease_by_ip(f->st, ip, now + 600, mac, &e), DT_ENOENT);
	l.state = STORE_DHCP_RELEASED;
	assert_int_equal(store_dhcp_lease_put(w, &l, &e), DT_OK);
	assert_int_equal(store_dhcp_lease_by_ip(f->st, ip, now, mac, &e), DT_ENOENT);
	store_dhcp_writer_close(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_load_add_default_delete),
	    STORE_FIXTURE_TEST(test_ringtones),
	    STORE_FIXTURE_TEST(test_sip_profiles),
	    STORE_FIXTURE_TEST(test_lease_by_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
