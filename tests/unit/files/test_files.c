/* summary: tests for src/files/: name normalisation and refusals, the lookup order (generated,
 * static, subfolders, case-insensitive), trust lists, the provisioning guard and rate limit, and
 * a file replaced on disk while a reference holds the old bytes. */
#include "dt_test.h"
#include "core/conf.h"
#include "core/err.h"
#include "files/files.h"
#include "prov/prov.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A one-file prov double: the generated SEP file of one device. */
static struct prov_file gen = {.name = "SEP001122334455.cnf.xml",
			       .device = "SEP001122334455",
			       .data = (const uint8_t *)"<device/>",
			       .len = 9,
			       .etag = "\"g1\""};

struct prov_file *
prov_file_get(struct prov *p, const char *name)
{
	if (strcasecmp(name, gen.name) != 0)
		return NULL;
	gen.refs++;
	return &gen;
}

void
prov_file_put(struct prov_file *f)
{
	if (f)
		f->refs--;
}

struct fixture {
	char dir[64];
	struct dt_conf conf;
	struct files *fs;
};

static void
put_file(const char *dir, const char *rel, const char *body)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/tftpboot/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	char sub[128];
	struct dt_errbuf e;

	snprintf(fx->dir, sizeof fx->dir, "/tmp/dt-files-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	dt_conf_defaults(&fx->conf);
	snprintf(fx->conf.data_dir, sizeof fx->conf.data_dir, "%s", fx->dir);
	snprintf(fx->conf.files.allow, sizeof fx->conf.files.allow, "10.0.0.0/8, ::1");
	fx->conf.files.unknown_per_min = 3;
	assert_int_equal(files_open(&fx->conf, (struct prov *)1, &fx->fs, &e), DT_OK);
	snprintf(sub, sizeof sub, "%s/tftpboot/firmware", fx->dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof sub, "%s/tftpboot/Desktops", fx->dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof sub, "%s/tftpboot/Desktops/800x480x24", fx->dir);
	mkdir(sub, 0755);
	put_file(fx->dir, "Ringlist.xml", "<CiscoIPPhoneRingList/>");
	put_file(fx->dir, "firmware/sip88xx.14-2-1.loads", "LOADS");
	put_file(fx->dir, "Desktops/800x480x24/List.xml", "<List/>");
	put_file(fx->dir, "CTLFile.tlv", "secret-ctl");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	files_close(fx->fs);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static struct sockaddr_in
v4(const char *a)
{
	struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(1234)};
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static int
get(struct fixture *fx, const char *name, const char *from, struct files_ref *r)
{
	struct sockaddr_in c = v4(from);
	return files_get(fx->fs, name, strlen(name), (struct sockaddr *)&c, r, NULL);
}

static void
test_normalize(void **state)
{
	char out[300];
	const char *why;
	assert_int_equal(files_name_normalize("/SEP1.cnf.xml", 13, out, sizeof out, &why), 0);
	assert_string_equal(out, "SEP1.cnf.xml");
	assert_int_equal(files_name_normalize("\\\\a\\./b//c", 10, out, sizeof out, &why), 0);
	assert_string_equal(out, "a/b/c");
	assert_int_equal(files_name_normalize("a/../../etc/passwd", 18, out, sizeof out, &why), -1);
	assert_string_equal(why, "'..' in name");
	assert_int_equal(files_name_normalize("..", 2, out, sizeof out, &why), -1);
	assert_int_equal(files_name_normalize("C:\\boot.ini", 11, out, sizeof out, &why), -1);
	assert_int_equal(files_name_normalize("a\0b", 3, out, sizeof out, &why), -1);
	assert_int_equal(files_name_normalize("a\nb", 3, out, sizeof out, &why), -1);
	assert_int_equal(files_name_normalize("///", 3, out, sizeof out, &why), -1);
	char longname[300];
	memset(longname, 'a', sizeof longname);
	assert_int_equal(files_name_normalize(longname, 256, out, sizeof out, &why), -1);
	assert_int_equal(files_name_normalize(longname, 255, out, sizeof out, &why), 0);
	/* ".." inside a name is not a component. */
	assert_int_equal(files_name_normalize("a..b", 4, out, sizeof out, &why), 0);
}

static void
test_device_names(void **state)
{
	char d[16];
	assert_int_equal(files_name_device("sep00112233aabb.cnf.xml", d), 1);
	assert_string_equal(d, "SEP00112233AABB");
	assert_int_equal(files_name_device("CTLSEP00112233AABB.tlv", d), 1);
	assert_string_equal(d, "SEP00112233AABB");
	assert_int_equal(files_name_device("SEPDefault.cnf", d), 0);
	assert_int_equal(files_name_device("SEP00112233AABBC.cnf.xml", d), 0);
	assert_int_equal(files_name_device("XMLDefault.cnf.xml", d), 0);
	assert_string_equal(d, "");
}

static void
test_lookup_order_and_case(void **state)
{
	struct fixture *fx = *state;
	struct files_ref r;

	/* Generated first, any case, leading slash. */
	assert_int_equal(get(fx, "/sep001122334455.CNF.XML", "10.1.2.3", &r), DT_OK);
	assert_int_equal(r.generated, 1);
	assert_memory_equal(r.data, "<device/>", 9);
	assert_string_equal(r.device, "SEP001122334455");
	assert_int_equal(gen.refs, 1);
	files_put(&r);
	assert_int_equal(gen.refs, 0);
	/* Static, case-insensitive. */
	assert_int_equal(get(fx, "ringlist.XML", "192.0.2.1", &r), DT_OK);
	assert_int_equal(r.generated, 0);
	assert_int_equal(r.len, strlen("<CiscoIPPhoneRingList/>"));
	files_put(&r);
	/* Bare firmware name found in firmware/. */
	assert_int_equal(get(fx, "SIP88XX.14-2-1.loads", "192.0.2.1", &r), DT_OK);
	assert_memory_equal(r.data, "LOADS", 5);
	files_put(&r);
	/* Subfolder at the path asked, in any case. */
	assert_int_equal(get(fx, "/desktops/800X480X24/list.xml", "192.0.2.1", &r), DT_OK);
	assert_memory_equal(r.data, "<List/>", 7);
	files_put(&r);
	assert_int_equal(get(fx, "missing.xml", "192.0.2.1", &r), DT_ENOENT);
	assert_int_equal(get(fx, "../etc/passwd", "192.0.2.1", &r), DT_EINVAL);
	assert_int_equal(get(fx, "/etc/passwd", "192.0.2.1", &r), DT_ENOENT);
}

static void
test_trust_lists_not_found(void **state)
{
	struct fixture *fx = *state;
	struct files_ref r;
	/* Present on disk, still not found while non-secure. */
	assert_int_equal(get(fx, "CTLFile.tlv", "10.0.0.1", &r), DT_ENOENT);
	assert_int_equal(get(fx, "CTLSEP001122334455.tlv", "10.0.0.1", &r), DT_ENOENT);
	assert_string_equal(r.device, "SEP001122334455");
	assert_int_equal(get(fx, "ITLSEP001122334455.tlv", "10.0.0.1", &r), DT_ENOENT);
	assert_int_equal(get(fx, "ITLFile.tlv", "10.0.0.1", &r), DT_ENOENT);
}

static void
test_guard_and_rate_limit(void **state)
{
	struct fixture *fx = *state;
	struct files_ref r;
	struct sockaddr_in6 six = {.sin6_family = AF_INET6};

	assert_int_equal(get(fx, "SEP001122334455.cnf.xml", "192.0.2.9", &r), DT_EPERM);
	assert_int_equal(gen.refs, 0);
	six.sin6_addr = in6addr_loopback;
	assert_int_equal(
	    files_get(fx->fs, "SEP001122334455.cnf.xml", 23, (struct sockaddr *)&six, &r, NULL),
	    DT_OK);
	files_put(&r);
	/* Shared files stay open to everyone. */
	assert_int_equal(get(fx, "Ringlist.xml", "192.0.2.9", &r), DT_OK);
	files_put(&r);
	/* Three unknown SEP names are allowed per minute; the fourth trips the limit, which then
	 * refuses even the known one from that source, but not from another. */
	for (int i = 0; i < 4; i++) {
		char n[48];
		snprintf(n, sizeof n, "SEP00000000000%d.cnf.xml", i);
		assert_int_equal(get(fx, n, "10.9.9.9", &r), DT_ENOENT);
	}
	assert_int_equal(get(fx, "SEP001122334455.cnf.xml", "10.9.9.9", &r), DT_EBUSY);
	assert_int_equal(get(fx, "SEP001122334455.cnf.xml", "10.9.9.8", &r), DT_OK);
	files_put(&r);
}

static void
test_replaced_file_keeps_old_bytes_for_holder(void **state)
{
	struct fixture *fx = *state;
	struct files_ref old, fresh;
	char path[256], tmp[256];

	assert_int_equal(get(fx, "Ringlist.xml", "10.0.0.1", &old), DT_OK);
	snprintf(tmp, sizeof tmp, "%s/tftpboot/.new", fx->dir);
	snprintf(path, sizeof path, "%s/tftpboot/Ringlist.xml", fx->dir);
	FILE *f = fopen(tmp, "w");
	fputs("NEW", f);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0);
	/* Revalidation happens at most once a second. */
	sleep(1);
	usleep(100000);
	assert_int_equal(get(fx, "Ringlist.xml", "10.0.0.1", &fresh), DT_OK);
	assert_int_equal(fresh.len, 3);
	assert_memory_equal(fresh.data, "NEW", 3);
	assert_int_equal(old.len, strlen("<CiscoIPPhoneRingList/>"));
	assert_memory_equal(old.data, "<CiscoIPPhoneRingList/>", old.len);
	assert_string_not_equal(old.etag, fresh.etag);
	files_put(&old);
	files_put(&fresh);
}

static void
test_symlink_not_followed(void **state)
{
	struct fixture *fx = *state;
	struct files_ref r;
	char link[256];
	snprintf(link, sizeof link, "%s/tftpboot/passwd", fx->dir);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(get(fx, "passwd", "10.0.0.1", &r), DT_ENOENT);
}

static void
test_bad_allow_rejected(void **state)
{
	struct dt_conf c;
	struct files *fs;
	struct dt_errbuf e = {0, ""};
	dt_conf_defaults(&c);
	snprintf(c.data_dir, sizeof c.data_dir, "/tmp");
	snprintf(c.files.allow, sizeof c.files.allow, "10.0.0.0/33");
	assert_int_equal(files_open(&c, NULL, &fs, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "10.0.0.0/33"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_device_names),
	    cmocka_unit_test_setup_teardown(test_lookup_order_and_case, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trust_lists_not_found, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_guard_and_rate_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replaced_file_keeps_old_bytes_for_holder, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_not_followed, setup, teardown),
	    cmocka_unit_test(test_bad_allow_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
