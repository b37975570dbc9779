/* summary: bounds-checked read and write cursors shared by every codec (tcpdump GET_*, lldpd
 * POKE_*).
 *
 * Every byte a codec reads from the wire goes through a struct dt_cur; every byte it writes goes
 * through a struct dt_wcur. On overrun a call returns 0 (or NULL) and sets a *sticky* err, so a
 * codec reads a whole field group and checks once: `if (c.err) return DT_ETRUNC;`.
 * No longjmp: our callers own leases and sockets. No code outside this header indexes a packet
 * with a raw pointer.
 */
#ifndef DT_CORE_CUR_H
#define DT_CORE_CUR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct dt_cur {
	const uint8_t *p;   /* next byte to read */
	const uint8_t *end; /* one past the last readable byte */
	int err;	    /* sticky: set on the first overrun, never cleared */
};

struct dt_wcur {
	uint8_t *p;
	uint8_t *end;
	int err;
};

static inline struct dt_cur
cur_init(const void *buf, size_t len)
{
	struct dt_cur c = {(const uint8_t *)buf, (const uint8_t *)buf + len, 0};
	return c;
}

static inline size_t
cur_left(const struct dt_cur *c)
{
	return c->err ? 0 : (size_t)(c->end - c->p);
}

/* A sub-cursor over the next n bytes (for a TLV value); the parent skips them. */
static inline struct dt_cur
cur_sub(struct dt_cur *c, size_t n)
{
	struct dt_cur s = {c->p, c->p, 1};
	if (c->err || (size_t)(c->end - c->p) < n) {
		c->err = 1;
		return s;
	}
	s.end = c->p + n;
	s.err = 0;
	c->p += n;
	return s;
}

static inline int
cur_need(struct dt_cur *c, size_t n)
{
	if (c->err || (size_t)(c->end - c->p) < n) {
		c->err = 1;
		return 0;
	}
	return 1;
}

static inline uint8_t
cur_u8(struct dt_cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return *c->p++;
}

/* Look at the next byte without consuming it; 0 and err set when none is left. */
static inline uint8_t
cur_peek(struct dt_cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return *c->p;
}

static inline uint16_t
cur_be16(struct dt_cur *c)
{
	uint16_t v;
	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	return v;
}

static inline uint32_t
cur_be32(struct dt_cur *c)
{
	uint32_t v;
	if (!cur_need(c, 4))
		return 0;
	v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) | ((uint32_t)c->p[2] << 8) |
	    (uint32_t)c->p[3];
	c->p += 4;
	return v;
}

/* Copy n bytes out; dst is zero-filled on overrun so callers never see stale memory. */
static inline void
cur_bytes(struct dt_cur *c, void *dst, size_t n)
{
	if (!cur_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->p, n);
	c->p += n;
}

/* Zero-copy: a pointer to the next n bytes inside the buffer, or NULL on overrun. */
static inline const uint8_t *
cur_ptr(struct dt_cur *c, size_t n)
{
	const uint8_t *r;
	if (!cur_need(c, n))
		return NULL;
	r = c->p;
	c->p += n;
	return r;
}

static inline void
cur_skip(struct dt_cur *c, size_t n)
{
	if (cur_need(c, n))
		c->p += n;
}

/* ---- write side ---- */

static inline struct dt_wcur
wcur_init(void *buf, size_t len)
{
	struct dt_wcur w = {(uint8_t *)buf, (uint8_t *)buf + len, 0};
	return w;
}

static inline int
wcur_need(struct dt_wcur *w, size_t n)
{
	if (w->err || (size_t)(w->end - w->p) < n) {
		w->err = 1;
		return 0;
	}
	return 1;
}

static inline void
wcur_u8(struct dt_wcur *w, uint8_t v)
{
	if (wcur_need(w, 1))
		*w->p++ = v;
}

static inline void
wcur_be16(struct dt_wcur *w, uint16_t v)
{
	if (!wcur_need(w, 2))
		return;
	w->p[0] = (uint8_t)(v >> 8);
	w->p[1] = (uint8_t)v;
	w->p += 2;
}

static inline void
wcur_be32(struct dt_wcur *w, uint32_t v)
{
	if (!wcur_need(w, 4))
		return;
	w->p[0] = (uint8_t)(v >> 24);
	w->p[1] = (uint8_t)(v >> 16);
	w->p[2] = (uint8_t)(v >> 8);
	w->p[3] = (uint8_t)v;
	w->p += 4;
}

static inline void
wcur_bytes(struct dt_wcur *w, const void *src, size_t n)
{
	if (wcur_need(w, n)) {
		memcpy(w->p, src, n);
		w->p += n;
	}
}

/* Bytes written so far, given the buffer start. */
static inline size_t
wcur_used(const struct dt_wcur *w, const void *start)
{
	return (size_t)(w->p - (const uint8_t *)start);
}

#endif
