/* summary: `dialtone sipprofile add|set|list`: SIP profile timers, transport and digest
 * authentication (the <sipProfile> part of SEP<MAC>.cnf.xml and the registrar's challenge).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
#include "cli/commands.h"
#include "store/store.h"

enum { O_REG_EXPIRES = 1000, O_REG_DELTA, O_KEEPALIVE, O_TRANSPORT, O_DIGEST, O_JSON };

static const struct option sp_options[] = {
    {"register-expires", required_argument, NULL, O_REG_EXPIRES},
    {"register-delta", required_argument, NULL, O_REG_DELTA},
    {"keepalive-expires", required_argument, NULL, O_KEEPALIVE},
    {"transport", required_argument, NULL, O_TRANSPORT},
    {"digest-auth", required_argument, NULL, O_DIGEST},
    {"json", no_argument, NULL, O_JSON},
    {NULL, 0, NULL, 0},
};

/* transportLayerProtocol values (CUCM-observed, docs/schema.md). */
static const char *const transports[] = {
    [1] = "tcp", [2] = "udp", [3] = "tls", [4] = "tcp-preferred"};

static const char *
transport_name(int t)
{
	return t >= 1 && t <= 4 ? transports[t] : "?";
}

struct spargs {
	struct store_sip_profile *sp;
	int json;
};

static int
sp_opt(int id, const char *v, void *arg)
{
	struct spargs *a = arg;
	struct store_sip_profile *sp = a->sp;
	switch (id) {
	case O_REG_EXPIRES:
		if (cli_int(v, 60, 86400, &sp->register_expires))
			return cli_usage("register-expires: '%s' is not 60..86400 seconds", v);
		break;
	case O_REG_DELTA:
		if (cli_int(v, 0, 600, &sp->register_delta))
			return cli_usage("register-delta: '%s' is not 0..600 seconds", v);
		break;
	case O_KEEPALIVE:
		if (cli_int(v, 0, 86400, &sp->keepalive_expires))
			return cli_usage("keepalive-expires: '%s' is not 0..86400 seconds", v);
		break;
	case O_TRANSPORT: {
		int t;
		for (t = 1; t <= 4 && strcmp(v, transports[t]) != 0; t++)
			;
		if (t > 4)
			return cli_usage("transport: '%s' is not tcp, udp, tls or tcp-preferred",
					 v);
		sp->transport = t;
		break;
	}
	case O_DIGEST:
		if (strcmp(v, "on") && strcmp(v, "off"))
			return cli_usage("digest-auth: '%s' is not on or off", v);
		sp->digest_auth = strcmp(v, "on") == 0;
		break;
	default:
		a->json = 1;
	}
	return CLI_OK;
}

/* Apply the options in argv to sp (starting from its current values); *name gets NAME. add and
 * set (want_name) take every option but --json, list only --json. */
static int
parse(int argc, char **argv, int want_name, struct store_sip_profile *sp, const char **name,
      int *json)
{
	static const int write_opts[] = {O_REG_EXPIRES, O_REG_DELTA, O_KEEPALIVE,
					 O_TRANSPORT,	O_DIGEST,    0};
	static const int list_opts[] = {O_JSON, 0};
	struct spargs a = {sp, 0};
	int rc = cli_opts_parse("sipprofile", argc, argv, sp_options,
				want_name ? write_opts : list_opts, sp_opt, &a);
	if (rc != CLI_OK)
		return rc;
	*json |= a.json;
	if (want_name && optind < argc)
		*name = argv[optind++];
	if (optind < argc)
		return cli_usage("%s: unexpected argument", argv[optind]);
	if (want_name && !*name)
		return cli_usage("name: missing (dialtone sipprofile %s NAME …)", argv[0]);
	return CLI_OK;
}

static void
options_help(void)
{
	printf("  --register-expires N   REGISTER expiry the phone asks for, 60..86400 s "
	       "(3600)\n"
	       "  --register-delta N     re-register this many seconds early, 0..600 (5)\n"
	       "  --keepalive-expires N  keep-alive interval, 0..86400 s (120)\n"
	       "  --transport T          tcp | udp | tls | tcp-preferred (tcp)\n"
	       "  --digest-auth on|off   challenge the REGISTERs of its phones (off)\n"
	       "Phones using the profile get rebuilt configuration files at once.\n");
}

/* add (insert) or set (update) NAME with the options given. */
static int
write_profile(struct cli_ctx *cx, int argc, char **argv, int insert)
{
	struct dt_errbuf e = {0, ""};
	struct store_sip_profile sp, parsed;
	const char *name = NULL;
	struct store *st;
	int rc, json = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone sipprofile %s NAME [options]\n", argv[0]);
		if (insert)
			printf("Add a SIP profile (unset options take the defaults in brackets);\n"
			       "phones use it with dialtone device set NAME --sip-profile NAME.\n");
		else
			printf(
			    "Change an existing SIP profile (unset options keep their value).\n");
		options_help();
		return CLI_OK;
	}
	/* Parse once into defaults to report usage errors before touching the database. */
	memset(&parsed, 0, sizeof parsed);
	if ((rc = parse(argc, argv, 1, &parsed, &name, &json)) != CLI_OK)
		return rc;
	if (cli_copy("name", sp.name, sizeof sp.name, name, &e))
		return cli_report_safe(&e);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if (insert) {
		sp = (struct store_sip_profile){.register_expires = 3600,
						.register_delta = 5,
						.keepalive_expires = 120,
						.transport = 1,
						.digest_auth = 0};
		snprintf(sp.name, sizeof sp.name, "%s", name);
		rc = DT_OK;
	} else {
		rc = store_sip_profile_get(st, name, &sp, &e);
	}
	if (rc == DT_OK) {
		parse(argc, argv, 1, &sp, &name, &json); /* same argv: cannot fail now */
		rc = insert ? store_sip_profile_add(st, &sp, &e)
			    : store_sip_profile_update(st, &sp, &e);
	}
	if (rc == DT_OK)
		printf("%s SIP profile %s: register-expires %d keepalive-expires %d transport %s "
		       "digest-auth %s\n",
		       insert ? "added" : "changed", sp.name, sp.register_expires,
		       sp.keepalive_expires, transport_name(sp.transport),
		       sp.digest_auth ? "on" : "off");
	return cli_store_done(st, rc, &e);
}

static int
sp_add(struct cli_ctx *cx, int argc, char **argv)
{
	return write_profile(cx, argc, argv, 1);
}

static int
sp_set(struct cli_ctx *cx, int argc, char **argv)
{
	return write_profile(cx, argc, argv, 0);
}

static int
sp_row(const struct store_sip_profile *sp, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *o = json_pack(
		    "{s:s, s:i, s:i, s:i, s:s, s:b}", "name", sp->name, "register_expires",
		    sp->register_expires, "register_delta", sp->register_delta, "keepalive_expires",
		    sp->keepalive_expires, "transport", transport_name(sp->transport),
		    "digest_auth", sp->digest_auth);
		return cli_list_add(list, o);
	}
	printf("%-28s %-8d %-6d %-9d %-13s %s\n", sp->name, sp->register_expires,
	       sp->register_delta, sp->keepalive_expires, transport_name(sp->transport),
	       sp->digest_auth ? "on" : "off");
	return 0;
}

static int
sp_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	if (!list->json)
		printf("%-28s %-8s %-6s %-9s %-13s %s\n", "NAME", "EXPIRES", "DELTA", "KEEPALIVE",
		       "TRANSPORT", "DIGEST");
	return store_sip_profile_foreach(st, sp_row, list, e);
}

static int
sp_list(struct cli_ctx *cx, int argc, char **argv)
{
	struct store_sip_profile unused;
	const char *name = NULL;
	int rc, json = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone sipprofile list [--json]\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, 0, &unused, &name, &json)) != CLI_OK)
		return rc;
	return cli_list_run(cx, json, sp_walk, NULL);
}

static const struct cli_command sp_verbs[] = {
    {"add", sp_add, "add a SIP profile"},
    {"set", sp_set, "change a SIP profile's timers, transport or digest authentication"},
    {"list", sp_list, "list SIP profiles"},
    {NULL, NULL, NULL},
};

int
cmd_sipprofile(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "sipprofile", sp_verbs, argc, argv);
}
