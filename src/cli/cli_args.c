/* summary: option-value helpers shared by the database commands. */
#include "cli/cli_args.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

int
cli_opts_parse(const char *cmd, int argc, char **argv, const struct option *opts,
	       const int *allowed, int (*apply)(int id, const char *v, void *arg), void *arg)
{
	int opt, rc;
	optind = 0; /* glibc: full re-initialisation (each verb parses its argv afresh) */
	opterr = 0; /* our own one-line errors instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		int ok = !allowed;
		if (opt == '?')
			return cli_usage("%s: unknown option (see dialtone %s %s --help)",
					 argv[optind - 1], cmd, argv[0]);
		if (opt == ':')
			return cli_usage("%s: missing value", argv[optind - 1]);
		for (const int *p = allowed; p && *p; p++)
			ok |= *p == opt;
		if (!ok)
			return cli_usage("%s: not an option of %s %s", argv[optind - 1], cmd,
					 argv[0]);
		if ((rc = apply(opt, optarg, arg)) != CLI_OK)
			return rc;
	}
	return CLI_OK;
}

int
cli_copy(const char *field, char *dst, size_t n, const char *v, struct dt_errbuf *e)
{
	if (strlen(v) >= n)
		return dt_errf(e, DT_EINVAL, "%s: longer than %zu characters", field, n - 1);
	memcpy(dst, v, strlen(v) + 1);
	return DT_OK;
}

static const char *const sec_names[] = {
    [STORE_SEC_NON_SECURE] = "non-secure",
    [STORE_SEC_AUTHENTICATED] = "authenticated",
    [STORE_SEC_ENCRYPTED] = "encrypted",
};

int
cli_security_parse(const char *s)
{
	for (int i = STORE_SEC_NON_SECURE; i <= STORE_SEC_ENCRYPTED; i++)
		if (!strcmp(s, sec_names[i]) || (s[0] == '0' + i && !s[1]))
			return i;
	return 0;
}

const char *
cli_security_name(int sec)
{
	return sec >= STORE_SEC_NON_SECURE && sec <= STORE_SEC_ENCRYPTED ? sec_names[sec] : "?";
}

int
cli_int(const char *v, int min, int max, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

json_t *
cli_device_json(const struct store_device *d)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s, s:s}",
			 "name", d->name, "mac", d->mac, "model", d->model, "protocol", d->protocol,
			 "description", d->description, "pool", d->pool, "security",
			 cli_security_name(d->security), "digest_user", d->digest_user, "load",
			 d->load, "user_locale", d->user_locale, "network_locale",
			 d->network_locale, "ip", d->ip, "sip_profile", d->sip_profile,
			 "common_profile", d->common_profile, "softkey_template",
			 d->softkey_template, "dial_rules", d->dial_rules);
}

/* jansson hands its output over in small pieces (a key, a quote, a comma): gathered here and
 * written in 64 KiB chunks, because one fwrite per piece (json_dumpf) was a fifth of the CPU of
 * `device list --json` at 100,000 phones. Memory stays bounded, unlike json_dumps. */
struct json_out {
	size_t len;
	int err;
	int indent; /* extra spaces after each newline (an element of a streamed array) */
	long n;	    /* elements streamed so far */
	char buf[65536];
};

static struct json_out out;

static int
json_out_flush(struct json_out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, stdout) != o->len)
		o->err = 1;
	o->len = 0;
	return o->err ? -1 : 0;
}

static int
json_out_raw(struct json_out *o, const char *p, size_t n)
{
	if (o->len + n > sizeof o->buf && json_out_flush(o) != 0)
		return -1;
	if (n > sizeof o->buf)
		return fwrite(p, 1, n, stdout) == n ? 0 : (o->err = 1, -1);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int
json_out_put(const char *p, size_t n, void *arg)
{
	struct json_out *o = arg;
	const char *nl;
	/* Raw newlines only come from the indentation (JSON escapes those inside strings). */
	while (o->indent && (nl = memchr(p, '\n', n)) != NULL) {
		size_t k = (size_t)(nl - p) + 1;
		if (json_out_raw(o, p, k) != 0 || json_out_raw(o, "  ", 2) != 0)
			return -1;
		p += k;
		n -= k;
	}
	return json_out_raw(o, p, n);
}

static void
json_out_reset(struct json_out *o)
{
	o->len = 0;
	o->err = 0;
	o->indent = 0;
	o->n = 0;
}

/* One value as jansson's indented dump, keys in insertion order (what every --json prints). */
static int
json_out_dump(struct json_out *o, json_t *j)
{
	return json_dump_callback(j, json_out_put, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

int
cli_json_print(json_t *j)
{
	int rc;
	if (!j)
		return cli_fail("json: out of memory");
	json_out_reset(&out);
	rc = json_out_dump(&out, j);
	if (rc == 0)
		rc = json_out_flush(&out);
	json_decref(j);
	if (rc != 0)
		return cli_fail("json: cannot write output");
	putchar('\n');
	return CLI_OK;
}

int
cli_report_safe(const struct dt_errbuf *e)
{
	struct dt_errbuf copy = *e;
	for (char *p = copy.msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return cli_report(&copy);
}

/* jansson prints an array of objects as "[\n  {\n    …\n  },\n  {…}\n]" ("[]" when empty): each
 * element is its own dump with every line indented two more spaces. */
void
cli_json_stream_begin(void)
{
	json_out_reset(&out);
}

int
cli_json_stream_add(json_t *j)
{
	int rc;
	if (!j)
		return cli_fail("json: out of memory");
	out.indent = 0;
	rc = json_out_raw(&out, out.n++ ? ",\n  " : "[\n  ", 4);
	out.indent = 2;
	if (rc == 0)
		rc = json_out_dump(&out, j);
	out.indent = 0;
	json_decref(j);
	return rc == 0 ? CLI_OK : cli_fail("json: cannot write output");
}

int
cli_json_stream_end(void)
{
	int rc = json_out_raw(&out, out.n ? "\n]\n" : "[]\n", 3);
	if (rc == 0)
		rc = json_out_flush(&out);
	return rc == 0 ? CLI_OK : cli_fail("json: cannot write output");
}
