/* summary: SIP framing, start line and header boundaries (RFC 3261 §7, §18.3; RFC 4475 §3.1).
 *
 * One pass over the header block: each line is found with memchr (through the cursor), its name is
 * matched to an id (full and compact forms, sip_hdrname.c) and its value recorded as a slice;
 * continuation lines (starting with SP/HT) extend the previous value, so folding costs nothing
 * until a value is parsed. Content-Length is the only value parsed here, because framing needs it.
 * Datagram vs stream differ only at the end: a stream without all of its body is DT_EAGAIN, a
 * datagram with less body than Content-Length is a fault (RFC 4475 §3.1.2.2).
 */
#include "proto/sip/sip_priv.h"

#include "core/err.h"

/* Next line from the cursor: *line excludes CR LF; 0 when no LF is left. */
static int
next_line(struct dt_cur *c, struct dt_slice *line)
{
	size_t left = cur_left(c);
	const uint8_t *nl = left ? memchr(c->p, '\n', left) : NULL;
	size_t n;
	if (!nl)
		return 0;
	n = (size_t)(nl - c->p);
	*line = slice_make((const char *)c->p, n);
	if (n) {
		struct dt_cur last = cur_init(nl - 1, 1);
		if (cur_u8(&last) == '\r')
			line->len--;
	}
	cur_skip(c, n + 1);
	return 1;
}

static int
fault(struct sip_msg *m, int f)
{
	m->fault = f;
	return DT_EINVAL;
}

static int
parse_version(struct dt_slice v)
{
	if (v.len < 4 || !sip_slice_ieq(slice_make(v.p, 4), "SIP/"))
		return SIP_F_START_LINE;
	if (v.len > 7 && slice_eq(slice_make(v.p, 7), "SIP/2.0"))
		return SIP_F_START_LINE; /* trailing SP (RFC 4475 §3.1.2.10) */
	if (!slice_eq(v, "SIP/2.0"))
		return SIP_F_VERSION;
	return SIP_F_NONE;
}

static int
parse_status_line(struct sip_msg *m, struct dt_slice line)
{
	struct dt_cur c = sip_cur(line);
	const uint8_t *from = c.p;
	struct dt_slice code;
	uint64_t st;
	int f;
	while (sip_more(&c) && cur_peek(&c) != ' ')
		cur_skip(&c, 1);
	if ((f = parse_version(sip_span(from, &c))) != SIP_F_NONE)
		return f;
	if (cur_u8(&c) != ' ')
		return SIP_F_START_LINE;
	code = sip_take(&c, SIP_C_DIGIT);
	if (code.len != 3 || sip_peek(&c) != ' ')
		return SIP_F_STATUS_CODE;
	cur_skip(&c, 1);
	if (sip_uint_parse(code, 699, &st) != DT_OK || st < 100)
		return SIP_F_STATUS_CODE;
	m->status = (int)st;
	from = c.p;
	c.p = c.end;
	m->reason = sip_span(from, &c);
	m->is_request = 0;
	return SIP_F_NONE;
}

static int
parse_request_line(struct sip_msg *m, struct dt_slice line)
{
	struct dt_cur c = sip_cur(line);
	const uint8_t *from;
	m->method_name = sip_take(&c, SIP_C_TOKEN);
	if (m->method_name.len == 0)
		return SIP_F_METHOD;
	/* exactly one SP between the three elements (RFC 4475 §3.1.2.9) */
	if (sip_peek(&c) != ' ')
		return sip_more(&c) ? SIP_F_METHOD : SIP_F_START_LINE;
	cur_skip(&c, 1);
	from = c.p;
	while (sip_more(&c) && cur_peek(&c) > ' ' && cur_peek(&c) < 0x7f)
		cur_skip(&c, 1);
	m->ruri = sip_span(from, &c);
	if (m->ruri.len == 0 || sip_peek(&c) != ' ')
		return SIP_F_START_LINE;
	cur_skip(&c, 1);
	from = c.p;
	c.p = c.end;
	m->method = sip_method_id(m->method_name);
	m->is_request = 1;
	return parse_version(sip_span(from, &c));
}

/* Trailing LWS off a value (folded lines end in CR LF SP ...). */
static struct dt_slice
rtrim(struct dt_slice s)
{
	while (s.len) {
		struct dt_cur c = cur_init(s.p + s.len - 1, 1);
		if (!SIP_IS(cur_u8(&c), SIP_C_WS))
			break;
		s.len--;
	}
	return s;
}

static int
add_header(struct sip_msg *m, struct dt_slice line)
{
	struct dt_cur c = sip_cur(line);
	struct sip_hdr *h;
	struct dt_slice name = sip_take(&c, SIP_C_TOKEN);
	const uint8_t *from;
	int id;
	if (name.len == 0)
		return SIP_F_HEADER_LINE;
	while (sip_more(&c) && (cur_peek(&c) == ' ' || cur_peek(&c) == '\t'))
		cur_skip(&c, 1);
	if (cur_u8(&c) != ':')
		return SIP_F_HEADER_LINE;
	if (m->n_hdrs >= SIP_MAX_HDRS)
		return SIP_F_TOO_MANY_HDRS;
	sip_skip_lws(&c);
	from = c.p;
	c.p = c.end;
	id = sip_hdr_lookup(name);
	h = &m->hdrs[m->n_hdrs];
	h->id = (uint8_t)id;
	h->name = name;
	h->value = sip_span(from, &c);
	if (m->first[id] < 0)
		m->first[id] = (int8_t)m->n_hdrs;
	if (m->count[id] < 255)
		m->count[id]++;
	m->n_hdrs++;
	return SIP_F_NONE;
}

/* A continuation line extends the previous header's value to the end of this line. */
static int
fold_header(struct sip_msg *m, struct dt_slice line)
{
	struct sip_hdr *h;
	if (m->n_hdrs == 0)
		return SIP_F_HEADER_LINE;
	h = &m->hdrs[m->n_hdrs - 1];
	if (h->value.len == 0) {
		/* "To :" CRLF " sip:..." — the value starts on the continuation line */
		struct dt_cur c = sip_cur(line);
		sip_skip_lws(&c);
		h->value = slice_make((const char *)c.p, 0);
	}
	h->value.len = (size_t)(line.p + line.len - h->value.p);
	return SIP_F_NONE;
}

static int
frame_body(struct sip_msg *m, struct dt_cur *c, int flags, size_t max_len)
{
	const struct sip_hdr *cl = sip_msg_hdr(m, SIP_H_CONTENT_LENGTH, 0);
	size_t hdr_len = (size_t)((const char *)c->p - m->buf);
	size_t left = cur_left(c);
	uint64_t n = 0;
	if (m->count[SIP_H_CONTENT_LENGTH] > 1)
		return fault(m, SIP_F_CL_MULTI);
	if (cl) {
		if (sip_uint_parse(cl->value, UINT32_MAX, &n) != DT_OK)
			return fault(m, SIP_F_CL_BAD);
		m->has_content_length = 1;
		m->content_length = (uint32_t)n;
	} else if (flags & SIP_PARSE_STREAM) {
		return fault(m, SIP_F_CL_MISSING);
	} else {
		n = left;
	}
	if (max_len && hdr_len + n > max_len)
		return fault(m, SIP_F_TOO_LARGE);
	if (n > left) {
		if (flags & SIP_PARSE_STREAM)
			return DT_EAGAIN;
		return fault(m, SIP_F_CL_LARGE);
	}
	m->body = slice_make((const char *)c->p, (size_t)n);
	m->len = hdr_len + (size_t)n;
	return DT_OK;
}

int
sip_msg_parse(const char *buf, size_t len, int flags, size_t max_len, struct sip_msg *m)
{
	struct dt_cur c = cur_init(buf, len);
	struct dt_slice line;
	int f, sf, status_line;
	m->n_hdrs = 0;
	m->fault = SIP_F_NONE;
	m->has_content_length = 0;
	m->content_length = 0;
	m->status = 0;
	m->method = SIP_M_OTHER;
	m->body = slice_make(buf, 0);
	m->len = 0;
	memset(m->first, -1, sizeof m->first);
	memset(m->count, 0, sizeof m->count);
	while (sip_more(&c) && (cur_peek(&c) == '\r' || cur_peek(&c) == '\n'))
		cur_skip(&c, 1);
	m->buf = (const char *)c.p;
	if (!next_line(&c, &line))
		goto incomplete;
	status_line = line.len >= 4 && memcmp(line.p, "SIP/", 4) == 0;
	sf = status_line ? parse_status_line(m, line) : parse_request_line(m, line);
	/* After a bad start line the header lines are still read, best effort, so the 400 can copy
	 * Via, From, To, Call-ID and CSeq (RFC 4475 §3.1.2.8: answer, do not drop). */
	if (sf != SIP_F_NONE)
		m->is_request = !status_line;
	for (;;) {
		if (!next_line(&c, &line)) {
			if (sf != SIP_F_NONE)
				break;
			goto incomplete;
		}
		if (line.len == 0)
			break;
		struct dt_cur lc = sip_cur(line);
		int first = cur_u8(&lc);
		if (first == ' ' || first == '\t')
			f = fold_header(m, line);
		else
			f = add_header(m, line);
		if (f != SIP_F_NONE) {
			if (sf != SIP_F_NONE)
				break;
			return fault(m, f);
		}
	}
	for (int i = 0; i < m->n_hdrs; i++)
		m->hdrs[i].value = rtrim(m->hdrs[i].value);
	if (sf != SIP_F_NONE)
		return fault(m, sf);
	f = frame_body(m, &c, flags, max_len);
	if (f == DT_OK)
		m->len += (size_t)(m->buf - buf); /* count the skipped leading CRLFs as consumed */
	return f;
incomplete:
	if (max_len && len > max_len)
		return fault(m, SIP_F_TOO_LARGE);
	if (flags & SIP_PARSE_STREAM)
		return DT_EAGAIN;
	return fault(m, SIP_F_HEADER_LINE);
}

const struct sip_hdr *
sip_msg_hdr(const struct sip_msg *m, int id, int i)
{
	int k;
	if (id <= SIP_H_OTHER || id >= SIP_H__COUNT || i >= m->count[id] || m->first[id] < 0)
		return NULL;
	for (k = m->first[id]; k < m->n_hdrs; k++) {
		if (m->hdrs[k].id == id && i-- == 0)
			return &m->hdrs[k];
	}
	return NULL;
}

const struct sip_hdr *
sip_msg_hdr_named(const struct sip_msg *m, const char *name)
{
	for (int k = 0; k < m->n_hdrs; k++) {
		if (sip_slice_ieq(m->hdrs[k].name, name))
			return &m->hdrs[k];
	}
	return NULL;
}
