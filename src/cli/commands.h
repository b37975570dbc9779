/* summary: prototypes of the top-level subcommands listed in cmd_table.c. */
#ifndef DT_CLI_COMMANDS_H
#define DT_CLI_COMMANDS_H

struct cli_ctx;

int cmd_serve(struct cli_ctx *cx, int argc, char **argv);
int cmd_check_config(struct cli_ctx *cx, int argc, char **argv);

#endif
