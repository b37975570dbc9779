/* summary: golden vectors for src/proto/dhcp: every entry of tests/vectors/dhcp/VECTORS is decoded
 * (real captures read with libpcap from ../shared/real-world, crafted .bin payloads) and the text
 * form compared with the expected file.
 *
 * VECTORS lines: `name,input,expected` with paths relative to the repository root. A .pcap input
 * is read packet by packet (Ethernet/IPv4/UDP 67-68); a .bin input is one UDP payload. Each packet
 * gives "# packet N" then dhcp_format() text or "error: NAME: why (option C)". The expected files
 * were produced by this decoder and checked against `tshark -V` by hand (see
 * docs/protocols/dhcp.md); set DHCP_VECTORS_WRITE=1 to rewrite them after a deliberate format
 * change.
 */
#include "dt_test.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/dhcp/dhcp.h"

#define TEXT_CAP (256 * 1024)

struct text {
	char *buf;
	size_t len;
};

static void
append_decode(struct text *t, int n, const uint8_t *p, size_t len)
{
	static struct dhcp_msg m;
	const char *why = NULL;
	int rc = dhcp_decode(p, len, &m, &why);

	t->len += (size_t)snprintf(t->buf + t->len, TEXT_CAP - t->len, "# packet %d\n", n);
	if (rc != DT_OK)
		t->len += (size_t)snprintf(t->buf + t->len, TEXT_CAP - t->len,
					   "error: %s: %s (option %u)\n", dt_err_name(rc), why,
					   m.bad_opt);
	else
		t->len += dhcp_format(&m, t->buf + t->len, TEXT_CAP - t->len);
	assert_true(t->len < TEXT_CAP);
}

static void
decode_pcap(const char *path, struct text *t)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	int n = 0;

	if (!pc)
		fail_msg("%s: %s", path, errbuf);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		const uint8_t *payload = NULL;
		size_t plen = 0;
		int rc;
		n++;
		rc = dhcp_frame_find(data, h->caplen, &payload, &plen, NULL, NULL);
		if (rc == DT_ENOENT)
			continue;
		if (rc == DT_ETRUNC) {
			t->len += (size_t)snprintf(t->buf + t->len, TEXT_CAP - t->len,
						   "# frame %d cut short by the capture\n", n);
			if (!payload)
				continue;
		}
		append_decode(t, n, payload, plen);
	}
	pcap_close(pc);
}

static void
decode_bin(const char *path, struct text *t)
{
	static uint8_t buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		fail_msg("%s: cannot open", path);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	append_decode(t, 1, buf, n);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	s[n] = 0;
	fclose(f);
	return s;
}

static void
test_vectors(void **state)
{
	FILE *list = fopen("tests/vectors/dhcp/VECTORS", "r");
	char line[1024];
	int count = 0;
	struct text t = {malloc(TEXT_CAP), 0};

	assert_non_null(list);
	while (fgets(line, sizeof line, list)) {
		char *name = strtok(line, ",\n"), *input = strtok(NULL, ",\n"),
		     *expected = strtok(NULL, ",\n");
		char *want;

		if (!name || name[0] == '#' || !input || !expected)
			continue;
		t.len = 0;
		t.buf[0] = 0;
		if (strstr(input, ".pcap"))
			decode_pcap(input, &t);
		else
			decode_bin(input, &t);
		if (getenv("DHCP_VECTORS_WRITE")) {
			FILE *o = fopen(expected, "w");
			assert_non_null(o);
			fwrite(t.buf, 1, t.len, o);
			fclose(o);
		}
		want = slurp(expected);
		if (!want)
			fail_msg("%s: expected file %s missing", name, expected);
		if (strcmp(want, t.buf) != 0) {
			fprintf(stderr, "vector %s differs; got:\n%s\n", name, t.buf);
			fail_msg("vector %s", name);
		}
		free(want);
		count++;
	}
	fclose(list);
	free(t.buf);
	/* all listed vectors ran (a broken VECTORS file must not pass silently) */
	assert_true(count >= 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
