/* summary: the softkey configuration file named by <softKeyFile> (root <softKeyCfg>): the softkey
 * catalogue the firmware knows (keyID → tag/eventID/helpID) and the key sets per call state.
 *
 * The catalogue numbers are the firmware's (usecallmanager tftpboot SoftKeys.xml, which mirrors
 * what CUCM's SK<uuid>.xml carries); the per-state sets are CUCM's "Standard User" template for
 * SIP phones, trimmed to keys a SIP phone registered to dialtone can act on. The database names
 * the template and its file (softkey_template.file_name); the layout is the standard one.
 */
#include "prov/prov_priv.h"

#include <stdio.h>

static const struct {
	const char *key;
	int tag, event, help;
} defs[] = {
    {"Undefined", 0, 0, 0},    {"Redial", 1, 1, 301},	 {"NewCall", 2, 2, 302},
    {"Hold", 3, 3, 303},       {"Transfer", 4, 4, 304},	 {"CFwdAll", 5, 5, 305},
    {"<<", 8, 8, 308},	       {"EndCall", 9, 9, 309},	 {"Resume", 10, 10, 310},
    {"Answer", 11, 11, 311},   {"Confrn", 13, 13, 313},	 {"Park", 14, 14, 314},
    {"Join", 15, 15, 315},     {"MeetMe", 16, 16, 316},	 {"PickUp", 17, 17, 317},
    {"GPickUp", 18, 18, 318},  {"RmLstC", 57, 19, 319},	 {"DND", 63, 69, 369},
    {"CallBack", 65, 20, 320}, {"Select", 78, 29, 329},	 {"ConfList", 79, 30, 330},
    {"iDivert", 80, 31, 331},  {"OPickUp", 91, 34, 334},
};

/* NULL-terminated key lists per call state. */
static const char *const on_hook[] = {"Redial", "NewCall", "CFwdAll", "DND", NULL};
static const char *const off_hook[] = {"Redial", "EndCall", "CFwdAll", "PickUp", "GPickUp", NULL};
static const char *const off_hook_feat[] = {"Redial", "EndCall", NULL};
static const char *const digits[] = {"<<", "EndCall", NULL};
static const char *const ring_out[] = {"Undefined", "EndCall", "CFwdAll", NULL};
static const char *const connected[] = {"Hold", "EndCall", "Transfer", "Confrn", "Park", NULL};
static const char *const conn_nofeat[] = {"Undefined", "EndCall", NULL};
static const char *const conn_xfer[] = {"Undefined", "EndCall", "Transfer", NULL};
static const char *const conn_conf[] = {"Undefined", "EndCall", "Confrn", "ConfList", NULL};
static const char *const on_hold[] = {"Resume", "NewCall", NULL};
static const char *const ring_in[] = {"Answer", "iDivert", NULL};

static const struct {
	const char *id;
	const char *const *keys;
} sets[] = {
    {"On Hook", on_hook},
    {"Off Hook", off_hook},
    {"Off Hook With Feature", off_hook_feat},
    {"Digits After First", digits},
    {"Ring Out", ring_out},
    {"Connected", connected},
    {"Connected No Feature", conn_nofeat},
    {"Connected Transfer", conn_xfer},
    {"Connected Conference", conn_conf},
    {"On Hold", on_hold},
    {"Ring In", ring_in},
};

int
prov_softkeys(struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml x;
	size_t mark = 0;
	int rc;

	if (pxml_open(&x, out, 1) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(&x, "softKeyCfg");
	prov_stamp_begin(&x, &mark);
	pxml_start(&x, "typeSoftKey");
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		pxml_start(&x, "softKeyDef");
		pxml_attr(&x, "keyID", defs[i].key);
		pxml_eli(&x, "tag", defs[i].tag);
		pxml_eli(&x, "eventID", defs[i].event);
		pxml_eli(&x, "helpID", defs[i].help);
		pxml_end(&x);
	}
	pxml_end(&x);
	pxml_start(&x, "softKeySets");
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		pxml_start(&x, "softKeySet");
		pxml_attr(&x, "id", sets[i].id);
		for (const char *const *k = sets[i].keys; *k; k++) {
			pxml_start(&x, "softKey");
			pxml_attr(&x, "keyID", *k);
			pxml_end_empty(&x);
		}
		pxml_end(&x);
	}
	pxml_end(&x);
	pxml_end(&x);
	if ((rc = pxml_close(&x, e)) != DT_OK)
		return rc;
	prov_stamp_finish(out, mark, NULL);
	return DT_OK;
}
