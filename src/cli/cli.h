/* summary: the subcommand seam: every `dialtone COMMAND` is one function and one row in
 * cmd_table.c.
 *
 * Contract for every command: argv[0] is the command name; `--help` prints usage on stdout and
 * returns 0; errors go to stderr as ONE line "dialtone: FIELD: what is wrong" and the function
 * returns CLI_FAIL (1) when the operation failed or CLI_USAGE (2) for bad usage.
 */
#ifndef DT_CLI_CLI_H
#define DT_CLI_CLI_H

#include "core/conf.h"
#include "core/err.h"

#define CLI_OK	  0
#define CLI_FAIL  1
#define CLI_USAGE 2

struct store;

struct cli_ctx {
	struct dt_conf conf;	 /* defaults, then dialtone.conf, then --data */
	const char *config_path; /* --config, or NULL when the default path was tried */
	int json;		 /* set by commands that take --json */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli_ctx *cx, int argc, char **argv);
	const char *summary; /* one line for `dialtone --help` */
};

/* NULL-name-terminated table in cmd_table.c. */
extern const struct cli_command cli_commands[];

/* Print "dialtone: <msg>" on stderr; return CLI_FAIL / CLI_USAGE. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report an error value from below: prints e->msg (or the code's text) and maps DT_EUSAGE → 2,
 * everything else → 1. */
int cli_report(const struct dt_errbuf *e);

/* Open the database in cx->conf.data_dir; on failure prints the error and returns CLI_FAIL. */
int cli_store_open(struct cli_ctx *cx, struct store **out);

/* True when argv holds -h or --help (checked before any other parsing). */
int cli_wants_help(int argc, char **argv);

/* Sub-dispatch for commands with verbs ("device add"): finds argv[1] in table and runs it with
 * argv shifted by one. Unknown or missing verb → usage error listing the verbs. */
int cli_dispatch(struct cli_ctx *cx, const char *cmd, const struct cli_command *verbs, int argc,
		 char **argv);

#endif
