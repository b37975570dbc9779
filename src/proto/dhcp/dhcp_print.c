/* summary: text form of a decoded DHCP message, for golden vectors, the analyzer and debug logs.
 *
 * One "field: value" line per header field and one "option N Name: value" line per option in wire
 * order, each value shown by the kind in the option table (address lists dotted, 55 as codes, 82
 * as sub-options, unknown options in hex). Output is stable: golden vector files depend on it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "proto/dhcp/dhcp.h"

#include "core/cur.h"

struct out {
	char *buf;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3))) static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL,
		      o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void
put_ip(struct out *o, uint32_t a)
{
	put(o, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static void
put_hex(struct out *o, struct dt_cur *c)
{
	while (cur_left(c) > 0)
		put(o, "%02x", cur_u8(c));
}

/* Printable text in quotes; anything else as \xNN (option 60 of Cisco phones ends in a NUL). */
static void
put_text(struct out *o, struct dt_cur *c)
{
	put(o, "\"");
	while (cur_left(c) > 0) {
		uint8_t ch = cur_u8(c);
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			put(o, "%c", ch);
		else
			put(o, "\\x%02x", ch);
	}
	put(o, "\"");
}

static void
put_value(struct out *o, const struct dhcp_opt *op)
{
	struct dt_cur c = cur_init(op->val, op->len);
	const char *sep = "";

	switch (dhcp_opt_rule(op->code)->kind) {
	case DHCP_K_U8:
		put(o, "%u", cur_u8(&c));
		break;
	case DHCP_K_U16:
		put(o, "%u", cur_be16(&c));
		break;
	case DHCP_K_U32:
		put(o, "%u", cur_be32(&c));
		break;
	case DHCP_K_MSGTYPE:
		put(o, "%s", dhcp_msg_type_name(cur_u8(&c)));
		break;
	case DHCP_K_IP:
	case DHCP_K_IPLIST:
		while (cur_left(&c) >= 4) {
			put(o, "%s", sep);
			put_ip(o, cur_be32(&c));
			sep = ",";
		}
		break;
	case DHCP_K_CODES:
		while (cur_left(&c) > 0) {
			put(o, "%s%u", sep, cur_u8(&c));
			sep = ",";
		}
		break;
	case DHCP_K_TEXT:
		put_text(o, &c);
		break;
	case DHCP_K_SUBOPTS:
		/* RFC 3046 sub-options; a malformed list is shown raw rather than rejected, since
		 * the server only echoes it. */
		while (cur_left(&c) >= 2) {
			uint8_t sc = cur_u8(&c), sl = cur_u8(&c);
			struct dt_cur v = cur_sub(&c, sl);
			if (v.err)
				break;
			put(o, "%s%u=", sep, sc);
			put_hex(o, &v);
			sep = " ";
		}
		if (cur_left(&c) > 0 || c.err) {
			c = cur_init(op->val, op->len);
			put(o, " raw=");
			put_hex(o, &c);
		}
		break;
	default:
		put_hex(o, &c);
		break;
	}
}

size_t
dhcp_format(const struct dhcp_msg *m, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	int i;

	if (cap > 0)
		buf[0] = '\0';
	put(&o, "op: %s\n", m->op == DHCP_OP_REQUEST ? "BOOTREQUEST" : "BOOTREPLY");
	put(&o, "htype: %u hlen: %u hops: %u\n", m->htype, m->hlen, m->hops);
	put(&o, "xid: 0x%08x secs: %u flags: 0x%04x\n", m->xid, m->secs, m->flags);
	put(&o, "ciaddr: ");
	put_ip(&o, m->ciaddr);
	put(&o, "\nyiaddr: ");
	put_ip(&o, m->yiaddr);
	put(&o, "\nsiaddr: ");
	put_ip(&o, m->siaddr);
	put(&o, "\ngiaddr: ");
	put_ip(&o, m->giaddr);
	put(&o, "\nchaddr: ");
	for (i = 0; i < m->hlen; i++)
		put(&o, "%s%02x", i ? ":" : "", m->chaddr[i]);
	put(&o, "\nsname: ");
	{
		struct dt_cur c = cur_init(m->sname.p, m->sname.len);
		put_text(&o, &c);
	}
	put(&o, "\nfile: ");
	{
		struct dt_cur c = cur_init(m->file.p, m->file.len);
		put_text(&o, &c);
	}
	put(&o, "\n");
	for (i = 0; i < m->n_opts; i++) {
		const struct dhcp_opt *op = &m->opts[i];
		const char *name = dhcp_opt_rule(op->code)->name;
		put(&o, "option %u %s%s: ", op->code, name ? name : "Unknown",
		    op->area == DHCP_AREA_FILE	  ? " (in file)"
		    : op->area == DHCP_AREA_SNAME ? " (in sname)"
						  : "");
		put_value(&o, op);
		put(&o, "\n");
	}
	if (!m->end_seen)
		put(&o, "end: missing\n");
	return o.len;
}
