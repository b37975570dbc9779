/* summary: RFC 4180 CSV reader and writer (see cli_csv.h). */
#include "cli/cli_csv.h"

#include <string.h>

void
csv_reader_init(struct csv_reader *r, FILE *f)
{
	r->f = f;
	r->row = 0;
	r->nf = 0;
}

/* Append c to the record buffer at *len; -1 when the record is too long. */
static int
put(struct csv_reader *r, size_t *len, int c)
{
	if (*len >= CSV_MAX_RECORD)
		return -1;
	r->buf[(*len)++] = (char)c;
	return 0;
}

static int
new_field(struct csv_reader *r, size_t len, struct dt_errbuf *e)
{
	if (r->nf >= CSV_MAX_FIELDS)
		return dt_errf(e, DT_EINVAL, "row %d: more than %d fields", r->row, CSV_MAX_FIELDS);
	r->field[r->nf++] = r->buf + len;
	return DT_OK;
}

int
csv_next(struct csv_reader *r, struct dt_errbuf *e)
{
	size_t len = 0;
	int c, quoted = 0, after_quote = 0, any = 0;

	r->nf = 0;
	r->row++;
	if (r->row == 1) {
		/* Skip a UTF-8 byte-order mark. */
		int a = getc(r->f);
		if (a == 0xEF) {
			int b = getc(r->f), d = getc(r->f);
			if (b != 0xBB || d != 0xBF)
				return dt_errf(e, DT_EINVAL, "row 1: not UTF-8 text");
		} else if (a != EOF) {
			ungetc(a, r->f);
		}
	}
	/* Skip empty lines between records. */
	while ((c = getc(r->f)) == '\n' || c == '\r')
		;
	if (c == EOF) {
		r->row--;
		return 0;
	}
	ungetc(c, r->f);
	if (new_field(r, 0, e))
		return DT_EINVAL;
	for (;;) {
		c = getc(r->f);
		if (quoted) {
			if (c == EOF)
				return dt_errf(e, DT_EINVAL,
					       "row %d: field %d: quoted field not closed", r->row,
					       r->nf);
			if (c == '"') {
				int n = getc(r->f);
				if (n == '"') {
					if (put(r, &len, '"'))
						goto too_long;
					continue;
				}
				ungetc(n, r->f);
				quoted = 0;
				after_quote = 1;
				continue;
			}
			if (put(r, &len, c))
				goto too_long;
			continue;
		}
		if (c == EOF || c == '\n' || c == '\r' || c == ',') {
			if (put(r, &len, 0))
				goto too_long;
			if (c == ',') {
				if (new_field(r, len, e))
					return DT_EINVAL;
				after_quote = 0;
				any = 0;
				continue;
			}
			if (c == '\r') {
				int n = getc(r->f);
				if (n != '\n' && n != EOF)
					ungetc(n, r->f);
			}
			return 1;
		}
		if (after_quote)
			return dt_errf(e, DT_EINVAL, "row %d: field %d: text after a closing quote",
				       r->row, r->nf);
		if (c == '"') {
			if (any)
				return dt_errf(e, DT_EINVAL,
					       "row %d: field %d: quote inside an unquoted field "
					       "(quote the whole field and double the quote)",
					       r->row, r->nf);
			quoted = 1;
			any = 1;
			continue;
		}
		any = 1;
		if (put(r, &len, c))
			goto too_long;
	}
too_long:
	return dt_errf(e, DT_EINVAL, "row %d: longer than %d bytes", r->row, CSV_MAX_RECORD);
}

void
csv_put(FILE *f, const char *v, int last)
{
	size_t n = strlen(v);
	int quote = n && (v[0] == ' ' || v[n - 1] == ' ');
	for (const char *p = v; *p && !quote; p++)
		quote = *p == ',' || *p == '"' || *p == '\r' || *p == '\n';
	if (quote) {
		putc('"', f);
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				putc('"', f);
			putc(*p, f);
		}
		putc('"', f);
	} else {
		fputs(v, f);
	}
	fputs(last ? "\r\n" : ",", f);
}
