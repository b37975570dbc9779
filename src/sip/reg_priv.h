/* summary: private structures of the registrar; maps its files. Nothing outside src/sip/ includes
 * this file.
 *
 * Tables are chained hash maps keyed by a string inside the item (struct reg_map): provisioning
 * lines and devices, AORs (each holding its bindings), device states and source failure counters.
 * A binding is one allocation: the fixed fields plus its contact URI, kept params and Call-ID
 * packed after it, so 100,000 bindings stay well under 1 KiB each (docs/benchmarks.md).
 */
#ifndef DT_SIP_REG_PRIV_H
#define DT_SIP_REG_PRIV_H

#include <openssl/evp.h>
#include <string.h>

#include "sip/registrar.h"

#define REG_LINE_MAX_DEV  8  /* devices sharing one DN (shared lines) */
#define REG_DEV_MAX_LINES 8  /* lines of one device bound by bulkregisterreq */
#define REG_NONCE_LEN	  56 /* hex: 8-byte time + 4-byte counter + 16-byte HMAC */

/* Copy a C string into dst[cap], truncating; the hot path's snprintf(dst, cap, "%s", src). */
static inline void
reg_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- reg_map.c: chained hash map over items that hold their own key and next pointer ---- */
struct reg_map {
	void **buckets;
	size_t nb;
	size_t n;
	size_t off_next; /* offsetof(item, next) */
	size_t off_key;	 /* offsetof(item, key[]) : a NUL-terminated char array */
};
void reg_map_init(struct reg_map *m, size_t off_next, size_t off_key);
void *reg_map_find(const struct reg_map *m, const char *key);
/* Insert an item whose key is not present. DT_OK / DT_ENOMEM. */
int reg_map_insert(struct reg_map *m, void *item);
/* Unlink an item (not freed). */
void reg_map_remove(struct reg_map *m, void *item);
/* Call fn on every item (fn may not insert or remove). */
void reg_map_each(const struct reg_map *m, void (*fn)(void *item, void *arg), void *arg);
/* Free every item with dt_free(DT_MEM_SIP) and the buckets. */
void reg_map_clear(struct reg_map *m);

/* ---- reg_prov.c ---- */
struct reg_line {
	struct reg_line *next;
	char dn[33];
	char auth_user[65];
	char password[65];
	int n_dev;
	char dev[REG_LINE_MAX_DEV][16];
};
struct reg_pdev { /* a provisioned device */
	struct reg_pdev *next;
	char name[16];
	int digest;
	int n_lines;
	char lines[REG_DEV_MAX_LINES][33];
};
const struct reg_line *reg_prov_line(const struct reg *r, const char *dn);
const struct reg_pdev *reg_prov_dev(const struct reg *r, const char *name);

/* ---- reg_location.c ---- */
struct reg_bind {
	struct reg_bind *next; /* next binding of the same AOR */
	time_t expires_at;
	uint32_t cseq;
	uint16_t q;
	uint16_t port;
	uint8_t transport;
	uint8_t contact_len; /* lengths of the packed strings in data[] */
	uint8_t params_len;
	uint8_t callid_len;
	uint8_t local; /* reg_src.local of the last REGISTER (fills padding: no size change) */
	uint64_t conn;
	char ip[46];
	char device[16];
	char data[]; /* contact \0 params \0 call_id \0 */
};
struct reg_aor {
	struct reg_aor *next;
	struct reg_bind *binds;
	int n;
	uint8_t dirty;
	uint8_t removed; /* a binding went since the last write: the store rewrites the AOR */
	char aor[33];
};
static inline const char *
reg_bind_contact(const struct reg_bind *b)
{
	return b->data;
}
static inline const char *
reg_bind_params(const struct reg_bind *b)
{
	return b->data + b->contact_len + 1;
}
static inline const char *
reg_bind_callid(const struct reg_bind *b)
{
	return b->data + b->contact_len + 1 + b->params_len + 1;
}
struct reg_aor *reg_aor_get(struct reg *r, const char *aor, int create);
/* Create or replace the binding of contact in aor (found by contact URI or +sip.instance). *isnew
 * is set when no binding of that contact existed or its Call-ID changed. DT_OK/DT_ENOMEM/DT_EBUSY.
 */
int reg_bind_set(struct reg *r, struct reg_aor *a, struct dt_slice contact, struct dt_slice params,
		 struct dt_slice call_id, uint32_t cseq, time_t expires_at, int q,
		 const char *device, const struct reg_src *src, int *isnew);
struct reg_bind *reg_bind_find(struct reg_aor *a, struct dt_slice contact, struct dt_slice params);
void reg_bind_remove(struct reg *r, struct reg_aor *a, struct reg_bind *b);
/* Count the lines of device (its provisioned lines, plus aor when it is not one of them) that hold
 * a binding of device: *bound of *total. */
void reg_device_lines(struct reg *r, const char *device, const char *aor, int *bound, int *total);

/* ---- reg_device.c ---- */
struct reg_dev {
	struct reg_dev *next;
	struct reg_device_info info;
	struct reg_hist *hist; /* ring, grown up to history_len */
	int hist_cap, hist_n, hist_head;
	uint32_t reg_times[5]; /* last five registration times (unix s), for the flap flag */
	uint64_t nonce_hash;   /* FNV-1a of the last nonce accepted (replay check) */
	uint32_t nc;	       /* its last nonce-count */
	uint32_t notify_seq;   /* Call-ID "%08x-notify@dialtone" of our pending NOTIFY, 0 = none */
	uint32_t persisted_last; /* last_register as last written to the store */
	uint8_t dirty;
	uint8_t hist_dirty; /* history changed since the last write */
	uint8_t lines_lost; /* the expiry sweep removed bindings of it; state decided after it */
};
struct reg_dev *reg_dev_get(struct reg *r, const char *name, int create);
/* A rejection (REG_EV_REJECT → Rejected) or the loss of the whole device (other events →
 * Unregistered): history row, state and reason. */
void reg_dev_event(struct reg *r, struct reg_dev *d, int event, int reason,
		   const struct reg_src *src, time_t now);
/* A history row (and reason) that leaves the state and the line counts as they are (a NOTIFY the
 * phone refused: it is still registered). */
void reg_dev_note(struct reg *r, struct reg_dev *d, int event, int reason,
		  const struct reg_src *src, time_t now);
/* The state machine of a device's lines, after a REGISTER or an expiry changed its bindings:
 * counts the lines of d bound (reg_device_lines with aor) and sets Registered (all), Partially
 * Registered (some) or Unregistered (none). A history row is written when the phone registered
 * anew (newreg: a REGISTER event), when lines were gained (REGISTER) or lost (lost_event with
 * lost_reason: unregister 10 for a REGISTER, refresh-miss 13 for the sweep), or when removed is
 * set and nothing is left. Returns the event written, 0 for none. */
int reg_dev_set_lines(struct reg *r, struct reg_dev *d, const char *aor, int newreg, int removed,
		      int lost_event, int lost_reason, const struct reg_src *src, time_t now);
/* Read ActiveLoad/InactiveLoad/Load from a Cisco Reason header value into d. */
void reg_dev_read_reason(struct reg_dev *d, struct dt_slice reason);

/* ---- reg_auth.c ---- */
enum reg_auth_result {
	REG_AUTH_OK = 0,
	REG_AUTH_CHALLENGE,
	REG_AUTH_STALE,
	REG_AUTH_FAIL,
	REG_AUTH_LIMITED
};
/* Check the request's Authorization against line (NULL = unknown AOR: always fails, after the same
 * work). dev receives the nonce/nc replay state. */
int reg_auth_check(struct reg *r, const struct sip_msg *m, const struct reg_line *line,
		   struct reg_dev *dev, const struct reg_src *src, time_t now);
/* WWW-Authenticate headers (MD5 then SHA-256) with a fresh nonce. */
void reg_auth_challenge(struct reg *r, struct sip_out *o, const struct reg_src *src, time_t now,
			int stale);
/* Count a failure from src; the limiter answers REG_AUTH_LIMITED past the limit. */
void reg_auth_failed(struct reg *r, const struct reg_src *src, time_t now);

/* ---- reg_register.c / reg_handle.c ---- */
int reg_register(struct reg *r, struct sip_msg *m, const struct reg_src *src, time_t now,
		 struct sip_out *o, struct reg_outcome *oc);
/* Status line + response headers + To tag + Server. */
void reg_reply_start(struct reg *r, struct sip_out *o, const struct sip_msg *m, int code,
		     const char *reason);
void reg_mark_dirty_aor(struct reg *r, struct reg_aor *a);
void reg_mark_dirty_dev(struct reg *r, struct reg_dev *d);

struct reg_fail {
	struct reg_fail *next;
	time_t window_start;
	int count;
	char ip[46];
};

struct reg_dirty {
	char kind;
	char key[33];
};

struct reg {
	struct reg_config cfg;
	uint8_t secret[32];
	struct reg_map lines; /* struct reg_line by dn */
	struct reg_map pdevs; /* struct reg_pdev by name */
	int n_digest;	      /* provisioned devices that must authenticate */
	struct reg_map aors;  /* struct reg_aor by aor */
	struct reg_map devs;  /* struct reg_dev by name */
	struct reg_map fails; /* struct reg_fail by ip */
	size_t n_bindings;
	struct reg_dirty *dirty;
	size_t n_dirty, cap_dirty;
	uint32_t tag_seq; /* To tags and NOTIFY Call-IDs */
	/* Why fetched once: OpenSSL 3 looks an algorithm up in its provider table on every implicit
	 * EVP_md5()/HMAC() call; fetching at start and reusing one context halved digest CPU. */
	EVP_MD *md5, *sha256;
	EVP_MD_CTX *mctx;		/* scratch context for every hash */
	EVP_MD_CTX *hmac_in, *hmac_out; /* SHA-256 states after (secret ^ ipad) and (^ opad) */
	time_t date_at;			/* second date[] was formatted for */
	char date[32];			/* RFC 1123 Date of the 200 OK, "Tue, 24 Nov 2026 …" */
};
/* reg_auth.c: fetch digests and key the nonce HMAC (reg_new, reg_set_secret); free them. */
int reg_auth_init(struct reg *r);
void reg_auth_key(struct reg *r);
void reg_auth_free(struct reg *r);

#endif
