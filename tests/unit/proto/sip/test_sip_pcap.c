/* summary: real SIP captures as vectors: every SIP message in the pcaps listed in
 * tests/vectors/sip/VECTORS (rows "pcap UDP=n TCP=m") is framed and parsed by sip_msg_parse;
 * the expected counts are tshark's ("sip && !_ws.malformed", per transport), an independent
 * dissector, so a parser regression on real traffic (X-Lite, Zoiper, FreeSWITCH, ims) fails here.
 * UDP: one datagram = one message. TCP: each segment's payload is framed as a stream (the captures
 * carry whole messages per segment). */
#include "dt_test.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"

struct counts {
	int udp, tcp;
};

/* Offset of the IP header for the capture's link type; -1 when unknown. */
static int
link_offset(int dlt, const u_char *p, size_t len)
{
	switch (dlt) {
	case DLT_EN10MB: {
		int off = 14;
		/* 802.1Q tags */
		while (len >= (size_t)off && ((p[off - 2] << 8) | p[off - 1]) == 0x8100)
			off += 4;
		return off;
	}
	case DLT_LINUX_SLL:
		return 16;
	case DLT_RAW:
		return 0;
	case DLT_NULL:
		return 4;
	}
	return -1;
}

static void
count_packet(struct counts *c, int dlt, const u_char *p, size_t len)
{
	int off = link_offset(dlt, p, len), proto, ihl;
	size_t payload, plen;
	uint16_t sport, dport;
	struct sip_msg m;
	if (off < 0 || len < (size_t)off + 20)
		return;
	p += off;
	len -= (size_t)off;
	if ((p[0] >> 4) == 4) {
		ihl = (p[0] & 15) * 4;
		proto = p[9];
		plen = ((size_t)p[2] << 8 | p[3]);
		if (plen < len)
			len = plen;
	} else if ((p[0] >> 4) == 6 && len >= 40) {
		ihl = 40;
		proto = p[6];
	} else {
		return;
	}
	if (len < (size_t)ihl + 8)
		return;
	sport = (uint16_t)(p[ihl] << 8 | p[ihl + 1]);
	dport = (uint16_t)(p[ihl + 2] << 8 | p[ihl + 3]);
	if (sport != 5060 && dport != 5060)
		return;
	if (proto == 17) {
		payload = (size_t)ihl + 8;
		if (len > payload &&
		    sip_msg_parse((const char *)p + payload, len - payload, 0, 65535, &m) == DT_OK)
			c->udp++;
	} else if (proto == 6 && len >= (size_t)ihl + 20) {
		payload = (size_t)ihl + (size_t)((p[ihl + 12] >> 4) * 4);
		while (len > payload) {
			if (sip_msg_parse((const char *)p + payload, len - payload,
					  SIP_PARSE_STREAM, 65535, &m) != DT_OK)
				break;
			c->tcp++;
			payload += m.len;
		}
	}
}

static void
test_pcaps(void **state)
{
	FILE *f = fopen("tests/vectors/sip/VECTORS", "r");
	char line[1024], errbuf[PCAP_ERRBUF_SIZE];
	int rows = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *name, *path, *want;
		struct counts c = {0, 0}, w = {-1, -1};
		struct pcap_pkthdr *h;
		const u_char *data;
		pcap_t *pc;
		if (strncmp(line, "pcap-", 5) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		name = strtok(line, ",");
		path = strtok(NULL, ",");
		want = strtok(NULL, "");
		assert_non_null(want);
		assert_int_equal(sscanf(want, "pcap UDP=%d TCP=%d", &w.udp, &w.tcp), 2);
		pc = pcap_open_offline(path, errbuf);
		if (!pc)
			fail_msg("%s: %s", name, errbuf);
		while (pcap_next_ex(pc, &h, &data) == 1)
			count_packet(&c, pcap_datalink(pc), data, h->caplen);
		pcap_close(pc);
		if (c.udp != w.udp || c.tcp != w.tcp)
			fail_msg("%s: parsed UDP=%d TCP=%d, tshark says UDP=%d TCP=%d", name, c.udp,
				 c.tcp, w.udp, w.tcp);
		rows++;
	}
	fclose(f);
	assert_true(rows >= 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pcaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
