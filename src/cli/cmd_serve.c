/* summary: `dialtone serve`: apply flags over dialtone.conf, validate, run the services. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "svc/serve.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: dialtone serve [--listen ADDR[,ADDR]] [--only SERVICES] [--tftp-port N]\n"
    "                      [--http-port N] [--sip-port N] [--sips-port N] [--dhcp-port N]\n"
    "                      [--admin-port N] [--log-level LEVEL] [--log-file FILE]\n\n"
    "Runs the services in one process on one event loop until SIGINT or SIGTERM.\n"
    "  --listen ADDR      address(es) to bind (loopback or a test namespace's)\n"
    "  --only SERVICES    comma list of tftp,http,dhcp,sip,admin (default: [server] services)\n"
    "  --*-port N         override a service port (defaults 69, 6970, 5060, 5061, 67, 8080)\n"
    "  --log-level LEVEL  debug, info, warn, error\n"
    "The configuration file is validated first; an error names its file and line.\n"
    "A change made with `dialtone device|line …` in another process reaches the served files\n"
    "within 100 ms, without a restart.\n";

static int
parse_port(const char *flag, const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 65535)
		return cli_usage("%s: '%s' is not a port number (1-65535)", flag, v);
	*out = (int)n;
	return CLI_OK;
}

static int
apply_listen(struct dt_conf *c, const char *v)
{
	char buf[512], *save = NULL, *w;
	if (strlen(v) >= sizeof buf)
		return cli_usage("--listen: list too long");
	strcpy(buf, v);
	c->n_listen = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (c->n_listen == DT_CONF_MAX_LISTEN || strlen(w) >= sizeof c->listen[0])
			return cli_usage("--listen: too many or too long addresses");
		strcpy(c->listen[c->n_listen++], w);
	}
	return c->n_listen ? CLI_OK : cli_usage("--listen: no address");
}

int
cmd_serve(struct cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {{"listen", required_argument, 0, 'l'},
					     {"only", required_argument, 0, 'o'},
					     {"tftp-port", required_argument, 0, 't'},
					     {"http-port", required_argument, 0, 'H'},
					     {"sip-port", required_argument, 0, 's'},
					     {"sips-port", required_argument, 0, 'S'},
					     {"dhcp-port", required_argument, 0, 'd'},
					     {"admin-port", required_argument, 0, 'a'},
					     {"log-level", required_argument, 0, 'L'},
					     {"log-file", required_argument, 0, 'F'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct dt_conf *c = &cx->conf;
	struct dt_errbuf e = {0, ""};
	int ch, rc = CLI_OK;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage_text, stdout);
			return CLI_OK;
		case 'l':
			rc = apply_listen(c, optarg);
			break;
		case 'o':
			if (dt_conf_parse_services(optarg, &c->services, &e) != DT_OK)
				return cli_usage("--only: %s", e.msg);
			break;
		case 't':
			rc = parse_port("--tftp-port", optarg, &c->tftp.port);
			break;
		case 'H':
			rc = parse_port("--http-port", optarg, &c->http.port);
			break;
		case 's':
			rc = parse_port("--sip-port", optarg, &c->sip.port);
			break;
		case 'S':
			rc = parse_port("--sips-port", optarg, &c->sip.tls_port);
			break;
		case 'd':
			rc = parse_port("--dhcp-port", optarg, &c->dhcp.port);
			break;
		case 'a':
			rc = parse_port("--admin-port", optarg, &c->admin.port);
			break;
		case 'L':
			if ((c->log_level = dt_log_level_parse(optarg)) < 0)
				return cli_usage(
				    "--log-level: '%s' is not debug, info, warn or error", optarg);
			dt_log_set_level(c->log_level);
			break;
		case 'F':
			if (strlen(optarg) >= sizeof c->log_file)
				return cli_usage("--log-file: path too long");
			strcpy(c->log_file, optarg);
			break;
		default:
			return cli_usage("serve: unknown option '%s' (see dialtone serve --help)",
					 argv[optind - 1]);
		}
		if (rc != CLI_OK)
			return rc;
	}
	if (optind < argc)
		return cli_usage("serve: unexpected argument '%s'", argv[optind]);
	if (dt_conf_validate(c, &e) != DT_OK)
		return cli_report(&e);
	if (c->log_file[0] && dt_log_open(c->log_file) != DT_OK)
		return cli_fail("log_file: cannot open %s", c->log_file);
	if (serve_run(c, &e) != DT_OK) {
		dt_log(DT_ERROR, "serve", NULL, "%s", e.msg);
		return cli_report(&e);
	}
	return CLI_OK;
}
