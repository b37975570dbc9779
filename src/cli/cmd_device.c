/* summary: `dialtone device add|set|list|show|delete`: the phones in the device database.
 *
 * Options map one to one onto store_device fields; `set` changes only the options given. The
 * store validates every value and names the field in its error; this file only parses, copies
 * (refusing values too long instead of truncating them) and prints. Exit 0 ok, 1 the operation
 * failed (bad or conflicting value), 2 bad usage (unknown option, missing argument).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
#include "cli/commands.h"
#include "store/store.h"
#include "store/store_sip.h"
#include "store/store_sip_list.h"

#define DEVICE_OPTS_HELP                                                                           \
	"  --mac MAC              001122334455, 00:11:22:33:44:55, 0011.2233.4455 or 00-11-…\n"  \
	"  --model MODEL          catalogue name, e.g. 8851 or CP-8851 (dialtone model list)\n"    \
	"  --name SEPXXXXXXXXXXXX device name; must be SEP + the MAC (the default)\n"              \
	"  --pool NAME            device pool (default: Default)\n"                                \
	"  --description TEXT     up to 128 characters\n"                                          \
	"  --security MODE        non-secure | authenticated | encrypted (default non-secure)\n"   \
	"  --load LOADID          firmware load override, e.g. sip88xx.14-2-1-0001-14\n"           \
	"  --ip ADDR              DHCP reservation\n"                                              \
	"  --digest-user USER     digest user of the device\n"                                     \
	"  --user-locale NAME     e.g. English_United_States (default: the pool's)\n"              \
	"  --network-locale NAME  e.g. United_States (default: the pool's)\n"                      \
	"  --sip-profile NAME     default: Standard SIP Profile\n"                                 \
	"  --common-profile NAME  default: Standard Common Phone Profile\n"                        \
	"  --softkey-template NAME default: Standard User\n"                                       \
	"  --dial-rules NAME      SIP dial rules (default: none; seeded: Default)\n"

enum {
	O_MAC = 1000,
	O_MODEL,
	O_NAME,
	O_POOL,
	O_DESC,
	O_SEC,
	O_LOAD,
	O_IP,
	O_DIGEST,
	O_ULOC,
	O_NLOC,
	O_SIP,
	O_COMMON,
	O_SOFTKEY,
	O_DIAL,
	O_JSON,
};

static const struct option device_options[] = {
    {"mac", required_argument, NULL, O_MAC},
    {"model", required_argument, NULL, O_MODEL},
    {"name", required_argument, NULL, O_NAME},
    {"pool", required_argument, NULL, O_POOL},
    {"description", required_argument, NULL, O_DESC},
    {"security", required_argument, NULL, O_SEC},
    {"load", required_argument, NULL, O_LOAD},
    {"ip", required_argument, NULL, O_IP},
    {"digest-user", required_argument, NULL, O_DIGEST},
    {"user-locale", required_argument, NULL, O_ULOC},
    {"network-locale", required_argument, NULL, O_NLOC},
    {"sip-profile", required_argument, NULL, O_SIP},
    {"common-profile", required_argument, NULL, O_COMMON},
    {"softkey-template", required_argument, NULL, O_SOFTKEY},
    {"dial-rules", required_argument, NULL, O_DIAL},
    {"json", no_argument, NULL, O_JSON},
    {NULL, 0, NULL, 0},
};

/* Apply one parsed option to d. DT_EUSAGE for a bad keyword, DT_EINVAL for a value too long. */
static int
apply(struct store_device *d, int opt, const char *v, struct dt_errbuf *e)
{
	char mac[13];
	int rc;
	switch (opt) {
	case O_MAC:
		if ((rc = store_mac_normalize(v, mac, e)) != DT_OK)
			return rc;
		memcpy(d->mac, mac, sizeof mac);
		return DT_OK;
	case O_MODEL:
		return cli_copy("model", d->model, sizeof d->model, v, e);
	case O_NAME:
		return cli_copy("name", d->name, sizeof d->name, v, e);
	case O_POOL:
		return cli_copy("pool", d->pool, sizeof d->pool, v, e);
	case O_DESC:
		return cli_copy("description", d->description, sizeof d->description, v, e);
	case O_SEC:
		if (!(d->security = cli_security_parse(v)))
			return dt_errf(
			    e, DT_EUSAGE,
			    "security: '%s' is not non-secure, authenticated or encrypted", v);
		return DT_OK;
	case O_LOAD:
		return cli_copy("load", d->load, sizeof d->load, v, e);
	case O_IP:
		return cli_copy("ip", d->ip, sizeof d->ip, v, e);
	case O_DIGEST:
		return cli_copy("digest_user", d->digest_user, sizeof d->digest_user, v, e);
	case O_ULOC:
		return cli_copy("user_locale", d->user_locale, sizeof d->user_locale, v, e);
	case O_NLOC:
		return cli_copy("network_locale", d->network_locale, sizeof d->network_locale, v,
				e);
	case O_SIP:
		return cli_copy("sip_profile", d->sip_profile, sizeof d->sip_profile, v, e);
	case O_COMMON:
		return cli_copy("common_profile", d->common_profile, sizeof d->common_profile, v,
				e);
	case O_SOFTKEY:
		return cli_copy("softkey_template", d->softkey_template, sizeof d->softkey_template,
				v, e);
	case O_DIAL:
		return cli_copy("dial_rules", d->dial_rules, sizeof d->dial_rules, v, e);
	}
	return dt_errf(e, DT_EUSAGE, "option: unexpected");
}

struct parsed {
	struct store_device *d; /* the options given are applied to it */
	int json;
	int seen_mac, seen_model, n_set;
	const char *key; /* the positional NAME|MAC */
};

static int
device_opt(int id, const char *v, void *arg)
{
	struct dt_errbuf e = {0, ""};
	struct parsed *p = arg;
	if (id == O_JSON) {
		p->json = 1;
		return CLI_OK;
	}
	if (apply(p->d, id, v, &e) != DT_OK)
		return cli_report_safe(&e);
	p->seen_mac |= id == O_MAC;
	p->seen_model |= id == O_MODEL;
	p->n_set++;
	return CLI_OK;
}

/* Parse argv into d (changed fields only). allow: options other than --json are accepted. */
static int
parse(int argc, char **argv, int allow, int want_key, struct store_device *d, struct parsed *p)
{
	static const int json_only[] = {O_JSON, 0};
	int rc;

	memset(p, 0, sizeof *p);
	p->d = d;
	rc = cli_opts_parse("device", argc, argv, device_options, allow ? NULL : json_only,
			    device_opt, p);
	if (rc != CLI_OK)
		return rc;
	if (want_key) {
		if (optind >= argc)
			return cli_usage("device: missing NAME|MAC (see dialtone device %s --help)",
					 argv[0]);
		p->key = argv[optind++];
	}
	if (optind < argc)
		return cli_usage("%s: unexpected argument", argv[optind]);
	return CLI_OK;
}

static int
device_add(struct cli_ctx *cx, int argc, char **argv)
{
	struct dt_errbuf e = {0, ""};
	struct store_device d;
	struct parsed p;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone device add --mac MAC --model MODEL "
		       "[options]\n" DEVICE_OPTS_HELP);
		return CLI_OK;
	}
	memset(&d, 0, sizeof d);
	if ((rc = parse(argc, argv, 1, 0, &d, &p)) != CLI_OK)
		return rc;
	if (p.json)
		return cli_usage("--json: not an option of device add");
	if (!p.seen_mac)
		return cli_usage("mac: missing (--mac MAC)");
	if (!p.seen_model)
		return cli_usage("model: missing (--model MODEL)");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if ((rc = store_device_add(st, &d, &e)) == DT_OK)
		printf("added %s (%s)\n", d.name, d.model);
	return cli_store_done(st, rc, &e);
}

static int
device_set(struct cli_ctx *cx, int argc, char **argv)
{
	struct dt_errbuf e = {0, ""};
	struct store_device d, patch;
	struct parsed p;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone device set NAME|MAC [options]\n"
		       "Changes only the options given; the phone's files are rebuilt at "
		       "once.\n" DEVICE_OPTS_HELP);
		return CLI_OK;
	}
	/* Parse into a zeroed patch first to learn which options were given, then replay the
	 * same arguments onto the stored device. */
	memset(&patch, 0, sizeof patch);
	if ((rc = parse(argc, argv, 1, 1, &patch, &p)) != CLI_OK)
		return rc;
	if (p.json)
		return cli_usage("--json: not an option of device set");
	if (p.n_set == 0)
		return cli_usage("device: nothing to change (see dialtone device set --help)");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	/* Read and write in one transaction: another admin's change between the two is not lost. */
	if (store_begin(st, &e) != DT_OK || store_device_get(st, p.key, &d, &e) != DT_OK) {
		rc = cli_report_safe(&e);
		goto out;
	}
	if ((rc = parse(argc, argv, 1, 1, &d, &p)) != CLI_OK)
		goto out;
	if (store_device_update(st, &d, &e) != DT_OK ||
	    store_device_get(st, d.mac, &d, &e) != DT_OK || store_commit(st, &e) != DT_OK) {
		rc = cli_report_safe(&e);
		goto out;
	}
	printf("updated %s\n", d.name);
out:
	store_rollback(st); /* no-op after the commit */
	store_close(st);
	return rc;
}

/* The registrar's view of a phone: "Registered 10.0.1.50:51234 TCP …", "Partially Registered …
 * lines=1/2 …", "Unregistered (…)" or "Unknown" (store_sip.h). */
static void
status(struct store *st, const char *name, char *buf, size_t cap)
{
	if (sip_state_describe(st, name, buf, cap) != DT_OK)
		snprintf(buf, cap, "?");
}

/* The list column: the state name and, when (partially) registered, the phone's address. */
static void
status_short(const char *full, char *buf, size_t cap)
{
	static const char partial[] = "Partially Registered ";
	int up = !strncmp(full, "Registered ", 11);
	size_t n = strcspn(full, " ");
	if (!strncmp(full, partial, sizeof partial - 1)) { /* the one two-word state */
		up = 1;
		n = sizeof partial - 2;
	}
	if (up)
		n += 1 + strcspn(full + n + 1, " :");
	snprintf(buf, cap, "%.*s", (int)n, full);
}

/* One listing pass: devices in name order with the registrar's states merged beside them. */
struct list_ctx {
	struct cli_list *list;
	struct store_sip_states *states;
};

/* The list's status text; same words as `device show` (sip_state_describe). */
static void
list_status(struct list_ctx *lc, const char *name, char *buf, size_t cap)
{
	struct reg_device_info info;
	if (store_sip_states_find(lc->states, name, &info))
		sip_state_text(&info, buf, cap);
	else
		snprintf(buf, cap, "Unknown (never registered)");
}

static int
list_row(const struct store_device *d, void *arg)
{
	struct list_ctx *lc = arg;
	char full[512], st_short[80];
	json_t *o;

	list_status(lc, d->name, full, sizeof full);
	if (!lc->list->json) {
		status_short(full, st_short, sizeof st_short);
		printf("%-16s %-6s %-16s %-14s %-15s %-28s %s\n", d->name, d->model, d->pool,
		       cli_security_name(d->security), d->ip[0] ? d->ip : "-", st_short,
		       d->description);
		return 0;
	}
	o = cli_device_json(d);
	if (!o || json_object_set_new(o, "status", json_string(full)) != 0) {
		json_decref(o);
		return DT_ENOMEM;
	}
	return cli_list_add(lc->list, o);
}

static int
list_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	struct list_ctx lc = {list, NULL};
	int rc;

	if ((rc = store_sip_states_open(st, &lc.states, e)) != DT_OK)
		return rc;
	if (!list->json)
		printf("%-16s %-6s %-16s %-14s %-15s %-28s %s\n", "NAME", "MODEL", "POOL",
		       "SECURITY", "IP", "STATUS", "DESCRIPTION");
	rc = store_device_foreach(st, list_row, &lc, e);
	store_sip_states_close(lc.states);
	return rc;
}

static int
device_list(struct cli_ctx *cx, int argc, char **argv)
{
	struct store_device unused;
	struct parsed p;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone device list [--json]\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, 0, 0, &unused, &p)) != CLI_OK)
		return rc;
	return cli_list_run(cx, p.json, list_walk, NULL);
}

static int
show_line_text(const struct store_line *l, void *arg)
{
	printf("  button %-2d %-12s display=\"%s\" label=\"%s\"%s\n", l->button, l->dn, l->display,
	       l->label, l->password[0] ? " digest" : "");
	return 0;
}

static int
show_line_json(const struct store_line *l, void *arg)
{
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:b}", "button", l->button, "dn", l->dn,
			      "display", l->display, "label", l->label, "auth_user", l->auth_user,
			      "has_password", l->password[0] != 0);
	if (!o || json_array_append_new(arg, o) != 0)
		return DT_ENOMEM;
	return 0;
}

static void
show_text(const struct store_device *d, const struct store_model *m, const char *state)
{
	printf("status:           %s\n"
	       "name:             %s\n"
	       "mac:              %s\n"
	       "model:            %s (%s)\n"
	       "protocol:         %s\n"
	       "description:      %s\n"
	       "pool:             %s\n"
	       "security:         %s\n"
	       "digest user:      %s\n"
	       "load:             %s\n"
	       "user locale:      %s\n"
	       "network locale:   %s\n"
	       "reserved ip:      %s\n"
	       "sip profile:      %s\n"
	       "common profile:   %s\n"
	       "softkey template: %s\n"
	       "dial rules:       %s\n"
	       "lines:\n",
	       state, d->name, d->mac, d->model, m->product, d->protocol, d->description, d->pool,
	       cli_security_name(d->security), d->digest_user,
	       d->load[0] ? d->load : m->default_load,
	       d->user_locale[0] ? d->user_locale : "(pool)",
	       d->network_locale[0] ? d->network_locale : "(pool)", d->ip[0] ? d->ip : "-",
	       d->sip_profile, d->common_profile, d->softkey_template,
	       d->dial_rules[0] ? d->dial_rules : "-");
}

static int
device_show(struct cli_ctx *cx, int argc, char **argv)
{
	struct dt_errbuf e = {0, ""};
	struct store_device d;
	struct store_model m;
	struct parsed p;
	struct store *st;
	json_t *obj = NULL, *lines = NULL;
	char state[512];
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone device show NAME|MAC [--json]\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, 0, 1, &d, &p)) != CLI_OK)
		return rc;
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if (store_device_get(st, p.key, &d, &e) != DT_OK ||
	    store_model_get(st, d.model, &m, &e) != DT_OK) {
		rc = cli_report_safe(&e);
		goto out;
	}
	status(st, d.name, state, sizeof state);
	if (p.json) {
		obj = cli_device_json(&d);
		if (obj)
			json_object_set_new(obj, "status", json_string(state));
		lines = json_array();
		if (obj && lines)
			json_object_set_new(obj, "effective_load",
					    json_string(d.load[0] ? d.load : m.default_load));
		rc = store_line_foreach(st, d.name, show_line_json, lines, &e);
	} else {
		show_text(&d, &m, state);
		rc = store_line_foreach(st, d.name, show_line_text, NULL, &e);
	}
	if (rc != DT_OK) {
		rc = rc == DT_ENOMEM ? cli_fail("json: out of memory") : cli_report_safe(&e);
		goto out;
	}
	if (obj) {
		json_object_set_new(obj, "lines", lines);
		lines = NULL;
		rc = cli_json_print(obj);
		obj = NULL;
	}
out:
	json_decref(obj);
	json_decref(lines);
	store_close(st);
	return rc;
}

static int
device_delete(struct cli_ctx *cx, int argc, char **argv)
{
	struct dt_errbuf e = {0, ""};
	struct store_device d;
	struct parsed p;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone device delete NAME|MAC\n"
		       "Deletes the device and its line appearances (the DNs stay).\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, 0, 1, &d, &p)) != CLI_OK)
		return rc;
	if (p.json)
		return cli_usage("--json: not an option of device delete");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if ((rc = store_device_get(st, p.key, &d, &e)) == DT_OK &&
	    (rc = store_device_delete(st, d.name, &e)) == DT_OK)
		printf("deleted %s\n", d.name);
	return cli_store_done(st, rc, &e);
}

static const struct cli_command device_verbs[] = {
    {"add", device_add, "add a phone"},
    {"set", device_set, "change a phone"},
    {"list", device_list, "list phones"},
    {"show", device_show, "show one phone with its lines"},
    {"delete", device_delete, "delete a phone"},
    {"history", cli_device_history, "registration history of a phone"},
    {"reset", cli_device_reset, "restart a registered phone (SIP NOTIFY via serve)"},
    {"apply-config", cli_device_apply_config, "make a phone re-read its configuration"},
    {NULL, NULL, NULL},
};

int
cmd_device(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "device", device_verbs, argc, argv);
}
