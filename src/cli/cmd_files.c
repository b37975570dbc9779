/* summary: `dialtone files list|show`: the generated files (SEP<MAC>.cnf.xml, XMLDefault.cnf.xml,
 * dial rules, softkeys, ring lists) built from the database exactly as the file service serves
 * them. The build is the one `serve` runs (prov_open), so what `show` prints is what a phone gets.
 * `files add` (the static tree) lives in cmd_files_add.c.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "prov/prov.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int
open_prov(struct cli_ctx *cx, struct store **st, struct prov **p)
{
	struct dt_errbuf e = {0, ""};
	int rc = cli_store_open(cx, st), level = dt_log_level_current;
	if (rc != CLI_OK)
		return rc;
	/* The build logs for serve's log file; here the command reports what matters itself, in
	 * one line, so only errors may pass. */
	if (level < DT_ERROR)
		dt_log_set_level(DT_ERROR);
	rc = prov_open(*st, &cx->conf, p, &e);
	dt_log_set_level(level);
	if (rc != DT_OK) {
		store_close(*st);
		return cli_report(&e);
	}
	return CLI_OK;
}

static void
print_row(const struct prov_file *f, void *arg)
{
	printf("%-40s %8zu %7llu %s\n", f->name, f->len, (unsigned long long)f->version,
	       f->device[0] ? f->device : "-");
}

static void
json_row(const struct prov_file *f, void *arg)
{
	json_t *o =
	    json_pack("{s:s, s:I, s:I, s:s, s:s}", "name", f->name, "size", (json_int_t)f->len,
		      "version", (json_int_t)f->version, "device", f->device, "etag", f->etag);
	if (o)
		json_array_append_new(arg, o);
}

static int
files_list(struct cli_ctx *cx, int argc, char **argv)
{
	struct store *st;
	struct prov *p;
	struct prov_build_stats bs;
	int json = 0, rc;

	if (cli_wants_help(argc, argv)) {
		puts("usage: dialtone files list [--json]\n\n"
		     "Lists every generated file: name, size in bytes, version (bumps each time "
		     "the\n"
		     "file's bytes change) and the device it belongs to (\"-\" for shared files).");
		return CLI_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return cli_usage("files list: unexpected argument '%s'", argv[i]);
	}
	if ((rc = open_prov(cx, &st, &p)) != CLI_OK)
		return rc;
	prov_last_build(p, &bs);
	if (bs.failed)
		fprintf(
		    stderr,
		    "dialtone: warning: %zu file(s) not published (dialtone files show NAME says "
		    "why)\n",
		    bs.failed);
	if (json) {
		json_t *arr = json_array();
		prov_file_foreach(p, json_row, arr);
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	} else {
		printf("%-40s %8s %7s %s\n", "NAME", "SIZE", "VERSION", "DEVICE");
		prov_file_foreach(p, print_row, NULL);
	}
	prov_close(p);
	store_close(st);
	return CLI_OK;
}

static int
files_show(struct cli_ctx *cx, int argc, char **argv)
{
	struct store *st;
	struct prov *p;
	struct prov_file *f;
	char why[600];
	int rc;

	if (cli_wants_help(argc, argv)) {
		puts("usage: dialtone files show NAME\n\n"
		     "Prints the generated file NAME (matched case-insensitively, as phones ask) "
		     "byte\n"
		     "for byte as the file service sends it. Exits 1 when no such file is "
		     "generated.");
		return CLI_OK;
	}
	if (argc != 2)
		return cli_usage("files show: expected one NAME (see dialtone files show --help)");
	if ((rc = open_prov(cx, &st, &p)) != CLI_OK)
		return rc;
	f = prov_file_get(p, argv[1]);
	if (!f && prov_file_why(p, argv[1], why, sizeof why)) {
		/* The commonest cause on a fresh database: serve has not run yet to make its node
		 * the Default group's member. Say so rather than leave the admin guessing. */
		rc = cli_fail("name: '%s' is not published: %s%s", argv[1], why,
			      strstr(why, "members/member is missing")
				  ? " (the CallManager group has no member: `dialtone serve` adds "
				    "its node at start, or use `dialtone cmgroup add-member`)"
				  : "");
	} else if (!f) {
		rc = cli_fail("name: no generated file '%s' (dialtone files list shows them)",
			      argv[1]);
	} else {
		rc = fwrite(f->data, 1, f->len, stdout) == f->len && fflush(stdout) == 0
			 ? CLI_OK
			 : cli_fail("output: write failed");
		prov_file_put(f);
	}
	prov_close(p);
	store_close(st);
	return rc;
}

static const struct cli_command verbs[] = {
    {"list", files_list, "list the generated files (name, size, version, device)"},
    {"show", files_show, "print one generated file as a phone receives it"},
    {"add", cli_files_add, "copy a firmware load, locale, ring tone or background into the tree"},
    {NULL, NULL, NULL},
};

int
cmd_files(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "files", verbs, argc, argv);
}
