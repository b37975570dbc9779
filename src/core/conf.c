/* summary: dialtone.conf loading through inih with a table of keys (one row per key).
 *
 * Why inih: a well-kept Debian library (libinih) that reports the line of each key to our handler,
 * which is all an INI file needs; the validation and defaults are ours, in the key table below.
 */
#include "core/conf.h"
#include "core/log.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_INT, K_STR, K_LISTEN, K_SERVICES, K_LOGLEVEL, K_BOOL };

struct key {
	const char *section;
	const char *name;
	enum kind kind;
	size_t off;
	size_t size; /* K_STR: buffer size */
	long min, max;
};

#define I(sec, nm, field, lo, hi)                                                                  \
	{                                                                                          \
		sec, nm, K_INT, offsetof(struct dt_conf, field), 0, lo, hi                         \
	}
#define S(sec, nm, field)                                                                          \
	{                                                                                          \
		sec, nm, K_STR, offsetof(struct dt_conf, field),                                   \
		    sizeof(((struct dt_conf *)0)->field), 0, 0                                     \
	}
#define B(sec, nm, field)                                                                          \
	{                                                                                          \
		sec, nm, K_BOOL, offsetof(struct dt_conf, field), 0, 0, 1                          \
	}

static const struct key keys[] = {
    S("server", "data_dir", data_dir),
    S("server", "node", node_name),
    S("server", "cluster", cluster),
    {"server", "listen", K_LISTEN, 0, 0, 0, 0},
    {"server", "services", K_SERVICES, 0, 0, 0, 0},
    {"server", "log_level", K_LOGLEVEL, 0, 0, 0, 0},
    S("server", "log_file", log_file),
    I("tftp", "port", tftp.port, 1, 65535),
    I("tftp", "data_port_min", tftp.data_port_min, 0, 65535),
    I("tftp", "data_port_max", tftp.data_port_max, 0, 65535),
    I("tftp", "timeout_ms", tftp.timeout_ms, 10, 255000),
    I("tftp", "retries", tftp.retries, 0, 100),
    I("tftp", "max_transfers", tftp.max_transfers, 1, 1000000),
    I("tftp", "max_blksize", tftp.max_blksize, 512, 65464),
    I("tftp", "max_windowsize", tftp.max_windowsize, 1, 65535),
    I("http", "port", http.port, 1, 65535),
    I("http", "max_connections", http.max_connections, 1, 1000000),
    I("dhcp", "port", dhcp.port, 1, 65535),
    S("dhcp", "interface", dhcp.interface),
    I("dhcp", "persist_batch_ms", dhcp.persist_batch_ms, 0, 60000),
    I("sip", "port", sip.port, 1, 65535),
    I("sip", "tls_port", sip.tls_port, 1, 65535),
    I("sip", "max_connections", sip.max_connections, 1, 1000000),
    I("sip", "max_message", sip.max_message, 1024, 1048576),
    I("sip", "tcp_idle_s", sip.tcp_idle_s, 1, 86400),
    I("sip", "min_expires", sip.min_expires, 1, 86400),
    I("sip", "max_expires", sip.max_expires, 1, 604800),
    I("sip", "granted_expires", sip.granted_expires, 1, 604800),
    S("sip", "realm", sip.realm),
    I("sip", "persist_ms", sip.persist_ms, 0, 60000),
    I("sip", "digest_sha256", sip.digest_sha256, 0, 1),
    I("admin", "port", admin.port, 1, 65535),
    S("files", "allow", files.allow),
    I("files", "unknown_per_min", files.unknown_per_min, 0, 1000000),
    B("files", "require_lease", files.require_lease),
    B("provisioning", "autoregister", files.autoregister),
};

void
dt_conf_defaults(struct dt_conf *c)
{
	const char *d = getenv("DIALTONE_DATA");
	memset(c, 0, sizeof *c);
	snprintf(c->data_dir, sizeof c->data_dir, "%s", d && *d ? d : "/var/lib/dialtone");
	snprintf(c->node_name, sizeof c->node_name, "node1");
	snprintf(c->cluster, sizeof c->cluster, "dialtone");
	snprintf(c->listen[0], sizeof c->listen[0], "127.0.0.1");
	c->n_listen = 1;
	c->services = DT_SVC_ALL;
	c->log_level = DT_INFO;
	c->tftp.port = 69;
	c->tftp.timeout_ms = 1000;
	c->tftp.retries = 5;
	c->tftp.max_transfers = 10000;
	c->tftp.max_blksize = 65464;
	c->tftp.max_windowsize = 64;
	c->http.port = 6970;
	c->http.max_connections = 4096;
	c->dhcp.port = 67;
	/* Group commit by default: ACKs wait for their batch's commit, so no ACKed lease is lost
	 * and the CPU per DORA is about half the per-change cost (docs/benchmarks.md, DHCP). */
	c->dhcp.persist_batch_ms = 10;
	c->sip.port = 5060;
	c->sip.tls_port = 5061;
	c->sip.max_connections = 20000;
	c->sip.max_message = 65535;
	c->sip.tcp_idle_s = 300;
	c->sip.min_expires = 60;
	c->sip.max_expires = 3600;
	c->sip.granted_expires = 120;
	c->sip.persist_ms = 1000;
	c->admin.port = 8080;
	c->files.unknown_per_min = 60;
	c->files.autoregister = 0;
}

int
dt_conf_parse_services(const char *s, unsigned *bits, struct dt_errbuf *e)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"tftp", DT_SVC_TFTP},
		     {"http", DT_SVC_HTTP},
		     {"dhcp", DT_SVC_DHCP},
		     {"sip", DT_SVC_SIP},
		     {"admin", DT_SVC_ADMIN},
		     {"all", DT_SVC_ALL},
		     {"none", 0}};
	char buf[256], *save = NULL, *w;
	unsigned out = 0;

	if (strlen(s) >= sizeof buf)
		return dt_errf(e, DT_EINVAL, "services: list too long");
	strcpy(buf, s);
	for (w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		size_t i;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(w, names[i].name) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			return dt_errf(
			    e, DT_EINVAL,
			    "services: unknown service '%s' (expected tftp,http,dhcp,sip,admin)",
			    w);
		out |= names[i].bit;
	}
	*bits = out;
	return DT_OK;
}

static int
parse_listen(struct dt_conf *c, const char *v, struct dt_errbuf *e)
{
	char buf[512], *save = NULL, *w;
	if (strlen(v) >= sizeof buf)
		return dt_errf(e, DT_EINVAL, "listen: list too long");
	strcpy(buf, v);
	c->n_listen = 0;
	for (w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		if (c->n_listen == DT_CONF_MAX_LISTEN)
			return dt_errf(e, DT_ERANGE, "listen: more than %d addresses",
				       DT_CONF_MAX_LISTEN);
		if (strlen(w) >= sizeof c->listen[0])
			return dt_errf(e, DT_EINVAL, "listen: address '%s' too long", w);
		strcpy(c->listen[c->n_listen++], w);
	}
	if (c->n_listen == 0)
		return dt_errf(e, DT_EINVAL, "listen: no address given");
	return DT_OK;
}

static int
set_key(struct dt_conf *c, const struct key *k, const char *v, struct dt_errbuf *e)
{
	char *endp;
	long n;
	int lvl;

	switch (k->kind) {
	case K_INT:
	case K_BOOL:
		if (k->kind == K_BOOL &&
		    (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on")))
			v = "1";
		if (k->kind == K_BOOL &&
		    (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off")))
			v = "0";
		errno = 0;
		n = strtol(v, &endp, 10);
		if (errno || endp == v || *endp)
			return dt_errf(e, DT_EINVAL, "'%s' is not a %s", v,
				       k->kind == K_BOOL ? "boolean" : "number");
		if (n < k->min || n > k->max)
			return dt_errf(e, DT_ERANGE, "%ld is outside %ld..%ld", n, k->min, k->max);
		*(int *)((char *)c + k->off) = (int)n;
		return DT_OK;
	case K_STR:
		if (strlen(v) >= k->size)
			return dt_errf(e, DT_ERANGE, "value longer than %zu characters",
				       k->size - 1);
		strcpy((char *)c + k->off, v);
		return DT_OK;
	case K_LISTEN:
		return parse_listen(c, v, e);
	case K_SERVICES:
		return dt_conf_parse_services(v, &c->services, e);
	case K_LOGLEVEL:
		lvl = dt_log_level_parse(v);
		if (lvl < 0)
			return dt_errf(e, DT_EINVAL,
				       "'%s' is not one of debug, info, warn, error, off", v);
		c->log_level = lvl;
		return DT_OK;
	}
	return DT_EINVAL;
}

struct load_ctx {
	struct dt_conf *c;
	struct dt_errbuf *e;
	const char *path;
	int failed;
};

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *lc = user;
	struct dt_errbuf inner = {0, ""};
	size_t i;

	if (lc->failed)
		return 0;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			break;
	if (i == sizeof keys / sizeof keys[0]) {
		dt_errf(lc->e, DT_EINVAL, "[%s] %s: unknown key", section, name);
		lc->failed = 1;
		return 0;
	}
	if (set_key(lc->c, &keys[i], value, &inner) != DT_OK) {
		dt_errf(lc->e, inner.code, "[%s] %s: %s", section, name, inner.msg);
		lc->failed = 1;
		return 0;
	}
	return 1;
}

int
dt_conf_load(struct dt_conf *c, const char *path, int optional, struct dt_errbuf *e)
{
	struct load_ctx lc = {c, e, path, 0};
	FILE *f = fopen(path, "r");
	int r;

	if (!f) {
		if (errno == ENOENT && optional)
			return DT_OK;
		return dt_errf(e, errno == ENOENT ? DT_ENOENT : DT_EIO,
			       "config: cannot open %s: %s", path, strerror(errno));
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	r = ini_parse_file(f, on_key, &lc);
	fclose(f);
	/* Debian's inih calls the handler without a line number, but returns the line of the first
	 * key the handler refused: prefix it here. */
	if (lc.failed) {
		char msg[sizeof lc.e->msg];
		snprintf(msg, sizeof msg, "%s", lc.e->msg);
		return dt_errf(e, lc.e->code, "%s:%d: %s", path, r, msg);
	}
	if (r > 0)
		return dt_errf(e, DT_EINVAL,
			       "%s:%d: syntax error (expected [section] or key = value)", path, r);
	if (r < 0)
		return dt_errf(e, DT_EIO, "config: cannot read %s", path);
	return dt_conf_validate(c, e);
}

int
dt_conf_validate(const struct dt_conf *c, struct dt_errbuf *e)
{
	const char *where = c->path[0] ? c->path : "configuration";
	if ((c->tftp.data_port_min == 0) != (c->tftp.data_port_max == 0) ||
	    c->tftp.data_port_min > c->tftp.data_port_max)
		return dt_errf(e, DT_ERANGE,
			       "%s: [tftp] data_port_min/data_port_max: give both, min <= max",
			       where);
	if (c->sip.min_expires > c->sip.max_expires)
		return dt_errf(e, DT_ERANGE, "%s: [sip] min_expires: greater than max_expires",
			       where);
	if (c->data_dir[0] == '\0')
		return dt_errf(e, DT_EINVAL, "%s: [server] data_dir: empty", where);
	return DT_OK;
}
