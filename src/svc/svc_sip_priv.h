/* summary: private structures of the SIP service (svc_sip*.c): the service state, TCP/TLS
 * connections, the UDP transaction cache. Nothing outside svc_sip*.c includes this file. */
#ifndef DT_SVC_SVC_SIP_PRIV_H
#define DT_SVC_SVC_SIP_PRIV_H

#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "core/conf.h"
#include "sip/registrar.h"
#include "store/store_sip.h"
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
	char *resp;
};

/* One cell of the transaction cache's open-addressing index (svc_sip_txc.c). */
struct sip_txc_cell {
	uint64_t hash; /* 0 = empty */
	uint32_t slot; /* ring entry */
};

#define SIP_CONNECT_S	 STORE_SIP_CONNECT_S /* an outgoing connection must be up within this */
#define SIP_CONN_CTL_MAX 4		     /* control requests waiting for one new connection */

/* A control request (store sip_control row) whose NOTIFY waits for an outgoing connection. */
struct sip_ctl {
	int64_t id;
	char device[16];
	char action[16];
};

struct sip_conn {
	struct sip_conn *next, *prev;
	struct sip_svc *s;
	struct bufferevent *bev; /* NULL while an outgoing TCP connect is in progress */
	struct reg_src src;	 /* the peer; for an outgoing connection, the phone's Contact */
	time_t partial_since;	 /* 0 when no incomplete message is buffered */
	int closing;		 /* close once the output drained */
	/* outgoing connections (svc_sip_connect.c) until they are up: */
	time_t connect_by;	  /* deadline of connect + TLS handshake; 0 once up (or accepted) */
	int fd;			  /* the connecting socket, -1 once the bufferevent owns it */
	struct event *connect_ev; /* writable = TCP connect finished */
	struct evbuffer *early;	  /* bytes written before the bufferevent exists */
	int n_ctl;
	struct sip_ctl ctl[SIP_CONN_CTL_MAX]; /* outcomes to record once up or failed */
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
	SSL_CTX *ssl_client; /* outgoing TLS (svc_sip_connect.c), made on first use */
	struct event *tick_ev, *persist_ev;
	struct sip_txc_slot *txc;	/* ring of SIP_TXC_SLOTS entries, oldest at txc_head */
	struct sip_txc_cell *txc_index; /* 2 × SIP_TXC_SLOTS cells */
	uint32_t txc_head;
	struct sip_conn *conns;
	int n_conns;
	uint64_t next_conn;
	char *rxbuf;	  /* SIP_UDP_BATCH × (SIP_UDP_MAX + 1) */
	char *txbuf;	  /* SIP_UDP_BATCH × SIP_TX_MAX */
	int64_t prov_seq; /* last change-log entry applied to the provisioning cache */
	time_t last_limit_log;
	time_t last_expire; /* second of the last expiry sweep (on_tick) */
	time_t log_second;  /* rejection log budget (svc_sip.c log_budget) */
	unsigned log_lines;
	unsigned long long log_suppressed;
	/* counters for stats() */
	uint64_t n_rx, n_tx, n_retrans, n_bad, n_conn_refused, n_persist_fail;
	uint64_t n_persist_busy; /* saves put off because another writer held the database */
	uint64_t n_connect, n_connect_fail; /* outgoing connections opened / failed */
};

#define SIP_TX_MAX 8192 /* largest response we build */

/* svc_sip_txc.c: the UDP transaction cache (ring + index), owned by the service. */
/* Allocate the ring and its index; DT_OK or DT_ENOMEM. sip_txc_free releases both (idempotent). */
int sip_txc_init(struct sip_svc *s);
void sip_txc_free(struct sip_svc *s);
/* The key of a parsed request from SRC (top Via, Call-ID, CSeq, source); never 0. */
uint64_t sip_txc_key(const struct sip_msg *m, const struct reg_src *src);
/* The cached final response to KEY if answered within SIP_TXC_TTL of NOW, else NULL. */
const struct sip_txc_slot *sip_txc_find(const struct sip_svc *s, uint64_t key, time_t now);
/* Remember RESP (copied) as the answer to KEY, evicting the oldest entry. */
void sip_txc_put(struct sip_svc *s, uint64_t key, time_t now, const char *resp, size_t len);

/* svc_sip_net.c */
/* Bind UDP and TCP on sip.port and TLS on sip.tls_port at every [server] listen address. DT_OK, or
 * DT_EIO/DT_EINVAL naming the address (what was opened is closed by sip_net_close_all). */
int sip_net_open(struct sip_svc *s, struct dt_errbuf *e);
void sip_net_close_all(struct sip_svc *s);
/* Close TCP connections with a message pending longer than SIP_PARTIAL_MAX_S. */
void sip_net_reap(struct sip_svc *s, time_t now);
/* Send a NOTIFY to a phone. UDP: from the listen socket the phone registered to (dst->local;
 * the first of its address family when unknown) to dst. TCP/TLS: on the phone's connection
 * dst->conn; when it is gone, on a connection to the Contact URI contact (an open one, or a new
 * one: svc_sip_connect.c). DT_OK: sent, e->msg says how; DT_EAGAIN: a connection is being opened
 * and ctl's outcome is recorded later through sip_svc_control_done, e->msg says to where; another
 * code: not sent, e->msg names the address and the error. */
int sip_net_send(struct sip_svc *s, const struct reg_src *dst, const char *contact, const char *buf,
		 size_t len, const struct sip_ctl *ctl, struct dt_errbuf *e);
/* Our "host:port" the phone of dst talks to (for the Via and From of a NOTIFY). */
void sip_net_local(const struct sip_svc *s, const struct reg_src *dst, char *buf, size_t cap);
/* The index in s->lis of the listen address for reg_src.local (1-based, 0 = unknown) in address
 * family af: that one when it exists and matches af, else the first address of af; -1 when none. */
int sip_net_listen_for(const struct sip_svc *s, int local, int af);
/* Connections: put c on the list (counted in n_conns); give c->bev the registrar's callbacks, the
 * idle timeout and enable it; write to c (kept until the bufferevent exists); unlink and free. */
void sip_conn_link(struct sip_svc *s, struct sip_conn *c);
void sip_conn_start(struct sip_conn *c);
int sip_conn_write(struct sip_conn *c, const char *buf, size_t len);
void sip_conn_free(struct sip_conn *c);
/* Parse "ip" into a sockaddr with port. 0, or -1 when ip is not an IP address. */
int sip_net_addr(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len);

/* svc_sip_connect.c: RFC 3261 §18.2.2 / §18.4: a NOTIFY for a phone whose connection is gone goes
 * on a connection to its Contact: an open one (DT_OK) or a new non-blocking one (DT_EAGAIN, ctl
 * recorded when it is up or failed). Errors as sip_net_send. */
int sip_connect_send(struct sip_svc *s, const struct reg_src *dst, const char *contact,
		     const char *buf, size_t len, const struct sip_ctl *ctl, struct dt_errbuf *e);
/* A bufferevent event on a connection still connecting (c->connect_by set): up or failed. */
void sip_connect_event(struct sip_conn *c, short what);
/* Give up a connection still connecting: its waiting controls fail with why (NULL: it timed out,
 * SIP_CONNECT_S); c is freed. */
void sip_connect_abort(struct sip_conn *c, const char *why);

/* svc_sip_prov.c: the provisioning cache. load: full, at start (records the change-log position);
 * update: apply the change log since then, *full = 1 when it reloaded everything instead (profile
 * changes, unknown kinds, a hole in the log, a large batch, a failed single read). DT_OK, or the
 * store's error with e set. */
int sip_prov_load(struct sip_svc *s, struct dt_errbuf *e);
int sip_prov_update(struct sip_svc *s, int *full, struct dt_errbuf *e);

/* svc_sip_tls.c: SSL_CTX from DATA_DIR/sip-tls.{crt,key}, made self-signed on first run. */
SSL_CTX *sip_tls_ctx(const char *data_dir, const char *cn, struct dt_errbuf *e);
/* The client SSL_CTX for connections we open to phones, presenting the same certificate. */
SSL_CTX *sip_tls_client_ctx(const char *data_dir, struct dt_errbuf *e);

/* svc_sip.c: handle one framed message and log its outcome; returns the response length (0 =
 * none, -1 = drop). */
int sip_svc_process(struct sip_svc *s, struct sip_msg *m, int parse_rc, const struct reg_src *src,
		    char *out, size_t cap);
/* Record a control request's outcome (store state 1 sent, 2 no binding, 3 failed) and log it once;
 * on a failure the device's config state becomes failed. */
void sip_svc_control_done(struct sip_svc *s, const struct sip_ctl *ctl, int state,
			  const char *detail);

#endif
