/* summary: SIP message codec (RFC 3261 §7, §20, §25; RFC 4475; RFC 5118): zero-copy, lazy.
 *
 * sip_msg_parse() frames one message (Content-Length for streams, the datagram otherwise), reads
 * the start line and records every header's name and raw value as struct dt_slice pointing into
 * the caller's buffer; nothing is copied and nothing is allocated. A header value is parsed only
 * when something asks for it (sip_via_parse, sip_addr_parse, sip_cseq_parse, ...). sip_msg_check()
 * runs the checks a UAS must make before acting on a request (the RFC 4475 verdicts): required
 * headers present once, Via/From/To/CSeq/Contact well formed, CSeq method = request method.
 *
 * Every failure carries an enum sip_fault whose row in the one fault table (sip_status.c) gives
 * the response status (400, 505, 416, 413) and the reason phrase that names the fault.
 * Header values may contain folded lines (CRLF + WSP): every value parser treats CR and LF inside a
 * value as linear white space, which is what folding means (RFC 3261 §7.3.1).
 *
 * The buffer must outlive the struct sip_msg and every slice taken from it. Pure: no I/O, no
 * globals, no logging; all functions are thread-safe on distinct messages.
 */
#ifndef DT_PROTO_SIP_SIP_H
#define DT_PROTO_SIP_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "core/slice.h"

/* Faults: each row of the fault table holds {status, reason phrase}. */
enum sip_fault {
	SIP_F_NONE = 0,
	SIP_F_TOO_LARGE,     /* message over the caller's bound */
	SIP_F_START_LINE,    /* request/status line shape */
	SIP_F_METHOD,	     /* method is not a token */
	SIP_F_VERSION,	     /* not SIP/2.0 (505) */
	SIP_F_STATUS_CODE,   /* status code is not 3 digits */
	SIP_F_RURI,	     /* Request-URI malformed */
	SIP_F_RURI_HEADERS,  /* Request-URI carries ?headers */
	SIP_F_HEADER_LINE,   /* a header line without name or colon */
	SIP_F_TOO_MANY_HDRS, /* over SIP_MAX_HDRS header lines */
	SIP_F_CL_BAD,	     /* Content-Length not a number */
	SIP_F_CL_MULTI,	     /* more than one Content-Length */
	SIP_F_CL_LARGE,	     /* Content-Length beyond the datagram */
	SIP_F_CL_MISSING,    /* stream without Content-Length */
	SIP_F_MISSING_VIA,   /* required header absent ... */
	SIP_F_MISSING_FROM,
	SIP_F_MISSING_TO,
	SIP_F_MISSING_CALLID,
	SIP_F_MISSING_CSEQ,
	SIP_F_MULTI_FROM, /* single-valued header repeated ... */
	SIP_F_MULTI_TO,
	SIP_F_MULTI_CALLID,
	SIP_F_MULTI_CSEQ,
	SIP_F_MULTI_MAXFWD,
	SIP_F_MULTI_EXPIRES,
	SIP_F_VIA,	   /* Via malformed */
	SIP_F_FROM,	   /* From malformed */
	SIP_F_TO,	   /* To malformed */
	SIP_F_CALLID,	   /* Call-ID empty or with spaces */
	SIP_F_CSEQ,	   /* CSeq malformed or over 2^31-1 */
	SIP_F_CSEQ_METHOD, /* CSeq method differs from the request method */
	SIP_F_MAXFWD,	   /* Max-Forwards not 0..255 */
	SIP_F_EXPIRES,	   /* Expires not a number or over 2^32-1 */
	SIP_F_CONTACT,	   /* Contact malformed */
	SIP_F_AUTH,	   /* Authorization malformed */
	SIP_F_BODY,	   /* body malformed (multipart) */
	SIP_F__COUNT
};

/* The response status of a fault (400, 505, 413). */
int sip_fault_status(int fault);
/* The reason phrase naming a fault ("Bad CSeq"); never NULL, static, printable ASCII. */
const char *sip_fault_why(int fault);
/* The standard reason phrase of a status code ("Interval Too Brief"); "Unknown" if not listed. */
const char *sip_status_reason(int status);

enum sip_method {
	SIP_M_OTHER = 0,
	SIP_M_INVITE,
	SIP_M_ACK,
	SIP_M_BYE,
	SIP_M_CANCEL,
	SIP_M_OPTIONS,
	SIP_M_REGISTER,
	SIP_M_SUBSCRIBE,
	SIP_M_NOTIFY,
	SIP_M_REFER,
	SIP_M_INFO,
	SIP_M_UPDATE,
	SIP_M_PRACK,
	SIP_M_MESSAGE,
	SIP_M_PUBLISH,
};

/* Headers we look up by id; everything else is SIP_H_OTHER, still kept with its name. */
enum sip_hdr_id {
	SIP_H_OTHER = 0,
	SIP_H_VIA,
	SIP_H_FROM,
	SIP_H_TO,
	SIP_H_CALL_ID,
	SIP_H_CSEQ,
	SIP_H_CONTACT,
	SIP_H_EXPIRES,
	SIP_H_MAX_FORWARDS,
	SIP_H_CONTENT_LENGTH,
	SIP_H_CONTENT_TYPE,
	SIP_H_AUTHORIZATION,
	SIP_H_USER_AGENT,
	SIP_H_REASON,
	SIP_H_SUPPORTED,
	SIP_H_REQUIRE,
	SIP_H_PROXY_REQUIRE,
	SIP_H_EVENT,
	SIP_H_ROUTE,
	SIP_H_RECORD_ROUTE,
	SIP_H_DATE,
	SIP_H_REFER_TO,
	SIP_H_WWW_AUTHENTICATE,
	SIP_H_SUBSCRIPTION_STATE,
	SIP_H_ACCEPT,
	SIP_H_ALLOW,
	SIP_H_MIN_EXPIRES,
	SIP_H_SERVER,
	SIP_H__COUNT
};

/* Canonical full name of a header id ("Call-ID"); NULL for SIP_H_OTHER. */
const char *sip_hdr_name(int id);

#define SIP_MAX_HDRS 96

struct sip_hdr {
	uint8_t id;	       /* enum sip_hdr_id */
	struct dt_slice name;  /* as sent ("v", "cseq") */
	struct dt_slice value; /* raw, leading/trailing LWS trimmed, may contain folded CRLF */
};

struct sip_msg {
	const char *buf;
	size_t len; /* bytes of this message (start line .. end of body) from buf */
	int is_request;
	/* request line */
	int method; /* enum sip_method */
	struct dt_slice method_name;
	struct dt_slice ruri;
	/* status line */
	int status;
	struct dt_slice reason;
	/* headers in order; first[id] = index of the first header with that id or -1 */
	struct sip_hdr hdrs[SIP_MAX_HDRS];
	int n_hdrs;
	int8_t first[SIP_H__COUNT];
	uint8_t count[SIP_H__COUNT];
	struct dt_slice body;
	int has_content_length;
	uint32_t content_length;
	int fault; /* enum sip_fault after DT_EINVAL */
};

#define SIP_PARSE_STREAM 1 /* TCP/TLS: frame by Content-Length, DT_EAGAIN when incomplete */

/* Parse one message from buf[0..len). flags: SIP_PARSE_STREAM or 0 (a datagram: trailing octets
 * after Content-Length are ignored, a Content-Length beyond the datagram is a fault). max_len
 * bounds a message (0 = none): a stream not finished within it is a fault (SIP_F_TOO_LARGE).
 * Leading CRLFs are skipped (RFC 3261 §7.5). Returns DT_OK with m->len = bytes consumed,
 * DT_EAGAIN (stream, need more bytes), or DT_EINVAL with m->fault set. */
int sip_msg_parse(const char *buf, size_t len, int flags, size_t max_len, struct sip_msg *m);

/* The checks before a UAS acts on a message: required headers present and single, Via, From, To,
 * Call-ID, CSeq (≤ 2^31-1, method = request method), Max-Forwards (≤ 255), Expires, Contact and the
 * Request-URI well formed. DT_OK or DT_EINVAL with m->fault set. */
int sip_msg_check(struct sip_msg *m);

/* The i-th header (0-based) with this id or NULL. */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *m, int id, int i);
/* First header whose name equals name (case-insensitive, any id) or NULL. */
const struct sip_hdr *sip_msg_hdr_named(const struct sip_msg *m, const char *name);

/* Split a comma-separated header value: sets *item to the next element (trimmed) and advances
 * *rest. Commas inside quotes and <> do not split. Returns 0 when nothing is left. */
int sip_list_next(struct dt_slice *rest, struct dt_slice *item);

/* Generic parameters ";a=b;c" (LWS allowed around ; and =, values token, host or quoted-string).
 * sip_param_get finds name (case-insensitive): 1 with *val (empty for a flag, quotes kept for a
 * quoted value), 0 when absent. sip_params_valid: 0 when the list is well formed, -1 otherwise. */
int sip_param_get(struct dt_slice params, const char *name, struct dt_slice *val);
int sip_params_valid(struct dt_slice params);
/* Trim linear white space (SP, HT, CR, LF) on both ends. */
struct dt_slice sip_trim(struct dt_slice s);
/* Strip the quotes of a quoted-string value (escapes are kept as sent). */
struct dt_slice sip_unquote(struct dt_slice v);

/* URIs: sip:, sips: (parsed) and any other scheme (only scheme + opaque rest). */
struct sip_uri {
	struct dt_slice scheme;
	int is_sip;	      /* sip or sips */
	struct dt_slice user; /* "" when absent */
	struct dt_slice password;
	struct dt_slice host;	 /* IPv6 references keep their brackets */
	uint16_t port;		 /* 0 when absent */
	struct dt_slice params;	 /* ";transport=tcp;lr" ("" when none) */
	struct dt_slice headers; /* after '?' */
	struct dt_slice rest;	 /* non-SIP: everything after "scheme:" */
};
/* DT_OK or DT_EINVAL (LWS inside, bad host, port over 65535, bad escape, empty host). */
int sip_uri_parse(struct dt_slice s, struct sip_uri *u);

/* name-addr / addr-spec with header params (From, To, Contact, Route, Refer-To). */
struct sip_addr {
	struct dt_slice display; /* without quotes; "" when absent */
	struct dt_slice uri;	 /* the URI text */
	struct dt_slice params;	 /* header parameters after the URI ("" when none) */
	int bracketed;		 /* the URI was inside <> */
};
/* DT_OK or DT_EINVAL (unterminated quote, non-token display name, LWS inside <>, empty params,
 * an addr-spec carrying ',', ';' or '?' that RFC 3261 §20 requires in <>). */
int sip_addr_parse(struct dt_slice s, struct sip_addr *a);

struct sip_via {
	struct dt_slice transport; /* "UDP", "TCP", "TLS", ... */
	struct dt_slice host;	   /* sent-by host, IPv6 brackets kept */
	uint16_t port;		   /* 0 when absent */
	struct dt_slice params;
	struct dt_slice branch;
	int has_rport;
};
/* One Via value (use sip_list_next to walk a header). DT_OK or DT_EINVAL. */
int sip_via_parse(struct dt_slice s, struct sip_via *v);

/* "101 REGISTER": number < 2^31 and method token. DT_OK or DT_EINVAL. */
int sip_cseq_parse(struct dt_slice s, uint32_t *num, struct dt_slice *method);

/* Decimal with LWS trimmed, no sign, at most max. DT_OK or DT_EINVAL. */
int sip_uint_parse(struct dt_slice s, uint64_t max, uint64_t *out);

/* Method name → enum sip_method (case-sensitive, RFC 3261 §7.1). */
int sip_method_id(struct dt_slice name);
const char *sip_method_name(int method);

/* Authorization / Proxy-Authorization credentials (RFC 2617 §3.2.2, RFC 7616). Quoted values are
 * returned without their quotes. */
struct sip_auth {
	struct dt_slice scheme; /* "Digest" */
	struct dt_slice username, realm, nonce, uri, response, algorithm, cnonce, qop, nc, opaque;
};
/* DT_OK, or DT_EINVAL when the value is not "scheme param=value, ..." (any scheme is parsed). */
int sip_auth_parse(struct dt_slice s, struct sip_auth *a);

/* ---- digest response (sip_digest.c) ---- */

/* OpenSSL's EVP_MD and EVP_MD_CTX by their struct tags, so includers need not pull in OpenSSL. */
struct evp_md_st;
struct evp_md_ctx_st;
enum sip_digest_alg { SIP_DIGEST_MD5 = 0, SIP_DIGEST_SHA256 };
/* The algorithm= value of a challenge or credentials: absent or "MD5" → SIP_DIGEST_MD5,
 * "SHA-256" → SIP_DIGEST_SHA256 (case-insensitive), anything else -1. */
int sip_digest_alg(struct dt_slice algorithm);
/* Inputs of one digest response; qop empty = the RFC 2069 form without nc and cnonce. */
struct sip_digest_in {
	struct dt_slice user, realm, password, method, uri, nonce, nc, cnonce, qop;
};
#define SIP_DIGEST_HEX_MAX 129 /* room for a 64-byte digest as hex + NUL */
/* RFC 2617/7616 response for in, with md (EVP_MD the caller fetched: MD5 or SHA-256) and ctx a
 * scratch EVP_MD_CTX of the caller's. Writes lower-case hex + NUL into out[cap]; returns its length
 * (32 for MD5, 64 for SHA-256) or -1 when OpenSSL fails or cap is too small. Thread-safe on
 * distinct contexts. */
int sip_digest_response(struct evp_md_ctx_st *ctx, const struct evp_md_st *md,
			const struct sip_digest_in *in, char *out, size_t cap);

/* Split "value;params" (Reason, Event, Content-Type, Subscription-State): *token = the first
 * element trimmed, *params = the rest from the first ';'. */
void sip_value_split(struct dt_slice s, struct dt_slice *token, struct dt_slice *params);

/* Walk a multipart body (RFC 2046 §5.1): boundary without the leading "--". *pos starts at 0.
 * Each call sets the next part's headers and body; returns 1, 0 after the close delimiter, or -1
 * when the body is not multipart with that boundary. */
int sip_multipart_next(struct dt_slice body, struct dt_slice boundary, size_t *pos,
		       struct dt_slice *part_hdrs, struct dt_slice *part_body);

/* ---- building messages (sip_build.c) ---- */

struct sip_out {
	char *buf;
	size_t cap;
	size_t len;
	int err; /* sticky: set when the buffer was too small */
};

void sip_out_init(struct sip_out *o, char *buf, size_t cap);
/* "SIP/2.0 code reason"; reason NULL = the table's phrase. */
void sip_out_status(struct sip_out *o, int code, const char *reason);
/* "METHOD uri SIP/2.0". */
void sip_out_request(struct sip_out *o, const char *method, struct dt_slice uri);
/* "Name: value" (value a slice, folded LWS is written as received). */
void sip_out_hdr(struct sip_out *o, const char *name, struct dt_slice value);
void sip_out_hdrf(struct sip_out *o, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Raw bytes / a decimal number appended as they are (to compose a header value piecewise). */
void sip_out_raw(struct sip_out *o, const char *p, size_t n);
void sip_out_uint(struct sip_out *o, uint64_t v);
/* Copy every header with this id from m under its canonical name. */
void sip_out_copy(struct sip_out *o, const struct sip_msg *m, int id);
/* The headers a response copies (RFC 3261 §8.2.6.2): Via (all), From, To (with ;tag=to_tag added
 * when the request's To has none and to_tag is not NULL), Call-ID, CSeq. */
void sip_out_response_hdrs(struct sip_out *o, const struct sip_msg *req, const char *to_tag);
/* Content-Type (when ctype is not NULL), Content-Length, the blank line and the body. Returns the
 * message length, or -1 when the buffer was too small. */
int sip_out_finish(struct sip_out *o, const char *ctype, const void *body, size_t body_len);

#endif
