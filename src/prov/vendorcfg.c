/* summary: <vendorConfig> per model family (store_model.vendor_cfg: 78xx, 7832, 88xx, 8845_65,
 * 8832), rendered once per model.
 *
 * Element names are the phone firmware's (usecallmanager SEPMAC.cnf.xml for 78xx/88xx, the same
 * names in a CUCM-generated 7821 file). Values are chosen for a system whose job is
 * troubleshooting: the phone's web page is on (webAccess 0 = ENABLED, an inverted flag), SSH is
 * off (sshAccess 1 = disabled), CDP and LLDP on the switch port so step 2 can be observed.
 */
#include "prov/prov_priv.h"

#include <string.h>

#define F_78	(1u << 0) /* 7811/7821/7841/7861 */
#define F_7832	(1u << 1) /* conference phone */
#define F_88	(1u << 2) /* 8811/8841/8851/8861 */
#define F_8845	(1u << 3) /* 8845/8865: video */
#define F_8832	(1u << 4) /* conference phone */
#define F_ALL	0x1fu
#define F_DESK	(F_78 | F_88 | F_8845)
#define F_88ALL (F_88 | F_8845)

static const struct {
	const char *name, *value;
	unsigned families;
} knobs[] = {
    {"disableSpeaker", "false", F_DESK},
    {"disableSpeakerAndHeadset", "false", F_DESK},
    {"pcPort", "0", F_DESK},	   /* 0 = enabled */
    {"spanToPCPort", "1", F_DESK}, /* 1 = disabled */
    {"garp", "1", F_ALL},	   /* 1 = ignore gratuitous ARP */
    {"voiceVlanAccess", "0", F_DESK},
    {"videoCapability", "1", F_8845},
    {"ciscoCamera", "1", F_8845},
    {"usb1", "1", F_88ALL},
    {"bluetooth", "1", F_88ALL},
    {"ehookEnable", "0", F_DESK},
    {"recentsSoftKey", "1", F_DESK},
    {"settingsAccess", "1", F_ALL},
    {"webProtocol", "0", F_ALL},
    {"webAccess", "0", F_ALL}, /* 0 = enabled */
    {"sshAccess", "1", F_ALL}, /* 1 = disabled */
    {"detectCMConnectionFailure", "0", F_ALL},
    {"g722CodecSupport", "1", F_ALL},
    {"handsetWidebandEnable", "2", F_DESK},
    {"headsetWidebandEnable", "2", F_DESK},
    {"peerFirmwareSharing", "0", F_ALL},
    {"loadServer", "", F_ALL},
    {"enableCdpSwPort", "1", F_ALL},
    {"enableCdpPcPort", "0", F_DESK},
    {"enableLldpSwPort", "1", F_ALL},
    {"enableLldpPcPort", "0", F_DESK},
    {"cdpEnable", "true", F_ALL},
    {"powerNegotiation", "0", F_ALL},
};

static unsigned
family_bit(const char *fam)
{
	if (strcmp(fam, "78xx") == 0)
		return F_78;
	if (strcmp(fam, "7832") == 0)
		return F_7832;
	if (strcmp(fam, "88xx") == 0)
		return F_88;
	if (strcmp(fam, "8845_65") == 0)
		return F_8845;
	if (strcmp(fam, "8832") == 0)
		return F_8832;
	return 0; /* unknown family: only the knobs every family reads */
}

int
prov_cnf_vendor_frag(const struct store_model *m, struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml x;
	unsigned fam = family_bit(m->vendor_cfg);

	if (pxml_open(&x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(&x, "vendorConfig");
	for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
		if ((fam ? fam : F_ALL) & knobs[i].families && (fam || knobs[i].families == F_ALL))
			pxml_el(&x, knobs[i].name, knobs[i].value);
	pxml_end(&x);
	return pxml_close(&x, e);
}
