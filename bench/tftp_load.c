/* summary: TFTP load client for bench/bench_tftp.sh: C concurrent read transfers of one file until
 * N are done (or a time bound), printing transfers/s, p50/p99 latency, retries and its own CPU.
 *
 * One UDP socket per transfer (a fresh client TID each time, as real phones do), one epoll loop,
 * no data kept (only the byte count is checked against -e). RRQ with optional blksize/windowsize
 * options; ACK every granted window (RFC 7440; every block when the server did not grant one)
 * or at the last block; a 1 s silence resends the last ACK
 * (at most 5 times). Built by the bench script with -O2; its CPU time is printed so the bench can
 * show the client is not the bottleneck.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct slot {
	int fd;
	struct sockaddr_in srv; /* the server's TID once known */
	int have_srv;
	uint64_t expect; /* next block wanted (64-bit, wire = low 16 bits) */
	uint64_t bytes;
	uint64_t t0, last_rx;
	int retries, blksize, win; /* win: granted windowsize (1 unless the OACK names it) */
	uint8_t last[600];	   /* last packet sent, for a resend */
	size_t last_len;
};

static struct sockaddr_in server;
static const char *file;
static int blksize = 512, window = 1, want_tsize;
static long long expect_size = -1;
static uint64_t *lat;
static long n_lat, n_fail, n_retries;

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void
send_last(struct slot *s)
{
	const struct sockaddr_in *to = s->have_srv ? &s->srv : &server;
	sendto(s->fd, s->last, s->last_len, 0, (const struct sockaddr *)to, sizeof *to);
}

static void
send_ack(struct slot *s, uint16_t block)
{
	s->last[0] = 0;
	s->last[1] = 4;
	s->last[2] = (uint8_t)(block >> 8);
	s->last[3] = (uint8_t)block;
	s->last_len = 4;
	send_last(s);
}

static int
start(struct slot *s, int ep)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int n;

	memset(s, 0, sizeof *s);
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return -1;
	ev.data.ptr = s;
	epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
	s->expect = 1;
	s->blksize = 512;
	s->win = 1;
	n = snprintf((char *)s->last, sizeof s->last, "..%s%coctet%c", file, 0, 0);
	if (blksize != 512)
		n += snprintf((char *)s->last + n, sizeof s->last - (size_t)n, "blksize%c%d%c", 0,
			      blksize, 0);
	if (window > 1)
		n += snprintf((char *)s->last + n, sizeof s->last - (size_t)n, "windowsize%c%d%c",
			      0, window, 0);
	if (want_tsize)
		n += snprintf((char *)s->last + n, sizeof s->last - (size_t)n, "tsize%c0%c", 0, 0);
	s->last[0] = 0;
	s->last[1] = 1;
	s->last_len = (size_t)n;
	s->t0 = s->last_rx = now_ns();
	send_last(s);
	return 0;
}

static void
finish(struct slot *s, int ok)
{
	close(s->fd);
	s->fd = -1;
	if (ok && (expect_size < 0 || (long long)s->bytes == expect_size))
		lat[n_lat++] = now_ns() - s->t0;
	else
		n_fail++;
}

/* Returns 1 when the transfer ended. */
static int
on_packet(struct slot *s, const uint8_t *p, ssize_t n, const struct sockaddr_in *from)
{
	uint16_t op, blk;

	if (n < 4)
		return 0;
	if (!s->have_srv) {
		s->srv = *from;
		s->have_srv = 1;
	} else if (from->sin_port != s->srv.sin_port) {
		return 0; /* another TID (RFC 1350): not this transfer's */
	}
	s->last_rx = now_ns();
	op = (uint16_t)(p[0] << 8 | p[1]);
	blk = (uint16_t)(p[2] << 8 | p[3]);
	if (op == 6) { /* OACK: learn the granted blksize */
		const char *q = (const char *)p + 2, *end = (const char *)p + n;
		while (q < end) {
			const char *v = q + strnlen(q, (size_t)(end - q)) + 1;
			if (v >= end)
				break;
			if (strcasecmp(q, "blksize") == 0)
				s->blksize = atoi(v);
			if (strcasecmp(q, "windowsize") == 0)
				s->win = atoi(v);
			q = v + strnlen(v, (size_t)(end - v)) + 1;
		}
		send_ack(s, 0);
		return 0;
	}
	if (op == 5) {
		finish(s, 0);
		return 1;
	}
	if (op != 3 || blk != (uint16_t)s->expect)
		return 0;
	s->bytes += (uint64_t)(n - 4);
	s->expect++;
	if (n - 4 < s->blksize) {
		send_ack(s, blk);
		finish(s, 1);
		return 1;
	}
	/* A server without RFC 7440 ignores windowsize: then every block is acknowledged. */
	if (s->win <= 1 || (s->expect - 1) % (uint64_t)s->win == 0)
		send_ack(s, blk);
	return 0;
}

int
main(int argc, char **argv)
{
	long total = 1000, conc = 16, started = 0, max_s = 60;
	struct epoll_event evs[256];
	struct slot *slots;
	struct rusage ru;
	uint64_t t_start, t_end, last_scan = 0;
	int ep, ch, active = 0;

	server.sin_family = AF_INET;
	server.sin_port = htons(69);
	while ((ch = getopt(argc, argv, "s:p:f:n:c:b:w:e:T:t")) != -1) {
		switch (ch) {
		case 's':
			inet_pton(AF_INET, optarg, &server.sin_addr);
			break;
		case 'p':
			server.sin_port = htons((uint16_t)atoi(optarg));
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			total = atol(optarg);
			break;
		case 'c':
			conc = atol(optarg);
			break;
		case 'b':
			blksize = atoi(optarg);
			break;
		case 'w':
			window = atoi(optarg);
			break;
		case 'e':
			expect_size = atoll(optarg);
			break;
		case 'T':
			max_s = atol(optarg);
			break;
		case 't':
			want_tsize = 1;
			break;
		default:
			fprintf(stderr, "usage: tftp_load -s ADDR [-p PORT] -f FILE [-n N] [-c C] "
					"[-b BLKSIZE] [-w WINDOW] [-e SIZE] [-T SECONDS] [-t]\n");
			return 2;
		}
	}
	if (!file || conc < 1 || total < 1)
		return 2;
	if (conc > total)
		conc = total;
	lat = calloc((size_t)total, sizeof *lat);
	slots = calloc((size_t)conc, sizeof *slots);
	ep = epoll_create1(0);
	t_start = now_ns();
	for (long i = 0; i < conc; i++, started++, active++)
		if (start(&slots[i], ep) < 0)
			return 1;
	while (active > 0 && now_ns() - t_start < (uint64_t)max_s * 1000000000u) {
		int n = epoll_wait(ep, evs, 256, 20);
		for (int i = 0; i < n; i++) {
			struct slot *s = evs[i].data.ptr;
			uint8_t buf[66000];
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t r;
			while (s->fd >= 0 && (r = recvfrom(s->fd, buf, sizeof buf, 0,
							   (struct sockaddr *)&from, &fl)) >= 0) {
				if (on_packet(s, buf, r, &from)) {
					active--;
					if (started < total && start(s, ep) == 0) {
						started++;
						active++;
					}
					break;
				}
				fl = sizeof from;
			}
		}
		if (now_ns() - last_scan > 100000000u) { /* every 100 ms: silent transfers */
			last_scan = now_ns();
			for (long i = 0; i < conc; i++) {
				struct slot *s = &slots[i];
				if (s->fd < 0 || last_scan - s->last_rx < 1000000000u)
					continue;
				if (++s->retries > 5) {
					finish(s, 0);
					active--;
					if (started < total && start(s, ep) == 0) {
						started++;
						active++;
					}
					continue;
				}
				n_retries++;
				s->last_rx = last_scan;
				send_last(s);
			}
		}
	}
	t_end = now_ns();
	getrusage(RUSAGE_SELF, &ru);
	qsort(lat, (size_t)n_lat, sizeof *lat, cmp_u64);
	double wall = (double)(t_end - t_start) / 1e9;
	printf("ok=%ld failed=%ld unfinished=%d retries=%ld wall_s=%.3f tps=%.0f p50_ms=%.3f "
	       "p99_ms=%.3f client_cpu_s=%.3f\n",
	       n_lat, n_fail, active, n_retries, wall, (double)n_lat / wall,
	       n_lat ? (double)lat[n_lat / 2] / 1e6 : 0.0,
	       n_lat ? (double)lat[(n_lat * 99) / 100] / 1e6 : 0.0,
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return n_fail || active ? 1 : 0;
}
