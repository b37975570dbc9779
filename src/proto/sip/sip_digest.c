/* summary: HTTP digest response for SIP (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1: MD5 and SHA-256,
 * qop=auth or none), shared by the registrar (checking) and the phone simulator (answering).
 *
 * response = H(H(user:realm:password) : nonce [: nc : cnonce : qop] : H(method:uri)), every H the
 * lower-case hex of the caller's hash. The caller fetches the EVP_MD once and lends a scratch
 * EVP_MD_CTX: OpenSSL 3 looks an implicit EVP_md5() up in its provider table on every use, which
 * was half the registrar's digest CPU (docs/decisions.md). Pure: no I/O, no globals, no
 * allocation of ours (the context is the caller's).
 */
#include <openssl/evp.h>
#include <string.h>

#include "proto/sip/sip.h"

static void
hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* H(parts[0]:parts[1]:...) as hex into out (room for 2 * EVP_MAX_MD_SIZE + 1); -1 on failure. */
static int
hash_parts(EVP_MD_CTX *ctx, const EVP_MD *md, const struct dt_slice *parts, int n, char *out)
{
	uint8_t dig[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		return -1;
	for (int i = 0; i < n; i++) {
		if (i && EVP_DigestUpdate(ctx, ":", 1) != 1)
			return -1;
		if (parts[i].len && EVP_DigestUpdate(ctx, parts[i].p, parts[i].len) != 1)
			return -1;
	}
	if (EVP_DigestFinal_ex(ctx, dig, &dl) != 1)
		return -1;
	hex(dig, dl, out);
	return (int)(2 * dl);
}

int
sip_digest_alg(struct dt_slice algorithm)
{
	if (algorithm.len == 0 || slice_caseeq(algorithm, "MD5"))
		return SIP_DIGEST_MD5;
	if (slice_caseeq(algorithm, "SHA-256"))
		return SIP_DIGEST_SHA256;
	return -1;
}

int
sip_digest_response(struct evp_md_ctx_st *ctx, const struct evp_md_st *md,
		    const struct sip_digest_in *in, char *out, size_t cap)
{
	char ha1[2 * EVP_MAX_MD_SIZE + 1], ha2[2 * EVP_MAX_MD_SIZE + 1];
	char resp[2 * EVP_MAX_MD_SIZE + 1];
	struct dt_slice p1[3] = {in->user, in->realm, in->password};
	struct dt_slice p2[2] = {in->method, in->uri};
	int n;
	if (hash_parts(ctx, md, p1, 3, ha1) < 0 || hash_parts(ctx, md, p2, 2, ha2) < 0)
		return -1;
	struct dt_slice h1 = slice_make(ha1, strlen(ha1)), h2 = slice_make(ha2, strlen(ha2));
	if (in->qop.len) {
		struct dt_slice p3[6] = {h1, in->nonce, in->nc, in->cnonce, in->qop, h2};
		n = hash_parts(ctx, md, p3, 6, resp);
	} else {
		struct dt_slice p3[3] = {h1, in->nonce, h2};
		n = hash_parts(ctx, md, p3, 3, resp);
	}
	if (n < 0 || (size_t)n >= cap)
		return -1;
	memcpy(out, resp, (size_t)n + 1);
	return n;
}
