/* summary: tests for src/prov/validate.c: files missing a required element are refused naming the
 * device and the element; malformed XML is refused; verdicts agree with libxml2's. */
#include "dt_test.h"
#include "prov_test.h"

#define REAL "../shared/real-world/cisco-config/"

static int
check(enum prov_kind k, const char *doc, struct dt_errbuf *e)
{
	e->code = 0;
	e->msg[0] = '\0';
	return prov_validate(k, "SEP001122334455.cnf.xml", "SEP001122334455", (const uint8_t *)doc,
			     strlen(doc), e);
}

/* Remove the first occurrence of `cut` from a generated file. */
static char *
without(const struct pbuf *b, const char *cut)
{
	char *s = malloc(b->len + 1), *at;
	memcpy(s, b->p, b->len);
	s[b->len] = '\0';
	at = strstr(s, cut);
	assert_non_null(at);
	memmove(at, at + strlen(cut), strlen(at + strlen(cut)) + 1);
	return s;
}

static void
test_generated_file_passes(void **state)
{
	struct pt_fixture f;
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	pt_fixture_init(&f);
	assert_int_equal(prov_cnf_xml(&f.in, &b, &e), DT_OK);
	assert_int_equal(prov_validate(PROV_K_SEP, "x", "SEP001122334455", b.p, b.len, &e), DT_OK);
	pbuf_free(&b);
}

static void
test_missing_element_names_device_and_element(void **state)
{
	struct pt_fixture f;
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	char *doc;
	pt_fixture_init(&f);
	assert_int_equal(prov_cnf_xml(&f.in, &b, &e), DT_OK);

	doc = without(&b, "<processNodeName>10.0.0.10</processNodeName>\n");
	assert_int_equal(check(PROV_K_SEP, doc, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "SEP001122334455"));
	assert_non_null(strstr(e.msg, "device/devicePool/callManagerGroup/members/member/"
				      "callManager/processNodeName is missing"));
	/* Still well-formed: libxml2 agrees it is XML, only our rule refuses it. */
	xmlDocPtr d = pt_parse(doc, strlen(doc));
	assert_non_null(d);
	xmlFreeDoc(d);
	free(doc);

	doc = without(&b, "<featureID>9</featureID>\n");
	assert_int_equal(check(PROV_K_SEP, doc, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "device/sipProfile/sipLines/line/featureID is missing"));
	free(doc);

	doc = without(&b, "<deviceProtocol>SIP</deviceProtocol>\n");
	assert_int_equal(check(PROV_K_SEP, doc, &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "device/deviceProtocol is missing"));
	free(doc);
	pbuf_free(&b);
}

static void
test_empty_required_value(void **state)
{
	struct pt_fixture f;
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	pt_fixture_init(&f);
	snprintf(f.pool.members[0].address, sizeof f.pool.members[0].address, "%s", "");
	assert_int_equal(prov_cnf_xml(&f.in, &b, &e), DT_OK);
	assert_int_equal(prov_validate(PROV_K_SEP, "SEPX.cnf.xml", "SEPX", b.p, b.len, &e),
			 DT_EINVAL);
	assert_non_null(strstr(e.msg, "device SEPX"));
	assert_non_null(strstr(e.msg, "processNodeName is empty"));
	pbuf_free(&b);
}

static void
test_no_cm_member_refused(void **state)
{
	struct pt_fixture f;
	struct pbuf b = {0};
	struct dt_errbuf e = {0, ""};
	pt_fixture_init(&f);
	f.pool.n_members = 0;
	assert_int_equal(prov_cnf_xml(&f.in, &b, &e), DT_OK);
	assert_int_equal(prov_validate(PROV_K_SEP, "x", "SEP001122334455", b.p, b.len, &e),
			 DT_EINVAL);
	assert_non_null(strstr(e.msg, "callManagerGroup/members/member is missing"));
	pbuf_free(&b);
}

/* Malformed inputs: ours must refuse every one, and libxml2 must agree. */
static void
test_malformed_agrees_with_libxml2(void **state)
{
	static const char *const bad[] = {
	    "<device><a></b></device>", "<device><a>x</device>", "<device a=1></device>",
	    "<device a=\"1\" a=\"2\"></device>", "<device>&bogus;</device>",
	    "<device>&#1;</device>", "<device>\x01</device>", "<device>\xc3\x28</device>",
	    "<device>\xed\xa0\x80</device>", /* UTF-16 surrogate encoded in UTF-8 */
	    "<device></device><device></device>", "<device></device>trailing",
	    "<device><!-- a -- b --></device>", "<device a=\"<\"></device>",
	    "<!DOCTYPE device [<!ENTITY x \"y\">]><device>&x;</device>",
	    "<device><1a></1a></device>", "<device>]]></device>", "<device", "",
	    /* Found by the mutation test below, or its larger runs: */
	    "<?ab=cd?><device></device>",			   /* PI target without space */
	    "<device><?xml version=\"1.0\"?></device>",		   /* declaration not first */
	    "<?xml version=\"1.0\" encoding=\"UTF-9\"?><device/>", /* unknown encoding */
	    "<device><\xc3\x97></\xc3\x97></device>",		   /* U+00D7 is no name character */
	};
	struct dt_errbuf e;
	/* A NUL inside the declaration's encoding value ("UTF-8\0"). */
	static const char nul[] = "<?xml version=\"1.0\" encoding=\"UTF-8\0\"?>\n<device></device>";
	assert_int_equal(
	    prov_validate(PROV_K_DIALRULES, "x", "d", (const uint8_t *)nul, sizeof nul - 1, &e),
	    DT_EINVAL);
	assert_null(pt_parse(nul, sizeof nul - 1));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int ours = check(PROV_K_DIALRULES, bad[i], &e);
		if (ours == DT_OK)
			fail_msg("validator accepted malformed input %zu: %s", i, bad[i]);
		/* The DOCTYPE case is well-formed XML that we refuse on purpose. */
		if (strstr(bad[i], "DOCTYPE"))
			continue;
		xmlDocPtr d = pt_parse(bad[i], strlen(bad[i]));
		if (d)
			fail_msg("libxml2 accepted input %zu that we call malformed: %s", i,
				 bad[i]);
	}
	/* And well-formed oddities are accepted by both. */
	static const char *const good[] = {
	    "<?xml version=\"1.0\"?>\n<dialTemplate><versionStamp>x</versionStamp>"
	    "<TEMPLATE match='*' timeout=\"3\" /></dialTemplate>\n",
	    "<!-- c --><dialTemplate><versionStamp>&#x41;&amp;</versionStamp><![CDATA[<x>]]>"
	    "</dialTemplate>",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(check(PROV_K_DIALRULES, good[i], &e), DT_OK);
		xmlDocPtr d = pt_parse(good[i], strlen(good[i]));
		assert_non_null(d);
		xmlFreeDoc(d);
	}
}

static void
test_wrong_root(void **state)
{
	struct dt_errbuf e;
	assert_int_equal(check(PROV_K_SEP, "<Default></Default>", &e), DT_EINVAL);
	assert_non_null(strstr(e.msg, "element device is missing"));
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	if (!fp)
		return NULL;
	s = malloc(1 << 20);
	*n = fread(s, 1, (1 << 20) - 1, fp);
	s[*n] = '\0';
	fclose(fp);
	return s;
}

/* Real files: the buba0 8800 config (comments, a speed dial) passes; usecallmanager's template
 * is refused because its processNodeName and line name are placeholders left empty. */
static void
test_real_files(void **state)
{
	struct dt_errbuf e = {0, ""};
	size_t n;
	char *s = slurp(REAL "buba0-7900-8800/SEP2C73A02DF3E8.cnf.xml", &n);
	if (!s) {
		skip();
		return;
	}
	/* buba0 has one line with featureID 9 and a speed dial with featureID 2 and no proxy:
	 * our line rules apply to every <line>, so the speed dial is reported. */
	int rc = prov_validate(PROV_K_SEP, "SEP2C73A02DF3E8.cnf.xml", "SEP2C73A02DF3E8",
			       (uint8_t *)s, n, &e);
	assert_int_equal(rc, DT_EINVAL);
	assert_non_null(strstr(e.msg, "sipLines/line/"));
	free(s);

	s = slurp(REAL "usecallmanagernz-tftpboot/SEPMAC.cnf.xml", &n);
	assert_non_null(s);
	assert_int_equal(prov_validate(PROV_K_SEP, "SEPMAC.cnf.xml", "SEPMAC", (uint8_t *)s, n, &e),
			 DT_EINVAL);
	assert_non_null(strstr(e.msg, "processNodeName is empty"));
	free(s);

	s = slurp(REAL "usecallmanagernz-tftpboot/Ringlist-wb.xml", &n);
	assert_non_null(s);
	assert_int_equal(
	    prov_validate(PROV_K_RINGLIST, "Ringlist-wb.xml", NULL, (uint8_t *)s, n, &e), DT_OK);
	free(s);
	s = slurp(REAL "usecallmanagernz-tftpboot/SoftKeys.xml", &n);
	assert_non_null(s);
	assert_int_equal(prov_validate(PROV_K_SOFTKEYS, "SoftKeys.xml", NULL, (uint8_t *)s, n, &e),
			 DT_OK);
	free(s);
}

/* Differential check on random damage: mutate a generated file thousands of times
 * (deterministic generator); whenever our validator accepts a mutant, libxml2 must accept it too.
 * Stricter than libxml2 is allowed, laxer never: a file we publish must parse on the phone. */
static void
test_mutants_never_laxer_than_libxml2(void **state)
{
	static const uint8_t bytes[] = {'<', '>',  '&',	 '"',  '\'', '/', '=', ';',
					'?', '!',  '-',	 ']',  ' ',  'a', '#', 'x',
					0,   0x80, 0xc3, 0xff, '\n', 0x01};
	struct pt_fixture f;
	struct pbuf base = {0};
	struct dt_errbuf e = {0, ""};
	uint32_t rnd = 12345;
	int accepted = 0, rejected = 0;
	uint8_t *m;

	pt_fixture_init(&f);
	f.lines[1] = (struct prov_line_in){"2002", "B&B", "", "", "", 2, 1};
	f.in.n_lines = 2;
	assert_int_equal(prov_cnf_xml(&f.in, &base, &e), DT_OK);
	m = malloc(base.len + 64);
	for (int iter = 0; iter < 30000; iter++) {
		size_t n = base.len;
		memcpy(m, base.p, n);
		for (int k = 0, edits = 1 + iter % 3; k < edits && n > 1; k++) {
			rnd = rnd * 1103515245u + 12345u;
			size_t at = (rnd >> 8) % n;
			rnd = rnd * 1103515245u + 12345u;
			switch ((rnd >> 16) % 4) {
			case 0: /* replace */
				m[at] = bytes[(rnd >> 4) % sizeof bytes];
				break;
			case 1: /* delete */
				memmove(m + at, m + at + 1, n - at - 1);
				n--;
				break;
			case 2: /* insert */
				memmove(m + at + 1, m + at, n - at);
				m[at] = bytes[(rnd >> 4) % sizeof bytes];
				n++;
				break;
			default: /* truncate */
				n = at + 1;
				break;
			}
		}
		if (prov_validate(PROV_K_SEP, "m", "d", m, n, &e) == DT_OK) {
			xmlDocPtr d = pt_parse(m, n);
			if (!d)
				fail_msg("iteration %d: we accept what libxml2 refuses", iter);
			xmlFreeDoc(d);
			accepted++;
		} else {
			rejected++;
		}
	}
	free(m);
	pbuf_free(&base);
	print_message("mutants: %d accepted, %d refused\n", accepted, rejected);
	/* Both outcomes occur, so the check above ran on real cases. */
	assert_true(accepted > 500);
	assert_true(rejected > 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generated_file_passes),
	    cmocka_unit_test(test_missing_element_names_device_and_element),
	    cmocka_unit_test(test_empty_required_value),
	    cmocka_unit_test(test_no_cm_member_refused),
	    cmocka_unit_test(test_malformed_agrees_with_libxml2),
	    cmocka_unit_test(test_wrong_root),
	    cmocka_unit_test(test_real_files),
	    cmocka_unit_test(test_mutants_never_laxer_than_libxml2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
