/* summary: pure TFTP codec: RRQ/WRQ/DATA/ACK/ERROR/OACK and the blksize, tsize, timeout and
 * windowsize options (RFC 1350, 2347, 2348, 2349, 7440), plus netascii conversion.
 *
 * Decoding is zero-copy: slices and data pointers point into the caller's datagram, which must
 * outlive the struct tftp_pkt. Every read goes through struct dt_cur (core/cur.h). Encoding writes
 * through struct dt_wcur into a caller buffer. No I/O, no globals, no allocation; thread-safe.
 * Policy (which option values a server grants, which names it serves) is not decided here: the
 * decoder reports what the peer sent, range-checked against the RFCs, and the service chooses.
 */
#ifndef DT_PROTO_TFTP_H
#define DT_PROTO_TFTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/slice.h"

enum tftp_op {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6, /* RFC 2347 */
};

/* Error codes of the ERROR packet (RFC 1350 appendix, code 8 from RFC 2347). */
enum tftp_errcode {
	TFTP_E_UNDEF = 0,
	TFTP_E_NOTFOUND = 1,
	TFTP_E_ACCESS = 2,
	TFTP_E_DISKFULL = 3,
	TFTP_E_ILLEGAL = 4,
	TFTP_E_UNKNOWN_TID = 5,
	TFTP_E_EXISTS = 6,
	TFTP_E_NOUSER = 7,
	TFTP_E_OPTNEG = 8,
};

enum tftp_mode {
	TFTP_MODE_OCTET = 0,
	TFTP_MODE_NETASCII,
	TFTP_MODE_MAIL, /* obsolete (RFC 1350 says so); decoded so a server can refuse it */
};

/* Bits of tftp_opts.present / .invalid. */
enum tftp_opt_bit {
	TFTP_OPT_BLKSIZE = 1 << 0,
	TFTP_OPT_TSIZE = 1 << 1,
	TFTP_OPT_TIMEOUT = 1 << 2,
	TFTP_OPT_WINDOWSIZE = 1 << 3,
};

#define TFTP_BLKSIZE_DEFAULT 512
#define TFTP_BLKSIZE_MIN     8	   /* RFC 2348 */
#define TFTP_BLKSIZE_MAX     65464 /* RFC 2348: 65535 - 20 (IP) - 8 (UDP) - 4 (TFTP) - 39 */
#define TFTP_TIMEOUT_MIN     1	   /* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX     255
#define TFTP_WINDOW_MIN	     1 /* RFC 7440 */
#define TFTP_WINDOW_MAX	     65535
#define TFTP_NAME_MAX	     512 /* longest file name the decoder accepts (RRQ fits in 512 bytes) */

struct tftp_opts {
	unsigned present; /* TFTP_OPT_* seen with a value inside the RFC range */
	unsigned invalid; /* TFTP_OPT_* seen with a non-numeric or out-of-range value (ignored) */
	uint16_t blksize;
	uint16_t windowsize;
	uint8_t timeout;
	uint64_t tsize;
	unsigned unknown; /* count of options the codec does not know (ignored per RFC 2347) */
};

struct tftp_pkt {
	uint16_t op; /* enum tftp_op */
	union {
		struct {
			struct dt_slice file; /* raw bytes, not NUL-terminated, never empty */
			enum tftp_mode mode;
			struct tftp_opts opt;
		} req; /* RRQ, WRQ */
		struct {
			uint16_t block;
			const uint8_t *data; /* into the datagram */
			size_t len;
		} data;
		struct {
			uint16_t block;
		} ack;
		struct {
			uint16_t code;
			struct dt_slice msg; /* without the terminating NUL */
		} error;
		struct tftp_opts oack;
	} u;
};

/* Decode one datagram. Returns DT_OK, DT_ETRUNC (ends inside a field or a missing NUL
 * terminator) or DT_EINVAL (unknown opcode, empty name, unknown mode, option without value,
 * OACK with an unknown or out-of-range option); *why (may be NULL) gets a static reason.
 * Request options with bad values are not an error: they are flagged in opt.invalid. */
int tftp_pkt_decode(const void *buf, size_t len, struct tftp_pkt *out, const char **why);

/* Encode p into buf (cap bytes); *len gets the size. DT_ERANGE when it does not fit, DT_EINVAL
 * for an opcode or mode the codec cannot write. DATA copies p->u.data.data; OACK and requests
 * write the options in p's present bits in the order blksize, tsize, timeout, windowsize. */
int tftp_pkt_encode(const struct tftp_pkt *p, void *buf, size_t cap, size_t *len);

/* The 4-byte DATA header (opcode, block) for scatter-gather sends of file bytes in place. */
void tftp_data_hdr(uint8_t hdr[4], uint16_t block);

/* Text of an error code for ERROR packets ("File not found"); never NULL. */
const char *tftp_err_text(int code);

/* Name of an opcode ("RRQ"), or "?" */
const char *tftp_op_name(int op);

/* Netascii conversion state (RFC 764 via RFC 1350): position in the source and a byte still owed
 * from a CR LF / CR NUL pair cut by the end of the previous output buffer. */
struct tftp_ascii {
	size_t pos;
	int pending; /* -1 none, else the byte to emit first */
};

/* Convert from src (len bytes) starting at *st into dst (cap bytes), LF -> CR LF, CR -> CR NUL.
 * Returns the bytes written (< cap only at the end of src); *st advances. Deterministic, so a
 * saved state replays a block exactly (retransmission). */
size_t tftp_ascii_encode(const uint8_t *src, size_t len, struct tftp_ascii *st, uint8_t *dst,
			 size_t cap);

/* Size of src after netascii conversion (for tsize in netascii mode). */
uint64_t tftp_ascii_size(const uint8_t *src, size_t len);

#endif
