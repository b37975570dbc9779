/* summary: open the device database for a CLI command, reporting failure in one line. */
#include "cli/cli.h"
#include "store/store.h"

int
cli_store_open(struct cli_ctx *cx, struct store **out)
{
	struct dt_errbuf e = {0, ""};
	if (store_open(cx->conf.data_dir, out, &e) != DT_OK)
		return cli_report(&e);
	return CLI_OK;
}
