/* summary: `dialtone dhcp subnet add|list|delete` and `dialtone dhcp leases [--json]`.
 *
 * Subnets are written to the database (store_dhcp.c), which logs the change: a running `serve`
 * applies it within a fraction of a second, no restart. Leases are read from the database, where
 * the server writes each change before it answers the client, so the list is what clients hold.
 */
#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
#include "cli/commands.h"
#include "store/store.h"
#include "store/store_dhcp.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SUBNET_ADD_USAGE                                                                           \
	"usage: dialtone dhcp subnet add CIDR --pool FIRST-LAST [--router IP] [--dns IP,IP]\n"     \
	"           [--domain NAME] [--tftp IP,IP] [--option66 NAME] [--ntp IP,IP]\n"              \
	"           [--lease-time SECONDS] [--vlan N] [--known-only] [--tftp-cisco-only]\n"        \
	"  CIDR               the subnet, e.g. 10.20.0.0/24 (a relay's giaddr selects it)\n"       \
	"  --pool FIRST-LAST  addresses handed out, inside the subnet\n"                           \
	"  --router IP        option 3 (outside the pool)\n"                                       \
	"  --dns IP,IP        option 6, in order\n"                                                \
	"  --domain NAME      option 15\n"                                                         \
	"  --tftp IP,IP       option 150 in this order (default: the nodes running the file\n"     \
	"                     service; give each subnet its own order to spread phones)\n"         \
	"  --option66 NAME    option 66: one TFTP server name or address\n"                        \
	"  --ntp IP,IP        option 42\n"                                                         \
	"  --lease-time S     60..31536000 seconds (default 86400)\n"                              \
	"  --vlan N           voice VLAN this subnet serves (informational, 0..4094)\n"            \
	"  --known-only       only phones in the device table get addresses\n"                     \
	"  --tftp-cisco-only  option 150 only for vendor class (option 60) \"Cisco...\"\n"

static int
parse_pool(const char *v, struct store_dhcp_subnet *sn, struct dt_errbuf *e)
{
	char buf[40], *dash;
	int rc;

	if (strlen(v) >= sizeof buf || !(dash = strchr(strcpy(buf, v), '-')))
		return dt_errf(e, DT_EINVAL, "--pool: '%s' is not FIRST-LAST", v);
	*dash = '\0';
	if ((rc = store_dhcp_ip_parse("--pool", buf, &sn->pool_first, e)) != DT_OK)
		return rc;
	return store_dhcp_ip_parse("--pool", dash + 1, &sn->pool_last, e);
}

enum { O_POOL = 1, O_ROUTER, O_DNS, O_DOMAIN, O_TFTP, O_66, O_NTP, O_LT, O_VLAN, O_KNOWN, O_CISCO };

static int
subnet_option(int ch, const char *v, struct store_dhcp_subnet *sn, struct dt_errbuf *e)
{
	int n;

	switch (ch) {
	case O_POOL:
		return parse_pool(v, sn, e);
	case O_ROUTER:
		return store_dhcp_ip_parse("--router", v, &sn->router, e);
	case O_DNS:
		return store_dhcp_ips_parse("--dns", v, sn->dns, &sn->n_dns, e);
	case O_TFTP:
		return store_dhcp_ips_parse("--tftp", v, sn->tftp, &sn->n_tftp, e);
	case O_NTP:
		return store_dhcp_ips_parse("--ntp", v, sn->ntp, &sn->n_ntp, e);
	case O_DOMAIN:
		return cli_copy("--domain", sn->domain, sizeof sn->domain, v, e);
	case O_66:
		if (!*v)
			return dt_errf(e, DT_EINVAL, "--option66: empty (option 66 needs 1 byte)");
		return cli_copy("--option66", sn->option66, sizeof sn->option66, v, e);
	case O_LT:
		if (cli_int(v, 60, 31536000, &n) != 0)
			return dt_errf(e, DT_EINVAL, "--lease-time: '%s' is not 60..31536000", v);
		sn->lease_time = (uint32_t)n;
		return DT_OK;
	case O_VLAN:
		if (cli_int(v, 0, 4094, &sn->vlan) != 0)
			return dt_errf(e, DT_EINVAL, "--vlan: '%s' is not 0..4094", v);
		return DT_OK;
	case O_KNOWN:
		sn->known_only = 1;
		return DT_OK;
	case O_CISCO:
		sn->tftp_cisco_only = 1;
		return DT_OK;
	default:
		return dt_errf(e, DT_EUSAGE, "dhcp subnet add: unknown option (see --help)");
	}
}

static int
subnet_add(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {{"pool", required_argument, NULL, O_POOL},
					     {"router", required_argument, NULL, O_ROUTER},
					     {"dns", required_argument, NULL, O_DNS},
					     {"domain", required_argument, NULL, O_DOMAIN},
					     {"tftp", required_argument, NULL, O_TFTP},
					     {"option66", required_argument, NULL, O_66},
					     {"ntp", required_argument, NULL, O_NTP},
					     {"lease-time", required_argument, NULL, O_LT},
					     {"vlan", required_argument, NULL, O_VLAN},
					     {"known-only", no_argument, NULL, O_KNOWN},
					     {"tftp-cisco-only", no_argument, NULL, O_CISCO},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct store_dhcp_subnet sn;
	struct dt_errbuf e = {0, ""};
	struct store *st;
	int ch, rc, have_pool = 0;

	memset(&sn, 0, sizeof sn);
	sn.lease_time = 86400;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(SUBNET_ADD_USAGE, stdout);
			return CLI_OK;
		}
		if (ch == '?')
			return cli_usage("dhcp subnet add: unknown option or missing value '%s'",
					 argv[optind - 1]);
		if ((rc = subnet_option(ch, optarg, &sn, &e)) != DT_OK)
			return e.code == DT_EUSAGE ? cli_report(&e) : cli_usage("%s", e.msg);
		have_pool |= ch == O_POOL;
	}
	if (optind != argc - 1)
		return cli_usage(
		    "subnet: give exactly one CIDR (see dialtone dhcp subnet add --help)");
	if (store_dhcp_cidr_parse(argv[optind], &sn.network, &sn.prefix, &e) != DT_OK)
		return cli_usage("%s", e.msg);
	if (!have_pool)
		return cli_usage("--pool: required (FIRST-LAST)");
	if (cli_store_open(cx, &st) != CLI_OK)
		return CLI_FAIL;
	rc = store_dhcp_subnet_add(st, &sn, &e);
	store_close(st);
	if (rc != DT_OK)
		return cli_report(&e);
	printf("subnet %s added\n", argv[optind]);
	return CLI_OK;
}

static json_t *
subnet_json(const struct store_dhcp_subnet *sn)
{
	char a[16], b[16], list[160];
	json_t *j = json_object();

	snprintf(list, sizeof list, "%s/%d", store_dhcp_ip_text(sn->network, a), sn->prefix);
	json_object_set_new(j, "subnet", json_string(list));
	snprintf(list, sizeof list, "%s-%s", store_dhcp_ip_text(sn->pool_first, a),
		 store_dhcp_ip_text(sn->pool_last, b));
	json_object_set_new(j, "pool", json_string(list));
	json_object_set_new(j, "router",
			    json_string(sn->router ? store_dhcp_ip_text(sn->router, a) : ""));
	json_object_set_new(
	    j, "dns", json_string(store_dhcp_ips_text(sn->dns, sn->n_dns, list, sizeof list)));
	json_object_set_new(j, "domain", json_string(sn->domain));
	json_object_set_new(
	    j, "tftp", json_string(store_dhcp_ips_text(sn->tftp, sn->n_tftp, list, sizeof list)));
	json_object_set_new(j, "option66", json_string(sn->option66));
	json_object_set_new(
	    j, "ntp", json_string(store_dhcp_ips_text(sn->ntp, sn->n_ntp, list, sizeof list)));
	json_object_set_new(j, "lease_time", json_integer(sn->lease_time));
	json_object_set_new(j, "vlan", json_integer(sn->vlan));
	json_object_set_new(j, "known_only", json_boolean(sn->known_only));
	json_object_set_new(j, "tftp_cisco_only", json_boolean(sn->tftp_cisco_only));
	return j;
}

struct list_walk {
	struct store *st;
	struct cli_list *list;
};

struct use_count {
	const struct store_dhcp_subnet *sn;
	time_t now;
	long long in_use;
};

/* Pool use as the server sees it: bound and unexpired, or declined and still held. */
static int
count_use(const struct store_dhcp_lease *l, void *arg)
{
	struct use_count *u = arg;

	if (l->ip >= u->sn->pool_first && l->ip <= u->sn->pool_last && l->expires > u->now &&
	    (l->state == STORE_DHCP_BOUND || l->state == STORE_DHCP_DECLINED))
		u->in_use++;
	return 0;
}

static int
print_subnet(const struct store_dhcp_subnet *sn, void *arg)
{
	struct list_walk *w = arg;
	struct use_count u = {sn, time(NULL), 0};
	struct dt_errbuf e = {0, ""};
	long long size = (long long)sn->pool_last - sn->pool_first + 1;
	json_t *j = subnet_json(sn);
	char used[48];

	if (!j)
		return DT_ENOMEM;
	if (store_dhcp_lease_foreach(w->st, count_use, &u, &e) != DT_OK)
		u.in_use = -1;
	if (w->list->json) {
		json_object_set_new(j, "pool_size", json_integer(size));
		json_object_set_new(j, "in_use", json_integer(u.in_use));
		return cli_list_add(w->list, j);
	}
	snprintf(used, sizeof used, "%lld/%lld", u.in_use, size);
	printf("%-18s %-31s %-13s %-15s %-5lld %-6lld %-22s %s%s%s\n",
	       json_string_value(json_object_get(j, "subnet")),
	       json_string_value(json_object_get(j, "pool")), used,
	       sn->router ? json_string_value(json_object_get(j, "router")) : "-",
	       (long long)sn->vlan, (long long)sn->lease_time,
	       sn->n_tftp ? json_string_value(json_object_get(j, "tftp")) : "(file nodes)",
	       sn->option66[0] ? "66=" : "", sn->option66, sn->known_only ? " known-only" : "");
	json_decref(j);
	return 0;
}

static int
json_flag(int argc, char **argv, const char *usage, int *json)
{
	*json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			*json = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return -1;
		} else
			return cli_usage("%s: unexpected argument '%s'", argv[0], argv[i]);
	}
	return 0;
}

static int
subnet_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	struct list_walk w = {st, list};

	if (!list->json)
		printf("%-18s %-31s %-13s %-15s %-5s %-6s %-22s %s\n", "SUBNET", "POOL", "IN USE",
		       "ROUTER", "VLAN", "LEASE", "TFTP (150)", "OPTIONS");
	return store_dhcp_subnet_foreach(st, print_subnet, &w, e);
}

static int
subnet_list(struct cli_ctx *cx, int argc, char **argv)
{
	int json, rc;

	if ((rc = json_flag(argc, argv,
			    "usage: dialtone dhcp subnet list [--json]\n"
			    "  IN USE: bound or declined pool addresses / pool size\n",
			    &json)))
		return rc < 0 ? CLI_OK : rc;
	return cli_list_run(cx, json, subnet_walk, NULL);
}

static int
subnet_delete(struct cli_ctx *cx, int argc, char **argv)
{
	struct dt_errbuf e = {0, ""};
	struct store *st;
	uint32_t net;
	int prefix, rc;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: dialtone dhcp subnet delete CIDR\n"
		      "  its leases are deleted too; a running server drops them at once\n",
		      stdout);
		return CLI_OK;
	}
	if (argc != 2)
		return cli_usage("subnet: give exactly one CIDR");
	if (store_dhcp_cidr_parse(argv[1], &net, &prefix, &e) != DT_OK)
		return cli_usage("%s", e.msg);
	if (cli_store_open(cx, &st) != CLI_OK)
		return CLI_FAIL;
	rc = store_dhcp_subnet_delete(st, net, prefix, &e);
	store_close(st);
	if (rc != DT_OK)
		return cli_report(&e);
	printf("subnet %s deleted\n", argv[1]);
	return CLI_OK;
}

static const char *const state_names[] = {"",	      "offered", "bound",
					  "released", "expired", "declined"};

struct lease_walk {
	struct cli_list *list;
	time_t now;
};

static int
print_lease(const struct store_dhcp_lease *l, void *arg)
{
	struct lease_walk *w = arg;
	char ip[16], mac[18] = "-", when[32];
	const char *state = l->state >= 2 && l->state <= 5 ? state_names[l->state] : "?";
	time_t t = (time_t)l->expires;
	struct tm tm;

	/* a bound lease past its time is shown as expired, as the server treats it */
	if (l->state == STORE_DHCP_BOUND && l->expires <= w->now)
		state = "expired";
	if (l->state != STORE_DHCP_DECLINED)
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0], l->mac[1],
			 l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	store_dhcp_ip_text(l->ip, ip);
	if (w->list->json)
		return cli_list_add(w->list,
				    json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "ip", ip, "mac",
					      l->state == STORE_DHCP_DECLINED ? "" : mac, "state",
					      state, "expires", when, "expires_unix",
					      (json_int_t)l->expires, "hostname", l->hostname));
	printf("%-15s %-17s %-8s %-20s %s\n", ip, mac, state, when,
	       l->hostname[0] ? l->hostname : "-");
	return 0;
}

static int
lease_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	struct lease_walk w = {list, time(NULL)};

	if (!list->json)
		printf("%-15s %-17s %-8s %-20s %s\n", "IP", "MAC", "STATE", "EXPIRES", "HOSTNAME");
	return store_dhcp_lease_foreach(st, print_lease, &w, e);
}

static int
leases(struct cli_ctx *cx, int argc, char **argv)
{
	int json, rc;

	if ((rc = json_flag(argc, argv,
			    "usage: dialtone dhcp leases [--json]\n"
			    "  every lease the server holds: address, MAC, state, expiry (UTC)\n",
			    &json)))
		return rc < 0 ? CLI_OK : rc;
	return cli_list_run(cx, json, lease_walk, NULL);
}

static int
subnet(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct cli_command verbs[] = {
	    {"add", subnet_add, "add a subnet with its pool and options"},
	    {"list", subnet_list, "list subnets [--json]"},
	    {"delete", subnet_delete, "delete a subnet and its leases"},
	    {NULL, NULL, NULL},
	};
	return cli_dispatch(cx, "dhcp subnet", verbs, argc, argv);
}

int
cmd_dhcp(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct cli_command verbs[] = {
	    {"subnet", subnet, "add, list or delete subnets (pools and options)"},
	    {"leases", leases, "list leases [--json]"},
	    {NULL, NULL, NULL},
	};
	return cli_dispatch(cx, "dhcp", verbs, argc, argv);
}
