/* summary: SIP lexer primitives: character classes, LWS (folded lines), tokens, quoted strings,
 * comma lists and generic parameters (RFC 3261 §25.1, §7.3.1). */
#include "proto/sip/sip_priv.h"

#include <strings.h>

#define T     SIP_C_TOKEN
#define W     SIP_C_WS
#define H     SIP_C_HOST
#define U     SIP_C_URIUSER
#define P     SIP_C_URIPARAM
#define D     SIP_C_DIGIT
#define X     SIP_C_HEX
#define V     SIP_C_PVALUE
#define ALNUM (T | H | U | P | V)

/* Why one table: every lexer decision is one load and one AND, and a new class is one column. */
const uint8_t sip_cclass[256] = {
    ['\t'] = W,
    ['\n'] = W,
    ['\r'] = W,
    [' '] = W,
    ['!'] = T | U | P | V,
    ['%'] = T | U | P | V,
    ['*'] = T | U | P | V,
    ['_'] = T | U | P | V,
    ['+'] = T | U | P | V,
    ['`'] = T | V,
    ['\''] = T | U | P | V,
    ['~'] = T | U | P | V,
    ['-'] = T | H | U | P | V,
    ['.'] = T | H | U | P | V,
    ['&'] = U | P,
    ['='] = U | P,
    ['$'] = U | P,
    [','] = U,
    [';'] = U,
    ['?'] = U | P,
    ['/'] = U | P,
    [':'] = P | V,
    ['['] = P | V,
    [']'] = P | V,
    ['@'] = P,
    ['('] = U | P,
    [')'] = U | P,
    ['0'] = ALNUM | D | X,
    ['1'] = ALNUM | D | X,
    ['2'] = ALNUM | D | X,
    ['3'] = ALNUM | D | X,
    ['4'] = ALNUM | D | X,
    ['5'] = ALNUM | D | X,
    ['6'] = ALNUM | D | X,
    ['7'] = ALNUM | D | X,
    ['8'] = ALNUM | D | X,
    ['9'] = ALNUM | D | X,
    ['A'] = ALNUM | X,
    ['B'] = ALNUM | X,
    ['C'] = ALNUM | X,
    ['D'] = ALNUM | X,
    ['E'] = ALNUM | X,
    ['F'] = ALNUM | X,
    ['G'] = ALNUM,
    ['H'] = ALNUM,
    ['I'] = ALNUM,
    ['J'] = ALNUM,
    ['K'] = ALNUM,
    ['L'] = ALNUM,
    ['M'] = ALNUM,
    ['N'] = ALNUM,
    ['O'] = ALNUM,
    ['P'] = ALNUM,
    ['Q'] = ALNUM,
    ['R'] = ALNUM,
    ['S'] = ALNUM,
    ['T'] = ALNUM,
    ['U'] = ALNUM,
    ['V'] = ALNUM,
    ['W'] = ALNUM,
    ['X'] = ALNUM,
    ['Y'] = ALNUM,
    ['Z'] = ALNUM,
    ['a'] = ALNUM | X,
    ['b'] = ALNUM | X,
    ['c'] = ALNUM | X,
    ['d'] = ALNUM | X,
    ['e'] = ALNUM | X,
    ['f'] = ALNUM | X,
    ['g'] = ALNUM,
    ['h'] = ALNUM,
    ['i'] = ALNUM,
    ['j'] = ALNUM,
    ['k'] = ALNUM,
    ['l'] = ALNUM,
    ['m'] = ALNUM,
    ['n'] = ALNUM,
    ['o'] = ALNUM,
    ['p'] = ALNUM,
    ['q'] = ALNUM,
    ['r'] = ALNUM,
    ['s'] = ALNUM,
    ['t'] = ALNUM,
    ['u'] = ALNUM,
    ['v'] = ALNUM,
    ['w'] = ALNUM,
    ['x'] = ALNUM,
    ['y'] = ALNUM,
    ['z'] = ALNUM,
};

int
sip_take_quoted(struct dt_cur *c, struct dt_slice *inner)
{
	const uint8_t *from;
	if (sip_peek(c) != '"')
		return -1;
	cur_skip(c, 1);
	from = c->p;
	while (sip_more(c)) {
		uint8_t ch = cur_u8(c);
		if (ch == '\\') {
			/* quoted-pair: any octet except CR/LF may follow */
			if (!sip_more(c) || cur_peek(c) == '\r' || cur_peek(c) == '\n')
				return -1;
			cur_skip(c, 1);
		} else if (ch == '"') {
			*inner = slice_make((const char *)from, (size_t)(c->p - 1 - from));
			return 0;
		}
	}
	return -1;
}

struct dt_slice
sip_trim(struct dt_slice s)
{
	struct dt_cur c = sip_cur(s);
	size_t lead = sip_run(&c, SIP_C_WS);
	s.p += lead;
	s.len -= lead;
	/* trailing LWS: look back one byte at a time (values are short, the tail is rarely blank)
	 */
	while (s.len) {
		struct dt_cur last = cur_init(s.p + s.len - 1, 1);
		if (!SIP_IS(cur_u8(&last), SIP_C_WS))
			break;
		s.len--;
	}
	return s;
}

int
sip_slice_ieq(struct dt_slice s, const char *lit)
{
	return slice_caseeq(s, lit);
}

int
sip_escapes_valid(struct dt_slice s)
{
	struct dt_cur c = sip_cur(s);
	while (sip_more(&c)) {
		if (cur_u8(&c) != '%')
			continue;
		if (cur_left(&c) < 2)
			return -1;
		if (!SIP_IS(cur_u8(&c), SIP_C_HEX) || !SIP_IS(cur_u8(&c), SIP_C_HEX))
			return -1;
	}
	return 0;
}

int
sip_list_next(struct dt_slice *rest, struct dt_slice *item)
{
	struct dt_cur c = sip_cur(*rest);
	const uint8_t *from;
	int angle = 0;
	sip_skip_lws(&c);
	/* empty elements between commas are skipped (RFC 7230-style leniency for ", ,") */
	while (sip_more(&c) && cur_peek(&c) == ',') {
		cur_skip(&c, 1);
		sip_skip_lws(&c);
	}
	if (!sip_more(&c)) {
		*rest = sip_span(c.p, &c);
		return 0;
	}
	from = c.p;
	while (sip_more(&c)) {
		int ch = cur_peek(&c);
		if (ch == '"') {
			struct dt_slice q;
			if (sip_take_quoted(&c, &q) < 0) {
				c.p = c.end; /* unterminated: the element runs to the end */
				break;
			}
			continue;
		}
		if (ch == '<')
			angle = 1;
		else if (ch == '>')
			angle = 0;
		else if (ch == ',' && !angle)
			break;
		cur_skip(&c, 1);
	}
	*item = sip_trim(sip_span(from, &c));
	if (sip_more(&c))
		cur_skip(&c, 1); /* the comma */
	rest->len -= (size_t)((const char *)c.p - rest->p);
	rest->p = (const char *)c.p;
	return 1;
}

/* One ";name[=value]" element at the cursor (which sits on ';'); -1 when malformed. */
static int
param_next(struct dt_cur *c, struct dt_slice *name, struct dt_slice *val)
{
	sip_skip_lws(c);
	if (sip_peek(c) != ';')
		return -1;
	cur_skip(c, 1);
	sip_skip_lws(c);
	*name = sip_take(c, SIP_C_TOKEN);
	if (name->len == 0)
		return -1;
	sip_skip_lws(c);
	*val = slice_make(name->p + name->len, 0);
	if (sip_peek(c) != '=')
		return 0;
	cur_skip(c, 1);
	sip_skip_lws(c);
	if (sip_peek(c) == '"') {
		const uint8_t *from = c->p;
		struct dt_slice inner;
		if (sip_take_quoted(c, &inner) < 0)
			return -1;
		*val = sip_span(from, c);
		return 0;
	}
	*val = sip_take(c, SIP_C_PVALUE);
	return val->len ? 0 : -1;
}

int
sip_param_get(struct dt_slice params, const char *name, struct dt_slice *val)
{
	struct dt_cur c = sip_cur(params);
	struct dt_slice n, v;
	for (;;) {
		sip_skip_lws(&c);
		if (!sip_more(&c) || param_next(&c, &n, &v) < 0)
			return 0;
		if (sip_slice_ieq(n, name)) {
			*val = v;
			return 1;
		}
	}
}

int
sip_params_valid(struct dt_slice params)
{
	struct dt_cur c = sip_cur(params);
	struct dt_slice n, v;
	for (;;) {
		sip_skip_lws(&c);
		if (!sip_more(&c))
			return 0;
		if (param_next(&c, &n, &v) < 0)
			return -1;
	}
}

struct dt_slice
sip_unquote(struct dt_slice v)
{
	struct dt_cur c = sip_cur(v);
	struct dt_slice inner;
	if (sip_take_quoted(&c, &inner) == 0 && !sip_more(&c))
		return inner;
	return v;
}

void
sip_value_split(struct dt_slice s, struct dt_slice *token, struct dt_slice *params)
{
	struct dt_cur c = sip_cur(s);
	const uint8_t *from;
	while (sip_more(&c) && cur_peek(&c) != ';') {
		if (cur_peek(&c) == '"') {
			struct dt_slice q;
			if (sip_take_quoted(&c, &q) < 0)
				break;
			continue;
		}
		cur_skip(&c, 1);
	}
	*token = sip_trim(slice_make(s.p, (size_t)((const char *)c.p - s.p)));
	from = c.p;
	c.p = c.end;
	*params = sip_span(from, &c);
}
