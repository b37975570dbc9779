/* summary: TFTP packet decode/encode (RFC 1350 packets, RFC 2347 option extension, option values
 * of RFC 2348 blksize, RFC 2349 timeout/tsize, RFC 7440 windowsize).
 *
 * Strings in requests, ERROR and OACK are NUL-terminated on the wire; a string that runs to the
 * end of the datagram without its NUL is truncation (DT_ETRUNC), as tcpdump reports it. Option
 * names and the mode are case-insensitive (RFC 1350, 2347). Options the codec does not know are
 * counted and skipped (RFC 2347: the server ignores them); a known option with a bad value is
 * flagged in opt.invalid so the server leaves it out of its OACK (tftp-hpa does the same).
 */
#include "proto/tftp/tftp.h"

#include <strings.h>

#include "core/cur.h"
#include "core/err.h"

static const char *const err_texts[] = {
    [TFTP_E_UNDEF] = "Undefined error",
    [TFTP_E_NOTFOUND] = "File not found",
    [TFTP_E_ACCESS] = "Access violation",
    [TFTP_E_DISKFULL] = "Disk full or allocation exceeded",
    [TFTP_E_ILLEGAL] = "Illegal TFTP operation",
    [TFTP_E_UNKNOWN_TID] = "Unknown transfer ID",
    [TFTP_E_EXISTS] = "File already exists",
    [TFTP_E_NOUSER] = "No such user",
    [TFTP_E_OPTNEG] = "Option negotiation failed",
};

static const char *const op_names[] = {
    [TFTP_RRQ] = "RRQ", [TFTP_WRQ] = "WRQ",	[TFTP_DATA] = "DATA",
    [TFTP_ACK] = "ACK", [TFTP_ERROR] = "ERROR", [TFTP_OACK] = "OACK",
};

/* One row per option: its bit, name and the RFC's valid range. */
static const struct {
	unsigned bit;
	const char *name;
	uint64_t min, max;
} opt_table[] = {
    {TFTP_OPT_BLKSIZE, "blksize", TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX},
    /* RFC 2349 gives no upper bound; 2^53 keeps it exact in any JSON consumer. */
    {TFTP_OPT_TSIZE, "tsize", 0, (uint64_t)1 << 53},
    {TFTP_OPT_TIMEOUT, "timeout", TFTP_TIMEOUT_MIN, TFTP_TIMEOUT_MAX},
    {TFTP_OPT_WINDOWSIZE, "windowsize", TFTP_WINDOW_MIN, TFTP_WINDOW_MAX},
};
#define N_OPTS (sizeof opt_table / sizeof opt_table[0])

const char *
tftp_err_text(int code)
{
	if (code < 0 || code > TFTP_E_OPTNEG)
		return "Undefined error";
	return err_texts[code];
}

const char *
tftp_op_name(int op)
{
	if (op < TFTP_RRQ || op > TFTP_OACK)
		return "?";
	return op_names[op];
}

/* Read one NUL-terminated string; the slice excludes the NUL. Sets c->err when no NUL is left. */
static struct dt_slice
read_str(struct dt_cur *c)
{
	size_t left = cur_left(c);
	const uint8_t *nul = left ? memchr(c->p, 0, left) : NULL;
	struct dt_slice s = {NULL, 0};

	if (!nul) {
		c->err = 1;
		return s;
	}
	s.len = (size_t)(nul - c->p);
	s.p = (const char *)cur_ptr(c, s.len + 1);
	return s;
}

/* Decimal without sign or spaces; -1 when not a number or above 2^63. */
static int
parse_uint(struct dt_slice s, uint64_t *out)
{
	uint64_t v = 0;
	struct dt_cur c = cur_init(s.p, s.len);

	if (s.len == 0 || s.len > 19)
		return -1;
	while (cur_left(&c)) {
		uint8_t d = cur_u8(&c);
		if (d < '0' || d > '9')
			return -1;
		v = v * 10 + (uint64_t)(d - '0');
	}
	*out = v;
	return 0;
}

static void
opt_store(struct tftp_opts *o, unsigned bit, uint64_t v)
{
	switch (bit) {
	case TFTP_OPT_BLKSIZE:
		o->blksize = (uint16_t)v;
		break;
	case TFTP_OPT_TSIZE:
		o->tsize = v;
		break;
	case TFTP_OPT_TIMEOUT:
		o->timeout = (uint8_t)v;
		break;
	default:
		o->windowsize = (uint16_t)v;
		break;
	}
}

/* Options up to the end of the datagram. strict (OACK): unknown or out-of-range is DT_EINVAL,
 * because a server may only acknowledge what was asked, with values in range. */
static int
decode_opts(struct dt_cur *c, struct tftp_opts *o, int strict, const char **why)
{
	while (cur_left(c) > 0) {
		struct dt_slice name = read_str(c);
		struct dt_slice val;
		uint64_t v;
		size_t i;

		if (c->err)
			return (*why = "option name without NUL", DT_ETRUNC);
		val = read_str(c);
		if (c->err)
			return (*why = "option without a NUL-terminated value", DT_ETRUNC);
		if (name.len == 0)
			return (*why = "empty option name", DT_EINVAL);
		for (i = 0; i < N_OPTS; i++)
			if (slice_caseeq(name, opt_table[i].name))
				break;
		if (i == N_OPTS) {
			if (strict)
				return (*why = "OACK with an option that was not requested",
					DT_EINVAL);
			o->unknown++;
			continue;
		}
		/* RFC 2347 does not define repeats; the first one counts. */
		if ((o->present | o->invalid) & opt_table[i].bit)
			continue;
		if (parse_uint(val, &v) < 0 || v < opt_table[i].min || v > opt_table[i].max) {
			if (strict)
				return (*why = "OACK option value out of range", DT_EINVAL);
			o->invalid |= opt_table[i].bit;
			continue;
		}
		o->present |= opt_table[i].bit;
		opt_store(o, opt_table[i].bit, v);
	}
	return DT_OK;
}

static int
decode_req(struct dt_cur *c, struct tftp_pkt *out, const char **why)
{
	struct dt_slice file = read_str(c);
	struct dt_slice mode;

	if (c->err)
		return (*why = "file name without NUL", DT_ETRUNC);
	mode = read_str(c);
	if (c->err)
		return (*why = "mode without NUL", DT_ETRUNC);
	if (file.len == 0)
		return (*why = "empty file name", DT_EINVAL);
	if (file.len > TFTP_NAME_MAX)
		return (*why = "file name too long", DT_EINVAL);
	if (slice_caseeq(mode, "octet"))
		out->u.req.mode = TFTP_MODE_OCTET;
	else if (slice_caseeq(mode, "netascii"))
		out->u.req.mode = TFTP_MODE_NETASCII;
	else if (slice_caseeq(mode, "mail"))
		out->u.req.mode = TFTP_MODE_MAIL;
	else
		return (*why = "unknown transfer mode", DT_EINVAL);
	out->u.req.file = file;
	return decode_opts(c, &out->u.req.opt, 0, why);
}

int
tftp_pkt_decode(const void *buf, size_t len, struct tftp_pkt *out, const char **why)
{
	struct dt_cur c = cur_init(buf, len);
	const char *dummy;
	int rc = DT_OK;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof *out);
	out->op = cur_be16(&c);
	if (c.err)
		return (*why = "shorter than an opcode", DT_ETRUNC);
	switch (out->op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		rc = decode_req(&c, out, why);
		break;
	case TFTP_DATA:
		out->u.data.block = cur_be16(&c);
		if (c.err)
			return (*why = "DATA without a block number", DT_ETRUNC);
		out->u.data.len = cur_left(&c);
		out->u.data.data = cur_ptr(&c, out->u.data.len);
		break;
	case TFTP_ACK:
		out->u.ack.block = cur_be16(&c);
		if (c.err)
			return (*why = "ACK without a block number", DT_ETRUNC);
		/* Trailing bytes after an ACK are padding some stacks add; RFC 1350 ignores them.
		 */
		break;
	case TFTP_ERROR:
		out->u.error.code = cur_be16(&c);
		if (c.err)
			return (*why = "ERROR without a code", DT_ETRUNC);
		out->u.error.msg = read_str(&c);
		if (c.err)
			return (*why = "ERROR message without NUL", DT_ETRUNC);
		break;
	case TFTP_OACK:
		rc = decode_opts(&c, &out->u.oack, 1, why);
		break;
	default:
		return (*why = "unknown opcode", DT_EINVAL);
	}
	return rc;
}

void
tftp_data_hdr(uint8_t hdr[4], uint16_t block)
{
	struct dt_wcur w = wcur_init(hdr, 4);
	wcur_be16(&w, TFTP_DATA);
	wcur_be16(&w, block);
}

static void
put_str(struct dt_wcur *w, const char *s, size_t n)
{
	if (n)
		wcur_bytes(w, s, n);
	wcur_u8(w, 0);
}

static void
put_uint(struct dt_wcur *w, uint64_t v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof tmp);
	put_str(w, tmp + sizeof tmp - n, n);
}

static void
put_opts(struct dt_wcur *w, const struct tftp_opts *o)
{
	const uint64_t vals[] = {o->blksize, o->tsize, o->timeout, o->windowsize};

	for (size_t i = 0; i < N_OPTS; i++) {
		if (!(o->present & opt_table[i].bit))
			continue;
		put_str(w, opt_table[i].name, strlen(opt_table[i].name));
		put_uint(w, vals[i]);
	}
}

int
tftp_pkt_encode(const struct tftp_pkt *p, void *buf, size_t cap, size_t *len)
{
	static const char *const modes[] = {"octet", "netascii", "mail"};
	struct dt_wcur w = wcur_init(buf, cap);

	wcur_be16(&w, p->op);
	switch (p->op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		if ((unsigned)p->u.req.mode > TFTP_MODE_MAIL || p->u.req.file.len == 0)
			return DT_EINVAL;
		put_str(&w, p->u.req.file.p, p->u.req.file.len);
		put_str(&w, modes[p->u.req.mode], strlen(modes[p->u.req.mode]));
		put_opts(&w, &p->u.req.opt);
		break;
	case TFTP_DATA:
		wcur_be16(&w, p->u.data.block);
		if (p->u.data.len)
			wcur_bytes(&w, p->u.data.data, p->u.data.len);
		break;
	case TFTP_ACK:
		wcur_be16(&w, p->u.ack.block);
		break;
	case TFTP_ERROR:
		wcur_be16(&w, p->u.error.code);
		put_str(&w, p->u.error.msg.p, p->u.error.msg.len);
		break;
	case TFTP_OACK:
		put_opts(&w, &p->u.oack);
		break;
	default:
		return DT_EINVAL;
	}
	if (w.err)
		return DT_ERANGE;
	*len = wcur_used(&w, buf);
	return DT_OK;
}
