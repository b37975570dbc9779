/* summary: the served tree shared by the file services (TFTP, HTTP 6970) of one serve process. */
#include "svc/svc_files.h"

#include <stddef.h>

static struct files *shared;
static int users;

int
svc_files_acquire(struct dt_ctx *ctx, struct files **out, struct dt_errbuf *e)
{
	if (!shared) {
		int rc = files_open(ctx->conf, ctx->prov, &shared, e);
		if (rc != DT_OK)
			return rc;
		files_use_store(shared, ctx->store);
	}
	users++;
	*out = shared;
	return DT_OK;
}

void
svc_files_release(struct files *fs)
{
	if (!fs || fs != shared)
		return;
	if (--users == 0) {
		files_close(shared);
		shared = NULL;
	}
}
