/* summary: one struct files (the served tree and its cache) shared by the TFTP and HTTP services
 * of a serve process, so a firmware image is held in memory once for both protocols. */
#ifndef DT_SVC_SVC_FILES_H
#define DT_SVC_SVC_FILES_H

#include "files/files.h"
#include "svc/svc.h"

/* The process's struct files, opened on first use over ctx->conf and ctx->prov; each acquire is
 * matched by one release, and the last release closes it. Loop thread only. */
int svc_files_acquire(struct dt_ctx *ctx, struct files **out, struct dt_errbuf *e);
void svc_files_release(struct files *fs);

#endif
