/* summary: shared helpers of the subcommands: error lines, exit codes, opening the store, verb
 * dispatch. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
vline(const char *fmt, va_list ap)
{
	fputs("dialtone: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

int
cli_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
	return CLI_USAGE;
}

int
cli_report(const struct dt_errbuf *e)
{
	const char *msg = e->msg[0] ? e->msg : dt_err_text(e->code);
	fprintf(stderr, "dialtone: %s\n", msg);
	return e->code == DT_EUSAGE ? CLI_USAGE : CLI_FAIL;
}

int
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

static void
list_verbs(FILE *f, const char *cmd, const struct cli_command *verbs)
{
	fprintf(f, "usage: dialtone %s VERB [options]   (dialtone %s VERB --help)\n", cmd, cmd);
	for (const struct cli_command *v = verbs; v->name; v++)
		fprintf(f, "  %-14s %s\n", v->name, v->summary);
}

int
cli_dispatch(struct cli_ctx *cx, const char *cmd, const struct cli_command *verbs, int argc,
	     char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		list_verbs(argc < 2 ? stderr : stdout, cmd, verbs);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (const struct cli_command *v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[1]))
			return v->run(cx, argc - 1, argv + 1);
	return cli_usage("%s: unknown verb '%s' (see dialtone %s --help)", cmd, argv[1], cmd);
}
