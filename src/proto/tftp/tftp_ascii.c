/* summary: netascii conversion for TFTP "netascii" mode (RFC 1350 section 5, RFC 764 NVT ASCII):
 * LF becomes CR LF and a bare CR becomes CR NUL.
 *
 * The output is a stream cut into blocks; a pair can straddle two blocks, so the state carries the
 * owed second byte. The state is two words, which lets a server save it at the start of a window
 * and replay the window byte-exactly on retransmission without keeping any converted copy.
 */
#include "proto/tftp/tftp.h"

#include "core/cur.h"

size_t
tftp_ascii_encode(const uint8_t *src, size_t len, struct tftp_ascii *st, uint8_t *dst, size_t cap)
{
	struct dt_cur in;
	struct dt_wcur out = wcur_init(dst, cap);

	if (st->pos > len)
		return 0;
	in = cur_init(src + st->pos, len - st->pos);
	while (wcur_need(&out, 1)) {
		uint8_t b;
		if (st->pending >= 0) {
			wcur_u8(&out, (uint8_t)st->pending);
			st->pending = -1;
			continue;
		}
		if (cur_left(&in) == 0)
			break;
		b = cur_u8(&in);
		st->pos++;
		if (b == '\n') {
			wcur_u8(&out, '\r');
			st->pending = '\n';
		} else if (b == '\r') {
			wcur_u8(&out, '\r');
			st->pending = '\0';
		} else {
			wcur_u8(&out, b);
		}
	}
	return wcur_used(&out, dst);
}

uint64_t
tftp_ascii_size(const uint8_t *src, size_t len)
{
	struct dt_cur in = cur_init(src, len);
	uint64_t n = len;

	while (cur_left(&in)) {
		uint8_t b = cur_u8(&in);
		n += (b == '\n' || b == '\r');
	}
	return n;
}
