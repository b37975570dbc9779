/* summary: registrar memory per binding at 100,000 bindings (target < 1 KiB), counted by
 * dt_mem_used(DT_MEM_SIP): 100,000 provisioned lines on 100,000 devices, each registered once with
 * a Cisco-style Contact (+sip.instance, +u.sip!devicename, +u.sip!model) over TCP. The provisioning
 * cache is reported separately: it exists with or without registrations. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "proto/sip/sip.h"
#include "sip/registrar.h"

#define N 100000

int
main(void)
{
	struct reg_config c;
	struct reg *r;
	static char msg[2048], out[8192];
	size_t before, after;
	reg_config_defaults(&c);
	c.max_bindings = 2 * N;
	r = reg_new(&c);
	for (int i = 0; i < N; i++) {
		char dn[16], dev[16];
		snprintf(dn, sizeof dn, "%d", 100000 + i);
		snprintf(dev, sizeof dev, "SEP00AA%08X", i);
		reg_prov_add(r, dn, dev, "", "pw", 0);
	}
	before = dt_mem_used(DT_MEM_SIP);
	for (int i = 0; i < N; i++) {
		struct sip_msg m;
		struct reg_outcome oc;
		struct reg_src src = {.transport = REG_T_TCP, .ip = "10.1.0.0", .port = 50000};
		int n = snprintf(
		    msg, sizeof msg,
		    "REGISTER sip:10.0.0.10 SIP/2.0\r\nVia: SIP/2.0/TCP "
		    "10.1.%d.%d:%d;branch=z9hG4bK%x\r\n"
		    "From: <sip:%d@10.0.0.10>;tag=00aa%08x\r\nTo: <sip:%d@10.0.0.10>\r\n"
		    "Call-ID: 00aa%04x-%04x0002-11223344-55667788@10.1.%d.%d\r\nCSeq: 101 "
		    "REGISTER\r\n"
		    "User-Agent: Cisco-CP8851/14.2.1\r\n"
		    "Contact: <sip:5e6f7a8b-1c2d-3e4f-5a6b-%012x@10.1.%d.%d:%d;transport=tcp>;"
		    "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-00aa%08x>\";"
		    "+u.sip!devicename.ccm.cisco.com=\"SEP00AA%08X\";+u.sip!model.ccm.cisco.com="
		    "\"684\"\r\n"
		    "Expires: 3600\r\nContent-Length: 0\r\n\r\n",
		    i / 250, i % 250, 50000 + i % 10000, i, 100000 + i, i, 100000 + i, i >> 16,
		    i & 0xffff, i / 250, i % 250, i, i / 250, i % 250, 50000 + i % 10000, i, i);
		snprintf(src.ip, sizeof src.ip, "10.1.%d.%d", i / 250, i % 250);
		src.conn = (uint64_t)i + 1;
		if (sip_msg_parse(msg, (size_t)n, 1, 65535, &m) != 0 ||
		    reg_handle(r, &m, &src, 1700000000, out, sizeof out, &oc) <= 0 ||
		    oc.status != 200) {
			fprintf(stderr, "bench: REGISTER %d answered %d\n", i, oc.status);
			return 1;
		}
	}
	/* the service drains the dirty list every persist_ms; a standing list is not per-binding */
	reg_dirty_drain(r, NULL, NULL);
	after = dt_mem_used(DT_MEM_SIP);
	printf("bindings        %zu\n", reg_binding_count(r));
	printf("provisioning    %zu bytes (%zu per line)\n", before, before / N);
	printf(
	    "per binding     %zu bytes (binding + AOR + device state + history row + map share)\n",
	    (after - before) / reg_binding_count(r));
	printf("target          < 1024 bytes: %s\n",
	       (after - before) / reg_binding_count(r) < 1024 ? "met" : "NOT met");
	reg_free(r);
	return 0;
}
