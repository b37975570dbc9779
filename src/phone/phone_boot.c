/* summary: the phone's step machine: steps 1-14 of shared/spec/README.md in order, one console
 * line per step, failure naming the step where the boot stopped.
 *
 * Every step runs from ph->defer (a fresh loop iteration), so no step starts inside the callback
 * of the previous one. Per-step behaviour that is not obvious:
 *  4-5  CTL/ITL not found is normal in a non-secure cluster: logged "not-found", boot goes on.
 *  6    SEP<MAC>.cnf.xml not found → XMLDefault.cnf.xml (autoregistration), as a real phone.
 *  7    config load ≠ active load: download <load>.loads and every image it lists, swap
 *       active/inactive in flash and reboot through the steps, once (no upgrade loop). A missing
 *       image keeps the running load (troubleshooting.md: firmware_file_missing) and boots on.
 *  11-13 not found keeps the built-in locale/softkeys/tones, as a phone does.
 *  14   prints the DN; without --hold unregisters (Expires 0) and reports the outcome.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/step.h"
#include "store/store.h"

static void run_step(evutil_socket_t fd, short what, void *arg);
static void free_http(struct phone *ph);

const char *
phone_ip_str(uint32_t ip, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return buf;
}

uint64_t
phone_step_elapsed(const struct phone *ph)
{
	struct timeval now;
	gettimeofday(&now, NULL);
	int64_t us = (int64_t)(now.tv_sec - ph->step_t0.tv_sec) * 1000000 +
		     (now.tv_usec - ph->step_t0.tv_usec);
	return us < 0 ? 0 : (uint64_t)us;
}

void
phone_step_log(struct phone *ph, const char *status, const char *sent, const char *got)
{
	struct phone_env *env = ph->env;
	uint64_t dur = phone_step_elapsed(ph);
	int final = strcmp(status, "retry") != 0 && strcmp(status, "info") != 0;

	if (env->o.log) {
		char line[2048];
		struct timeval now;
		struct phone_logline l = {ph->step, status, dur, sent, got};
		gettimeofday(&now, NULL);
		size_t n = phone_log_format(line, sizeof line, env->o.json, &now, ph->dev, &l);
		fwrite(line, 1, n, env->o.log);
		fflush(env->o.log);
	}
	if (final && env->o.on_step)
		env->o.on_step(env->o.arg, ph, ph->step, strcmp(status, "failed") != 0, dur);
}

void
phone_next(struct phone *ph, int next)
{
	ph->step = next;
	gettimeofday(&ph->step_t0, NULL);
	event_active(ph->defer, EV_TIMEOUT, 0);
}

static void
cleanup(struct phone *ph)
{
	phone_dhcp_cancel(ph);
	phone_fetch_cancel(ph);
	phone_sip_close(ph);
}

static void
report(struct phone *ph)
{
	if (ph->env->o.on_done)
		ph->env->o.on_done(ph->env->o.arg, ph);
}

void
phone_fail(struct phone *ph, const char *cls, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ph->reason, sizeof ph->reason, fmt, ap);
	va_end(ap);
	snprintf(ph->reason_class, sizeof ph->reason_class, "%s", cls);
	ph->failed_step = ph->step;
	ph->outcome = PHONE_FAILED;
	phone_step_log(ph, "failed", "", ph->reason);
	cleanup(ph);
	report(ph);
}

/* ---- steps 4-8 and 11-13: file fetches ---- */

static const char *
fetch_trail(struct phone *ph)
{
	return ph->fetch.trail;
}

static size_t
body_len(struct phone *ph)
{
	return evbuffer_get_length(ph->fetch.body);
}

static void
fetch_unreachable(struct phone *ph)
{
	phone_fail(ph, "tftp-unreachable", "%s: no file server answered (%s)", ph->fetch.name,
		   fetch_trail(ph));
}

static void
trust_done(struct phone *ph, int r)
{
	char got[512];
	if (r == PHONE_FETCH_UNREACHABLE) {
		fetch_unreachable(ph);
		return;
	}
	if (r == PHONE_FETCH_OK) {
		snprintf(got, sizeof got, "%zu bytes (%s)", body_len(ph), fetch_trail(ph));
		phone_step_log(ph, "ok", ph->fetch.name, got);
	} else {
		snprintf(got, sizeof got, "not found, %s (%s)",
			 ph->step == DT_STEP_GET_CTL ? "non-secure cluster" : "continues unsigned",
			 fetch_trail(ph));
		phone_step_log(ph, "not-found", ph->fetch.name, got);
	}
	phone_next(ph, ph->step + 1);
}

static void
config_done(struct phone *ph, int r)
{
	char got[512];
	struct dt_errbuf e = {0};
	if (r == PHONE_FETCH_UNREACHABLE) {
		fetch_unreachable(ph);
		return;
	}
	if (r != PHONE_FETCH_OK) {
		if (strcmp(ph->fetch.name, "XMLDefault.cnf.xml") != 0 &&
		    r == PHONE_FETCH_NOTFOUND) {
			snprintf(got, sizeof got, "not found (%s); trying XMLDefault.cnf.xml",
				 fetch_trail(ph));
			phone_step_log(ph, "info", ph->fetch.name, got);
			phone_fetch_start(ph, "XMLDefault.cnf.xml", config_done);
			return;
		}
		phone_fail(ph, r == PHONE_FETCH_NOTFOUND ? "no-config" : "file-error",
			   "%s: %s (%s)", ph->fetch.name,
			   r == PHONE_FETCH_NOTFOUND ? "not found" : "bad answer", fetch_trail(ph));
		return;
	}
	size_t len = body_len(ph);
	const char *buf = (const char *)evbuffer_pullup(ph->fetch.body, (ssize_t)len);
	if (phone_cnf_parse(buf ? buf : "", len, ph->fetch.name, ph->model->number, &ph->cnf, &e) !=
	    DT_OK) {
		phone_fail(ph, "malformed", "%s", e.msg);
		return;
	}
	snprintf(ph->cnf_name, sizeof ph->cnf_name, "%s", ph->fetch.name);
	int n = snprintf(got, sizeof got, "%zu bytes; %d CM (first %s:%d), %d line(s)", len,
			 ph->cnf.n_cm, ph->cnf.cm[0].host, phone_cm_port(ph, &ph->cnf.cm[0]),
			 ph->cnf.n_lines);
	if (ph->cnf.n_lines)
		n += snprintf(got + n, sizeof got - (size_t)n, " DN %s", ph->cnf.lines[0].name);
	snprintf(got + n, sizeof got - (size_t)n, ", load '%s' (%s)", ph->cnf.load,
		 fetch_trail(ph));
	phone_step_log(ph, "ok", ph->fetch.name, got);
	phone_next(ph, DT_STEP_CHECK_FIRMWARE);
}

static void image_done(struct phone *ph, int r);

static void
upgrade_fetch_next(struct phone *ph)
{
	if (ph->image_idx < ph->n_images) {
		phone_fetch_start(ph, ph->images[ph->image_idx], image_done);
		return;
	}
	/* Every file is in: the new image becomes active, the old one inactive; reboot once. */
	char got[256];
	struct dt_errbuf e = {0};
	snprintf(ph->flash.inactive, sizeof ph->flash.inactive, "%s", ph->flash.active);
	snprintf(ph->flash.active, sizeof ph->flash.active, "%s", ph->cnf.load);
	snprintf(ph->flash.last, sizeof ph->flash.last, "%s", "upgrade");
	if (ph->o.state_dir[0] &&
	    phone_flash_save(ph->o.state_dir, ph->o.mac, &ph->flash, &e) != DT_OK) {
		phone_fail(ph, "flash", "%s", e.msg);
		return;
	}
	snprintf(got, sizeof got, "%d file(s) downloaded; active=%s inactive=%s; rebooting",
		 ph->n_images + 1, ph->flash.active, ph->flash.inactive);
	phone_step_log(ph, "ok", "", got);
	ph->upgraded = 1;
	phone_next(ph, DT_STEP_LOAD_FIRMWARE);
}

static void
keep_running_load(struct phone *ph, const char *why)
{
	char got[512];
	snprintf(got, sizeof got, "%s; keeps running %s (%s)", why, ph->flash.active,
		 fetch_trail(ph));
	phone_step_log(ph, "failed-continue", ph->fetch.name, got);
	phone_next(ph, DT_STEP_GET_DIAL_RULES);
}

static void
image_done(struct phone *ph, int r)
{
	if (r != PHONE_FETCH_OK) {
		keep_running_load(ph, r == PHONE_FETCH_NOTFOUND ? "firmware file missing"
								: "firmware download failed");
		return;
	}
	ph->image_idx++;
	upgrade_fetch_next(ph);
}

static void
loads_done(struct phone *ph, int r)
{
	if (r != PHONE_FETCH_OK) {
		keep_running_load(ph, r == PHONE_FETCH_NOTFOUND ? "load manifest missing"
								: "load manifest download failed");
		return;
	}
	size_t len = body_len(ph);
	const char *buf = (const char *)evbuffer_pullup(ph->fetch.body, (ssize_t)len);
	if (phone_loads_parse(buf ? buf : "", len, ph->images, PHONE_MAX_IMAGES, &ph->n_images) !=
	    DT_OK) {
		keep_running_load(ph, "load manifest names no image file");
		return;
	}
	ph->image_idx = 0;
	upgrade_fetch_next(ph);
}

static void
check_firmware(struct phone *ph)
{
	char got[256], name[PHONE_NAME_MAX];
	if (ph->cnf.load[0] == '\0' || strcmp(ph->cnf.load, ph->flash.active) == 0) {
		snprintf(got, sizeof got, "running load %s is current%s", ph->flash.active,
			 ph->cnf.load[0] ? "" : " (config names none)");
		phone_step_log(ph, "ok", "", got);
		phone_next(ph, DT_STEP_GET_DIAL_RULES);
		return;
	}
	if (ph->upgraded) {
		snprintf(got, sizeof got, "config asks %s again after one upgrade; keeps %s",
			 ph->cnf.load, ph->flash.active);
		phone_step_log(ph, "failed-continue", "", got);
		phone_next(ph, DT_STEP_GET_DIAL_RULES);
		return;
	}
	snprintf(name, sizeof name, "%s.loads", ph->cnf.load);
	phone_fetch_start(ph, name, loads_done);
}

static void
dial_rules_done(struct phone *ph, int r)
{
	char got[512];
	if (r == PHONE_FETCH_UNREACHABLE) {
		fetch_unreachable(ph);
		return;
	}
	if (r == PHONE_FETCH_OK)
		snprintf(got, sizeof got, "%zu bytes (%s)", body_len(ph), fetch_trail(ph));
	else
		snprintf(got, sizeof got, "not found: default digit timeout 15 s (%s)",
			 fetch_trail(ph));
	phone_step_log(ph, r == PHONE_FETCH_OK ? "ok" : "not-found", ph->fetch.name, got);
	phone_next(ph, DT_STEP_CONNECT_CM);
}

/* ---- steps 11-13 ---- */

static void
add_extra(struct phone *ph, int step, const char *dir, const char *file)
{
	if (ph->n_extra >= PHONE_EXTRA_FILES)
		return;
	snprintf(ph->extra[ph->n_extra], PHONE_NAME_MAX, "%s%s%s", dir ? dir : "", dir ? "/" : "",
		 file);
	ph->extra_step[ph->n_extra++] = step;
}

static void
plan_extras(struct phone *ph)
{
	const struct phone_cnf *c = &ph->cnf;
	ph->n_extra = 0;
	ph->extra_idx = 0;
	/* English/United States are built into every load: a phone fetches only other locales. */
	if (c->user_locale[0] && strcmp(c->user_locale, "English_United_States") != 0)
		add_extra(ph, DT_STEP_GET_LOCALE, c->user_locale, ph->model->locale_jar);
	if (c->network_locale[0] && strcmp(c->network_locale, "United_States") != 0)
		add_extra(ph, DT_STEP_GET_LOCALE, c->network_locale, "g3-tones.xml");
	if (c->softkey_file[0])
		add_extra(ph, DT_STEP_GET_SOFTKEYS, NULL, c->softkey_file);
	/* 78xx/88xx ask the wideband list (files.md). */
	int wb = strncmp(ph->model->load_prefix, "sip78", 5) == 0 ||
		 strncmp(ph->model->load_prefix, "sip88", 5) == 0;
	add_extra(ph, DT_STEP_GET_RINGTONES, NULL, wb ? "Ringlist-wb.xml" : "Ringlist.xml");
}

static void extra_next(struct phone *ph);

static void
extra_done(struct phone *ph, int r)
{
	char got[512];
	if (r == PHONE_FETCH_OK)
		snprintf(got, sizeof got, "%zu bytes (%s)", body_len(ph), fetch_trail(ph));
	else
		snprintf(got, sizeof got, "%s: built-in kept (%s)",
			 r == PHONE_FETCH_NOTFOUND ? "not found" : "unavailable", fetch_trail(ph));
	phone_step_log(ph, r == PHONE_FETCH_OK ? "ok" : "not-found", ph->fetch.name, got);
	ph->extra_idx++;
	extra_next(ph);
}

static const char *
skip_why(int step)
{
	switch (step) {
	case DT_STEP_GET_LOCALE:
		return "built-in English_United_States / United_States locale";
	case DT_STEP_GET_SOFTKEYS:
		return "no <softKeyFile> in the config: default soft keys";
	default:
		return "nothing to fetch";
	}
}

static void
extra_next(struct phone *ph)
{
	/* Steps with no file log "skipped" so every step has its line. */
	while (ph->step <= DT_STEP_GET_RINGTONES) {
		if (ph->extra_idx < ph->n_extra && ph->extra_step[ph->extra_idx] == ph->step) {
			phone_fetch_start(ph, ph->extra[ph->extra_idx], extra_done);
			return;
		}
		int had = 0;
		for (int i = 0; i < ph->extra_idx; i++)
			had |= ph->extra_step[i] == ph->step;
		if (!had)
			phone_step_log(ph, "skipped", "", skip_why(ph->step));
		ph->step++;
		gettimeofday(&ph->step_t0, NULL);
	}
	ph->extras_done = 1;
	phone_next(ph, DT_STEP_REGISTERED);
}

/* ---- steps 10 → 14 ---- */

void
phone_boot_registered(struct phone *ph)
{
	char got[256];
	const struct phone_cm *cm = &ph->cnf.cm[ph->sip.cm];
	snprintf(got, sizeof got, "200 OK from %s:%d, Expires %d%s", cm->host,
		 phone_cm_port(ph, cm), ph->sip.expires,
		 ph->sip.auth_hdr[0] ? " (digest answered)" : "");
	phone_step_log(ph, "ok", "REGISTER", got);
	phone_sip_registered_hook(ph);
	if (ph->extras_done) {
		/* A re-registration (failover, re-homing, restart): files were fetched already. */
		phone_next(ph, DT_STEP_REGISTERED);
		return;
	}
	plan_extras(ph);
	phone_next(ph, DT_STEP_GET_LOCALE);
}

static void
unregistered(struct phone *ph)
{
	if (ph->stopping || !ph->o.hold) {
		phone_sip_close(ph);
		report(ph);
	}
}

static void
step_registered(struct phone *ph)
{
	char got[384];
	const struct phone_line *l = ph->cnf.n_lines ? &ph->cnf.lines[0] : NULL;
	const struct phone_cm *cm = &ph->cnf.cm[ph->sip.cm];
	char ip[16];
	int first = ph->outcome != PHONE_REGISTERED;
	if (ph->sip_lost) {
		/* The CallManager went away while files were fetched: register again first. */
		ph->sip_lost = 0;
		phone_next(ph, DT_STEP_CONNECT_CM);
		return;
	}
	snprintf(got, sizeof got, "DN %s%s%s%s on %s:%d; ip %s; ActiveLoad=%s InactiveLoad=%s%s",
		 l ? l->name : "-", l && l->display[0] ? " (" : "", l ? l->display : "",
		 l && l->display[0] ? ")" : "", cm->host, phone_cm_port(ph, cm),
		 phone_ip_str(ph->ip, ip), ph->flash.active,
		 ph->flash.inactive[0] ? ph->flash.inactive : "-",
		 ph->o.hold ? "; holding" : "; unregistering");
	phone_step_log(ph, "ok", "", got);
	/* Files are done: a phone does not keep its HTTP connections, and a storm of 10,000 would
	 * otherwise hold 10,000 idle sockets on the file server. */
	free_http(ph);
	ph->outcome = PHONE_REGISTERED;
	ph->failed_step = DT_STEP_REGISTERED;
	if (ph->o.hold) {
		/* The standby member's keepalive, from step 14 on; it rides TCP, so a phone
		 * registered over UDP does without it (docs/phone.md, limits). */
		if (!phone_sip_udp(ph))
			phone_backup_start(ph);
		if (first)
			report(ph);
		return;
	}
	phone_sip_unregister(ph, unregistered);
}

/* ---- service control and CM loss ---- */

static void
restart_after_unregister(struct phone *ph)
{
	phone_fetch_cancel(ph); /* the NOTIFY may land while steps 11-13 still fetch */
	phone_sip_close(ph);
	ph->sip.registrations = 0;
	ph->extras_done = 0;
	ph->outcome = PHONE_RUNNING;
	phone_next(ph, strcmp(ph->flash.last, "reset-reset") == 0 ? DT_STEP_LOAD_FIRMWARE
								  : DT_STEP_GET_CONFIG);
}

void
phone_boot_service_control(struct phone *ph, const char *action)
{
	char got[96];
	snprintf(got, sizeof got, "NOTIFY service-control action=%s", action);
	phone_step_log(ph, "info", "200 OK", got);
	/* restart = re-download config and re-register; reset = full reboot (sip-register.md).
	 * apply-config (unverified semantics) is treated as restart: re-read config, re-register.
	 */
	if (strcmp(action, "reset") == 0)
		snprintf(ph->flash.last, sizeof ph->flash.last, "reset-reset");
	else if (strcmp(action, "restart") == 0 || strcmp(action, "apply-config") == 0)
		snprintf(ph->flash.last, sizeof ph->flash.last, "reset-restart");
	else
		return; /* prt-report and unknown actions: nothing to do on a simulator */
	phone_sip_unregister(ph, restart_after_unregister);
}

void
phone_boot_cm_lost(struct phone *ph, const char *why)
{
	phone_step_log(ph, "info", "", why);
	snprintf(ph->flash.last, sizeof ph->flash.last, "cm-closed-tcp");
	phone_sip_close(ph);
	if (ph->outcome != PHONE_REGISTERED) {
		ph->sip_lost = 1; /* steps 11-13 are running; step 14 re-registers */
		return;
	}
	ph->step = DT_STEP_CONNECT_CM;
	gettimeofday(&ph->step_t0, NULL);
	phone_sip_start(ph);
}

/* ---- the runner ---- */

static void
step_flash(struct phone *ph)
{
	char got[256];
	struct dt_errbuf e = {0};
	int made = 0;
	if (ph->o.state_dir[0] &&
	    phone_flash_load(ph->o.state_dir, ph->o.mac, ph->model->load_prefix, &ph->flash, &made,
			     &e) != DT_OK) {
		phone_fail(ph, "flash", "%s", e.msg);
		return;
	}
	ph->flash.boots++;
	snprintf(got, sizeof got, "CP-%s boots active load %s (inactive %s)%s", ph->model->name,
		 ph->flash.active, ph->flash.inactive[0] ? ph->flash.inactive : "-",
		 made ? "; flash made on first run" : "");
	phone_step_log(ph, "ok", "", got);
	phone_next(ph, DT_STEP_LEARN_VOICE_VLAN);
}

static void
free_http(struct phone *ph)
{
	for (int i = 0; i < PHONE_MAX_TFTP; i++)
		if (ph->http[i]) {
			evhttp_connection_free(ph->http[i]);
			ph->http[i] = NULL;
		}
}

static void
run_step(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;
	char name[PHONE_NAME_MAX];

	switch (ph->step) {
	case DT_STEP_LOAD_FIRMWARE:
		step_flash(ph);
		return;
	case DT_STEP_LEARN_VOICE_VLAN:
		phone_step_log(ph, "skipped", "",
			       "loopback: no switch port, so no CDP/LLDP-MED; native VLAN used");
		phone_next(ph, DT_STEP_DHCP);
		return;
	case DT_STEP_DHCP:
		free_http(ph); /* a new lease may change the source address */
		phone_dhcp_start(ph);
		return;
	case DT_STEP_GET_CTL:
		snprintf(name, sizeof name, "CTL%s.tlv", ph->dev);
		phone_fetch_start(ph, name, trust_done);
		return;
	case DT_STEP_GET_ITL:
		snprintf(name, sizeof name, "ITL%s.tlv", ph->dev);
		phone_fetch_start(ph, name, trust_done);
		return;
	case DT_STEP_GET_CONFIG:
		snprintf(name, sizeof name, "%s.cnf.xml", ph->dev);
		phone_fetch_start(ph, name, config_done);
		return;
	case DT_STEP_CHECK_FIRMWARE:
		check_firmware(ph);
		return;
	case DT_STEP_GET_DIAL_RULES:
		if (ph->cnf.dial_template[0] == '\0') {
			phone_step_log(
			    ph, "skipped", "",
			    "no <dialTemplate> in the config: default digit timeout 15 s");
			phone_next(ph, DT_STEP_CONNECT_CM);
			return;
		}
		phone_fetch_start(ph, ph->cnf.dial_template, dial_rules_done);
		return;
	case DT_STEP_CONNECT_CM:
		phone_sip_start(ph);
		return;
	case DT_STEP_GET_LOCALE:
	case DT_STEP_GET_SOFTKEYS:
	case DT_STEP_GET_RINGTONES:
		extra_next(ph);
		return;
	case DT_STEP_REGISTERED:
		step_registered(ph);
		return;
	default:
		return;
	}
}

int
phone_mac_parse(const char *s, char out[13], struct dt_errbuf *e)
{
	/* One MAC grammar for the whole product: the store's (the forms admins paste). */
	return store_mac_normalize(s, out, e);
}

int
phone_new(struct phone_env *env, const struct phone_opts *o, struct phone **out,
	  struct dt_errbuf *e)
{
	char mac[13];
	int rc = phone_mac_parse(o->mac, mac, e);
	if (rc)
		return rc;
	const struct phone_model *m = phone_model_find(o->model);
	if (!m)
		return dt_errf(e, DT_EINVAL, "model: '%s' is not a known SIP phone model",
			       o->model);
	struct phone *ph = dt_calloc(DT_MEM_PHONE, 1, sizeof *ph);
	if (!ph)
		return dt_errf(e, DT_ENOMEM, "phone: out of memory");
	ph->env = env;
	ph->o = *o;
	memcpy(ph->o.mac, mac, sizeof mac);
	ph->model = m;
	snprintf(ph->dev, sizeof ph->dev, "SEP%s", mac);
	for (int i = 0; i < 6; i++) {
		char hx[3] = {mac[2 * i], mac[2 * i + 1], 0};
		ph->mac_bytes[i] = (uint8_t)strtoul(hx, NULL, 16);
	}
	phone_flash_factory(&ph->flash, m->load_prefix);
	ph->fetch.tftp_fd = -1;
	ph->defer = event_new(env->base, -1, 0, run_step, ph);
	if (!ph->defer) {
		dt_free(DT_MEM_PHONE, ph);
		return dt_errf(e, DT_ENOMEM, "phone: out of memory");
	}
	*out = ph;
	return DT_OK;
}

void
phone_start(struct phone *ph)
{
	gettimeofday(&ph->boot_t0, NULL);
	phone_next(ph, DT_STEP_LOAD_FIRMWARE);
}

void
phone_stop(struct phone *ph)
{
	ph->stopping = 1;
	if (ph->outcome == PHONE_REGISTERED && ph->sip.state == PHONE_SIP_REGISTERED) {
		ph->step = DT_STEP_REGISTERED;
		gettimeofday(&ph->step_t0, NULL);
		phone_sip_unregister(ph, unregistered);
		return;
	}
	cleanup(ph);
	report(ph);
}

void
phone_free(struct phone *ph)
{
	if (!ph)
		return;
	cleanup(ph);
	free_http(ph);
	if (ph->dhcp_timer)
		event_free(ph->dhcp_timer);
	if (ph->fetch.defer)
		event_free(ph->fetch.defer);
	if (ph->fetch.body)
		evbuffer_free(ph->fetch.body);
	event_free(ph->defer);
	dt_free(DT_MEM_PHONE, ph);
}

enum phone_outcome
phone_outcome(const struct phone *ph)
{
	return ph->outcome;
}

int
phone_failed_step(const struct phone *ph)
{
	return ph->outcome == PHONE_FAILED ? ph->failed_step : ph->step;
}

const char *
phone_reason(const struct phone *ph)
{
	return ph->reason;
}

const char *
phone_reason_class(const struct phone *ph)
{
	return ph->reason_class;
}

const char *
phone_mac(const struct phone *ph)
{
	return ph->o.mac;
}

int
phone_id(const struct phone *ph)
{
	return ph->o.id;
}

const char *
phone_dn(const struct phone *ph)
{
	return ph->cnf.n_lines ? ph->cnf.lines[0].name : "";
}
