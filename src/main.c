/* summary: `dialtone [--data DIR] [--config FILE] COMMAND …`: global options, then the command
 * table.
 *
 * The configuration file is --config, else $DIALTONE_CONFIG, else DATA_DIR/dialtone.conf if it
 * exists (optional). --data (or $DIALTONE_DATA) names the data directory and wins over the file's
 * data_dir.
 */
#include "cli/cli.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv);

static void
usage(FILE *f)
{
	fputs(
	    "usage: dialtone [--data DIR] [--config FILE] COMMAND [options]\n"
	    "       dialtone COMMAND --help\n\n"
	    "  --data DIR     data directory (database, static files, certificates);\n"
	    "                 default $DIALTONE_DATA or /var/lib/dialtone\n"
	    "  --config FILE  configuration file; default $DIALTONE_CONFIG or DIR/dialtone.conf\n\n"
	    "commands:\n",
	    f);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(f, "  %-14s %s\n", c->name, c->summary);
}

static int
load_config(struct cli_ctx *cx, const char *data_flag)
{
	struct dt_errbuf e = {0, ""};
	char def[600];
	const char *path = cx->config_path;
	int optional = 0;

	if (data_flag)
		snprintf(cx->conf.data_dir, sizeof cx->conf.data_dir, "%s", data_flag);
	if (!path)
		path = getenv("DIALTONE_CONFIG");
	if (!path || !*path) {
		snprintf(def, sizeof def, "%s/dialtone.conf", cx->conf.data_dir);
		path = def;
		optional = 1;
	}
	if (dt_conf_load(&cx->conf, path, optional, &e) != DT_OK)
		return cli_report(&e);
	/* The flag names the database the admin means, whatever the file says. */
	if (data_flag)
		snprintf(cx->conf.data_dir, sizeof cx->conf.data_dir, "%s", data_flag);
	dt_log_set_level(cx->conf.log_level);
	return CLI_OK;
}

int
main(int argc, char **argv)
{
	struct cli_ctx cx;
	const char *data_flag = NULL;
	int i = 1, rc;

	memset(&cx, 0, sizeof cx);
	dt_conf_defaults(&cx.conf);
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--version")) {
			puts("dialtone " DT_VERSION);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--data") || !strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				return cli_usage("%s: missing value", argv[i]);
			if (argv[i][2] == 'd')
				data_flag = argv[i + 1];
			else
				cx.config_path = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--data=", 7)) {
			data_flag = argv[i++] + 7;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			cx.config_path = argv[i++] + 9;
		} else {
			return cli_usage("%s: unknown global option (see dialtone --help)",
					 argv[i]);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	for (const struct cli_command *c = cli_commands; c->name; c++) {
		if (strcmp(c->name, argv[i]))
			continue;
		/* --help must work even with a broken configuration file. */
		if (!cli_wants_help(argc - i, argv + i) &&
		    (rc = load_config(&cx, data_flag)) != CLI_OK)
			return rc;
		return c->run(&cx, argc - i, argv + i);
	}
	return cli_usage("%s: unknown command (see dialtone --help)", argv[i]);
}
