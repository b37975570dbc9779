/* summary: the registrar's provisioning cache: DN → credentials and owning devices, device → lines
 * and digest flag. Loaded by the service from the store, so a REGISTER never waits on SQLite. */
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
	r->any_digest = 0;
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
		d->digest = d->digest || digest;
		if (d->n_lines < REG_DEV_MAX_LINES)
			reg_copy(d->lines[d->n_lines++], sizeof d->lines[0], dn);
		if (l->n_dev < REG_LINE_MAX_DEV)
			reg_copy(l->dev[l->n_dev++], sizeof l->dev[0], device);
		if (digest)
			r->any_digest = 1;
	}
	return DT_OK;
}

int
reg_prov_any_digest(const struct reg *r)
{
	return r->any_digest;
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
