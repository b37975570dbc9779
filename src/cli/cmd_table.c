/* summary: the subcommand table: one row per `dialtone COMMAND` (Redis-style dispatch). */
#include "cli/cli.h"
#include "cli/commands.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
    {"serve", cmd_serve, "run the services (tftp, http, dhcp, sip, admin) in one process"},
    {"check-config", cmd_check_config, "validate dialtone.conf and exit"},
    {"files", cmd_files, "list or show the generated files (SEP<MAC>.cnf.xml, XMLDefault …)"},
    {"phone", cmd_phone, "boot one simulated Cisco SIP phone through the 14 steps"},
    {"storm", cmd_storm, "boot N simulated phones at once (boot storm) and report"},
    {"device", cmd_device, "add, change, list, show or delete phones"},
    {"line", cmd_line, "add, list or delete directory numbers (lines) on phones"},
    {"import", cmd_import, "add phones and lines from a CSV file (all or nothing)"},
    {"export", cmd_export, "write every phone and its lines as CSV"},
    {"node", cmd_node, "add, list or delete cluster nodes"},
    {"cmgroup", cmd_cmgroup, "add or list CallManager groups and their members"},
    {"pool", cmd_pool, "add or list device pools"},
    {"model", cmd_model, "list the phone models dialtone knows"},
    {"dhcp", cmd_dhcp, "DHCP subnets (pools, option 150/66) and leases"},
    {"load", cmd_load, "add, list or delete firmware loads per model; set a model's default"},
    {"ringtone", cmd_ringtone, "add, list or delete ring tones (Ringlist.xml)"},
    {"sipprofile", cmd_sipprofile, "add, change or list SIP profiles (timers, transport, digest)"},
    {NULL, NULL, NULL},
};
