/* summary: MAC address text in the four forms admins paste (Cisco dotted, colon, dash, bare) to
 * the 12 upper-case hex digits that name a phone (SEP<MAC>). */
#include "store/store_priv.h"

#include <ctype.h>
#include <string.h>

/* Separator sep every `group` hex digits (0: none). Mixed separators are refused: they are typos
 * more often than a form some tool prints. */
static int
parse_grouped(const char *in, char sep, int group, char out[13])
{
	int nd = 0;
	for (const char *p = in; *p; p++) {
		if (isxdigit((unsigned char)*p)) {
			if (nd == 12)
				return -1;
			out[nd++] = (char)toupper((unsigned char)*p);
			continue;
		}
		if (!group || *p != sep || nd == 0 || nd % group != 0 || nd == 12 ||
		    (p > in && p[-1] == sep))
			return -1;
	}
	out[nd] = 0;
	return nd == 12 ? 0 : -1;
}

int
store_mac_normalize(const char *in, char out[13], struct dt_errbuf *e)
{
	size_t n = in ? strlen(in) : 0;
	int rc = -1;
	char tmp[13];

	if (n == 12)
		rc = parse_grouped(in, 0, 0, tmp);
	else if (n == 17 && (in[2] == ':' || in[2] == '-'))
		rc = parse_grouped(in, in[2], 2, tmp);
	else if (n == 14 && in[4] == '.')
		rc = parse_grouped(in, '.', 4, tmp);
	if (rc != 0)
		return dt_errf(e, DT_EINVAL,
			       "mac: '%.40s' is not a MAC address (use 001122334455, "
			       "00:11:22:33:44:55, 00-11-22-33-44-55 or 0011.2233.4455)",
			       in ? in : "");
	memcpy(out, tmp, 13);
	return DT_OK;
}
