/* summary: prototypes of the top-level subcommands listed in cmd_table.c. */
#ifndef DT_CLI_COMMANDS_H
#define DT_CLI_COMMANDS_H

struct cli_ctx;

int cmd_serve(struct cli_ctx *cx, int argc, char **argv);
int cmd_check_config(struct cli_ctx *cx, int argc, char **argv);
int cmd_files(struct cli_ctx *cx, int argc, char **argv);
/* `files add SRC [DEST-PATH]` (cmd_files_add.c), called by cmd_files for the verb "add". */
int cli_files_add(struct cli_ctx *cx, int argc, char **argv);
int cmd_device(struct cli_ctx *cx, int argc, char **argv);
/* `device history NAME [--json]`, `device reset NAME`, `device apply-config NAME`
 * (cmd_device_sip.c), called by cmd_device for those verbs. */
int cli_device_history(struct cli_ctx *cx, int argc, char **argv);
int cli_device_reset(struct cli_ctx *cx, int argc, char **argv);
int cli_device_apply_config(struct cli_ctx *cx, int argc, char **argv);
int cmd_line(struct cli_ctx *cx, int argc, char **argv);
int cmd_import(struct cli_ctx *cx, int argc, char **argv);
int cmd_export(struct cli_ctx *cx, int argc, char **argv);
int cmd_node(struct cli_ctx *cx, int argc, char **argv);
int cmd_pool(struct cli_ctx *cx, int argc, char **argv);
int cmd_cmgroup(struct cli_ctx *cx, int argc, char **argv);
int cmd_model(struct cli_ctx *cx, int argc, char **argv);
int cmd_dhcp(struct cli_ctx *cx, int argc, char **argv);
/* Reference data (cmd_load.c, cmd_ringtone.c, cmd_sipprofile.c). */
int cmd_load(struct cli_ctx *cx, int argc, char **argv);
int cmd_ringtone(struct cli_ctx *cx, int argc, char **argv);
int cmd_sipprofile(struct cli_ctx *cx, int argc, char **argv);

int cmd_phone(struct cli_ctx *cx, int argc, char **argv);
int cmd_storm(struct cli_ctx *cx, int argc, char **argv);

#endif
