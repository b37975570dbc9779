/* summary: golden vectors for the TFTP codec: every datagram of tests/vectors/tftp/VECTORS inputs
 * (.bin = one datagram, .pcap = every UDP payload, real captures read from ../shared/real-world/)
 * decoded and printed one line each, compared with the expected .txt.
 *
 * DT_VECTORS_UPDATE=1 writes the current output as the expected files, for review.
 * Each decoded packet is also re-encoded and must give back the same bytes (except ACK padding
 * and requests whose options the encoder normalises), so encoder and decoder are checked together.
 */
#include "dt_test.h"
#include "core/cur.h"
#include "core/err.h"
#include "proto/tftp/tftp.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_DIR "tests/vectors/tftp/"

struct out {
	char *buf;
	size_t len, cap;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (o->cap - o->len < 1024) {
		o->cap = o->cap * 2 + 4096;
		o->buf = realloc(o->buf, o->cap);
		assert_non_null(o->buf);
	}
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < o->cap - o->len);
	o->len += (size_t)n;
}

static void
emit_opts(struct out *o, const struct tftp_opts *t)
{
	if (t->present & TFTP_OPT_BLKSIZE)
		emit(o, " blksize=%u", t->blksize);
	if (t->present & TFTP_OPT_TSIZE)
		emit(o, " tsize=%llu", (unsigned long long)t->tsize);
	if (t->present & TFTP_OPT_TIMEOUT)
		emit(o, " timeout=%u", t->timeout);
	if (t->present & TFTP_OPT_WINDOWSIZE)
		emit(o, " windowsize=%u", t->windowsize);
	if (t->invalid)
		emit(o, " invalid=0x%x", t->invalid);
	if (t->unknown)
		emit(o, " unknown=%u", t->unknown);
}

static uint32_t
fnv1a(const uint8_t *p, size_t n)
{
	struct dt_cur c = cur_init(p, n);
	uint32_t h = 2166136261u;
	while (cur_left(&c))
		h = (h ^ cur_u8(&c)) * 16777619u;
	return h;
}

static void
describe(struct out *o, const uint8_t *buf, size_t len)
{
	static const char *const modes[] = {"octet", "netascii", "mail"};
	struct tftp_pkt p;
	const char *why = NULL;
	int rc = tftp_pkt_decode(buf, len, &p, &why);
	uint8_t re[70000];
	size_t n;

	if (rc != DT_OK) {
		emit(o, "%s %s\n", dt_err_name(rc), why);
		return;
	}
	emit(o, "%s", tftp_op_name(p.op));
	switch (p.op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		emit(o, " file=%.*s mode=%s", (int)p.u.req.file.len, p.u.req.file.p,
		     modes[p.u.req.mode]);
		emit_opts(o, &p.u.req.opt);
		break;
	case TFTP_DATA:
		emit(o, " block=%u len=%zu fnv=%08x", p.u.data.block, p.u.data.len,
		     fnv1a(p.u.data.data, p.u.data.len));
		break;
	case TFTP_ACK:
		emit(o, " block=%u", p.u.ack.block);
		break;
	case TFTP_ERROR:
		emit(o, " code=%u msg=\"%.*s\"", p.u.error.code, (int)p.u.error.msg.len,
		     p.u.error.msg.p);
		break;
	case TFTP_OACK:
		emit_opts(o, &p.u.oack);
		break;
	}
	emit(o, "\n");
	assert_int_equal(tftp_pkt_encode(&p, re, sizeof re, &n), DT_OK);
	if (p.op == TFTP_DATA || p.op == TFTP_ERROR || p.op == TFTP_OACK ||
	    ((p.op == TFTP_RRQ || p.op == TFTP_WRQ) && !p.u.req.opt.invalid &&
	     !p.u.req.opt.unknown && p.u.req.mode == TFTP_MODE_OCTET))
		assert_true(n == len && memcmp(re, buf, n) == 0);
	else if (p.op == TFTP_ACK)
		assert_true(n == 4 && memcmp(re, buf, 4) == 0);
}

/* The UDP payload of one captured frame, or NULL; IPv4/IPv6 over the link types in the corpus. */
static const uint8_t *
udp_payload(int dlt, const uint8_t *pkt, size_t caplen, size_t *plen)
{
	struct dt_cur c = cur_init(pkt, caplen);
	unsigned ver, proto, ihl, ulen;

	switch (dlt) {
	case DLT_EN10MB:
		cur_skip(&c, 12);
		if (cur_be16(&c) == 0x8100)
			cur_skip(&c, 4);
		break;
	case DLT_NULL:
		cur_skip(&c, 4);
		break;
	case DLT_LINUX_SLL:
		cur_skip(&c, 16);
		break;
	case DLT_RAW:
		break;
	default:
		return NULL;
	}
	ver = cur_peek(&c) >> 4;
	if (ver == 4) {
		ihl = (cur_u8(&c) & 15u) * 4;
		cur_skip(&c, 8);
		proto = cur_u8(&c);
		cur_skip(&c, ihl - 10);
	} else if (ver == 6) {
		cur_skip(&c, 6);
		proto = cur_u8(&c);
		cur_skip(&c, 33);
	} else {
		return NULL;
	}
	if (c.err || proto != 17)
		return NULL;
	/* The UDP length, not the capture length: Ethernet pads short frames to 60 bytes. */
	cur_skip(&c, 4);
	ulen = cur_be16(&c);
	cur_skip(&c, 2);
	if (c.err || ulen < 8)
		return NULL;
	/* A capture cut short keeps what was captured: the codec must then report truncation. */
	*plen = ulen - 8u < cur_left(&c) ? ulen - 8u : cur_left(&c);
	return cur_ptr(&c, *plen);
}

static void
describe_pcap(struct out *o, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *pkt;

	if (!pc)
		fail_msg("%s: %s", path, errbuf);
	while (pcap_next_ex(pc, &h, &pkt) == 1) {
		size_t n;
		const uint8_t *pl = udp_payload(pcap_datalink(pc), pkt, h->caplen, &n);
		if (pl)
			describe(o, pl, n);
		else
			emit(o, "not-udp\n");
	}
	pcap_close(pc);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void
test_vectors(void **state)
{
	FILE *list = fopen(VEC_DIR "VECTORS", "r");
	char line[1024], in[512], exp[512];
	int count = 0, bad = 0;

	assert_non_null(list);
	while (fgets(line, sizeof line, list)) {
		char name[128];
		struct out o = {0};
		size_t elen;
		char *want;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%127[^,],%511[^,],%511[^\n]", name, in, exp), 3);
		if (strstr(in, ".pcap")) {
			describe_pcap(&o, in);
		} else {
			size_t ilen;
			char *b = slurp(in, &ilen);
			describe(&o, (const uint8_t *)b, ilen);
			free(b);
		}
		/* DT_VECTORS_UPDATE=1 rewrites the expected files (review the diff before keeping).
		 */
		if (getenv("DT_VECTORS_UPDATE")) {
			FILE *f = fopen(exp, "wb");
			assert_non_null(f);
			assert_int_equal(fwrite(o.buf, 1, o.len, f), o.len);
			fclose(f);
		}
		want = slurp(exp, &elen);
		if (o.len != elen || memcmp(o.buf, want, elen) != 0) {
			print_error("vector %s differs\n--- got\n%.*s--- want\n%s", name,
				    (int)o.len, o.buf, want);
			bad++;
		}
		free(want);
		free(o.buf);
		count++;
	}
	fclose(list);
	assert_true(count >= 10);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
