/* summary: the registrar's provisioning cache: DN → credentials and owning devices, device → lines
 * and digest flag. Loaded by the service from the store, so a REGISTER never waits on SQLite; after
 * a database change the service forgets and re-adds only the devices and DNs the change log names.
 *
 * The two maps point at each other by name (line → devices, device → lines), so forgetting one side
 * also removes its name from the other. n_digest counts devices that must authenticate, so
 * reg_prov_any_digest stays right when such a device is forgotten. */
#include "sip/reg_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

void
reg_prov_clear(struct reg *r)
{
	reg_map_clear(&r->lines);
	reg_map_clear(&r->pdevs);
	r->n_digest = 0;
}

static struct reg_pdev *
pdev_get(struct reg *r, const char *name)
{
	struct reg_pdev *d = reg_map_find(&r->pdevs, name);
	if (d)
		return d;
	d = dt_calloc(DT_MEM_SIP, 1, sizeof *d);
	if (!d)
		return NULL;
	reg_copy(d->name, sizeof d->name, name);
	if (reg_map_insert(&r->pdevs, d) != DT_OK) {
		dt_free(DT_MEM_SIP, d);
		return NULL;
	}
	return d;
}

/* Insert name into the sorted array v of n names of width w (at most max); returns the new count.
 * Why sorted: a shared line's first device answers for a Contact without a device name, and the
 * same database must give the same first device whether loaded whole or change by change. */
static int
add_name(char *v, int n, int max, size_t w, const char *name)
{
	int i = 0;
	if (n >= max)
		return n;
	while (i < n && strcmp(v + (size_t)i * w, name) < 0)
		i++;
	memmove(v + (size_t)(i + 1) * w, v + (size_t)i * w, (size_t)(n - i) * w);
	reg_copy(v + (size_t)i * w, w, name);
	return n + 1;
}

int
reg_prov_add(struct reg *r, const char *dn, const char *device, const char *auth_user,
	     const char *password, int digest)
{
	struct reg_line *l = reg_map_find(&r->lines, dn);
	if (strlen(dn) >= sizeof l->dn || !*dn)
		return DT_EINVAL;
	if (!l) {
		l = dt_calloc(DT_MEM_SIP, 1, sizeof *l);
		if (!l)
			return DT_ENOMEM;
		reg_copy(l->dn, sizeof l->dn, dn);
		if (reg_map_insert(&r->lines, l) != DT_OK) {
			dt_free(DT_MEM_SIP, l);
			return DT_ENOMEM;
		}
	}
	reg_copy(l->auth_user, sizeof l->auth_user, *auth_user ? auth_user : dn);
	reg_copy(l->password, sizeof l->password, password);
	if (device && *device) {
		struct reg_pdev *d = pdev_get(r, device);
		if (!d)
			return DT_ENOMEM;
		if (digest && !d->digest) {
			d->digest = 1;
			r->n_digest++;
		}
		d->n_lines =
		    add_name(d->lines[0], d->n_lines, REG_DEV_MAX_LINES, sizeof d->lines[0], dn);
		l->n_dev =
		    add_name(l->dev[0], l->n_dev, REG_LINE_MAX_DEV, sizeof l->dev[0], device);
	}
	return DT_OK;
}

int
reg_prov_any_digest(const struct reg *r)
{
	return r->n_digest > 0;
}

/* Remove name from an array of n names of width w (order kept); returns the new count. */
static int
drop_name(char *v, int n, size_t w, const char *name)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(v + (size_t)i * w, name) != 0)
			continue;
		memmove(v + (size_t)i * w, v + (size_t)(i + 1) * w, (size_t)(n - i - 1) * w);
		return n - 1;
	}
	return n;
}

void
reg_prov_forget_device(struct reg *r, const char *device)
{
	struct reg_pdev *d = reg_map_find(&r->pdevs, device);
	if (!d)
		return;
	for (int i = 0; i < d->n_lines; i++) {
		struct reg_line *l = reg_map_find(&r->lines, d->lines[i]);
		if (l)
			l->n_dev = drop_name(l->dev[0], l->n_dev, sizeof l->dev[0], device);
	}
	if (d->digest)
		r->n_digest--;
	reg_map_remove(&r->pdevs, d);
	dt_free(DT_MEM_SIP, d);
}

void
reg_prov_forget_line(struct reg *r, const char *dn)
{
	struct reg_line *l = reg_map_find(&r->lines, dn);
	if (!l)
		return;
	for (int i = 0; i < l->n_dev; i++) {
		struct reg_pdev *d = reg_map_find(&r->pdevs, l->dev[i]);
		if (d)
			d->n_lines = drop_name(d->lines[0], d->n_lines, sizeof d->lines[0], dn);
	}
	reg_map_remove(&r->lines, l);
	dt_free(DT_MEM_SIP, l);
}

const struct reg_line *
reg_prov_line(const struct reg *r, const char *dn)
{
	return reg_map_find(&r->lines, dn);
}

const struct reg_pdev *
reg_prov_dev(const struct reg *r, const char *name)
{
	return reg_map_find(&r->pdevs, name);
}
