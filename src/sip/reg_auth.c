/* summary: digest authentication of REGISTER (RFC 2617, RFC 7616 MD5 and SHA-256, qop=auth) with
 * stateless nonces, nonce-count replay refusal and a per-source failure limit. The response
 * itself comes from the SIP codec's sip_digest_response, shared with the phone simulator.
 *
 * Nonce = hex(8-byte issue time | 4-byte counter) + hex(first 16 bytes of HMAC-SHA256(secret,
 * time | counter | realm | source IP)): every challenge gets a different nonce (so nonce-count
 * replay tracking works even for two challenges in one second), and the registrar verifies it
 * without a nonce table, and an old one is answered with
 * stale=true so the phone retries without asking its user. Replay: the device remembers the last
 * nonce and nc it accepted; a repeated or lower nc for that nonce is refused, and a nonce used
 * without qop (no nc at all) is good once. An unknown user runs the same hash work as a known one
 * and gets the same 403, so timing and answers do not reveal which extensions exist.
 */
#include "sip/reg_priv.h"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

#define FAIL_TABLE_MAX 65536 /* sources tracked; the table is reset past it (bounded memory) */

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

int
reg_auth_init(struct reg *r)
{
	r->md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	r->sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	r->mctx = EVP_MD_CTX_new();
	r->hmac_in = EVP_MD_CTX_new();
	r->hmac_out = EVP_MD_CTX_new();
	if (!r->md5 || !r->sha256 || !r->mctx || !r->hmac_in || !r->hmac_out)
		return DT_ENOMEM;
	reg_auth_key(r);
	return DT_OK;
}

/* HMAC-SHA256 (RFC 2104) split in two precomputed states, so a nonce costs two context copies and
 * two short hashes. */
void
reg_auth_key(struct reg *r)
{
	uint8_t ipad[64], opad[64];
	for (int i = 0; i < 64; i++) {
		uint8_t k = i < (int)sizeof r->secret ? r->secret[i] : 0;
		ipad[i] = k ^ 0x36;
		opad[i] = k ^ 0x5c;
	}
	EVP_DigestInit_ex2(r->hmac_in, r->sha256, NULL);
	EVP_DigestUpdate(r->hmac_in, ipad, sizeof ipad);
	EVP_DigestInit_ex2(r->hmac_out, r->sha256, NULL);
	EVP_DigestUpdate(r->hmac_out, opad, sizeof opad);
}

void
reg_auth_free(struct reg *r)
{
	EVP_MD_free(r->md5);
	EVP_MD_free(r->sha256);
	EVP_MD_CTX_free(r->mctx);
	EVP_MD_CTX_free(r->hmac_in);
	EVP_MD_CTX_free(r->hmac_out);
}

static void
hmac(const struct reg *r, const uint8_t *msg, size_t n, uint8_t mac[32])
{
	uint8_t inner[32];
	unsigned int l = 0;
	EVP_MD_CTX_copy_ex(r->mctx, r->hmac_in);
	EVP_DigestUpdate(r->mctx, msg, n);
	EVP_DigestFinal_ex(r->mctx, inner, &l);
	EVP_MD_CTX_copy_ex(r->mctx, r->hmac_out);
	EVP_DigestUpdate(r->mctx, inner, sizeof inner);
	EVP_DigestFinal_ex(r->mctx, mac, &l);
}

static void
nonce_make(const struct reg *r, const char *ip, uint64_t t, uint32_t ctr,
	   char out[REG_NONCE_LEN + 1])
{
	uint8_t msg[12 + 64 + 46], mac[32], tb[12];
	size_t n = 0, rl = strlen(r->cfg.realm), il = strlen(ip);
	for (int i = 0; i < 8; i++)
		tb[i] = (uint8_t)(t >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		tb[8 + i] = (uint8_t)(ctr >> (24 - 8 * i));
	memcpy(msg, tb, 12);
	n = 12;
	memcpy(msg + n, r->cfg.realm, rl);
	n += rl;
	memcpy(msg + n, ip, il);
	n += il;
	hmac(r, msg, n, mac);
	hex(tb, 12, out);
	hex(mac, 16, out + 24);
}

/* 0 valid and fresh, 1 valid but stale, -1 forged or malformed. */
static int
nonce_check(const struct reg *r, struct dt_slice nonce, const char *ip, time_t now)
{
	char want[REG_NONCE_LEN + 1];
	uint64_t t = 0;
	uint32_t ctr = 0;
	if (nonce.len != REG_NONCE_LEN)
		return -1;
	for (int i = 0; i < 24; i++) {
		char c = nonce.p[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		if (i < 16)
			t = t << 4 | (uint64_t)v;
		else
			ctr = ctr << 4 | (uint32_t)v;
	}
	nonce_make(r, ip, t, ctr, want);
	if (CRYPTO_memcmp(want, nonce.p, REG_NONCE_LEN) != 0)
		return -1;
	if ((uint64_t)now > t + (uint64_t)r->cfg.nonce_ttl || t > (uint64_t)now + 5)
		return 1;
	return 0;
}

static struct dt_slice
cs(const char *s)
{
	return slice_make(s, strlen(s));
}

/* Expected response for credentials a (user, realm, password given), through the shared codec. */
static int
expected_response(const struct reg *r, const struct sip_auth *a, const EVP_MD *md, const char *user,
		  const char *realm, const char *pass, struct dt_slice method, char *out,
		  size_t cap)
{
	struct sip_digest_in in = {
	    .user = cs(user),
	    .realm = cs(realm),
	    .password = cs(pass),
	    .method = method,
	    .uri = a->uri,
	    .nonce = a->nonce,
	    .nc = a->nc,
	    .cnonce = a->cnonce,
	    .qop = a->qop,
	};
	return sip_digest_response(r->mctx, md, &in, out, cap);
}

static struct reg_fail *
fail_get(struct reg *r, const char *ip, int create)
{
	struct reg_fail *f = reg_map_find(&r->fails, ip);
	if (f || !create)
		return f;
	if (r->fails.n >= FAIL_TABLE_MAX)
		reg_map_clear(&r->fails);
	f = dt_calloc(DT_MEM_SIP, 1, sizeof *f);
	if (!f)
		return NULL;
	reg_copy(f->ip, sizeof f->ip, ip);
	if (reg_map_insert(&r->fails, f) != DT_OK) {
		dt_free(DT_MEM_SIP, f);
		return NULL;
	}
	return f;
}

void
reg_auth_failed(struct reg *r, const struct reg_src *src, time_t now)
{
	struct reg_fail *f = fail_get(r, src->ip, 1);
	if (!f)
		return;
	if (now - f->window_start >= r->cfg.fail_window) {
		f->window_start = now;
		f->count = 0;
	}
	f->count++;
}

static int
limited(struct reg *r, const struct reg_src *src, time_t now)
{
	struct reg_fail *f = fail_get(r, src->ip, 0);
	return f && now - f->window_start < r->cfg.fail_window && f->count >= r->cfg.fail_limit;
}

/* nc as a number (8 hex digits); 0 when absent or malformed. */
static uint32_t
nc_value(struct dt_slice nc)
{
	uint32_t v = 0;
	if (nc.len != 8)
		return 0;
	for (size_t i = 0; i < 8; i++) {
		char c = nc.p[i];
		int d = c >= '0' && c <= '9'		     ? c - '0'
			: (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10
							     : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint32_t)d;
	}
	return v;
}

int
reg_auth_check(struct reg *r, const struct sip_msg *m, const struct reg_line *line,
	       struct reg_dev *dev, const struct reg_src *src, time_t now)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_H_AUTHORIZATION, 0);
	struct sip_auth a;
	const EVP_MD *md = r->md5;
	char want[SIP_DIGEST_HEX_MAX];
	const char *pass = line ? line->password : "";
	int ns, ok;
	uint32_t nc;
	if (limited(r, src, now))
		return REG_AUTH_LIMITED;
	/* RFC 4475 §3.3.7: an unknown scheme is answered with a challenge, not an error */
	if (!h || sip_auth_parse(h->value, &a) != DT_OK || !slice_caseeq(a.scheme, "Digest") ||
	    !a.response.len || !a.nonce.len || !a.uri.len)
		return REG_AUTH_CHALLENGE;
	if (!slice_eq(a.realm, r->cfg.realm))
		return REG_AUTH_CHALLENGE;
	ns = nonce_check(r, a.nonce, src->ip, now);
	if (ns < 0)
		return REG_AUTH_CHALLENGE;
	switch (sip_digest_alg(a.algorithm)) {
	case SIP_DIGEST_MD5:
		md = r->md5;
		break;
	case SIP_DIGEST_SHA256:
		md = r->sha256;
		break;
	default:
		return REG_AUTH_CHALLENGE;
	}
	if (a.qop.len && (!slice_caseeq(a.qop, "auth") || !a.cnonce.len || !nc_value(a.nc)))
		return REG_AUTH_CHALLENGE;
	/* same work for unknown and known users (no enumeration by timing) */
	if (expected_response(r, &a, md, line ? line->auth_user : "-", r->cfg.realm, pass,
			      m->method_name, want, sizeof want) < 0)
		return REG_AUTH_FAIL;
	ok = line && slice_eq(a.username, line->auth_user) && a.response.len == strlen(want) &&
	     CRYPTO_memcmp(want, a.response.p, a.response.len) == 0;
	if (!ok)
		return REG_AUTH_FAIL;
	if (ns == 1)
		return REG_AUTH_STALE;
	nc = a.qop.len ? nc_value(a.nc) : 0;
	if (dev) {
		/* a 64-bit hash stands for the nonce: a collision could only refuse a request */
		uint64_t hn = 14695981039346656037ull;
		for (size_t i = 0; i < a.nonce.len; i++)
			hn = (hn ^ (uint8_t)a.nonce.p[i]) * 1099511628211ull;
		if (hn == dev->nonce_hash && (nc == 0 || nc <= dev->nc))
			return REG_AUTH_STALE; /* replay: make the client take a fresh nonce */
		dev->nonce_hash = hn;
		dev->nc = nc;
	}
	return REG_AUTH_OK;
}

void
reg_auth_challenge(struct reg *r, struct sip_out *o, const struct reg_src *src, time_t now,
		   int stale)
{
	char nonce[REG_NONCE_LEN + 1];
	nonce_make(r, src->ip, (uint64_t)now, ++r->tag_seq, nonce);
	/* SHA-256 only when configured, and then first (RFC 7616 §3.7: preferred first): MD5 alone
	 * is what CUCM offers, and RFC 2617 clients (sipsak) answer the last challenge they see
	 * with MD5 whatever it asked for, so two challenges by default would lock them out. */
	if (r->cfg.digest_sha256)
		sip_out_hdrf(o, "WWW-Authenticate",
			     "Digest realm=\"%s\", nonce=\"%s\", algorithm=SHA-256, qop=\"auth\"%s",
			     r->cfg.realm, nonce, stale ? ", stale=true" : "");
	sip_out_hdrf(o, "WWW-Authenticate",
		     "Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s",
		     r->cfg.realm, nonce, stale ? ", stale=true" : "");
}
