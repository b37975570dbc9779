/* summary: IPv4/UDP framing around DHCP payloads (RFC 791, RFC 768) for raw sockets and captures.
 *
 * A server answering a client that has no address yet must send to its MAC (RFC 2131 §4.1), which
 * needs a packet socket and therefore our own IPv4 and UDP headers: dhcp_frame_ipudp writes them.
 * dhcp_frame_find goes the other way for capture files (Ethernet, optional 802.1Q tag).
 */
#include "proto/dhcp/dhcp.h"

#include "core/cur.h"
#include "core/err.h"

/* One's-complement sum of 16-bit big-endian words (odd tail padded with zero). */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	struct dt_cur c = cur_init(p, n);

	while (cur_left(&c) >= 2)
		sum += cur_be16(&c);
	if (cur_left(&c) == 1)
		sum += (uint32_t)cur_u8(&c) << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
dhcp_frame_ipudp(void *buf, size_t cap, size_t plen, uint32_t src, uint16_t sport, uint32_t dst,
		 uint16_t dport)
{
	uint8_t *b = buf;
	size_t udp_len = 8 + plen;
	struct dt_wcur w = wcur_init(buf, cap);
	uint32_t sum;
	uint16_t ck;

	if (cap < DHCP_IPUDP_LEN || plen > cap - DHCP_IPUDP_LEN || udp_len > 0xffff - 20)
		return DT_ERANGE;
	wcur_u8(&w, 0x45); /* IPv4, 20-byte header */
	wcur_u8(&w, 0x10); /* DSCP/ToS: low delay, as ISC dhcpd sets it */
	wcur_be16(&w, (uint16_t)(20 + udp_len));
	wcur_be16(&w, 0);      /* id */
	wcur_be16(&w, 0x4000); /* don't fragment */
	wcur_u8(&w, 64);       /* TTL */
	wcur_u8(&w, 17);       /* UDP */
	wcur_be16(&w, 0);      /* checksum, below */
	wcur_be32(&w, src);
	wcur_be32(&w, dst);
	wcur_be16(&w, sport);
	wcur_be16(&w, dport);
	wcur_be16(&w, (uint16_t)udp_len);
	wcur_be16(&w, 0);
	ck = fold(sum16(b, 20, 0));
	w = wcur_init(b + 10, 2);
	wcur_be16(&w, ck);
	/* UDP checksum over the pseudo-header (src, dst, proto, length) + UDP header + payload. */
	sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 17 + (uint32_t)udp_len;
	ck = fold(sum16(b + 20, udp_len, sum));
	if (ck == 0)
		ck = 0xffff; /* RFC 768: a computed zero is sent as all ones */
	w = wcur_init(b + 26, 2);
	wcur_be16(&w, ck);
	return DT_OK;
}

int
dhcp_frame_find(const void *frame, size_t len, const uint8_t **payload, size_t *plen, uint32_t *src,
		uint32_t *dst)
{
	struct dt_cur c = cur_init(frame, len);
	uint16_t type, sport, dport, ulen, frag;
	uint8_t vihl, proto;
	uint32_t s, d;
	size_t ihl;

	cur_skip(&c, 12);
	type = cur_be16(&c);
	if (type == 0x8100) { /* 802.1Q: voice VLAN captures are tagged */
		cur_skip(&c, 2);
		type = cur_be16(&c);
	}
	if (c.err)
		return DT_ETRUNC;
	if (type != 0x0800)
		return DT_ENOENT;
	vihl = cur_u8(&c);
	cur_skip(&c, 5);
	frag = cur_be16(&c);
	cur_skip(&c, 1);
	proto = cur_u8(&c);
	cur_skip(&c, 2);
	s = cur_be32(&c);
	d = cur_be32(&c);
	if (c.err)
		return DT_ETRUNC;
	ihl = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || ihl < 20 || proto != 17 || (frag & 0x1fff) != 0)
		return DT_ENOENT;
	cur_skip(&c, ihl - 20);
	sport = cur_be16(&c);
	dport = cur_be16(&c);
	ulen = cur_be16(&c);
	cur_skip(&c, 2);
	if (c.err)
		return DT_ETRUNC;
	/* Either end on 67/68, as tcpdump and tshark match BOOTP (relays use 67 at both ends). */
	if (!(sport == 67 || sport == 68 || dport == 67 || dport == 68) || ulen < 8)
		return DT_ENOENT;
	if (src)
		*src = s;
	if (dst)
		*dst = d;
	/* A capture cut by its snap length still yields what it holds, flagged DT_ETRUNC. */
	*plen = (size_t)ulen - 8;
	if (*plen > cur_left(&c)) {
		*plen = cur_left(&c);
		*payload = cur_ptr(&c, *plen);
		return DT_ETRUNC;
	}
	*payload = cur_ptr(&c, *plen);
	return DT_OK;
}
