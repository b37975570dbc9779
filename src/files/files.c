/* summary: the file service's lookup: name rules, trust lists, the provisioning guard, then the
 * generated files (prov) and the static tree, in the order documented in files.h.
 */
#include "files/files_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "prov/prov.h"

/* Whole-file cache budget for the static tree: a handful of firmware loads of 30-70 MiB each. */
#define STATIC_BUDGET ((size_t)512 << 20)

struct files {
	const struct dt_conf *conf;
	struct prov *prov;
	struct files_static *st;
	struct files_guard *guard;
	struct store *store; /* for [files] require_lease; NULL = none attached */
	unsigned long served, missed, refused;
};

int
files_open(const struct dt_conf *conf, struct prov *prov, struct files **out, struct dt_errbuf *e)
{
	struct files *fs = dt_calloc(DT_MEM_TFTP, 1, sizeof *fs);
	char root[600];
	int rc;

	if (!fs)
		return dt_errf(e, DT_ENOMEM, "files: out of memory");
	fs->conf = conf;
	fs->prov = prov;
	snprintf(root, sizeof root, "%s/tftpboot", conf->data_dir);
	rc = fguard_open(conf->files.allow, conf->files.unknown_per_min, &fs->guard, e);
	if (rc == DT_OK)
		rc = fstatic_open(root, STATIC_BUDGET, &fs->st, e);
	if (rc != DT_OK) {
		files_close(fs);
		return rc;
	}
	*out = fs;
	return DT_OK;
}

void
files_use_store(struct files *fs, struct store *st)
{
	fs->store = st;
}

/* The per-device checks of lookup rule 3 for device (names a MAC): DT_OK or DT_EPERM with why. */
static int
device_guard(struct files *fs, const struct sockaddr *client, const char *device, const char **why)
{
	if (!fguard_allowed(fs->guard, client))
		return (*why = "per-device file: client not in [files] allow", DT_EPERM);
	if (fs->conf->files.require_lease && !flease_ok(fs->store, client, device))
		return (*why = "per-device file: client holds no DHCP lease for this MAC",
			DT_EPERM);
	return DT_OK;
}

static int
from_prov(struct files *fs, const char *path, const struct sockaddr *client, struct files_ref *ref,
	  const char **why)
{
	struct prov_file *pf;

	/* Generated files are published flat (no folders). */
	if (!fs->prov || strchr(path, '/'))
		return DT_ENOENT;
	pf = prov_file_get(fs->prov, path);
	if (!pf)
		return DT_ENOENT;
	/* A per-device file under a name without the MAC is still guarded. */
	if (pf->device[0] && device_guard(fs, client, pf->device, why) != DT_OK) {
		prov_file_put(pf);
		return DT_EPERM;
	}
	ref->pf = pf;
	ref->data = pf->data;
	ref->len = pf->len;
	ref->mtime = pf->mtime;
	ref->generated = 1;
	snprintf(ref->etag, sizeof ref->etag, "%s", pf->etag);
	if (pf->device[0] && !ref->device[0])
		snprintf(ref->device, sizeof ref->device, "%s", pf->device);
	return DT_OK;
}

static int
lookup(struct files *fs, const char *path, const struct sockaddr *client, struct files_ref *ref,
       const char **why)
{
	int rc;

	if (files_name_is_trust_list(path))
		return (*why = "trust list (CTL/ITL): the cluster is not in secure mode",
			DT_ENOENT);
	if (ref->device[0] && device_guard(fs, client, ref->device, why) != DT_OK)
		return DT_EPERM;
	if (ref->device[0] && fguard_limited(fs->guard, client))
		return (*why = "too many unknown SEP names from this client", DT_EBUSY);
	rc = from_prov(fs, path, client, ref, why);
	if (rc == DT_EPERM)
		return DT_EPERM;
	if (rc == DT_OK)
		return DT_OK;
	rc = fstatic_get(fs->st, path, ref);
	if (rc == DT_OK)
		return DT_OK;
	if (ref->device[0])
		fguard_unknown(fs->guard, client, ref->device);
	return (*why = "no such file", DT_ENOENT);
}

int
files_get(struct files *fs, const char *name, size_t len, const struct sockaddr *client,
	  struct files_ref *ref, const char **why)
{
	char path[FILES_NAME_MAX + 1];
	const char *dummy;
	int rc;

	if (!why)
		why = &dummy;
	memset(ref, 0, sizeof *ref);
	ref->fs = fs;
	if (files_name_normalize(name, len, path, sizeof path, why) < 0) {
		fs->refused++;
		return DT_EINVAL;
	}
	files_name_device(path, ref->device);
	*why = NULL;
	rc = lookup(fs, path, client, ref, why);
	if (rc == DT_OK)
		fs->served++;
	else if (rc == DT_ENOENT)
		fs->missed++;
	else
		fs->refused++;
	return rc;
}

void
files_put(struct files_ref *ref)
{
	if (ref->pf)
		prov_file_put(ref->pf);
	if (ref->ent)
		fstatic_put(ref->fs->st, ref->ent);
	ref->pf = NULL;
	ref->ent = NULL;
	ref->data = NULL;
}

void
files_stats(struct files *fs, char *buf, size_t cap)
{
	size_t n, bytes;
	fstatic_stats(fs->st, &n, &bytes);
	snprintf(buf, cap, "cached=%zu cached_bytes=%zu served=%lu not_found=%lu refused=%lu", n,
		 bytes, fs->served, fs->missed, fs->refused);
}

void
files_close(struct files *fs)
{
	if (!fs)
		return;
	fstatic_close(fs->st);
	if (fs->guard)
		fguard_close(fs->guard);
	dt_free(DT_MEM_TFTP, fs);
}
