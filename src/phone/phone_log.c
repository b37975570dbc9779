/* summary: the phone's console log: one line per step (timestamp, step number and name from the
 * shared step enum, status, duration, what was sent, what came back), as text or JSON lines.
 *
 * Text: `2026-11-24T15:20:01.123Z SEP001122334455 [03 dhcp] ok 4.2ms | sent: … | got: …`
 * JSON: {"ts":"…","device":"SEP…","step":3,"name":"dhcp","status":"ok","ms":4.2,"sent":"…",
 *        "got":"…"} — built with jansson so every string is escaped correctly.
 */
#include "phone/phone_priv.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/step.h"

static void
iso_time(const struct timeval *tv, char *buf, size_t cap)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03dZ", (int)(tv->tv_usec / 1000));
}

size_t
phone_log_format(char *buf, size_t cap, int json, const struct timeval *tv, const char *device,
		 const struct phone_logline *l)
{
	char ts[40];
	iso_time(tv, ts, sizeof ts);
	double ms = (double)l->dur_us / 1000.0;
	if (!json) {
		int n = snprintf(buf, cap, "%s %s [%02d %s] %s %.1fms", ts, device, l->step,
				 dt_step_name(l->step), l->status, ms);
		if (n >= 0 && (size_t)n < cap && l->sent && l->sent[0])
			n += snprintf(buf + n, cap - (size_t)n, " | sent: %s", l->sent);
		if (n >= 0 && (size_t)n < cap && l->got && l->got[0])
			n += snprintf(buf + n, cap - (size_t)n, " | got: %s", l->got);
		if (n >= 0 && (size_t)n < cap)
			n += snprintf(buf + n, cap - (size_t)n, "\n");
		return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
	}
	json_t *o =
	    json_pack("{s:s, s:s, s:i, s:s, s:s, s:f, s:s, s:s}", "ts", ts, "device", device,
		      "step", l->step, "name", dt_step_name(l->step), "status", l->status, "ms", ms,
		      "sent", l->sent ? l->sent : "", "got", l->got ? l->got : "");
	if (!o) {
		buf[0] = '\0';
		return 0;
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	size_t n = 0;
	if (s) {
		n = (size_t)snprintf(buf, cap, "%s\n", s);
		if (n >= cap)
			n = cap - 1;
		free(s);
	}
	return n;
}
