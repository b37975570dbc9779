/* summary: TLS for SIP on 5061: the server certificate from DATA_DIR/sip-tls.crt + sip-tls.key,
 * created self-signed (EC P-256, 10 years) on first run so a fresh install serves TLS at once.
 * An administrator replaces the two files with CA-signed ones and restarts. The same certificate
 * is presented on connections dialtone opens to phones (svc_sip_connect.c). */
#include "svc/svc_sip_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

static int
tls_err(struct dt_errbuf *e, const char *what, const char *path)
{
	char buf[160];
	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	return dt_errf(e, DT_EIO, "sip: tls: %s %s: %s", what, path, buf);
}

static int
make_self_signed(const char *crt, const char *key, const char *cn, struct dt_errbuf *e)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	FILE *f;
	int fd, rc = DT_EIO;
	if (!pk || !x)
		goto out;
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL));
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600);
	X509_set_pubkey(x, pk);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_ASC,
				   (const unsigned char *)"dialtone", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	if (!X509_sign(x, pk, EVP_sha256()))
		goto out;
	/* the key is private: created 0600 before anything is written */
	fd = open(key, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		rc = dt_errf(e, DT_EIO, "sip: tls: %s: %s", key, strerror(errno));
		goto out;
	}
	rc = PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) ? DT_OK : DT_EIO;
	fclose(f);
	if (rc != DT_OK)
		goto out;
	if (!(f = fopen(crt, "w"))) {
		rc = dt_errf(e, DT_EIO, "sip: tls: %s: %s", crt, strerror(errno));
		goto out;
	}
	rc = PEM_write_X509(f, x) ? DT_OK : DT_EIO;
	fclose(f);
	if (rc == DT_OK)
		dt_log(DT_INFO, "sip", NULL, "created self-signed TLS certificate %s (CN=%s)", crt,
		       cn);
out:
	if (rc != DT_OK && e && !e->code)
		tls_err(e, "create", crt);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

SSL_CTX *
sip_tls_ctx(const char *data_dir, const char *cn, struct dt_errbuf *e)
{
	char crt[600], key[600];
	struct stat st;
	SSL_CTX *ctx;
	snprintf(crt, sizeof crt, "%s/sip-tls.crt", data_dir);
	snprintf(key, sizeof key, "%s/sip-tls.key", data_dir);
	if ((stat(crt, &st) != 0 || stat(key, &st) != 0) &&
	    make_self_signed(crt, key, cn, e) != DT_OK)
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		tls_err(e, "context", crt);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, crt) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_err(e, "load", crt);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

SSL_CTX *
sip_tls_client_ctx(const char *data_dir, struct dt_errbuf *e)
{
	char crt[600], key[600];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	snprintf(crt, sizeof crt, "%s/sip-tls.crt", data_dir);
	snprintf(key, sizeof key, "%s/sip-tls.key", data_dir);
	if (!ctx) {
		tls_err(e, "client context", crt);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Why no verification: a phone's certificate (MIC/LSC) is signed by Cisco's or the CAPF's
	 * CA, which dialtone does not hold; the phone proved itself by registering (digest when
	 * configured), and the NOTIFY goes only to the Contact of that registration. We present our
	 * own certificate, as CUCM does, for phones that check the server. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, crt) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		tls_err(e, "load", crt);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}
