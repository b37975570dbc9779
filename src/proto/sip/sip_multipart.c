/* summary: walking a multipart/mixed body (RFC 2046 §5.1.1), as in the first REGISTER of a Cisco
 * phone (two application/x-cisco-remotecc-request+xml parts, boundary "uniqueBoundary"). */
#include "proto/sip/sip_priv.h"

#define MP_MAX_BOUNDARY 70 /* RFC 2046 §5.1.1: boundary is 1..70 characters */

/* Offset of the next "--boundary" that starts a line at or after from; -1 when none. */
static long
find_delim(struct dt_slice body, size_t from, const char *delim, size_t dlen)
{
	while (from + dlen <= body.len) {
		const char *hit = memmem(body.p + from, body.len - from, delim, dlen);
		size_t off;
		if (!hit)
			return -1;
		off = (size_t)(hit - body.p);
		if (off == 0 || (off >= 1 && memchr(body.p + off - 1, '\n', 1)))
			return (long)off;
		from = off + 1;
	}
	return -1;
}

int
sip_multipart_next(struct dt_slice body, struct dt_slice boundary, size_t *pos,
		   struct dt_slice *part_hdrs, struct dt_slice *part_body)
{
	char delim[MP_MAX_BOUNDARY + 2];
	size_t dlen = boundary.len + 2, start, end;
	long at, next;
	const char *eol, *blank;
	if (boundary.len == 0 || boundary.len > MP_MAX_BOUNDARY)
		return -1;
	delim[0] = '-';
	delim[1] = '-';
	memcpy(delim + 2, boundary.p, boundary.len);
	at = find_delim(body, *pos, delim, dlen);
	if (at < 0)
		return -1;
	start = (size_t)at + dlen;
	if (start + 2 <= body.len && memcmp(body.p + start, "--", 2) == 0)
		return 0; /* close delimiter */
	eol = memchr(body.p + start, '\n', body.len - start);
	if (!eol)
		return -1;
	start = (size_t)(eol - body.p) + 1;
	next = find_delim(body, start, delim, dlen);
	if (next < 0)
		return -1;
	end = (size_t)next;
	/* the CRLF before the delimiter belongs to the delimiter */
	if (end > start && memchr(body.p + end - 1, '\n', 1))
		end--;
	if (end > start && memchr(body.p + end - 1, '\r', 1))
		end--;
	*pos = (size_t)next;
	blank = memmem(body.p + start, end - start, "\r\n\r\n", 4);
	if (!blank) {
		*part_hdrs = slice_make(body.p + start, 0);
		*part_body = slice_make(body.p + start, end - start);
	} else {
		*part_hdrs = slice_make(body.p + start, (size_t)(blank - (body.p + start)));
		*part_body = slice_make(blank + 4, end - (size_t)(blank + 4 - body.p));
	}
	return 1;
}
