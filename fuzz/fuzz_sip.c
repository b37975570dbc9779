/* summary: libFuzzer target for src/proto/sip/: frame (datagram and stream), check, then call every
 * on-demand value parser on every header, the builder on the result and the multipart walker. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_values(const struct sip_msg *m)
{
	for (int k = 0; k < m->n_hdrs; k++) {
		struct dt_slice rest = m->hdrs[k].value, item, tok, params, v = {"", 0};
		struct sip_addr a;
		struct sip_via via;
		struct sip_uri u;
		struct sip_auth au;
		uint32_t n;
		uint64_t x;
		sip_cseq_parse(rest, &n, &tok);
		sip_uint_parse(rest, UINT32_MAX, &x);
		sip_auth_parse(rest, &au);
		sip_value_split(rest, &tok, &params);
		sip_param_get(params, "text", &v);
		while (sip_list_next(&rest, &item)) {
			if (sip_addr_parse(item, &a) == 0) {
				sip_uri_parse(a.uri, &u);
				sip_param_get(a.params, "expires", &v);
				sip_unquote(v);
			}
			sip_via_parse(item, &via);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m;
	static char out[4096];
	struct sip_out o;
	struct dt_slice tok, params, boundary, ph, pb;
	size_t pos = 0;
	const char *p = (const char *)data;
	sip_msg_parse(p, size, SIP_PARSE_STREAM, 65535, &m);
	if (sip_msg_parse(p, size, 0, 65535, &m) != 0)
		return 0;
	sip_msg_check(&m);
	parse_values(&m);
	if (m.is_request) {
		struct sip_uri u;
		sip_uri_parse(m.ruri, &u);
		sip_out_init(&o, out, sizeof out);
		sip_out_status(&o, 200, NULL);
		sip_out_response_hdrs(&o, &m, "1");
		sip_out_finish(&o, NULL, NULL, 0);
	}
	if (sip_msg_hdr(&m, SIP_H_CONTENT_TYPE, 0)) {
		sip_value_split(sip_msg_hdr(&m, SIP_H_CONTENT_TYPE, 0)->value, &tok, &params);
		if (sip_param_get(params, "boundary", &boundary)) {
			for (int i = 0;
			     i < 64 && sip_multipart_next(m.body, boundary, &pos, &ph, &pb) == 1;
			     i++)
				;
		}
	}
	return 0;
}
