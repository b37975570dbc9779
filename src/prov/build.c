/* summary: building files: one device's SEP<MAC>.cnf.xml (render + validate), publishing, and
 * the full build that renders every device on worker threads (reading: build_read.c; shared files:
 * build_shared.c).
 *
 * Full build: the store is read on the calling thread (SQLite handles are single-threaded) into
 * packed devices; the shared fragments (pool, SIP profile, model) are rendered once; then
 * `threads` workers take chunks of devices, each with its own scratch buffer, and leave one file
 * or one error per device. Publishing and logging happen back on the calling thread, so the file
 * table and the log see one writer. An unchanged file keeps its version and ETag.
 */
#include "prov/prov_priv.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"

#define CHUNK 256

static int
ref_ok(const struct prov *p, const struct pdev *d, enum pref_kind k, const char *what,
       struct dt_errbuf *e)
{
	const struct pref *r;
	if (d->ref[k] < 0)
		return dt_errf(e, DT_ENOMEM, "%s.cnf.xml: device %s: %s: out of memory", d->name,
			       d->name, what);
	r = &p->refs[k].v[d->ref[k]];
	if (r->rc != DT_OK)
		return dt_errf(e, r->rc, "%s.cnf.xml: device %s: %s '%s': %s", d->name, d->name,
			       what, r->name, r->err);
	return DT_OK;
}

int
prov_gen_device(const struct prov *p, const struct pdev *d, struct pbuf *buf,
		struct prov_file **out, struct dt_errbuf *e)
{
	struct prov_line_in lines[PROV_MAX_LINES];
	struct prov_dev_in in;
	const struct pref *pool, *sip, *model, *common, *dial = NULL;
	struct prov_cnf_frags fr;
	uint64_t hash[2];
	char file[40];
	int rc;

	if ((rc = ref_ok(p, d, R_POOL, "device pool", e)) ||
	    (rc = ref_ok(p, d, R_SIP, "SIP profile", e)) ||
	    (rc = ref_ok(p, d, R_MODEL, "model", e)) ||
	    (rc = ref_ok(p, d, R_COMMON, "common phone profile", e)) ||
	    (rc = ref_ok(p, d, R_SOFTKEY, "softkey template", e)))
		return rc;
	if (d->ref[R_DIAL] >= 0) {
		if ((rc = ref_ok(p, d, R_DIAL, "dial rules", e)) != DT_OK)
			return rc;
		dial = &p->refs[R_DIAL].v[d->ref[R_DIAL]];
	}
	pool = &p->refs[R_POOL].v[d->ref[R_POOL]];
	sip = &p->refs[R_SIP].v[d->ref[R_SIP]];
	model = &p->refs[R_MODEL].v[d->ref[R_MODEL]];
	common = &p->refs[R_COMMON].v[d->ref[R_COMMON]];
	/* Shallow copies: the fragments stay owned by p and are only read here. */
	fr = (struct prov_cnf_frags){p->head,	  pool->frag, sip->frag, common->frag,
				     model->frag, p->tail,    p->line};

	memset(&in, 0, sizeof in);
	in.name = d->name;
	in.mac = d->mac;
	in.security = d->security;
	in.load = d->load;
	in.user_locale = d->user_locale;
	in.network_locale = d->network_locale;
	in.softkey_file = p->refs[R_SOFTKEY].v[d->ref[R_SOFTKEY]].u.softkey.file_name;
	in.dial_file = dial ? dial->u.dial.file_name : "";
	in.model = &model->u.model;
	in.pool = &pool->u.pool;
	in.sip = &sip->u.sip;
	in.common = &common->u.common;
	in.n_lines = d->n_lines > PROV_MAX_LINES ? PROV_MAX_LINES : d->n_lines;
	for (int i = 0; i < in.n_lines; i++) {
		const struct pline *l = &d->lines[i];
		lines[i] = (struct prov_line_in){l->dn,
						 l->display,
						 l->label,
						 l->auth_user,
						 l->password,
						 l->button,
						 prov_dn_shared(p, l->dn)};
	}
	in.lines = lines;
	in.hash = hash;

	pbuf_reset(buf);
	if ((rc = prov_cnf_device(&in, &fr, buf, e)) != DT_OK)
		return rc;
	snprintf(file, sizeof file, "%s.cnf.xml", d->name);
	if ((rc = prov_validate(PROV_K_SEP, file, d->name, buf->p, buf->len, e)) != DT_OK)
		return rc;
	*out = prov_file_new(file, d->name, buf->p, buf->len, hash);
	if (!*out)
		return dt_errf(e, DT_ENOMEM, "%s: out of memory", file);
	return DT_OK;
}

int
prov_publish(struct prov *p, struct prov_file *f)
{
	struct prov_file *old = ftab_get(&p->files, f->name);
	if (old && old->len == f->len && memcmp(old->data, f->data, f->len) == 0) {
		prov_file_put(f); /* same bytes: keep the published version and ETag */
		return 0;
	}
	if (ftab_put(&p->files, f) != DT_OK) {
		prov_file_put(f);
		return -DT_ENOMEM;
	}
	return 1;
}

/* ---- full build ---- */

struct job {
	const struct prov *p;
	struct prov_file **out;
	char **err;
	size_t next;	 /* atomic: next chunk start */
	uint64_t cpu_ns; /* atomic: CPU time of all workers */
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct pbuf buf = {0};
	struct dt_errbuf e;
	size_t n = j->p->n_devs, i;
	struct timespec c0, c1;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);

	while ((i = __atomic_fetch_add(&j->next, CHUNK, __ATOMIC_RELAXED)) < n) {
		size_t end = i + CHUNK < n ? i + CHUNK : n;
		for (; i < end; i++) {
			e.code = 0;
			e.msg[0] = '\0';
			if (prov_gen_device(j->p, j->p->devs[i], &buf, &j->out[i], &e) != DT_OK) {
				j->out[i] = NULL;
				j->err[i] = strdup(e.msg[0] ? e.msg : "generation failed");
			}
		}
	}
	pbuf_free(&buf);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	__atomic_add_fetch(
	    &j->cpu_ns,
	    (uint64_t)((c1.tv_sec - c0.tv_sec) * 1000000000LL + (c1.tv_nsec - c0.tv_nsec)),
	    __ATOMIC_RELAXED);
	return NULL;
}

/* Render every device's file on p->threads threads into out[] / err[]; returns the CPU seconds
 * the workers used. */
static double
render_all(const struct prov *p, struct prov_file **out, char **err)
{
	struct job j = {p, out, err, 0, 0};
	pthread_t t[8];
	int extra = p->threads - 1, started = 0;

	if (extra > 7)
		extra = 7;
	/* Small builds are not worth a thread. */
	for (int i = 0; i < extra && p->n_devs >= 4 * CHUNK; i++)
		if (pthread_create(&t[started], NULL, worker, &j) == 0)
			started++;
	worker(&j);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return (double)j.cpu_ns / 1e9;
}

/* Names of published per-device files whose device is gone or whose file failed. */
static int
sweep(struct prov *p, int *nchanged)
{
	size_t n = 0;
	char(*names)[96];

	for (size_t i = 0; i < p->files.cap; i++) {
		const struct prov_file *f = p->files.slot[i];
		const struct pdev *d;
		if (f && f->device[0] && (!(d = pmap_get(&p->by_name, f->device)) || !d->published))
			n++;
	}
	if (!n)
		return DT_OK;
	if (!(names = dt_malloc(DT_MEM_PROV, n * sizeof *names)))
		return DT_ENOMEM;
	n = 0;
	for (size_t i = 0; i < p->files.cap; i++) {
		const struct prov_file *f = p->files.slot[i];
		const struct pdev *d;
		if (f && f->device[0] && (!(d = pmap_get(&p->by_name, f->device)) || !d->published))
			memcpy(names[n++], f->name, sizeof names[0]);
	}
	for (size_t i = 0; i < n; i++)
		*nchanged += ftab_del(&p->files, names[i]);
	dt_free(DT_MEM_PROV, names);
	return DT_OK;
}

static double
clock_s(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double
mono(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Record the figures of the build that just ended (prov_last_build) and log them. */
static void
note_stats(struct prov *p, const double t[3], const double c[3])
{
	p->last.devices = p->n_devs;
	p->last.files = p->files.used;
	p->last.failed = p->failed.used;
	p->last.threads = p->threads;
	p->last.read_s = t[1] - t[0];
	p->last.render_s = t[2] - t[1];
	p->last.publish_s = mono() - t[2];
	p->last.read_cpu_s = c[1] - c[0];
	p->last.publish_cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID) - c[2];
	p->last.bytes = 0;
	for (size_t i = 0; i < p->files.cap; i++)
		if (p->files.slot[i])
			p->last.bytes += p->files.slot[i]->len;
	dt_log(DT_DEBUG, "prov", NULL,
	       "full build of %zu devices: read %.3f s, render %.3f s (%d threads, %.3f CPU s), "
	       "publish %.3f s",
	       p->n_devs, p->last.read_s, p->last.render_s, p->threads, p->last.render_cpu_s,
	       p->last.publish_s);
}

int
prov_build_full(struct prov *p, int *nchanged, struct dt_errbuf *e)
{
	struct prov_file **out = NULL;
	char **err = NULL;
	int rc, changed = 0;
	int64_t seq = 0;
	double t[3] = {mono(), 0, 0}, c[3] = {clock_s(CLOCK_THREAD_CPUTIME_ID), 0, 0};
	size_t failed = 0;

	/* The change-log position first: anything committed while we read is applied again by
	 * the next refresh (rebuilding a file twice is harmless; missing a change is not). */
	if ((rc = store_changes_last(p->st, &seq, e)) != DT_OK)
		return rc;
	if ((rc = prov_read_all(p, e)) != DT_OK)
		return rc;
	for (int k = 0; k < R__COUNT; k++)
		for (int i = 0; i < p->refs[k].n; i++)
			pref_load(p, (enum pref_kind)k, &p->refs[k].v[i]);
	out = dt_calloc(DT_MEM_PROV, p->n_devs + 1, sizeof *out);
	err = dt_calloc(DT_MEM_PROV, p->n_devs + 1, sizeof *err);
	if (!out || !err) {
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
		goto fail;
	}
	t[1] = mono();
	c[1] = clock_s(CLOCK_THREAD_CPUTIME_ID);
	prov_fail_clear(p);
	p->last.render_cpu_s = render_all(p, out, err);
	t[2] = mono();
	c[2] = clock_s(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < p->n_devs; i++) {
		struct pdev *d = p->devs[i];
		d->published = out[i] != NULL;
		if (err[i]) {
			char file[40];
			snprintf(file, sizeof file, "%s.cnf.xml", d->name);
			prov_fail_note(p, file, err[i]);
			/* A broken reference can fail thousands of devices at once: log a sample
			 * and a count, `dialtone files show NAME` gives any one's reason. */
			if (++failed <= 20)
				dt_log(DT_WARN, "prov", d->name, "not published: %s", err[i]);
			free(err[i]);
			continue;
		}
		int r = prov_publish(p, out[i]);
		if (r < 0) {
			rc = dt_errf(e, -r, "prov: out of memory publishing files");
			for (size_t k = i + 1; k < p->n_devs; k++) {
				prov_file_put(out[k]);
				free(err[k]);
			}
			goto fail;
		}
		changed += r;
	}
	if (failed > 20)
		dt_log(DT_WARN, "prov", NULL, "%zu more device file(s) not published", failed - 20);
	if ((rc = sweep(p, &changed)) != DT_OK) {
		dt_errf(e, rc, "prov: out of memory");
		goto fail;
	}
	if ((rc = prov_build_shared(p, &changed, e)) != DT_OK)
		goto fail;
	p->seq = seq;
	if (nchanged)
		*nchanged = changed;
	/* Phase clocks: wall t*, calling thread's CPU c*; [0] start, [1] read done, [2] rendered.
	 */
	note_stats(p, t, c);
fail:
	if (out)
		dt_free(DT_MEM_PROV, out);
	if (err)
		dt_free(DT_MEM_PROV, err);
	return rc;
}
