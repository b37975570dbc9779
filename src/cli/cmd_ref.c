/* summary: the small reference commands an admin needs to build a cluster without SQL:
 * `dialtone node add|list|delete`, `cmgroup add|list|add-member`, `pool add|list`, `model list`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
#include "cli/commands.h"
#include "store/store.h"

enum {
	O_ADDRESS = 1000,
	O_SERVICES,
	O_PRIORITY,
	O_SIP_PORT,
	O_SIPS_PORT,
	O_CMGROUP,
	O_TZ,
	O_TZWIN,
	O_DATEFMT,
	O_NTP,
	O_REGION,
	O_LOCALE,
	O_NETLOCALE,
	O_DTGROUP,
	O_JSON,
};

static const struct option ref_options[] = {
    {"address", required_argument, NULL, O_ADDRESS},
    {"services", required_argument, NULL, O_SERVICES},
    {"priority", required_argument, NULL, O_PRIORITY},
    {"sip-port", required_argument, NULL, O_SIP_PORT},
    {"sips-port", required_argument, NULL, O_SIPS_PORT},
    {"cm-group", required_argument, NULL, O_CMGROUP},
    {"timezone", required_argument, NULL, O_TZ},
    {"tz-windows", required_argument, NULL, O_TZWIN},
    {"date-format", required_argument, NULL, O_DATEFMT},
    {"ntp", required_argument, NULL, O_NTP},
    {"region", required_argument, NULL, O_REGION},
    {"locale", required_argument, NULL, O_LOCALE},
    {"network-locale", required_argument, NULL, O_NETLOCALE},
    {"datetime-group", required_argument, NULL, O_DTGROUP},
    {"json", no_argument, NULL, O_JSON},
    {NULL, 0, NULL, 0},
};

struct refargs {
	const char *val[O_JSON - O_ADDRESS + 1]; /* by option id - O_ADDRESS */
	int json;
	const char *pos[2];
	int npos;
};

#define VAL(a, id) ((a)->val[(id)-O_ADDRESS])

static int
ref_opt(int id, const char *v, void *arg)
{
	struct refargs *a = arg;
	if (id == O_JSON)
		a->json = 1;
	else
		VAL(a, id) = v;
	return CLI_OK;
}

/* Parse options allowed[] (0-terminated) and exactly npos positional arguments. */
static int
parse(const char *cmd, int argc, char **argv, const int *allowed, int npos, struct refargs *a)
{
	int rc;
	memset(a, 0, sizeof *a);
	if ((rc = cli_opts_parse(cmd, argc, argv, ref_options, allowed, ref_opt, a)) != CLI_OK)
		return rc;
	while (optind < argc && a->npos < 2)
		a->pos[a->npos++] = argv[optind++];
	if (optind < argc || a->npos > npos)
		return cli_usage("%s: unexpected argument",
				 a->npos > npos ? a->pos[npos] : argv[optind]);
	if (a->npos < npos)
		return cli_usage("%s %s: missing argument (see dialtone %s %s --help)", cmd,
				 argv[0], cmd, argv[0]);
	return CLI_OK;
}

/* `dialtone CMD VERB NAME`: one store call on NAME, then "DONE NAME" on success. */
static int
name_verb(struct cli_ctx *cx, const char *cmd, int argc, char **argv,
	  int (*op)(struct store *st, const char *name, struct dt_errbuf *e), const char *done)
{
	static const int allowed[] = {0};
	struct dt_errbuf e = {0, ""};
	struct refargs a;
	struct store *st;
	int rc;

	if ((rc = parse(cmd, argc, argv, allowed, 1, &a)) != CLI_OK ||
	    (rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if ((rc = op(st, a.pos[0], &e)) == DT_OK)
		printf("%s %s\n", done, a.pos[0]);
	return cli_store_done(st, rc, &e);
}

/* `dialtone CMD list [--json]`: the listing walk prints or collects. */
static int
list_verb(struct cli_ctx *cx, const char *cmd, int argc, char **argv, cli_list_walk walk)
{
	static const int allowed[] = {O_JSON, 0};
	struct refargs a;
	int rc = parse(cmd, argc, argv, allowed, 0, &a);
	return rc != CLI_OK ? rc : cli_list_run(cx, a.json, walk, NULL);
}

/* ---- node ---- */

static int
node_add(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_ADDRESS, O_SERVICES, 0};
	struct dt_errbuf e = {0, ""};
	struct store_node n;
	struct refargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf(
		    "usage: dialtone node add NAME --address ADDR [--services LIST]\n"
		    "  --address ADDR   host or IP phones connect to (processNodeName)\n"
		    "  --services LIST  tftp,http,dhcp,sip,admin (default tftp,http,dhcp,sip)\n");
		return CLI_OK;
	}
	if ((rc = parse("node", argc, argv, allowed, 1, &a)) != CLI_OK)
		return rc;
	if (!VAL(&a, O_ADDRESS))
		return cli_usage("address: missing (--address ADDR)");
	memset(&n, 0, sizeof n);
	if (cli_copy("name", n.name, sizeof n.name, a.pos[0], &e) ||
	    cli_copy("address", n.address, sizeof n.address, VAL(&a, O_ADDRESS), &e) ||
	    (VAL(&a, O_SERVICES) &&
	     cli_copy("services", n.services, sizeof n.services, VAL(&a, O_SERVICES), &e)))
		return cli_report_safe(&e);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = store_node_add(st, &n, &e);
	if (rc == DT_OK)
		printf("added node %s (%s)\n", n.name, n.address);
	return cli_store_done(st, rc, &e);
}

static int
node_row(const struct store_node *n, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "name", n->name, "address", n->address,
				      "services", n->services);
		return cli_list_add(list, o);
	}
	printf("%-20s %-24s %s\n", n->name, n->address, n->services);
	return 0;
}

static int
node_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	if (!list->json)
		printf("%-20s %-24s %s\n", "NAME", "ADDRESS", "SERVICES");
	return store_node_foreach(st, node_row, list, e);
}

static int
node_list(struct cli_ctx *cx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone node list [--json]\n");
		return CLI_OK;
	}
	return list_verb(cx, "node", argc, argv, node_walk);
}

static int
node_delete(struct cli_ctx *cx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone node delete NAME   (not while a CM group lists it)\n");
		return CLI_OK;
	}
	return name_verb(cx, "node", argc, argv, store_node_delete, "deleted node");
}

static const struct cli_command node_verbs[] = {
    {"add", node_add, "add a cluster node"},
    {"list", node_list, "list cluster nodes"},
    {"delete", node_delete, "delete a cluster node"},
    {NULL, NULL, NULL},
};

int
cmd_node(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "node", node_verbs, argc, argv);
}

/* ---- cmgroup ---- */

static int
cmgroup_add(struct cli_ctx *cx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone cmgroup add NAME\n");
		return CLI_OK;
	}
	return name_verb(cx, "cmgroup", argc, argv, store_cmgroup_add, "added CallManager group");
}

static int
cmgroup_add_member(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_PRIORITY, O_SIP_PORT, O_SIPS_PORT, 0};
	struct dt_errbuf e = {0, ""};
	struct refargs a;
	struct store *st;
	int rc, prio = -1, sip = 0, sips = 0;

	if (cli_wants_help(argc, argv)) {
		printf(
		    "usage: dialtone cmgroup add-member GROUP NODE [--priority N] "
		    "[--sip-port N] [--sips-port N]\n"
		    "  --priority N   0 = tried first, up to 4 (default: after the last member)\n"
		    "  --sip-port N   default 5060;  --sips-port N  default 5061\n");
		return CLI_OK;
	}
	if ((rc = parse("cmgroup", argc, argv, allowed, 2, &a)) != CLI_OK)
		return rc;
	if (VAL(&a, O_PRIORITY) && cli_int(VAL(&a, O_PRIORITY), 0, 4, &prio))
		return cli_usage("priority: '%s' is not 0..4", VAL(&a, O_PRIORITY));
	if (VAL(&a, O_SIP_PORT) && cli_int(VAL(&a, O_SIP_PORT), 1, 65535, &sip))
		return cli_usage("sip-port: '%s' is not a port", VAL(&a, O_SIP_PORT));
	if (VAL(&a, O_SIPS_PORT) && cli_int(VAL(&a, O_SIPS_PORT), 1, 65535, &sips))
		return cli_usage("sips-port: '%s' is not a port", VAL(&a, O_SIPS_PORT));
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = store_cmgroup_add_member(st, a.pos[0], a.pos[1], prio, sip, sips, &e);
	if (rc == DT_OK)
		printf("added %s to CallManager group %s\n", a.pos[1], a.pos[0]);
	return cli_store_done(st, rc, &e);
}

static int
cmgroup_row(const struct store_cm_group *g, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *m = json_array(), *o;
		for (int i = 0; m && i < g->n_members; i++)
			json_array_append_new(m, json_pack("{s:i, s:s, s:s, s:i, s:i}", "priority",
							   g->members[i].priority, "node",
							   g->members[i].node, "address",
							   g->members[i].address, "sip_port",
							   g->members[i].sip_port, "sips_port",
							   g->members[i].sips_port));
		o = json_pack("{s:s, s:o}", "name", g->name, "members", m);
		return cli_list_add(list, o);
	}
	printf("%s\n", g->name);
	for (int i = 0; i < g->n_members; i++)
		printf("  %d  %-20s %s sip %d sips %d\n", g->members[i].priority,
		       g->members[i].node, g->members[i].address, g->members[i].sip_port,
		       g->members[i].sips_port);
	return 0;
}

static int
cmgroup_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	return store_cmgroup_foreach(st, cmgroup_row, list, e);
}

static int
cmgroup_list(struct cli_ctx *cx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone cmgroup list [--json]\n");
		return CLI_OK;
	}
	return list_verb(cx, "cmgroup", argc, argv, cmgroup_walk);
}

static const struct cli_command cmgroup_verbs[] = {
    {"add", cmgroup_add, "add a CallManager group"},
    {"add-member", cmgroup_add_member, "add a node to a group at a priority"},
    {"list", cmgroup_list, "list groups with their ordered members"},
    {NULL, NULL, NULL},
};

int
cmd_cmgroup(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "cmgroup", cmgroup_verbs, argc, argv);
}

/* ---- pool ---- */

/* Windows time-zone names phones show for common Olson zones (CUCM's <timeZone>). */
static const struct {
	const char *olson, *windows;
} tz_names[] = {
    {"Europe/London", "GMT Standard/Daylight Time"},
    {"Europe/Dublin", "GMT Standard/Daylight Time"},
    {"Europe/Paris", "Romance Standard/Daylight Time"},
    {"Europe/Brussels", "Romance Standard/Daylight Time"},
    {"Europe/Berlin", "W. Europe Standard/Daylight Time"},
    {"Europe/Amsterdam", "W. Europe Standard/Daylight Time"},
    {"Europe/Zurich", "W. Europe Standard/Daylight Time"},
    {"Europe/Helsinki", "FLE Standard/Daylight Time"},
    {"Europe/Moscow", "Russian Standard/Daylight Time"},
    {"America/New_York", "Eastern Standard/Daylight Time"},
    {"America/Chicago", "Central Standard/Daylight Time"},
    {"America/Denver", "Mountain Standard/Daylight Time"},
    {"America/Phoenix", "US Mountain Standard/Daylight Time"},
    {"America/Los_Angeles", "Pacific Standard/Daylight Time"},
    {"America/Sao_Paulo", "E. South America Standard/Daylight Time"},
    {"Asia/Tokyo", "Tokyo Standard/Daylight Time"},
    {"Asia/Kolkata", "India Standard/Daylight Time"},
    {"Asia/Singapore", "Singapore Standard/Daylight Time"},
    {"Australia/Sydney", "AUS Eastern Standard/Daylight Time"},
    {"Pacific/Auckland", "New Zealand Standard/Daylight Time"},
    {"UTC", "Greenwich Standard/Daylight Time"},
};

static int
pool_fill(const struct refargs *a, struct store_pool *p, struct dt_errbuf *e)
{
	const char *tz = VAL(a, O_TZ), *win = VAL(a, O_TZWIN), *ntp = VAL(a, O_NTP);
	memset(p, 0, sizeof *p);
	if (tz && !win) {
		for (size_t i = 0; i < sizeof tz_names / sizeof tz_names[0]; i++)
			if (!strcmp(tz_names[i].olson, tz))
				win = tz_names[i].windows;
		if (!win)
			return dt_errf(e, DT_EUSAGE,
				       "tz-windows: no Windows name known for '%s'; give "
				       "--tz-windows \"… Standard/Daylight Time\"",
				       tz);
	}
	if (cli_copy("name", p->name, sizeof p->name, a->pos[0], e) ||
	    cli_copy("cm_group", p->cm_group, sizeof p->cm_group,
		     VAL(a, O_CMGROUP) ? VAL(a, O_CMGROUP) : "", e) ||
	    cli_copy("timezone", p->tz_olson, sizeof p->tz_olson, tz ? tz : "", e) ||
	    cli_copy("tz_windows", p->tz_windows, sizeof p->tz_windows, win ? win : "", e) ||
	    cli_copy("date_template", p->date_template, sizeof p->date_template,
		     VAL(a, O_DATEFMT) ? VAL(a, O_DATEFMT) : "", e) ||
	    cli_copy("region", p->region, sizeof p->region,
		     VAL(a, O_REGION) ? VAL(a, O_REGION) : "", e) ||
	    cli_copy("user_locale", p->user_locale, sizeof p->user_locale,
		     VAL(a, O_LOCALE) ? VAL(a, O_LOCALE) : "", e) ||
	    cli_copy("network_locale", p->network_locale, sizeof p->network_locale,
		     VAL(a, O_NETLOCALE) ? VAL(a, O_NETLOCALE) : "", e) ||
	    cli_copy("datetime_group", p->datetime_group, sizeof p->datetime_group,
		     VAL(a, O_DTGROUP) ? VAL(a, O_DTGROUP) : "", e))
		return e->code;
	while (ntp && *ntp) {
		const char *comma = strchr(ntp, ',');
		size_t n = comma ? (size_t)(comma - ntp) : strlen(ntp);
		if (p->n_ntp == STORE_MAX_NTP)
			return dt_errf(e, DT_EINVAL, "ntp: more than %d servers", STORE_MAX_NTP);
		if (n == 0 || n >= sizeof p->ntp[0])
			return dt_errf(e, DT_EINVAL, "ntp: empty or too long server name");
		memcpy(p->ntp[p->n_ntp], ntp, n);
		p->ntp[p->n_ntp++][n] = 0;
		ntp = comma ? comma + 1 : NULL;
	}
	return DT_OK;
}

static int
pool_add(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_CMGROUP, O_TZ,	   O_TZWIN,	O_DATEFMT, O_NTP,
				      O_REGION,	 O_LOCALE, O_NETLOCALE, O_DTGROUP, 0};
	struct dt_errbuf e = {0, ""};
	struct store_pool p;
	struct refargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone pool add NAME [options]\n"
		       "  --cm-group NAME        CallManager group (default: Default)\n"
		       "  --timezone OLSON       e.g. Europe/Berlin; with --ntp/--date-format/"
		       "--tz-windows\n"
		       "                         creates the pool's own date/time group\n"
		       "  --tz-windows NAME      e.g. \"W. Europe Standard/Daylight Time\" (known "
		       "for common zones)\n"
		       "  --date-format FMT      e.g. D/M/Y, M/D/YA\n"
		       "  --ntp ADDR[,ADDR…]     up to 4 NTP servers\n"
		       "  --datetime-group NAME  use (or name the new) date/time group (default: "
		       "CMLocal)\n"
		       "  --region NAME          default: Default\n"
		       "  --locale NAME          user locale, e.g. English_United_States\n"
		       "  --network-locale NAME  e.g. United_States\n");
		return CLI_OK;
	}
	if ((rc = parse("pool", argc, argv, allowed, 1, &a)) != CLI_OK)
		return rc;
	if (pool_fill(&a, &p, &e) != DT_OK)
		return cli_report_safe(&e);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = store_pool_add(st, &p, &e);
	if (rc == DT_OK)
		printf("added device pool %s\n", p.name);
	return cli_store_done(st, rc, &e);
}

static int
pool_row(const struct store_pool *p, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *ntp = json_array(), *o;
		for (int i = 0; ntp && i < p->n_ntp; i++)
			json_array_append_new(ntp, json_string(p->ntp[i]));
		o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "name",
			      p->name, "cm_group", p->cm_group, "cm_members", p->n_members,
			      "datetime_group", p->datetime_group, "tz_windows", p->tz_windows,
			      "tz_olson", p->tz_olson, "date_template", p->date_template, "ntp",
			      ntp, "region", p->region, "user_locale", p->user_locale,
			      "network_locale", p->network_locale);
		return cli_list_add(list, o);
	}
	printf("%-16s %-16s %-16s %-20s %s\n", p->name, p->cm_group, p->datetime_group, p->tz_olson,
	       p->user_locale);
	return 0;
}

static int
pool_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	if (!list->json)
		printf("%-16s %-16s %-16s %-20s %s\n", "NAME", "CM-GROUP", "DATETIME", "TIMEZONE",
		       "LOCALE");
	return store_pool_foreach(st, pool_row, list, e);
}

static int
pool_list(struct cli_ctx *cx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone pool list [--json]\n");
		return CLI_OK;
	}
	return list_verb(cx, "pool", argc, argv, pool_walk);
}

static const struct cli_command pool_verbs[] = {
    {"add", pool_add, "add a device pool"},
    {"list", pool_list, "list device pools"},
    {NULL, NULL, NULL},
};

int
cmd_pool(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "pool", pool_verbs, argc, argv);
}

/* ---- model ---- */

static int
model_row(const struct store_model *m, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s, s:s}", "name",
				      m->name, "product", m->product, "type_num", m->type_num,
				      "buttons", m->buttons, "load_prefix", m->load_prefix,
				      "default_load", m->default_load, "dialect", m->dialect,
				      "locale_jar", m->locale_jar, "vendor_cfg", m->vendor_cfg);
		return cli_list_add(list, o);
	}
	printf("%-6s %-12s %-6d %-7d %s\n", m->name, m->product, m->type_num, m->buttons,
	       m->default_load);
	return 0;
}

static int
model_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	if (!list->json)
		printf("%-6s %-12s %-6s %-7s %s\n", "MODEL", "PRODUCT", "TYPE", "BUTTONS",
		       "DEFAULT-LOAD");
	return store_model_foreach(st, model_row, list, e);
}

static int
model_list(struct cli_ctx *cx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone model list [--json]\n"
		       "The phone model catalogue (data/models.tsv, built in).\n");
		return CLI_OK;
	}
	return list_verb(cx, "model", argc, argv, model_walk);
}

static const struct cli_command model_verbs[] = {
    {"list", model_list, "list the phone models dialtone knows"},
    {NULL, NULL, NULL},
};

int
cmd_model(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "model", model_verbs, argc, argv);
}
