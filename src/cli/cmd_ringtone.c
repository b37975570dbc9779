/* summary: `dialtone ringtone add|list|delete`: the ring tones phones offer (Ringlist.xml for
 * narrowband NAME.raw files, Ringlist-wb.xml naming NAME.rwb for 78xx/88xx).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
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

static int
ring_opt(int id, const char *v, void *arg)
{
	struct ringargs *a = arg;
	if (id == O_FILE)
		a->file = v;
	else if (id == O_DISPLAY)
		a->display = v;
	else if (id == O_POSITION)
		a->position = v;
	else
		a->json = 1;
	return CLI_OK;
}

/* Options allowed[] (0-terminated) and at most one positional argument when npos is 1. */
static int
parse(int argc, char **argv, const int *allowed, int npos, struct ringargs *a)
{
	int rc;
	memset(a, 0, sizeof *a);
	if ((rc = cli_opts_parse("ringtone", argc, argv, ring_options, allowed, ring_opt, a)) !=
	    CLI_OK)
		return rc;
	if (optind < argc && npos)
		a->pos = argv[optind++];
	if (optind < argc)
		return cli_usage("%s: unexpected argument", argv[optind]);
	return CLI_OK;
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
	return cli_store_done(st, rc, &e);
}

static int
ring_row(const struct store_ringtone *r, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *o = json_pack("{s:i, s:s, s:s}", "position", r->position, "file",
				      r->file_name, "display", r->display_name);
		return cli_list_add(list, o);
	}
	printf("%-8d %-32s %s\n", r->position, r->file_name, r->display_name);
	return 0;
}

static int
ring_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	if (!list->json)
		printf("%-8s %-32s %s\n", "POSITION", "FILE", "DISPLAY");
	return store_ringtone_foreach(st, ring_row, list, e);
}

static int
ring_list(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_JSON, 0};
	struct ringargs a;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone ringtone list [--json]\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 0, &a)) != CLI_OK)
		return rc;
	return cli_list_run(cx, a.json, ring_walk, NULL);
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
	return cli_store_done(st, rc, &e);
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
