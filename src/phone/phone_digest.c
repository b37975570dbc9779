/* summary: the phone's answer to a digest challenge (RFC 2617 §3.2.2, MD5, qop=auth or none):
 * keep the challenge (parsed by the SIP codec's sip_auth_parse), build the Authorization value
 * with a growing nonce-count, response computed with OpenSSL's MD5.
 */
#include "phone/phone_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/sip/sip.h"

static void
md5_hex(const char *s, char out[33])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(s, strlen(s), d, &n, EVP_md5(), NULL);
	for (unsigned i = 0; i < n && i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[32] = '\0';
}

void
phone_digest_response(const char *user, const char *realm, const char *password, const char *method,
		      const char *uri, const char *nonce, const char *qop, const char *nc,
		      const char *cnonce, char out[33])
{
	char a1[512], a2[512], ha1[33], ha2[33], all[1024];
	snprintf(a1, sizeof a1, "%s:%s:%s", user, realm, password);
	snprintf(a2, sizeof a2, "%s:%s", method, uri);
	md5_hex(a1, ha1);
	md5_hex(a2, ha2);
	if (qop && qop[0])
		snprintf(all, sizeof all, "%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
	else
		snprintf(all, sizeof all, "%s:%s:%s", ha1, nonce, ha2);
	md5_hex(all, out);
}

int
phone_chal_take(struct phone_chal *c, const struct sip_msg *m, int *stale)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_H_WWW_AUTHENTICATE, 0);
	struct sip_auth a;
	if (!h)
		h = sip_msg_hdr_named(m, "Proxy-Authenticate");
	*stale = 0;
	if (!h || sip_auth_parse(h->value, &a) != DT_OK || !a.realm.len || !a.nonce.len ||
	    slice_copy(a.realm, c->realm, sizeof c->realm) ||
	    slice_copy(a.nonce, c->nonce, sizeof c->nonce)) {
		c->realm[0] = '\0';
		return -1;
	}
	/* stale=true (RFC 2617 §3.2.1): the codec's struct has no field for it, so look for the
	 * parameter in the raw value. */
	for (struct dt_slice rest = h->value; rest.len;) {
		const char *eq = memchr(rest.p, '=', rest.len);
		if (!eq)
			break;
		size_t k = (size_t)(eq - rest.p);
		if (k >= 5 && strncasecmp(eq - 5, "stale", 5) == 0 && rest.len - k > 4 &&
		    strncasecmp(eq + 1, "true", 4) == 0)
			*stale = 1;
		rest.p = eq + 1;
		rest.len -= k + 1;
	}
	c->qop = a.qop.len > 0; /* "auth" or "auth,auth-int": we answer auth */
	c->opaque[0] = '\0';
	if (a.opaque.len)
		slice_copy(a.opaque, c->opaque, sizeof c->opaque);
	c->nc = 0;
	return 0;
}

void
phone_chal_answer(struct phone_chal *c, const char *user, const char *password, const char *uri,
		  uint64_t rnd, char *out, size_t cap)
{
	char resp[33], nc[12], cnonce[20];
	snprintf(nc, sizeof nc, "%08x", ++c->nc);
	snprintf(cnonce, sizeof cnonce, "%08llx", (unsigned long long)(rnd & 0xffffffffull));
	phone_digest_response(user, c->realm, password, "REGISTER", uri, c->nonce,
			      c->qop ? "auth" : "", nc, cnonce, resp);
	int n = snprintf(out, cap,
			 "Digest username=\"%s\",realm=\"%s\",uri=\"%s\",response=\"%s\","
			 "nonce=\"%s\",algorithm=MD5",
			 user, c->realm, uri, resp, c->nonce);
	if (n > 0 && (size_t)n < cap && c->qop)
		n +=
		    snprintf(out + n, cap - (size_t)n, ",cnonce=\"%s\",qop=auth,nc=%s", cnonce, nc);
	if (n > 0 && (size_t)n < cap && c->opaque[0])
		snprintf(out + n, cap - (size_t)n, ",opaque=\"%s\"", c->opaque);
}
