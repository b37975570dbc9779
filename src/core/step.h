/* summary: the one enum of the 14 boot steps, shared by the simulator, the traces and the analyzer.
 * Source: shared/spec/README.md (Cisco TechNote 220669 and the 8800 admin guide start-up table). */
#ifndef DT_CORE_STEP_H
#define DT_CORE_STEP_H

enum dt_boot_step {
	DT_STEP_NONE = 0,
	DT_STEP_LOAD_FIRMWARE = 1,    /* boot the active load from flash */
	DT_STEP_LEARN_VOICE_VLAN = 2, /* CDP VoIP VLAN Reply / LLDP-MED network policy */
	DT_STEP_DHCP = 3,	      /* DORA: address, mask, router, DNS, option 150/66 */
	DT_STEP_GET_CTL = 4,	      /* CTLSEP<MAC>.tlv: found only in mixed mode */
	DT_STEP_GET_ITL = 5,	      /* ITLSEP<MAC>.tlv: Security By Default */
	DT_STEP_GET_CONFIG = 6,	      /* SEP<MAC>.cnf.xml, else XMLDefault.cnf.xml */
	DT_STEP_CHECK_FIRMWARE =
	    7, /* <loadInformation> differs: fetch <load>.loads and its files */
	DT_STEP_GET_DIAL_RULES = 8, /* <dialTemplate> file */
	DT_STEP_CONNECT_CM = 9,	    /* TCP/TLS to the highest-priority CallManager */
	DT_STEP_SIP_REGISTER = 10,  /* REGISTER → (401 →) 200 OK */
	DT_STEP_GET_LOCALE = 11,    /* user and network locale files */
	DT_STEP_GET_SOFTKEYS = 12,  /* <softKeyFile> */
	DT_STEP_GET_RINGTONES = 13, /* Ringlist.xml, Ringlist-wb.xml, Desktops list */
	DT_STEP_REGISTERED = 14,    /* admin shows Registered; the phone shows its DN */
	DT_STEP__COUNT
};

/* Stable machine name of a step ("get_config"), as in the spec's enum column; "none" for 0 and
 * "unknown" out of range. */
const char *dt_step_name(int step);
/* Short human title ("Get config file"). */
const char *dt_step_title(int step);
/* Step number for a machine name, or DT_STEP_NONE. */
int dt_step_from_name(const char *name);

#endif
