/* summary: the registrar's provisioning cache fed from the store: one full load at start, then the
 * change log applied one device and one DN at a time.
 *
 * Why incremental: a full reload re-reads every device, line and SIP profile (~0.25 s of blocked
 * event loop at 100,000 lines, paid after every `dialtone device set`). The change log
 * (store_changes_since) names what changed since the last entry applied:
 *   line DN      re-read that DN's credentials (gone → forgotten with its appearances);
 *   device NAME  forget the device and re-add it with its current lines and digest flag (gone, or
 *                renamed away → just forgotten); line moves log the devices they touch, so the
 *                line → device links stay right;
 *   profile      a SIP profile's digest flag can change for any number of devices: full reload;
 *   unknown kind a kind this file does not know may feed the cache: full reload;
 *   other kinds  (pool, node, model, firmware, load, DHCP leases ...) feed no registrar fact:
 *                ignored.
 * A hole in the log (entries pruned before we read them) or more than FULL_AFTER named objects
 * also fall back to the full reload, which is cheaper than that many single reads.
 * Lines are applied before devices, so a device re-read sees its DNs' new credentials.
 */
#include "svc/svc_sip_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"

#define FULL_AFTER 2000 /* named devices + DNs past which one full reload is cheaper */

#define DEFAULT_SIP_PROFILE "Standard SIP Profile"

/* Digest when the security profile asks (modes 2/3) or the device's SIP profile does. */
static int
device_digest(struct store *st, const struct store_device *d)
{
	struct store_sip_profile sp;
	if (d->security >= STORE_SEC_AUTHENTICATED)
		return 1;
	return store_sip_profile_get(st, d->sip_profile[0] ? d->sip_profile : DEFAULT_SIP_PROFILE,
				     &sp, NULL) == DT_OK &&
	       sp.digest_auth;
}

/* ---- full load ---- */

struct devflag {
	char name[16];
	int security;
	char profile[64];
	int digest;
};

struct full_load {
	struct sip_svc *s;
	struct devflag *devs;
	size_t n, cap;
	int rc;
};

static int
collect_dev(const struct store_device *d, void *arg)
{
	struct full_load *pl = arg;
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 256;
		struct devflag *n = dt_realloc(DT_MEM_SIP, pl->devs, cap * sizeof *n);
		if (!n)
			return DT_ENOMEM;
		pl->devs = n;
		pl->cap = cap;
	}
	snprintf(pl->devs[pl->n].name, sizeof pl->devs[0].name, "%s", d->name);
	pl->devs[pl->n].security = d->security;
	snprintf(pl->devs[pl->n].profile, sizeof pl->devs[0].profile, "%s",
		 d->sip_profile[0] ? d->sip_profile : DEFAULT_SIP_PROFILE);
	pl->n++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct devflag *)a)->name, ((const struct devflag *)b)->name);
}

static int
full_add_line(const struct store_line *l, void *arg)
{
	struct full_load *pl = arg;
	struct devflag key, *d = NULL;
	if (l->device[0]) {
		snprintf(key.name, sizeof key.name, "%s", l->device);
		d = bsearch(&key, pl->devs, pl->n, sizeof *pl->devs, by_name);
	}
	pl->rc = reg_prov_add(pl->s->reg, l->dn, d ? d->name : "", l->auth_user, l->password,
			      d ? d->digest : 0);
	return pl->rc == DT_OK ? 0 : 1;
}

/* Copy lines, devices and their digest flags from the store into the registrar. */
static int
full_load(struct sip_svc *s, struct dt_errbuf *e)
{
	struct full_load pl = {s, NULL, 0, 0, DT_OK};
	int rc = store_device_foreach(s->ctx->store, collect_dev, &pl, e);
	if (rc == DT_OK) {
		/* devices sorted by name, so one profile lookup per run of equal profiles */
		char last[64] = "";
		int last_digest = 0;
		if (pl.n) /* qsort(NULL, 0) is undefined: a database with no phones */
			qsort(pl.devs, pl.n, sizeof *pl.devs, by_name);
		for (size_t i = 0; i < pl.n; i++) {
			struct store_sip_profile sp;
			if (strcmp(last, pl.devs[i].profile) != 0) {
				snprintf(last, sizeof last, "%s", pl.devs[i].profile);
				last_digest = store_sip_profile_get(s->ctx->store, last, &sp,
								    NULL) == DT_OK &&
					      sp.digest_auth;
			}
			pl.devs[i].digest =
			    last_digest || pl.devs[i].security >= STORE_SEC_AUTHENTICATED;
		}
		reg_prov_clear(s->reg);
		rc = store_line_foreach(s->ctx->store, NULL, full_add_line, &pl, e);
		if (rc == DT_OK && pl.rc != DT_OK)
			rc = dt_errf(e, pl.rc, "sip: provisioning cache: out of memory");
	}
	if (pl.devs)
		dt_free(DT_MEM_SIP, pl.devs);
	return rc;
}

/* ---- incremental ---- */

struct names {
	char (*v)[33];
	size_t n, cap;
};

/* Add name once (linear scan: the sets are bounded by FULL_AFTER). -1 when out of memory. */
static int
names_add(struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char(*v)[33] = dt_realloc(DT_MEM_SIP, s->v, cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], sizeof s->v[0], "%s", name);
	return 0;
}

struct changes {
	struct names devices, dns;
	int64_t since;
	int seen_any;
	int full;
};

static int
on_change(int64_t seq, const char *kind, const char *key, void *arg)
{
	/* kinds that feed no registrar fact ("global" is not here: no writer logs it yet, and a
	 * cluster-wide setting could be one) */
	static const char *const inert[] = {"pool",	  "node",     "model",	  "firmware",
					    "load",	  "cmgroup",  "datetime", "softkey",
					    "dial_rules", "ringtone", "dhcp"};
	struct changes *c = arg;
	/* the log is pruned from its old end: a hole after what we applied means lost changes */
	if (!c->seen_any++ && c->since > 0 && seq > c->since + 1)
		c->full = 1;
	if (c->full)
		return 0;
	if (strcmp(kind, "device") == 0) {
		c->full = names_add(&c->devices, key) < 0;
	} else if (strcmp(kind, "line") == 0) {
		c->full = names_add(&c->dns, key) < 0;
	} else {
		size_t i = 0;
		while (i < sizeof inert / sizeof *inert && strcmp(kind, inert[i]) != 0)
			i++;
		c->full = i == sizeof inert / sizeof *inert; /* profile, or a kind we do not know */
	}
	if (c->devices.n + c->dns.n > FULL_AFTER)
		c->full = 1;
	return 0;
}

struct dev_lines {
	struct sip_svc *s;
	const char *device;
	int digest;
	int rc;
};

static int
dev_add_line(const struct store_line *l, void *arg)
{
	struct dev_lines *a = arg;
	a->rc = reg_prov_add(a->s->reg, l->dn, a->device, l->auth_user, l->password, a->digest);
	return a->rc == DT_OK ? 0 : 1;
}

/* Re-read one DN's credentials. */
static int
line_apply(struct sip_svc *s, const char *dn, struct dt_errbuf *e)
{
	struct store_line l;
	int rc = store_line_get(s->ctx->store, dn, &l, e);
	if (rc == DT_ENOENT) {
		reg_prov_forget_line(s->reg, dn);
		return DT_OK;
	}
	if (rc != DT_OK)
		return rc;
	/* device "": credentials only; the appearances stay as the device rows say */
	return reg_prov_add(s->reg, l.dn, "", l.auth_user, l.password, 0);
}

/* Re-read one device: its digest flag and the DNs it shows. */
static int
device_apply(struct sip_svc *s, const char *name, struct dt_errbuf *e)
{
	struct store_device d;
	int rc = store_device_get(s->ctx->store, name, &d, e);
	reg_prov_forget_device(s->reg, name);
	if (rc == DT_ENOENT)
		return DT_OK;
	if (rc != DT_OK)
		return rc;
	struct dev_lines a = {s, d.name, device_digest(s->ctx->store, &d), DT_OK};
	rc = store_line_foreach(s->ctx->store, d.name, dev_add_line, &a, e);
	if (rc == DT_OK && a.rc != DT_OK)
		rc = dt_errf(e, a.rc, "sip: provisioning cache: out of memory");
	return rc;
}

/* Apply the change log since s->prov_seq; *full set when it had to reload everything. */
static int
apply_changes(struct sip_svc *s, int *full, struct dt_errbuf *e)
{
	struct changes c = {.since = s->prov_seq};
	int64_t last = s->prov_seq;
	int rc = store_changes_since(s->ctx->store, s->prov_seq, on_change, &c, &last, e);
	*full = 0;
	if (rc == DT_OK && !c.full) {
		for (size_t i = 0; rc == DT_OK && i < c.dns.n; i++)
			rc = line_apply(s, c.dns.v[i], e);
		for (size_t i = 0; rc == DT_OK && i < c.devices.n; i++)
			rc = device_apply(s, c.devices.v[i], e);
		/* a failed single read leaves the cache part-updated: rebuild it whole */
		if (rc != DT_OK) {
			dt_log(DT_WARN, "sip", NULL,
			       "provisioning update failed (%s): full reload instead", e->msg);
			c.full = 1;
		}
	}
	if (rc == DT_OK || c.full) {
		if (c.full) {
			*full = 1;
			/* entries committed during the reload are applied again next time */
			if ((rc = store_changes_last(s->ctx->store, &last, e)) == DT_OK)
				rc = full_load(s, e);
		}
		if (rc == DT_OK)
			s->prov_seq = last;
	}
	if (c.devices.v)
		dt_free(DT_MEM_SIP, c.devices.v);
	if (c.dns.v)
		dt_free(DT_MEM_SIP, c.dns.v);
	return rc;
}

/* Microseconds since t0 on clock id: MONOTONIC = the time the loop was blocked, PROCESS_CPUTIME =
 * the CPU it cost (the benchmark reads both from the log). */
static long
us_since(clockid_t id, const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(id, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000000 + (t1.tv_nsec - t0->tv_nsec) / 1000);
}

int
sip_prov_load(struct sip_svc *s, struct dt_errbuf *e)
{
	struct timespec t0, c0;
	int64_t last = 0;
	int rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	/* the seq first: a change committed during the load is applied again later (idempotent) */
	if ((rc = store_changes_last(s->ctx->store, &last, e)) != DT_OK ||
	    (rc = full_load(s, e)) != DT_OK)
		return rc;
	s->prov_seq = last;
	dt_log(DT_DEBUG, "sip", NULL, "provisioning cache loaded in %ld us (cpu %ld us)",
	       us_since(CLOCK_MONOTONIC, &t0), us_since(CLOCK_PROCESS_CPUTIME_ID, &c0));
	return DT_OK;
}

int
sip_prov_update(struct sip_svc *s, int *full, struct dt_errbuf *e)
{
	struct timespec t0, c0;
	int rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	rc = apply_changes(s, full, e);
	/* the loop is blocked meanwhile, so the cost is in the log (bench/bench_sip_prov.sh) */
	if (rc == DT_OK)
		dt_log(DT_DEBUG, "sip", NULL, "provisioning cache %s in %ld us (cpu %ld us)",
		       *full ? "reloaded" : "updated", us_since(CLOCK_MONOTONIC, &t0),
		       us_since(CLOCK_PROCESS_CPUTIME_ID, &c0));
	return rc;
}
