/* summary: the phone's answer to a digest challenge (RFC 2617 §3.2.2, RFC 7616: MD5 or SHA-256,
 * qop=auth or none): keep the challenge (parsed by the SIP codec's sip_auth_parse), build the
 * Authorization value with a growing nonce-count; the response comes from the codec's
 * sip_digest_response, the same function the registrar checks it with.
 */
#include "phone/phone_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/sip/sip.h"

/* Whether the challenge value says stale=true (RFC 2617 §3.2.1): the codec's struct has no field
 * for it, so look for the parameter in the raw value. */
static int
says_stale(struct dt_slice rest)
{
	while (rest.len) {
		const char *eq = memchr(rest.p, '=', rest.len);
		if (!eq)
			break;
		size_t k = (size_t)(eq - rest.p);
		if (k >= 5 && strncasecmp(eq - 5, "stale", 5) == 0 && rest.len - k > 4 &&
		    strncasecmp(eq + 1, "true", 4) == 0)
			return 1;
		rest.p = eq + 1;
		rest.len -= k + 1;
	}
	return 0;
}

/* The first challenge with an algorithm we support (RFC 7616 §3.7: servers list the preferred one
 * first, the client takes the first it can answer). */
static const struct sip_hdr *
usable_challenge(const struct sip_msg *m, struct sip_auth *a, int *alg)
{
	const struct sip_hdr *h;
	for (int i = 0; (h = sip_msg_hdr(m, SIP_H_WWW_AUTHENTICATE, i)) != NULL; i++)
		if (sip_auth_parse(h->value, a) == DT_OK &&
		    (*alg = sip_digest_alg(a->algorithm)) >= 0)
			return h;
	h = sip_msg_hdr_named(m, "Proxy-Authenticate");
	if (h && sip_auth_parse(h->value, a) == DT_OK && (*alg = sip_digest_alg(a->algorithm)) >= 0)
		return h;
	return NULL;
}

int
phone_chal_take(struct phone_chal *c, const struct sip_msg *m, int *stale)
{
	struct sip_auth a;
	int alg = SIP_DIGEST_MD5;
	const struct sip_hdr *h = usable_challenge(m, &a, &alg);
	*stale = 0;
	if (!h || !a.realm.len || !a.nonce.len || slice_copy(a.realm, c->realm, sizeof c->realm) ||
	    slice_copy(a.nonce, c->nonce, sizeof c->nonce)) {
		c->realm[0] = '\0';
		return -1;
	}
	*stale = says_stale(h->value);
	c->alg = alg;
	c->qop = a.qop.len > 0; /* "auth" or "auth,auth-int": we answer auth */
	c->opaque[0] = '\0';
	if (a.opaque.len)
		slice_copy(a.opaque, c->opaque, sizeof c->opaque);
	c->nc = 0;
	return 0;
}

static struct dt_slice
cs(const char *s)
{
	return slice_make(s, strlen(s));
}

int
phone_chal_answer(struct phone_chal *c, const char *user, const char *password, const char *uri,
		  uint64_t rnd, char *out, size_t cap)
{
	char resp[SIP_DIGEST_HEX_MAX], nc[12], cnonce[20];
	const EVP_MD *md = c->alg == SIP_DIGEST_SHA256 ? EVP_sha256() : EVP_md5();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rl;
	snprintf(nc, sizeof nc, "%08x", ++c->nc);
	snprintf(cnonce, sizeof cnonce, "%08llx", (unsigned long long)(rnd & 0xffffffffull));
	struct sip_digest_in in = {
	    .user = cs(user),
	    .realm = cs(c->realm),
	    .password = cs(password),
	    .method = cs("REGISTER"),
	    .uri = cs(uri),
	    .nonce = cs(c->nonce),
	    .nc = cs(c->qop ? nc : ""),
	    .cnonce = cs(c->qop ? cnonce : ""),
	    .qop = cs(c->qop ? "auth" : ""),
	};
	rl = ctx ? sip_digest_response(ctx, md, &in, resp, sizeof resp) : -1;
	EVP_MD_CTX_free(ctx);
	if (rl < 0)
		goto fail;
	int n = snprintf(out, cap,
			 "Digest username=\"%s\",realm=\"%s\",uri=\"%s\",response=\"%s\","
			 "nonce=\"%s\",algorithm=%s",
			 user, c->realm, uri, resp, c->nonce,
			 c->alg == SIP_DIGEST_SHA256 ? "SHA-256" : "MD5");
	if (n > 0 && (size_t)n < cap && c->qop)
		n +=
		    snprintf(out + n, cap - (size_t)n, ",cnonce=\"%s\",qop=auth,nc=%s", cnonce, nc);
	if (n > 0 && (size_t)n < cap && c->opaque[0])
		n += snprintf(out + n, cap - (size_t)n, ",opaque=\"%s\"", c->opaque);
	if (n > 0 && (size_t)n < cap)
		return 0;
fail:
	/* no half-built header: the REGISTER then goes without one and its 401 is counted */
	if (cap)
		out[0] = '\0';
	return -1;
}
