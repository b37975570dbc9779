/* summary: the storm driver: start N phones on one libevent loop at a bounded rate, count each
 * step's latency and each phone's outcome, draw the progress bar, stop at the time bound.
 *
 * Phones run with hold so a registered phone stays registered (refreshing) until the storm ends,
 * as a real boot storm leaves every phone registered; the storm ends when every phone reached an
 * outcome or at max_seconds, whichever is first. Starts are paced by a 10 ms tick (rate/100 per
 * tick, fractional credit carried) so 10,000 phones at 2,000/s do not arrive as one burst.
 */
#include "storm/storm.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/mem.h"
#include "phone/phone.h"

#define TICK_MS 10

struct storm {
	const struct storm_opts *o;
	struct event_base *base;
	struct phone_env *env;
	struct phone **phones;
	struct timeval *t_start; /* per phone: when it was started */
	char (*macs)[13];
	int n, started, done;
	double credit;
	struct timeval t0;
	struct storm_stats *st;
	struct event *tick, *bar, *deadline;
};

static uint64_t
since_us(const struct timeval *a)
{
	struct timeval now;
	gettimeofday(&now, NULL);
	int64_t d = (int64_t)(now.tv_sec - a->tv_sec) * 1000000 + (now.tv_usec - a->tv_usec);
	return d < 0 ? 0 : (uint64_t)d;
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void
on_step(void *arg, struct phone *ph, int step, int ok, uint64_t dur_us)
{
	struct storm *s = arg;
	if (ok && step > 0 && step < DT_STEP__COUNT)
		storm_series_add(&s->st->step_us[step], clamp32(dur_us));
}

static void
on_done(void *arg, struct phone *ph)
{
	struct storm *s = arg;
	int i = phone_id(ph);
	if (i < 0 || i >= s->n || s->t_start[i].tv_sec == 0)
		return; /* reported already (a held phone that later failed over is not recounted)
			 */
	if (phone_outcome(ph) == PHONE_REGISTERED) {
		s->st->registered++;
		storm_series_add(&s->st->boot_us, clamp32(since_us(&s->t_start[i])));
		storm_series_add(&s->st->reg_at_us, clamp32(since_us(&s->t0)));
	} else {
		storm_stats_fail(s->st, phone_failed_step(ph), phone_reason_class(ph),
				 phone_reason(ph));
	}
	s->t_start[i].tv_sec = 0;
	if (++s->done == s->n)
		event_base_loopbreak(s->base);
}

static void
start_some(evutil_socket_t fd, short what, void *arg)
{
	struct storm *s = arg;
	int batch = s->n;
	if (s->o->rate > 0) {
		s->credit += s->o->rate * TICK_MS / 1000.0;
		batch = (int)s->credit;
		s->credit -= batch;
	}
	for (int k = 0; k < batch && s->started < s->n; k++) {
		int i = s->started++;
		gettimeofday(&s->t_start[i], NULL);
		phone_start(s->phones[i]);
	}
	if (s->started < s->n) {
		struct timeval tv = {0, TICK_MS * 1000};
		evtimer_add(s->tick, &tv);
	}
}

static void
draw_bar(evutil_socket_t fd, short what, void *arg)
{
	struct storm *s = arg;
	if (s->o->progress_cb) {
		struct timeval tv = {0, 200000};
		s->o->progress_cb(s->o->progress_arg, s->started, s->st->registered, s->st->failed);
		if (what != 0)
			evtimer_add(s->bar, &tv);
		return;
	}
	int width = 40, fill = s->n ? (int)((long)width * s->done / s->n) : width;
	char bar[64];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(width - fill));
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %d/%d started %d registered %d failed %.1fs ", bar, s->started,
		s->n, s->st->registered, s->st->failed, since_us(&s->t0) / 1e6);
	fflush(stderr);
	if (what != 0) {
		struct timeval tv = {0, 200000};
		evtimer_add(s->bar, &tv);
	}
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(((struct storm *)arg)->base);
}

int
storm_phones_per_proc(long nofile)
{
	/* 64 descriptors for the process (stdio, relay socket, event base, log); a fifth of the
	 * rest for fetch connections of phones still booting beside their SIP socket. */
	long n = (nofile - 64) * 4 / 5;
	if (n < 1)
		return 1;
	return n > STORM_MAX_PHONES ? STORM_MAX_PHONES : (int)n;
}

static int
make_phones(struct storm *s, struct dt_errbuf *e)
{
	const struct storm_opts *o = s->o;
	for (int i = 0; i < s->n; i++) {
		struct phone_opts po = {.hold = 1, .id = i};
		if (o->macs_file)
			memcpy(po.mac, s->macs[o->first + i], 13);
		else
			storm_mac_gen(o->first + i, po.mac);
		snprintf(po.model, sizeof po.model, "%s", o->model);
		int rc = phone_new(s->env, &po, &s->phones[i], e);
		if (rc)
			return rc;
	}
	return DT_OK;
}

int
storm_run(const struct storm_opts *o, struct storm_stats *st, double *elapsed_s,
	  struct dt_errbuf *e)
{
	struct storm s = {.o = o, .n = o->phones, .st = st};
	struct phone_env_opts eo = {
	    .server = o->server,
	    .relay = o->relay,
	    .log = o->log,
	    .json = o->json,
	    .timeout_ms = o->timeout_ms,
	    .retries = o->retries,
	    .on_step = on_step,
	    .on_done = on_done,
	    .arg = &s,
	};
	int rc = DT_OK;

	memset(st, 0, sizeof *st);
	if (s.n < 1 || s.n > STORM_MAX_PHONES)
		return dt_errf(e, DT_EUSAGE, "phones: %d not in 1..%d", s.n, STORM_MAX_PHONES);
	s.phones = dt_calloc(DT_MEM_PHONE, (size_t)s.n, sizeof *s.phones);
	s.t_start = dt_calloc(DT_MEM_PHONE, (size_t)s.n, sizeof *s.t_start);
	s.base = event_base_new();
	if (!s.phones || !s.t_start || !s.base) {
		rc = dt_errf(e, DT_ENOMEM, "storm: out of memory");
		goto out;
	}
	if (o->macs_file) {
		int got = 0;
		int want = o->first + s.n; /* a --procs worker takes its slice of the list */
		s.macs = dt_calloc(DT_MEM_PHONE, (size_t)want, sizeof *s.macs);
		if (!s.macs) {
			rc = dt_errf(e, DT_ENOMEM, "storm: out of memory");
			goto out;
		}
		rc = storm_macs_read(o->macs_file, s.macs, want, &got, e);
		if (rc == DT_ERANGE)
			rc = DT_OK; /* more MACs than phones: take the first N */
		else if (rc == DT_OK && got < want)
			rc = dt_errf(e, DT_EINVAL, "macs: %s holds %d MACs, --phones asks %d",
				     o->macs_file, got, want);
		if (rc)
			goto out;
	}
	if ((rc = phone_env_new(s.base, &eo, &s.env, e)) || (rc = make_phones(&s, e)))
		goto out;
	s.tick = evtimer_new(s.base, start_some, &s);
	s.bar = evtimer_new(s.base, draw_bar, &s);
	s.deadline = evtimer_new(s.base, on_deadline, &s);
	int bound =
	    o->max_seconds > 0 ? o->max_seconds : 60 + (o->rate > 0 ? (int)(s.n / o->rate) : 0);
	struct timeval dl = {bound, 0}, now = {0, 0};
	evtimer_add(s.deadline, &dl);
	evtimer_add(s.tick, &now);
	if (o->progress || o->progress_cb)
		evtimer_add(s.bar, &now);
	gettimeofday(&s.t0, NULL);
	st->t0 = s.t0;
	event_base_dispatch(s.base);
	*elapsed_s = since_us(&s.t0) / 1e6;
	if (o->progress || o->progress_cb) {
		draw_bar(-1, 0, &s);
		if (!o->progress_cb)
			fputc('\n', stderr);
	}
	for (int i = 0; i < s.n; i++)
		if (s.t_start[i].tv_sec != 0 || i >= s.started)
			storm_stats_unfinished(st,
					       i < s.started ? phone_failed_step(s.phones[i]) : 0);
out:
	if (s.tick)
		event_free(s.tick);
	if (s.bar)
		event_free(s.bar);
	if (s.deadline)
		event_free(s.deadline);
	for (int i = 0; s.phones && i < s.n; i++)
		phone_free(s.phones[i]);
	phone_env_free(s.env);
	if (s.base)
		event_base_free(s.base);
	dt_free(DT_MEM_PHONE, s.phones);
	dt_free(DT_MEM_PHONE, s.t_start);
	dt_free(DT_MEM_PHONE, s.macs);
	return rc;
}
