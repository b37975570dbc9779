/* summary: the SIP dial rules file named by <dialTemplate> (e.g. DialTemplate.xml): ordered
 * <TEMPLATE match timeout/> rows; the phone dials as soon as the digits match a rule and the
 * rule's timeout (seconds) has passed.
 *
 * Format: usecallmanager tftpboot DialTemplate.xml (root <dialTemplate>, a <versionStamp>, then
 * TEMPLATE rows with lower-case attributes). A rule's user="IP" is written only when it is not the
 * default "Phone" (79xx dialplan syntax, unverified on 78xx/88xx).
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <string.h>

int
prov_dialrules(const struct store_dial_rule *rules, int n, struct pbuf *out, struct dt_errbuf *e)
{
	struct pxml x;
	size_t mark = 0;
	int rc;
	char num[12];

	if (pxml_open(&x, out, 1) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	pxml_start(&x, "dialTemplate");
	prov_stamp_begin(&x, &mark);
	for (int i = 0; i < n; i++) {
		pxml_start(&x, "TEMPLATE");
		pxml_attr(&x, "match", rules[i].pattern);
		snprintf(num, sizeof num, "%d", rules[i].timeout);
		pxml_attr(&x, "timeout", num);
		if (rules[i].user[0] && strcmp(rules[i].user, "Phone") != 0)
			pxml_attr(&x, "user", rules[i].user);
		pxml_end_empty(&x);
	}
	pxml_end(&x);
	if ((rc = pxml_close(&x, e)) != DT_OK)
		return rc;
	prov_stamp_finish(out, mark, NULL);
	return DT_OK;
}
