/* summary: `dialtone import FILE.csv` and `dialtone export [FILE.csv]`: a BAT-like CSV with one
 * phone per row and its lines in numbered column groups (docs/csv.md).
 *
 * Import is all-or-nothing: every row goes through the same validation as `device add` and
 * `line add` inside one transaction, and the first bad row rolls everything back with an error
 * naming the row and the column. One transaction with cached prepared statements is also what
 * makes 100,000 rows take seconds (docs/benchmarks.md, "store"). Export writes the same format,
 * so export → import reproduces the phones and lines (passwords included: the file is created
 * mode 0600).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_csv.h"
#include "cli/commands.h"
#include "store/store.h"

#define MAX_LINE_GROUPS 64

/* A CSV column: its name in the header and the char[] field of the struct it fills. */
struct csv_col {
	const char *name;
	size_t off, size;
};
#define COL(type, n, f)                                                                            \
	{                                                                                          \
		n, offsetof(type, f), sizeof(((type *)0)->f)                                       \
	}

/* Device columns, in export order. */
static const struct csv_col dev_cols[] = {
    COL(struct store_device, "mac", mac),
    COL(struct store_device, "name", name),
    COL(struct store_device, "model", model),
    COL(struct store_device, "pool", pool),
    COL(struct store_device, "description", description),
    {"security", 0, 0}, /* keyword ↔ int */
    COL(struct store_device, "load", load),
    COL(struct store_device, "ip", ip),
    COL(struct store_device, "digest_user", digest_user),
    COL(struct store_device, "user_locale", user_locale),
    COL(struct store_device, "network_locale", network_locale),
    COL(struct store_device, "sip_profile", sip_profile),
    COL(struct store_device, "common_profile", common_profile),
    COL(struct store_device, "softkey_template", softkey_template),
    COL(struct store_device, "dial_rules", dial_rules),
};
#define N_DEV_COLS (int)(sizeof dev_cols / sizeof dev_cols[0])

/* The columns of one line group, lineG_NAME in the header. */
static const struct csv_col line_cols[] = {
    COL(struct store_line, "dn", dn),
    COL(struct store_line, "display", display),
    COL(struct store_line, "label", label),
    COL(struct store_line, "auth_user", auth_user),
    COL(struct store_line, "password", password),
};
#undef COL
#define N_LINE_COLS (int)(sizeof line_cols / sizeof line_cols[0])

/* Column c of the struct at base: set from v (refused, not truncated, when too long), or read. */
static int
col_set(const struct csv_col *c, void *base, const char *v, struct dt_errbuf *e)
{
	return cli_copy(c->name, (char *)base + c->off, c->size, v, e);
}

static const char *
col_get(const struct csv_col *c, const void *base)
{
	return (const char *)base + c->off;
}

/* What header column i means: a device column, or line group g's column k. */
struct colmap {
	int dev;   /* index in dev_cols, or -1 */
	int group; /* 1-based line group (= button), 0 for device columns */
	int k;	   /* index in line_cols */
};

struct import {
	struct csv_reader rd;
	struct colmap map[CSV_MAX_FIELDS];
	int ncols;
	int max_group;
	long devices, lines;
};

static int
map_header(struct import *im, struct dt_errbuf *e)
{
	int have_mac = 0, have_model = 0;
	im->ncols = im->rd.nf;
	for (int i = 0; i < im->rd.nf; i++) {
		const char *h = im->rd.field[i];
		struct colmap *m = &im->map[i];
		char rest[32];
		int g, n = 0;
		m->dev = -1;
		m->group = 0;
		for (int d = 0; d < N_DEV_COLS; d++)
			if (!strcmp(h, dev_cols[d].name))
				m->dev = d;
		if (m->dev < 0) {
			if (sscanf(h, "line%d_%31s%n", &g, rest, &n) != 2 || h[n] || g < 1 ||
			    g > MAX_LINE_GROUPS)
				return dt_errf(e, DT_EINVAL,
					       "row 1: column %d '%s': unknown column (see "
					       "docs/csv.md)",
					       i + 1, h);
			m->group = g;
			m->k = -1;
			for (int k = 0; k < N_LINE_COLS; k++)
				if (!strcmp(rest, line_cols[k].name))
					m->k = k;
			if (m->k < 0)
				return dt_errf(e, DT_EINVAL,
					       "row 1: column %d '%s': unknown column", i + 1, h);
			if (g > im->max_group)
				im->max_group = g;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(im->rd.field[j], h))
				return dt_errf(e, DT_EINVAL, "row 1: column '%s' appears twice", h);
		have_mac |= m->dev == 0;
		have_model |= m->dev >= 0 && !strcmp(dev_cols[m->dev].name, "model");
	}
	if (!have_mac || !have_model)
		return dt_errf(e, DT_EINVAL, "row 1: the header needs the columns mac and model");
	return DT_OK;
}

/* Rewrite a store error "FIELD: …" to "row N: COLUMN: …" (line fields get their lineG_ name). */
static int
row_error(int row, int group, int code, const struct dt_errbuf *in, struct dt_errbuf *e)
{
	const char *msg = in->msg;
	/* Line errors name the line group's column: "dn: …" → "line2_dn: …", and a "button: …"
	 * or "device: …" error is about that group's DN as a whole. */
	if (group) {
		const char *colon = strchr(msg, ':');
		size_t n = colon ? (size_t)(colon - msg) : 0;
		if (n && (!strncmp(msg, "button:", 7) || !strncmp(msg, "device:", 7)))
			return dt_errf(e, code, "row %d: line%d_dn: %s", row, group, msg);
		if (n)
			return dt_errf(e, code, "row %d: line%d_%s", row, group, msg);
	}
	return dt_errf(e, code, "row %d: %s", row, msg);
}

static int
import_row(struct store *st, struct import *im, struct dt_errbuf *e)
{
	struct store_line lines[MAX_LINE_GROUPS + 1];
	struct dt_errbuf se = {0, ""};
	struct store_device d;
	int row = im->rd.row, rc;

	if (im->rd.nf != im->ncols)
		return dt_errf(e, DT_EINVAL, "row %d: %d fields, the header has %d", row, im->rd.nf,
			       im->ncols);
	memset(&d, 0, sizeof d);
	memset(lines, 0, sizeof(lines[0]) * (size_t)(im->max_group + 1));
	for (int i = 0; i < im->ncols; i++) {
		const struct colmap *m = &im->map[i];
		const char *v = im->rd.field[i];
		if (m->dev == 0) {
			if (store_mac_normalize(v, d.mac, &se) != DT_OK)
				return row_error(row, 0, se.code, &se, e);
		} else if (m->dev > 0 && !dev_cols[m->dev].size) {
			if (*v && !(d.security = cli_security_parse(v)))
				return dt_errf(e, DT_EINVAL,
					       "row %d: security: '%s' is not non-secure, "
					       "authenticated or encrypted",
					       row, v);
		} else if (m->dev > 0) {
			if (col_set(&dev_cols[m->dev], &d, v, &se) != DT_OK)
				return row_error(row, 0, se.code, &se, e);
		} else if (col_set(&line_cols[m->k], &lines[m->group], v, &se) != DT_OK) {
			return row_error(row, m->group, se.code, &se, e);
		}
	}
	if ((rc = store_device_add(st, &d, &se)) != DT_OK)
		return row_error(row, 0, rc, &se, e);
	im->devices++;
	for (int g = 1; g <= im->max_group; g++) {
		struct store_line *l = &lines[g];
		if (!l->dn[0]) {
			if (l->display[0] || l->label[0] || l->auth_user[0] || l->password[0])
				return dt_errf(e, DT_EINVAL,
					       "row %d: line%d_dn: empty but line %d has "
					       "other values",
					       row, g, g);
			continue;
		}
		memcpy(l->device, d.name, sizeof d.name);
		l->button = g;
		if ((rc = store_line_add(st, l, &se)) != DT_OK)
			return row_error(row, g, rc, &se, e);
		im->lines++;
	}
	return DT_OK;
}

static int
import_file(struct store *st, FILE *f, struct import *im, struct dt_errbuf *e)
{
	int rc;
	csv_reader_init(&im->rd, f);
	if ((rc = csv_next(&im->rd, e)) <= 0)
		return rc < 0 ? rc : dt_errf(e, DT_EINVAL, "row 1: empty file (no header)");
	if ((rc = map_header(im, e)) != DT_OK)
		return rc;
	if ((rc = store_begin(st, e)) != DT_OK)
		return rc;
	while ((rc = csv_next(&im->rd, e)) == 1)
		if ((rc = import_row(st, im, e)) != DT_OK)
			break;
	if (rc == 0 && ferror(f))
		rc = dt_errf(e, DT_EIO, "file: read error: %s", strerror(errno));
	if (rc != 0) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, e);
}

int
cmd_import(struct cli_ctx *cx, int argc, char **argv)
{
	struct dt_errbuf e = {0, ""};
	struct import *im;
	struct store *st;
	FILE *f;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone import FILE.csv   (- reads standard input)\n"
		       "Adds one phone per row with its lines, all or nothing: the first bad row "
		       "rolls\nback the whole file and is named with its column. Format: "
		       "docs/csv.md (the\nheader of `dialtone export`).\n");
		return CLI_OK;
	}
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1]))
		return cli_usage("import: expected one FILE.csv (see dialtone import --help)");
	f = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!f)
		return cli_fail("file: %s: %s", argv[1], strerror(errno));
	im = calloc(1, sizeof *im);
	if (!im) {
		if (f != stdin)
			fclose(f);
		return cli_fail("import: out of memory");
	}
	if ((rc = cli_store_open(cx, &st)) == CLI_OK) {
		if (import_file(st, f, im, &e) != DT_OK)
			rc = cli_report_safe(&e);
		else
			printf("imported %ld devices, %ld line appearances\n", im->devices,
			       im->lines);
		store_close(st);
	}
	if (f != stdin)
		fclose(f);
	free(im);
	return rc;
}

/* ---- export ---- */

struct export
{
	FILE *f;
	struct store *st;
	int groups;
	struct store_line row[MAX_LINE_GROUPS + 1];
	struct dt_errbuf e;
};

static int
max_button(const struct store_line *l, void *arg)
{
	int *m = arg;
	if (l->button > *m)
		*m = l->button;
	return 0;
}

static int
export_device(const struct store_device *d, const struct store_line *lines, int n, void *arg)
{
	struct export *x = arg;
	memset(x->row, 0, sizeof x->row);
	for (int i = 0; i < n; i++)
		if (lines[i].button >= 1 && lines[i].button <= x->groups)
			x->row[lines[i].button] = lines[i];
	for (int i = 0; i < N_DEV_COLS; i++)
		csv_put(x->f,
			dev_cols[i].size ? col_get(&dev_cols[i], d)
					 : cli_security_name(d->security),
			0);
	for (int g = 1; g <= x->groups; g++)
		for (int k = 0; k < N_LINE_COLS; k++)
			csv_put(x->f, col_get(&line_cols[k], &x->row[g]),
				g == x->groups && k == N_LINE_COLS - 1);
	return ferror(x->f) ? DT_EIO : 0;
}

static int
export_all(struct export *x)
{
	char h[32];
	int rc;
	x->groups = 0;
	if ((rc = store_line_foreach(x->st, NULL, max_button, &x->groups, &x->e)) != DT_OK)
		return rc;
	if (x->groups < 1)
		x->groups = 1;
	for (int i = 0; i < N_DEV_COLS; i++)
		csv_put(x->f, dev_cols[i].name, 0);
	for (int g = 1; g <= x->groups; g++)
		for (int k = 0; k < N_LINE_COLS; k++) {
			snprintf(h, sizeof h, "line%d_%s", g, line_cols[k].name);
			csv_put(x->f, h, g == x->groups && k == N_LINE_COLS - 1);
		}
	rc = store_device_lines_foreach(x->st, export_device, x, &x->e);
	if (rc == DT_EIO)
		return dt_errf(&x->e, DT_EIO, "file: write error: %s", strerror(errno));
	return rc;
}

int
cmd_export(struct cli_ctx *cx, int argc, char **argv)
{
	static struct export x;
	char tmp[600];
	int rc, fd = -1;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone export [FILE.csv]\n"
		       "Writes every phone with its lines (digest passwords included) as CSV, to "
		       "FILE.csv\n(created mode 0600, replaced atomically) or standard output. "
		       "Format: docs/csv.md.\n");
		return CLI_OK;
	}
	if (argc > 2)
		return cli_usage("%s: unexpected argument", argv[2]);
	if (argc == 2 && argv[1][0] == '-' && argv[1][1])
		return cli_usage("%s: unknown option (see dialtone export --help)", argv[1]);
	memset(&x, 0, sizeof x);
	if ((rc = cli_store_open(cx, &x.st)) != CLI_OK)
		return rc;
	if (argc == 2 && strcmp(argv[1], "-")) {
		/* Write beside the target and rename: an interrupted export never leaves a
		 * half-written file under the admin's name. */
		snprintf(tmp, sizeof tmp, "%s.tmp%ld", argv[1], (long)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		x.f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!x.f) {
			rc = cli_fail("file: %s: %s", tmp, strerror(errno));
			goto out;
		}
	} else {
		x.f = stdout;
	}
	rc = export_all(&x);
	if (rc == DT_OK && (fflush(x.f) != 0 || (fd >= 0 && fsync(fileno(x.f)) != 0)))
		rc = dt_errf(&x.e, DT_EIO, "file: write error: %s", strerror(errno));
	if (x.f != stdout) {
		if (fclose(x.f) != 0 && rc == DT_OK)
			rc = dt_errf(&x.e, DT_EIO, "file: write error: %s", strerror(errno));
		if (rc == DT_OK && rename(tmp, argv[1]) != 0)
			rc = dt_errf(&x.e, DT_EIO, "file: %s: %s", argv[1], strerror(errno));
		if (rc != DT_OK)
			unlink(tmp);
	}
	rc = rc == DT_OK ? CLI_OK : cli_report_safe(&x.e);
out:
	store_close(x.st);
	return rc;
}
