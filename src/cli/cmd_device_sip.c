/* summary: the registrar's device verbs: `device history NAME [--json]` (registration history
 * with CUCM reason codes and the flap flag), `device reset NAME` and `device apply-config NAME`
 * (NOTIFY service-control sent by the running registrar). */
#include "cli/cli.h"
#include "cli/commands.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_sip.h"

#define CONTROL_WAIT_MS 3000 /* how long the CLI waits for serve to pick the request up */

static const char history_usage[] =
    "usage: dialtone device history NAME|MAC [--json]\n"
    "Registration history of a phone, oldest first: register, refresh-miss, unregister and\n"
    "reject rows with the CUCM reason (e.g. DeviceUnregistered 10, AuthenticationError 4).\n";

static void
iso(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	if (!t || !gmtime_r(&t, &tm))
		snprintf(buf, cap, "-");
	else
		strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The device's name: SEP… from a name or MAC; a deleted device keeps its history by name. */
static void
device_name(struct store *st, const char *arg, char *name, size_t cap)
{
	struct store_device d;
	if (store_device_get(st, arg, &d, NULL) == DT_OK)
		snprintf(name, cap, "%s", d.name);
	else
		snprintf(name, cap, "%s", arg);
}

/* The row left the device Partially Registered: some of its lines bound, not all. */
static int
partial(const struct reg_hist *h)
{
	return h->lines_bound && h->lines_bound < h->lines_total;
}

static int
print_row(const struct reg_hist *h, void *arg)
{
	char when[32];
	iso(h->at, when, sizeof when);
	printf("%s  %-12s %s:%u %s", when, reg_event_name(h->event), h->ip[0] ? h->ip : "-",
	       h->port, reg_transport_name(h->transport));
	if (h->reason)
		printf("  %s (%d)", reg_reason_name(h->reason), reg_reason_code(h->reason));
	if (partial(h))
		printf("  partial: %u of %u lines", h->lines_bound, h->lines_total);
	printf("\n");
	return 0;
}

static int
json_row(const struct reg_hist *h, void *arg)
{
	char when[32];
	json_t *row;
	iso(h->at, when, sizeof when);
	row = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:i, s:i, s:b}", "at", when, "event",
			reg_event_name(h->event), "reason",
			h->reason ? reg_reason_name(h->reason) : "", "reason_code",
			h->reason ? reg_reason_code(h->reason) : 0, "ip", h->ip, "port", h->port,
			"transport", reg_transport_name(h->transport), "lines_bound",
			h->lines_bound, "lines_total", h->lines_total, "partial", partial(h));
	json_array_append_new((json_t *)arg, row);
	return 0;
}

int
cli_device_history(struct cli_ctx *cx, int argc, char **argv)
{
	struct store *st;
	struct dt_errbuf e = {0, ""};
	struct reg_device_info di;
	char name[64], state[512];
	const char *arg = NULL;
	int json = 0, rc;
	if (cli_wants_help(argc, argv)) {
		fputs(history_usage, stdout);
		return CLI_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (argv[i][0] == '-')
			return cli_usage("device history: unknown option %s", argv[i]);
		else if (!arg)
			arg = argv[i];
		else
			return cli_usage("device history: one device only");
	}
	if (!arg)
		return cli_usage("device history: NAME: missing (a SEP… name or a MAC)");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	device_name(st, arg, name, sizeof name);
	sip_state_describe(st, name, state, sizeof state);
	if (json) {
		json_t *rows = json_array(), *top;
		int known = store_sip_state_get(st, name, &di, NULL) == DT_OK;
		rc = store_sip_history(st, name, json_row, rows, &e);
		top = json_pack("{s:s, s:s, s:b, s:o}", "device", name, "state", state, "flapping",
				known && di.flapping, "history", rows);
		if (rc == DT_OK) {
			char *s = json_dumps(top, JSON_INDENT(2));
			puts(s);
			free(s);
		}
		json_decref(top);
	} else {
		printf("%s: %s\n", name, state);
		rc = store_sip_history(st, name, print_row, NULL, &e);
	}
	store_close(st);
	return rc == DT_OK ? CLI_OK : cli_report(&e);
}

/* Queue a service-control request for the running registrar and wait for its outcome. */
static int
control(struct cli_ctx *cx, int argc, char **argv, const char *action, const char *what)
{
	struct store *st;
	struct dt_errbuf e = {0, ""};
	char name[64], detail[256] = "";
	int64_t id;
	int state = 0, rc;
	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone device %s NAME|MAC\n%s\n", argv[0], what);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("device %s: NAME: expected exactly one device", argv[0]);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	device_name(st, argv[1], name, sizeof name);
	if (store_sip_control_add(st, name, action, &id, &e) != DT_OK) {
		store_close(st);
		return cli_report(&e);
	}
	/* state 4: serve took it and is opening a connection to the phone; it reports the outcome
	 * within STORE_SIP_CONNECT_S (one more second for its tick) */
	for (int waited = 0; waited < CONTROL_WAIT_MS + (STORE_SIP_CONNECT_S + 1) * 1000;
	     waited += 50) {
		if (store_sip_control_state(st, id, &state, detail, sizeof detail, &e) != DT_OK)
			break;
		if (state != 0 && state != 4)
			break;
		if (state == 0 && waited >= CONTROL_WAIT_MS)
			break;
		usleep(50 * 1000);
	}
	if (state == 0 && store_sip_control_cancel(st, id, &e) == 1) {
		store_close(st);
		return cli_fail(
		    "sip: no running registrar (dialtone serve) took the request within %d s",
		    CONTROL_WAIT_MS / 1000);
	}
	if (state == 0)
		store_sip_control_state(st, id, &state, detail, sizeof detail, &e);
	store_close(st);
	if (state == 2)
		return cli_fail("device: %s is not registered (%s)", name, detail);
	if (state == 4)
		return cli_fail("device: %s: no outcome from the registrar (%s)", name, detail);
	if (state != 1)
		return cli_fail("device: %s: %s", name, detail);
	printf("%s: %s sent (NOTIFY service-control: %s); `dialtone device show %s` reports "
	       "config=pending until the phone registers again, then applied\n",
	       name, action, detail, name);
	return CLI_OK;
}

int
cli_device_reset(struct cli_ctx *cx, int argc, char **argv)
{
	return control(cx, argc, argv, "reset",
		       "Reboot a registered phone (NOTIFY Event: service-control, action=reset).");
}

int
cli_device_apply_config(struct cli_ctx *cx, int argc, char **argv)
{
	return control(cx, argc, argv, "apply-config",
		       "Make a registered phone re-read its configuration and re-register\n"
		       "(NOTIFY Event: service-control, action=restart).");
}
