/* summary: `storm --procs N`: one storm spread over N forked worker processes, so no process holds
 * more sockets than its open-file limit allows (one per registered phone), with one progress bar
 * and one merged table in the parent.
 *
 * Each worker runs the ordinary event-loop storm (storm_run) on its slice of the phones and its
 * own relay address, and writes framed records to a pipe: 'P' progress (every 200 ms), then one
 * 'R' result (its statistics, raw samples included, so the parent's percentiles are exact) or 'E'
 * (the error that kept its storm from starting). Records are the in-memory structs of the same
 * binary on the same host: no portable encoding is needed between a fork's parent and child.
 */
#include "storm/storm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/mem.h"

struct rec_progress {
	int started, registered, failed;
};

struct rec_result {
	int registered, failed, unfinished, n_fails;
	struct storm_fail_row fails[STORM_MAX_FAIL_ROWS];
	struct timeval t0;
	double elapsed_s;
	uint32_t n[DT_STEP__COUNT + 2]; /* sample counts: steps, boot_us, reg_at_us; then samples */
};

struct worker {
	pid_t pid;
	int fd; /* read end, -1 at EOF */
	unsigned char *buf;
	size_t len, cap, off; /* off: first byte not yet parsed */
	struct rec_progress prog;
	int got_result;
	struct storm_stats st;
	double elapsed_s;
	char err[512];
};

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
write_rec(int fd, char type, const void *a, size_t alen, const void *b, size_t blen)
{
	uint32_t len = (uint32_t)(alen + blen);
	return write_all(fd, &type, 1) || write_all(fd, &len, sizeof len) ||
		       write_all(fd, a, alen) || (blen && write_all(fd, b, blen))
		   ? -1
		   : 0;
}

static void
child_progress(void *arg, int started, int registered, int failed)
{
	struct rec_progress p = {started, registered, failed};
	write_rec(*(int *)arg, 'P', &p, sizeof p, NULL, 0);
}

static struct storm_series *
series_at(struct storm_stats *st, int i)
{
	return i < DT_STEP__COUNT    ? &st->step_us[i]
	       : i == DT_STEP__COUNT ? &st->boot_us
				     : &st->reg_at_us;
}

/* The worker's result: the fixed part, then every series' samples back to back. */
static int
child_result(int fd, struct storm_stats *st, double elapsed_s)
{
	struct rec_result r;
	size_t total = 0, at = 0;
	memset(&r, 0, sizeof r);
	r.registered = st->registered;
	r.failed = st->failed;
	r.unfinished = st->unfinished;
	r.n_fails = st->n_fails;
	memcpy(r.fails, st->fails, sizeof r.fails);
	r.t0 = st->t0;
	r.elapsed_s = elapsed_s;
	for (int i = 0; i < DT_STEP__COUNT + 2; i++) {
		r.n[i] = (uint32_t)series_at(st, i)->n;
		total += r.n[i];
	}
	uint32_t *v = dt_malloc(DT_MEM_PHONE, total ? total * sizeof *v : 1);
	if (!v)
		return -1;
	for (int i = 0; i < DT_STEP__COUNT + 2; i++) {
		if (r.n[i]) /* an empty series has no buffer (v NULL) */
			memcpy(v + at, series_at(st, i)->v, r.n[i] * sizeof *v);
		at += r.n[i];
	}
	int rc = write_rec(fd, 'R', &r, sizeof r, v, total * sizeof *v);
	dt_free(DT_MEM_PHONE, v);
	return rc;
}

static void
run_child(const struct storm_opts *o, int k, int procs, int fd)
{
	struct storm_opts wo = *o;
	struct storm_stats st;
	struct dt_errbuf e = {0, ""};
	double elapsed = 0;
	int lo = (int)((long)o->phones * k / procs), hi = (int)((long)o->phones * (k + 1) / procs);

	wo.first = o->first + lo;
	wo.phones = hi - lo;
	wo.relay.s_addr = htonl(ntohl(o->relay.s_addr) + (uint32_t)k);
	wo.rate = o->rate > 0 ? o->rate / procs : 0;
	wo.progress = 0;
	wo.progress_cb = child_progress;
	wo.progress_arg = &fd;
	if (wo.log)
		setvbuf(wo.log, NULL, _IOLBF,
			0); /* whole lines from each worker, not interleaved */
	int rc = storm_run(&wo, &st, &elapsed, &e);
	if (rc != DT_OK) {
		write_rec(fd, 'E', e.msg, strlen(e.msg) + 1, NULL, 0);
		_exit(1);
	}
	rc = child_result(fd, &st, elapsed);
	if (wo.log)
		fflush(wo.log);
	_exit(rc == 0 ? 0 : 1);
}

/* Parse the complete records buffered from a worker. */
static void
parse(struct worker *w)
{
	while (w->len - w->off >= 5) {
		unsigned char *p = w->buf + w->off;
		uint32_t len;
		memcpy(&len, p + 1, sizeof len);
		if (w->len - w->off < 5 + (size_t)len)
			return;
		const unsigned char *body = p + 5;
		if (p[0] == 'P' && len == sizeof w->prog) {
			memcpy(&w->prog, body, sizeof w->prog);
		} else if (p[0] == 'E') {
			snprintf(w->err, sizeof w->err, "%.*s", (int)len, (const char *)body);
		} else if (p[0] == 'R' && len >= sizeof(struct rec_result)) {
			struct rec_result r;
			memcpy(&r, body, sizeof r);
			const uint32_t *v = (const uint32_t *)(const void *)(body + sizeof r);
			size_t avail = (len - sizeof r) / sizeof *v, at = 0;
			w->st.registered = r.registered;
			w->st.failed = r.failed;
			w->st.unfinished = r.unfinished;
			w->st.n_fails = r.n_fails < STORM_MAX_FAIL_ROWS ? r.n_fails : 0;
			memcpy(w->st.fails, r.fails, sizeof r.fails);
			w->st.t0 = r.t0;
			w->elapsed_s = r.elapsed_s;
			for (int i = 0; i < DT_STEP__COUNT + 2; i++)
				for (uint32_t j = 0; j < r.n[i] && at < avail; j++, at++) {
					uint32_t x;
					memcpy(&x, v + at, sizeof x);
					storm_series_add(series_at(&w->st, i), x);
				}
			w->got_result = 1;
		}
		w->off += 5 + (size_t)len;
	}
}

static int
read_some(struct worker *w)
{
	if (w->cap - w->len < 65536) {
		size_t cap = w->cap ? w->cap * 2 : 1 << 17;
		unsigned char *nb = dt_realloc(DT_MEM_PHONE, w->buf, cap);
		if (!nb)
			return -1;
		w->buf = nb;
		w->cap = cap;
	}
	ssize_t n = read(w->fd, w->buf + w->len, w->cap - w->len);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	w->len += (size_t)n;
	parse(w);
	/* Keep the buffer small while only progress records flow. */
	if (w->off == w->len) {
		w->off = 0;
		w->len = 0;
	}
	return 0;
}

static void
draw(struct worker *ws, int procs, int n, const struct timeval *t0)
{
	int started = 0, reg = 0, failed = 0, width = 40;
	struct timeval now;
	char bar[64];
	for (int k = 0; k < procs; k++) {
		started += ws[k].got_result
			       ? ws[k].st.registered + ws[k].st.failed + ws[k].st.unfinished
			       : ws[k].prog.started;
		reg += ws[k].got_result ? ws[k].st.registered : ws[k].prog.registered;
		failed += ws[k].got_result ? ws[k].st.failed : ws[k].prog.failed;
	}
	int fill = n ? (int)((long)width * (reg + failed) / n) : width;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(width - fill));
	bar[width] = '\0';
	gettimeofday(&now, NULL);
	fprintf(stderr, "\r[%s] %d/%d started %d registered %d failed %.1fs (%d processes) ", bar,
		started, n, reg, failed,
		(double)(now.tv_sec - t0->tv_sec) + (now.tv_usec - t0->tv_usec) / 1e6, procs);
	fflush(stderr);
}

int
storm_run_procs(const struct storm_opts *o, int procs, struct storm_stats *st, double *elapsed_s,
		struct dt_errbuf *e)
{
	struct worker *ws;
	struct timeval t_start;
	int rc = DT_OK, open_fds = 0;

	memset(st, 0, sizeof *st);
	*elapsed_s = 0;
	if (procs < 1 || procs > STORM_MAX_PROCS || procs > o->phones)
		return dt_errf(e, DT_EUSAGE, "procs: %d not in 1..%d (and at most --phones)", procs,
			       STORM_MAX_PROCS);
	ws = dt_calloc(DT_MEM_PHONE, (size_t)procs, sizeof *ws);
	if (!ws)
		return dt_errf(e, DT_ENOMEM, "storm: out of memory");
	fflush(stdout);
	fflush(stderr);
	gettimeofday(&t_start, NULL);
	for (int k = 0; k < procs; k++) {
		int p[2];
		ws[k].fd = -1;
		if (pipe(p) != 0) {
			rc = dt_errf(e, DT_EIO, "storm: pipe: %s", strerror(errno));
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			close(p[0]);
			close(p[1]);
			rc = dt_errf(e, DT_EIO, "storm: fork: %s", strerror(errno));
			break;
		}
		if (pid == 0) {
			close(p[0]);
			for (int j = 0; j < k; j++)
				if (ws[j].fd >= 0)
					close(ws[j].fd);
			run_child(o, k, procs, p[1]);
		}
		close(p[1]);
		ws[k].pid = pid;
		ws[k].fd = p[0];
		open_fds++;
	}
	/* Every worker stops itself at its --max-seconds; a worker still running 30 s later is
	 * stuck and is killed, so the parent is bounded too. */
	int bound = o->max_seconds > 0 ? o->max_seconds
				       : 60 + (o->rate > 0 ? (int)(o->phones / o->rate) : 0);
	struct timeval last_bar = {0, 0};
	struct pollfd *pf = dt_calloc(DT_MEM_PHONE, (size_t)procs, sizeof *pf);
	while (open_fds > 0 && pf) {
		struct timeval now;
		gettimeofday(&now, NULL);
		if (now.tv_sec - t_start.tv_sec > bound + 30) {
			for (int k = 0; k < procs; k++)
				if (ws[k].fd >= 0 && ws[k].pid > 0)
					kill(ws[k].pid, SIGKILL);
		}
		int np = 0;
		for (int k = 0; k < procs; k++)
			if (ws[k].fd >= 0)
				pf[np++] = (struct pollfd){.fd = ws[k].fd, .events = POLLIN};
		if (poll(pf, (nfds_t)np, 200) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < np; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			for (int k = 0; k < procs; k++)
				if (ws[k].fd == pf[i].fd && read_some(&ws[k]) != 0) {
					close(ws[k].fd);
					ws[k].fd = -1;
					open_fds--;
				}
		}
		gettimeofday(&now, NULL);
		if (o->progress &&
		    (now.tv_sec - last_bar.tv_sec) * 1000000 + (now.tv_usec - last_bar.tv_usec) >=
			200000) {
			draw(ws, procs, o->phones, &t_start);
			last_bar = now;
		}
	}
	dt_free(DT_MEM_PHONE, pf);
	if (o->progress) {
		draw(ws, procs, o->phones, &t_start);
		fputc('\n', stderr);
	}
	long rss_kb = 0;
	for (int k = 0; k < procs; k++) {
		struct rusage ru;
		if (ws[k].pid > 0 && wait4(ws[k].pid, NULL, 0, &ru) > 0)
			rss_kb += ru.ru_maxrss; /* kilobytes on Linux */
	}

	/* Merge: storm-relative times move to the earliest worker's start. */
	struct timeval t0 = {0, 0};
	for (int k = 0; k < procs; k++)
		if (ws[k].got_result && (t0.tv_sec == 0 || timercmp(&ws[k].st.t0, &t0, <)))
			t0 = ws[k].st.t0;
	st->t0 = t0;
	st->procs = procs;
	st->workers_maxrss_kb = rss_kb;
	for (int k = 0; k < procs && rc == DT_OK; k++) {
		if (!ws[k].got_result) {
			rc = dt_errf(e, DT_EIO, "storm: worker %d (pid %d): %s", k, (int)ws[k].pid,
				     ws[k].err[0] ? ws[k].err : "ended without a result");
			break;
		}
		int64_t shift = (int64_t)(ws[k].st.t0.tv_sec - t0.tv_sec) * 1000000 +
				(ws[k].st.t0.tv_usec - t0.tv_usec);
		if (storm_stats_merge(st, &ws[k].st, (uint32_t)(shift > 0 ? shift : 0)) != DT_OK)
			rc = dt_errf(e, DT_ENOMEM, "storm: out of memory");
		double end = (double)shift / 1e6 + ws[k].elapsed_s;
		if (end > *elapsed_s)
			*elapsed_s = end;
	}
	for (int k = 0; k < procs; k++) {
		if (ws[k].fd >= 0)
			close(ws[k].fd);
		storm_stats_free(&ws[k].st);
		dt_free(DT_MEM_PHONE, ws[k].buf);
	}
	dt_free(DT_MEM_PHONE, ws);
	if (rc != DT_OK)
		storm_stats_free(st);
	return rc;
}
