/* summary: prov_refresh: apply the database changes made since the last build (by this process
 * or a CLI in another) by rebuilding only the files they affect.
 *
 * Cost when nothing changed: one `PRAGMA data_version` (store_data_version), so serve can call
 * this every 20 ms. Otherwise the change log since the last applied entry says what to do:
 *   device NAME  re-read that device (gone → its file is unpublished);
 *   line DN      re-read every device showing the DN (display name, credentials);
 *   pool, node … reload the referenced objects, re-render only the devices using one that changed;
 *   model        rebuild everything (the catalogue feeds every file and XMLDefault);
 *   firmware     a model's default load changed (`dialtone load`): reload the references, so
 *                the devices of that model and XMLDefault are re-rendered, nothing else;
 *   other kinds  (DHCP leases, SIP bindings) are not inputs of any file: ignored.
 * A DN whose shared/not-shared status flips re-renders every device showing it (sharedLine).
 * Past FULL_AFTER changed devices a full build is cheaper than one-by-one reads; a hole in the
 * log (pruned entries we never applied) also forces one.
 */
#include "prov/prov_priv.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

#define FULL_AFTER 5000

struct names {
	struct pmap set; /* name → (void *)1, keys owned */
	char **v;
	size_t n, cap;
	int oom;
};

static void
names_add(struct names *s, const char *name)
{
	char *k;
	if (s->oom || pmap_get(&s->set, name))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = dt_realloc(DT_MEM_PROV, s->v, cap * sizeof *v);
		if (!v) {
			s->oom = 1;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	if (!(k = dt_strdup(DT_MEM_PROV, name)) || pmap_put(&s->set, k, (void *)1) != DT_OK) {
		if (k)
			dt_free(DT_MEM_PROV, k);
		s->oom = 1;
		return;
	}
	s->v[s->n++] = k;
}

static void
names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		dt_free(DT_MEM_PROV, s->v[i]);
	if (s->v)
		dt_free(DT_MEM_PROV, s->v);
	pmap_free(&s->set);
	memset(s, 0, sizeof *s);
}

struct changes {
	struct names devices, dns;
	int refs, full;
	int64_t since; /* the last entry applied before this refresh */
	int seen_any;
};

static int
on_change(int64_t seq, const char *kind, const char *key, void *arg)
{
	struct changes *c = arg;
	/* The log is pruned from the old end (store_changes.c); a hole between what we applied
	 * and what it still holds means changes we never saw: rebuild everything. */
	if (!c->seen_any++ && c->since > 0 && seq > c->since + 1)
		c->full = 1;
	if (strcmp(kind, "device") == 0)
		names_add(&c->devices, key);
	else if (strcmp(kind, "line") == 0)
		names_add(&c->dns, key);
	else if (strcmp(kind, "model") == 0 || strcmp(kind, "global") == 0)
		c->full = 1;
	else if (strcmp(kind, "pool") == 0 || strcmp(kind, "node") == 0 ||
		 strcmp(kind, "profile") == 0 || strcmp(kind, "cmgroup") == 0 ||
		 strcmp(kind, "datetime") == 0 || strcmp(kind, "softkey") == 0 ||
		 strcmp(kind, "dial_rules") == 0 || strcmp(kind, "ringtone") == 0 ||
		 strcmp(kind, "firmware") == 0)
		c->refs = 1;
	if (c->devices.n + c->dns.n > FULL_AFTER || c->devices.oom || c->dns.oom)
		c->full = 1;
	return 0;
}

struct line_acc {
	struct store_line *v;
	int n;
};

static int
add_line(const struct store_line *l, void *arg)
{
	struct line_acc *a = arg;
	if (a->n < 64)
		a->v[a->n++] = *l;
	return 0;
}

/* Record dn's shared status before anything changes (first sighting wins). */
static void
note_dn(struct prov *p, struct names *seen, int **before, const char *dn)
{
	if (pmap_get(&seen->set, dn))
		return;
	names_add(seen, dn);
	if (!seen->oom && seen->n > 0) {
		int *b = dt_realloc(DT_MEM_PROV, *before, seen->n * sizeof *b);
		if (!b) {
			seen->oom = 1;
			return;
		}
		*before = b;
		b[seen->n - 1] = prov_dn_shared(p, dn);
	}
}

/* Devices to render, in the order they were marked (no scan of every device to find them: with
 * 100,000 devices that scan alone cost milliseconds of cache misses). */
struct marked {
	struct pdev **v;
	size_t n, cap;
	int oom;
};

static void
mark(struct marked *m, struct pdev *d)
{
	if (d->mark || m->oom)
		return;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct pdev **v = dt_realloc(DT_MEM_PROV, m->v, cap * sizeof *v);
		if (!v) {
			m->oom = 1;
			return;
		}
		m->v = v;
		m->cap = cap;
	}
	d->mark = 1;
	m->v[m->n++] = d;
}

/* Re-read one device from the store; its new pdev is marked for rendering. */
static int
reload_device(struct prov *p, const char *name, struct names *seen, int **before, int *nchanged,
	      struct marked *m, struct dt_errbuf *e)
{
	struct pdev *old = pmap_get(&p->by_name, name), *nd;
	struct store_device d;
	struct store_line lbuf[64];
	struct line_acc acc = {lbuf, 0};
	struct pline ls[64];
	char file[40];
	int rc;

	if (old)
		for (int i = 0; i < old->n_lines; i++)
			note_dn(p, seen, before, old->lines[i].dn);
	rc = store_device_get(p->st, name, &d, e);
	if (rc == DT_OK)
		rc = store_line_foreach(p->st, name, add_line, &acc, e);
	if (rc == DT_ENOENT) {
		/* Deleted (or renamed: the new name is in the log too). */
		if (old) {
			prov_dn_count(p, old, -1);
			prov_dev_remove(p, old);
			pdev_free(old);
		}
		snprintf(file, sizeof file, "%s.cnf.xml", name);
		*nchanged += ftab_del(&p->files, file);
		prov_fail_note(p, file, NULL);
		e->code = 0;
		e->msg[0] = '\0';
		return DT_OK;
	}
	if (rc != DT_OK)
		return rc;
	for (int i = 0; i < acc.n; i++) {
		ls[i] = (struct pline){lbuf[i].dn,	  lbuf[i].display,  lbuf[i].label,
				       lbuf[i].auth_user, lbuf[i].password, lbuf[i].button};
		note_dn(p, seen, before, lbuf[i].dn);
	}
	if (!(nd = pdev_pack(p, &d, ls, acc.n)))
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	if (old) {
		prov_dn_count(p, old, -1);
		prov_dev_remove(p, old);
		pdev_free(old);
	}
	if (prov_dev_add(p, nd) != DT_OK || prov_dn_count(p, nd, +1) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	mark(m, nd);
	return DT_OK;
}

static int
uses_changed_ref(const struct prov *p, const struct pdev *d)
{
	for (int k = 0; k < R__COUNT; k++)
		if (d->ref[k] >= 0 && p->refs[k].v[d->ref[k]].changed)
			return 1;
	return 0;
}

/* Render and publish every marked device; clears the marks. */
static int
render_marked(struct prov *p, struct marked *m, int *nchanged, struct dt_errbuf *e)
{
	struct pbuf buf = {0};
	struct dt_errbuf ge;
	int rc = DT_OK;

	for (size_t i = 0; i < m->n; i++) {
		struct pdev *d = m->v[i];
		struct prov_file *f = NULL;
		d->mark = 0;
		if (rc != DT_OK)
			continue; /* only clear the remaining marks */
		ge.code = 0;
		ge.msg[0] = '\0';
		if (prov_gen_device(p, d, &buf, &f, &ge) != DT_OK) {
			char file[40];
			dt_log(DT_WARN, "prov", d->name, "not published: %s", ge.msg);
			snprintf(file, sizeof file, "%s.cnf.xml", d->name);
			prov_fail_note(p, file, ge.msg);
			*nchanged += ftab_del(&p->files, file);
			d->published = 0;
			continue;
		}
		int r = prov_publish(p, f);
		if (r < 0) {
			rc = dt_errf(e, -r, "prov: out of memory publishing files");
			break;
		}
		d->published = 1;
		{
			char file[40];
			snprintf(file, sizeof file, "%s.cnf.xml", d->name);
			prov_fail_note(p, file, NULL);
		}
		*nchanged += r;
	}
	pbuf_free(&buf);
	return rc;
}

/* Mark the devices whose files the changes affect beyond the re-read ones: users of a changed
 * reference, and every device showing a DN whose shared/not-shared status flipped (before[k] is
 * the status of seen.v[k] before the re-reads; it is overwritten with "flipped"). */
static void
mark_affected(struct prov *p, int refs, const struct names *seen, int *before, struct marked *m)
{
	int flipped = 0;
	for (size_t k = 0; k < seen->n; k++) {
		before[k] = before[k] != prov_dn_shared(p, seen->v[k]);
		flipped |= before[k];
	}
	for (size_t i = 0; (refs || flipped) && i < p->n_devs; i++) {
		struct pdev *d = p->devs[i];
		if (refs && uses_changed_ref(p, d))
			mark(m, d);
		for (int j = 0; flipped && !d->mark && j < d->n_lines; j++) {
			size_t k;
			if (!pmap_get(&seen->set, d->lines[j].dn))
				continue;
			for (k = 0; k < seen->n && strcmp(seen->v[k], d->lines[j].dn) != 0; k++)
				;
			if (k < seen->n && before[k])
				mark(m, d);
		}
	}
}

int
prov_probe(struct prov *p, int64_t *v, struct dt_errbuf *e)
{
	int64_t dv;
	int rc = store_data_version(p->st, &dv, e);
	if (rc != DT_OK)
		return rc;
	/* data_version moves only for other connections' commits; writes made through this very
	 * handle (serve's admin API) show in the connection's change counter instead. Neither
	 * costs a query. Combined into one number that changes when either does. */
	*v = dv * 1000003 + sqlite3_total_changes64(store_sqlite(p->st));
	return DT_OK;
}

int
prov_refresh(struct prov *p, int *nchanged, struct dt_errbuf *e)
{
	struct changes c;
	struct names seen = {0};
	struct marked m = {0};
	int *before = NULL;
	int64_t v, last;
	int rc, changed = 0;

	if (nchanged)
		*nchanged = 0;
	if ((rc = prov_probe(p, &v, e)) != DT_OK)
		return rc;
	if (v == p->dv)
		return DT_OK;
	memset(&c, 0, sizeof c);
	c.since = p->seq;
	last = p->seq;
	if ((rc = store_changes_since(p->st, p->seq, on_change, &c, &last, e)) != DT_OK)
		goto out;
	if (c.full) {
		rc = prov_build_full(p, &changed, e);
		goto done;
	}
	if (c.refs)
		for (int k = 0; k < R__COUNT; k++)
			for (int i = 0; i < p->refs[k].n; i++)
				pref_load(p, (enum pref_kind)k, &p->refs[k].v[i]);
	/* A changed DN: every device showing it is re-read (its line strings are stale). */
	if (c.dns.n)
		for (size_t i = 0; i < p->n_devs; i++)
			for (int j = 0; j < p->devs[i]->n_lines; j++)
				if (pmap_get(&c.dns.set, p->devs[i]->lines[j].dn))
					names_add(&c.devices, p->devs[i]->name);
	for (size_t i = 0; i < c.devices.n; i++)
		if ((rc = reload_device(p, c.devices.v[i], &seen, &before, &changed, &m, e)) !=
		    DT_OK)
			goto out;
	if (seen.oom || c.devices.oom) {
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
		goto out;
	}
	/* References first seen on a re-read device are loaded now. */
	for (int k = 0; k < R__COUNT; k++)
		for (int i = 0; i < p->refs[k].n; i++)
			if (!p->refs[k].v[i].loaded)
				pref_load(p, (enum pref_kind)k, &p->refs[k].v[i]);
	mark_affected(p, c.refs, &seen, before, &m);
	if (m.oom) {
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
		goto out;
	}
	if ((rc = render_marked(p, &m, &changed, e)) != DT_OK)
		goto out;
	/* Shared files depend on references only (every template and rule set has its file). */
	if (c.refs)
		rc = prov_build_shared(p, &changed, e);
done:
	if (rc == DT_OK) {
		if (!c.full)
			p->seq = last;
		p->dv = v;
		if (nchanged)
			*nchanged = changed;
		dt_log(DT_DEBUG, "prov", NULL,
		       "refresh to change %lld: %zu device(s) re-read, %d file(s) changed%s",
		       (long long)p->seq, c.devices.n, changed, c.full ? " (full build)" : "");
	}
out:
	for (int k = 0; k < R__COUNT; k++)
		for (int i = 0; i < p->refs[k].n; i++)
			p->refs[k].v[i].changed = 0;
	names_free(&c.devices);
	names_free(&c.dns);
	names_free(&seen);
	for (size_t i = 0; i < m.n; i++)
		m.v[i]->mark = 0;
	if (m.v)
		dt_free(DT_MEM_PROV, m.v);
	if (before)
		dt_free(DT_MEM_PROV, before);
	return rc;
}
