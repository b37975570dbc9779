/* summary: libFuzzer target for src/proto/dhcp: decode, format, re-encode and decode again.
 *
 * Besides "no crash, no overrun" (ASan/UBSan), it checks one property: a message that decodes is
 * re-encoded from its decoded options (single pieces only) and must decode again with the same
 * message type and option count. Seeds: fuzz/corpus/dhcp/ (the tests/vectors/dhcp payloads).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/dhcp/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dhcp_msg m, m2;
static struct dhcp_out o;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[65536];
	static uint8_t out[1600];
	const uint8_t *payload;
	size_t plen, n;
	const char *why;
	int i;

	/* the same bytes as an Ethernet frame, for the capture path */
	(void)dhcp_frame_find(data, size, &payload, &plen, NULL, NULL);
	if (dhcp_decode(data, size, &m, &why) != DT_OK)
		return 0;
	dhcp_format(&m, text, sizeof text);
	if (m.split)
		return 0;
	memset(&o, 0, sizeof o);
	o.op = m.op;
	o.htype = m.htype;
	o.hlen = m.hlen;
	o.xid = m.xid;
	memcpy(o.chaddr, m.chaddr, sizeof o.chaddr);
	for (i = 0; i < m.n_opts; i++)
		dhcp_out_opt(&o, m.opts[i].code, m.opts[i].val, m.opts[i].len);
	if (o.err || m.overload)
		return 0;
	if (dhcp_encode(&o, out, sizeof out, sizeof out, &n) != DT_OK)
		return 0;
	if (dhcp_decode(out, n, &m2, &why) != DT_OK || m2.msg_type != m.msg_type ||
	    m2.n_opts != m.n_opts)
		abort();
	return 0;
}
