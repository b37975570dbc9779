/* summary: DHCP message encoder (RFC 2131 §2 header, RFC 2132 options, RFC 1542 300-byte floor).
 *
 * Options are appended as ready code/len/value triples to struct dhcp_out, each checked against
 * the same table the decoder uses, so we never send an option 150 whose length is not a multiple
 * of 4 or a zero-length 66. dhcp_encode() then lays out header, cookie, options and END. We never
 * use option overload when sending (the issue and every phone are fine with 576-byte replies).
 */
#include "proto/dhcp/dhcp.h"

#include "core/cur.h"
#include "core/err.h"

void
dhcp_out_opt(struct dhcp_out *o, uint8_t code, const void *val, size_t len)
{
	const struct dhcp_opt_rule *r = dhcp_opt_rule(code);
	struct dt_wcur w;

	if (code == DHCP_OPT_PAD || code == DHCP_OPT_END || len < r->min || len > r->max ||
	    (r->unit > 1 && len % r->unit != 0)) {
		o->err = 1;
		return;
	}
	w = wcur_init(o->opts + o->opts_len, sizeof o->opts - o->opts_len);
	wcur_u8(&w, code);
	wcur_u8(&w, (uint8_t)len);
	wcur_bytes(&w, val, len);
	if (w.err) {
		o->err = 1;
		return;
	}
	o->opts_len += 2 + len;
}

void
dhcp_out_u8(struct dhcp_out *o, uint8_t code, uint8_t v)
{
	dhcp_out_opt(o, code, &v, 1);
}

void
dhcp_out_u16(struct dhcp_out *o, uint8_t code, uint16_t v)
{
	uint8_t b[2];
	struct dt_wcur w = wcur_init(b, sizeof b);

	wcur_be16(&w, v);
	dhcp_out_opt(o, code, b, sizeof b);
}

void
dhcp_out_u32(struct dhcp_out *o, uint8_t code, uint32_t v)
{
	uint8_t b[4];
	struct dt_wcur w = wcur_init(b, sizeof b);

	wcur_be32(&w, v);
	dhcp_out_opt(o, code, b, sizeof b);
}

void
dhcp_out_ips(struct dhcp_out *o, uint8_t code, const uint32_t *ips, int n)
{
	uint8_t b[252];
	struct dt_wcur w = wcur_init(b, sizeof b);
	int i;

	if (n <= 0 || n > 63) {
		o->err = 1;
		return;
	}
	for (i = 0; i < n; i++)
		wcur_be32(&w, ips[i]);
	dhcp_out_opt(o, code, b, (size_t)n * 4);
}

static void
put_text_field(struct dt_wcur *w, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	size_t i;

	wcur_bytes(w, s, n);
	for (i = n; i < cap; i++)
		wcur_u8(w, 0);
}

int
dhcp_encode(const struct dhcp_out *o, void *buf, size_t cap, size_t max_len, size_t *out_len)
{
	size_t limit = cap < max_len ? cap : max_len;
	struct dt_wcur w = wcur_init(buf, limit);
	size_t used;

	if (o->err)
		return DT_EINVAL;
	wcur_u8(&w, o->op);
	wcur_u8(&w, o->htype);
	wcur_u8(&w, o->hlen);
	wcur_u8(&w, o->hops);
	wcur_be32(&w, o->xid);
	wcur_be16(&w, o->secs);
	wcur_be16(&w, o->flags);
	wcur_be32(&w, o->ciaddr);
	wcur_be32(&w, o->yiaddr);
	wcur_be32(&w, o->siaddr);
	wcur_be32(&w, o->giaddr);
	wcur_bytes(&w, o->chaddr, sizeof o->chaddr);
	put_text_field(&w, o->sname, sizeof o->sname);
	put_text_field(&w, o->file, sizeof o->file);
	wcur_be32(&w, DHCP_MAGIC);
	wcur_bytes(&w, o->opts, o->opts_len);
	wcur_u8(&w, DHCP_OPT_END);
	if (w.err)
		return DT_ERANGE;
	/* Pad to the BOOTP minimum: some relays and old clients drop shorter replies. */
	used = wcur_used(&w, buf);
	while (used < DHCP_BOOTP_MIN_LEN && used < limit) {
		wcur_u8(&w, DHCP_OPT_PAD);
		used++;
	}
	*out_len = used;
	return DT_OK;
}
