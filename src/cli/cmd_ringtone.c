/* summary: `dialtone ringtone add|list|delete`: the ring tones phones offer (Ringlist.xml for
 * narrowband NAME.raw files, Ringlist-wb.xml naming NAME.rwb for 78xx/88xx).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "store/store.h"

enum { O_FILE = 1000, O_DISPLAY, O_POSITION, O_JSON };

static const struct option ring_options[] = {
    {"file", required_argument, NULL, O_FILE},
    {"display", required_argument, NULL, O_DISPLAY},
    {"position", required_argument, NULL, O_POSITION},
    {"json", no_argument, NULL, O_JSON},
    {NULL, 0, NULL, 0},
};

struct ringargs {
	const char *file, *display, *position, *pos;
	int json;
};

/* Options allowed[] (0-terminated) and at most one positional argument when npos is 1. */
static int
parse(int argc, char **argv, const int *allowed, int npos, struct ringargs *a)
{
	int opt;
	memset(a, 0, sizeof *a);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", ring_options, NULL)) != -1) {
		int ok = 0;
		if (opt == '?')
			return cli_usage("%s: unknown option (see dialtone ringtone %s --help)",
					 argv[optind - 1], argv[0]);
		if (opt == ':')
			return cli_usage("%s: missing value", argv[optind - 1]);
		for (const int *p = allowed; *p; p++)
			ok |= *p == opt;
		if (!ok)
			return cli_usage("%s: not an option of ringtone %s", argv[optind - 1],
					 argv[0]);
		if (opt == O_FILE)
			a->file = optarg;
		else if (opt == O_DISPLAY)
			a->display = optarg;
		else if (opt == O_POSITION)
			a->position = optarg;
		else
			a->json = 1;
	}
	if (optind < argc && npos)
		a->pos = argv[optind++];
	if (optind < argc)
		return cli_usage("%s: unexpected argument", argv[optind]);
	return CLI_OK;
}

static int
finish(struct store *st, int rc, const struct dt_errbuf *e)
{
	store_close(st);
	return rc == DT_OK ? CLI_OK : cli_report_safe(e);
}

static int
ring_add(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_FILE, O_DISPLAY, O_POSITION, 0};
	struct dt_errbuf e = {0, ""};
	struct store_ringtone r;
	struct ringargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf(
		    "usage: dialtone ringtone add --file NAME.raw --display TEXT [--position N]\n"
		    "  --file NAME.raw  8 kHz mu-law file in the served tree (dialtone files add;\n"
		    "                   ringtones/ is searched); 78xx/88xx fetch NAME.rwb (16 "
		    "kHz)\n"
		    "  --display TEXT   name shown in the phone's ringer menu (1..63 characters)\n"
		    "  --position N     place in the list, 1..1000 (default: last)\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 0, &a)) != CLI_OK)
		return rc;
	if (!a.file)
		return cli_usage("file: missing (--file NAME.raw)");
	if (!a.display)
		return cli_usage("display: missing (--display TEXT)");
	memset(&r, 0, sizeof r);
	if (a.position && cli_int(a.position, 1, 1000, &r.position))
		return cli_usage("position: '%s' is not 1..1000", a.position);
	if (cli_copy("file", r.file_name, sizeof r.file_name, a.file, &e) ||
	    cli_copy("display", r.display_name, sizeof r.display_name, a.display, &e))
		return cli_report_safe(&e);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = store_ringtone_add(st, &r, &e);
	if (rc == DT_OK)
		printf("added ringtone %s (\"%s\")\n", r.file_name, r.display_name);
	return finish(st, rc, &e);
}

static int
ring_row(const struct store_ringtone *r, void *arg)
{
	if (arg) {
		json_t *o = json_pack("{s:i, s:s, s:s}", "position", r->position, "file",
				      r->file_name, "display", r->display_name);
		return !o || json_array_append_new(arg, o) ? DT_ENOMEM : 0;
	}
	printf("%-8d %-32s %s\n", r->position, r->file_name, r->display_name);
	return 0;
}

static int
ring_list(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_JSON, 0};
	struct dt_errbuf e = {0, ""};
	struct ringargs a;
	struct store *st;
	json_t *arr;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone ringtone list [--json]\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 0, &a)) != CLI_OK ||
	    (rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	arr = a.json ? json_array() : NULL;
	if (!a.json)
		printf("%-8s %-32s %s\n", "POSITION", "FILE", "DISPLAY");
	rc = store_ringtone_foreach(st, ring_row, arr, &e);
	if ((rc = finish(st, rc, &e)) != CLI_OK) {
		json_decref(arr);
		return rc;
	}
	return arr ? cli_json_print(arr) : CLI_OK;
}

static int
ring_delete(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {0};
	struct dt_errbuf e = {0, ""};
	struct ringargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone ringtone delete NAME.raw\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 1, &a)) != CLI_OK)
		return rc;
	if (!a.pos)
		return cli_usage("file: missing (dialtone ringtone delete NAME.raw)");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = store_ringtone_delete(st, a.pos, &e);
	if (rc == DT_OK)
		printf("deleted ringtone %s\n", a.pos);
	return finish(st, rc, &e);
}

static const struct cli_command ring_verbs[] = {
    {"add", ring_add, "add a ring tone to Ringlist.xml / Ringlist-wb.xml"},
    {"list", ring_list, "list the ring tones in order"},
    {"delete", ring_delete, "remove a ring tone from the lists"},
    {NULL, NULL, NULL},
};

int
cmd_ringtone(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "ringtone", ring_verbs, argc, argv);
}
