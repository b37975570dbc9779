/* summary: private lexer helpers shared by the SIP codec's files (RFC 3261 §25.1 character
 * classes). Nothing outside src/proto/sip/ includes this file.
 *
 * All reads go through struct dt_cur (core/cur.h). A slice is made from two cursor positions; no
 * byte is read through a raw pointer.
 */
#ifndef DT_PROTO_SIP_SIP_PRIV_H
#define DT_PROTO_SIP_SIP_PRIV_H

#include "core/cur.h"
#include "core/slice.h"
#include "proto/sip/sip.h"

/* Character classes, one bit each, in one 256-entry table (sip_lex.c). */
enum {
	SIP_C_TOKEN = 1 << 0,	/* token: alphanum - . ! % * _ + ` ' ~ */
	SIP_C_WS = 1 << 1,	/* SP HT CR LF: linear white space inside a (folded) value */
	SIP_C_HOST = 1 << 2,	/* hostname / IPv4 characters: alphanum - . */
	SIP_C_URIUSER = 1 << 3, /* user part: unreserved, escaped, & = + $ , ; ? / */
	SIP_C_URIPARAM =
	    1 << 4, /* uri param/header chars: unreserved, escaped, [ ] / : & + $ = ? @ */
	SIP_C_DIGIT = 1 << 5,
	SIP_C_HEX = 1 << 6,
	SIP_C_PVALUE =
	    1 << 7, /* generic-param value: token chars plus ':' '[' ']' (RFC 5118 §4.5) */
};
extern const uint8_t sip_cclass[256];

#define SIP_IS(c, cls) ((sip_cclass[(uint8_t)(c)] & (cls)) != 0)

/* A cursor over a slice; an empty slice may carry p == NULL (zeroed structs), and NULL + 0 is
 * undefined behaviour, so it gets a static empty string instead. */
static inline struct dt_cur
sip_cur(struct dt_slice s)
{
	return s.p ? cur_init(s.p, s.len) : cur_init("", 0);
}

/* Slice from a start position to the cursor's current position. */
static inline struct dt_slice
sip_span(const uint8_t *from, const struct dt_cur *c)
{
	return slice_make((const char *)from, (size_t)(c->p - from));
}

static inline int
sip_more(const struct dt_cur *c)
{
	return cur_left(c) > 0;
}

/* Peek without setting err at the end: returns -1 when nothing is left. */
static inline int
sip_peek(struct dt_cur *c)
{
	return cur_left(c) ? cur_peek(c) : -1;
}

/* Length of the run of class cls at the cursor, without consuming it. The one bulk scan of the
 * codec: the bound is taken from the cursor once (cur_left) and every index stays below it; it
 * exists because a byte-at-a-time cur_peek/cur_skip loop cost a third of the parser's
 * instructions (docs/decisions.md, SIP parser). */
static inline size_t
sip_run(const struct dt_cur *c, uint8_t cls)
{
	size_t n = cur_left(c), i = 0;
	const uint8_t *p = c->p;
	while (i < n && (sip_cclass[p[i]] & cls))
		i++;
	return i;
}

/* Consume a run of bytes of class cls; returns the run (possibly empty). */
static inline struct dt_slice
sip_take(struct dt_cur *c, uint8_t cls)
{
	size_t n = sip_run(c, cls);
	struct dt_slice s = {(const char *)c->p, n};
	cur_skip(c, n);
	return s;
}

/* Skip SP/HT/CR/LF; returns how many bytes were skipped. */
static inline size_t
sip_skip_lws(struct dt_cur *c)
{
	size_t n = sip_run(c, SIP_C_WS);
	cur_skip(c, n);
	return n;
}
/* Consume a quoted-string starting at '"'; *inner = content without quotes. -1 if unterminated
 * or not at '"'. */
int sip_take_quoted(struct dt_cur *c, struct dt_slice *inner);
/* Case-insensitive compare of a slice with a literal. */
int sip_slice_ieq(struct dt_slice s, const char *lit);
/* Header name (full or compact, any case) → enum sip_hdr_id (sip_hdrname.c). */
int sip_hdr_lookup(struct dt_slice name);
/* Validate "%HH" escapes in s: 0 ok, -1 when a '%' is not followed by two hex digits. */
int sip_escapes_valid(struct dt_slice s);

#endif
