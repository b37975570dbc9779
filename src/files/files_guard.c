/* summary: the provisioning guard: [files] allow (CIDRs that may fetch per-device files, which hold
 * SIP passwords) and per-source limiting of requests for unknown SEP names (MAC enumeration).
 *
 * The limiter is a fixed table of per-address one-minute windows (bounded memory whatever the
 * number of sources); a source that asks for more than [files] unknown_per_min unknown SEP names in
 * its window is logged once and refused SEP names until the window ends. Addresses are compared as
 * IPv6, IPv4 mapped into ::ffff:0:0/96, so one allow list covers both families.
 */
#include "files/files_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"

#define MAX_CIDRS   32
#define LIMIT_SLOTS 1024
#define WINDOW_S    60

struct cidr {
	uint8_t addr[16];
	int prefix; /* in bits of the 128-bit form */
};

struct slot {
	uint8_t addr[16];
	time_t start;
	unsigned count;
	int used, limited;
};

struct files_guard {
	struct cidr cidrs[MAX_CIDRS];
	int n_cidrs;
	int per_min;
	struct slot slots[LIMIT_SLOTS];
};

static void
to_v6(const struct sockaddr *sa, uint8_t out[16])
{
	memset(out, 0, 16);
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else if (sa->sa_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	}
}

static int
parse_cidr(const char *s, struct cidr *c)
{
	char buf[64], *slash, *end;
	struct in_addr a4;
	long bits;
	int is4;

	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	memset(c->addr, 0, 16);
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		is4 = 1;
		c->addr[10] = c->addr[11] = 0xff;
		memcpy(c->addr + 12, &a4, 4);
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		is4 = 0;
	} else {
		return -1;
	}
	bits = is4 ? 32 : 128;
	if (slash) {
		bits = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || bits < 0 || bits > (is4 ? 32 : 128))
			return -1;
	}
	c->prefix = (int)bits + (is4 ? 96 : 0);
	return 0;
}

static int
cidr_match(const struct cidr *c, const uint8_t a[16])
{
	int full = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(c->addr, a, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (a[full] & mask);
}

int
fguard_open(const char *allow, int unknown_per_min, struct files_guard **out, struct dt_errbuf *e)
{
	struct files_guard *g = dt_calloc(DT_MEM_TFTP, 1, sizeof *g);
	char buf[512], *save = NULL, *w;

	if (!g)
		return dt_errf(e, DT_ENOMEM, "files: out of memory");
	g->per_min = unknown_per_min;
	snprintf(buf, sizeof buf, "%s", allow ? allow : "");
	for (w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		if (g->n_cidrs == MAX_CIDRS) {
			dt_free(DT_MEM_TFTP, g);
			return dt_errf(e, DT_ERANGE, "[files] allow: more than %d networks",
				       MAX_CIDRS);
		}
		if (parse_cidr(w, &g->cidrs[g->n_cidrs]) < 0) {
			dt_free(DT_MEM_TFTP, g);
			return dt_errf(e, DT_EINVAL,
				       "[files] allow: '%s' is not an address or CIDR network", w);
		}
		g->n_cidrs++;
	}
	*out = g;
	return DT_OK;
}

int
fguard_allowed(const struct files_guard *g, const struct sockaddr *client)
{
	uint8_t a[16];
	if (!client || g->n_cidrs == 0)
		return 1;
	to_v6(client, a);
	for (int i = 0; i < g->n_cidrs; i++)
		if (cidr_match(&g->cidrs[i], a))
			return 1;
	return 0;
}

static struct slot *
find_slot(struct files_guard *g, const uint8_t a[16], int create, time_t now)
{
	uint32_t h = 2166136261u;
	struct slot *s;

	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	s = &g->slots[h % LIMIT_SLOTS];
	if (s->used && memcmp(s->addr, a, 16) == 0) {
		if (now - s->start >= WINDOW_S) {
			s->start = now;
			s->count = 0;
			s->limited = 0;
		}
		return s;
	}
	if (!create)
		return NULL;
	/* One slot per hash: a colliding newcomer takes over, which keeps memory fixed; a flood
	 * from many spoofed sources can only reset counters, never grow the table. */
	memset(s, 0, sizeof *s);
	memcpy(s->addr, a, 16);
	s->used = 1;
	s->start = now;
	return s;
}

static time_t
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

int
fguard_limited(struct files_guard *g, const struct sockaddr *client)
{
	uint8_t a[16];
	struct slot *s;
	if (!client || g->per_min <= 0)
		return 0;
	to_v6(client, a);
	s = find_slot(g, a, 0, now_s());
	return s && s->limited;
}

void
fguard_unknown(struct files_guard *g, const struct sockaddr *client, const char *device)
{
	uint8_t a[16];
	struct slot *s;
	char host[INET6_ADDRSTRLEN] = "?";

	if (!client || g->per_min <= 0)
		return;
	to_v6(client, a);
	s = find_slot(g, a, 1, now_s());
	if (++s->count <= (unsigned)g->per_min || s->limited)
		return;
	s->limited = 1;
	if (client->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)client)->sin_addr, host,
			  sizeof host);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)client)->sin6_addr, host,
			  sizeof host);
	dt_log(DT_WARN, "files", device,
	       "client %s asked for more than %d unknown SEP names within a minute; refusing its "
	       "SEP requests until the minute ends",
	       host, g->per_min);
}

void
fguard_close(struct files_guard *g)
{
	dt_free(DT_MEM_TFTP, g);
}
