/* summary: the shared parts of SEP<MAC>.cnf.xml, rendered once per device pool and per SIP
 * profile: <devicePool> (date/time, CallManager group) and the <sipProfile> children that come
 * before <sipLines>.
 *
 * Element names and order follow a CUCM-generated file (shared/spec/cnf-xml.md, "CUCM-generated
 * SEP file"); values the database does not hold are CUCM's defaults from that file.
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <stdlib.h>

/* Members in priority order (the phone tries priority 0 first and fails over down the list). */
static void
sorted_members(const struct store_pool *pool, const struct store_cm_member *out[])
{
	int n = pool->n_members;
	for (int i = 0; i < n; i++)
		out[i] = &pool->members[i];
	for (int i = 1; i < n; i++) /* insertion sort: at most 5, stable */
		for (int j = i; j > 0 && out[j - 1]->priority > out[j]->priority; j--) {
			const struct store_cm_member *t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
}

void
prov_cnf_cm_group(struct pxml *x, const struct store_pool *pool, int tftp_default)
{
	const struct store_cm_member *m[STORE_MAX_CM_MEMBERS];
	int n = pool->n_members > STORE_MAX_CM_MEMBERS ? STORE_MAX_CM_MEMBERS : pool->n_members;

	sorted_members(pool, m);
	pxml_start(x, "callManagerGroup");
	pxml_el(x, "name", pool->cm_group);
	pxml_el(x, "tftpDefault", tftp_default ? "true" : "false");
	pxml_start(x, "members");
	for (int i = 0; i < n; i++) {
		char prio[12];
		/* Why renumber: phones read priority as a rank 0..4; the database may hold gaps. */
		snprintf(prio, sizeof prio, "%d", i);
		pxml_start(x, "member");
		pxml_attr(x, "priority", prio);
		pxml_start(x, "callManager");
		pxml_el(x, "name", m[i]->node);
		pxml_el(x, "description", m[i]->node);
		pxml_start(x, "ports");
		pxml_eli(x, "ethernetPhonePort", 2000); /* SCCP port; CUCM always lists it */
		pxml_eli(x, "sipPort", m[i]->sip_port);
		pxml_eli(x, "securedSipPort", m[i]->sips_port);
		pxml_end(x);
		pxml_el(x, "processNodeName", m[i]->address);
		pxml_end(x);
		pxml_end(x);
	}
	pxml_end(x);
	pxml_end(x);
}

int
prov_cnf_pool_frag(const struct store_pool *pool, struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml x;
	if (pxml_open(&x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(&x, "devicePool");
	pxml_eli(&x, "revertPriority", 0);
	pxml_el(&x, "name", pool->name);
	pxml_start(&x, "dateTimeSetting");
	pxml_el(&x, "name", pool->datetime_group);
	pxml_el(&x, "dateTemplate", pool->date_template);
	pxml_el(&x, "timeZone", pool->tz_windows);
	pxml_el(&x, "olsonTimeZone", pool->tz_olson);
	if (pool->n_ntp > 0) {
		pxml_start(&x, "ntps");
		for (int i = 0; i < pool->n_ntp && i < STORE_MAX_NTP; i++) {
			pxml_start(&x, "ntp");
			pxml_el(&x, "name", pool->ntp[i]);
			pxml_el(&x, "nameV6", NULL);
			pxml_el(&x, "ntpMode", "Unicast"); /* CUCM's spelling */
			pxml_end(&x);
		}
		pxml_end(&x);
	}
	pxml_end(&x);
	prov_cnf_cm_group(&x, pool, 0);
	/* SRST is not offered: CUCM's "Disable" reference, so phones do not look for a gateway. */
	pxml_start(&x, "srstInfo");
	pxml_el(&x, "name", "Disable");
	pxml_el(&x, "srstOption", "Disable");
	pxml_el(&x, "userModifiable", "false");
	pxml_el(&x, "isSecure", "false");
	pxml_end(&x);
	pxml_eli(&x, "connectionMonitorDuration", 120);
	pxml_end(&x);
	return pxml_close(&x, e);
}

static const char *const call_features[][2] = {
    {"cnfJoinEnabled", "true"},
    {"callForwardURI", "x-cisco-serviceuri-cfwdall"},
    {"callPickupURI", "x-cisco-serviceuri-pickup"},
    {"callPickupListURI", "x-cisco-serviceuri-opickup"},
    {"callPickupGroupURI", "x-cisco-serviceuri-gpickup"},
    {"meetMeServiceURI", "x-cisco-serviceuri-meetme"},
    {"abbreviatedDialURI", "x-cisco-serviceuri-abbrdial"},
    {"rfc2543Hold", "false"},
    {"callHoldRingback", "2"},
    {"URIDialingDisplayPreference", "1"}, /* CUCM's capitalisation (usecallmanager: uri…) */
    {"localCfwdEnable", "true"},
    {"semiAttendedTransfer", "true"},
    {"anonymousCallBlock", "2"},
    {"callerIdBlocking", "2"},
    {"dndControl", "0"},
    {"remoteCcEnable", "true"},
    {"retainForwardInformation", "false"},
};

/* Profile-level settings after <sipStack>, CUCM defaults. */
static const char *const profile_tail[][2] = {
    {"autoAnswerTimer", "1"},
    {"autoAnswerAltBehavior", "false"},
    {"autoAnswerOverride", "true"},
    {"transferOnhookEnabled", "false"},
    {"enableVad", "false"},
    {"preferredCodec", "none"},
    {"dtmfAvtPayload", "101"},
    {"dtmfDbLevel", "3"},
    {"dtmfOutofBand", "avt"},
    {"alwaysUsePrimeLine", "false"},
    {"alwaysUsePrimeLineVoiceMail", "false"},
    {"kpml", "3"},
    {"phoneLabel", ""},
    {"stutterMsgWaiting", "2"},
    {"callStats", "true"},
    {"offhookToFirstDigitTimer", "15000"},
    {"silentPeriodBetweenCallWaitingBursts", "10"},
    {"disableLocalSpeedDialConfig", "false"},
    {"poundEndOfDial", "false"},
    {"startMediaPort", "16384"},
    {"stopMediaPort", "32766"},
    {"natEnabled", "false"},
    {"natReceivedProcessing", "false"},
    {"natAddress", ""},
};

int
prov_cnf_sip_frag(const struct store_sip_profile *sp, struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml x;
	if (pxml_open(&x, out, 0) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	/* USECALLMANAGER: the proxies are the CallManager group members (CUCM writes this). */
	pxml_start(&x, "sipProxies");
	pxml_el(&x, "backupProxy", "USECALLMANAGER");
	pxml_eli(&x, "backupProxyPort", 5060);
	pxml_el(&x, "emergencyProxy", "USECALLMANAGER");
	pxml_eli(&x, "emergencyProxyPort", 5060);
	pxml_el(&x, "outboundProxy", "USECALLMANAGER");
	pxml_eli(&x, "outboundProxyPort", 5060);
	pxml_el(&x, "registerWithProxy", "true");
	pxml_end(&x);
	pxml_start(&x, "sipCallFeatures");
	for (size_t i = 0; i < sizeof call_features / sizeof call_features[0]; i++)
		pxml_el(&x, call_features[i][0], call_features[i][1]);
	pxml_end(&x);
	pxml_start(&x, "sipStack");
	pxml_eli(&x, "sipInviteRetx", 6);
	pxml_eli(&x, "sipRetx", 10);
	pxml_eli(&x, "timerInviteExpires", 180);
	pxml_eli(&x, "timerRegisterExpires", sp->register_expires);
	pxml_eli(&x, "timerRegisterDelta", sp->register_delta);
	pxml_eli(&x, "timerKeepAliveExpires", sp->keepalive_expires);
	pxml_eli(&x, "timerSubscribeExpires", 120);
	pxml_eli(&x, "timerSubscribeDelta", 5);
	pxml_eli(&x, "timerT1", 500);
	pxml_eli(&x, "timerT2", 4000);
	pxml_eli(&x, "maxRedirects", 70);
	pxml_el(&x, "remotePartyID", "true");
	pxml_el(&x, "userInfo", "None");
	pxml_end(&x);
	for (size_t i = 0; i < sizeof profile_tail / sizeof profile_tail[0]; i++)
		pxml_el(&x, profile_tail[i][0], profile_tail[i][1]);
	return pxml_close(&x, e);
}
