/* summary: HTTP on port 6970 (the phones' first choice for their files) with libmicrohttpd,
 * driven by the shared libevent loop: GET/HEAD, 404, keep-alive, Range, ETag/If-None-Match,
 * `Cache-Control: no-store`, over the same tree and lookup rules as TFTP (src/files/).
 *
 * Integration: MHD runs without threads in epoll mode; its epoll descriptor is one more readable
 * fd on our loop, and MHD_run() is called when it fires (plus a 1 s tick for idle timeouts). The
 * body is the file's bytes in memory, handed to MHD without a copy; the response's free callback
 * releases the file reference and writes the request's trace line, so the line carries the real
 * duration of a firmware download. Why MHD and not evhttp: docs/decisions.md "HTTP 6970".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "files/files.h"
#include "svc/svc.h"
#include "svc/svc_files.h"

struct http_srv;

/* One GET/HEAD being answered with a file; freed by the response's free callback. */
struct hreq {
	struct hreq *next_free;
	struct http_srv *s;
	struct files_ref ref;
	struct sockaddr_storage peer;
	struct timespec started;
	size_t bytes;
	int status;
	char method[8];
	char name[256];
};

/* The listen sockets of [server] listen addresses after the first: MHD takes one listen socket,
 * so these are accepted here and handed over with MHD_add_connection (one engine, one connection
 * limit and one set of counters for every address). */
struct http_extra {
	struct http_srv *s;
	int fd;
	struct event *ev;
};

struct http_srv {
	struct MHD_Daemon *d;
	struct event *ev, *tick;
	struct files *files;
	struct hreq *free_list;
	int lfd;
	struct http_extra extra[DT_CONF_MAX_LISTEN - 1];
	int n_extra;
	struct MHD_Response *not_found, *forbidden, *busy, *bad_method;
	unsigned long n_ok, n_partial, n_not_modified, n_not_found, n_refused, n_bad;
	uint64_t bytes;
};

static void
peer_text(const struct sockaddr *sa, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(buf, cap, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		snprintf(buf, cap, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, cap, "?");
	}
}

static void
printable(char *dst, size_t cap, const char *src)
{
	size_t i;
	for (i = 0; src[i] && i < cap - 1; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = c < 0x20 || c == 0x7f || c == '"' ? '?' : (char)c;
	}
	dst[i] = 0;
}

/* The trace line of one request (same fields as TFTP's). */
static void
trace(const struct sockaddr *peer, const char *method, const char *name, const char *device,
      int status, size_t bytes, const struct timespec *started, const char *detail)
{
	char p[64];
	struct timespec now;
	uint64_t us;

	if (!dt_log_enabled(DT_INFO))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (uint64_t)(now.tv_sec - started->tv_sec) * 1000000u +
	     (uint64_t)((now.tv_nsec - started->tv_nsec) / 1000);
	peer_text(peer, p, sizeof p);
	dt_log(status < 400    ? DT_INFO
	       : status == 404 ? DT_INFO
			       : DT_WARN,
	       "http", device,
	       "%s client=%s file=\"%s\" proto=http method=%s status=%d bytes=%zu "
	       "duration_ms=%llu.%03llu%s%s",
	       status < 400    ? "sent"
	       : status == 404 ? "not found"
			       : "refused",
	       p, name, method, status, bytes, (unsigned long long)(us / 1000),
	       (unsigned long long)(us % 1000), detail ? " detail=" : "", detail ? detail : "");
}

static struct hreq *
hreq_get(struct http_srv *s)
{
	struct hreq *r = s->free_list;
	if (r)
		s->free_list = r->next_free;
	else if (!(r = dt_malloc(DT_MEM_HTTP, sizeof *r)))
		return NULL;
	r->s = s;
	return r;
}

static void
on_response_freed(void *cls)
{
	struct hreq *r = cls;
	struct http_srv *s = r->s;

	trace((struct sockaddr *)&r->peer, r->method, r->name, r->ref.device, r->status, r->bytes,
	      &r->started, NULL);
	files_put(&r->ref);
	r->next_free = s->free_list;
	s->free_list = r;
}

/* Parse a single "bytes=a-b" / "bytes=a-" / "bytes=-n" range against len. 1: *from..*to set;
 * 0: ignore the header (absent, several ranges, or not bytes); -1: unsatisfiable (416). */
static int
parse_range(const char *h, size_t len, size_t *from, size_t *to)
{
	char *end;
	unsigned long long a, b;

	if (!h || strncasecmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	if (*h == '-') {
		b = strtoull(h + 1, &end, 10);
		if (end == h + 1 || *end)
			return 0;
		if (b == 0 || len == 0)
			return -1;
		*from = b >= len ? 0 : len - (size_t)b;
		*to = len - 1;
		return 1;
	}
	a = strtoull(h, &end, 10);
	if (end == h || *end != '-')
		return 0;
	h = end + 1;
	if (*h == 0) {
		b = len ? len - 1 : 0;
	} else {
		b = strtoull(h, &end, 10);
		if (*end || b < a)
			return 0;
	}
	if (a >= len)
		return -1;
	*from = (size_t)a;
	*to = b >= len ? len - 1 : (size_t)b;
	return 1;
}

static int
etag_matches(const char *inm, const char *etag)
{
	/* If-None-Match is a list; weak comparison (RFC 9110 13.1.2), "*" matches any. */
	const char *e = etag, *p = inm;
	size_t n = strlen(etag);
	if (strcmp(inm, "*") == 0)
		return 1;
	while ((p = strstr(p, e)) != NULL) {
		if ((p[n] == 0 || p[n] == ',' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

static const char *
content_type(const char *name)
{
	size_t n = strlen(name);
	if (n > 4 && strcasecmp(name + n - 4, ".xml") == 0)
		return "text/xml";
	return "application/octet-stream";
}

static enum MHD_Result
queue_static(struct MHD_Connection *c, struct http_srv *s, int status, struct MHD_Response *resp,
	     const char *method, const char *name, const char *device, const char *detail)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	trace(ci ? ci->client_addr : NULL, method, name, device, status, 0, &t, detail);
	return MHD_queue_response(c, (unsigned)status, resp);
}

static enum MHD_Result
answer_file(struct MHD_Connection *c, struct http_srv *s, struct hreq *r)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	const char *ifr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Range");
	size_t from = 0, to = r->ref.len ? r->ref.len - 1 : 0, len = r->ref.len;
	struct MHD_Response *resp;
	char cr[80], lm[64];
	struct tm tm;
	enum MHD_Result ok;
	int pr = 0;

	r->status = 200;
	if (inm && etag_matches(inm, r->ref.etag)) {
		r->status = 304;
		len = 0;
	} else {
		/* If-Range with another validator: the client's partial copy is stale, send all. */
		if (!ifr || strcmp(ifr, r->ref.etag) == 0)
			pr = parse_range(range, r->ref.len, &from, &to);
		if (pr == 1) {
			r->status = 206;
			len = to - from + 1;
			snprintf(cr, sizeof cr, "bytes %zu-%zu/%zu", from, to, r->ref.len);
		} else if (pr < 0) {
			r->status = 416;
			len = 0;
			snprintf(cr, sizeof cr, "bytes */%zu", r->ref.len);
		}
	}
	r->bytes = strcmp(r->method, "HEAD") == 0 ? 0 : len;
	resp = MHD_create_response_from_buffer_with_free_callback_cls(
	    len, (void *)(r->ref.data + from), on_response_freed, r);
	if (!resp) {
		on_response_freed(r);
		return MHD_NO;
	}
	gmtime_r(&r->ref.mtime, &tm);
	strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	MHD_add_response_header(resp, "ETag", r->ref.etag);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->status != 304) {
		MHD_add_response_header(resp, "Content-Type", content_type(r->name));
		MHD_add_response_header(resp, "Accept-Ranges", "bytes");
		MHD_add_response_header(resp, "Last-Modified", lm);
	}
	if (r->status == 206 || r->status == 416)
		MHD_add_response_header(resp, "Content-Range", cr);
	ok = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	s->bytes += r->bytes;
	if (r->status == 206)
		s->n_partial++;
	else if (r->status == 304)
		s->n_not_modified++;
	else
		s->n_ok++;
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_srv *s = cls;
	int get_or_head = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *peer;
	const char *why = NULL;
	char name[256];
	struct hreq *r;
	int rc;

	/* GET/HEAD: the first call only announces the headers; answering there makes
	 * libmicrohttpd close the connection (a body could follow), which defeats keep-alive. */
	if (get_or_head && *con_cls == NULL) {
		*con_cls = s;
		return MHD_YES;
	}
	printable(name, sizeof name, url);
	/* Other methods are answered at once, which also tells libmicrohttpd to close the
	 * connection instead of reading a body we do not want. */
	if (!get_or_head) {
		char m[12];
		printable(m, sizeof m, method);
		s->n_bad++;
		return queue_static(c, s, 405, s->bad_method, m, name, NULL, "only GET and HEAD");
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	peer = ci ? ci->client_addr : NULL;
	r = hreq_get(s);
	if (!r)
		return MHD_NO;
	/* MHD has split off the query string (?locale=…) and decoded %XX already. */
	rc = files_get(s->files, url, strlen(url), peer, &r->ref, &why);
	if (rc != DT_OK) {
		char dev[16];
		memcpy(dev, r->ref.device, sizeof dev);
		r->next_free = s->free_list;
		s->free_list = r;
		if (rc == DT_ENOENT) {
			s->n_not_found++;
			return queue_static(c, s, 404, s->not_found, method, name, dev, NULL);
		}
		s->n_refused++;
		if (rc == DT_EBUSY)
			return queue_static(c, s, 429, s->busy, method, name, dev, why);
		return queue_static(c, s, 403, s->forbidden, method, name, dev, why);
	}
	if (peer)
		memcpy(&r->peer, peer,
		       peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						   : sizeof(struct sockaddr_in));
	else
		memset(&r->peer, 0, sizeof r->peer);
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	snprintf(r->method, sizeof r->method, "%s", method);
	memcpy(r->name, name, sizeof r->name);
	return answer_file(c, s, r);
}

static void
run_mhd(struct http_srv *s)
{
	MHD_UNSIGNED_LONG_LONG ms;
	MHD_run(s->d);
	/* MHD may hold work it can do at once (data already read): run again on the next turn. */
	if (MHD_get_timeout(s->d, &ms) == MHD_YES && ms == 0)
		event_active(s->ev, EV_READ, 0);
}

static void
on_epoll(evutil_socket_t fd, short what, void *arg)
{
	run_mhd(arg);
}

/* A connection on an extra listen address: accept a bounded batch and give them to MHD. */
static void
on_extra_accept(evutil_socket_t fd, short what, void *arg)
{
	struct http_extra *x = arg;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			break;
		/* MHD owns (and on failure closes) c from here; over the connection limit it says
		 * MHD_NO, as it would for its own listen socket. */
		if (MHD_add_connection(x->s->d, c, (struct sockaddr *)&ss, len) != MHD_YES)
			x->s->n_refused++;
	}
	run_mhd(x->s);
}

static struct MHD_Response *
static_response(const char *body, const char *allow)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	if (r) {
		MHD_add_response_header(r, "Content-Type", "text/plain");
		MHD_add_response_header(r, "Cache-Control", "no-store");
		if (allow)
			MHD_add_response_header(r, "Allow", allow);
	}
	return r;
}

static int
listen_tcp(const char *host, int port, struct dt_errbuf *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST}, *ai;
	char ps[8];
	int fd, one = 1;

	snprintf(ps, sizeof ps, "%d", port);
	if (getaddrinfo(host, ps, &hints, &ai) != 0)
		return -dt_errf(e, DT_EINVAL, "http: listen address '%s' is not an IP address",
				host);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -dt_errf(e, DT_EIO, "http: cannot listen on %s port %d: %s", host, port,
				strerror(err));
	}
	freeaddrinfo(ai);
	return fd;
}

static void
http_stop(void *state)
{
	struct http_srv *s = state;
	if (!s)
		return;
	if (s->ev)
		event_free(s->ev);
	if (s->tick)
		event_free(s->tick);
	/* Stopping MHD destroys the responses in flight, which returns their files. */
	for (int i = 0; i < s->n_extra; i++) {
		if (s->extra[i].ev)
			event_free(s->extra[i].ev);
		close(s->extra[i].fd);
	}
	if (s->d)
		MHD_stop_daemon(s->d);
	else if (s->lfd >= 0)
		close(s->lfd);
	MHD_destroy_response(s->not_found);
	MHD_destroy_response(s->forbidden);
	MHD_destroy_response(s->busy);
	MHD_destroy_response(s->bad_method);
	while (s->free_list) {
		struct hreq *r = s->free_list;
		s->free_list = r->next_free;
		dt_free(DT_MEM_HTTP, r);
	}
	svc_files_release(s->files);
	dt_free(DT_MEM_HTTP, s);
}

/* Listen on every [server] listen address after the first (which MHD's own socket serves). */
static int
listen_extra(struct dt_ctx *ctx, struct http_srv *s, struct dt_errbuf *e)
{
	const struct dt_conf *c = ctx->conf;
	for (int i = 1; i < c->n_listen; i++) {
		struct http_extra *x = &s->extra[s->n_extra];
		int fd = listen_tcp(c->listen[i], c->http.port, e);
		if (fd < 0)
			return -fd;
		x->s = s;
		x->fd = fd;
		s->n_extra++;
		x->ev = event_new(ctx->base, fd, EV_READ | EV_PERSIST, on_extra_accept, x);
		if (!x->ev || event_add(x->ev, NULL) < 0)
			return dt_errf(e, DT_EIO, "http: cannot watch %s port %d", c->listen[i],
				       c->http.port);
		dt_log(DT_INFO, "http", NULL, "listening on %s port %d", c->listen[i],
		       c->http.port);
	}
	return DT_OK;
}

static int
http_start(struct dt_ctx *ctx, void **state, struct dt_errbuf *e)
{
	struct http_srv *s = dt_calloc(DT_MEM_HTTP, 1, sizeof *s);
	const union MHD_DaemonInfo *di;
	struct timeval sec = {1, 0};
	int rc;

	*state = s;
	if (!s)
		return dt_errf(e, DT_ENOMEM, "http: out of memory");
	s->lfd = -1;
	if ((rc = svc_files_acquire(ctx, &s->files, e)) != DT_OK)
		return rc;
	s->not_found = static_response("Not Found\n", NULL);
	s->forbidden = static_response("Forbidden\n", NULL);
	s->busy = static_response("Too Many Requests\n", NULL);
	s->bad_method = static_response("Method Not Allowed\n", "GET, HEAD");
	if (!s->not_found || !s->forbidden || !s->busy || !s->bad_method)
		return dt_errf(e, DT_ENOMEM, "http: out of memory");
	s->lfd = listen_tcp(ctx->listen_addr, ctx->conf->http.port, e);
	if (s->lfd < 0)
		return -s->lfd;
	s->d = MHD_start_daemon(
	    MHD_USE_EPOLL | MHD_USE_TURBO | (strchr(ctx->listen_addr, ':') ? MHD_USE_IPv6 : 0), 0,
	    NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, s->lfd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)ctx->conf->http.max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
	if (!s->d)
		return dt_errf(e, DT_EIO, "http: cannot start the HTTP engine on %s port %d",
			       ctx->listen_addr, ctx->conf->http.port);
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di)
		return dt_errf(e, DT_EIO, "http: no epoll descriptor from libmicrohttpd");
	s->ev = event_new(ctx->base, di->epoll_fd, EV_READ | EV_PERSIST, on_epoll, s);
	s->tick = event_new(ctx->base, -1, EV_PERSIST, on_epoll, s);
	if (!s->ev || !s->tick || event_add(s->ev, NULL) < 0 || event_add(s->tick, &sec) < 0)
		return dt_errf(e, DT_EIO, "http: cannot watch the HTTP engine");
	dt_log(DT_INFO, "http", NULL, "listening on %s port %d", ctx->listen_addr,
	       ctx->conf->http.port);
	return listen_extra(ctx, s, e);
}

static void
http_stats(void *state, char *buf, size_t cap)
{
	struct http_srv *s = state;
	snprintf(buf, cap,
		 "ok=%lu partial=%lu not_modified=%lu not_found=%lu refused=%lu bad=%lu "
		 "bytes=%llu",
		 s->n_ok, s->n_partial, s->n_not_modified, s->n_not_found, s->n_refused, s->n_bad,
		 (unsigned long long)s->bytes);
}

const struct dt_service dt_svc_http = {
    .name = "http",
    .bit = DT_SVC_HTTP,
    .start = http_start,
    .stop = http_stop,
    .stats = http_stats,
    .db_changed = NULL,
};
