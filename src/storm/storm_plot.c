/* summary: `storm --plot FILE.svg`: registered phones over time (left) and per-step latency
 * p50/p90/p99 bars (right), as one self-contained SVG with no external resources.
 */
#include "storm/storm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define W      960
#define H      440
#define LX0    70 /* left panel */
#define LX1    450
#define RX0    630 /* right panel: bars start after the step names */
#define RX1    930
#define Y0     50
#define Y1     380
#define POINTS 400 /* at most this many polyline points */

static void
left_panel(FILE *f, struct storm_stats *st, int n)
{
	struct storm_series *r = &st->reg_at_us;
	double tmax = (double)storm_series_pct(r, 100) / 1e6;
	if (tmax <= 0)
		tmax = 1;
	fprintf(f, "<text x='%d' y='30' font-size='15'>registered phones over time</text>\n", LX0);
	fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>\n", LX0, Y1, LX1, Y1);
	fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>\n", LX0, Y0, LX0, Y1);
	fprintf(f, "<text x='%d' y='%d' font-size='11'>0</text>\n", LX0 - 12, Y1 + 14);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%.2f s</text>\n", LX1,
		Y1 + 14, tmax);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%d</text>\n", LX0 - 4,
		Y0 + 4, n);
	fprintf(f, "<polyline fill='none' stroke='#1f77b4' stroke-width='2' points='%d,%d", LX0,
		Y1);
	size_t step = r->n / POINTS + 1;
	for (size_t i = 0; i < r->n; i += step) {
		double x = LX0 + (LX1 - LX0) * ((double)r->v[i] / 1e6) / tmax;
		double y = Y1 - (double)(Y1 - Y0) * (double)(i + 1) / (n > 0 ? n : 1);
		fprintf(f, " %.1f,%.1f", x, y);
	}
	if (r->n)
		fprintf(f, " %d,%.1f", LX1,
			Y1 - (double)(Y1 - Y0) * (double)r->n / (n > 0 ? n : 1));
	fputs("'/>\n", f);
	fprintf(f, "<text x='%d' y='%d' font-size='12'>%d of %d registered, %d failed</text>\n",
		LX0, Y1 + 34, st->registered, n, st->failed);
}

static void
right_panel(FILE *f, struct storm_stats *st)
{
	static const struct {
		double p;
		const char *color;
	} pcts[] = {{50, "#2ca02c"}, {90, "#ff7f0e"}, {99, "#d62728"}};
	uint32_t vmax = 1;
	int rows = 0;
	for (int s = 1; s < DT_STEP__COUNT; s++)
		if (st->step_us[s].n) {
			uint32_t v = storm_series_pct(&st->step_us[s], 99);
			vmax = v > vmax ? v : vmax;
			rows++;
		}
	fprintf(f,
		"<text x='%d' y='30' font-size='15'>step latency p50 / p90 / p99 (max %.1f ms)"
		"</text>\n",
		RX0 - 130, vmax / 1000.0);
	if (rows == 0)
		return;
	double rh = (double)(Y1 - Y0) / rows;
	int row = 0;
	for (int s = 1; s < DT_STEP__COUNT; s++) {
		struct storm_series *ser = &st->step_us[s];
		if (!ser->n)
			continue;
		double y = Y0 + rh * row++;
		fprintf(f, "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%d %s</text>\n",
			RX0 - 6, y + rh * 0.6, s, dt_step_name(s));
		for (int k = 0; k < 3; k++) {
			double w = (RX1 - RX0) * (double)storm_series_pct(ser, pcts[k].p) / vmax;
			fprintf(f, "<rect x='%d' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>\n",
				RX0, y + rh * (0.1 + 0.26 * k), w < 1 ? 1 : w, rh * 0.24,
				pcts[k].color);
		}
	}
}

int
storm_plot_svg(const char *path, struct storm_stats *st, int n, struct dt_errbuf *e)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return dt_errf(e, DT_EIO, "plot: %s: %s", path, strerror(errno));
	fprintf(f,
		"<?xml version='1.0' encoding='UTF-8'?>\n"
		"<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
		"font-family='sans-serif'>\n<rect width='100%%' height='100%%' fill='white'/>\n",
		W, H);
	left_panel(f, st, n);
	right_panel(f, st);
	fputs("</svg>\n", f);
	if (fclose(f) != 0)
		return dt_errf(e, DT_EIO, "plot: %s: write failed", path);
	return DT_OK;
}
