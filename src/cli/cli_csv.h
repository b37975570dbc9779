/* summary: RFC 4180 CSV records for `dialtone import` / `export`: a reader that reports errors by
 * record number, and a writer that quotes only when it must.
 *
 * Reader: fields separated by ',', records by CRLF or LF; a field in double quotes may hold ',',
 * '"' (doubled) and line breaks. A quote inside an unquoted field, text after a closing quote and
 * an unterminated quoted field are errors naming the row. A UTF-8 byte-order mark at the start
 * (spreadsheet exports) is skipped, and so are empty lines. Field and record sizes are bounded.
 */
#ifndef DT_CLI_CLI_CSV_H
#define DT_CLI_CLI_CSV_H

#include <stdio.h>

#include "core/err.h"

#define CSV_MAX_FIELDS 256
#define CSV_MAX_RECORD (64 * 1024)

struct csv_reader {
	FILE *f;
	int row;		      /* 1-based number of the record last read */
	int nf;			      /* fields in it */
	char *field[CSV_MAX_FIELDS];  /* point into buf, NUL-terminated */
	char buf[CSV_MAX_RECORD + 1]; /* the record's unescaped field text */
};

/* Start reading f (not owned). */
void csv_reader_init(struct csv_reader *r, FILE *f);
/* Read the next record: 1 when one was read, 0 at end of file, DT_EINVAL with e = "row N: …". */
int csv_next(struct csv_reader *r, struct dt_errbuf *e);

/* Write one field (quoted when it holds ',', '"', CR, LF or leading/trailing space), then ','
 * or, when last, the record's CRLF. */
void csv_put(FILE *f, const char *v, int last);

#endif
