/* summary: what a simulated phone knows about its own hardware: CUCM model number (sent as
 * +u.sip!model and used to pick loadInformation<N> in XMLDefault), load prefix and locale jar.
 * Source: shared/spec/cnf-xml.md model table and files.md jar names. The server side keeps its
 * catalogue in the database; a phone carries this in firmware, so the simulator has its own.
 */
#include "phone/phone_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct phone_model models[] = {
    {"7811", 36213, "sip78xx", "sp-sip.jar"},
    {"7821", 621, "sip78xx", "sp-sip.jar"},
    {"7841", 622, "sip78xx", "sp-sip.jar"},
    {"7861", 623, "sip78xx", "sp-sip.jar"},
    {"7832", 36247, "sip7832", "sp-sip.jar"},
    {"8811", 36217, "sip88xx", "sl-be-sip.jar"},
    {"8832", 36258, "sip8832", "sl-be-sip.jar"},
    {"8841", 683, "sip88xx", "sl-be-sip.jar"},
    {"8851", 684, "sip88xx", "sl-be-sip.jar"},
    {"8861", 685, "sip88xx", "sl-be-sip.jar"},
    {"8845", 36224, "sip8845_65", "sl-bev-sip.jar"},
    {"8865", 36225, "sip8845_65", "sl-bev-sip.jar"},
    {"7975", 437, "SIP75", "mk-sip.jar"},
    {"7941", 115, "SIP41", "mk-sip.jar"},
};

const struct phone_model *
phone_model_find(const char *name)
{
	char key[16];
	size_t n = 0;

	if (name == NULL || *name == '\0')
		name = "8851";
	/* Accept "CP-8851", "cp8851", "8851G": keep the first four digits. */
	for (const char *p = name; *p && n < 4; p++)
		if (isdigit((unsigned char)*p))
			key[n++] = *p;
	key[n] = '\0';
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
		if (strcmp(models[i].name, key) == 0)
			return &models[i];
	return NULL;
}
