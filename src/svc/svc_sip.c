/* summary: the SIP registrar service (`serve` service "sip"): registrar state fed from the store,
 * UDP/TCP/TLS listeners (svc_sip_net.c), expiry and control timers, batched persistence.
 *
 * Design: the registrar (src/sip/) is pure logic over in-memory tables; this file wires it to the
 * loop. Provisioning (which DN may register from which device, and who must authenticate) is
 * copied from the store into the registrar at start and updated from the change log after every
 * database change (svc_sip_prov.c), so no REGISTER waits on SQLite. Bindings and states are written
 * every [sip] persist_ms in one transaction (loss window: persist_ms; one fsync per batch, none per
 * REGISTER) and reloaded at start. `dialtone device reset|apply-config` (another process) queues a
 * row in sip_control; the tick below sends the NOTIFY and records the outcome (state 4 while a
 * connection to the phone is being opened, svc_sip_connect.c).
 */
#include "svc/svc_sip_priv.h"

#include <event2/bufferevent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"
#include "store/store_sip.h"

#define TICK_MS 250

#define REJECT_LOGS_PER_S 20 /* rejection/malformed lines per second before they are summed up */

static void
log_flush(struct sip_svc *s, time_t now)
{
	if (now == s->log_second)
		return;
	if (s->log_suppressed)
		dt_log(DT_WARN, "sip", NULL, "%llu more rejected or malformed requests not logged",
		       (unsigned long long)s->log_suppressed);
	s->log_second = now;
	s->log_lines = 0;
	s->log_suppressed = 0;
}

/* Whether one more rejection line may be written this second: a scanner or a broken phone sending
 * thousands of bad requests gets 20 lines a second and one "suppressed" count, not a log flood. */
static int
log_budget(struct sip_svc *s)
{
	log_flush(s, time(NULL));
	if (s->log_lines < REJECT_LOGS_PER_S) {
		s->log_lines++;
		return 1;
	}
	s->log_suppressed++;
	return 0;
}

static void
log_outcome(struct sip_svc *s, const struct reg_outcome *oc, const struct sip_msg *m,
	    const struct reg_src *src)
{
	const char *dev = oc->device[0] ? oc->device : NULL;
	const char *tr = reg_transport_name(src->transport);
	int method_len = (int)m->method_name.len, level;
	if (oc->event == REG_EV_REGISTER || oc->event == REG_EV_UNREGISTER) {
		if (oc->partial)
			dt_log(DT_INFO, "sip", dev,
			       "%s %s from %s:%u/%s: partially registered, %d of %d lines",
			       oc->event == REG_EV_REGISTER ? "registered" : "unregistered",
			       oc->aor, src->ip, src->port, tr, oc->lines_bound, oc->lines_total);
		else
			dt_log(DT_INFO, "sip", dev, "%s %s from %s:%u/%s",
			       oc->event == REG_EV_REGISTER ? "registered" : "unregistered",
			       oc->aor, src->ip, src->port, tr);
		return;
	}
	/* an ordinary miss (unknown AOR, a challenge) is info or debug, a real rejection a warning
	 */
	level = oc->status < 400 || oc->status == 401 ? DT_DEBUG : oc->quiet ? DT_INFO : DT_WARN;
	if (!dt_log_enabled(level) || (level >= DT_INFO && !log_budget(s)))
		return;
	dt_log(level, "sip", dev, "%.*s %s from %s:%u/%s answered %d %s", method_len,
	       m->method_name.p, oc->aor[0] ? oc->aor : "-", src->ip, src->port, tr, oc->status,
	       oc->why ? oc->why : "");
}

int
sip_svc_process(struct sip_svc *s, struct sip_msg *m, int parse_rc, const struct reg_src *src,
		char *out, size_t cap)
{
	struct reg_outcome oc;
	int n;
	s->n_rx++;
	if (parse_rc != DT_OK) {
		s->n_bad++;
		n = reg_reject_malformed(s->reg, m, out, cap);
		if (dt_log_enabled(DT_WARN) && log_budget(s))
			dt_log(DT_WARN, "sip", NULL, "malformed message from %s:%u/%s: %s%s",
			       src->ip, src->port, reg_transport_name(src->transport),
			       sip_fault_why(m->fault), n > 0 ? "" : " (dropped)");
		return n;
	}
	n = reg_handle(s->reg, m, src, time(NULL), out, cap, &oc);
	if (n > 0 || oc.status)
		log_outcome(s, &oc, m, src);
	if (n > 0)
		s->n_tx++;
	return n;
}

void
sip_svc_control_done(struct sip_svc *s, const struct sip_ctl *ctl, int state, const char *detail)
{
	struct dt_errbuf e = {0, ""};
	dt_log(state == 1 ? DT_INFO : DT_WARN, "sip", ctl->device, "%s: %s", ctl->action, detail);
	if (state == 3)
		reg_notify_failed(s->reg, ctl->device);
	if (store_sip_control_done(s->ctx->store, ctl->id, state, detail, &e) != DT_OK)
		dt_log(DT_WARN, "sip", ctl->device, "control: %s", e.msg);
}

static int
send_control(int64_t id, const char *device, const char *action, void *arg)
{
	struct sip_svc *s = arg;
	char buf[SIP_TX_MAX], contact[256], local[80];
	struct sip_ctl ctl = {.id = id};
	struct reg_src dst;
	struct dt_errbuf e = {0, ""};
	int n, rc;
	snprintf(ctl.device, sizeof ctl.device, "%s", device);
	snprintf(ctl.action, sizeof ctl.action, "%s", action);
	if (reg_notify_target(s->reg, device, &dst, contact, sizeof contact) != DT_OK) {
		sip_svc_control_done(s, &ctl, 2, "device is not registered");
		return 0;
	}
	/* Via/From name the address and port the phone registered to */
	sip_net_local(s, &dst, local, sizeof local);
	n = reg_notify_build(s->reg, device, action, local, time(NULL), &dst, buf, sizeof buf);
	if (n < 0) {
		sip_svc_control_done(s, &ctl, n == -DT_ENOENT ? 2 : 3,
				     n == -DT_ENOENT ? "device is not registered"
						     : "NOTIFY could not be built");
		return 0;
	}
	rc = sip_net_send(s, &dst, contact, buf, (size_t)n, &ctl, &e);
	if (rc == DT_EAGAIN) {
		/* state 4: taken; the outcome comes when the connection is up or failed */
		dt_log(DT_INFO, "sip", device, "%s: %s", action, e.msg);
		if (store_sip_control_done(s->ctx->store, id, 4, e.msg, &e) != DT_OK)
			dt_log(DT_WARN, "sip", device, "control: %s", e.msg);
		return 0;
	}
	sip_svc_control_done(s, &ctl, rc == DT_OK ? 1 : 3, e.msg);
	return 0;
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sip_svc *s = arg;
	struct dt_errbuf e = {0, ""};
	time_t now = time(NULL);
	/* Why once a second: expiry times are whole seconds, and a sweep walks every binding and
	 * device (100,000 phones: 200,000 items), which four times a second is idle CPU for
	 * nothing. */
	if (now != s->last_expire) {
		reg_expire(s->reg, now);
		s->last_expire = now;
	}
	sip_net_reap(s, now);
	log_flush(s, now);
	if (store_sip_control_queued(s->ctx->store, send_control, s, &e) != DT_OK)
		dt_log(DT_WARN, "sip", NULL, "control queue: %s", e.msg);
}

static void
on_persist(evutil_socket_t fd, short what, void *arg)
{
	struct sip_svc *s = arg;
	struct dt_errbuf e = {0, ""};
	int rc;

	/* Never wait for the lock on the event loop: a CLI import can hold it for seconds, and a
	 * writer on this thread (the DHCP batch) could only release it once we return. */
	store_busy_wait(s->ctx->store, 0);
	rc = store_sip_save(s->ctx->store, s->reg, &e);
	store_busy_wait(s->ctx->store, 1);
	if (rc == DT_EBUSY) {
		s->n_persist_busy++;
		dt_log(DT_DEBUG, "sip", NULL,
		       "database busy: registrations saved on the next tick");
	} else if (rc != DT_OK) {
		s->n_persist_fail++;
		dt_log(DT_WARN, "sip", NULL, "persisting registrations failed: %s", e.msg);
	}
}

static void
sip_stop(void *state)
{
	struct sip_svc *s = state;
	struct dt_errbuf e = {0, ""};
	if (!s)
		return;
	if (s->tick_ev)
		event_free(s->tick_ev);
	if (s->persist_ev)
		event_free(s->persist_ev);
	sip_net_close_all(s);
	if (s->reg && s->ctx->store && store_sip_save(s->ctx->store, s->reg, &e) != DT_OK)
		dt_log(DT_WARN, "sip", NULL, "final save failed: %s", e.msg);
	if (s->ssl)
		SSL_CTX_free(s->ssl);
	if (s->ssl_client)
		SSL_CTX_free(s->ssl_client);
	sip_txc_free(s);
	if (s->rxbuf)
		dt_free(DT_MEM_SIP, s->rxbuf);
	if (s->txbuf)
		dt_free(DT_MEM_SIP, s->txbuf);
	reg_free(s->reg);
	dt_free(DT_MEM_SIP, s);
}

static void
config_from(const struct dt_conf *c, struct reg_config *rc)
{
	reg_config_defaults(rc);
	rc->min_expires = c->sip.min_expires;
	rc->max_expires = c->sip.max_expires;
	rc->granted_expires = c->sip.granted_expires;
	rc->digest_sha256 = c->sip.digest_sha256;
	snprintf(rc->realm, sizeof rc->realm, "%s",
		 c->sip.realm[0] ? c->sip.realm
		 : c->cluster[0] ? c->cluster
				 : "dialtone");
}

static int
start_timers(struct sip_svc *s, struct dt_errbuf *e)
{
	struct timeval tick = {0, TICK_MS * 1000};
	int ms = s->ctx->conf->sip.persist_ms ? s->ctx->conf->sip.persist_ms : 1000;
	struct timeval pt = {ms / 1000, (ms % 1000) * 1000};
	s->tick_ev = event_new(s->ctx->base, -1, EV_PERSIST, on_tick, s);
	s->persist_ev = event_new(s->ctx->base, -1, EV_PERSIST, on_persist, s);
	if (!s->tick_ev || !s->persist_ev || event_add(s->tick_ev, &tick) ||
	    event_add(s->persist_ev, &pt))
		return dt_errf(e, DT_ENOMEM, "sip: timers");
	return DT_OK;
}

static int
sip_start(struct dt_ctx *ctx, void **state, struct dt_errbuf *e)
{
	struct sip_svc *s = dt_calloc(DT_MEM_SIP, 1, sizeof *s);
	struct reg_config rc;
	size_t restored = 0;
	int r;
	*state = s;
	if (!s)
		return dt_errf(e, DT_ENOMEM, "sip: out of memory");
	s->ctx = ctx;
	config_from(ctx->conf, &rc);
	if (!(s->reg = reg_new(&rc)))
		return dt_errf(e, DT_ENOMEM, "sip: out of memory");
	s->rxbuf = dt_malloc(DT_MEM_SIP, (size_t)SIP_UDP_BATCH * (SIP_UDP_MAX + 1));
	s->txbuf = dt_malloc(DT_MEM_SIP, (size_t)SIP_UDP_BATCH * SIP_TX_MAX);
	if (sip_txc_init(s) != DT_OK || !s->rxbuf || !s->txbuf)
		return dt_errf(e, DT_ENOMEM, "sip: out of memory");
	if ((r = sip_prov_load(s, e)) != DT_OK)
		return r;
	if ((r = store_sip_load(ctx->store, s->reg, time(NULL), &restored, e)) != DT_OK)
		return r;
	s->ssl = sip_tls_ctx(ctx->conf->data_dir,
			     ctx->conf->node_name[0] ? ctx->conf->node_name : "dialtone", e);
	if (!s->ssl)
		return e ? e->code : DT_EIO;
	if ((r = sip_net_open(s, e)) != DT_OK || (r = start_timers(s, e)) != DT_OK)
		return r;
	char addrs[DT_CONF_MAX_LISTEN * 64] = "";
	for (int i = 0, k = 0; i < s->n_lis && k < (int)sizeof addrs; i++)
		k += snprintf(addrs + k, sizeof addrs - (size_t)k, "%s%s", i ? "," : "",
			      s->lis[i].addr);
	dt_log(DT_INFO, "sip", NULL,
	       "registrar on %s udp/tcp %d tls %d realm \"%s\": %zu bindings restored", addrs,
	       ctx->conf->sip.port, ctx->conf->sip.tls_port, rc.realm, restored);
	return DT_OK;
}

static void
sip_stats(void *state, char *buf, size_t cap)
{
	struct sip_svc *s = state;
	snprintf(buf, cap,
		 "rx=%llu tx=%llu retrans=%llu bad=%llu bindings=%zu conns=%d refused=%llu "
		 "persist_fail=%llu persist_busy=%llu connect=%llu connect_fail=%llu mem=%zu",
		 (unsigned long long)s->n_rx, (unsigned long long)s->n_tx,
		 (unsigned long long)s->n_retrans, (unsigned long long)s->n_bad,
		 reg_binding_count(s->reg), s->n_conns, (unsigned long long)s->n_conn_refused,
		 (unsigned long long)s->n_persist_fail, (unsigned long long)s->n_persist_busy,
		 (unsigned long long)s->n_connect, (unsigned long long)s->n_connect_fail,
		 dt_mem_used(DT_MEM_SIP));
}

static void
sip_db_changed(void *state)
{
	struct sip_svc *s = state;
	struct dt_errbuf e = {0, ""};
	int full = 0;
	if (sip_prov_update(s, &full, &e) != DT_OK)
		dt_log(DT_WARN, "sip", NULL, "provisioning update failed (keeping the old): %s",
		       e.msg);
}

const struct dt_service dt_svc_sip = {
    .name = "sip",
    .bit = DT_SVC_SIP,
    .start = sip_start,
    .stop = sip_stop,
    .stats = sip_stats,
    .db_changed = sip_db_changed,
};
