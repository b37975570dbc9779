/* summary: option-value helpers shared by the database commands. */
#include "cli/cli_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

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

int
cli_json_print(json_t *j)
{
	int rc;
	if (!j)
		return cli_fail("json: out of memory");
	rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
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
