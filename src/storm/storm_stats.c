/* summary: storm statistics: microsecond sample series with nearest-rank percentiles, failures
 * grouped by step and reason, and the final text table.
 */
#include "storm/storm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

int
storm_series_add(struct storm_series *s, uint32_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint32_t *nv = dt_realloc(DT_MEM_PHONE, s->v, cap * sizeof *nv);
		if (!nv)
			return DT_ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sorted = 0;
	return DT_OK;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

uint32_t
storm_series_pct(struct storm_series *s, double p)
{
	if (s->n == 0)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof *s->v, cmp_u32);
		s->sorted = 1;
	}
	if (p <= 0)
		return s->v[0];
	/* Nearest rank: the smallest value with at least p% of samples at or below it. */
	double r = p / 100.0 * (double)s->n;
	size_t k = (size_t)r;
	if ((double)k < r)
		k++;
	if (k < 1)
		k = 1;
	if (k > s->n)
		k = s->n;
	return s->v[k - 1];
}

void
storm_series_free(struct storm_series *s)
{
	dt_free(DT_MEM_PHONE, s->v);
	memset(s, 0, sizeof *s);
}

static void
add_row(struct storm_stats *st, int step, const char *cls, const char *reason, int count)
{
	for (int i = 0; i < st->n_fails; i++)
		if (st->fails[i].step == step && strcmp(st->fails[i].cls, cls) == 0) {
			st->fails[i].count += count;
			return;
		}
	/* Rows beyond the table's size land in the last row, so counts always add up. */
	struct storm_fail_row *r =
	    &st->fails[st->n_fails < STORM_MAX_FAIL_ROWS ? st->n_fails++ : STORM_MAX_FAIL_ROWS - 1];
	if (r->count == 0) {
		r->step = step;
		snprintf(r->cls, sizeof r->cls, "%s", cls);
		snprintf(r->example, sizeof r->example, "%s", reason);
	}
	r->count += count;
}

void
storm_stats_fail(struct storm_stats *st, int step, const char *cls, const char *reason)
{
	st->failed++;
	add_row(st, step, cls, reason, 1);
}

void
storm_stats_unfinished(struct storm_stats *st, int step)
{
	st->unfinished++;
	add_row(st, step, "unfinished", "still in this step at the time bound", 1);
}

static int
merge_series(struct storm_series *dst, const struct storm_series *src, uint32_t shift_us)
{
	for (size_t i = 0; i < src->n; i++) {
		uint64_t v = (uint64_t)src->v[i] + shift_us;
		if (storm_series_add(dst, v > UINT32_MAX ? UINT32_MAX : (uint32_t)v) != DT_OK)
			return DT_ENOMEM;
	}
	return DT_OK;
}

int
storm_stats_merge(struct storm_stats *dst, const struct storm_stats *src, uint32_t shift_us)
{
	dst->registered += src->registered;
	dst->failed += src->failed;
	dst->unfinished += src->unfinished;
	for (int i = 0; i < src->n_fails; i++)
		add_row(dst, src->fails[i].step, src->fails[i].cls, src->fails[i].example,
			src->fails[i].count);
	for (int s = 0; s < DT_STEP__COUNT; s++)
		if (merge_series(&dst->step_us[s], &src->step_us[s], 0) != DT_OK)
			return DT_ENOMEM;
	if (merge_series(&dst->boot_us, &src->boot_us, 0) != DT_OK ||
	    merge_series(&dst->reg_at_us, &src->reg_at_us, shift_us) != DT_OK)
		return DT_ENOMEM;
	return DT_OK;
}

void
storm_stats_free(struct storm_stats *st)
{
	for (int i = 0; i < DT_STEP__COUNT; i++)
		storm_series_free(&st->step_us[i]);
	storm_series_free(&st->boot_us);
	storm_series_free(&st->reg_at_us);
}

static double
ms(uint32_t us)
{
	return (double)us / 1000.0;
}

void
storm_stats_print(FILE *f, struct storm_stats *st, int n, double elapsed_s)
{
	fprintf(f, "phones: %d started, %d registered, %d failed, %d unfinished\n", n,
		st->registered, st->failed, st->unfinished);
	double last = ms(storm_series_pct(&st->reg_at_us, 100)) / 1000.0;
	fprintf(f, "time until the last phone registered: %.3f s; storm: %.3f s\n", last,
		elapsed_s);
	fprintf(f, "phones per second (registered / time to last): %.1f\n",
		last > 0 ? st->registered / last : 0.0);
	if (st->procs > 1)
		fprintf(f, "processes: %d (peak memory, sum of the workers: %.1f MB)\n", st->procs,
			(double)st->workers_maxrss_kb / 1024.0);
	fprintf(f, "\n%-3s %-18s %8s %10s %10s %10s %10s\n", "#", "step", "count", "p50 ms",
		"p90 ms", "p99 ms", "max ms");
	for (int s = 1; s < DT_STEP__COUNT; s++) {
		struct storm_series *ser = &st->step_us[s];
		if (ser->n == 0)
			continue;
		fprintf(f, "%-3d %-18s %8zu %10.2f %10.2f %10.2f %10.2f\n", s, dt_step_name(s),
			ser->n, ms(storm_series_pct(ser, 50)), ms(storm_series_pct(ser, 90)),
			ms(storm_series_pct(ser, 99)), ms(storm_series_pct(ser, 100)));
	}
	if (st->boot_us.n)
		fprintf(f, "%-3s %-18s %8zu %10.2f %10.2f %10.2f %10.2f\n", "-", "boot (1→14)",
			st->boot_us.n, ms(storm_series_pct(&st->boot_us, 50)),
			ms(storm_series_pct(&st->boot_us, 90)),
			ms(storm_series_pct(&st->boot_us, 99)),
			ms(storm_series_pct(&st->boot_us, 100)));
	if (st->n_fails == 0)
		return;
	fprintf(f, "\nfailed or unfinished by step and reason:\n%-3s %-18s %-18s %8s  %s\n", "#",
		"step", "reason", "phones", "example");
	for (int i = 0; i < st->n_fails; i++)
		fprintf(f, "%-3d %-18s %-18s %8d  %s\n", st->fails[i].step,
			dt_step_name(st->fails[i].step), st->fails[i].cls, st->fails[i].count,
			st->fails[i].example);
}
