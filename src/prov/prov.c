/* summary: the public face of the prov module: open (full build), refresh (apply database
 * changes), look files up, list them, close.
 */
#include "prov/prov_priv.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
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
	if ((rc = prov_cnf_head_frag(&p->head, e)) != DT_OK ||
	    (rc = prov_cnf_tail_frag(&p->tail, e)) != DT_OK ||
	    (rc = prov_cnf_line_frag(&p->line, e)) != DT_OK ||
	    (rc = prov_probe(p, &p->dv, e)) != DT_OK ||
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
prov_fail_note(struct prov *p, const char *name, const char *msg)
{
	const char *key = pmap_key(&p->failed, name);
	if (key) {
		char *old = pmap_get(&p->failed, name);
		pmap_del(&p->failed, name);
		dt_free(DT_MEM_PROV, (void *)key);
		dt_free(DT_MEM_PROV, old);
	}
	if (msg) {
		char *k = dt_strdup(DT_MEM_PROV, name), *v = dt_strdup(DT_MEM_PROV, msg);
		if (!k || !v || pmap_put(&p->failed, k, v) != DT_OK) {
			if (k)
				dt_free(DT_MEM_PROV, k);
			if (v)
				dt_free(DT_MEM_PROV, v);
		}
	}
}

void
prov_fail_clear(struct prov *p)
{
	for (size_t i = 0; i < p->failed.cap; i++)
		if (p->failed.slot[i].key) {
			dt_free(DT_MEM_PROV, (void *)p->failed.slot[i].key);
			dt_free(DT_MEM_PROV, p->failed.slot[i].val);
		}
	pmap_free(&p->failed);
}

int
prov_file_why(struct prov *p, const char *name, char *buf, size_t cap)
{
	while (*name == '/')
		name++;
	/* Failures are few: a case-insensitive scan beats a second map. */
	for (size_t i = 0; i < p->failed.cap; i++)
		if (p->failed.slot[i].key && strcasecmp(p->failed.slot[i].key, name) == 0) {
			snprintf(buf, cap, "%s", (const char *)p->failed.slot[i].val);
			return 1;
		}
	return 0;
}

void
prov_last_build(const struct prov *p, struct prov_build_stats *out)
{
	*out = p->last;
}

int64_t
prov_applied_seq(const struct prov *p)
{
	return p->seq;
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
	prov_fail_clear(p);
	ftab_free(&p->files);
	pbuf_free(&p->head);
	pbuf_free(&p->tail);
	pbuf_free(&p->line);
	dt_free(DT_MEM_PROV, p);
}
