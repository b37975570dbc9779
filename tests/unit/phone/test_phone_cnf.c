/* summary: unit tests for src/phone/phone_cnf.c against real third-party config files
 * (../shared/real-world/cisco-config/) and small inline documents. */
#include "dt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone/phone_priv.h"

#define RW "../shared/real-world/cisco-config/"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void
test_real_buba0_sep(void **state)
{
	size_t len;
	char *buf = slurp(RW "buba0-7900-8800/SEP2C73A02DF3E8.cnf.xml", &len);
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	if (!buf)
		skip();
	assert_int_equal(phone_cnf_parse(buf, len, "SEP2C73A02DF3E8.cnf.xml", 684, &c, &e), DT_OK);
	assert_int_equal(c.is_default, 0);
	assert_string_equal(c.device_protocol, "SIP");
	assert_int_equal(c.n_cm, 1);
	assert_string_equal(c.cm[0].host, "x.x.x.x");
	assert_int_equal(c.cm[0].sip_port, 5060);
	/* line 1 is the extension; button 2 is a speed dial (featureID 2) and is not a line */
	assert_int_equal(c.n_lines, 1);
	assert_string_equal(c.lines[0].name, "1995");
	assert_string_equal(c.lines[0].auth_name, "1995");
	assert_string_equal(c.lines[0].auth_password, "12345678");
	assert_string_equal(c.dial_template, "dialplan.xml");
	assert_string_equal(c.softkey_file, "softkeys.xml");
	assert_string_equal(c.user_locale, "English_United_States");
	assert_string_equal(c.load, "");
	assert_int_equal(c.reg_expires, 3600);
	assert_int_equal(c.reg_delta, 5);
	assert_int_equal(c.transport, 1);
	/* securedSipPort is 5060 in this file (a FreePBX quirk), read as written */
	assert_int_equal(c.cm[0].sips_port, 5060);
	assert_int_equal(c.tls, 0);
	free(buf);
}

static void
test_real_usecallmanager_template_has_no_cm(void **state)
{
	size_t len;
	char *buf = slurp(RW "usecallmanagernz-tftpboot/SEPMAC.cnf.xml", &len);
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	if (!buf)
		skip();
	/* The reference file leaves processNodeName empty: a phone cannot register from it. */
	assert_int_equal(phone_cnf_parse(buf, len, "SEPMAC.cnf.xml", 684, &c, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "SEPMAC.cnf.xml"));
	assert_non_null(strstr(e.msg, "CallManager"));
	assert_int_equal(c.n_lines, 1);
	assert_int_equal(c.reg_expires, 3600);
	free(buf);
}

static void
test_real_xmldefault(void **state)
{
	size_t len;
	char *buf = slurp(RW "chan-sccp/XMLDefault.cnf.xml", &len);
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	if (!buf)
		skip();
	assert_int_equal(phone_cnf_parse(buf, len, "XMLDefault.cnf.xml", 115, &c, &e), DT_OK);
	assert_int_equal(c.is_default, 1);
	assert_int_equal(c.n_cm, 2);
	assert_string_equal(c.cm[0].host, "10.0.0.1");
	assert_string_equal(c.cm[1].host, "10.0.0.2");
	assert_int_equal(c.cm[1].sip_port, 5060);
	assert_string_equal(c.load, "SCCP41.9-3-1SR4-1S");
	assert_int_equal(phone_cnf_parse(buf, len, "XMLDefault.cnf.xml", 684, &c, &e), DT_OK);
	assert_string_equal(c.load, "");
	free(buf);
}

static void
test_real_broken_xml_names_file_and_line(void **state)
{
	size_t len;
	char *buf = slurp(RW "chan-sccp/SEP0000000000.cnf.xml_annotated", &len);
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	if (!buf)
		skip();
	assert_int_equal(phone_cnf_parse(buf, len, "SEP000000000000.cnf.xml", 684, &c, &e),
			 DT_EINVAL);
	assert_non_null(strstr(e.msg, "SEP000000000000.cnf.xml:298:"));
	assert_non_null(strstr(e.msg, "WlanProfile"));
	free(buf);
}

static const char cucm_style[] =
    "<?xml version=\"1.0\"?>\n"
    "<device xsi:type=\"axl:XIPPhone\" ctiid=\"1\" uuid=\"{x}\">\n"
    "<deviceProtocol>SIP</deviceProtocol>\n"
    "<devicePool><callManagerGroup><members>\n"
    "<member priority=\"2\"><callManager><ports><sipPort>5070</sipPort></ports>"
    "<processNodeName>127.0.0.3</processNodeName></callManager></member>\n"
    "<member priority=\"0\"><callManager><ports><sipPort>5060</sipPort></ports>"
    "<processNodeName>127.0.0.1</processNodeName></callManager></member>\n"
    "<member priority=\"1\"><callManager><ports><sipPort>5062</sipPort></ports>"
    "<processNodeName>127.0.0.2</processNodeName></callManager></member>\n"
    "</members></callManagerGroup></devicePool>\n"
    "<sipProfile><sipLines><line button=\"1\" lineIndex=\"1\"><featureID>9</featureID>"
    "<name> 2001 </name><displayName>Lab</displayName><authName>u2001</authName>"
    "<authPassword>pw</authPassword></line></sipLines>"
    "<sipStack><timerRegisterExpires>600</timerRegisterExpires></sipStack></sipProfile>\n"
    "<loadInformation>sip88xx.14-3-1-0001-33</loadInformation>\n"
    "<inactiveLoadInformation>sip88xx.14-2-1-0001-14</inactiveLoadInformation>\n"
    "<networkLocaleInfo><name>New_Zealand</name></networkLocaleInfo>\n"
    "</device>\n";

static void
test_cucm_style_undeclared_prefix_and_priority_order(void **state)
{
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	assert_int_equal(
	    phone_cnf_parse(cucm_style, sizeof cucm_style - 1, "SEPX.cnf.xml", 684, &c, &e), DT_OK);
	assert_int_equal(c.n_cm, 3);
	assert_string_equal(c.cm[0].host, "127.0.0.1");
	assert_string_equal(c.cm[1].host, "127.0.0.2");
	assert_int_equal(c.cm[1].sip_port, 5062);
	assert_string_equal(c.cm[2].host, "127.0.0.3");
	assert_string_equal(c.lines[0].name, "2001");
	assert_string_equal(c.lines[0].auth_name, "u2001");
	assert_string_equal(c.load, "sip88xx.14-3-1-0001-33");
	assert_string_equal(c.inactive_load, "sip88xx.14-2-1-0001-14");
	assert_string_equal(c.network_locale, "New_Zealand");
	assert_int_equal(c.reg_expires, 600);
	assert_int_equal(c.reg_delta, 5);
	assert_int_equal(c.cm[0].sips_port, 5061);
	assert_int_equal(c.tls, 0);
}

static void
test_secure_device_uses_tls(void **state)
{
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	const char *x = "<device><devicePool><callManagerGroup><members><member priority=\"0\">"
			"<callManager><ports><sipPort>5060</sipPort><securedSipPort>5071"
			"</securedSipPort></ports><processNodeName>127.0.0.1</processNodeName>"
			"</callManager></member></members></callManagerGroup></devicePool>"
			"<deviceSecurityMode>2</deviceSecurityMode></device>";
	assert_int_equal(phone_cnf_parse(x, strlen(x), "s.xml", 684, &c, &e), DT_OK);
	assert_int_equal(c.security_mode, 2);
	assert_int_equal(c.tls, 1);
	assert_int_equal(c.cm[0].sips_port, 5071);
}

static void
test_sccp_and_wrong_root_refused(void **state)
{
	struct phone_cnf c;
	struct dt_errbuf e = {0};
	const char *sccp = "<device>\n<deviceProtocol>SCCP</deviceProtocol></device>";
	assert_int_equal(phone_cnf_parse(sccp, strlen(sccp), "a.xml", 684, &c, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "a.xml:1: deviceProtocol is SCCP"));
	const char *html = "<html><body/></html>";
	assert_int_equal(phone_cnf_parse(html, strlen(html), "b.xml", 684, &c, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "root element <html>"));
	assert_int_equal(phone_cnf_parse("", 0, "c.xml", 684, &c, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "c.xml:"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_buba0_sep),
	    cmocka_unit_test(test_real_usecallmanager_template_has_no_cm),
	    cmocka_unit_test(test_real_xmldefault),
	    cmocka_unit_test(test_real_broken_xml_names_file_and_line),
	    cmocka_unit_test(test_cucm_style_undeclared_prefix_and_priority_order),
	    cmocka_unit_test(test_secure_device_uses_tls),
	    cmocka_unit_test(test_sccp_and_wrong_root_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
