/* summary: the fixture of every unit test that needs a real device database: a fresh mktemp data
 * directory with the store opened in it (migrations and seed data applied), removed afterwards.
 *
 * Use store_fixture_setup/teardown as cmocka setup and teardown (state is a struct
 * store_fixture *), or store_fixture_open/close inside a larger fixture.
 */
#ifndef DT_TEST_STORE_FIXTURE_H
#define DT_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

struct store_fixture {
	char dir[64]; /* the data directory, /tmp/dt-TAG-XXXXXX */
	struct store *st;
};

/* Create /tmp/dt-TAG-XXXXXX and open the store in it; -1 (saying why on stderr) on failure. */
static inline int
store_fixture_open(struct store_fixture *f, const char *tag)
{
	struct dt_errbuf e = {0, ""};
	snprintf(f->dir, sizeof f->dir, "/tmp/dt-%s-XXXXXX", tag);
	if (!mkdtemp(f->dir)) {
		perror("mkdtemp");
		return -1;
	}
	if (store_open(f->dir, &f->st, &e) != DT_OK) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* Close the store and remove its directory; -1 when the directory could not be removed. */
static inline int
store_fixture_close(struct store_fixture *f)
{
	char cmd[128];
	store_close(f->st);
	f->st = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Add a phone with only MAC, model and pool set (pool NULL or "": Default); the store's result. */
static inline int
store_fixture_device(struct store *st, const char *mac, const char *model, const char *pool,
		     struct dt_errbuf *e)
{
	struct store_device d;
	memset(&d, 0, sizeof d);
	snprintf(d.mac, sizeof d.mac, "%s", mac);
	snprintf(d.model, sizeof d.model, "%s", model);
	snprintf(d.pool, sizeof d.pool, "%s", pool ? pool : "");
	return store_device_add(st, &d, e);
}

/* Add DN dn on device (NULL: on no phone) at button (0: the first free one), with display and
 * digest password (NULL: none); the store's result. */
static inline int
store_fixture_line(struct store *st, const char *dn, const char *device, int button,
		   const char *display, const char *password, struct dt_errbuf *e)
{
	struct store_line l;
	memset(&l, 0, sizeof l);
	snprintf(l.dn, sizeof l.dn, "%s", dn);
	snprintf(l.device, sizeof l.device, "%s", device ? device : "");
	snprintf(l.display, sizeof l.display, "%s", display ? display : "");
	snprintf(l.password, sizeof l.password, "%s", password ? password : "");
	l.button = button;
	return store_line_add(st, &l, e);
}

/* cmocka setup: a fresh database per test in *state. */
static inline int
store_fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	if (!f || store_fixture_open(f, "store") != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* cmocka teardown of store_fixture_setup. */
static inline int
store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;
	int rc = store_fixture_close(f);
	free(f);
	return rc;
}

/* A cmocka test run on a fresh database: STORE_FIXTURE_TEST(test_x) in the tests[] table. */
#define STORE_FIXTURE_TEST(t)                                                                      \
	cmocka_unit_test_setup_teardown(t, store_fixture_setup, store_fixture_teardown)

#endif
