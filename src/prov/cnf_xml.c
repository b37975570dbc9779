/* summary: SEP<MAC>.cnf.xml for one SIP device: the shared fragments (device pool, SIP profile,
 * vendorConfig) pasted around the device's own elements (lines, load, locales, security).
 *
 * Everything that does not vary per device is a fragment rendered once (per file set, pool, SIP
 * profile, common profile or model) and pasted: a device writes ~60 elements of its own instead of
 * ~250, which is what makes 100,000 files fit in the build budget (docs/decisions.md).
 * Layout and spelling follow the CUCM-generated file quoted in shared/spec/cnf-xml.md (the phone
 * firmware matches names case-sensitively); docs/protocols/cnf-xml.md lists every element with
 * where its value comes from. The <versionStamp> is a hash of the file itself, so rebuilding an
 * unchanged database yields byte-identical files and phones see "no change".
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <string.h>

const char *
prov_cnf_load(const struct prov_dev_in *in)
{
	return in->load && in->load[0] ? in->load : in->model->default_load;
}

/* The transport the phone registers over: TLS whenever the security profile asks for it
 * (authenticated and encrypted both run SIP over TLS to securedSipPort), else the SIP profile's. */
static int
transport(const struct prov_dev_in *in)
{
	if (in->security >= STORE_SEC_AUTHENTICATED)
		return 3;
	return in->sip->transport > 0 ? in->sip->transport : 1;
}

static int
line_port(const struct prov_dev_in *in)
{
	const struct store_pool *p = in->pool;
	int best = -1;
	for (int i = 0; i < p->n_members; i++)
		if (best < 0 || p->members[i].priority < p->members[best].priority)
			best = i;
	return best < 0 ? 5060 : p->members[best].sip_port;
}

static void
write_line(struct pxml *x, const struct prov_dev_in *in, const struct prov_line_in *l, int index,
	   const struct pbuf *line_frag)
{
	char num[24];

	pxml_start(x, "line");
	pxml_attr(x, "button", prov_ltoa(l->button, num));
	pxml_attr(x, "lineIndex", prov_ltoa(index, num));
	pxml_eli(x, "featureID", 9); /* 9 = a line (2 speed dial, 21 BLF …) */
	pxml_el(x, "featureLabel", l->label && l->label[0] ? l->label : l->dn);
	pxml_el(x, "proxy", "USECALLMANAGER");
	pxml_eli(x, "port", line_port(in));
	pxml_el(x, "name", l->dn);
	pxml_el(x, "displayName", l->display);
	/* Digest credentials only where the line has a password: a phone sends authName in the
	 * Authorization header when challenged; an empty pair would make it answer with nothing. */
	if (l->password && l->password[0]) {
		pxml_el(x, "authName", l->auth_user && l->auth_user[0] ? l->auth_user : l->dn);
		pxml_el(x, "authPassword", l->password);
	}
	/* Contact user part = the DN: the registrar maps a binding to its line by it. CUCM puts a
	 * per-appearance UUID here; any unique token per appearance works for the phone. */
	pxml_el(x, "contact", l->dn);
	pxml_el(x, "sharedLine", l->shared ? "true" : "false");
	pxml_raw(x, line_frag);
	pxml_end(x);
}

/* The per-line settings no database field changes (usecallmanager order after <sharedLine>;
 * sources order a line's children differently, the firmware looks them up by name). */
int
prov_cnf_line_frag(struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml y, *x = &y;
	if (pxml_open(x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(x, "autoAnswer");
	pxml_eli(x, "autoAnswerEnabled", 2); /* 2 = off (CUCM) */
	pxml_end(x);
	pxml_eli(x, "callWaiting", 3);
	pxml_eli(x, "messageWaitingLampPolicy", 3);
	pxml_eli(x, "messageWaitingAMWI", 0);
	pxml_el(x, "messagesNumber", NULL);
	pxml_eli(x, "ringSettingIdle", 4);
	pxml_eli(x, "ringSettingActive", 5);
	pxml_start(x, "forwardCallInfoDisplay");
	pxml_el(x, "callerName", "true");
	pxml_el(x, "callerNumber", "false");
	pxml_el(x, "redirectedNumber", "false");
	pxml_el(x, "dialedNumber", "true");
	pxml_end(x);
	pxml_eli(x, "maxNumCalls", 4);
	pxml_eli(x, "busyTrigger", 2);
	return pxml_close(x, e);
}

static void
write_locales(struct pxml *x, const struct prov_dev_in *in)
{
	const char *ul =
	    in->user_locale && in->user_locale[0] ? in->user_locale : in->pool->user_locale;
	const char *nl = in->network_locale && in->network_locale[0] ? in->network_locale
								     : in->pool->network_locale;
	pxml_start(x, "userLocale");
	pxml_el(x, "name", ul);
	pxml_eli(x, "uid", 1);
	pxml_el(x, "langCode", prov_locale_lang(ul));
	pxml_el(x, "version", NULL);
	pxml_el(x, "winCharSet", "utf-8"); /* the file is UTF-8: names may hold any script */
	pxml_end(x);
	pxml_el(x, "networkLocale", nl);
	pxml_start(x, "networkLocaleInfo");
	pxml_el(x, "name", nl);
	pxml_el(x, "version", NULL);
	pxml_end(x);
}

static const char *const urls[] = {
    "authenticationURL",
    "directoryURL",
    "idleURL",
    "informationURL",
    "messagesURL",
    "proxyServerURL",
    "servicesURL",
    "secureAuthenticationURL",
    "secureDirectoryURL",
    "secureIdleURL",
    "secureInformationURL",
    "secureMessagesURL",
    "secureServicesURL",
};

static const char *const services[][3] = {
    {"1", "Missed Calls", "Application:Cisco/MissedCalls"},
    {"2", "Voicemail", "Application:Cisco/Voicemail"},
    {"1", "Received Calls", "Application:Cisco/ReceivedCalls"},
    {"1", "Placed Calls", "Application:Cisco/PlacedCalls"},
};

/* The elements after the locales that no database field changes, rendered once. */
int
prov_cnf_tail_frag(struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml y, *x = &y;
	if (pxml_open(x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_eli(x, "idleTimeout", 0);
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
		pxml_el(x, urls[i], NULL);
	pxml_eli(x, "dndCallAlert", 5);
	pxml_eli(x, "phonePersonalization", 1);
	pxml_eli(x, "rollover", 0);
	pxml_eli(x, "joinAcrossLines", 0);
	pxml_el(x, "autoCallPickupEnable", "false");
	pxml_eli(x, "blfAudibleAlertSettingOfIdleStation", 0);
	pxml_eli(x, "blfAudibleAlertSettingOfBusyStation", 0);
	pxml_eli(x, "capfAuthMode", 0);
	pxml_el(x, "certHash", NULL);
	pxml_el(x, "encrConfig", "false");
	pxml_eli(x, "advertiseG722Codec", 1);
	pxml_eli(x, "TLSResumptionTimer", 3600);
	pxml_start(x, "phoneServices");
	pxml_attr(x, "useHTTPS", "false");
	pxml_eli(x, "provisioning", 0);
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
		pxml_start(x, "phoneService");
		pxml_attr(x, "type", services[i][0]);
		pxml_attr(x, "category", "0");
		pxml_el(x, "name", services[i][1]);
		pxml_el(x, "url", services[i][2]);
		pxml_el(x, "vendor", NULL);
		pxml_el(x, "version", NULL);
		pxml_end(x);
	}
	pxml_end(x);
	return pxml_close(x, e);
}

/* The elements before <devicePool>, identical in every file, rendered once. */
int
prov_cnf_head_frag(struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml x;
	if (pxml_open(&x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_el(&x, "fullConfig", "true");
	pxml_el(&x, "deviceProtocol", "SIP");
	pxml_el(&x, "sshUserId", NULL);
	pxml_el(&x, "sshPassword", NULL);
	pxml_eli(&x, "ipAddressMode", 0); /* IPv4 only */
	pxml_el(&x, "allowAutoConfig", "true");
	pxml_el(&x, "dadEnable", "true");
	pxml_el(&x, "redirectEnable", "false");
	pxml_el(&x, "echoMultiEnable", "false");
	pxml_eli(&x, "ipPreferenceModeControl", 0);
	pxml_eli(&x, "ipMediaAddressFamilyPreference", 0);
	return pxml_close(&x, e);
}

/* <commonProfile>, rendered once per common phone profile (NULL: CUCM's defaults). */
int
prov_cnf_common_frag(const struct store_common_profile *cp, struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml y, *x = &y;
	if (pxml_open(x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(x, "commonProfile");
	pxml_el(x, "phonePassword", cp ? cp->phone_password : NULL);
	pxml_el(x, "backgroundImageAccess", !cp || cp->background_image_access ? "true" : "false");
	pxml_eli(x, "callLogBlfEnabled", cp ? cp->call_log_blf_enabled : 2);
	pxml_end(x);
	return pxml_close(x, e);
}

int
prov_cnf_device(const struct prov_dev_in *in, const struct prov_cnf_frags *fr, struct pbuf *out,
		struct dt_errbuf *e)
{
	struct pxml x;
	size_t mark = 0;
	int rc, index = 0;

	if (pxml_open(&x, out, 1) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(&x, "device");
	pxml_raw(&x, &fr->head);
	pxml_raw(&x, &fr->pool);
	pxml_start(&x, "sipProfile");
	pxml_raw(&x, &fr->sip);
	pxml_start(&x, "sipLines");
	for (int i = 0; i < in->n_lines; i++)
		write_line(&x, in, &in->lines[i], ++index, &fr->line);
	pxml_end(&x);
	pxml_el(&x, "externalNumberMask", NULL);
	pxml_eli(&x, "voipControlPort", line_port(in));
	pxml_eli(&x, "dscpForAudio", 184);
	pxml_eli(&x, "dscpVideo", 136);
	pxml_eli(&x, "ringSettingBusyStationPolicy", 0);
	pxml_el(&x, "dialTemplate", in->dial_file);
	pxml_el(&x, "softKeyFile", in->softkey_file);
	pxml_end(&x);
	pxml_eli(&x, "MissedCallLoggingOption", 1);
	pxml_el(&x, "featurePolicyFile", NULL);
	pxml_raw(&x, &fr->common);
	pxml_el(&x, "loadInformation", prov_cnf_load(in));
	pxml_el(&x, "inactiveLoadInformation", NULL);
	pxml_raw(&x, &fr->vendor);
	prov_stamp_begin(&x, &mark);
	write_locales(&x, in);
	pxml_eli(&x, "deviceSecurityMode", in->security ? in->security : STORE_SEC_NON_SECURE);
	pxml_eli(&x, "transportLayerProtocol", transport(in));
	pxml_raw(&x, &fr->tail);
	pxml_end(&x);
	if ((rc = pxml_close(&x, e)) != DT_OK)
		return rc;
	prov_stamp_finish(out, mark, in->hash);
	return DT_OK;
}

void
prov_cnf_frags_free(struct prov_cnf_frags *fr)
{
	pbuf_free(&fr->head);
	pbuf_free(&fr->pool);
	pbuf_free(&fr->sip);
	pbuf_free(&fr->common);
	pbuf_free(&fr->vendor);
	pbuf_free(&fr->tail);
	pbuf_free(&fr->line);
}

int
prov_cnf_xml(const struct prov_dev_in *in, struct pbuf *out, struct dt_errbuf *e)
{
	struct prov_cnf_frags fr;
	int rc;

	memset(&fr, 0, sizeof fr);
	rc = prov_cnf_head_frag(&fr.head, e);
	if (rc == DT_OK)
		rc = prov_cnf_pool_frag(in->pool, &fr.pool, e);
	if (rc == DT_OK)
		rc = prov_cnf_sip_frag(in->sip, &fr.sip, e);
	if (rc == DT_OK)
		rc = prov_cnf_common_frag(in->common, &fr.common, e);
	if (rc == DT_OK)
		rc = prov_cnf_vendor_frag(in->model, &fr.vendor, e);
	if (rc == DT_OK)
		rc = prov_cnf_tail_frag(&fr.tail, e);
	if (rc == DT_OK)
		rc = prov_cnf_line_frag(&fr.line, e);
	if (rc == DT_OK)
		rc = prov_cnf_device(in, &fr, out, e);
	prov_cnf_frags_free(&fr);
	return rc;
}
