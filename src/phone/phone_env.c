/* summary: the environment shared by every simulated phone of a process: the event base and the
 * one relay socket on RELAY:67 where the DHCP server answers (RFC 2131 §4.1: replies to a relayed
 * request go to giaddr, port 67), demultiplexed to phones by xid and chaddr.
 *
 * Why one socket: a storm of 10,000 phones relays through one address exactly as 10,000 phones
 * behind one router's `ip helper-address` do, and a per-phone socket could not bind port 67
 * 10,000 times anyway.
 */
#include "phone/phone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/mem.h"
#include "proto/dhcp/dhcp.h"

static void
relay_read(evutil_socket_t fd, short what, void *arg)
{
	struct phone_env *env = arg;
	uint8_t buf[2048];

	/* Drain what is queued (a storm gets bursts), bounded so timers still run. */
	for (int i = 0; i < 256; i++) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0)
			return;
		if (n < DHCP_MIN_LEN)
			continue;
		/* Look the phone up by xid before decoding: the decode is the phone's job (it
		 * logs what it got). xid is bytes 4..7 of the BOOTP header. */
		uint32_t xid = ((uint32_t)buf[4] << 24) | ((uint32_t)buf[5] << 16) |
			       ((uint32_t)buf[6] << 8) | buf[7];
		for (struct phone *ph = env->xid_tab[xid & (env->xid_cap - 1)]; ph;
		     ph = ph->xid_next)
			if (ph->xid == xid && memcmp(buf + 28, ph->mac_bytes, 6) == 0) {
				phone_dhcp_input(ph, buf, (size_t)n);
				break;
			}
	}
}

int
phone_env_new(struct event_base *base, const struct phone_env_opts *o, struct phone_env **out,
	      struct dt_errbuf *e)
{
	char ip[16];
	struct phone_env *env = dt_calloc(DT_MEM_PHONE, 1, sizeof *env);
	if (!env)
		return dt_errf(e, DT_ENOMEM, "phone: out of memory");
	env->base = base;
	env->o = *o;
	if (env->o.dhcp_port == 0)
		env->o.dhcp_port = DHCP_SERVER_PORT;
	if (env->o.timeout_ms <= 0)
		env->o.timeout_ms = 2000;
	if (env->o.retries <= 0)
		env->o.retries = 3;
	env->xid_cap = 1u << 16;
	env->xid_tab = dt_calloc(DT_MEM_PHONE, env->xid_cap, sizeof *env->xid_tab);
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (uint64_t)getpid() * 2654435761u;
	env->seq = seed;
	env->relay_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!env->xid_tab || env->relay_fd < 0) {
		phone_env_free(env);
		return dt_errf(e, DT_EIO, "relay: socket: %s", strerror(errno));
	}
	int one = 1, big = 4 << 20;
	setsockopt(env->relay_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(env->relay_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT)};
	sa.sin_addr = o->relay;
	if (bind(env->relay_fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int err = errno;
		phone_env_free(env);
		/* The usual cause: relay = the server's own address, whose port 67 it holds. */
		return dt_errf(e, DT_EIO, "relay: bind %s:67: %s%s",
			       inet_ntop(AF_INET, &o->relay, ip, 16), strerror(err),
			       err == EADDRINUSE
				   ? " (is the DHCP server on this address? give --relay "
				     "an address inside one of its DHCP subnets)"
				   : "");
	}
	env->relay_ev = event_new(base, env->relay_fd, EV_READ | EV_PERSIST, relay_read, env);
	if (!env->relay_ev || event_add(env->relay_ev, NULL) != 0) {
		phone_env_free(env);
		return dt_errf(e, DT_EIO, "relay: event setup failed");
	}
	*out = env;
	return DT_OK;
}

void
phone_env_free(struct phone_env *env)
{
	if (!env)
		return;
	if (env->relay_ev)
		event_free(env->relay_ev);
	if (env->ssl_ctx)
		SSL_CTX_free(env->ssl_ctx);
	if (env->relay_fd >= 0)
		close(env->relay_fd);
	dt_free(DT_MEM_PHONE, env->xid_tab);
	dt_free(DT_MEM_PHONE, env);
}

void
phone_env_xid_add(struct phone_env *env, struct phone *ph)
{
	struct phone **slot = &env->xid_tab[ph->xid & (env->xid_cap - 1)];
	ph->xid_next = *slot;
	*slot = ph;
}

void
phone_env_xid_del(struct phone_env *env, struct phone *ph)
{
	for (struct phone **pp = &env->xid_tab[ph->xid & (env->xid_cap - 1)]; *pp;
	     pp = &(*pp)->xid_next)
		if (*pp == ph) {
			*pp = ph->xid_next;
			ph->xid_next = NULL;
			return;
		}
}

int
phone_env_dhcp_send(struct phone_env *env, const void *buf, size_t len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(env->o.dhcp_port)};
	sa.sin_addr = env->o.server;
	ssize_t n = sendto(env->relay_fd, buf, len, 0, (struct sockaddr *)&sa, sizeof sa);
	return n == (ssize_t)len ? DT_OK : DT_EIO;
}

uint64_t
phone_env_unique(struct phone_env *env)
{
	/* splitmix64 over a counter: unique per call, well spread for xids and tags. */
	uint64_t z = (env->seq += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
