/* summary: the name rules of the file service: normalisation and refusal of requested names, the
 * device a name names, and which names are trust lists (CTL/ITL).
 *
 * Phones ask for "/SEP….cnf.xml", "SEP….cnf.xml", "sep….cnf.xml" or "Desktops/800x480x24/List.xml";
 * some TFTP clients send Windows separators. Everything a name could use to leave the tree ("..",
 * drive letters, NUL, control bytes) is refused here, before any file system call.
 */
#include "files/files_priv.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/cur.h"

int
files_name_normalize(const char *name, size_t len, char *out, size_t cap, const char **why)
{
	struct dt_cur c = cur_init(name, len);
	struct dt_wcur w = wcur_init(out, cap);

	if (len > FILES_NAME_MAX)
		return (*why = "name longer than 255 bytes", -1);
	while (cur_left(&c)) {
		uint8_t b = cur_peek(&c);
		size_t n = 0;
		char comp[FILES_NAME_MAX + 1];

		if (b == '/' || b == '\\') {
			cur_skip(&c, 1);
			continue;
		}
		while (cur_left(&c) && (b = cur_peek(&c)) != '/' && b != '\\') {
			if (b < 0x20 || b == 0x7f)
				return (*why = "control or NUL byte in name", -1);
			comp[n++] = (char)cur_u8(&c);
		}
		comp[n] = 0;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0)
			return (*why = "'..' in name", -1);
		if (n >= 2 && comp[1] == ':' && wcur_used(&w, out) == 0)
			return (*why = "drive letter in name", -1);
		if (wcur_used(&w, out) > 0)
			wcur_u8(&w, '/');
		wcur_bytes(&w, comp, n);
	}
	if (wcur_used(&w, out) == 0)
		return (*why = "empty name", -1);
	wcur_u8(&w, 0);
	if (w.err)
		return (*why = "name too long", -1);
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int
files_name_device(const char *path, char dev[16])
{
	const char *b = base_name(path);
	const char *p;

	dev[0] = 0;
	/* CTLSEP….tlv and ITLSEP….tlv name the device too (spec/files.md steps 4-5). */
	if (strncasecmp(b, "CTL", 3) == 0 || strncasecmp(b, "ITL", 3) == 0)
		b += 3;
	if (strncasecmp(b, "SEP", 3) != 0)
		return 0;
	p = b + 3;
	for (int i = 0; i < 12; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	if (isxdigit((unsigned char)p[12]))
		return 0;
	memcpy(dev, "SEP", 3);
	for (int i = 0; i < 12; i++)
		dev[3 + i] = (char)toupper((unsigned char)p[i]);
	dev[15] = 0;
	return 1;
}

int
files_name_is_trust_list(const char *path)
{
	const char *b = base_name(path);
	size_t n = strlen(b);

	if (strncasecmp(b, "CTL", 3) != 0 && strncasecmp(b, "ITL", 3) != 0)
		return 0;
	/* Signed variants (.tlv.sgn) are trust lists as much as the plain ones. */
	return (n > 4 && strcasecmp(b + n - 4, ".tlv") == 0) ||
	       (n > 8 && strcasecmp(b + n - 8, ".tlv.sgn") == 0);
}
