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

/* Parse argv into l; *json set by --json; `allowed` lists the option ids this verb takes. */
static int
parse(int argc, char **argv, const int *allowed, struct store_line *l, int *json, const char **pos)
{
	struct dt_errbuf e = {0, ""};
	int opt, rc = DT_OK;

	memset(l, 0, sizeof *l);
	*json = 0;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", line_options, NULL)) != -1) {
		int ok = 0;
		if (opt == '?')
			return cli_usage("%s: unknown option (see dialtone line %s --help)",
					 argv[optind - 1], argv[0]);
		if (opt == ':')
			return cli_usage("%s: missing value", argv[optind - 1]);
		for (const int *a = allowed; *a; a++)
			ok |= *a == opt;
		if (!ok)
			return cli_usage("%s: not an option of line %s", argv[optind - 1], argv[0]);
		switch (opt) {
		case O_JSON:
			*json = 1;
			break;
		case O_DN:
			rc = cli_copy("dn", l->dn, sizeof l->dn, optarg, &e);
			break;
		case O_DEVICE: {
			/* A MAC in dotted or colon form is longer than a device name: keep the
			 * normalised MAC, which the store accepts as a key. */
			char mac[13];
			if (store_mac_normalize(optarg, mac, NULL) == DT_OK)
				snprintf(l->device, sizeof l->device, "%s", mac);
			else
				rc = cli_copy("device", l->device, sizeof l->device, optarg, &e);
			break;
		}
		case O_BUTTON:
			if (cli_int(optarg, 1, 64, &l->button) != 0)
				return cli_usage("button: '%s' is not a number 1..64", optarg);
			break;
		case O_DISPLAY:
			rc = cli_copy("display", l->display, sizeof l->display, optarg, &e);
			break;
		case O_LABEL:
			rc = cli_copy("label", l->label, sizeof l->label, optarg, &e);
			break;
		case O_AUTH:
			rc = cli_copy("auth_user", l->auth_user, sizeof l->auth_user, optarg, &e);
			break;
		case O_PASSWORD:
			rc = cli_copy("password", l->password, sizeof l->password, optarg, &e);
			break;
		}
		if (rc != DT_OK)
			return cli_report_safe(&e);
	}
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
	if (store_line_add(st, &l, &e) != DT_OK) {
		rc = cli_report_safe(&e);
	} else if (l.device[0]) {
		struct store_device d;
		printf("added DN %s on %s\n", l.dn,
		       store_device_get(st, l.device, &d, NULL) == DT_OK ? d.name : l.device);
	} else {
		printf("added DN %s\n", l.dn);
	}
	store_close(st);
	return rc;
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
	json_t *o =
	    json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:b}", "dn", l->dn, "device", l->device,
		      "button", l->button, "display", l->display, "label", l->label, "auth_user",
		      l->auth_user, "has_password", l->password[0] != 0);
	if (!o || json_array_append_new(arg, o) != 0)
		return DT_ENOMEM;
	return 0;
}

static int
line_list(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_JSON, O_DEVICE, 0};
	struct dt_errbuf e = {0, ""};
	struct store_line l;
	struct store *st;
	json_t *arr = NULL;
	int json, rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone line list [--device NAME|MAC] [--json]\n"
		       "One row per appearance (a shared DN once per phone; a DN on no phone once, "
		       "device \"-\"). Passwords are never printed.\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, &l, &json, NULL)) != CLI_OK)
		return rc;
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if (json) {
		arr = json_array();
		rc = store_line_foreach(st, l.device[0] ? l.device : NULL, list_json, arr, &e);
	} else {
		printf("%-12s %-16s %-6s %-24s %-16s %s\n", "DN", "DEVICE", "BUTTON", "DISPLAY",
		       "LABEL", "AUTH-USER");
		rc = store_line_foreach(st, l.device[0] ? l.device : NULL, list_text, NULL, &e);
	}
	store_close(st);
	if (rc != DT_OK) {
		json_decref(arr);
		return rc == DT_ENOMEM ? cli_fail("json: out of memory") : cli_report_safe(&e);
	}
	return arr ? cli_json_print(arr) : CLI_OK;
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
	if (rc != DT_OK)
		rc = cli_report_safe(&e);
	else
		printf("deleted DN %s%s%s\n", dn, l.device[0] ? " from " : "", l.device);
	store_close(st);
	return rc;
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
