/* summary: tests for xmldefault.c, dialrules.c, softkeys.c and ringlist.c: each file parsed back
 * with libxml2 and checked with XPath, and compared with the real reference files. */
#include "dt_test.h"
#include "prov_test.h"

#define REAL "../shared/real-world/cisco-config/"

static struct store_model
model(const char *name, const char *product, int type, const char *load)
{
	struct store_model m;
	memset(&m, 0, sizeof m);
	snprintf(m.name, sizeof m.name, "%s", name);
	snprintf(m.product, sizeof m.product, "%s", product);
	m.type_num = type;
	snprintf(m.default_load, sizeof m.default_load, "%s", load);
	return m;
}

static void
test_xmldefault_per_model(void **state)
{
	struct pt_fixture f;
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	struct store_model ms[3] = {
	    model("8861", "Cisco 8861", 685, "sip88xx.14-2-1-0001-14"),
	    model("7821", "Cisco 7821", 621, "sip78xx.14-2-1-0001-14"),
	    model("8845", "Cisco 8845", 36224, "sip8845_65.14-2-1-0001-14"),
	};
	pt_fixture_init(&f);
	f.pool.members[1] = (struct store_cm_member){1, "cm2", "10.0.0.11", 5060, 5061};
	f.pool.n_members = 2;
	assert_int_equal(prov_xmldefault(&f.pool, ms, 3, 1, &b, &e), DT_OK);
	assert_int_equal(
	    prov_validate(PROV_K_XMLDEFAULT, "XMLDefault.cnf.xml", NULL, b.p, b.len, &e), DT_OK);
	xmlDocPtr d = pt_parse(b.p, b.len);
	assert_non_null(d);
	assert_string_equal(pt_text(d, "/Default/loadInformation685/@model"), "Cisco 8861");
	assert_string_equal(pt_text(d, "/Default/loadInformation685"), "sip88xx.14-2-1-0001-14");
	assert_string_equal(pt_text(d, "/Default/loadInformation621"), "sip78xx.14-2-1-0001-14");
	assert_string_equal(pt_text(d, "/Default/loadInformation36224"),
			    "sip8845_65.14-2-1-0001-14");
	/* Ordered by type number, whatever the catalogue order. */
	assert_int_equal(pt_count(d, "/Default/*[starts-with(name(), 'loadInformation')][1]"
				     "[self::loadInformation621]"),
			 1);
	assert_int_equal(pt_count(d, "/Default/loadInformation621/following-sibling::"
				     "loadInformation685"),
			 1);
	assert_int_equal(pt_count(d, "/Default/callManagerGroup/members/member"), 2);
	assert_string_equal(
	    pt_text(d, "/Default/callManagerGroup/members/member[@priority='1']/callManager/"
		       "processNodeName"),
	    "10.0.0.11");
	assert_string_equal(
	    pt_text(d, "/Default/callManagerGroup/members/member[1]/callManager/ports/sipPort"),
	    "5060");
	assert_string_equal(pt_text(d, "/Default/autoRegistration"), "enabled");
	xmlFreeDoc(d);

	/* No default pool: the file is produced but refused by validation, named. */
	pbuf_reset(&b);
	assert_int_equal(prov_xmldefault(NULL, ms, 3, 0, &b, &e), DT_OK);
	assert_int_equal(
	    prov_validate(PROV_K_XMLDEFAULT, "XMLDefault.cnf.xml", NULL, b.p, b.len, &e),
	    DT_EINVAL);
	assert_non_null(strstr(e.msg, "Default/callManagerGroup/members/member is missing"));
	pbuf_free(&b);
}

/* Our XMLDefault uses the same element spelling as the real chan-sccp one. */
static void
test_xmldefault_spelling_matches_real_file(void **state)
{
	FILE *fp = fopen(REAL "chan-sccp/XMLDefault.cnf.xml", "rb");
	char buf[20000];
	size_t n;
	if (!fp) {
		skip();
		return;
	}
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* The real file lists the 8861 as 685 with model "Cisco 8861": same number, same form. */
	assert_non_null(strstr(buf, "<loadInformation685    model=\"Cisco 8861\">"));
	assert_non_null(strstr(buf, "<loadInformation621    model=\"Cisco 7821\">"));
}

static void
test_dialrules(void **state)
{
	struct store_dial_rule r[3] = {
	    {0, "3..", 1, "Phone"}, {1, "9.T", 0, "IP"}, {2, "*", 3, "Phone"}};
	struct pbuf b = {0}, b2 = {0};
	struct dt_errbuf e = {0, ""};
	assert_int_equal(prov_dialrules(r, 3, &b, &e), DT_OK);
	assert_int_equal(prov_validate(PROV_K_DIALRULES, "DialTemplate.xml", NULL, b.p, b.len, &e),
			 DT_OK);
	xmlDocPtr d = pt_parse(b.p, b.len);
	assert_int_equal(pt_count(d, "/dialTemplate/TEMPLATE"), 3);
	assert_string_equal(pt_text(d, "/dialTemplate/TEMPLATE[1]/@match"), "3..");
	assert_string_equal(pt_text(d, "/dialTemplate/TEMPLATE[1]/@timeout"), "1");
	assert_int_equal(pt_count(d, "/dialTemplate/TEMPLATE[1]/@user"), 0);
	assert_string_equal(pt_text(d, "/dialTemplate/TEMPLATE[2]/@user"), "IP");
	assert_string_equal(pt_text(d, "/dialTemplate/TEMPLATE[3]/@match"), "*");
	assert_int_equal(pt_count(d, "/dialTemplate/versionStamp"), 1);
	xmlFreeDoc(d);
	/* Same rules, same bytes. */
	assert_int_equal(prov_dialrules(r, 3, &b2, &e), DT_OK);
	assert_int_equal(b.len, b2.len);
	assert_memory_equal(b.p, b2.p, b.len);
	pbuf_free(&b);
	pbuf_free(&b2);
}

/* Our softkey catalogue carries the firmware's numbers: compare every keyID with the real
 * usecallmanager SoftKeys.xml. */
static void
test_softkeys_match_real_catalogue(void **state)
{
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	xmlDocPtr real = xmlReadFile(REAL "usecallmanagernz-tftpboot/SoftKeys.xml", NULL,
				     XML_PARSE_NONET | XML_PARSE_NOERROR);
	assert_int_equal(prov_softkeys(&b, &e), DT_OK);
	assert_int_equal(prov_validate(PROV_K_SOFTKEYS, "SoftKeys.xml", NULL, b.p, b.len, &e),
			 DT_OK);
	xmlDocPtr d = pt_parse(b.p, b.len);
	int n = pt_count(d, "/softKeyCfg/typeSoftKey/softKeyDef");
	assert_true(n >= 20);
	assert_int_equal(pt_count(d, "/softKeyCfg/softKeySets/softKeySet[@id='On Hook']"), 1);
	assert_int_equal(pt_count(d, "/softKeyCfg/softKeySets/softKeySet[@id='Connected']/"
				     "softKey[@keyID='Hold']"),
			 1);
	/* Every key a set uses is defined. */
	assert_int_equal(pt_count(d, "//softKey[not(@keyID = //softKeyDef/@keyID)]"), 0);
	if (!real) {
		xmlFreeDoc(d);
		pbuf_free(&b);
		skip();
		return;
	}
	for (int i = 1; i <= n; i++) {
		char x[160], key[64], want[160];
		snprintf(x, sizeof x, "/softKeyCfg/typeSoftKey/softKeyDef[%d]/@keyID", i);
		snprintf(key, sizeof key, "%s", pt_text(d, x));
		const char *fields[] = {"tag", "eventID", "helpID"};
		for (int k = 0; k < 3; k++) {
			snprintf(x, sizeof x, "//softKeyDef[@keyID=\"%s\"]/%s", key, fields[k]);
			snprintf(want, sizeof want, "%s", pt_text(real, x));
			assert_string_equal(pt_text(d, x), want);
		}
	}
	xmlFreeDoc(real);
	xmlFreeDoc(d);
	pbuf_free(&b);
}

static void
test_ringlist_narrow_and_wideband(void **state)
{
	struct store_ringtone r[2] = {{0, "CTU 24", "CTU_24.raw"},
				      {1, "Old Telephone", "Old_Telephone.raw"}};
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	assert_int_equal(prov_ringlist(r, 2, 0, &b, &e), DT_OK);
	assert_int_equal(prov_validate(PROV_K_RINGLIST, "Ringlist.xml", NULL, b.p, b.len, &e),
			 DT_OK);
	xmlDocPtr d = pt_parse(b.p, b.len);
	assert_int_equal(pt_count(d, "/CiscoIPPhoneRingList/Ring"), 2);
	assert_string_equal(pt_text(d, "/CiscoIPPhoneRingList/Ring[2]/DisplayName"),
			    "Old Telephone");
	assert_string_equal(pt_text(d, "/CiscoIPPhoneRingList/Ring[2]/FileName"),
			    "Old_Telephone.raw");
	xmlFreeDoc(d);
	pbuf_reset(&b);
	assert_int_equal(prov_ringlist(r, 2, 1, &b, &e), DT_OK);
	d = pt_parse(b.p, b.len);
	assert_string_equal(pt_text(d, "/CiscoIPPhoneRingList/Ring[1]/FileName"), "CTU_24.rwb");
	xmlFreeDoc(d);
	/* The same two tones as usecallmanager's Ringlist-wb.xml: identical element structure. */
	xmlDocPtr real = xmlReadFile(REAL "usecallmanagernz-tftpboot/Ringlist-wb.xml", NULL,
				     XML_PARSE_NONET | XML_PARSE_NOERROR);
	if (real) {
		d = pt_parse(b.p, b.len);
		for (int i = 1; i <= 2; i++) {
			char x[100], want[100];
			snprintf(x, sizeof x, "/CiscoIPPhoneRingList/Ring[%d]/FileName", i);
			snprintf(want, sizeof want, "%s", pt_text(real, x));
			assert_string_equal(pt_text(d, x), want);
			snprintf(x, sizeof x, "/CiscoIPPhoneRingList/Ring[%d]/DisplayName", i);
			snprintf(want, sizeof want, "%s", pt_text(real, x));
			assert_string_equal(pt_text(d, x), want);
		}
		xmlFreeDoc(d);
		xmlFreeDoc(real);
	}
	pbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xmldefault_per_model),
	    cmocka_unit_test(test_xmldefault_spelling_matches_real_file),
	    cmocka_unit_test(test_dialrules),
	    cmocka_unit_test(test_softkeys_match_real_catalogue),
	    cmocka_unit_test(test_ringlist_narrow_and_wideband),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
