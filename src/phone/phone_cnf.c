/* summary: parse SEP<MAC>.cnf.xml and XMLDefault.cnf.xml (libxml2) into what the boot needs:
 * CallManager group members by priority, lines with credentials, load IDs, dial template, softkey
 * file, locales and SIP timers. Source: shared/spec/cnf-xml.md.
 *
 * Parsed without namespace checks being fatal: CUCM writes `xsi:type` with no xmlns declaration
 * and phones accept it, so libxml2's namespace error is tolerated while a real well-formedness
 * error is reported as "FILE:LINE: message". No network access (XML_PARSE_NONET), no entity
 * expansion. Elements are found by path from the root, so unknown elements are ignored as a phone
 * ignores them.
 */
#include "phone/phone_priv.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* Follow a '/'-separated element path from n. */
static xmlNode *
path(xmlNode *n, const char *p)
{
	char seg[64];
	while (n && *p) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		if (len >= sizeof seg)
			return NULL;
		memcpy(seg, p, len);
		seg[len] = '\0';
		n = child(n, seg);
		p += len + (s ? 1 : 0);
	}
	return n;
}

/* Copy the trimmed text of an element into dst; "" when absent. */
static void
text(xmlNode *n, char *dst, size_t cap)
{
	dst[0] = '\0';
	if (!n)
		return;
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return;
	const char *s = (const char *)t;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
		       s[len - 1] == '\r'))
		len--;
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	xmlFree(t);
}

static int
int_of(xmlNode *n, int dflt)
{
	char b[32];
	text(n, b, sizeof b);
	if (b[0] == '\0')
		return dflt;
	char *end;
	long v = strtol(b, &end, 10);
	return (*end || v < 0 || v > 1000000) ? dflt : (int)v;
}

static int
attr_int(xmlNode *n, const char *name, int dflt)
{
	xmlChar *a = xmlGetProp(n, (const xmlChar *)name);
	if (!a)
		return dflt;
	int v = atoi((const char *)a);
	xmlFree(a);
	return v;
}

static void
read_members(xmlNode *group, struct phone_cnf *c)
{
	xmlNode *members = child(group, "members");
	for (xmlNode *m = members ? members->children : NULL; m; m = m->next) {
		if (m->type != XML_ELEMENT_NODE || strcmp((const char *)m->name, "member") != 0)
			continue;
		if (c->n_cm >= PHONE_MAX_CM)
			break;
		struct phone_cm *cm = &c->cm[c->n_cm];
		xmlNode *cmn = child(m, "callManager");
		text(path(cmn, "processNodeName"), cm->host, sizeof cm->host);
		if (cm->host[0] == '\0')
			continue; /* an empty template member (usecallmanager SEPMAC.cnf.xml) */
		cm->priority = attr_int(m, "priority", c->n_cm);
		cm->sip_port = int_of(path(cmn, "ports/sipPort"), 5060);
		cm->sips_port = int_of(path(cmn, "ports/securedSipPort"), 5061);
		c->n_cm++;
	}
	/* Lower priority value first; stable for equal values (insertion sort, ≤ 5 members). */
	for (int i = 1; i < c->n_cm; i++)
		for (int j = i; j > 0 && c->cm[j].priority < c->cm[j - 1].priority; j--) {
			struct phone_cm t = c->cm[j];
			c->cm[j] = c->cm[j - 1];
			c->cm[j - 1] = t;
		}
}

static void
read_lines(xmlNode *sip_lines, struct phone_cnf *c)
{
	for (xmlNode *l = sip_lines ? sip_lines->children : NULL; l; l = l->next) {
		if (l->type != XML_ELEMENT_NODE || strcmp((const char *)l->name, "line") != 0)
			continue;
		if (int_of(child(l, "featureID"), 9) != 9 || c->n_lines >= PHONE_MAX_LINES)
			continue; /* speed dials, BLF, service URLs: not registrations */
		struct phone_line *ln = &c->lines[c->n_lines];
		ln->button = attr_int(l, "button", c->n_lines + 1);
		text(child(l, "name"), ln->name, sizeof ln->name);
		text(child(l, "displayName"), ln->display, sizeof ln->display);
		text(child(l, "authName"), ln->auth_name, sizeof ln->auth_name);
		text(child(l, "authPassword"), ln->auth_password, sizeof ln->auth_password);
		text(child(l, "contact"), ln->contact, sizeof ln->contact);
		ln->port = int_of(child(l, "port"), 5060);
		c->n_lines++;
	}
}

/* XMLDefault: <loadInformation<N>> for this model's number (also lower-case, seen in the wild). */
static void
read_default_load(xmlNode *root, int model_number, struct phone_cnf *c)
{
	char a[48], b[48];
	snprintf(a, sizeof a, "loadInformation%d", model_number);
	snprintf(b, sizeof b, "loadinformation%d", model_number);
	for (xmlNode *n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && (strcmp((const char *)n->name, a) == 0 ||
						    strcmp((const char *)n->name, b) == 0))
			text(n, c->load, sizeof c->load);
}

static void
read_device(xmlNode *root, struct phone_cnf *c)
{
	xmlNode *sp = child(root, "sipProfile");
	text(child(root, "deviceProtocol"), c->device_protocol, sizeof c->device_protocol);
	read_members(path(root, "devicePool/callManagerGroup"), c);
	read_lines(child(sp, "sipLines"), c);
	text(child(root, "loadInformation"), c->load, sizeof c->load);
	text(child(root, "inactiveLoadInformation"), c->inactive_load, sizeof c->inactive_load);
	text(child(sp, "dialTemplate"), c->dial_template, sizeof c->dial_template);
	text(child(sp, "softKeyFile"), c->softkey_file, sizeof c->softkey_file);
	text(path(root, "userLocale/name"), c->user_locale, sizeof c->user_locale);
	text(path(root, "networkLocaleInfo/name"), c->network_locale, sizeof c->network_locale);
	if (c->network_locale[0] == '\0')
		text(child(root, "networkLocale"), c->network_locale, sizeof c->network_locale);
	text(child(root, "versionStamp"), c->version_stamp, sizeof c->version_stamp);
	c->reg_expires = int_of(path(sp, "sipStack/timerRegisterExpires"), 3600);
	c->reg_delta = int_of(path(sp, "sipStack/timerRegisterDelta"), 5);
	c->keepalive_expires = int_of(path(sp, "sipStack/timerKeepAliveExpires"), 120);
	c->transport = int_of(child(root, "transportLayerProtocol"), 1);
	c->security_mode = int_of(child(root, "deviceSecurityMode"), 1);
	/* Authenticated/encrypted devices and transportLayerProtocol 3 talk TLS to securedSipPort
	 * (sip-register.md; cnf-xml.md value tables). */
	c->tls = c->security_mode >= 2 || c->transport == 3;
}

struct first_error {
	int line;
	char msg[256];
};

/* libxml2 keeps parsing after the first well-formedness error and its "last error" is then some
 * later consequence; an administrator needs the first one, so we catch errors as they come.
 * Namespace errors (undeclared xsi: prefix in CUCM files) are not well-formedness errors. */
static void
keep_first(void *arg, xmlErrorPtr err)
{
	struct first_error *fe = arg;
	if (fe->line || err->domain == XML_FROM_NAMESPACE || err->level < XML_ERR_ERROR)
		return;
	fe->line = err->line > 0 ? err->line : 1;
	snprintf(fe->msg, sizeof fe->msg, "%s", err->message ? err->message : "not well-formed");
	size_t n = strlen(fe->msg);
	while (n && (fe->msg[n - 1] == '\n' || fe->msg[n - 1] == ' '))
		fe->msg[--n] = '\0';
}

int
phone_cnf_parse(const char *buf, size_t len, const char *fname, int model_number,
		struct phone_cnf *c, struct dt_errbuf *e)
{
	int rc = DT_OK;
	memset(c, 0, sizeof *c);
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (!ctx)
		return dt_errf(e, DT_ENOMEM, "%s: parser allocation failed", fname);
	struct first_error fe = {0, ""};
	/* Per-thread handler, restored at once: the simulator runs on one thread. */
	xmlSetStructuredErrorFunc(&fe, keep_first);
	xmlDocPtr doc =
	    xmlCtxtReadMemory(ctx, buf, (int)len, fname, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc) {
		rc = dt_errf(e, DT_EINVAL, "%s:%d: %s", fname, fe.line ? fe.line : 1,
			     fe.line ? fe.msg : "not well-formed");
		goto out;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root) {
		rc = dt_errf(e, DT_EINVAL, "%s:1: empty document", fname);
		goto out;
	}
	if (strcmp((const char *)root->name, "Default") == 0) {
		c->is_default = 1;
		read_members(child(root, "callManagerGroup"), c);
		read_default_load(root, model_number, c);
		c->reg_expires = 3600;
		c->reg_delta = 5;
		c->keepalive_expires = 120;
		c->transport = 1;
	} else if (strcmp((const char *)root->name, "device") == 0) {
		read_device(root, c);
		if (c->device_protocol[0] && strcmp(c->device_protocol, "SIP") != 0) {
			rc =
			    dt_errf(e, DT_EINVAL, "%s:%d: deviceProtocol is %s, this load runs SIP",
				    fname, (int)xmlGetLineNo(root), c->device_protocol);
			goto out;
		}
	} else {
		rc = dt_errf(e, DT_EINVAL,
			     "%s:%d: root element <%s>, expected <device> or <Default>", fname,
			     (int)xmlGetLineNo(root), (const char *)root->name);
		goto out;
	}
	if (c->n_cm == 0)
		rc = dt_errf(e, DT_EINVAL, "%s: no CallManager member with a processNodeName",
			     fname);
out:
	if (doc)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctx);
	return rc;
}
