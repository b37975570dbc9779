/* summary: the SIP registrar as functions over in-memory tables (RFC 3261 §10.3, RFC 2617/7616,
 * RFC 5626 keep-alive facts, Cisco/CUCM behaviour from spec/sip-register.md).
 *
 * struct reg owns four tables: the provisioning cache (DN → line credentials and the devices that
 * own it, loaded by the service from the store and rebuilt when the database changes), the location
 * service (AOR → bindings), the per-device registration state with its bounded history, and the
 * per-source failure counters. reg_handle() turns one parsed request into one response written into
 * the caller's buffer; nothing here does I/O, so every rule is unit-tested without sockets.
 * Time is passed in (now, seconds) so tests can step it.
 *
 * Ownership: the struct reg owns every binding and state (counted under DT_MEM_SIP); the caller
 * owns messages and buffers. Single-threaded: one event loop calls it.
 */
#ifndef DT_SIP_REGISTRAR_H
#define DT_SIP_REGISTRAR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto/sip/sip.h"

struct reg;

enum reg_transport { REG_T_UDP = 0, REG_T_TCP, REG_T_TLS };
const char *reg_transport_name(int t); /* "UDP", "TCP", "TLS" */

struct reg_config {
	int min_expires;     /* 423 below this (60) */
	int max_expires;     /* larger requests are cut to this (3600) */
	int granted_expires; /* what we grant when asked for more (CUCM: 120); 0 = max_expires */
	char realm[64];	     /* digest realm */
	int nonce_ttl;	     /* seconds a nonce stays fresh (300) */
	int fail_limit;	   /* failed authentications per source per fail_window before 403s (10) */
	int fail_window;   /* seconds (60) */
	int max_bindings;  /* total bound (200000); 503 beyond */
	int max_per_aor;   /* contacts per AOR (8) */
	int history_len;   /* history rows kept per device (32) */
	char server[64];   /* Server header value */
	int digest_sha256; /* also challenge with algorithm=SHA-256 (RFC 7616); 0 = MD5 only */
};
void reg_config_defaults(struct reg_config *c);

/* Where a request came from (and where its response goes). */
struct reg_src {
	int transport; /* enum reg_transport */
	char ip[46];
	uint16_t port;
	uint64_t conn; /* TCP/TLS connection id, 0 for UDP */
	uint8_t local; /* 1 + index of our listen address it arrived on; 0 = unknown (restored) */
};

/* Registration states shown to the admin (CUCM RIS). Partially Registered (TechNote 217220): some
 * but not all of the device's lines are bound, e.g. a refresh without bulkregisterreq arrived after
 * the registrar lost the device's bindings, so only the primary line was bound again. The values
 * are persisted: append only. */
enum reg_state {
	REG_ST_NONE = 0,
	REG_ST_REGISTERED,
	REG_ST_UNREGISTERED,
	REG_ST_REJECTED,
	REG_ST_PARTIAL
};
const char *reg_state_name(int st); /* "Registered", ..., "Partially Registered" */

/* History events and CUCM-style reason codes (spec/sip-register.md, Managed Services Guide). */
enum reg_event { REG_EV_REGISTER = 1, REG_EV_REFRESH_MISS, REG_EV_UNREGISTER, REG_EV_REJECT };
const char *reg_event_name(int ev);
enum reg_reason {
	REG_R_NONE = 0,
	REG_R_UNKNOWN = 1,
	REG_R_CONNECTIVITY = 6,
	REG_R_DEVICE_RESET = 8,
	REG_R_CM_RESET = 9,
	REG_R_DEVICE_UNREGISTERED = 10,
	REG_R_MALFORMED = 11,
	REG_R_KEEPALIVE_TIMEOUT = 13,
	REG_R_APPLY_CONFIG = 17,
	REG_R_NO_RESPONSE = 18,
	/* EndPointRegistrationRejected reasons, offset so one enum holds both catalogues */
	REG_R_REJ_DB_CONFIG = 102,
	REG_R_REJ_MALFORMED = 103,
	REG_R_REJ_AUTH = 104,
};
/* "DeviceUnregistered", "AuthenticationError" ... */
const char *reg_reason_name(int reason);
/* The number CUCM shows (10, or 4 for a rejection). */
int reg_reason_code(int reason);

#define REG_HIST_MAX 64
struct reg_hist {
	time_t at;
	uint8_t event;	/* enum reg_event */
	uint8_t reason; /* enum reg_reason (fits: all values < 256) */
	uint8_t transport;
	/* register/unregister/refresh-miss rows: how many of the device's lines were bound after
	 * the event, of how many it owns (0 0 on other rows); bound < total = partial */
	uint8_t lines_bound;
	uint8_t lines_total;
	char ip[46];
	uint16_t port;
};

enum reg_cfg_state { REG_CFG_NONE = 0, REG_CFG_PENDING, REG_CFG_APPLIED, REG_CFG_FAILED };
const char *reg_cfg_state_name(int s);

/* A device's registration state, as the admin sees it. */
struct reg_device_info {
	char name[16];
	int state;  /* enum reg_state */
	int reason; /* enum reg_reason of the last unregister/reject */
	/* while (partially) registered: lines holding a binding of the device, of the lines it
	 * owns (Partially Registered when bound < total) */
	int lines_bound;
	int lines_total;
	char ip[46];
	uint16_t port;
	int transport;
	char user_agent[48];
	time_t last_register;
	char active_load[48]; /* "sip88xx.14-2-1-0001-14.loads" */
	char inactive_load[48];
	char aor[33];
	int flapping;	     /* ≥ 5 registrations within 10 minutes */
	int cfg_state;	     /* enum reg_cfg_state */
	char cfg_action[16]; /* "restart", "reset", "apply-config" */
	time_t cfg_at;
};

/* Create and free. NULL on allocation failure. */
struct reg *reg_new(const struct reg_config *c);
void reg_free(struct reg *r);
/* The HMAC key for nonces (32 bytes); reg_new draws a random one, tests set a fixed one. */
void reg_set_secret(struct reg *r, const uint8_t key[32]);

/* ---- provisioning cache (reg_prov.c) ---- */

/* Forget every line (before a reload). Bindings and states are kept. */
void reg_prov_clear(struct reg *r);
/* Add one appearance: dn on device (device "" = a line on no device: unregistrable), the digest
 * user ("" = the DN) and password, and whether this device must authenticate. DT_OK/DT_ENOMEM. */
int reg_prov_add(struct reg *r, const char *dn, const char *device, const char *auth_user,
		 const char *password, int digest);
/* Forget a device: its digest flag and its appearances on every line (the lines stay, as lines on
 * no device until re-added). Then reg_prov_add its current lines. No-op for an unknown name. */
void reg_prov_forget_device(struct reg *r, const char *device);
/* Forget a DN: its credentials and its appearance on every device. No-op for an unknown DN. */
void reg_prov_forget_line(struct reg *r, const char *dn);
/* Whether any provisioned line asks for digest (then unknown AORs are challenged as well, so a
 * scanner cannot tell real extensions from unknown ones). */
int reg_prov_any_digest(const struct reg *r);

/* ---- requests (reg_handle.c) ---- */

/* What reg_handle did, for the one log line the service writes. */
struct reg_outcome {
	int status;	 /* response status, 0 when nothing is sent (ACK, a response) */
	const char *why; /* reason phrase / short explanation */
	char device[16]; /* the device concerned, "" when unknown */
	char aor[33];	 /* the AOR, "" when none */
	int event;	 /* enum reg_event recorded, 0 = none */
	int quiet;	 /* 1: an ordinary miss (unknown AOR) → info, not warning */
	int partial;	 /* 1: the device is Partially Registered after this request */
	int lines_bound, lines_total; /* with partial: how many of its lines are bound */
};

/* Handle one parsed message m (sip_msg_parse already returned DT_OK) from src at now. Writes the
 * response into out and returns its length, 0 when no response is due (ACK, responses from
 * phones), or -1 when out was too small. */
int reg_handle(struct reg *r, struct sip_msg *m, const struct reg_src *src, time_t now, char *out,
	       size_t cap, struct reg_outcome *oc);

/* The 400/505/513 naming m->fault for a request that failed sip_msg_parse or sip_msg_check (m holds
 * the headers read before the fault; those of Via, From, To, Call-ID and CSeq present are copied).
 * Returns the length, or -1 for a response, an ACK or a request without Via (nothing can be
 * answered: the caller drops it, or closes a stream). */
int reg_reject_malformed(struct reg *r, const struct sip_msg *m, char *out, size_t cap);

/* ---- time (reg_expire.c) ---- */

/* Remove bindings that expired before now; a device whose last binding goes becomes Unregistered
 * with reason 13 (refresh missed) and a history row, one that keeps some of its lines becomes
 * Partially Registered with the same row. Returns how many bindings were removed. */
int reg_expire(struct reg *r, time_t now);

/* ---- devices (reg_device.c) ---- */

/* Copy a device's state; DT_ENOENT when it never sent anything. */
int reg_device_get(const struct reg *r, const char *name, struct reg_device_info *out);
/* Copy up to max history rows, newest last; returns the number copied. */
int reg_device_history(const struct reg *r, const char *name, struct reg_hist *out, int max);
/* Walk every device state; fn returns non-zero to stop. */
int reg_device_foreach(const struct reg *r, int (*fn)(const struct reg_device_info *d, void *arg),
		       void *arg);

/* Build the NOTIFY service-control for a registered device into out and mark its config state
 * pending. action: "reset" (full reboot, action=reset) or "apply-config" (sent as action=restart,
 * the verified action that makes a phone re-read its configuration and re-register; spec
 * sip-register.md). local = our "host:port" for Via/From. *dst gets the binding's transport and
 * address. Returns the length, or -DT_ENOENT when the device has no binding, -DT_EINVAL for an
 * unknown action, -DT_ERANGE when out is too small. */
int reg_notify_build(struct reg *r, const char *device, const char *action, const char *local,
		     time_t now, struct reg_src *dst, char *out, size_t cap);
/* Where a NOTIFY to device goes: the source of the binding reg_notify_build uses (transport,
 * ip, port, conn, local) into *dst and its Contact URI into contact[cap] (the address a server
 * that lost the phone's connection opens a new one to, RFC 3261 §18.2.2). DT_OK / DT_ENOENT. */
int reg_notify_target(struct reg *r, const char *device, struct reg_src *dst, char *contact,
		      size_t cap);
/* The NOTIFY built for device could not be delivered (no connection could be opened): its
 * config state becomes failed and a late answer is no longer matched. No-op when unknown. */
void reg_notify_failed(struct reg *r, const char *device);
/* Apply a response to our NOTIFY (matched by Call-ID); 1 when it was ours. */
int reg_notify_response(struct reg *r, const struct sip_msg *m, time_t now);

/* ---- bindings (reg_location.c) ---- */

struct reg_binding_info {
	char aor[33];
	char device[16];
	char contact[256]; /* URI */
	char params[256];  /* header params kept (+sip.instance, +u.sip!..., reg-id) */
	char call_id[96];
	uint32_t cseq;
	time_t expires_at;
	int q; /* 0..1000 */
	struct reg_src src;
};
int reg_binding_foreach(const struct reg *r, int (*fn)(const struct reg_binding_info *b, void *arg),
			void *arg);
/* The bindings of one AOR (at most max); returns how many. */
int reg_aor_bindings(const struct reg *r, const char *aor, struct reg_binding_info *out, int max);
/* Restore one binding at start-up (from the store); expired ones are skipped. */
int reg_binding_restore(struct reg *r, const struct reg_binding_info *b, time_t now);
/* Restore a device state and its history (from the store). */
int reg_device_restore(struct reg *r, const struct reg_device_info *d, const struct reg_hist *h,
		       int n_hist);
/* Number of bindings held. */
size_t reg_binding_count(const struct reg *r);

/* ---- persistence hooks ---- */

/* Names of AORs and devices changed since the last call (for batched writes); fn (may be NULL) is
 * called once per dirty item and the marks are cleared. kind: 'a' AOR whose bindings were only
 * added or updated, 'r' AOR that also lost bindings, 'd' device state, 'h' device state whose
 * history changed too. */
void reg_dirty_drain(struct reg *r, void (*fn)(char kind, const char *key, void *arg), void *arg);

#endif
