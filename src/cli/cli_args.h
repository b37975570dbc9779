/* summary: small helpers shared by the database commands (device, line, import, node, pool,
 * cmgroup, load, ringtone, sipprofile): the option loop of their verbs, bounded copies of option
 * values into store structs, security keywords, JSON output.
 */
#ifndef DT_CLI_CLI_ARGS_H
#define DT_CLI_CLI_ARGS_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

struct option;
struct store_device;

/* Parse the options of `dialtone CMD VERB …` (argv[0] is VERB) with getopt_long from the start.
 * Each option whose id allowed[] lists (0-terminated; NULL: every option of opts) is handed to
 * apply(id, value or NULL, arg), which returns CLI_OK or the exit code that ends the parse.
 * Usage errors (one line, CLI_USAGE): "ARG: unknown option (see dialtone CMD VERB --help)",
 * "ARG: missing value", "ARG: not an option of CMD VERB". On CLI_OK optind indexes the first
 * positional argument (GNU getopt moves them after the options). */
int cli_opts_parse(const char *cmd, int argc, char **argv, const struct option *opts,
		   const int *allowed, int (*apply)(int id, const char *v, void *arg), void *arg);

/* Copy v into dst[n]; DT_EINVAL "FIELD: longer than N characters" instead of truncating. */
int cli_copy(const char *field, char *dst, size_t n, const char *v, struct dt_errbuf *e);
/* "non-secure" | "authenticated" | "encrypted" (or 1..3) → enum store_security; 0 if unknown. */
int cli_security_parse(const char *s);
/* enum store_security → its keyword. */
const char *cli_security_name(int sec);
/* Decimal integer in [min, max] into *out; -1 when v is not one. */
int cli_int(const char *v, int min, int max, int *out);
/* The device as a JSON object (every stored field; caller owns the reference). */
json_t *cli_device_json(const struct store_device *d);
/* cli_report() of a copy of e whose message has every control character (a newline in a CSV
 * field, a tab in a header) shown as '?': the error stays one line whatever the input held. */
int cli_report_safe(const struct dt_errbuf *e);
/* Print j on stdout (indented, key order kept) and drop the reference; CLI_OK or CLI_FAIL. */
int cli_json_print(json_t *j);
/* A JSON array printed one element at a time, byte-identical to cli_json_print of the whole array
 * but holding one element in memory (listings of 100,000 phones). begin, then add each element
 * (the reference is dropped), then end (prints "]" and the newline). CLI_OK or CLI_FAIL. */
void cli_json_stream_begin(void);
int cli_json_stream_add(json_t *j);
int cli_json_stream_end(void);

#endif
