/* summary: step 1's "flash": the phone's active and inactive firmware load IDs, kept in
 * STATE_DIR/SEP<MAC>/flash (key=value lines) so reboots and upgrades persist across runs.
 *
 * Made on first run with the model's factory loads. Written atomically (tmp file + rename) so a
 * phone killed mid-upgrade keeps a readable flash, as a real phone keeps its old image.
 */
#include "phone/phone_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
phone_flash_factory(struct phone_flash *f, const char *load_prefix)
{
	memset(f, 0, sizeof *f);
	/* Factory images: the spec's example pair (sip-register.md), per model family. */
	snprintf(f->active, sizeof f->active, "%s.14-2-1-0001-14", load_prefix);
	snprintf(f->inactive, sizeof f->inactive, "%s.12-8-1-0001-455", load_prefix);
	snprintf(f->last, sizeof f->last, "%s", "reset-restart");
}

int
phone_flash_parse(const char *text, struct phone_flash *f, struct dt_errbuf *e)
{
	const char *p = text;
	int line = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char buf[256];
		line++;
		if (n >= sizeof buf)
			return dt_errf(e, DT_EINVAL, "flash:%d: line too long", line);
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (nl ? 1 : 0);
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		char *eq = strchr(buf, '=');
		if (!eq)
			return dt_errf(e, DT_EINVAL, "flash:%d: expected key=value", line);
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(buf, "active") == 0 && strlen(v) < sizeof f->active)
			strcpy(f->active, v);
		else if (strcmp(buf, "inactive") == 0 && strlen(v) < sizeof f->inactive)
			strcpy(f->inactive, v);
		else if (strcmp(buf, "last") == 0 && strlen(v) < sizeof f->last)
			strcpy(f->last, v);
		else if (strcmp(buf, "boots") == 0)
			f->boots = (unsigned)strtoul(v, NULL, 10);
		else
			return dt_errf(e, DT_EINVAL, "flash:%d: unknown key or value too long '%s'",
				       line, buf);
	}
	if (f->active[0] == '\0')
		return dt_errf(e, DT_EINVAL, "flash: no active load");
	return DT_OK;
}

static int
flash_path(const char *dir, const char *mac, char *out, size_t cap, struct dt_errbuf *e)
{
	char sub[600];
	if (snprintf(sub, sizeof sub, "%s/SEP%s", dir, mac) >= (int)sizeof sub)
		return dt_errf(e, DT_EINVAL, "state: path too long");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return dt_errf(e, DT_EIO, "state: mkdir %s: %s", dir, strerror(errno));
	if (mkdir(sub, 0755) != 0 && errno != EEXIST)
		return dt_errf(e, DT_EIO, "state: mkdir %s: %s", sub, strerror(errno));
	if (snprintf(out, cap, "%s/flash", sub) >= (int)cap)
		return dt_errf(e, DT_EINVAL, "state: path too long");
	return DT_OK;
}

int
phone_flash_save(const char *dir, const char *mac, const struct phone_flash *f, struct dt_errbuf *e)
{
	char path[700], tmp[720];
	int rc = flash_path(dir, mac, path, sizeof path, e);
	if (rc)
		return rc;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *fp = fopen(tmp, "w");
	if (!fp)
		return dt_errf(e, DT_EIO, "state: %s: %s", tmp, strerror(errno));
	fprintf(fp, "# dialtone phone simulator flash\nactive=%s\ninactive=%s\nlast=%s\nboots=%u\n",
		f->active, f->inactive, f->last, f->boots);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return dt_errf(e, DT_EIO, "state: %s: %s", path, strerror(errno));
	return DT_OK;
}

int
phone_flash_load(const char *dir, const char *mac, const char *load_prefix, struct phone_flash *f,
		 int *made, struct dt_errbuf *e)
{
	char path[700], text[2048];
	int rc = flash_path(dir, mac, path, sizeof path, e);
	if (rc)
		return rc;
	FILE *fp = fopen(path, "r");
	*made = 0;
	if (!fp) {
		if (errno != ENOENT)
			return dt_errf(e, DT_EIO, "state: %s: %s", path, strerror(errno));
		phone_flash_factory(f, load_prefix);
		*made = 1;
		return phone_flash_save(dir, mac, f, e);
	}
	size_t n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	memset(f, 0, sizeof *f);
	rc = phone_flash_parse(text, f, e);
	if (rc)
		return dt_errf(e, rc, "state: %s: %s", path, e ? e->msg : "bad flash");
	return DT_OK;
}
