/* summary: private structures of the SIP service (svc_sip*.c): the service state, TCP/TLS
 * connections, the UDP transaction cache. Nothing outside svc_sip*.c includes this file. */
#ifndef DT_SVC_SVC_SIP_PRIV_H
#define DT_SVC_SVC_SIP_PRIV_H

#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <time.h>

#include "core/conf.h"
#include "sip/registrar.h"
#include "svc/svc.h"

#define SIP_UDP_BATCH 32    /* datagrams read per wake-up (recvmmsg) */
#define SIP_UDP_MAX   65535 /* largest datagram */
#define SIP_TXC_SLOTS                                                                              \
	65536		     /* UDP transaction cache entries (FIFO ring: bounded memory; at       \
			      * 20,000 REGISTER/s an answer stays 3.3 s, at 2,000/s the full 32 s) */
#define SIP_TXC_TTL	  32 /* seconds: Timer J = 64*T1 (RFC 3261 §17.2.2) */
#define SIP_PARTIAL_MAX_S 30 /* a TCP message must complete within this (slow senders) */

struct sip_txc_slot {
	uint64_t hash; /* 0 = free */
	time_t at;
	uint32_t len, cap;
	int32_t next; /* next entry in the same bucket, -1 = end */
	char *resp;
};

struct sip_conn {
	struct sip_conn *next, *prev;
	struct sip_svc *s;
	struct bufferevent *bev;
	struct reg_src src;
	time_t partial_since; /* 0 when no incomplete message is buffered */
	int closing;	      /* close once the output drained */
};

/* The sockets of one [server] listen address. */
struct sip_listen {
	const char *addr; /* conf->listen[i] */
	int udp_fd;	  /* -1 when not open */
	struct event *udp_ev;
	struct evconnlistener *tcp_l, *tls_l;
};

struct sip_svc {
	struct dt_ctx *ctx;
	struct reg *reg;
	struct sip_listen lis[DT_CONF_MAX_LISTEN]; /* one per [server] listen address */
	int n_lis;
	SSL_CTX *ssl;
	struct event *tick_ev, *persist_ev;
	struct sip_txc_slot *txc; /* ring of SIP_TXC_SLOTS entries, oldest at txc_head */
	int32_t *txc_bucket;	  /* SIP_TXC_SLOTS chain heads, -1 = empty */
	uint32_t txc_head;
	struct sip_conn *conns;
	int n_conns;
	uint64_t next_conn;
	char local[80];	  /* "addr:port" for Via/From of our NOTIFYs */
	char *rxbuf;	  /* SIP_UDP_BATCH × (SIP_UDP_MAX + 1) */
	char *txbuf;	  /* SIP_UDP_BATCH × SIP_TX_MAX */
	int64_t prov_seq; /* last change-log entry applied to the provisioning cache */
	time_t last_limit_log;
	time_t log_second; /* rejection log budget (svc_sip.c log_budget) */
	unsigned log_lines;
	unsigned long long log_suppressed;
	/* counters for stats() */
	uint64_t n_rx, n_tx, n_retrans, n_bad, n_conn_refused, n_persist_fail;
	uint64_t n_persist_busy; /* saves put off because another writer held the database */
};

#define SIP_TX_MAX 8192 /* largest response we build */

/* svc_sip_net.c */
/* Bind UDP and TCP on sip.port and TLS on sip.tls_port at every [server] listen address. DT_OK, or
 * DT_EIO/DT_EINVAL naming the address (what was opened is closed by sip_net_close_all). */
int sip_net_open(struct sip_svc *s, struct dt_errbuf *e);
void sip_net_close_all(struct sip_svc *s);
/* Close TCP connections with a message pending longer than SIP_PARTIAL_MAX_S. */
void sip_net_reap(struct sip_svc *s, time_t now);
/* Send bytes to a phone (NOTIFY): UDP to dst, TCP/TLS on its connection. DT_OK / DT_ENOENT. */
int sip_net_send(struct sip_svc *s, const struct reg_src *dst, const char *buf, size_t len);

/* svc_sip_prov.c: the provisioning cache. load: full, at start (records the change-log position);
 * update: apply the change log since then, *full = 1 when it reloaded everything instead (profile
 * changes, unknown kinds, a hole in the log, a large batch, a failed single read). DT_OK, or the
 * store's error with e set. */
int sip_prov_load(struct sip_svc *s, struct dt_errbuf *e);
int sip_prov_update(struct sip_svc *s, int *full, struct dt_errbuf *e);

/* svc_sip_tls.c: SSL_CTX from DATA_DIR/sip-tls.{crt,key}, made self-signed on first run. */
SSL_CTX *sip_tls_ctx(const char *data_dir, const char *cn, struct dt_errbuf *e);

/* svc_sip.c: handle one framed message and log its outcome; returns the response length (0 =
 * none, -1 = drop). */
int sip_svc_process(struct sip_svc *s, struct sip_msg *m, int parse_rc, const struct reg_src *src,
		    char *out, size_t cap);

#endif
