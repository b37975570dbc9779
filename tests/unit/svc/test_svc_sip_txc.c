/* summary: unit tests of src/svc/svc_sip_txc.c, the UDP transaction cache: an answer is found
 * again until SIP_TXC_SLOTS later answers evicted it or its TTL passed; eviction never loses
 * another entry (the index's backward-shift deletion) even when every key shares a home cell. */
#include "dt_test.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "svc/svc_sip_priv.h"

/* Key I: COLLIDE keys all have the same low bits (one home cell: the worst case for linear
 * probing, every entry in one run; bit 63 keeps them apart from the others). */
static uint64_t
key_of(uint32_t i, int collide)
{
	uint64_t k = ((uint64_t)(i + 1) << 32) | 1;
	if (collide)
		return k | 1ull << 63;
	return k ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull & 0xfffffffeull);
}

static void
answer_of(uint32_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "SIP/2.0 200 OK\r\nCSeq: %u REGISTER\r\n\r\n", i);
}

static int
setup(void **state)
{
	static struct sip_svc s;
	memset(&s, 0, sizeof s);
	assert_int_equal(sip_txc_init(&s), DT_OK);
	*state = &s;
	return 0;
}

static int
teardown(void **state)
{
	sip_txc_free(*state);
	return 0;
}

static void
check_present(const struct sip_svc *s, uint32_t from, uint32_t to, int collide, time_t now)
{
	char want[128];
	for (uint32_t i = from; i < to; i++) {
		const struct sip_txc_slot *t = sip_txc_find(s, key_of(i, collide), now);
		answer_of(i, want, sizeof want);
		assert_non_null(t);
		assert_int_equal(t->len, strlen(want));
		assert_memory_equal(t->resp, want, t->len);
	}
}

static void
fill(struct sip_svc *s, uint32_t from, uint32_t to, int collide, time_t now)
{
	char buf[128];
	for (uint32_t i = from; i < to; i++) {
		answer_of(i, buf, sizeof buf);
		sip_txc_put(s, key_of(i, collide), now, buf, strlen(buf));
	}
}

static void
test_found_until_evicted(void **state)
{
	struct sip_svc *s = *state;
	uint32_t n = SIP_TXC_SLOTS + SIP_TXC_SLOTS / 2;
	fill(s, 0, n, 0, 1000);
	/* the oldest half-ring was evicted in FIFO order, the newest SIP_TXC_SLOTS answers remain
	 */
	for (uint32_t i = 0; i < n - SIP_TXC_SLOTS; i++)
		assert_null(sip_txc_find(s, key_of(i, 0), 1000));
	check_present(s, n - SIP_TXC_SLOTS, n, 0, 1000);
}

static void
test_ttl(void **state)
{
	struct sip_svc *s = *state;
	fill(s, 0, 10, 0, 1000);
	check_present(s, 0, 10, 0, 1000 + SIP_TXC_TTL);
	assert_null(sip_txc_find(s, key_of(3, 0), 1000 + SIP_TXC_TTL + 1));
}

/* One run of colliding keys, evicted from its middle again and again: a wrong shift in the
 * deletion would make a later key of the run unreachable. */
static void
test_colliding_keys_survive_eviction(void **state)
{
	struct sip_svc *s = *state;
	uint32_t run = 4000;
	fill(s, 0, SIP_TXC_SLOTS - run, 0, 1000);
	fill(s, 0, run, 1, 1000);
	check_present(s, 0, run, 1, 1000);
	/* evict the scattered keys and then the first half of the run */
	fill(s, 100000, 100000 + SIP_TXC_SLOTS - run + run / 2, 0, 1000);
	for (uint32_t i = 0; i < run / 2; i++)
		assert_null(sip_txc_find(s, key_of(i, 1), 1000));
	check_present(s, run / 2, run, 1, 1000);
}

/* A request answered again after its TTL: the new answer is found, and evicting the stale ring
 * entry later does not remove it. */
static void
test_reanswer_after_ttl(void **state)
{
	struct sip_svc *s = *state;
	char buf[128] = "SIP/2.0 500 Server Internal Error\r\n\r\n";
	uint64_t k = key_of(7, 0);
	sip_txc_put(s, k, 1000, buf, strlen(buf));
	answer_of(7, buf, sizeof buf);
	sip_txc_put(s, k, 1100, buf, strlen(buf));
	/* push the first (stale) entry out of the ring, keep the second */
	fill(s, 100, 100 + SIP_TXC_SLOTS - 1, 0, 1100);
	check_present(s, 7, 8, 0, 1100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_found_until_evicted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ttl, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_colliding_keys_survive_eviction, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reanswer_after_ttl, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
