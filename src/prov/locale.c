/* summary: CUCM user-locale names → the langCode a phone expects in <userLocale><langCode>.
 *
 * The names are CUCM's locale installer folder names (what <userLocale><name> carries and what the
 * phone uses as the TFTP folder for its locale jar); langCode is the Java-style code CUCM writes
 * beside it (CUCM-generated file: English_United_States / en_US).
 */
#include "prov/prov_priv.h"

#include <string.h>

static const struct {
	const char *name, *lang;
} locales[] = {
    {"Chinese_China", "zh_CN"},		 {"Chinese_Taiwan", "zh_TW"},
    {"Danish_Denmark", "da_DK"},	 {"Dutch_Netherlands", "nl_NL"},
    {"English_United_Kingdom", "en_GB"}, {"English_United_States", "en_US"},
    {"Finnish_Finland", "fi_FI"},	 {"French_Canada", "fr_CA"},
    {"French_France", "fr_FR"},		 {"German_Germany", "de_DE"},
    {"Italian_Italy", "it_IT"},		 {"Japanese_Japan", "ja_JP"},
    {"Korean_Korea_Republic", "ko_KR"},	 {"Norwegian_Norway", "no_NO"},
    {"Polish_Poland", "pl_PL"},		 {"Portuguese_Brazil", "pt_BR"},
    {"Portuguese_Portugal", "pt_PT"},	 {"Russian_Russian_Federation", "ru_RU"},
    {"Spanish_Spain", "es_ES"},		 {"Swedish_Sweden", "sv_SE"},
};

const char *
prov_locale_lang(const char *user_locale)
{
	for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
		if (strcmp(locales[i].name, user_locale) == 0)
			return locales[i].lang;
	return "";
}
