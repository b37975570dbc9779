/* summary: dialtone.conf — INI file (parsed by inih) into one struct, validated with file:line
 * errors.
 *
 * Sections and keys are documented in docs/configuration.md; every key has a default, so an empty
 * or missing file is a valid configuration. Unknown sections/keys and bad values are errors that
 * name the file and the line. Command-line flags of `serve` override the file after loading.
 */
#ifndef DT_CORE_CONF_H
#define DT_CORE_CONF_H

#include <stdint.h>

#include "core/err.h"

#define DT_CONF_MAX_LISTEN 8

/* Service bits for dt_conf.services and `serve --only`. */
enum dt_svc_bit {
	DT_SVC_TFTP = 1 << 0,
	DT_SVC_HTTP = 1 << 1,
	DT_SVC_DHCP = 1 << 2,
	DT_SVC_SIP = 1 << 3,
	DT_SVC_ADMIN = 1 << 4,
	DT_SVC_ALL = 0x1f,
};

struct dt_conf {
	char path[512];	    /* the file it came from ("" = defaults only) */
	char data_dir[512]; /* [server] data_dir: database, static tree, certificates */
	char node_name[64]; /* [server] node: this cluster node's name */
	char cluster[64];   /* [server] cluster */
	char listen[DT_CONF_MAX_LISTEN][64]; /* [server] listen: addresses, comma-separated */
	int n_listen;
	unsigned services;  /* [server] services: tftp,http,dhcp,sip,admin */
	int log_level;	    /* [server] log_level */
	char log_file[512]; /* [server] log_file ("" = stderr) */

	struct {
		int port;	   /* 69 */
		int data_port_min; /* 0 = ephemeral ports from the kernel */
		int data_port_max;
		int timeout_ms;	    /* first retransmission timeout, 1000 */
		int retries;	    /* retransmissions before giving up, 5 */
		int max_transfers;  /* concurrent transfers, 10000 */
		int max_blksize;    /* largest blksize granted, 65464 */
		int max_windowsize; /* largest windowsize granted, 64 */
	} tftp;
	struct {
		int port;	     /* 6970 */
		int max_connections; /* 4096 */
	} http;
	struct {
		int port;	      /* 67 */
		char interface[32];   /* raw-socket mode: the interface; "" = relay-only UDP mode */
		int persist_batch_ms; /* 10: group commit window; 0 = one transaction per change */
	} dhcp;
	struct {
		int port;	     /* 5060 */
		int tls_port;	     /* 5061 */
		int max_connections; /* 20000 */
		int max_message;     /* bytes, 65535 */
		int tcp_idle_s;	     /* 300 */
		int min_expires;     /* 60 */
		int max_expires;     /* 3600 */
		int granted_expires; /* 120: CUCM cuts the phone's 3600 to 120 */
		char realm[64];	     /* digest realm, default: the cluster name */
		int persist_ms;	     /* batch window for binding writes, 1000 */
		int digest_sha256;   /* 1: also offer algorithm=SHA-256 (RFC 7616); 0 = MD5 only */
	} sip;
	struct {
		int port; /* 8080 */
	} admin;
	struct {
		char allow[512]; /* [files] allow: CIDRs allowed to fetch per-device files; "" = all
				  */
		int unknown_per_min; /* [files] unknown_per_min: SEP misses per source before
					limiting */
		int require_lease;   /* [files] require_lease: per-device files only to the
					address leased to that MAC (0/1) */
		int autoregister;    /* [provisioning] autoregister: 0/1 */
	} files;
};

/* Fill c with defaults. data_dir defaults to $DIALTONE_DATA or /var/lib/dialtone. */
void dt_conf_defaults(struct dt_conf *c);

/* Load path over the defaults in c. A missing file is DT_ENOENT unless optional is set.
 * Errors: "PATH:LINE: [section] key: why". */
int dt_conf_load(struct dt_conf *c, const char *path, int optional, struct dt_errbuf *e);

/* Parse a service list ("tftp,http,sip") into bits; DT_EINVAL names the bad word. */
int dt_conf_parse_services(const char *s, unsigned *bits, struct dt_errbuf *e);

/* Cross-field checks after flags were applied (port ranges, data port range order). */
int dt_conf_validate(const struct dt_conf *c, struct dt_errbuf *e);

#endif
