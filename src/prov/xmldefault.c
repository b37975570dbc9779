/* summary: XMLDefault.cnf.xml, the file a phone gets when no SEP<MAC>.cnf.xml exists for it:
 * the autoregistration CallManager group and one loadInformation<N> per model of the catalogue.
 *
 * <N> is the CUCM product type number (store_model.type_num, the value the phone also sends as
 * +u.sip!model in REGISTER); model="…" is informational. Spelling "loadInformation" (camel case)
 * as CUCM writes it; some scripts in the wild use "loadinformation" (shared/spec/cnf-xml.md).
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
by_type(const void *a, const void *b)
{
	const struct store_model *x = *(const struct store_model *const *)a;
	const struct store_model *y = *(const struct store_model *const *)b;
	return (x->type_num > y->type_num) - (x->type_num < y->type_num);
}

int
prov_xmldefault(const struct store_pool *pool, const struct store_model *models, int n_models,
		int autoregister, struct pbuf *out, struct dt_errbuf *e)
{
	const struct store_model **order;
	struct pxml x;
	char el[40];

	/* Sorted by type number so the file does not depend on catalogue order. */
	order = calloc(n_models ? (size_t)n_models : 1, sizeof *order);
	if (!order)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	for (int i = 0; i < n_models; i++)
		order[i] = &models[i];
	qsort(order, (size_t)n_models, sizeof *order, by_type);
	if (pxml_open(&x, out, 1) != DT_OK) {
		free(order);
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	}
	pxml_start(&x, "Default");
	pxml_el(&x, "autoRegistrationName", "AUTO-REG");
	pxml_el(&x, "autoRegistration", autoregister ? "enabled" : "disabled");
	pxml_eli(&x, "ipAddressMode", 0);
	if (pool) {
		prov_cnf_cm_group(&x, pool, 1);
	} else {
		/* No default pool: an empty group, which validation then refuses (named). */
		pxml_start(&x, "callManagerGroup");
		pxml_start(&x, "members");
		pxml_end(&x);
		pxml_end(&x);
	}
	for (int i = 0; i < n_models; i++) {
		snprintf(el, sizeof el, "loadInformation%d", order[i]->type_num);
		pxml_start(&x, el);
		pxml_attr(&x, "model", order[i]->product);
		pxml_text(&x, order[i]->default_load);
		pxml_end(&x);
	}
	pxml_end(&x);
	free(order);
	return pxml_close(&x, e);
}
