/* summary: libFuzzer target for the TFTP codec (src/proto/tftp/): decode any datagram; what decodes
 * must re-encode and decode to the same packet; netascii conversion of the bytes must match its
 * computed size. Seeds: fuzz/corpus/tftp/ (from tests/vectors/tftp/). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/tftp/tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_ascii(const uint8_t *data, size_t size)
{
	struct tftp_ascii st = {0, -1};
	uint8_t out[61];
	uint64_t total = 0;
	size_t n;

	/* An odd buffer size makes CR LF pairs straddle buffers. */
	while ((n = tftp_ascii_encode(data, size, &st, out, sizeof out)) > 0)
		total += n;
	if (total != tftp_ascii_size(data, size))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t re[70000];
	struct tftp_pkt p, q;
	size_t n;

	check_ascii(data, size);
	if (tftp_pkt_decode(data, size, &p, NULL) != DT_OK)
		return 0;
	if (tftp_pkt_encode(&p, re, sizeof re, &n) != DT_OK)
		abort();
	if (tftp_pkt_decode(re, n, &q, NULL) != DT_OK || q.op != p.op)
		abort();
	switch (p.op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		if (q.u.req.file.len != p.u.req.file.len ||
		    memcmp(q.u.req.file.p, p.u.req.file.p, p.u.req.file.len) != 0 ||
		    q.u.req.opt.present != p.u.req.opt.present ||
		    q.u.req.opt.blksize != p.u.req.opt.blksize ||
		    q.u.req.opt.tsize != p.u.req.opt.tsize || q.u.req.mode != p.u.req.mode)
			abort();
		break;
	case TFTP_DATA:
		if (q.u.data.len != p.u.data.len || q.u.data.block != p.u.data.block)
			abort();
		break;
	case TFTP_OACK:
		if (q.u.oack.present != p.u.oack.present ||
		    q.u.oack.windowsize != p.u.oack.windowsize)
			abort();
		break;
	default:
		break;
	}
	return 0;
}
