/* summary: tests for the TFTP service's transfer logic (src/svc/svc_tftp_xfer.c) driven in-process
 * over loopback: block rollover past 65535, windowsize with a partial ACK (restart after the acked
 * block), duplicate ACKs ignored, and netascii blocks replayed byte-exactly after a partial ACK.
 */
#include "dt_test.h"
#include "core/conf.h"
#include "core/log.h"
#include "svc/svc.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

extern const struct dt_service dt_svc_tftp;

/* Options as a string literal: sizeof counts the final NUL the last value needs. */
#define OPTS(lit) (lit), sizeof(lit)

#define ADDR "127.0.4.99"
#define PORT 16969

struct fx {
	char dir[64];
	struct dt_conf conf;
	struct dt_ctx ctx;
	void *state;
	int cli;
	struct sockaddr_in srv, data; /* port 69 equivalent, and the transfer's TID */
};

static void
write_file(const char *dir, const char *name, const void *buf, size_t n)
{
	char path[160];
	FILE *f;
	snprintf(path, sizeof path, "%s/tftpboot/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct dt_errbuf e = {0, ""};
	char path[128];

	dt_log_set_level(DT_ERROR);
	snprintf(f->dir, sizeof f->dir, "/tmp/dt-svc-tftp-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof path, "%s/tftpboot", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	dt_conf_defaults(&f->conf);
	snprintf(f->conf.data_dir, sizeof f->conf.data_dir, "%s", f->dir);
	f->conf.tftp.port = PORT;
	f->ctx.base = event_base_new();
	f->ctx.conf = &f->conf;
	f->ctx.listen_addr = ADDR;
	assert_int_equal(dt_svc_tftp.start(&f->ctx, &f->state, &e), DT_OK);
	f->cli = socket(AF_INET, SOCK_DGRAM, 0);
	f->srv.sin_family = AF_INET;
	f->srv.sin_port = htons(PORT);
	inet_pton(AF_INET, ADDR, &f->srv.sin_addr);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[96];
	dt_svc_tftp.stop(f->state);
	event_base_free(f->ctx.base);
	close(f->cli);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Run the loop until the client has a datagram (or give up), then read it; 0 when none. */
static size_t
recv_pkt(struct fx *f, uint8_t *buf, size_t cap)
{
	struct pollfd p = {.fd = f->cli, .events = POLLIN};
	for (int i = 0; i < 200; i++) {
		event_base_loop(f->ctx.base, EVLOOP_NONBLOCK);
		if (poll(&p, 1, i < 100 ? 0 : 1) == 1) {
			socklen_t l = sizeof f->data;
			ssize_t n = recvfrom(f->cli, buf, cap, 0, (struct sockaddr *)&f->data, &l);
			assert_true(n >= 0);
			return (size_t)n;
		}
	}
	return 0;
}

static void
send_ack(struct fx *f, uint16_t block)
{
	uint8_t a[4] = {0, 4, (uint8_t)(block >> 8), (uint8_t)block};
	assert_int_equal(sendto(f->cli, a, 4, 0, (struct sockaddr *)&f->data, sizeof f->data), 4);
}

static void
send_rrq(struct fx *f, const char *name, const char *mode, const char *opts, size_t optlen)
{
	uint8_t pkt[256];
	size_t n = 2;
	pkt[0] = 0;
	pkt[1] = 1;
	memcpy(pkt + n, name, strlen(name) + 1);
	n += strlen(name) + 1;
	memcpy(pkt + n, mode, strlen(mode) + 1);
	n += strlen(mode) + 1;
	memcpy(pkt + n, opts, optlen);
	n += optlen;
	assert_int_equal(sendto(f->cli, pkt, n, 0, (struct sockaddr *)&f->srv, sizeof f->srv),
			 (ssize_t)n);
}

static uint16_t
block_of(const uint8_t *p)
{
	return (uint16_t)(p[2] << 8 | p[3]);
}

static void
test_rollover_past_65535(void **state)
{
	struct fx *f = *state;
	/* 65540 blocks of 8 bytes: the wire numbers run 1..65535, 0, 1, 2, 3, 4 and then an
	 * empty final block numbered 5 (65541 mod 65536). */
	size_t size = (size_t)8 * 65540;
	uint8_t *file = malloc(size), pkt[64];
	uint64_t k;
	size_t n;

	for (size_t i = 0; i < size; i++)
		file[i] = (uint8_t)(i * 7 + i / 8);
	write_file(f->dir, "big.bin", file, size);
	send_rrq(f, "big.bin", "octet",
		 OPTS("blksize\0"
		      "8"));
	n = recv_pkt(f, pkt, sizeof pkt);
	assert_true(n > 2 && pkt[1] == 6);
	send_ack(f, 0);
	for (k = 1;; k++) {
		n = recv_pkt(f, pkt, sizeof pkt);
		assert_int_equal(pkt[1], 3);
		assert_int_equal(block_of(pkt), (uint16_t)k);
		if (k <= 65540) {
			assert_int_equal(n, 12);
			assert_memory_equal(pkt + 4, file + (k - 1) * 8, 8);
		} else {
			assert_int_equal(n, 4);
		}
		send_ack(f, (uint16_t)k);
		if (n < 12)
			break;
	}
	assert_int_equal(k, 65541);
	/* Done: a further ACK is from an unknown TID now. */
	send_ack(f, 5);
	n = recv_pkt(f, pkt, sizeof pkt);
	assert_int_equal(n, 4 + strlen("Unknown transfer ID") + 1);
	assert_int_equal(pkt[3], 5);
	free(file);
}

static void
test_window_partial_ack_and_duplicates(void **state)
{
	struct fx *f = *state;
	uint8_t file[100], pkt[64];
	size_t n;

	for (size_t i = 0; i < sizeof file; i++)
		file[i] = (uint8_t)i;
	write_file(f->dir, "w.bin", file, sizeof file);
	send_rrq(f, "w.bin", "octet",
		 OPTS("blksize\0"
		      "8\0windowsize\0"
		      "4"));
	n = recv_pkt(f, pkt, sizeof pkt);
	assert_int_equal(n, 25);
	assert_memory_equal(pkt,
			    "\0\6blksize\0"
			    "8\0windowsize\0"
			    "4\0",
			    n);
	send_ack(f, 0);
	for (uint16_t b = 1; b <= 4; b++) {
		recv_pkt(f, pkt, sizeof pkt);
		assert_int_equal(block_of(pkt), b);
	}
	/* Lost 3 and 4: the client acknowledges 2; sending restarts at 3 for a full window. */
	send_ack(f, 2);
	for (uint16_t b = 3; b <= 6; b++) {
		n = recv_pkt(f, pkt, sizeof pkt);
		assert_int_equal(block_of(pkt), b);
		assert_memory_equal(pkt + 4, file + (b - 1) * 8, 8);
	}
	/* A duplicate ACK draws nothing (no Sorcerer's Apprentice). */
	send_ack(f, 2);
	assert_int_equal(recv_pkt(f, pkt, sizeof pkt), 0);
	send_ack(f, 6);
	for (uint16_t b = 7; b <= 10; b++) {
		recv_pkt(f, pkt, sizeof pkt);
		assert_int_equal(block_of(pkt), b);
	}
	send_ack(f, 10);
	for (uint16_t b = 11; b <= 13; b++) {
		n = recv_pkt(f, pkt, sizeof pkt);
		assert_int_equal(block_of(pkt), b);
	}
	assert_int_equal(n, 4 + 4); /* 100 = 12 * 8 + 4 */
	send_ack(f, 13);
	assert_int_equal(recv_pkt(f, pkt, sizeof pkt), 0);
}

static void
test_netascii_replay_after_partial_ack(void **state)
{
	struct fx *f = *state;
	static const char text[] = "a\nbb\r\nccc\n\n\rdddd\neeeee\r\nf\n";
	uint8_t conv[128], got[128], pkt[64];
	size_t cn = 0, gn = 0, n;

	for (size_t i = 0; i < sizeof text - 1; i++) {
		if (text[i] == '\n') {
			conv[cn++] = '\r';
			conv[cn++] = '\n';
		} else if (text[i] == '\r') {
			conv[cn++] = '\r';
			conv[cn++] = 0;
		} else {
			conv[cn++] = (uint8_t)text[i];
		}
	}
	write_file(f->dir, "t.txt", text, sizeof text - 1);
	send_rrq(f, "t.txt", "netascii",
		 OPTS("blksize\0"
		      "8\0windowsize\0"
		      "3\0tsize\0"
		      "0"));
	n = recv_pkt(f, pkt, sizeof pkt);
	assert_non_null(memmem(pkt, n, "tsize\0", 6));
	send_ack(f, 0);
	for (uint16_t b = 1; b <= 3; b++)
		recv_pkt(f, pkt, sizeof pkt);
	/* Partial ACK of 1: blocks 2.. must be rebuilt from the state after block 1. */
	send_ack(f, 1);
	memcpy(got, conv, 8);
	gn = 8;
	for (uint16_t b = 2;; b++) {
		n = recv_pkt(f, pkt, sizeof pkt);
		assert_int_equal(block_of(pkt), b);
		memcpy(got + gn, pkt + 4, n - 4);
		gn += n - 4;
		if (n < 12) {
			send_ack(f, b);
			break;
		}
		if ((b - 1) % 3 == 0)
			send_ack(f, b);
	}
	assert_int_equal(gn, cn);
	assert_memory_equal(got, conv, cn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rollover_past_65535, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_window_partial_ack_and_duplicates, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_netascii_replay_after_partial_ack, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
