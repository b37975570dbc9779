/* summary: messages parsed per CPU second: dialtone's SIP codec vs libosip2 (Debian libosip2-dev),
 * same messages, same process, interleaved rounds, median of 5. Built and run by bench_sip.sh.
 *
 * Work compared: libosip2's osip_message_parse (eager: every header parsed into structures,
 * malloc per element) + osip_message_free, against sip_msg_parse + sip_msg_check (what the
 * registrar runs on every request: framing, start line, Via/From/To/Call-ID/CSeq/Max-Forwards/
 * Expires/Contact values validated) + the Contact URI and params the registrar reads.
 * CPU time from CLOCK_PROCESS_CPUTIME_ID, never wall time.
 */
#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/sip/sip.h"

static double
cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = 0;
	fclose(f);
	return b;
}

static int
ours(const char *buf, size_t len)
{
	struct sip_msg m;
	struct sip_addr a;
	struct sip_uri u;
	struct dt_slice v;
	const struct sip_hdr *h;
	if (sip_msg_parse(buf, len, 0, 65535, &m) != 0 || sip_msg_check(&m) != 0)
		return -1;
	if ((h = sip_msg_hdr(&m, SIP_H_CONTACT, 0)) && sip_addr_parse(h->value, &a) == 0) {
		sip_uri_parse(a.uri, &u);
		sip_param_get(a.params, "expires", &v);
	}
	return 0;
}

static int
theirs(const char *buf, size_t len)
{
	osip_message_t *m;
	int rc;
	osip_message_init(&m);
	rc = osip_message_parse(m, buf, len);
	osip_message_free(m);
	return rc;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	char *msg[16];
	size_t len[16];
	int n = 0, iters = 20000;
	double r_ours[5], r_theirs[5];
	if (parser_init() != 0)
		return 1;
	for (int i = 1; i < argc && n < 16; i++) {
		if (strncmp(argv[i], "-n", 2) == 0) {
			iters = atoi(argv[i] + 2);
			continue;
		}
		if (!(msg[n] = slurp(argv[i], &len[n]))) {
			fprintf(stderr, "bench: cannot read %s\n", argv[i]);
			return 1;
		}
		/* both parsers must accept every message, or the comparison is meaningless */
		if (ours(msg[n], len[n]) != 0 || theirs(msg[n], len[n]) != 0) {
			fprintf(stderr, "bench: %s not accepted by both parsers\n", argv[i]);
			return 1;
		}
		n++;
	}
	for (int round = 0; round < 5; round++) {
		double t0 = cpu_now();
		for (int k = 0; k < iters; k++)
			for (int i = 0; i < n; i++)
				ours(msg[i], len[i]);
		double t1 = cpu_now();
		for (int k = 0; k < iters; k++)
			for (int i = 0; i < n; i++)
				theirs(msg[i], len[i]);
		double t2 = cpu_now();
		r_ours[round] = (double)iters * n / (t1 - t0);
		r_theirs[round] = (double)iters * n / (t2 - t1);
	}
	qsort(r_ours, 5, sizeof r_ours[0], cmp);
	qsort(r_theirs, 5, sizeof r_theirs[0], cmp);
	printf("parser     messages/CPU-s (median of 5, %d messages x %d)\n", n, iters);
	printf("dialtone   %.0f\n", r_ours[2]);
	printf("libosip2   %.0f\n", r_theirs[2]);
	printf("ratio      %.2fx\n", r_ours[2] / r_theirs[2]);
	return 0;
}
