/* summary: names and titles of the 14 boot steps (one table, designated initializers). */
#include "core/step.h"

#include <string.h>

static const struct {
	const char *name;
	const char *title;
} step_table[DT_STEP__COUNT] = {
    [DT_STEP_NONE] = {"none", "No step"},
    [DT_STEP_LOAD_FIRMWARE] = {"load_firmware", "Boot firmware from flash"},
    [DT_STEP_LEARN_VOICE_VLAN] = {"learn_voice_vlan", "Learn voice VLAN (CDP/LLDP-MED)"},
    [DT_STEP_DHCP] = {"dhcp", "DHCP (address and TFTP servers)"},
    [DT_STEP_GET_CTL] = {"get_ctl", "Get CTL file"},
    [DT_STEP_GET_ITL] = {"get_itl", "Get ITL file"},
    [DT_STEP_GET_CONFIG] = {"get_config", "Get SEP<MAC>.cnf.xml"},
    [DT_STEP_CHECK_FIRMWARE] = {"check_firmware", "Check and upgrade firmware"},
    [DT_STEP_GET_DIAL_RULES] = {"get_dial_rules", "Get SIP dial rules"},
    [DT_STEP_CONNECT_CM] = {"connect_cm", "Connect to CallManager"},
    [DT_STEP_SIP_REGISTER] = {"sip_register", "SIP REGISTER"},
    [DT_STEP_GET_LOCALE] = {"get_locale", "Get locale files"},
    [DT_STEP_GET_SOFTKEYS] = {"get_softkeys", "Get softkey file"},
    [DT_STEP_GET_RINGTONES] = {"get_ringtones", "Get ringtones"},
    [DT_STEP_REGISTERED] = {"registered", "Registered"},
};

const char *
dt_step_name(int step)
{
	if (step < 0 || step >= DT_STEP__COUNT)
		return "unknown";
	return step_table[step].name;
}

const char *
dt_step_title(int step)
{
	if (step < 0 || step >= DT_STEP__COUNT)
		return "Unknown step";
	return step_table[step].title;
}

int
dt_step_from_name(const char *name)
{
	for (int i = 1; i < DT_STEP__COUNT; i++)
		if (strcmp(step_table[i].name, name) == 0)
			return i;
	return DT_STEP_NONE;
}
