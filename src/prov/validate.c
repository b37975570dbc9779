/* summary: the check every generated file passes before it is published: well-formed XML 1.0 and
 * the elements the phone needs present (and non-empty where an empty value breaks the boot).
 *
 * Why hand-written rather than parsing with libxml2: a full build checks ~600 MB for 100,000
 * devices; libxml2 (SAX, no tree) takes ~30 µs for a 13 KB SEP file on this machine, which alone
 * would exceed the 2 s budget, while this single pass over the bytes takes a few µs
 * (docs/decisions.md "config generation"). It covers what our generators can emit — elements,
 * attributes, character and entity references, comments, processing instructions, CDATA — and
 * rejects DOCTYPE outright. Unit tests cross-check its verdicts against libxml2's.
 *
 * Rules are (parent path, child) pairs: each element at the parent path must hold that child.
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 32
#define MAX_RULES 16 /* rules per parent element */

#define CMG "device/devicePool/callManagerGroup"
static const struct prov_rule sep_rules[] = {
    {"device", "deviceProtocol", 1},
    {"device", "devicePool", 0},
    {"device", "sipProfile", 0},
    {"device", "loadInformation", 0},
    {"device", "versionStamp", 1},
    {"device", "userLocale", 0},
    {"device", "deviceSecurityMode", 1},
    {"device", "transportLayerProtocol", 1},
    {"device/devicePool", "callManagerGroup", 0},
    {CMG, "members", 0},
    {CMG "/members", "member", 0},
    {CMG "/members/member/callManager", "ports", 0},
    {CMG "/members/member/callManager", "processNodeName", 1},
    {CMG "/members/member/callManager/ports", "sipPort", 1},
    {"device/sipProfile", "sipProxies", 0},
    {"device/sipProfile", "sipStack", 0},
    {"device/sipProfile/sipProxies", "registerWithProxy", 1},
    {"device/sipProfile", "sipLines", 0},
    {"device/sipProfile/sipLines/line", "featureID", 1},
    {"device/sipProfile/sipLines/line", "name", 1},
    {"device/sipProfile/sipLines/line", "proxy", 1},
    {"device/sipProfile/sipLines/line", "port", 1},
};
static const struct prov_rule xmldefault_rules[] = {
    {"Default", "callManagerGroup", 0},
    {"Default/callManagerGroup", "members", 0},
    {"Default/callManagerGroup/members", "member", 0},
    {"Default/callManagerGroup/members/member/callManager", "ports", 0},
    {"Default/callManagerGroup/members/member/callManager", "processNodeName", 1},
    {"Default/callManagerGroup/members/member/callManager/ports", "sipPort", 1},
};
static const struct prov_rule dial_rules[] = {{"dialTemplate", "versionStamp", 1}};
static const struct prov_rule softkey_rules[] = {
    {"softKeyCfg", "versionStamp", 1},
    {"softKeyCfg", "typeSoftKey", 0},
    {"softKeyCfg", "softKeySets", 0},
};
static const struct prov_rule ring_rules[] = {
    {"CiscoIPPhoneRingList/Ring", "DisplayName", 1},
    {"CiscoIPPhoneRingList/Ring", "FileName", 1},
};

struct ruleset {
	const char *root;
	const struct prov_rule *r;
	int n;
};
#define N(a) (int)(sizeof a / sizeof a[0])
static const struct ruleset rulesets[] = {
    [PROV_K_SEP] = {"device", sep_rules, N(sep_rules)},
    [PROV_K_XMLDEFAULT] = {"Default", xmldefault_rules, N(xmldefault_rules)},
    [PROV_K_DIALRULES] = {"dialTemplate", dial_rules, N(dial_rules)},
    [PROV_K_SOFTKEYS] = {"softKeyCfg", softkey_rules, N(softkey_rules)},
    [PROV_K_RINGLIST] = {"CiscoIPPhoneRingList", ring_rules, N(ring_rules)},
};

struct frame {
	size_t path_len;   /* length of path up to and including this element's name */
	unsigned seen;	   /* rules of this element (as parent) satisfied */
	unsigned empty;	   /* rules whose child was present but empty */
	int has_text;	   /* non-whitespace character data seen in this element */
	const struct prov_rule *rules[MAX_RULES];
	int nrules;
};

struct scan {
	const uint8_t *p, *end, *start;
	const char *file, *device;
	const struct ruleset *rs;
	char path[512];
	size_t path_len;
	struct frame st[MAX_DEPTH];
	int depth;
	struct dt_errbuf *e;
};

static int
fail(struct scan *s, const char *why)
{
	return dt_errf(s->e, DT_EINVAL, "%s: device %s: not well-formed XML at byte %zu (in %s): %s",
		       s->file, s->device, (size_t)(s->p - s->start),
		       s->path_len ? s->path : "prolog", why);
}

/* Decode one UTF-8 character and check it is an XML Char; 0 on error. */
static int
utf8_char(struct scan *s, unsigned *cp)
{
	const uint8_t *p = s->p;
	unsigned c = p[0], n, min;
	if (c < 0x80) {
		n = 0;
		min = 0;
	} else if ((c & 0xe0) == 0xc0) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)(s->end - p) < n + 1)
		return 0;
	for (unsigned i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	if (c < 0x20 && c != 0x9 && c != 0xa && c != 0xd)
		return 0;
	s->p += n + 1;
	*cp = c;
	return 1;
}

static int
name_start(unsigned c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int
name_char(unsigned c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* A Name at s->p; its bytes in [*b, *b + *n). */
static int
scan_name(struct scan *s, const uint8_t **b, size_t *n)
{
	unsigned c;
	*b = s->p;
	if (s->p >= s->end || !utf8_char(s, &c) || !name_start(c))
		return 0;
	while (s->p < s->end) {
		const uint8_t *save = s->p;
		if (!utf8_char(s, &c))
			return 0;
		if (!name_char(c)) {
			s->p = save;
			break;
		}
	}
	*n = (size_t)(s->p - *b);
	return 1;
}

static void
skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* &name; or &#N; or &#xN; at s->p. */
static int
scan_ref(struct scan *s)
{
	static const char *const ents[] = {"lt;", "gt;", "amp;", "quot;", "apos;"};
	size_t left;
	s->p++; /* '&' */
	left = (size_t)(s->end - s->p);
	if (left && *s->p == '#') {
		unsigned long v = 0;
		int hex = 0, digits = 0;
		s->p++;
		if (s->p < s->end && *s->p == 'x') {
			hex = 1;
			s->p++;
		}
		for (; s->p < s->end && *s->p != ';'; s->p++, digits++) {
			unsigned c = *s->p, d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				d = (c | 0x20) - 'a' + 10;
			else
				return 0;
			v = v * (hex ? 16 : 10) + d;
			if (v > 0x10ffff)
				return 0;
		}
		if (s->p >= s->end || !digits)
			return 0;
		s->p++;
		return !(v < 0x20 && v != 9 && v != 10 && v != 13) && !(v >= 0xd800 && v <= 0xdfff) &&
		       v != 0xfffe && v != 0xffff;
	}
	for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
		size_t n = strlen(ents[i]);
		if (left >= n && memcmp(s->p, ents[i], n) == 0) {
			s->p += n;
			return 1;
		}
	}
	return 0;
}

/* Skip to just past the terminator `term`, checking characters; 0 if it never comes. */
static int
skip_until(struct scan *s, const char *term)
{
	size_t n = strlen(term);
	while ((size_t)(s->end - s->p) >= n) {
		unsigned c;
		if (memcmp(s->p, term, n) == 0) {
			s->p += n;
			return 1;
		}
		if (!utf8_char(s, &c))
			return 0;
	}
	return 0;
}

static int
open_element(struct scan *s, const uint8_t *name, size_t n)
{
	struct frame *f;
	if (s->depth == MAX_DEPTH)
		return fail(s, "elements nested too deeply");
	if (s->path_len + n + 2 > sizeof s->path)
		return fail(s, "element path too long");
	if (s->path_len)
		s->path[s->path_len++] = '/';
	memcpy(s->path + s->path_len, name, n);
	s->path_len += n;
	s->path[s->path_len] = '\0';
	f = &s->st[s->depth++];
	memset(f, 0, sizeof *f);
	f->path_len = s->path_len;
	for (int i = 0; i < s->rs->n; i++)
		if (strcmp(s->rs->r[i].parent, s->path) == 0 && f->nrules < MAX_RULES)
			f->rules[f->nrules++] = &s->rs->r[i];
	return DT_OK;
}

static int
close_element(struct scan *s)
{
	struct frame *f = &s->st[s->depth - 1];
	const char *leaf;
	size_t parent_len;

	/* The closed element satisfies its parent's rules that name it. */
	for (int i = 0; i < f->nrules; i++) {
		if (f->seen & (1u << i))
			continue;
		return dt_errf(s->e, DT_EINVAL, "%s: device %s: element %s/%s %s", s->file,
			       s->device, s->path, f->rules[i]->child,
			       (f->empty & (1u << i)) ? "is empty" : "is missing");
	}
	leaf = strrchr(s->path, '/');
	parent_len = leaf ? (size_t)(leaf - s->path) : 0;
	if (s->depth >= 2) {
		struct frame *pf = &s->st[s->depth - 2];
		for (int i = 0; i < pf->nrules; i++)
			if (strcmp(pf->rules[i]->child, leaf + 1) == 0) {
				if (pf->rules[i]->nonempty && !f->has_text)
					pf->empty |= 1u << i;
				else
					pf->seen |= 1u << i;
			}
	}
	s->depth--;
	s->path_len = parent_len;
	s->path[parent_len] = '\0';
	return DT_OK;
}

/* After '<' + name: attributes, then '>' or '/>'. */
static int
scan_attrs(struct scan *s, int *self_close)
{
	const uint8_t *names[16];
	size_t lens[16];
	int nattr = 0;
	for (;;) {
		const uint8_t *an;
		size_t al;
		int had_space = s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' ||
						  *s->p == '\r');
		skip_space(s);
		if (s->p >= s->end)
			return fail(s, "unterminated start tag");
		if (*s->p == '>') {
			s->p++;
			*self_close = 0;
			return DT_OK;
		}
		if (*s->p == '/') {
			if (s->end - s->p < 2 || s->p[1] != '>')
				return fail(s, "'/' not followed by '>'");
			s->p += 2;
			*self_close = 1;
			return DT_OK;
		}
		if (!had_space)
			return fail(s, "attribute not separated by white space");
		if (!scan_name(s, &an, &al))
			return fail(s, "bad attribute name");
		for (int i = 0; i < nattr; i++)
			if (lens[i] == al && memcmp(names[i], an, al) == 0)
				return fail(s, "duplicate attribute");
		if (nattr < 16) {
			names[nattr] = an;
			lens[nattr++] = al;
		}
		skip_space(s);
		if (s->p >= s->end || *s->p != '=')
			return fail(s, "attribute without '='");
		s->p++;
		skip_space(s);
		if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
			return fail(s, "attribute value not quoted");
		uint8_t q = *s->p++;
		for (;;) {
			unsigned c;
			if (s->p >= s->end)
				return fail(s, "unterminated attribute value");
			if (*s->p == q) {
				s->p++;
				break;
			}
			if (*s->p == '<')
				return fail(s, "'<' in attribute value");
			if (*s->p == '&') {
				if (!scan_ref(s))
					return fail(s, "bad entity or character reference");
				continue;
			}
			if (!utf8_char(s, &c))
				return fail(s, "invalid character (bad UTF-8 or control character)");
		}
	}
}

static int
scan_markup(struct scan *s, int *root_done)
{
	const uint8_t *name;
	size_t n;
	int rc, self_close = 0;
	size_t left = (size_t)(s->end - s->p);

	if (left >= 4 && memcmp(s->p, "<!--", 4) == 0) {
		s->p += 4;
		if (!skip_until(s, "--"))
			return fail(s, "unterminated comment");
		if (s->p >= s->end || *s->p != '>')
			return fail(s, "'--' inside a comment");
		s->p++;
		return DT_OK;
	}
	if (left >= 9 && memcmp(s->p, "<![CDATA[", 9) == 0) {
		if (s->depth == 0)
			return fail(s, "CDATA outside the root element");
		s->p += 9;
		if (!skip_until(s, "]]>"))
			return fail(s, "unterminated CDATA section");
		s->st[s->depth - 1].has_text = 1;
		return DT_OK;
	}
	if (left >= 2 && s->p[1] == '!')
		return fail(s, "DOCTYPE and other declarations are not allowed");
	if (left >= 2 && s->p[1] == '?') {
		s->p += 2;
		if (!scan_name(s, &name, &n))
			return fail(s, "bad processing instruction");
		if (!skip_until(s, "?>"))
			return fail(s, "unterminated processing instruction");
		return DT_OK;
	}
	if (left >= 2 && s->p[1] == '/') {
		const char *leaf;
		s->p += 2;
		if (s->depth == 0 || !scan_name(s, &name, &n))
			return fail(s, "unexpected end tag");
		leaf = strrchr(s->path, '/');
		leaf = leaf ? leaf + 1 : s->path;
		if (strlen(leaf) != n || memcmp(leaf, name, n) != 0)
			return fail(s, "end tag does not match the start tag");
		skip_space(s);
		if (s->p >= s->end || *s->p != '>')
			return fail(s, "unterminated end tag");
		s->p++;
		if ((rc = close_element(s)) != DT_OK)
			return rc;
		*root_done = s->depth == 0;
		return DT_OK;
	}
	s->p++;
	if (*root_done)
		return fail(s, "content after the root element");
	if (!scan_name(s, &name, &n))
		return fail(s, "bad element name");
	if (s->depth == 0 && (strlen(s->rs->root) != n || memcmp(s->rs->root, name, n) != 0))
		return dt_errf(s->e, DT_EINVAL, "%s: device %s: element %s is missing (root is %.*s)",
			       s->file, s->device, s->rs->root, (int)n, (const char *)name);
	if ((rc = open_element(s, name, n)) != DT_OK)
		return rc;
	if ((rc = scan_attrs(s, &self_close)) != DT_OK)
		return rc;
	if (self_close) {
		if ((rc = close_element(s)) != DT_OK)
			return rc;
		*root_done = s->depth == 0;
	}
	return DT_OK;
}

int
prov_validate(enum prov_kind kind, const char *file, const char *device, const uint8_t *p,
	      size_t n, struct dt_errbuf *e)
{
	struct scan s = {.p = p, .end = p + n, .start = p, .file = file,
			 .device = device && device[0] ? device : "-", .rs = &rulesets[kind], .e = e};
	int root_done = 0, seen_root = 0, rc;

	while (s.p < s.end) {
		if (*s.p == '<') {
			if ((rc = scan_markup(&s, &root_done)) != DT_OK)
				return rc;
			seen_root |= root_done || s.depth > 0;
			continue;
		}
		if (*s.p == '&') {
			if (s.depth == 0)
				return fail(&s, "reference outside the root element");
			if (!scan_ref(&s))
				return fail(&s, "bad entity or character reference");
			s.st[s.depth - 1].has_text = 1;
			continue;
		}
		if (*s.p == ' ' || *s.p == '\n' || *s.p == '\t' || *s.p == '\r') {
			s.p++;
			continue;
		}
		if (s.depth == 0)
			return fail(&s, "text outside the root element");
		if (*s.p == '>' && s.p - s.start >= 2 && s.p[-1] == ']' && s.p[-2] == ']')
			return fail(&s, "']]>' in text");
		unsigned c;
		if (!utf8_char(&s, &c))
			return fail(&s, "invalid character (bad UTF-8 or control character)");
		s.st[s.depth - 1].has_text = 1;
	}
	if (s.depth > 0)
		return fail(&s, "file ends inside an element");
	if (!seen_root)
		return dt_errf(e, DT_EINVAL, "%s: device %s: element %s is missing (no root element)",
			       file, s.device, s.rs->root);
	return DT_OK;
}
