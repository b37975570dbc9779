/* summary: `dialtone storm`: boot N simulated phones at once from one process and report
 * registered/failed by step and reason, per-step latency percentiles, phones per second and the
 * time until the last phone registered; exits 1 when any phone failed. */
#include "cli/cli.h"
#include "cli/commands.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/http.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store.h"
#include "storm/storm.h"

static const char storm_usage[] =
    "usage: dialtone storm --phones N --server ADDR [--rate R] [--macs FILE] [--provision]\n"
    "                      [--plot FILE.svg] [--relay ADDR] [--model M] [--timeout MS]\n"
    "                      [--retries N] [--max-seconds S] [--procs P] [--log] [--json]\n\n"
    "Boots N simulated phones concurrently (one event loop, no thread per phone), each through\n"
    "the 14 steps of `dialtone phone boot`, leaving them registered until the storm ends.\n"
    "  --phones N        1..100000\n"
    "  --server ADDR     DHCP server (relayed DHCP goes there)\n"
    "  --relay ADDR      shared relay address (giaddr, listens on ADDR:67); default 127.0.0.1\n"
    "  --rate R          phone starts per second (default: all at once)\n"
    "  --macs FILE       one MAC per line (default: generated 02:DA:7E:00:00:00 + index)\n"
    "  --provision       add the phones (model, one line each: DN 200000+i) to the database\n"
    "                    in --data first (existing devices are kept) and wait until the file\n"
    "                    service on ADDR:6970 serves their configuration\n"
    "  --plot FILE.svg   registered phones over time and step latencies\n"
    "  --max-seconds S   hard bound on the storm (default 60 + N/R)\n"
    "  --procs P         spread the phones over P worker processes (1..64); worker k relays\n"
    "                    from ADDR+k (--relay), so ADDR..ADDR+P-1 must lie in the DHCP subnet.\n"
    "                    Default: 1, or as many as the open-file limit needs (one socket per\n"
    "                    registered phone), said on stderr\n"
    "  --log, --json     print every phone's console log (text or JSON lines) on stdout\n"
    "Exit status: 0 all registered, 1 any phone failed or did not finish, 2 bad usage.";

struct prov_ctx {
	struct store *st;
	int added;
};

static int
provision(struct cli_ctx *cx, const struct storm_opts *o, struct dt_errbuf *e, char last[13])
{
	struct store *st = NULL;
	char(*macs)[13] = NULL;
	int n = o->phones, rc;

	if (cli_store_open(cx, &st) != CLI_OK)
		return DT_EDB;
	if (o->macs_file) {
		int got = 0;
		macs = dt_calloc(DT_MEM_PHONE, (size_t)n, sizeof *macs);
		if (!macs) {
			rc = dt_errf(e, DT_ENOMEM, "provision: out of memory");
			goto out;
		}
		rc = storm_macs_read(o->macs_file, macs, n, &got, e);
		if (rc == DT_ERANGE)
			rc = DT_OK;
		if (rc)
			goto out;
		n = got < n ? got : n;
	}
	if ((rc = store_begin(st, e)))
		goto out;
	for (int i = 0; i < n; i++) {
		struct store_device d;
		struct store_line l;
		memset(&d, 0, sizeof d);
		memset(&l, 0, sizeof l);
		if (macs)
			memcpy(d.mac, macs[i], 13);
		else
			storm_mac_gen(i, d.mac);
		snprintf(d.model, sizeof d.model, "%s", o->model[0] ? o->model : "8851");
		snprintf(d.protocol, sizeof d.protocol, "SIP");
		snprintf(d.description, sizeof d.description, "storm phone %d", i);
		memcpy(last, d.mac, 13);
		rc = store_device_add(st, &d, e);
		if (rc == DT_EEXIST)
			continue;
		if (rc)
			break;
		snprintf(l.dn, sizeof l.dn, "%d", 200000 + i);
		snprintf(l.display, sizeof l.display, "Storm %d", i);
		snprintf(l.password, sizeof l.password, "storm-%d", i);
		snprintf(l.device, sizeof l.device, "SEP%s", d.mac);
		l.button = 1;
		if ((rc = store_line_add(st, &l, e)))
			break;
	}
	if (rc) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, e);
out:
	dt_free(DT_MEM_PHONE, macs);
	store_close(st);
	return rc;
}

struct poll_ctx {
	struct event_base *base;
	int status;
};

static void
poll_done(struct evhttp_request *req, void *arg)
{
	struct poll_ctx *p = arg;
	p->status = req ? evhttp_request_get_response_code(req) : 0;
	event_base_loopbreak(p->base);
}

/* After --provision: wait (15 s at most) until the file service on server:6970 serves the last
 * phone's SEP file, so no phone boots from XMLDefault because `serve` had not regenerated yet
 * (it picks database changes up asynchronously). 0 when served. */
static int
wait_served(struct in_addr server, const char *mac)
{
	char host[16], uri[40];
	struct poll_ctx p = {event_base_new(), 0};
	if (!p.base)
		return -1;
	inet_ntop(AF_INET, &server, host, sizeof host);
	snprintf(uri, sizeof uri, "/SEP%s.cnf.xml", mac);
	for (int i = 0; i < 150 && p.status != 200; i++) {
		struct evhttp_connection *c = evhttp_connection_base_new(p.base, NULL, host, 6970);
		struct evhttp_request *req = c ? evhttp_request_new(poll_done, &p) : NULL;
		p.status = 0;
		if (req) {
			evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
			evhttp_connection_set_timeout(c, 1);
			if (evhttp_make_request(c, req, EVHTTP_REQ_HEAD, uri) == 0)
				event_base_dispatch(p.base);
		}
		if (c)
			evhttp_connection_free(c);
		if (p.status != 200)
			usleep(100000);
	}
	event_base_free(p.base);
	return p.status == 200 ? 0 : -1;
}

/* Raise the open-file limit to its hard limit, and pick the number of processes: the one asked,
 * else as many as the limit needs (each registered phone holds one socket), said on stderr. */
static int
pick_procs(int phones, int asked)
{
	struct rlimit rl;
	long nofile = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		nofile = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
	}
	int per = storm_phones_per_proc(nofile);
	if (asked > 0) {
		if ((phones + asked - 1) / asked > per)
			fprintf(stderr,
				"dialtone: storm: --procs %d leaves %d phones per process, above "
				"the %d one process can hold (open-file limit %ld)\n",
				asked, (phones + asked - 1) / asked, per, nofile);
		return asked;
	}
	if (phones <= per)
		return 1;
	int n = (phones + per - 1) / per;
	if (n > STORM_MAX_PROCS)
		n = STORM_MAX_PROCS;
	fprintf(stderr,
		"dialtone: storm: %d phones exceed the %d one process can hold (open-file limit "
		"%ld, one socket per phone): running %d processes (--procs %d)\n",
		phones, per, nofile, n, n);
	return n;
}

static int
addr(const char *field, const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		return cli_usage("storm: %s: '%s' is not an IPv4 address", field, s);
	return CLI_OK;
}

int
cmd_storm(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"phones", required_argument, NULL, 'n'},
	    {"server", required_argument, NULL, 's'},
	    {"rate", required_argument, NULL, 'r'},
	    {"macs", required_argument, NULL, 'm'},
	    {"provision", no_argument, NULL, 'P'},
	    {"plot", required_argument, NULL, 'p'},
	    {"relay", required_argument, NULL, 'R'},
	    {"model", required_argument, NULL, 'M'},
	    {"timeout", required_argument, NULL, 't'},
	    {"retries", required_argument, NULL, 'T'},
	    {"max-seconds", required_argument, NULL, 'x'},
	    {"log", no_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"procs", required_argument, NULL, 'N'},
	    {NULL, 0, NULL, 0},
	};
	struct storm_opts o = {.timeout_ms = 2000, .retries = 3};
	const char *plot = NULL;
	int prov = 0, have_server = 0, c, rc, procs = 0;
	struct dt_errbuf e = {0, ""};

	if (cli_wants_help(argc, argv)) {
		puts(storm_usage);
		return CLI_OK;
	}
	inet_pton(AF_INET, "127.0.0.1", &o.relay);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.phones = atoi(optarg);
			if (o.phones < 1 || o.phones > STORM_MAX_PHONES)
				return cli_usage("storm: --phones: '%s' not in 1..%d", optarg,
						 STORM_MAX_PHONES);
			break;
		case 's':
			if ((rc = addr("--server", optarg, &o.server)))
				return rc;
			have_server = 1;
			break;
		case 'r':
			o.rate = atof(optarg);
			if (o.rate <= 0 || o.rate > 1e6)
				return cli_usage("storm: --rate: '%s' not in (0, 1000000]", optarg);
			break;
		case 'm':
			o.macs_file = optarg;
			break;
		case 'P':
			prov = 1;
			break;
		case 'p':
			plot = optarg;
			break;
		case 'R':
			if ((rc = addr("--relay", optarg, &o.relay)))
				return rc;
			break;
		case 'M':
			snprintf(o.model, sizeof o.model, "%s", optarg);
			break;
		case 't':
			o.timeout_ms = atoi(optarg);
			if (o.timeout_ms < 10 || o.timeout_ms > 60000)
				return cli_usage("storm: --timeout: '%s' not in 10..60000 ms",
						 optarg);
			break;
		case 'T':
			o.retries = atoi(optarg);
			if (o.retries < 1 || o.retries > 20)
				return cli_usage("storm: --retries: '%s' not in 1..20", optarg);
			break;
		case 'x':
			o.max_seconds = atoi(optarg);
			if (o.max_seconds < 1 || o.max_seconds > 3600)
				return cli_usage("storm: --max-seconds: '%s' not in 1..3600",
						 optarg);
			break;
		case 'N':
			procs = atoi(optarg);
			if (procs < 1 || procs > STORM_MAX_PROCS)
				return cli_usage("storm: --procs: '%s' not in 1..%d", optarg,
						 STORM_MAX_PROCS);
			break;
		case 'l':
			o.log = stdout;
			break;
		case 'j':
			o.log = stdout;
			o.json = 1;
			break;
		default:
			return cli_usage("storm: bad option (see dialtone storm --help)");
		}
	}
	if (optind < argc)
		return cli_usage("storm: unexpected argument '%s'", argv[optind]);
	if (o.phones == 0)
		return cli_usage("storm: --phones: required");
	if (!have_server)
		return cli_usage("storm: --server: required");
	if (procs > o.phones)
		return cli_usage("storm: --procs: %d is more than --phones %d", procs, o.phones);
	o.progress = isatty(STDERR_FILENO);
	procs = pick_procs(o.phones, procs);
	if (prov) {
		char last[13];
		if ((rc = provision(cx, &o, &e, last)) != DT_OK)
			return e.msg[0] ? cli_report(&e) : CLI_FAIL;
		if (wait_served(o.server, last) != 0)
			fprintf(stderr,
				"dialtone: storm: SEP%s.cnf.xml not served by %s:6970 after "
				"15 s; phones may boot from XMLDefault\n",
				last, inet_ntoa(o.server));
	}

	struct storm_stats st;
	double elapsed = 0;
	rc = procs > 1 ? storm_run_procs(&o, procs, &st, &elapsed, &e)
		       : storm_run(&o, &st, &elapsed, &e);
	if (rc != DT_OK)
		return cli_report(&e);
	storm_stats_print(stdout, &st, o.phones, elapsed);
	if (plot && storm_plot_svg(plot, &st, o.phones, &e) != DT_OK) {
		storm_stats_free(&st);
		return cli_report(&e);
	}
	rc = st.registered == o.phones ? CLI_OK : CLI_FAIL;
	if (rc != CLI_OK)
		fprintf(stderr,
			"dialtone: storm: %d of %d phones did not register (%d failed, %d "
			"unfinished)\n",
			o.phones - st.registered, o.phones, st.failed, st.unfinished);
	storm_stats_free(&st);
	return rc;
}
