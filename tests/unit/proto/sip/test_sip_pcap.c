/* summary: real SIP captures as vectors: every SIP message in the pcaps listed in
 * tests/vectors/sip/VECTORS (rows "pcap UDP=n TCP=m") is framed and parsed by sip_msg_parse;
 * the expected counts are tshark's ("sip && !_ws.malformed", per transport), an independent
 * dissector, so a parser regression on real traffic (X-Lite, Zoiper, FreeSWITCH, ims) fails here.
 * Every UDP/TCP payload is tried (SIP runs on 5054, 5060, 5061 in these captures).
 * UDP: one datagram = one message. TCP: each direction's segments are joined in capture order and
 * framed by Content-Length, as the registrar's TCP reader does. */
#include "dt_test.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "proto/sip/sip.h"

/* One TCP direction's bytes, in capture order (the captures have no reordering). */
struct flow {
	char key[64];
	char *buf;
	size_t len;
};

struct counts {
	int udp, tcp;
	struct flow flows[32];
	int n_flows;
};

static struct flow *
flow_get(struct counts *c, const u_char *ip, int v6, const u_char *tcp)
{
	char key[64];
	if (v6)
		snprintf(key, sizeof key, "6:%02x%02x:%02x%02x>%02x%02x", ip[23], ip[39], tcp[0],
			 tcp[1], tcp[2], tcp[3]);
	else
		snprintf(key, sizeof key, "%d.%d.%d.%d:%d>%d.%d.%d.%d:%d", ip[12], ip[13], ip[14],
			 ip[15], tcp[0] << 8 | tcp[1], ip[16], ip[17], ip[18], ip[19],
			 tcp[2] << 8 | tcp[3]);
	for (int i = 0; i < c->n_flows; i++)
		if (strcmp(c->flows[i].key, key) == 0)
			return &c->flows[i];
	if (c->n_flows == 32)
		return NULL;
	snprintf(c->flows[c->n_flows].key, sizeof c->flows[0].key, "%s", key);
	return &c->flows[c->n_flows++];
}

/* Append a segment and count the whole messages now in the stream. The bound is [sip]
 * max_message's largest value: one capture carries a 65,793-byte INVITE. */
static void
flow_feed(struct counts *c, struct flow *fl, const u_char *p, size_t n)
{
	struct sip_msg m;
	fl->buf = realloc(fl->buf, fl->len + n);
	memcpy(fl->buf + fl->len, p, n);
	fl->len += n;
	while (fl->len) {
		int rc = sip_msg_parse(fl->buf, fl->len, SIP_PARSE_STREAM, 1 << 20, &m);
		if (rc == DT_EAGAIN)
			return;
		if (rc != DT_OK) {
			fl->len = 0; /* not SIP, or lost framing: drop this direction's bytes */
			return;
		}
		c->tcp++;
		memmove(fl->buf, fl->buf + m.len, fl->len - m.len);
		fl->len -= m.len;
	}
}

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
		/* PPPoE session (6 bytes) + PPP protocol (2): DSL captures */
		if (len >= (size_t)off && ((p[off - 2] << 8) | p[off - 1]) == 0x8864)
			off += 8;
		return off;
	}
	case DLT_LINUX_SLL:
		return 16;
	case DLT_RAW:
	case 101: /* LINKTYPE_RAW as stored in the file */
	case 228: /* DLT_IPV4 */
	case 229: /* DLT_IPV6 */
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
	/* every port: tshark finds SIP on 5054 and 5061 too (and RTP never frames as SIP) */
	if (proto == 17) {
		payload = (size_t)ihl + 8;
		if (len > payload &&
		    sip_msg_parse((const char *)p + payload, len - payload, 0, 65535, &m) == DT_OK)
			c->udp++;
	} else if (proto == 6 && len >= (size_t)ihl + 20) {
		struct flow *fl = flow_get(c, p, (p[0] >> 4) == 6, p + ihl);
		payload = (size_t)ihl + (size_t)((p[ihl + 12] >> 4) * 4);
		if (fl && len > payload)
			flow_feed(c, fl, p + payload, len - payload);
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
		struct counts c, w = {.udp = -1, .tcp = -1};
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
		memset(&c, 0, sizeof c);
		pc = pcap_open_offline(path, errbuf);
		if (!pc)
			fail_msg("%s: %s", name, errbuf);
		while (pcap_next_ex(pc, &h, &data) == 1)
			count_packet(&c, pcap_datalink(pc), data, h->caplen);
		pcap_close(pc);
		for (int i = 0; i < c.n_flows; i++)
			free(c.flows[i].buf);
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
