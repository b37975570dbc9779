/* summary: the boot storm: N simulated phones booted concurrently from one process on one event
 * loop (src/phone/), bounded in count and time, with rate-limited starts, a live progress bar on
 * a terminal, a final table (registered / failed by step and reason, per-step latency p50/p90/
 * p99/max, phones per second, time until the last phone registered) and an optional SVG plot.
 */
#ifndef DT_STORM_STORM_H
#define DT_STORM_STORM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/step.h"

#define STORM_MAX_PHONES 100000

/* A growable list of microsecond samples. */
struct storm_series {
	uint32_t *v;
	size_t n, cap;
	int sorted;
};

/* Failures grouped by (step, reason class), with one example reason. */
struct storm_fail_row {
	int step;
	char cls[24];
	char example[200];
	int count;
};

#define STORM_MAX_FAIL_ROWS 32

struct storm_stats {
	struct storm_series step_us[DT_STEP__COUNT]; /* per step, successful completions */
	struct storm_series boot_us;		     /* power-on → registered, per phone */
	struct storm_series reg_at_us;		     /* storm start → registered, per phone */
	int registered, failed, unfinished;
	struct storm_fail_row fails[STORM_MAX_FAIL_ROWS];
	int n_fails;
};

/* Append a sample; DT_ENOMEM when it cannot grow. */
int storm_series_add(struct storm_series *s, uint32_t v);
/* Nearest-rank percentile p in [0,100] (sorts the series once); 0 for an empty series. */
uint32_t storm_series_pct(struct storm_series *s, double p);
void storm_series_free(struct storm_series *s);

/* Count a failure under (step, cls); reason is kept as the row's example. */
void storm_stats_fail(struct storm_stats *st, int step, const char *cls, const char *reason);
/* Count a phone still running at the time bound under (step, "unfinished"). */
void storm_stats_unfinished(struct storm_stats *st, int step);
void storm_stats_free(struct storm_stats *st);
/* The final table. elapsed_s: storm duration; n: phones started. */
void storm_stats_print(FILE *f, struct storm_stats *st, int n, double elapsed_s);
/* SVG with registered phones over time and per-step latency bars (p50/p90/p99). 0 or DT_EIO. */
int storm_plot_svg(const char *path, struct storm_stats *st, int n, struct dt_errbuf *e);

struct storm_opts {
	int phones;		 /* N, 1..STORM_MAX_PHONES */
	struct in_addr server;	 /* DHCP server */
	struct in_addr relay;	 /* shared relay (giaddr) */
	double rate;		 /* phone starts per second, 0 = all at once */
	const char *macs_file;	 /* one MAC per line; NULL = generated 02:DA:7E:xx:xx:xx */
	char model[16];		 /* "" = 8851 */
	int timeout_ms, retries; /* per operation, as phone boot */
	int max_seconds;	 /* hard bound on the storm; 0 = 60 + N / rate */
	int progress;		 /* draw a progress bar on stderr */
	FILE *log;		 /* per-step console log of every phone (NULL = none) */
	int json;
};

/* Read a MAC list (first word per line; '#' comments) into macs (12 hex each); DT_EINVAL naming
 * FILE:LINE, DT_ERANGE when more than max. */
int storm_macs_read(const char *path, char (*macs)[13], int max, int *n, struct dt_errbuf *e);
/* The i-th generated MAC (locally administered 02:DA:7E + 24-bit index). */
void storm_mac_gen(int i, char out[13]);

/* Run the storm; fills st (caller frees with storm_stats_free) and *elapsed_s. Errors before the
 * storm starts (relay socket, MAC file) are returned; phone failures are in st. */
int storm_run(const struct storm_opts *o, struct storm_stats *st, double *elapsed_s,
	      struct dt_errbuf *e);

#endif
