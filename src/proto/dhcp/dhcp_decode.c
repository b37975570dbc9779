/* summary: DHCP message decoder (RFC 2131 §2 header, §4.1 option overload; RFC 2132 options).
 *
 * Three passes at most: the options field, then `file` and `sname` when option 52 says they carry
 * options (RFC 2131 §4.1: file first, then sname). Every option is checked against the table in
 * dhcp_opt.c before it is recorded. A second copy of a fixed-length option (53, 54, 50 ...) or of
 * 82 is rejected: two message types or two server identifiers are an attack on whoever reads the
 * first. Variable-length options may legitimately be split (RFC 3396); their pieces are kept.
 * An option running past the end of the datagram is a truncation; one running past the end of
 * the fixed-size sname/file fields is malformed.
 */
#include "proto/dhcp/dhcp.h"

#include "core/cur.h"
#include "core/err.h"

static int
fail(struct dhcp_msg *m, uint8_t code, int err, const char *text, const char **why)
{
	m->bad_opt = code;
	if (why)
		*why = text;
	return err;
}

/* Check one option against its table row and record it. */
static int
record(struct dhcp_msg *m, uint8_t code, uint8_t len, const uint8_t *val, int area,
       const char **why)
{
	const struct dhcp_opt_rule *r = dhcp_opt_rule(code);
	struct dhcp_opt *o;

	if (len < r->min)
		return fail(m, code, DT_EINVAL,
			    len == 0 ? "zero-length option" : "option shorter than its minimum",
			    why);
	if (len > r->max)
		return fail(m, code, DT_EINVAL, "option longer than its maximum", why);
	if (r->unit > 1 && len % r->unit != 0)
		return fail(m, code, DT_EINVAL, "option length is not a multiple of its unit", why);
	if (code == DHCP_OPT_OVERLOAD && area != DHCP_AREA_OPTIONS)
		return fail(m, code, DT_EINVAL, "option overload inside an overloaded field", why);
	if (m->idx[code]) {
		/* RFC 3396 lets a long option be split into several copies. We accept that for
		 * variable-length options (each piece kept in order; dhcp_get returns the first)
		 * but a second copy of a fixed-length option (53, 54, 50, 51 ...) or of 82 is
		 * ambiguous and rejected. */
		if (r->min == r->max || code == DHCP_OPT_RELAY_AGENT)
			return fail(m, code, DT_EINVAL, "duplicate option", why);
		m->split = 1;
	}
	if (m->n_opts >= DHCP_MAX_OPTS)
		return fail(m, code, DT_EINVAL, "too many options", why);
	o = &m->opts[m->n_opts];
	o->code = code;
	o->len = len;
	o->area = (uint8_t)area;
	o->val = val;
	m->n_opts++;
	if (!m->idx[code])
		m->idx[code] = m->n_opts;
	return DT_OK;
}

/* Walk code/len/value triples until END or the end of the area. */
static int
parse_area(struct dhcp_msg *m, struct dt_cur c, int area, const char **why)
{
	/* Past the end of the datagram = truncated; past the end of sname/file = malformed. */
	int overrun = area == DHCP_AREA_OPTIONS ? DT_ETRUNC : DT_EINVAL;

	while (cur_left(&c) > 0) {
		uint8_t code = cur_u8(&c);
		uint8_t len;
		const uint8_t *val;
		int rc;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END) {
			if (area == DHCP_AREA_OPTIONS)
				m->end_seen = 1;
			return DT_OK;
		}
		len = cur_u8(&c);
		if (c.err)
			return fail(m, code, overrun, "option length byte missing", why);
		val = cur_ptr(&c, len);
		if (!val)
			return fail(m, code, overrun, "option runs past the end", why);
		rc = record(m, code, len, val, area, why);
		if (rc != DT_OK)
			return rc;
	}
	return DT_OK;
}

/* A NUL-padded text field as a slice up to its first NUL. */
static struct dt_slice
field_text(const uint8_t *p, size_t cap)
{
	struct dt_cur c = cur_init(p, cap);
	size_t n = 0;

	while (cur_left(&c) > 0 && cur_u8(&c) != 0)
		n++;
	return slice_make((const char *)p, n);
}

/* Typed checks on values whose length rule passed. */
static int
check_values(struct dhcp_msg *m, const char **why)
{
	const struct dhcp_opt *o = dhcp_get(m, DHCP_OPT_MSG_TYPE);

	if (o) {
		struct dt_cur c = cur_init(o->val, o->len);
		m->msg_type = cur_u8(&c);
		if (m->msg_type < DHCP_DISCOVER || m->msg_type >= DHCP_MSG__COUNT)
			return fail(m, DHCP_OPT_MSG_TYPE, DT_EINVAL, "unknown DHCP message type",
				    why);
	}
	return DT_OK;
}

int
dhcp_decode(const void *buf, size_t len, struct dhcp_msg *m, const char **why)
{
	struct dt_cur c = cur_init(buf, len);
	const uint8_t *sname, *file;
	const struct dhcp_opt *ov;
	int rc;

	memset(m, 0, offsetof(struct dhcp_msg, opts));
	m->sname = m->file = slice_make("", 0); /* never NULL, even when the field holds options */
	if (why)
		*why = NULL;
	m->op = cur_u8(&c);
	m->htype = cur_u8(&c);
	m->hlen = cur_u8(&c);
	m->hops = cur_u8(&c);
	m->xid = cur_be32(&c);
	m->secs = cur_be16(&c);
	m->flags = cur_be16(&c);
	m->ciaddr = cur_be32(&c);
	m->yiaddr = cur_be32(&c);
	m->siaddr = cur_be32(&c);
	m->giaddr = cur_be32(&c);
	cur_bytes(&c, m->chaddr, sizeof m->chaddr);
	sname = cur_ptr(&c, 64);
	file = cur_ptr(&c, 128);
	if (c.err)
		return fail(m, 0, DT_ETRUNC, "shorter than the 236-byte BOOTP header", why);
	if (m->op != DHCP_OP_REQUEST && m->op != DHCP_OP_REPLY)
		return fail(m, 0, DT_EINVAL, "op is neither BOOTREQUEST nor BOOTREPLY", why);
	if (m->hlen > sizeof m->chaddr)
		return fail(m, 0, DT_EINVAL, "hlen larger than the 16-byte chaddr", why);
	if (cur_left(&c) < 4)
		return fail(m, 0, DT_ETRUNC, "no room for the magic cookie", why);
	if (cur_be32(&c) != DHCP_MAGIC)
		return fail(m, 0, DT_EINVAL, "bad magic cookie", why);

	rc = parse_area(m, c, DHCP_AREA_OPTIONS, why);
	if (rc != DT_OK)
		return rc;
	ov = dhcp_get(m, DHCP_OPT_OVERLOAD);
	if (ov) {
		struct dt_cur v = cur_init(ov->val, ov->len);
		m->overload = cur_u8(&v);
		if (m->overload < 1 || m->overload > 3)
			return fail(m, DHCP_OPT_OVERLOAD, DT_EINVAL,
				    "option overload value not 1-3", why);
	}
	if (m->overload & 1) {
		rc = parse_area(m, cur_init(file, 128), DHCP_AREA_FILE, why);
		if (rc != DT_OK)
			return rc;
	} else {
		m->file = field_text(file, 128);
	}
	if (m->overload & 2) {
		rc = parse_area(m, cur_init(sname, 64), DHCP_AREA_SNAME, why);
		if (rc != DT_OK)
			return rc;
	} else {
		m->sname = field_text(sname, 64);
	}
	return check_values(m, why);
}

const struct dhcp_opt *
dhcp_get(const struct dhcp_msg *m, uint8_t code)
{
	return m->idx[code] ? &m->opts[m->idx[code] - 1] : NULL;
}

int
dhcp_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	const struct dhcp_opt *o = dhcp_get(m, code);
	struct dt_cur c;

	if (!o || o->len != 4)
		return -1;
	c = cur_init(o->val, o->len);
	*v = cur_be32(&c);
	return 0;
}

int
dhcp_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v)
{
	const struct dhcp_opt *o = dhcp_get(m, code);
	struct dt_cur c;

	if (!o || o->len != 2)
		return -1;
	c = cur_init(o->val, o->len);
	*v = cur_be16(&c);
	return 0;
}

int
dhcp_get_ips(const struct dhcp_msg *m, uint8_t code, uint32_t *out, int max)
{
	const struct dhcp_opt *o = dhcp_get(m, code);
	struct dt_cur c;
	int n, i;

	if (!o)
		return 0;
	c = cur_init(o->val, o->len);
	n = o->len / 4;
	for (i = 0; i < n && i < max; i++)
		out[i] = cur_be32(&c);
	return n;
}

struct dt_slice
dhcp_get_text(const struct dhcp_msg *m, uint8_t code)
{
	const struct dhcp_opt *o = dhcp_get(m, code);
	struct dt_cur c;
	size_t n;

	if (!o)
		return slice_make("", 0);
	/* Trim trailing NULs: Cisco phones NUL-terminate option 60 ("...CP-7941G\0"). */
	n = o->len;
	while (n > 0) {
		c = cur_init(o->val, o->len);
		cur_skip(&c, n - 1);
		if (cur_u8(&c) != 0)
			break;
		n--;
	}
	return slice_make((const char *)o->val, n);
}

int
dhcp_requested(const struct dhcp_msg *m, uint8_t code)
{
	int i;

	if (!m->idx[DHCP_OPT_PARAM_LIST])
		return 0;
	/* Every piece counts: a long list may be split (RFC 3396). */
	for (i = m->idx[DHCP_OPT_PARAM_LIST] - 1; i < m->n_opts; i++) {
		struct dt_cur c = cur_init(m->opts[i].val, m->opts[i].len);
		if (m->opts[i].code != DHCP_OPT_PARAM_LIST)
			continue;
		while (cur_left(&c) > 0)
			if (cur_u8(&c) == code)
				return 1;
	}
	return 0;
}
