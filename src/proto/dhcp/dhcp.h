/* summary: DHCPv4 codec (RFC 2131, 2132, 3046, 5859 option 150): BOOTP header + options ⇄ structs.
 *
 * Pure: no I/O, no globals, no logging, no allocation. Decoding is zero-copy: option values point
 * into the caller's receive buffer, which must outlive the struct dhcp_msg. Every read goes through
 * src/core/cur.h. Options are checked against one table (dhcp_opt.c) of minimum/maximum length and
 * unit (option 150 a non-zero multiple of 4, 66 at least one byte, 53 exactly one ...); a packet
 * that breaks a rule is rejected whole, with `why` naming the fault and msg->bad_opt the option.
 * Option overload (52) is followed into `file` then `sname` (RFC 2131 §4.1), once, never nested.
 * Option 82 is kept raw so a server can echo it byte for byte (RFC 3046 §2.2).
 * Encoding: fill a struct dhcp_out (header + options appended in order), then dhcp_encode().
 * All functions are thread-safe (they touch only their arguments).
 */
#ifndef DT_PROTO_DHCP_DHCP_H
#define DT_PROTO_DHCP_DHCP_H

#include <stddef.h>
#include <stdint.h>

#include "core/slice.h"

#define DHCP_SERVER_PORT    67
#define DHCP_CLIENT_PORT    68
#define DHCP_MAGIC	    0x63825363u
#define DHCP_FIXED_LEN	    236 /* BOOTP header up to the options field */
#define DHCP_MIN_LEN	    240 /* fixed header + magic cookie */
#define DHCP_BOOTP_MIN_LEN  300 /* RFC 1542 §2.1: relays may drop shorter BOOTP messages */
#define DHCP_MIN_MAX_MSG    576 /* RFC 2131 §2: every client accepts 576-byte IP datagrams */
#define DHCP_FLAG_BROADCAST 0x8000u
#define DHCP_OP_REQUEST	    1
#define DHCP_OP_REPLY	    2
#define DHCP_HTYPE_ETHER    1

enum dhcp_msg_type {
	DHCP_NONE = 0, /* no option 53: plain BOOTP */
	DHCP_DISCOVER = 1,
	DHCP_OFFER,
	DHCP_REQUEST,
	DHCP_DECLINE,
	DHCP_ACK,
	DHCP_NAK,
	DHCP_RELEASE,
	DHCP_INFORM,
	DHCP_MSG__COUNT
};

enum dhcp_opt_code {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET_MASK = 1,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOST_NAME = 12,
	DHCP_OPT_DOMAIN_NAME = 15,
	DHCP_OPT_NTP = 42,
	DHCP_OPT_VENDOR_SPECIFIC = 43,
	DHCP_OPT_REQUESTED_IP = 50,
	DHCP_OPT_LEASE_TIME = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSG_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAM_LIST = 55,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAX_MSG_SIZE = 57,
	DHCP_OPT_T1 = 58,
	DHCP_OPT_T2 = 59,
	DHCP_OPT_VENDOR_CLASS = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_NAME = 66,
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_RELAY_AGENT = 82,
	DHCP_OPT_TFTP_SERVERS = 150, /* Cisco; RFC 5859 "TFTP server address": IPv4 list */
	DHCP_OPT_END = 255,
};

/* How an option's value is shown and checked (beyond its length rule). */
enum dhcp_opt_kind {
	DHCP_K_BYTES = 0, /* opaque; shown in hex */
	DHCP_K_U8,
	DHCP_K_U16,
	DHCP_K_U32,
	DHCP_K_IP,	/* one IPv4 address */
	DHCP_K_IPLIST,	/* n ≥ 1 IPv4 addresses */
	DHCP_K_TEXT,	/* NVT ASCII, maybe NUL-terminated */
	DHCP_K_CODES,	/* list of option codes (55) */
	DHCP_K_MSGTYPE, /* 53 */
	DHCP_K_SUBOPTS, /* 82: code/len/value sub-options */
};

/* One row of the option table. min/max are value lengths; unit: the length is a multiple of it. */
struct dhcp_opt_rule {
	const char *name; /* NULL: not in the table (any length 0..255 accepted, shown as bytes) */
	uint8_t min, max, unit;
	uint8_t kind; /* enum dhcp_opt_kind */
};

/* The table row for code (never NULL; name NULL when unknown). */
const struct dhcp_opt_rule *dhcp_opt_rule(uint8_t code);
/* Name of a message type ("DISCOVER"), "BOOTP" for 0, "?" when unknown. */
const char *dhcp_msg_type_name(int type);

/* Where a decoded option was found. */
enum dhcp_area { DHCP_AREA_OPTIONS = 0, DHCP_AREA_FILE = 1, DHCP_AREA_SNAME = 2 };

struct dhcp_opt {
	uint8_t code;
	uint8_t len;
	uint8_t area;	    /* enum dhcp_area */
	const uint8_t *val; /* into the receive buffer; len bytes */
};

/* Fixed-length options appear once; variable-length ones may be split into pieces (RFC 3396).
 * More than this many options in one message is rejected ("too many options"). */
#define DHCP_MAX_OPTS 300

/* A decoded message. Addresses are in host byte order. */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	struct dt_slice sname; /* up to the first NUL; empty when the field carries options */
	struct dt_slice file;
	uint8_t overload; /* option 52 value, 0 when absent */
	uint8_t msg_type; /* enum dhcp_msg_type; DHCP_NONE when option 53 is absent */
	uint8_t end_seen; /* 1 when the options field ended with option 255 */
	uint8_t bad_opt;  /* on DT_EINVAL/DT_ETRUNC from an option: its code (0 otherwise) */
	uint8_t split;	  /* 1 when a variable-length option came in several pieces (RFC 3396) */
	uint16_t n_opts;
	uint16_t idx[256]; /* code → 1 + index of its first piece in opts; 0 when absent */
	struct dhcp_opt opts[DHCP_MAX_OPTS]; /* in wire order; only n_opts are valid */
};

/* Decode a UDP payload. Returns DT_OK; DT_ETRUNC when shorter than 240 bytes or an option in the
 * options field runs past the end; DT_EINVAL for a bad op, hlen > 16, bad magic cookie, an option
 * breaking its length rule, a second copy of a fixed-length option or of 82, more than
 * DHCP_MAX_OPTS options, bad option 52/53 values or an option running past the end of sname/file.
 * *why (may be NULL) gets a static description. m is fully written. */
int dhcp_decode(const void *buf, size_t len, struct dhcp_msg *m, const char **why);

/* The option with this code (its first piece when split), or NULL. */
const struct dhcp_opt *dhcp_get(const struct dhcp_msg *m, uint8_t code);
/* Value of a 4-byte option (51, 54, 50 ...) in host order into *v: 0, or -1 when absent. */
int dhcp_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v);
/* Value of a 2-byte option (57) into *v: 0, or -1 when absent. */
int dhcp_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v);
/* Up to max IPv4 addresses of an address-list option (3, 6, 42, 150) in host order into out;
 * returns how many there are in the option (may exceed max), 0 when absent. */
int dhcp_get_ips(const struct dhcp_msg *m, uint8_t code, uint32_t *out, int max);
/* The option's value as a slice (text options: 12, 15, 60, 66), trailing NULs trimmed; empty when
 * absent. */
struct dt_slice dhcp_get_text(const struct dhcp_msg *m, uint8_t code);
/* 1 when code is listed in the parameter request list (55). */
int dhcp_requested(const struct dhcp_msg *m, uint8_t code);

/* Text form of a decoded message, one "field: value" per line, stable for golden vectors and the
 * analyzer. Writes at most cap bytes (always NUL-terminated when cap > 0); returns the length the
 * full text needs (like snprintf). */
size_t dhcp_format(const struct dhcp_msg *m, char *buf, size_t cap);

/* ---- encoding ---- */

#define DHCP_OUT_OPTS_CAP 1200

/* A message being built. Zero it, set the header fields, add options in the order they should
 * appear, then call dhcp_encode(). Option errors are sticky (err), checked by dhcp_encode. */
struct dhcp_out {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr; /* host order */
	uint8_t chaddr[16];
	char sname[64]; /* NUL-padded on the wire */
	char file[128];
	uint8_t opts[DHCP_OUT_OPTS_CAP]; /* encoded code/len/value triples, without 255 */
	size_t opts_len;
	int err; /* set when an option did not fit or broke its table rule */
};

/* Append option code with len bytes of val. The value is checked against the option table (min,
 * max, unit); a violation or lack of room sets o->err. */
void dhcp_out_opt(struct dhcp_out *o, uint8_t code, const void *val, size_t len);
void dhcp_out_u8(struct dhcp_out *o, uint8_t code, uint8_t v);
void dhcp_out_u16(struct dhcp_out *o, uint8_t code, uint16_t v);
void dhcp_out_u32(struct dhcp_out *o, uint8_t code, uint32_t v);
/* n IPv4 addresses (host order) as one option; n == 0 sets o->err. */
void dhcp_out_ips(struct dhcp_out *o, uint8_t code, const uint32_t *ips, int n);

/* Write the message into buf: header, cookie, options, END, zero padding up to 300 bytes
 * (RFC 1542) when room allows. max_len bounds the result (the client's option 57 minus IP/UDP
 * headers); *out_len gets the size. DT_EINVAL when o->err is set, DT_ERANGE when it does not fit
 * in min(cap, max_len). */
int dhcp_encode(const struct dhcp_out *o, void *buf, size_t cap, size_t max_len, size_t *out_len);

/* ---- IPv4/UDP framing (raw sockets, captures) ---- */

#define DHCP_IPUDP_LEN 28

/* Write a 20-byte IPv4 header and an 8-byte UDP header (checksums filled) before a DHCP payload
 * of plen bytes that the caller already placed at buf + 28. Addresses in host order. Returns 0,
 * or DT_ERANGE when cap < 28 + plen. */
int dhcp_frame_ipudp(void *buf, size_t cap, size_t plen, uint32_t src, uint16_t sport, uint32_t dst,
		     uint16_t dport);

/* Find the UDP payload of an Ethernet frame (optionally 802.1Q-tagged) carrying IPv4/UDP with
 * port 67 or 68 at one end at least. 0 with *payload and *plen set; DT_ENOENT when the frame is
 * something else; DT_ETRUNC when it is cut short (if the UDP header was complete, *payload and
 * *plen still give the bytes captured). *src and *dst (may be NULL) get the IPv4 addresses. */
int dhcp_frame_find(const void *frame, size_t len, const uint8_t **payload, size_t *plen,
		    uint32_t *src, uint32_t *dst);

#endif
