/* summary: the common tails of the database verbs (store close + one error line) and the
 * text-or-JSON listing every `list` verb shares. */
#include "cli/cli_list.h"

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "store/store.h"

int
cli_store_done(struct store *st, int rc, const struct dt_errbuf *e)
{
	store_close(st);
	return rc == DT_OK ? CLI_OK : cli_report_safe(e);
}

int
cli_list_run(struct cli_ctx *cx, int json, cli_list_walk walk, void *arg)
{
	struct dt_errbuf e = {0, ""};
	struct cli_list l = {json};
	struct store *st;
	int rc;

	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	if (json)
		cli_json_stream_begin();
	rc = walk(st, &l, arg, &e);
	store_close(st);
	if (rc == DT_EIO && !e.msg[0]) /* the output failed: cli_list_add said so */
		return CLI_FAIL;
	if (rc == DT_ENOMEM && !e.msg[0]) /* a row's JSON could not be built */
		return cli_fail("json: out of memory");
	if (rc != DT_OK)
		return cli_report_safe(&e);
	return json ? cli_json_stream_end() : CLI_OK;
}

int
cli_list_add(struct cli_list *l, json_t *o)
{
	if (!o)
		return DT_ENOMEM;
	return cli_json_stream_add(o) == CLI_OK ? DT_OK : DT_EIO;
}
