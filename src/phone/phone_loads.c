/* summary: read a firmware <load>.loads manifest: the image files the phone must download.
 *
 * A real .loads is a Cisco-signed file: a binary signature TLV header (same tags as ITL files)
 * followed by a text manifest with '#' comment lines and one image file name per line (see
 * ../shared/real-world/cisco-config/dannymcc-7906G/SIP11.9-4-2SR1-1S.loads). We do not verify
 * the signature (images are Cisco-signed, never re-signed by the server, files.md); we take every
 * line whose first word is a plain file name with an image extension, which skips the binary
 * header whatever it contains.
 */
#include "phone/phone_priv.h"

#include <string.h>
#include <strings.h>

static const char *const image_ext[] = {".sbn", ".zz",	".sgn", ".bin",	 ".sb2",
					".pkg", ".img", ".tar", ".loads"};

static int
is_image_name(const char *w, size_t n)
{
	if (n < 3)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	for (size_t i = 0; i < sizeof image_ext / sizeof image_ext[0]; i++) {
		size_t el = strlen(image_ext[i]);
		if (n > el && strncasecmp(w + n - el, image_ext[i], el) == 0)
			return 1;
	}
	return 0;
}

int
phone_loads_parse(const char *buf, size_t len, char (*names)[PHONE_NAME_MAX], int max, int *n)
{
	size_t i = 0;
	*n = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && buf[i] != '\n')
			i++;
		size_t end = i++;
		while (start < end && (buf[start] == ' ' || buf[start] == '\t'))
			start++;
		if (start >= end || buf[start] == '#')
			continue;
		size_t w = start;
		while (w < end && buf[w] != ' ' && buf[w] != '\t' && buf[w] != '\r')
			w++;
		/* The first manifest line can share a line with the end of the binary header; only
		 * whole clean words count, so a header byte sequence never becomes a name. */
		if (!is_image_name(buf + start, w - start) || w - start >= PHONE_NAME_MAX)
			continue;
		if (*n >= max)
			return DT_ERANGE;
		memcpy(names[*n], buf + start, w - start);
		names[*n][w - start] = '\0';
		(*n)++;
	}
	return *n > 0 ? DT_OK : DT_EINVAL;
}
