/* summary: the floor of bench_sip.sh: the least CPU any SIP server on this machine can spend per
 * REGISTER — receive it, copy the headers a response must echo, send a canned 200 (or a canned 401
 * with a fixed nonce when started with -a and the request has no Authorization) — with no
 * parsing beyond finding line starts, no registrar, no digest check, no state.
 *
 * Why it exists: loopback delivery, system calls and wake-ups are paid per message by every
 * server; the floor measures that share under the same sipp scenario and rate, so the benchmark
 * shows how much of each server's CPU is its own work (server − floor) and whether a ratio
 * target is reachable at all. It is a measuring stick, not a server: it trusts its input.
 *
 * UDP: blocking recvmmsg with MSG_WAITFORONE (one system call sleeps and reads a batch) and one
 * sendmmsg per batch — fewer system calls than an event loop needs. TCP: one connection at a
 * time (sipp -t t1), blocking reads, one write per read's worth of responses.
 *
 * Usage: sip_floor [-a] ADDR PORT   (serves UDP and TCP on ADDR:PORT until killed)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH	 32
#define MSG_MAX	 65536
#define RESP_MAX 4096

static int auth_mode;

/* Append the header line starting with NAME (case-insensitive, at a line start) to OUT. */
static size_t
echo_line(const char *msg, size_t len, const char *name, char *out, size_t o, const char *add)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl < len; i++) {
		if ((i == 0 || msg[i - 1] == '\n') && strncasecmp(msg + i, name, nl) == 0) {
			size_t e = i;
			while (e < len && msg[e] != '\r' && msg[e] != '\n')
				e++;
			if (o + (e - i) + strlen(add) + 2 >= RESP_MAX)
				return o;
			memcpy(out + o, msg + i, e - i);
			o += e - i;
			o += (size_t)sprintf(out + o, "%s\r\n", add);
			return o;
		}
		if (msg[i] == '\n' && i + 2 < len && msg[i + 1] == '\r' && msg[i + 2] == '\n')
			break; /* end of headers */
	}
	return o;
}

/* Build the response to the request in MSG into OUT; returns its length. */
static size_t
respond(const char *msg, size_t len, char *out)
{
	int challenge = auth_mode && !memmem(msg, len, "\nAuthorization:", 15);
	size_t o =
	    (size_t)sprintf(out, challenge ? "SIP/2.0 401 Unauthorized\r\n" : "SIP/2.0 200 OK\r\n");
	o = echo_line(msg, len, "Via:", out, o, "");
	o = echo_line(msg, len, "From:", out, o, "");
	o = echo_line(msg, len, "To:", out, o, ";tag=floor");
	o = echo_line(msg, len, "Call-ID:", out, o, "");
	o = echo_line(msg, len, "CSeq:", out, o, "");
	if (challenge)
		o += (size_t)sprintf(out + o, "WWW-Authenticate: Digest realm=\"dialtone\", "
					      "nonce=\"0123456789abcdef0123456789abcdef\", "
					      "algorithm=MD5, qop=\"auth\"\r\n");
	else
		o = echo_line(msg, len, "Contact:", out, o, ";expires=3600");
	o += (size_t)sprintf(out + o, "Content-Length: 0\r\n\r\n");
	return o;
}

static void *
serve_udp(void *arg)
{
	int fd = *(int *)arg;
	static char in[BATCH][MSG_MAX], out[BATCH][RESP_MAX];
	struct mmsghdr hi[BATCH], ho[BATCH];
	struct iovec ii[BATCH], io[BATCH];
	struct sockaddr_storage from[BATCH];
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			ii[i] = (struct iovec){in[i], MSG_MAX};
			memset(&hi[i], 0, sizeof hi[i]);
			hi[i].msg_hdr.msg_iov = &ii[i];
			hi[i].msg_hdr.msg_iovlen = 1;
			hi[i].msg_hdr.msg_name = &from[i];
			hi[i].msg_hdr.msg_namelen = sizeof from[i];
		}
		int n = recvmmsg(fd, hi, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			io[i] = (struct iovec){out[i], respond(in[i], hi[i].msg_len, out[i])};
			memset(&ho[i], 0, sizeof ho[i]);
			ho[i].msg_hdr.msg_iov = &io[i];
			ho[i].msg_hdr.msg_iovlen = 1;
			ho[i].msg_hdr.msg_name = &from[i];
			ho[i].msg_hdr.msg_namelen = hi[i].msg_hdr.msg_namelen;
		}
		sendmmsg(fd, ho, (unsigned)n, 0);
	}
	return NULL;
}

/* Serve one TCP connection: frame by the blank line (the bench's requests have no body). */
static void
serve_conn(int c)
{
	static char buf[MSG_MAX], out[64 * RESP_MAX];
	size_t have = 0;
	for (;;) {
		ssize_t r = read(c, buf + have, sizeof buf - have);
		size_t start = 0, o = 0;
		if (r <= 0)
			return;
		have += (size_t)r;
		for (;;) {
			char *end = memmem(buf + start, have - start, "\r\n\r\n", 4);
			if (!end || o + RESP_MAX > sizeof out)
				break;
			size_t mlen = (size_t)(end - (buf + start)) + 4;
			o += respond(buf + start, mlen, out + o);
			start += mlen;
		}
		if (o && write(c, out, o) < 0)
			return;
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == sizeof buf)
			return;
	}
}

int
main(int argc, char **argv)
{
	int a = 1, one = 1, u, t;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	pthread_t th;
	if (argc > 1 && strcmp(argv[1], "-a") == 0) {
		auth_mode = 1;
		a++;
	}
	if (argc - a != 2 || inet_pton(AF_INET, argv[a], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: sip_floor [-a] ADDR PORT\n");
		return 2;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[a + 1]));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	t = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(u, (struct sockaddr *)&sa, sizeof sa) ||
	    bind(t, (struct sockaddr *)&sa, sizeof sa) || listen(t, 16)) {
		perror("sip_floor: bind");
		return 1;
	}
	/* UDP on its own thread so each transport blocks in exactly one system call */
	if (pthread_create(&th, NULL, serve_udp, &u))
		return 1;
	for (;;) {
		int c = accept(t, NULL, NULL);
		if (c >= 0) {
			serve_conn(c);
			close(c);
		}
	}
}
