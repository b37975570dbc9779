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
#include <sys/time.h>

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
	struct timeval t0;	/* wall clock when the phones started (reg_at_us counts from it) */
	int procs;		/* worker processes (--procs), 0 = this process alone */
	long workers_maxrss_kb; /* sum of the workers' peak resident sizes (--procs) */
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
/* Add src's counts, failure rows and samples to dst (a worker's share of a --procs storm);
 * src's storm-relative times (reg_at_us) are moved later by shift_us, the time src started after
 * dst's t0. DT_ENOMEM when a series cannot grow. */
int storm_stats_merge(struct storm_stats *dst, const struct storm_stats *src, uint32_t shift_us);
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
	int first; /* index of the first phone: generated MAC and line of --macs (--procs slice) */
	/* Instead of the bar (progress = 0): called every 200 ms with the counts so far. */
	void (*progress_cb)(void *arg, int started, int registered, int failed);
	void *progress_arg;
};

/* Phones one process can hold with an open-file limit of nofile: one socket per registered
 * phone (SIP over TCP or UDP) plus a transient file-fetch connection for those still booting,
 * with a reserve for the process's own descriptors. */
int storm_phones_per_proc(long nofile);

/* Read a MAC list (first word per line; '#' comments) into macs (12 hex each); DT_EINVAL naming
 * FILE:LINE, DT_ERANGE when more than max. */
int storm_macs_read(const char *path, char (*macs)[13], int max, int *n, struct dt_errbuf *e);
/* The i-th generated MAC (locally administered 02:DA:7E + 24-bit index). */
void storm_mac_gen(int i, char out[13]);

/* Run the storm; fills st (caller frees with storm_stats_free) and *elapsed_s. Errors before the
 * storm starts (relay socket, MAC file) are returned; phone failures are in st. */
int storm_run(const struct storm_opts *o, struct storm_stats *st, double *elapsed_s,
	      struct dt_errbuf *e);
/* The same storm spread over procs forked workers (1..STORM_MAX_PROCS): worker k boots phones
 * [k·N/procs, (k+1)·N/procs) with relay address relay + k (each worker needs its own RELAY:67
 * socket: the server answers a relayed DHCP to giaddr) at rate / procs, and sends its progress
 * and its statistics back through a pipe; the parent draws one bar and returns the merged
 * statistics (times relative to the first worker's start). Errors: a worker that could not start
 * its storm (its message), fork/pipe failures (DT_EIO). */
#define STORM_MAX_PROCS 64
int storm_run_procs(const struct storm_opts *o, int procs, struct storm_stats *st,
		    double *elapsed_s, struct dt_errbuf *e);

#endif
