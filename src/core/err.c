/* summary: error names and texts in one designated-initializer table. */
#include "core/err.h"

#include <stdio.h>

static const struct {
	const char *name;
	const char *text;
} err_table[DT_ERR__COUNT] = {
    [DT_OK] = {"OK", "success"},
    [DT_EAGAIN] = {"EAGAIN", "incomplete input, more bytes needed"},
    [DT_ETRUNC] = {"ETRUNC", "truncated input"},
    [DT_EINVAL] = {"EINVAL", "invalid input"},
    [DT_ENOMEM] = {"ENOMEM", "out of memory"},
    [DT_ENOENT] = {"ENOENT", "not found"},
    [DT_EEXIST] = {"EEXIST", "already exists"},
    [DT_ECONFLICT] = {"ECONFLICT", "conflicts with an existing object"},
    [DT_ERANGE] = {"ERANGE", "value out of range"},
    [DT_EIO] = {"EIO", "I/O error"},
    [DT_EDB] = {"EDB", "database error"},
    [DT_EPERM] = {"EPERM", "not permitted"},
    [DT_EBUSY] = {"EBUSY", "limit reached"},
    [DT_ETIMEOUT] = {"ETIMEOUT", "timed out"},
    [DT_EUSAGE] = {"EUSAGE", "bad usage"},
};

const char *
dt_err_name(int err)
{
	if (err < 0 || err >= DT_ERR__COUNT)
		return "EUNKNOWN";
	return err_table[err].name;
}

const char *
dt_err_text(int err)
{
	if (err < 0 || err >= DT_ERR__COUNT)
		return "unknown error";
	return err_table[err].text;
}

int
dt_verrf(struct dt_errbuf *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	}
	return code;
}

int
dt_errf(struct dt_errbuf *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dt_verrf(e, code, fmt, ap);
	va_end(ap);
	return code;
}
