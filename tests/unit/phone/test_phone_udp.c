/* summary: unit tests for src/phone/phone_sip_udp.c: the RFC 3261 Timer E schedule (T1 = 500 ms
 * doubling to T2 = 4 s, T2 after a provisional response), the retransmission bound, and the real
 * thing on a loopback socket: a REGISTER left unanswered arrives 3 times in 1.7 s at the Timer E
 * offsets, and a 100 Trying slows retransmission to T2.
 */
#include "dt_test.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "phone/phone_priv.h"

static void
test_timer_e_schedule(void **state)
{
	(void)state;
	static const int want[] = {500, 1000, 2000, 4000, 4000, 4000, 4000};
	for (int k = 1; k <= 7; k++)
		assert_int_equal(phone_udp_interval_ms(k, 0), want[k - 1]);
	for (int k = 1; k <= 4; k++)
		assert_int_equal(phone_udp_interval_ms(k, 1), 4000);
}

static void
test_retransmission_bound(void **state)
{
	(void)state;
	assert_int_equal(phone_udp_bound_ms(1000, 6), 12000); /* storm bench settings */
	assert_int_equal(phone_udp_bound_ms(2000, 3), 12000); /* phone boot defaults */
	assert_int_equal(phone_udp_bound_ms(400, 1), 800); /* never less than TCP's 2 × timeout */
	assert_int_equal(phone_udp_bound_ms(10000, 5), 32000); /* Timer F caps it */
}

struct rx {
	int fd;
	int n;
	struct timeval at[16];
	struct sockaddr_in from;
};

static void
on_rx(evutil_socket_t fd, short what, void *arg)
{
	struct rx *r = arg;
	char buf[2048];
	socklen_t sl = sizeof r->from;
	(void)what;
	while (recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&r->from, &sl) > 0)
		if (r->n < 16)
			gettimeofday(&r->at[r->n++], NULL);
}

static const char reg[] =
    "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:2001@127.0.0.1>;tag=a\r\nTo: <sip:2001@127.0.0.1>\r\n"
    "Call-ID: c1@127.0.0.1\r\nCSeq: 101 REGISTER\r\nContent-Length: 0\r\n\r\n";
static const char trying[] =
    "SIP/2.0 100 Trying\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:2001@127.0.0.1>;tag=a\r\nTo: <sip:2001@127.0.0.1>\r\n"
    "Call-ID: c1@127.0.0.1\r\nCSeq: 101 REGISTER\r\nContent-Length: 0\r\n\r\n";

struct lab {
	struct event_base *base;
	struct phone_env env;
	struct phone ph;
	struct rx rx;
	struct event *rx_ev;
};

/* A phone on 127.0.0.1 whose "CallManager" is a socket of ours that never answers by itself. */
static void
lab_open(struct lab *l)
{
	struct sockaddr_in peer = {.sin_family = AF_INET};
	socklen_t sl = sizeof peer;
	char why[128];
	memset(l, 0, sizeof *l);
	l->base = event_base_new();
	assert_non_null(l->base);
	l->env.base = l->base;
	l->ph.env = &l->env;
	l->ph.ip = INADDR_LOOPBACK;
	l->ph.cnf.transport = 2;
	l->ph.sip.cseq = 101;
	l->rx.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l->rx.fd, (struct sockaddr *)&peer, sizeof peer), 0);
	assert_int_equal(getsockname(l->rx.fd, (struct sockaddr *)&peer, &sl), 0);
	l->rx_ev = event_new(l->base, l->rx.fd, EV_READ | EV_PERSIST, on_rx, &l->rx);
	event_add(l->rx_ev, NULL);
	assert_true(phone_sip_udp(&l->ph));
	assert_int_equal(phone_udp_open(&l->ph, &peer, why, sizeof why), 0);
	assert_true(phone_udp_is_open(&l->ph));
	assert_true(l->ph.sip.local_port > 0);
}

static void
lab_close(struct lab *l)
{
	phone_udp_close(&l->ph);
	assert_false(phone_udp_is_open(&l->ph));
	event_free(l->rx_ev);
	close(l->rx.fd);
	event_base_free(l->base);
}

static long
ms_between(const struct timeval *a, const struct timeval *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_usec - a->tv_usec) / 1000;
}

static void
run_for(struct event_base *base, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
test_unanswered_register_is_retransmitted(void **state)
{
	struct lab l;
	(void)state;
	lab_open(&l);
	assert_int_equal(phone_udp_send(&l.ph, reg, sizeof reg - 1, 1), 0);
	run_for(l.base, 1700);
	/* Sent at 0, retransmitted at T1 = 0.5 s and 2·T1 later (1.5 s); the next is due at 3.5 s.
	 */
	assert_int_equal(l.rx.n, 3);
	long g1 = ms_between(&l.rx.at[0], &l.rx.at[1]), g2 = ms_between(&l.rx.at[1], &l.rx.at[2]);
	assert_in_range(g1, 450, 750);
	assert_in_range(g2, 950, 1300);
	assert_int_equal(l.ph.sip.udp.retransmits, 2);
	lab_close(&l);
}

static void
send_trying(evutil_socket_t fd, short what, void *arg)
{
	struct lab *l = arg;
	(void)fd;
	(void)what;
	sendto(l->rx.fd, trying, sizeof trying - 1, 0, (struct sockaddr *)&l->rx.from,
	       sizeof l->rx.from);
}

static void
test_provisional_slows_to_t2(void **state)
{
	struct lab l;
	struct timeval at = {0, 150000};
	(void)state;
	lab_open(&l);
	struct event *t = evtimer_new(l.base, send_trying, &l);
	assert_int_equal(phone_udp_send(&l.ph, reg, sizeof reg - 1, 1), 0);
	evtimer_add(t, &at);
	run_for(l.base, 1200);
	/* Without the 100 Trying a copy would have come at 0.5 s; with it the next is at 4.15 s. */
	assert_int_equal(l.rx.n, 1);
	assert_int_equal(l.ph.sip.udp.proceeding, 1);
	event_free(t);
	lab_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timer_e_schedule),
	    cmocka_unit_test(test_retransmission_bound),
	    cmocka_unit_test(test_unanswered_register_is_retransmitted),
	    cmocka_unit_test(test_provisional_slows_to_t2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
