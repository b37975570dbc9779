/* summary: the storm's phone identities: a MAC list file (`--macs FILE`, as exported for
 * `dialtone device` bulk import) or generated locally administered MACs 02:DA:7E:xx:xx:xx.
 */
#include "storm/storm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "phone/phone.h"

void
storm_mac_gen(int i, char out[13])
{
	snprintf(out, 13, "02DA7E%06X", (unsigned)i & 0xffffffu);
}

int
storm_macs_read(const char *path, char (*macs)[13], int max, int *n, struct dt_errbuf *e)
{
	char line[256];
	int ln = 0;
	FILE *f = fopen(path, "r");
	*n = 0;
	if (!f)
		return dt_errf(e, DT_EIO, "macs: %s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		ln++;
		char *w = line + strspn(line, " \t");
		w[strcspn(w, " \t\r\n,;")] = '\0';
		if (*w == '\0' || *w == '#')
			continue;
		if (*n >= max) {
			fclose(f);
			return dt_errf(e, DT_ERANGE, "macs: %s:%d: more than %d MACs", path, ln,
				       max);
		}
		struct dt_errbuf pe = {0, ""};
		if (phone_mac_parse(w, macs[*n], &pe) != DT_OK) {
			fclose(f);
			return dt_errf(e, DT_EINVAL, "macs: %s:%d: %s", path, ln, pe.msg);
		}
		(*n)++;
	}
	fclose(f);
	if (*n == 0)
		return dt_errf(e, DT_EINVAL, "macs: %s: no MAC address", path);
	return DT_OK;
}
