/* summary: `dialtone line add|list|delete`: directory numbers and their appearances on phones.
 *
 * `line add --dn DN --device D` on a DN that exists already adds a shared-line appearance; the
 * DN's display name and credentials are set when it is created and must not differ afterwards
 * (the store reports a conflict naming the field). `line delete DN --device D` removes one
 * appearance; without --device the DN goes with all its appearances.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
#include "cli/commands.h"
#include "store/store.h"

enum { O_DN = 1000, O_DEVICE, O_BUTTON, O_DISPLAY, O_LABEL, O_AUTH, O_PASSWORD, O_JSON };

static const struct option line_options[] = {
    {"dn", required_argument, NULL, O_DN},
    {"device", required_argument, NULL, O_DEVICE},
    {"button", required_argument, NULL, O_BUTTON},
    {"display", required_argument, NULL, O_DISPLAY},
    {"label", required_argument, NULL, O_LABEL},
    {"auth-user", required_argument, NULL, O_AUTH},
    {"password", required_argument, NULL, O_PASSWORD},
    {"json", no_argument, NULL, O_JSON},
    {NULL, 0, NULL, 0},
};

struct lineargs {
	struct store_line *l;
	int *json;
};

static int
line_opt(int id, const char *v, void *arg)
{
	struct dt_errbuf e = {0, ""};
	struct lineargs *a = arg;
	struct store_line *l = a->l;
	int rc = DT_OK;
	switch (id) {
	case O_JSON:
		*a->json = 1;
		break;
	case O_DN:
		rc = cli_copy("dn", l->dn, sizeof l->dn, v, &e);
		break;
	case O_DEVICE: {
		/* A MAC in dotted or colon form is longer than a device name: keep the normalised
		 * MAC, which the store accepts as a key. */
		char mac[13];
		if (store_mac_normalize(v, mac, NULL) == DT_OK)
			snprintf(l->device, sizeof l->device, "%s", mac);
		else
			rc = cli_copy("device", l->device, sizeof l->device, v, &e);
		break;
	}
	case O_BUTTON:
		if (cli_int(v, 1, 64, &l->button) != 0)
			return cli_usage("button: '%s' is not a number 1..64", v);
		break;
	case O_DISPLAY:
		rc = cli_copy("display", l->display, sizeof l->display, v, &e);
		break;
	case O_LABEL:
		rc = cli_copy("label", l->label, sizeof l->label, v, &e);
		break;
	case O_AUTH:
		rc = cli_copy("auth_user", l->auth_user, sizeof l->auth_user, v, &e);
		break;
	case O_PASSWORD:
		rc = cli_copy("password", l->password, sizeof l->password, v, &e);
		break;
	}
	return rc == DT_OK ? CLI_OK : cli_report_safe(&e);
}

/* Parse argv into l; *json set by --json; `allowed` lists the option ids this verb takes. */
static int
parse(int argc, char **argv, const int *allowed, struct store_line *l, int *json, const char **pos)
{
	struct lineargs a = {l, json};
	int rc;

	memset(l, 0, sizeof *l);
	*json = 0;
	if ((rc = cli_opts_parse("line", argc, argv, line_options, allowed, line_opt, &a)) !=
	    CLI_OK)
		return rc;
	if (pos) {
		if (optind >= argc)
			return cli_usage("dn: missing DN (see dialtone line %s --help)", argv[0]);
		*pos = argv[optind++];
	}
	if (optind < argc)
		return cli_usage("%s: unexpected argument", argv[optind]);
	return CLI_OK;
}

static int
line_add(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_DN,    O_DEVICE, O_BUTTON,   O_DISPLAY,
				      O_LABEL, O_AUTH,	 O_PASSWORD, 0};
	struct dt_errbuf e = {0, ""};
	struct store_line l;
	struct store *st;
	int json, rc;

	if (cli_wants_help(argc, argv)) {
		printf(
		    "usage: dialtone line add --dn DN --device NAME|MAC [--button N] "
		    "[--display TEXT] [--label TEXT] [--auth-user USER] [--password SECRET]\n"
		    "  --dn DN            directory number (digits, * # + . _ -), up to 32\n"
		    "  --device NAME|MAC  the phone; a DN already on another phone becomes a "
		    "shared line\n"
		    "  --button N         1-based line key (default: the first free one)\n"
		    "  --display TEXT     caller name (SIP display name), set when the DN is new\n"
		    "  --label TEXT       text next to the key (default: the DN)\n"
		    "  --auth-user USER   digest user (default: the DN)\n"
		    "  --password SECRET  digest password (empty: no digest credentials)\n"
		    "Without --device the DN is created on no phone.\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, &l, &json, NULL)) != CLI_OK)
		return rc;
	if (!l.dn[0])
		return cli_usage("dn: missing (--dn DN)");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if ((rc = store_line_add(st, &l, &e)) == DT_OK && l.device[0]) {
		struct store_device d;
		printf("added DN %s on %s\n", l.dn,
		       store_device_get(st, l.device, &d, NULL) == DT_OK ? d.name : l.device);
	} else if (rc == DT_OK) {
		printf("added DN %s\n", l.dn);
	}
	return cli_store_done(st, rc, &e);
}

static int
list_text(const struct store_line *l, void *arg)
{
	char button[8];
	snprintf(button, sizeof button, "%d", l->button);
	printf("%-12s %-16s %-6s %-24s %-16s %s\n", l->dn, l->device[0] ? l->device : "-",
	       l->button ? button : "-", l->display, l->label[0] ? l->label : "-",
	       l->auth_user[0] ? l->auth_user : "-");
	return 0;
}

static int
list_json(const struct store_line *l, void *arg)
{
	return cli_list_add(arg, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:b}", "dn", l->dn,
					   "device", l->device, "button", l->button, "display",
					   l->display, "label", l->label, "auth_user", l->auth_user,
					   "has_password", l->password[0] != 0));
}

/* arg: the --device filter, "" for every DN. */
static int
line_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	const char *device = arg;
	if (!list->json)
		printf("%-12s %-16s %-6s %-24s %-16s %s\n", "DN", "DEVICE", "BUTTON", "DISPLAY",
		       "LABEL", "AUTH-USER");
	return store_line_foreach(st, device[0] ? device : NULL, list->json ? list_json : list_text,
				  list, e);
}

static int
line_list(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_JSON, O_DEVICE, 0};
	struct store_line l;
	int json, rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone line list [--device NAME|MAC] [--json]\n"
		       "One row per appearance (a shared DN once per phone; a DN on no phone once, "
		       "device \"-\"). Passwords are never printed.\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, &l, &json, NULL)) != CLI_OK)
		return rc;
	return cli_list_run(cx, json, line_walk, l.device);
}

static int
line_delete(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_DEVICE, 0};
	struct dt_errbuf e = {0, ""};
	struct store_line l;
	struct store *st;
	const char *dn;
	int json, rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone line delete DN [--device NAME|MAC]\n"
		       "Deletes the DN and all its appearances, or with --device only its "
		       "appearance on that phone.\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, &l, &json, &dn)) != CLI_OK)
		return rc;
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if (l.device[0])
		rc = store_line_unassign(st, dn, l.device, &e);
	else
		rc = store_line_delete(st, dn, &e);
	if (rc == DT_OK)
		printf("deleted DN %s%s%s\n", dn, l.device[0] ? " from " : "", l.device);
	return cli_store_done(st, rc, &e);
}

static const struct cli_command line_verbs[] = {
    {"add", line_add, "add a DN, or put it on a phone's button"},
    {"list", line_list, "list DNs and where they appear"},
    {"delete", line_delete, "delete a DN (or one appearance)"},
    {NULL, NULL, NULL},
};

int
cmd_line(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "line", line_verbs, argc, argv);
}
