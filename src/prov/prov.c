/* summary: the public face of the prov module: open (full build), refresh (apply database
 * changes), look files up, list them, close.
 */
#include "prov/prov_priv.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

int
prov_open(struct store *st, const struct dt_conf *conf, struct prov **out, struct dt_errbuf *e)
{
	struct prov *p;
	long cpus;
	int rc, changed = 0;

	/* libxml2 must initialise once on one thread before writers run on several. */
	xmlInitParser();
	p = dt_calloc(DT_MEM_PROV, 1, sizeof *p);
	if (!p)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	p->st = st;
	if (conf)
		p->conf = *conf;
	else
		dt_conf_defaults(&p->conf);
	/* Two workers on the 2-core target; more cores, more workers (at most 8). */
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	p->threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
	if ((rc = store_data_version(st, &p->dv, e)) != DT_OK ||
	    (rc = prov_build_full(p, &changed, e)) != DT_OK) {
		prov_close(p);
		return rc;
	}
	dt_log(DT_INFO, "prov", NULL, "built %zu file(s) for %zu device(s)", p->files.used,
	       p->n_devs);
	*out = p;
	return DT_OK;
}

struct prov_file *
prov_file_get(struct prov *p, const char *name)
{
	struct prov_file *f;
	while (*name == '/')
		name++;
	f = ftab_get(&p->files, name);
	if (f)
		__atomic_add_fetch(&f->refs, 1, __ATOMIC_ACQ_REL);
	return f;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp((*(const struct prov_file *const *)a)->name,
		      (*(const struct prov_file *const *)b)->name);
}

void
prov_file_foreach(struct prov *p, void (*fn)(const struct prov_file *f, void *arg), void *arg)
{
	const struct prov_file **v;
	size_t n = 0;

	if (!p->files.used)
		return;
	v = dt_malloc(DT_MEM_PROV, p->files.used * sizeof *v);
	if (!v)
		return;
	for (size_t i = 0; i < p->files.cap; i++)
		if (p->files.slot[i])
			v[n++] = p->files.slot[i];
	qsort(v, n, sizeof *v, by_name);
	for (size_t i = 0; i < n; i++)
		fn(v[i], arg);
	dt_free(DT_MEM_PROV, v);
}

void
prov_close(struct prov *p)
{
	if (!p)
		return;
	prov_clear_devices(p);
	if (p->devs)
		dt_free(DT_MEM_PROV, p->devs);
	prefs_free(p);
	ftab_free(&p->files);
	dt_free(DT_MEM_PROV, p);
}
