/* summary: internals of the TFTP service shared by svc_tftp.c (sockets, receive loop, requests),
 * svc_tftp_xfer.c (the transfer table and state machine) and svc_tftp_out.c (batched sends).
 *
 * Design (docs/decisions.md "TFTP service"): port 69 receives requests; transfers run on a small
 * pool of data sockets opened at start ([tftp] data_port_min..max, or kernel-chosen ports), and a
 * transfer is identified by (its pool socket, the client's address and port). The client picks a
 * fresh port per transfer, so the pair still names exactly one transfer, as RFC 1350's TIDs do,
 * while no socket is created, bound, registered or closed per transfer. Each socket is drained with
 * recvmmsg(2) and answered with sendmmsg(2), and DATA is sent scatter-gather straight from the
 * file's bytes held in memory (struct files_ref), so a transfer owns no data buffer.
 */
#ifndef DT_SVC_SVC_TFTP_H
#define DT_SVC_SVC_TFTP_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "core/conf.h"
#include "files/files.h"
#include "proto/tftp/tftp.h"

#define TFTP_POOL_MAX	16   /* data sockets */
#define TFTP_BATCH	32   /* datagrams per recvmmsg */
#define TFTP_OUT_SLOTS	64   /* datagrams per sendmmsg */
#define TFTP_BACKOFF_S	5    /* longest wait between retransmissions, seconds */
#define TFTP_ERR5_PER_S 1000 /* unknown-TID answers per second (the rest are dropped) */

struct tftp_srv;

struct tftp_sock {
	int fd;
	struct event ev;
	struct tftp_srv *srv;
	int is_main; /* port 69: requests only */
};

enum xfer_result { XR_SENT, XR_NOTFOUND, XR_REFUSED, XR_TIMEOUT, XR_PEER_ERROR, XR_ERROR };

struct xfer {
	struct xfer *hnext; /* hash chain, or free list */
	struct tftp_sock *sock;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	struct files_ref file;
	struct event timer;
	uint64_t size;	 /* bytes on the wire (netascii: after conversion) */
	uint64_t base;	 /* first block not yet acknowledged (0 = the OACK) */
	uint64_t next;	 /* next block to send */
	uint64_t last;	 /* the final block: size / blksize + 1 */
	uint64_t resent; /* blocks sent again after a timeout or a partial window ACK */
	struct tftp_ascii ascii_base, ascii_next; /* netascii state at base and next */
	struct tftp_opts granted;		  /* what the OACK acknowledged */
	uint32_t timeout_ms;
	uint16_t blksize, window;
	uint8_t tries, netascii, timeout_common;
	struct timespec started;
	char name[256]; /* as requested (control bytes replaced), for the trace line */
};

struct tftp_out {
	struct mmsghdr m[TFTP_OUT_SLOTS];
	struct iovec iov[TFTP_OUT_SLOTS][2];
	struct sockaddr_storage to[TFTP_OUT_SLOTS];
	uint8_t small[TFTP_OUT_SLOTS][96]; /* DATA header, ACK-sized control packets, OACK */
	int fd[TFTP_OUT_SLOTS];
	int n;
};

struct tftp_srv {
	struct event_base *base;
	const struct dt_conf *conf;
	const char *host; /* the listen address, for messages */
	struct files *files;
	struct tftp_sock main;
	struct tftp_sock pool[TFTP_POOL_MAX];
	int n_pool, rr;
	/* transfer table */
	struct xfer **buckets;
	uint32_t nbuckets; /* power of two */
	struct xfer *free_list;
	void *chunks[4096];
	int n_chunks;
	int active;
	const struct timeval *common_tv[8]; /* libevent common timeouts per backoff level */
	struct tftp_out out;
	uint8_t scratch[65536 + 4]; /* netascii block being sent; flushed at once */
	/* receive batch: requests are at most 512 bytes (RFC 2347), ACKs 4 */
	struct mmsghdr rm[TFTP_BATCH];
	struct iovec riov[TFTP_BATCH];
	struct sockaddr_storage rfrom[TFTP_BATCH];
	uint8_t rbuf[TFTP_BATCH][1024];
	/* counters for stats() */
	unsigned long n_sent, n_notfound, n_refused, n_timeout, n_peer_error, n_error, n_busy;
	unsigned long n_unknown_tid, n_bad;
	time_t err5_sec; /* unknown-TID answer budget: second and count */
	unsigned err5_n;
	uint64_t bytes;
};

/* svc_tftp_out.c */
/* Queue one datagram to `to` on fd: head (<= 96 bytes, copied) followed by body (not copied: must
 * stay valid until tftp_out_flush). */
void tftp_out_queue(struct tftp_srv *s, int fd, const struct sockaddr *to, socklen_t tolen,
		    const void *head, size_t hlen, const void *body, size_t blen);
/* Send everything queued (sendmmsg per run of one socket); losses are left to retransmission. */
void tftp_out_flush(struct tftp_srv *s);
/* Queue an ERROR packet. */
void tftp_out_error(struct tftp_srv *s, int fd, const struct sockaddr *to, socklen_t tolen,
		    int code, const char *msg);

/* svc_tftp_xfer.c */
int tftp_xfer_init(struct tftp_srv *s, struct dt_errbuf *e);
void tftp_xfer_fini(struct tftp_srv *s);
/* Handle a decoded RRQ from `from` that arrived on port 69. */
void tftp_xfer_request(struct tftp_srv *s, const struct tftp_pkt *p, const struct sockaddr *from,
		       socklen_t fromlen);
/* Handle a datagram that arrived on pool socket sk. */
void tftp_xfer_datagram(struct tftp_srv *s, struct tftp_sock *sk, const uint8_t *buf, size_t len,
			const struct sockaddr *from, socklen_t fromlen);

#endif
