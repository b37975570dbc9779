/* summary: Ringlist.xml and Ringlist-wb.xml: the ring tones a phone offers in its ringer menu.
 *
 * Format: usecallmanager tftpboot Ringlist.xml / Ringlist-wb.xml (root <CiscoIPPhoneRingList>,
 * <Ring><DisplayName/><FileName/></Ring>). Narrowband entries name 8 kHz µ-law ".raw" files;
 * 78xx/88xx read the wideband list, whose entries name 16 kHz ".rwb" files of the same base name.
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <string.h>

static void
wideband_name(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in);
	if (n > 4 && strcmp(in + n - 4, ".raw") == 0)
		snprintf(out, cap, "%.*s.rwb", (int)(n - 4), in);
	else
		snprintf(out, cap, "%s", in);
}

int
prov_ringlist(const struct store_ringtone *rings, int n, int wideband, struct pbuf *out,
	      struct dt_errbuf *e)
{
	struct pxml x;
	char name[sizeof rings[0].file_name + 4];

	if (pxml_open(&x, out, 1) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(&x, "CiscoIPPhoneRingList");
	for (int i = 0; i < n; i++) {
		pxml_start(&x, "Ring");
		pxml_el(&x, "DisplayName", rings[i].display_name);
		if (wideband)
			wideband_name(rings[i].file_name, name, sizeof name);
		else
			snprintf(name, sizeof name, "%s", rings[i].file_name);
		pxml_el(&x, "FileName", name);
		pxml_end(&x);
	}
	pxml_end(&x);
	return pxml_close(&x, e);
}
