/* summary: `dialtone check-config`: load and validate the configuration file, print a summary. */
#include "cli/cli.h"
#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

int
cmd_check_config(struct cli_ctx *cx, int argc, char **argv)
{
	const struct dt_conf *c = &cx->conf;
	struct dt_errbuf e = {0, ""};

	if (cli_wants_help(argc, argv)) {
		puts("usage: dialtone [--config FILE] check-config\n\n"
		     "Validates the configuration file (every section and key, value ranges) and "
		     "prints\n"
		     "the settings in force. Exits 1 naming the file and line of the first error.");
		return CLI_OK;
	}
	if (argc > 1)
		return cli_usage("check-config: unexpected argument '%s'", argv[1]);
	/* main() already loaded and validated the file; a second validation catches nothing new but
	 * keeps this command honest if main's order ever changes. */
	if (dt_conf_validate(c, &e) != DT_OK)
		return cli_report(&e);
	printf("config: %s\n", c->path[0] ? c->path : "(none: defaults)");
	printf("data_dir: %s\nnode: %s\ncluster: %s\nlisten:", c->data_dir, c->node_name,
	       c->cluster);
	for (int i = 0; i < c->n_listen; i++)
		printf(" %s", c->listen[i]);
	printf("\nservices:%s%s%s%s%s\n", c->services & DT_SVC_TFTP ? " tftp" : "",
	       c->services & DT_SVC_HTTP ? " http" : "", c->services & DT_SVC_DHCP ? " dhcp" : "",
	       c->services & DT_SVC_SIP ? " sip" : "", c->services & DT_SVC_ADMIN ? " admin" : "");
	printf("ports: tftp %d, http %d, dhcp %d, sip %d, sips %d, admin %d\n", c->tftp.port,
	       c->http.port, c->dhcp.port, c->sip.port, c->sip.tls_port, c->admin.port);
	puts("ok");
	return CLI_OK;
}
