/* summary: fetch one boot file the way a Cisco phone does: HTTP GET on port 6970 of the first
 * TFTP server, then TFTP RRQ on port 69 of the same server, then the next server of option 150.
 *
 * Order and "not found" forms from shared/spec/files.md: a phone asks HTTP first and falls back
 * to TFTP when HTTP fails, including after 404/503 (CP-7821 log, TechNote 214535). A server that
 * answered "not found" on both is authoritative (the next server is not asked: the cluster's
 * TFTP servers serve the same files); only an unreachable server moves the phone to the next.
 * HTTP uses libevent's evhttp client on the phone's loop, one keep-alive connection per server,
 * bound to the leased address (docs/decisions.md: why not libcurl, why not hand-written).
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#define HTTP_PORT 6970

static void try_next(struct phone_fetch *f);

static void
trail_add(struct phone_fetch *f, const char *proto, const char *a, const char *b)
{
	size_t n = strlen(f->trail);
	if (n + 2 >= sizeof f->trail)
		return;
	snprintf(f->trail + n, sizeof f->trail - n, "%s", n ? ", " : "");
	n = strlen(f->trail);
	snprintf(f->trail + n, sizeof f->trail - n, "%s %s %s", proto, a, b);
}

static void
deliver(evutil_socket_t fd, short what, void *arg)
{
	struct phone_fetch *f = arg;
	void (*done)(struct phone *, int) = f->done;
	f->done = NULL;
	if (done)
		done(f->ph, f->result);
}

/* Why deferred: the caller may be inside an evhttp or TFTP callback, and the next step may start
 * a request on (or free) the very connection that is calling us. */
static void
finish(struct phone_fetch *f, int result)
{
	f->result = result;
	event_active(f->defer, EV_TIMEOUT, 0);
}

static void
http_done(struct evhttp_request *req, void *arg)
{
	struct phone_fetch *f = arg;
	struct phone *ph = f->ph;
	char ip[16], code[16];
	int status = req ? evhttp_request_get_response_code(req) : 0;

	f->http_req = NULL;
	if (!f->done)
		return; /* cancelled */
	phone_ip_str(ph->tftp[f->srv], ip);
	if (status == 200) {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		evbuffer_drain(f->body, evbuffer_get_length(f->body));
		evbuffer_add_buffer(f->body, in);
		trail_add(f, "http", ip, "200");
		finish(f, PHONE_FETCH_OK);
		return;
	}
	snprintf(code, sizeof code, "%d", status);
	trail_add(f, "http", ip, status ? code : "no answer");
	if (status == 0 && ph->http[f->srv]) {
		/* A refused or timed-out connection is dropped; the next file opens a new one. */
		evhttp_connection_free_on_completion(ph->http[f->srv]);
		ph->http[f->srv] = NULL;
	}
	if (status == 404)
		f->not_found = 1;
	/* Every failed HTTP attempt falls back to TFTP on the same server (files.md). */
	f->via_tftp = 1;
	phone_tftp_start(f, ph->tftp[f->srv]);
}

static void
http_start(struct phone_fetch *f)
{
	struct phone *ph = f->ph;
	char ip[16], src[16], uri[PHONE_NAME_MAX + 2];
	struct evhttp_connection *c = ph->http[f->srv];

	phone_ip_str(ph->tftp[f->srv], ip);
	if (!c) {
		c = evhttp_connection_base_new(ph->env->base, NULL, ip, HTTP_PORT);
		if (!c) {
			trail_add(f, "http", ip, "no connection");
			f->via_tftp = 1;
			phone_tftp_start(f, ph->tftp[f->srv]);
			return;
		}
		evhttp_connection_set_local_address(c, phone_ip_str(ph->ip, src));
		evhttp_connection_set_timeout(c, (ph->env->o.timeout_ms + 999) / 1000);
		evhttp_connection_set_retries(c, 0);
		evhttp_connection_set_max_body_size(c, PHONE_FILE_MAX);
		ph->http[f->srv] = c;
	}
	struct evhttp_request *req = evhttp_request_new(http_done, f);
	if (!req) {
		f->via_tftp = 1;
		phone_tftp_start(f, ph->tftp[f->srv]);
		return;
	}
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", ip);
	evhttp_add_header(h, "User-Agent", "Cisco-CP-simulator/dialtone");
	snprintf(uri, sizeof uri, "/%s", f->name);
	f->http_req = req;
	if (evhttp_make_request(c, req, EVHTTP_REQ_GET, uri) != 0) {
		f->http_req = NULL;
		/* evhttp freed req; treat as an unreachable HTTP server. */
		trail_add(f, "http", ip, "request failed");
		f->via_tftp = 1;
		phone_tftp_start(f, ph->tftp[f->srv]);
	}
}

static void
try_next(struct phone_fetch *f)
{
	f->via_tftp = 0;
	f->tries = 0;
	http_start(f);
}

void
phone_fetch_tftp_done(struct phone_fetch *f, int result, const char *why)
{
	char ip[16];
	phone_ip_str(f->ph->tftp[f->srv], ip);
	trail_add(f, "tftp", ip, why);
	if (!f->done)
		return;
	if (result == PHONE_FETCH_OK) {
		finish(f, PHONE_FETCH_OK);
		return;
	}
	if (result == PHONE_FETCH_NOTFOUND || f->not_found) {
		finish(f, PHONE_FETCH_NOTFOUND);
		return;
	}
	if (result == PHONE_FETCH_ERROR) {
		finish(f, PHONE_FETCH_ERROR);
		return;
	}
	if (++f->srv < f->ph->n_tftp) {
		try_next(f);
		return;
	}
	finish(f, PHONE_FETCH_UNREACHABLE);
}

void
phone_fetch_start(struct phone *ph, const char *name, void (*done)(struct phone *ph, int result))
{
	struct phone_fetch *f = &ph->fetch;
	f->ph = ph;
	snprintf(f->name, sizeof f->name, "%s", name);
	f->srv = 0;
	f->not_found = 0;
	f->trail[0] = '\0';
	f->done = done;
	if (!f->body)
		f->body = evbuffer_new();
	if (!f->defer)
		f->defer = event_new(ph->env->base, -1, 0, deliver, f);
	evbuffer_drain(f->body, evbuffer_get_length(f->body));
	try_next(f);
}

void
phone_fetch_cancel(struct phone *ph)
{
	struct phone_fetch *f = &ph->fetch;
	f->done = NULL;
	if (f->defer)
		event_del(f->defer);
	if (f->http_req) {
		/* Withdraw it: its late answer must not be taken for the next file's. */
		evhttp_cancel_request(f->http_req);
		f->http_req = NULL;
	}
	phone_tftp_cancel(f);
}
