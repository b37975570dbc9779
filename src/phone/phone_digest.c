/* summary: the phone's answer to a digest challenge (RFC 2617 §3.2.2, MD5, qop=auth or none).
 * The SIP codec parses the challenge (sip_auth_parse); this file only computes the response with
 * OpenSSL's MD5, as a UAC must.
 */
#include "phone/phone_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

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
