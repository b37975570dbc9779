/* summary: one line per event: timestamp, level, service, device (MAC/SEP name), message.
 *
 * Format: `2026-11-24T15:20:01.123Z INFO  tftp SEP001122334455 sent SEP001122334455.cnf.xml ...`
 * The device column is "-" when an event concerns no device, so `grep SEP001122334455` follows one
 * phone's boot across every service. The level is checked before anything is formatted (Redis).
 * Not thread-safe for dt_log_open/dt_log_set_level; dt_log itself writes one line with one
 * write(2).
 */
#ifndef DT_CORE_LOG_H
#define DT_CORE_LOG_H

enum dt_log_level { DT_DEBUG = 0, DT_INFO, DT_WARN, DT_ERROR, DT_LOG_OFF };

extern int dt_log_level_current;

/* Parse "debug", "info", "warn", "error", "off"; -1 when unknown. */
int dt_log_level_parse(const char *s);
void dt_log_set_level(int level);
/* Send log lines to path (appending) instead of stderr; returns 0 or DT_EIO. */
int dt_log_open(const char *path);

#define dt_log_enabled(level) ((level) >= dt_log_level_current)

/* Log one event. service: short token ("tftp", "sip"); device: "SEP…" or MAC or NULL. */
#define dt_log(level, service, device, ...)                                                        \
	do {                                                                                       \
		if (dt_log_enabled(level))                                                         \
			dt_log_write((level), (service), (device), __VA_ARGS__);                   \
	} while (0)

void dt_log_write(int level, const char *service, const char *device, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
