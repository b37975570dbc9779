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

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
    {"device", "vendorConfig", 0}, /* the model family's knobs (web access, CDP/LLDP …) */
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
	size_t path_len; /* length of path up to and including this element's name */
	size_t leaf;	 /* offset of this element's name in path */
	unsigned seen;	 /* rules of this element (as parent) satisfied */
	unsigned empty;	 /* rules whose child was present but empty */
	int has_text;	 /* non-whitespace character data seen in this element */
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
	size_t plen[MAX_RULES * 2]; /* strlen of each rule's parent path (a ruleset has ≤ 32) */
	size_t clen[MAX_RULES * 2]; /* strlen of each rule's child */
	uint8_t is_plen[512];	    /* 1 at each length a rule's parent path has */
	struct dt_errbuf *e;
};

static int
fail(struct scan *s, const char *why)
{
	return dt_errf(s->e, DT_EINVAL,
		       "%s: device %s: not well-formed XML at byte %zu (in %s): %s", s->file,
		       s->device, (size_t)(s->p - s->start), s->path_len ? s->path : "prolog", why);
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
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
	       c >= 0x80;
}

static int
name_char(unsigned c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* ASCII classes, so the common case costs one table load per byte: 1 name start, 2 name
 * character, 4 plain text (a character needing no attention in content or attribute values). */
static uint8_t cls[256];

static void
init_classes(void)
{
	for (unsigned c = 0; c < 128; c++) {
		if (name_start(c))
			cls[c] |= 1 | 2;
		if (name_char(c))
			cls[c] |= 2;
		if ((c >= 0x20 && c != '<' && c != '&' && c != '>' && c != '"' && c != '\'') ||
		    c == '\t' || c == '\n' || c == '\r')
			cls[c] |= 4;
		if (cls[c] & 4 && c != ' ' && c != '\t' && c != '\n' && c != '\r')
			cls[c] |= 8; /* plain and not white space: makes an element non-empty */
	}
}

/* A Name at s->p; its bytes in [*b, *b + *n). */
static int
scan_name(struct scan *s, const uint8_t **b, size_t *n)
{
	/* ASCII names only: every element and attribute we emit is ASCII, and XML's rules for
	 * non-ASCII name characters are long; refusing them keeps us never laxer than libxml2. */
	*b = s->p;
	if (s->p >= s->end || !(cls[*s->p] & 1))
		return 0;
	s->p++;
	while (s->p < s->end && (cls[*s->p] & 2))
		s->p++;
	if (s->p < s->end && *s->p >= 0x80)
		return 0;
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
		return !(v < 0x20 && v != 9 && v != 10 && v != 13) &&
		       !(v >= 0xd800 && v <= 0xdfff) && v != 0xfffe && v != 0xffff;
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
	f->path_len = s->path_len;
	f->leaf = s->path_len - n;
	f->seen = f->empty = 0;
	f->has_text = 0;
	f->nrules = 0;
	/* Most elements are no rule's parent: their path length alone says so. */
	for (int i = 0; s->is_plen[s->path_len] && i < s->rs->n; i++)
		if (s->plen[i] == s->path_len &&
		    memcmp(s->rs->r[i].parent, s->path, s->path_len) == 0 && f->nrules < MAX_RULES)
			f->rules[f->nrules++] = &s->rs->r[i];
	return DT_OK;
}

static int
close_element(struct scan *s)
{
	struct frame *f = &s->st[s->depth - 1];
	const char *leaf = s->path + f->leaf;
	size_t parent_len = f->leaf ? f->leaf - 1 : 0;

	/* The closed element satisfies its parent's rules that name it. */
	for (int i = 0; i < f->nrules; i++) {
		if (f->seen & (1u << i))
			continue;
		return dt_errf(s->e, DT_EINVAL, "%s: device %s: element %s/%s %s", s->file,
			       s->device, s->path, f->rules[i]->child,
			       (f->empty & (1u << i)) ? "is empty" : "is missing");
	}
	if (s->depth >= 2) {
		struct frame *pf = &s->st[s->depth - 2];
		for (int i = 0; i < pf->nrules; i++)
			if (s->clen[pf->rules[i] - s->rs->r] == f->path_len - f->leaf &&
			    memcmp(pf->rules[i]->child, leaf, f->path_len - f->leaf) == 0) {
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
		int had_space = s->p < s->end &&
				(*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r');
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
		if (nattr == 16)
			return fail(s, "more than 16 attributes");
		names[nattr] = an;
		lens[nattr++] = al;
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
			while (s->p < s->end && (cls[*s->p] & 4))
				s->p++;
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
				return fail(s,
					    "invalid character (bad UTF-8 or control character)");
		}
	}
}

/* One pseudo-attribute of the XML declaration: ` name="value"`; 1 when present and well-formed
 * (its value copied to val), 0 when absent, -1 when malformed. */
static int
decl_attr(struct scan *s, const char *name, char *val, size_t cap)
{
	const uint8_t *save = s->p;
	size_t n = strlen(name), i = 0;
	uint8_t q;
	skip_space(s);
	if (s->p == save || (size_t)(s->end - s->p) < n || memcmp(s->p, name, n) != 0) {
		s->p = save;
		return 0;
	}
	s->p += n;
	skip_space(s);
	if (s->p >= s->end || *s->p++ != '=')
		return -1;
	skip_space(s);
	if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
		return -1;
	q = *s->p++;
	while (s->p < s->end && *s->p != q && i + 1 < cap) {
		/* Declaration values are [A-Za-z0-9._-] (XML 1.0 productions 26, 81, 32). */
		if (!(cls[*s->p] & 2) || *s->p == ':')
			return -1;
		val[i++] = (char)*s->p++;
	}
	val[i] = '\0';
	if (s->p >= s->end || *s->p != q)
		return -1;
	s->p++;
	return 1;
}

/* After "<?xml": version="1.0" [encoding="UTF-8"] [standalone="yes|no"] then "?>". */
static int
xml_decl(struct scan *s)
{
	char v[16];
	int r;
	if (decl_attr(s, "version", v, sizeof v) != 1 || strcmp(v, "1.0") != 0)
		return fail(s, "XML declaration without version=\"1.0\"");
	if ((r = decl_attr(s, "encoding", v, sizeof v)) < 0 || (r && strcasecmp(v, "UTF-8") != 0))
		return fail(s, "XML declaration with an encoding other than UTF-8");
	if ((r = decl_attr(s, "standalone", v, sizeof v)) < 0 ||
	    (r && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
		return fail(s, "bad standalone in the XML declaration");
	skip_space(s);
	if ((size_t)(s->end - s->p) < 2 || memcmp(s->p, "?>", 2) != 0)
		return fail(s, "unterminated XML declaration");
	s->p += 2;
	return DT_OK;
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
		int at_start = s->p == s->start;
		s->p += 2;
		if (!scan_name(s, &name, &n))
			return fail(s, "bad processing instruction");
		if (n == 3 && strncasecmp((const char *)name, "xml", 3) == 0) {
			if (!at_start || memcmp(name, "xml", 3) != 0)
				return fail(s, "XML declaration not at the start of the file");
			return xml_decl(s);
		}
		if ((size_t)(s->end - s->p) >= 2 && memcmp(s->p, "?>", 2) == 0) {
			s->p += 2;
			return DT_OK;
		}
		if (s->p >= s->end ||
		    !(*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
			return fail(s, "processing instruction target not followed by white space");
		if (!skip_until(s, "?>"))
			return fail(s, "unterminated processing instruction");
		return DT_OK;
	}
	if (left >= 2 && s->p[1] == '/') {
		const struct frame *f;
		s->p += 2;
		if (s->depth == 0)
			return fail(s, "unexpected end tag");
		f = &s->st[s->depth - 1];
		/* The only name allowed here is the open element's: compare instead of scanning. */
		n = f->path_len - f->leaf;
		if ((size_t)(s->end - s->p) <= n || memcmp(s->p, s->path + f->leaf, n) != 0 ||
		    (s->p[n] < 0x80 && (cls[s->p[n]] & 2)) || s->p[n] >= 0x80)
			return fail(s, "end tag does not match the start tag");
		s->p += n;
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
		return dt_errf(s->e, DT_EINVAL,
			       "%s: device %s: element %s is missing (root is %.*s)", s->file,
			       s->device, s->rs->root, (int)n, (const char *)name);
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
prov_validate(enum prov_kind kind, const char *file, const char *device, const uint8_t *p, size_t n,
	      struct dt_errbuf *e)
{
	struct scan s = {.p = p,
			 .end = p + n,
			 .start = p,
			 .file = file,
			 .device = device && device[0] ? device : "-",
			 .rs = &rulesets[kind],
			 .e = e};
	int root_done = 0, seen_root = 0, rc;

	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_classes);
	for (int i = 0; i < s.rs->n && i < MAX_RULES * 2; i++) {
		s.plen[i] = strlen(s.rs->r[i].parent);
		s.clen[i] = strlen(s.rs->r[i].child);
		if (s.plen[i] < sizeof s.is_plen)
			s.is_plen[s.plen[i]] = 1;
	}
	while (s.p < s.end) {
		if (s.depth > 0 && (cls[*s.p] & 4)) {
			/* A run of plain characters: text unless it is all white space. */
			const uint8_t *t = s.p;
			int text = 0;
			while (t < s.end && (cls[*t] & 4))
				text |= cls[*t++] & 8;
			s.p = t;
			s.st[s.depth - 1].has_text |= text;
			continue;
		}
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
		return dt_errf(e, DT_EINVAL,
			       "%s: device %s: element %s is missing (no root element)", file,
			       s.device, s.rs->root);
	return DT_OK;
}
