/* summary: `dialtone serve` runtime: start services on one event loop, watch the database, stop.
 *
 * Design: one thread, one libevent base (docs/decisions.md "one event loop"). Every service
 * registers its sockets and timers on it. A 20 ms timer asks prov_refresh() whether the database
 * changed (one PRAGMA data_version query when nothing did) — that is how a change made by a
 * separate `dialtone device set` process reaches the files served here within the 100 ms the issue
 * asks: worst case 20 ms until the probe plus the rebuild of the affected files. Services that
 * cache database facts are told through their db_changed hook after each refresh that changed
 * something.
 */
#include "svc/serve.h"
#include "core/log.h"
#include "core/mem.h"
#include "prov/prov.h"
#include "store/store.h"
#include "svc/svc.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define REFRESH_MS 20
#define STATS_S	   60

struct running {
	const struct dt_service *svc;
	void *state;
};

struct serve {
	struct dt_ctx ctx;
	struct running run[16];
	int n_run;
	struct event *refresh_ev, *stats_ev, *sigint_ev, *sigterm_ev;
};

static void
on_refresh(evutil_socket_t fd, short what, void *arg)
{
	struct serve *s = arg;
	struct dt_errbuf e = {0, ""};
	int64_t seq = prov_applied_seq(s->ctx.prov);
	int changed = 0;

	if (prov_refresh(s->ctx.prov, &changed, &e) != DT_OK) {
		/* Keep serving the files we have: a busy or failing database must not stop phones
		 * from booting on the last good configuration. */
		dt_log(DT_WARN, "serve", NULL, "refresh of generated files failed: %s", e.msg);
		return;
	}
	/* Services cache more than the files show (the registrar's digest flags come from SIP
	 * profiles): any applied change-log entry is news to them, a file change or not. */
	if (changed == 0 && prov_applied_seq(s->ctx.prov) == seq)
		return;
	dt_log(DT_DEBUG, "serve", NULL, "database changed: %d file(s) rebuilt", changed);
	for (int i = 0; i < s->n_run; i++)
		if (s->run[i].svc->db_changed)
			s->run[i].svc->db_changed(s->run[i].state);
}

static void
on_stats(evutil_socket_t fd, short what, void *arg)
{
	struct serve *s = arg;
	char line[512];

	for (int i = 0; i < s->n_run; i++) {
		if (!s->run[i].svc->stats)
			continue;
		line[0] = '\0';
		s->run[i].svc->stats(s->run[i].state, line, sizeof line);
		dt_log(DT_INFO, s->run[i].svc->name, NULL, "stats %s", line);
	}
	dt_log(DT_INFO, "serve", NULL,
	       "memory total=%zu store=%zu prov=%zu tftp=%zu http=%zu dhcp=%zu sip=%zu",
	       dt_mem_used(DT_MEM__COUNT), dt_mem_used(DT_MEM_STORE), dt_mem_used(DT_MEM_PROV),
	       dt_mem_used(DT_MEM_TFTP), dt_mem_used(DT_MEM_HTTP), dt_mem_used(DT_MEM_DHCP),
	       dt_mem_used(DT_MEM_SIP));
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct serve *s = arg;
	dt_log(DT_INFO, "serve", NULL, "signal %d: stopping", (int)sig);
	event_base_loopbreak(s->ctx.base);
}

static void
stop_all(struct serve *s)
{
	/* Reverse order: a service may depend on one started before it. */
	while (s->n_run > 0) {
		struct running *r = &s->run[--s->n_run];
		r->svc->stop(r->state);
		dt_log(DT_INFO, r->svc->name, NULL, "stopped");
	}
}

static int
start_all(struct serve *s, struct dt_errbuf *e)
{
	unsigned wanted = s->ctx.conf->services, started = 0;

	for (int i = 0; dt_services[i]; i++) {
		const struct dt_service *svc = dt_services[i];
		void *state = NULL;
		if (!(wanted & svc->bit))
			continue;
		if (s->n_run == (int)(sizeof s->run / sizeof s->run[0]))
			return dt_errf(e, DT_EBUSY, "serve: too many services");
		if (svc->start(&s->ctx, &state, e) != DT_OK) {
			svc->stop(state);
			return e->code ? e->code : DT_EIO;
		}
		s->run[s->n_run].svc = svc;
		s->run[s->n_run].state = state;
		s->n_run++;
		started |= svc->bit;
	}
	/* `--only` naming a service this build lacks is a usage error, not a silent no-op. */
	if ((wanted & ~started) && wanted != DT_SVC_ALL)
		return dt_errf(e, DT_EINVAL, "services: not available in this build: 0x%x",
			       wanted & ~started);
	if (s->n_run == 0)
		return dt_errf(e, DT_EINVAL, "services: none to run");
	return DT_OK;
}

static int
add_events(struct serve *s, struct dt_errbuf *e)
{
	struct timeval refresh = {0, REFRESH_MS * 1000}, stats = {STATS_S, 0};
	struct event_base *b = s->ctx.base;

	s->refresh_ev = event_new(b, -1, EV_PERSIST, on_refresh, s);
	s->stats_ev = event_new(b, -1, EV_PERSIST, on_stats, s);
	s->sigint_ev = evsignal_new(b, SIGINT, on_signal, s);
	s->sigterm_ev = evsignal_new(b, SIGTERM, on_signal, s);
	if (!s->refresh_ev || !s->stats_ev || !s->sigint_ev || !s->sigterm_ev)
		return dt_errf(e, DT_ENOMEM, "serve: cannot create events");
	event_add(s->refresh_ev, &refresh);
	event_add(s->stats_ev, &stats);
	event_add(s->sigint_ev, NULL);
	event_add(s->sigterm_ev, NULL);
	return DT_OK;
}

static void
free_events(struct serve *s)
{
	struct event *evs[] = {s->refresh_ev, s->stats_ev, s->sigint_ev, s->sigterm_ev};
	for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
		if (evs[i])
			event_free(evs[i]);
}

static void
services_text(unsigned bits, char *out, size_t cap)
{
	static const char *const names[] = {"tftp", "http", "dhcp", "sip", "admin"};
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < 5; i++)
		if (bits & (1u << i))
			n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
					      names[i]);
}

int
serve_run(const struct dt_conf *conf, struct dt_errbuf *e)
{
	struct serve s;
	char services[64];
	int rc;

	memset(&s, 0, sizeof s);
	s.ctx.conf = conf;
	s.ctx.listen_addr = conf->listen[0];
	/* A peer closing a TCP connection mid-write must not kill the whole server. */
	signal(SIGPIPE, SIG_IGN);

	if ((rc = store_open(conf->data_dir, &s.ctx.store, e)) != DT_OK)
		return rc;
	services_text(conf->services, services, sizeof services);
	if ((rc = store_node_ensure(s.ctx.store, conf->node_name, conf->listen[0], services, e)) !=
	    DT_OK)
		goto out;
	if ((rc = prov_open(s.ctx.store, conf, &s.ctx.prov, e)) != DT_OK)
		goto out;
	s.ctx.base = event_base_new();
	if (!s.ctx.base) {
		rc = dt_errf(e, DT_ENOMEM, "serve: cannot create the event loop");
		goto out;
	}
	if ((rc = add_events(&s, e)) != DT_OK || (rc = start_all(&s, e)) != DT_OK)
		goto out;
	dt_log(DT_INFO, "serve", NULL, "ready: node %s, data %s, %d service(s)", conf->node_name,
	       conf->data_dir, s.n_run);
	if (event_base_dispatch(s.ctx.base) < 0)
		rc = dt_errf(e, DT_EIO, "serve: event loop failed");
out:
	stop_all(&s);
	free_events(&s);
	if (s.ctx.base)
		event_base_free(s.ctx.base);
	if (s.ctx.prov)
		prov_close(s.ctx.prov);
	store_close(s.ctx.store);
	if (rc == DT_OK)
		dt_log(DT_INFO, "serve", NULL, "stopped cleanly");
	return rc;
}
