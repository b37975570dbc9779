/* summary: the subcommand table: one row per `dialtone COMMAND` (Redis-style dispatch). */
#include "cli/cli.h"
#include "cli/commands.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
    {"check-config", cmd_check_config, "validate dialtone.conf and exit"},
    {NULL, NULL, NULL},
};
