/* summary: the phone simulator's private map: the per-phone context and the prototypes of each
 * file of src/phone/ (only src/phone/ and its unit tests include this). */
#ifndef DT_PHONE_PHONE_PRIV_H
#define DT_PHONE_PHONE_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/err.h"
#include "phone/phone.h"

struct event;
struct evbuffer;
struct sockaddr_in;
struct bufferevent;
struct evhttp_connection;
struct evhttp_request;

#define PHONE_MAX_CM	  5 /* CUCM group: up to 5 members (usecallmanager) */
#define PHONE_MAX_LINES	  8
#define PHONE_MAX_TFTP	  4
#define PHONE_NAME_MAX	  128	      /* a file name we request */
#define PHONE_MAX_IMAGES  16	      /* image files in one .loads */
#define PHONE_FILE_MAX	  (64u << 20) /* largest download accepted (firmware images) */
#define PHONE_EXTRA_FILES 6	      /* steps 11-13 requests */

/* ---- phone_model.c ---- */
struct phone_model {
	const char *name;	 /* "8851" */
	int number;		 /* CUCM product type (684): +u.sip!model, loadInformation<N> */
	const char *load_prefix; /* "sip88xx" */
	const char *locale_jar;	 /* user-locale jar name */
};
/* The model for "8851", "CP-8851", "8851G"; "" or NULL = 8851. NULL when unknown. */
const struct phone_model *phone_model_find(const char *name);

/* ---- phone_flash.c ---- */
struct phone_flash {
	char active[64];   /* load ID without ".loads" */
	char inactive[64]; /* the other image ("" = none) */
	char last[32];	   /* why the phone last restarted: Reason "Last=" */
	unsigned boots;
};
/* Factory flash for a load prefix. */
void phone_flash_factory(struct phone_flash *f, const char *load_prefix);
/* Parse key=value text; DT_EINVAL naming the line. f must be zeroed by the caller. */
int phone_flash_parse(const char *text, struct phone_flash *f, struct dt_errbuf *e);
/* Read DIR/SEP<MAC>/flash, making it (factory loads) when absent (*made = 1). */
int phone_flash_load(const char *dir, const char *mac, const char *load_prefix,
		     struct phone_flash *f, int *made, struct dt_errbuf *e);
/* Write it atomically (tmp + rename). */
int phone_flash_save(const char *dir, const char *mac, const struct phone_flash *f,
		     struct dt_errbuf *e);

/* ---- phone_cnf.c ---- */
struct phone_cm {
	char host[64]; /* processNodeName */
	int sip_port;
	int sips_port; /* securedSipPort (TLS) */
	int priority;  /* lower = tried first */
};
struct phone_line {
	int button;
	int port;
	char name[64]; /* the DN */
	char display[64];
	char auth_name[64];
	char auth_password[64];
	char contact[64];
};
struct phone_cnf {
	int is_default; /* parsed from XMLDefault.cnf.xml */
	int n_cm;
	struct phone_cm cm[PHONE_MAX_CM]; /* sorted by priority */
	int n_lines;
	struct phone_line lines[PHONE_MAX_LINES]; /* featureID 9 only */
	char device_protocol[8];
	char load[64];
	char inactive_load[64];
	char dial_template[PHONE_NAME_MAX];
	char softkey_file[PHONE_NAME_MAX];
	char user_locale[64];
	char network_locale[64];
	char version_stamp[128];
	int reg_expires, reg_delta, keepalive_expires;
	int transport;	   /* transportLayerProtocol: 1 TCP, 2 UDP, 3 TLS */
	int security_mode; /* deviceSecurityMode: 1 non-secure, 2 authenticated, 3 encrypted */
	int tls;	   /* SIP over TLS to securedSipPort */
};
/* Parse a config file (root <device> or <Default>); model_number picks loadInformation<N> in
 * XMLDefault. DT_EINVAL with "FNAME:LINE: why" for XML errors, wrong protocol or no CM member. */
int phone_cnf_parse(const char *buf, size_t len, const char *fname, int model_number,
		    struct phone_cnf *c, struct dt_errbuf *e);

/* ---- phone_loads.c ---- */
/* Image file names of a .loads manifest into names (at most max); DT_OK with *n ≥ 1, DT_EINVAL
 * when none, DT_ERANGE when more than max. */
int phone_loads_parse(const char *buf, size_t len, char (*names)[PHONE_NAME_MAX], int max, int *n);

/* ---- phone_log.c ---- */
struct phone_logline {
	int step;
	const char *status; /* "ok", "skipped", "not-found", "failed", "info", "retry" */
	uint64_t dur_us;
	const char *sent;
	const char *got;
};
/* Format one console-log line (text or JSON, '\n'-terminated) into buf; returns its length. */
size_t phone_log_format(char *buf, size_t cap, int json, const struct timeval *tv,
			const char *device, const struct phone_logline *l);

/* ---- phone_env.c ---- */
struct ssl_ctx_st;
struct phone_env {
	struct event_base *base;
	struct ssl_ctx_st *ssl_ctx; /* TLS client context, made on first use */
	struct phone_env_opts o;
	int relay_fd;
	struct event *relay_ev;
	/* xid → phone, open hash with chaining through phone.xid_next (storm: thousands). */
	struct phone **xid_tab;
	size_t xid_cap;
	uint64_t seq; /* makes xids/branches/tags unique within the process */
};
void phone_env_xid_add(struct phone_env *env, struct phone *ph);
void phone_env_xid_del(struct phone_env *env, struct phone *ph);
/* Send a DHCP payload from the relay socket to the server's port 67. 0 or DT_EIO. */
int phone_env_dhcp_send(struct phone_env *env, const void *buf, size_t len);
/* Next unique 64-bit number (random base + counter). */
uint64_t phone_env_unique(struct phone_env *env);

/* ---- phone_fetch.c: one file over HTTP 6970 then TFTP, server by server ---- */
enum phone_fetch_result {
	PHONE_FETCH_OK = 0,
	PHONE_FETCH_NOTFOUND,	 /* every reachable server said not found */
	PHONE_FETCH_UNREACHABLE, /* no server answered (timeouts, refused) */
	PHONE_FETCH_ERROR,	 /* an answer that was neither the file nor not-found */
};
struct phone_fetch {
	struct phone *ph;
	char name[PHONE_NAME_MAX];
	int srv;	 /* index in ph->tftp */
	int via_tftp;	 /* 0: HTTP attempt, 1: TFTP attempt */
	int tries;	 /* attempts of the current transport */
	int not_found;	 /* some server answered not found */
	char trail[400]; /* what was tried: "http 127.0.0.1 404, tftp 127.0.0.1 error 1" */
	struct evbuffer *body;
	void (*done)(struct phone *ph, int result);
	/* TFTP transfer */
	int tftp_fd;
	struct event *tftp_ev;
	struct event *tftp_timer;
	uint16_t block;
	uint16_t srv_port; /* server TID, 0 before the first DATA */
	uint8_t last_pkt[600];
	size_t last_len;
	int tftp_ms;
	struct event *defer; /* delivers done() from a fresh loop iteration */
	int result;
	struct evhttp_request *http_req; /* in flight, so a cancel can withdraw it */
};
/* Start fetching name; done(ph, result) is called once, later, from the loop (the body is in
 * ph->fetch.body on PHONE_FETCH_OK). */
void phone_fetch_start(struct phone *ph, const char *name,
		       void (*done)(struct phone *ph, int result));
/* Cancel a running fetch (no callback). */
void phone_fetch_cancel(struct phone *ph);
/* ---- phone_tftp.c ---- */
void phone_tftp_start(struct phone_fetch *f, uint32_t server);
void phone_tftp_cancel(struct phone_fetch *f);
/* Called by phone_tftp.c when the TFTP attempt ends: result PHONE_FETCH_*; why for the trail. */
void phone_fetch_tftp_done(struct phone_fetch *f, int result, const char *why);

/* ---- phone_dhcp.c ---- */
void phone_dhcp_start(struct phone *ph);
void phone_dhcp_cancel(struct phone *ph);
/* The relay socket got a reply for this phone. */
void phone_dhcp_input(struct phone *ph, const void *buf, size_t len);

/* ---- phone_digest.c ---- */
/* A digest challenge kept to answer every later REGISTER on its connection. */
struct phone_chal {
	char realm[128]; /* "" = no challenge yet */
	char nonce[256];
	char opaque[128];
	int qop;     /* the server offered qop=auth */
	int alg;     /* enum sip_digest_alg of the challenge answered */
	unsigned nc; /* nonce-count of the last answer */
};
struct sip_msg;
/* Take the first WWW-Authenticate (else Proxy-Authenticate) challenge of a 401/407 whose algorithm
 * we answer (MD5 or SHA-256) into c (nc reset); *stale = 1 when it says stale=true. 0, or -1 when
 * there is no usable challenge. */
int phone_chal_take(struct phone_chal *c, const struct sip_msg *m, int *stale);
/* The Authorization value answering c for REGISTER to uri (next nc; cnonce from rnd), with the
 * challenge's algorithm. 0, or -1 (out = "") when it does not fit in cap or OpenSSL fails. */
int phone_chal_answer(struct phone_chal *c, const char *user, const char *password, const char *uri,
		      uint64_t rnd, char *out, size_t cap);

/* ---- phone_sip.c ---- */
/* Where a REGISTER goes: the member, the connection's local port, its CSeq and Call-ID, and
 * whether it is the standby member's keepalive (Expires 0 + cisco-keep-alive, sip-register.md). */
struct phone_reg_to {
	const struct phone_cm *cm;
	int local_port;
	uint32_t cseq;
	const char *callid;
	int keepalive;
	const char *auth; /* Authorization value, NULL = none */
};
/* The standby member's keepalive connection (phone_backup.c). */
struct phone_backup {
	int cm; /* index into cnf.cm, -1 when none */
	struct bufferevent *bev;
	struct event *timer;
	int local_port;
	uint32_t cseq;
	char callid[96];
	int waiting; /* a keepalive REGISTER is unanswered */
	struct phone_chal chal;
	int answered;	     /* the standby's challenge was answered once */
	char auth_hdr[1024]; /* Authorization for the standby ("" = none) */
};
/* SIP over UDP (phone_sip_udp.c): the socket and Timer E of the request in flight. */
#define PHONE_UDP_T1_MS 500  /* RFC 3261 T1 */
#define PHONE_UDP_T2_MS 4000 /* RFC 3261 T2 */
struct phone_udp {
	int fd;		   /* meaningful while rd != NULL */
	struct event *rd;  /* datagrams from the member (NULL = closed) */
	struct event *rtx; /* Timer E */
	char *pending;	   /* the request being retransmitted (NULL = none) */
	size_t pending_len;
	int sent;	     /* transmissions of the pending request */
	int proceeding;	     /* a 1xx arrived: retransmit every T2 */
	unsigned gen;	     /* bumped on close: a handler knows its socket went away */
	uint32_t final_cseq; /* CSeq whose final response was handled (drop repeats) */
	unsigned long retransmits;
};
enum phone_sip_state {
	PHONE_SIP_IDLE = 0,
	PHONE_SIP_CONNECTING,
	PHONE_SIP_REGISTERING,
	PHONE_SIP_REGISTERED,
	PHONE_SIP_UNREGISTERING,
};
struct phone_sip {
	int state;
	int cm;			  /* index into cnf.cm of the current member */
	struct bufferevent *bev;  /* TCP to the CallManager */
	struct event *timer;	  /* connect/answer timeout, refresh */
	struct event *home_timer; /* registered on a backup: probe the primary */
	int local_port;
	char callid[96];
	char from_tag[48];
	char contact_user[64];
	uint32_t cseq;
	int auth_tries;
	int stale_tries;
	struct phone_chal chal; /* the last digest challenge (realm "" = none) */
	char auth_hdr[1024];	/* Authorization for the next REGISTER */
	int expires;		/* granted */
	int first_sent;		/* first REGISTER after boot carries Reason + body */
	int registrations;
	struct phone_backup bk;
	int refreshing;	      /* the pending REGISTER is a refresh */
	int pending_expires;  /* Expires of the REGISTER in flight */
	struct phone_udp udp; /* transportLayerProtocol 2 */
};
/* Step 9+10: connect to the CM members in priority order and register. */
void phone_sip_start(struct phone *ph);
/* Unregister (Expires 0) then call done; done immediately when not registered. */
void phone_sip_unregister(struct phone *ph, void (*done)(struct phone *ph));
void phone_sip_close(struct phone *ph);
/* Registered: arms the primary probe when registered on a backup with --hold. */
void phone_sip_registered_hook(struct phone *ph);
/* Build a REGISTER for the current member into buf (cap); returns its length or -1. */
int phone_sip_build_register(struct phone *ph, char *buf, size_t cap, int expires, int first);
/* The port the phone uses on a member: securedSipPort under TLS, else sipPort. */
int phone_cm_port(const struct phone *ph, const struct phone_cm *cm);
/* A bufferevent on a connecting socket fd: TLS (no certificate check: see docs/phone.md) when
 * the config asks for it, plain TCP otherwise. NULL on failure (fd closed). */
struct bufferevent *phone_sip_bev(struct phone *ph, int fd);
/* The digest user: authName, else the DN, else the device name. */
const char *phone_sip_auth_user(const struct phone *ph);
/* Build a REGISTER for any target. */
int phone_sip_build(struct phone *ph, const struct phone_reg_to *to, char *buf, size_t cap,
		    int expires, int first);

/* A parsed message from the member (TCP stream or UDP datagram): answer a request (NOTIFY
 * service-control), act on a response. The caller checks afterwards whether the transport it
 * read from is still open (the handler may close or replace it). */
void phone_sip_input(struct phone *ph, struct sip_msg *m);
/* The transport to the member failed (closed, refused, unreachable): the same path as a dropped
 * TCP connection (back to step 9 when registered, next member while registering). */
void phone_sip_transport_error(struct phone *ph, const char *why);

/* ---- phone_sip_udp.c ---- */
/* The config asks for SIP over UDP (transportLayerProtocol 2, no TLS). */
int phone_sip_udp(const struct phone *ph);
int phone_udp_is_open(const struct phone *ph);
/* Timer E: the wait after the k-th transmission (k ≥ 1) of a non-INVITE request: T1·2^(k-1)
 * capped at T2; T2 once a provisional response arrived (RFC 3261 §17.1.2.2). */
int phone_udp_interval_ms(int k, int proceeding);
/* How long a REGISTER over UDP is retransmitted before the transaction fails:
 * 2 × timeout_ms × retries, never beyond Timer F (64·T1 = 32 s). */
int phone_udp_bound_ms(int timeout_ms, int retries);
/* Open the socket: bound to the leased address (port 5060, else any), connected to peer;
 * sets ph->sip.local_port. 0, or -1 with why filled. */
int phone_udp_open(struct phone *ph, const struct sockaddr_in *peer, char *why, size_t cap);
/* Send a message; a request is kept and retransmitted on Timer E until answered or the socket
 * closes. 0 or -1 (socket not open, hard send error). */
int phone_udp_send(struct phone *ph, const char *buf, size_t len, int request);
void phone_udp_close(struct phone *ph);

/* ---- phone_backup.c ---- */
/* Registered: open the keepalive to the first other member of the group (no-op without one). */
void phone_backup_start(struct phone *ph);
void phone_backup_stop(struct phone *ph);

/* ---- phone_boot.c: the step machine ---- */
struct phone {
	struct phone_env *env;
	struct phone_opts o;
	const struct phone_model *model;
	char dev[16]; /* "SEP" + MAC */
	uint8_t mac_bytes[6];
	struct phone_flash flash;
	int upgraded; /* rebooted once after a firmware upgrade */

	int step;
	struct timeval step_t0;
	struct timeval boot_t0;
	enum phone_outcome outcome;
	int failed_step;
	char reason[320];
	char reason_class[24];

	/* step 3 */
	struct phone *xid_next;
	uint32_t xid;
	int dhcp_state; /* 0 idle, 1 discovering, 2 requesting, 3 bound */
	int dhcp_tries;
	int dhcp_ms;
	struct event *dhcp_timer;
	uint32_t ip, mask, gw, server_id, lease_s, offered; /* host order */
	int n_tftp;
	uint32_t tftp[PHONE_MAX_TFTP];
	char tftp_src[16]; /* "option 150", "option 66", "--server" */

	/* steps 4-8, 11-13 */
	struct phone_fetch fetch;
	struct evhttp_connection *http[PHONE_MAX_TFTP];
	struct phone_cnf cnf;
	char cnf_name[PHONE_NAME_MAX];
	char images[PHONE_MAX_IMAGES][PHONE_NAME_MAX];
	int n_images, image_idx;
	char extra[PHONE_EXTRA_FILES][PHONE_NAME_MAX];
	int extra_step[PHONE_EXTRA_FILES];
	int n_extra, extra_idx, extra_found;

	/* steps 9-10, 14 */
	struct phone_sip sip;
	struct event *defer; /* runs the next step from a fresh loop iteration */
	void (*after_unregister)(struct phone *ph);
	int stopping;
	int extras_done; /* steps 11-13 ran for this config */
	int sip_lost;	 /* the CM connection dropped during steps 11-13 */
};

/* Log one console line for the current step and report it to on_step (ok = status is not
 * "failed"). */
void phone_step_log(struct phone *ph, const char *status, const char *sent, const char *got);
/* End the current step successfully and go on to next (from a fresh loop iteration). */
void phone_next(struct phone *ph, int next);
/* Stop the boot: the current step failed; cls = short class, fmt = reason. */
void phone_fail(struct phone *ph, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* SIP layer results. */
void phone_boot_registered(struct phone *ph);
/* A NOTIFY service-control action arrived: "restart", "reset", "apply-config". */
void phone_boot_service_control(struct phone *ph, const char *action);
/* The CallManager connection dropped while registered: go back to step 9. */
void phone_boot_cm_lost(struct phone *ph, const char *why);
/* Microseconds since the current step started. */
uint64_t phone_step_elapsed(const struct phone *ph);
/* "a.b.c.d" of a host-order address into a static-free buffer. */
const char *phone_ip_str(uint32_t ip, char buf[16]);

#endif
