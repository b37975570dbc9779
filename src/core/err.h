/* summary: the one error enum, its names and texts, and an error buffer that carries the detail.
 *
 * Functions return 0 (DT_OK) or an enum dt_err value up to one boundary (a CLI command, a service's
 * request handler), which logs or prints it once. Codecs return DT_EAGAIN (a stream needs more
 * bytes), DT_ETRUNC (datagram or capture cut short) or DT_EINVAL (malformed) and point *why at a
 * static string; the three are never merged.
 */
#ifndef DT_CORE_ERR_H
#define DT_CORE_ERR_H

#include <stdarg.h>

enum dt_err {
	DT_OK = 0,
	DT_EAGAIN,    /* incomplete: a stream needs more bytes */
	DT_ETRUNC,    /* truncated: the datagram or capture ends too early */
	DT_EINVAL,    /* malformed or invalid input */
	DT_ENOMEM,    /* allocation failed or a memory bound was reached */
	DT_ENOENT,    /* no such object */
	DT_EEXIST,    /* object exists already (duplicate) */
	DT_ECONFLICT, /* conflicts with another object (DN on a button, address in use) */
	DT_ERANGE,    /* a value outside its allowed range */
	DT_EIO,	      /* an operating-system I/O call failed */
	DT_EDB,	      /* the database failed */
	DT_EPERM,     /* not allowed */
	DT_EBUSY,     /* a bound was reached (connections, transfers, rate limit) */
	DT_ETIMEOUT,  /* a peer did not answer in time */
	DT_EUSAGE,    /* bad command-line usage (exit status 2) */
	DT_ERR__COUNT
};

/* Short stable name of an error, e.g. "EINVAL"; never NULL. */
const char *dt_err_name(int err);
/* One-line human text of an error, e.g. "invalid input"; never NULL. */
const char *dt_err_text(int err);

/* Detail that travels with an error value to the place that reports it. */
struct dt_errbuf {
	int code;
	char msg[512];
};

/* Record code and a formatted message in e (which may be NULL); returns code, so callers write
 * `return dt_errf(e, DT_EINVAL, "mac: '%s' is not a MAC address", s);`. The message should name the
 * field first. */
int dt_errf(struct dt_errbuf *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int dt_verrf(struct dt_errbuf *e, int code, const char *fmt, va_list ap);

#endif
