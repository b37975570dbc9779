/* summary: the logger behind dt_log(): formats one line and writes it with a single write(2). */
#include "core/log.h"
#include "core/err.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int dt_log_level_current = DT_INFO;
static int log_fd = 2;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

int
dt_log_level_parse(const char *s)
{
	static const char *const names[] = {"debug", "info", "warn", "error", "off"};
	for (int i = 0; i < 5; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

void
dt_log_set_level(int level)
{
	dt_log_level_current = level;
}

int
dt_log_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return DT_EIO;
	if (log_fd > 2)
		close(log_fd);
	log_fd = fd;
	return DT_OK;
}

void
dt_log_write(int level, const char *service, const char *device, const char *fmt, ...)
{
	char line[2048];
	struct timeval tv;
	struct tm tm;
	size_t n;
	va_list ap;
	int r;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof line - n, ".%03ldZ %-5s %s %s ", (long)(tv.tv_usec / 1000),
		     level_names[level < 0 || level > DT_ERROR ? DT_ERROR : level],
		     service ? service : "-", device && *device ? device : "-");
	if (r > 0)
		n += (size_t)r;
	va_start(ap, fmt);
	r = vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	if (r > 0)
		n += (size_t)r;
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	/* One event, one line: a message never spans lines, so line-based tools stay correct. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(log_fd, line, n) < 0) {
		/* Nowhere left to report a failed log write. */
	}
}
