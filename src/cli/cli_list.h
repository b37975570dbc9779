/* summary: the common tails of the database verbs: closing the store and reporting the
 * operation's error, and `list` verbs printed as a text table or, with --json, one JSON array.
 */
#ifndef DT_CLI_CLI_LIST_H
#define DT_CLI_CLI_LIST_H

#include <jansson.h>

#include "core/err.h"

struct cli_ctx;
struct store;

/* Close st and turn the store's result rc into the exit code: CLI_OK, or cli_report_safe(e). */
int cli_store_done(struct store *st, int rc, const struct dt_errbuf *e);

/* One listing in progress: cli_list_run hands it to the walk, the walk to its row callbacks. */
struct cli_list {
	int json; /* --json: each row is one object of the array (cli_list_add) */
};

/* One listing's walk over the store: for l->json it adds one object per row with cli_list_add;
 * otherwise it prints its header line, then one text line per row. DT_OK, or the error (e set,
 * or cli_list_add's DT_ENOMEM / DT_EIO). */
typedef int (*cli_list_walk)(struct store *st, struct cli_list *l, void *arg, struct dt_errbuf *e);

/* Run a list verb whose options are parsed: open the store, walk it, close it. The JSON array is
 * streamed (one row in memory, byte-identical to printing the whole array) and ended only when
 * the walk succeeded. Errors get one line: the store's, "json: out of memory" for a row that
 * could not be built, or the write error cli_list_add reported. Exit code. */
int cli_list_run(struct cli_ctx *cx, int json, cli_list_walk walk, void *arg);

/* Add row o (the reference is taken, even on failure) to l's array: DT_OK, DT_ENOMEM when o is
 * NULL (nothing printed), DT_EIO when the output failed (reported already). */
int cli_list_add(struct cli_list *l, json_t *o);

#endif
