/* summary: `dialtone phone boot`: one simulated Cisco SIP phone through the 14 boot steps, one
 * console-log line per step; exits 0 only when the phone registered. */
#include "cli/cli.h"
#include "cli/commands.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/step.h"
#include "phone/phone.h"

static const char boot_usage[] =
    "usage: dialtone phone boot --mac MAC [--model M] [--server ADDR] [--relay ADDR]\n"
    "                           [--state DIR] [--hold] [--json] [--timeout MS] [--retries N]\n\n"
    "Boots one simulated Cisco SIP phone through the 14 steps and prints one console-log line\n"
    "per step (timestamp, step, status, duration, what was sent, what came back).\n"
    "  --mac MAC       the phone's MAC (any usual notation)\n"
    "  --model M       phone model, default 8851 (7811 7821 7841 7861 7832 8811 8832 8841 8845\n"
    "                  8851 8861 8865 7941 7975)\n"
    "  --server ADDR   DHCP server the relayed DHCP goes to; file server of last resort\n"
    "                  (default 127.0.0.1)\n"
    "  --relay ADDR    giaddr: the phone relays its own DHCP and listens on ADDR:67\n"
    "                  (default 127.0.0.1; must not be the server's own address:67)\n"
    "  --state DIR     flash directory (active/inactive loads), made on first run\n"
    "  --hold          stay registered (refreshing) until SIGINT/SIGTERM, then unregister\n"
    "  --json          console log as JSON lines\n"
    "  --timeout MS    first timeout of each operation, doubled per retry (default 2000)\n"
    "  --retries N     attempts per operation (default 3)\n"
    "Exit status: 0 registered, 1 stopped at a step (named on stderr), 2 bad usage.";

struct boot_run {
	struct event_base *base;
	struct phone *ph;
	int hold;
};

static void
on_done(void *arg, struct phone *ph)
{
	struct boot_run *r = arg;
	if (phone_outcome(ph) == PHONE_REGISTERED && r->hold)
		return; /* keeps running until a signal stops it */
	event_base_loopbreak(r->base);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct boot_run *r = arg;
	static int count;
	if (++count > 1 || phone_outcome(r->ph) != PHONE_REGISTERED) {
		event_base_loopbreak(r->base);
		return;
	}
	r->hold = 0;
	phone_stop(r->ph);
}

static int
parse_addr(const char *field, const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		return cli_usage("phone boot: %s: '%s' is not an IPv4 address", field, s);
	return CLI_OK;
}

static int
phone_boot(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"mac", required_argument, NULL, 'm'},     {"model", required_argument, NULL, 'M'},
	    {"server", required_argument, NULL, 's'},  {"relay", required_argument, NULL, 'r'},
	    {"state", required_argument, NULL, 'S'},   {"hold", no_argument, NULL, 'H'},
	    {"json", no_argument, NULL, 'j'},	       {"timeout", required_argument, NULL, 't'},
	    {"retries", required_argument, NULL, 'R'}, {NULL, 0, NULL, 0},
	};
	struct phone_env_opts eo = {.log = stdout, .timeout_ms = 2000, .retries = 3};
	struct phone_opts po = {.model = ""};
	const char *mac = NULL;
	struct dt_errbuf e = {0, ""};
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		puts(boot_usage);
		return CLI_OK;
	}
	inet_pton(AF_INET, "127.0.0.1", &eo.server);
	eo.relay = eo.server;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mac = optarg;
			break;
		case 'M':
			snprintf(po.model, sizeof po.model, "%s", optarg);
			break;
		case 's':
			if ((rc = parse_addr("--server", optarg, &eo.server)))
				return rc;
			break;
		case 'r':
			if ((rc = parse_addr("--relay", optarg, &eo.relay)))
				return rc;
			break;
		case 'S':
			if (strlen(optarg) >= sizeof po.state_dir)
				return cli_usage("phone boot: --state: path too long");
			snprintf(po.state_dir, sizeof po.state_dir, "%s", optarg);
			break;
		case 'H':
			po.hold = 1;
			break;
		case 'j':
			eo.json = 1;
			break;
		case 't':
			eo.timeout_ms = atoi(optarg);
			if (eo.timeout_ms < 10 || eo.timeout_ms > 60000)
				return cli_usage("phone boot: --timeout: '%s' not in 10..60000 ms",
						 optarg);
			break;
		case 'R':
			eo.retries = atoi(optarg);
			if (eo.retries < 1 || eo.retries > 20)
				return cli_usage("phone boot: --retries: '%s' not in 1..20",
						 optarg);
			break;
		default:
			return cli_usage("phone boot: bad option (see dialtone phone boot --help)");
		}
	}
	if (optind < argc)
		return cli_usage("phone boot: unexpected argument '%s'", argv[optind]);
	if (!mac)
		return cli_usage("phone boot: --mac: required");
	if (phone_mac_parse(mac, po.mac, &e) != DT_OK)
		return cli_usage("phone boot: %s", e.msg);

	struct boot_run r = {.hold = po.hold};
	struct phone_env *env = NULL;
	struct event *sigint = NULL, *sigterm = NULL;
	r.base = event_base_new();
	if (!r.base)
		return cli_fail("phone boot: event loop: out of memory");
	eo.on_done = on_done;
	eo.arg = &r;
	rc = CLI_FAIL;
	if (phone_env_new(r.base, &eo, &env, &e) != DT_OK) {
		rc = cli_fail("phone boot: %s", e.msg);
		goto out;
	}
	if (phone_new(env, &po, &r.ph, &e) != DT_OK) {
		rc = e.code == DT_EINVAL ? cli_usage("phone boot: %s", e.msg)
					 : cli_fail("phone boot: %s", e.msg);
		goto out;
	}
	sigint = evsignal_new(r.base, SIGINT, on_signal, &r);
	sigterm = evsignal_new(r.base, SIGTERM, on_signal, &r);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	phone_start(r.ph);
	event_base_dispatch(r.base);
	if (phone_outcome(r.ph) == PHONE_REGISTERED) {
		rc = CLI_OK;
	} else {
		int st = phone_failed_step(r.ph);
		rc = cli_fail("phone: %s stopped at step %d %s: %s", phone_mac(r.ph), st,
			      dt_step_name(st),
			      phone_reason(r.ph)[0] ? phone_reason(r.ph) : "interrupted");
	}
out:
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
	phone_free(r.ph);
	phone_env_free(env);
	event_base_free(r.base);
	return rc;
}

int
cmd_phone(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct cli_command verbs[] = {
	    {"boot", phone_boot, "boot one simulated phone through the 14 steps"},
	    {NULL, NULL, NULL},
	};
	return cli_dispatch(cx, "phone", verbs, argc, argv);
}
