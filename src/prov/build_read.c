/* summary: reading the whole database for a full build: models, every device and every line
 * appearance, packed into the prov index (struct pdev) with the per-DN device counts.
 *
 * Two ordered walks and a merge: the lines (one query, sorted here by device name and button) and
 * the devices (one query, name order), so 100,000 devices cost two statements, not 100,000.
 */
#include "prov/prov_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

struct tmp_line {
	const char *device;
	struct pline l; /* strings point into the arena */
};

struct reader {
	struct prov *p;
	struct tmp_line *lines;
	size_t n_lines, cap_lines, next;
	struct pbuf arena; /* line strings; offsets until the arena stops moving */
	int oom;
};

static uintptr_t
arena_str(struct pbuf *a, const char *s)
{
	uintptr_t off = a->len;
	pbuf_put(a, s, strlen(s) + 1);
	return off;
}

static int
read_line(const struct store_line *l, void *arg)
{
	struct reader *r = arg;
	struct tmp_line *t;

	if (!l->device[0])
		return 0; /* a DN on no device is in no file */
	if (r->n_lines == r->cap_lines) {
		size_t cap = r->cap_lines ? r->cap_lines * 2 : 4096;
		struct tmp_line *v = dt_realloc(DT_MEM_PROV, r->lines, cap * sizeof *v);
		if (!v) {
			r->oom = 1;
			return 1;
		}
		r->lines = v;
		r->cap_lines = cap;
	}
	t = &r->lines[r->n_lines++];
	t->device = (const char *)arena_str(&r->arena, l->device);
	t->l.dn = (const char *)arena_str(&r->arena, l->dn);
	t->l.display = (const char *)arena_str(&r->arena, l->display);
	t->l.label = (const char *)arena_str(&r->arena, l->label);
	t->l.auth_user = (const char *)arena_str(&r->arena, l->auth_user);
	t->l.password = (const char *)arena_str(&r->arena, l->password);
	t->l.button = l->button;
	if (r->arena.oom) {
		r->oom = 1;
		return 1;
	}
	return 0;
}

static int
by_dev_button(const void *a, const void *b)
{
	const struct tmp_line *x = a, *y = b;
	int c = strcmp(x->device, y->device);
	if (c)
		return c;
	return (x->l.button > y->l.button) - (x->l.button < y->l.button);
}

/* Devices arrive in name order and the lines were sorted by device name: a merge walk. */
static int
read_device(const struct store_device *d, void *arg)
{
	struct reader *r = arg;
	struct pline ls[PROV_MAX_LINES];
	struct pdev *pd;
	int n = 0;

	while (r->next < r->n_lines && strcmp(r->lines[r->next].device, d->name) < 0)
		r->next++;
	for (; r->next < r->n_lines && strcmp(r->lines[r->next].device, d->name) == 0; r->next++)
		if (n < PROV_MAX_LINES)
			ls[n++] = r->lines[r->next].l;
	pd = pdev_pack(r->p, d, ls, n);
	if (!pd || prov_dev_add(r->p, pd) != DT_OK || prov_dn_count(r->p, pd, +1) != DT_OK) {
		pdev_free(pd);
		r->oom = 1;
		return 1;
	}
	return 0;
}

static int
read_model(const struct store_model *m, void *arg)
{
	return pref_intern(arg, R_MODEL, m->name) < 0;
}

void
prov_clear_devices(struct prov *p)
{
	for (size_t i = 0; i < p->n_devs; i++)
		pdev_free(p->devs[i]);
	p->n_devs = 0;
	pmap_free(&p->by_name);
	for (size_t i = 0; i < p->dn_count.cap; i++)
		if (p->dn_count.slot[i].key)
			dt_free(DT_MEM_PROV, (void *)p->dn_count.slot[i].key);
	pmap_free(&p->dn_count);
}

/* Read models, devices and lines into packed devices with their lines attached. */
int
prov_read_all(struct prov *p, struct dt_errbuf *e)
{
	struct reader r = {.p = p};
	int rc;

	prov_clear_devices(p);
	if ((rc = store_model_foreach(p->st, read_model, p, e)) != DT_OK)
		return rc;
	rc = store_line_foreach(p->st, NULL, read_line, &r, e);
	if (rc == DT_OK && !r.oom) {
		for (size_t i = 0; i < r.n_lines; i++) {
			struct tmp_line *t = &r.lines[i];
			const char *base = (const char *)r.arena.p;
			t->device = base + (uintptr_t)t->device;
			t->l.dn = base + (uintptr_t)t->l.dn;
			t->l.display = base + (uintptr_t)t->l.display;
			t->l.label = base + (uintptr_t)t->l.label;
			t->l.auth_user = base + (uintptr_t)t->l.auth_user;
			t->l.password = base + (uintptr_t)t->l.password;
		}
		if (r.n_lines) /* qsort(NULL, 0) is undefined (UBSan: phones with no line) */
			qsort(r.lines, r.n_lines, sizeof *r.lines, by_dev_button);
		rc = store_device_foreach(p->st, read_device, &r, e);
	}
	if (r.oom)
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory reading the database");
	if (r.lines)
		dt_free(DT_MEM_PROV, r.lines);
	pbuf_free(&r.arena);
	return rc;
}
