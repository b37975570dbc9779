/* summary: every service built into this binary, in start order (serve walks it; lldpd protos[]).
 * Add a service: one row here and one svc_<name>.c exporting its struct dt_service. */
#include "svc/svc.h"

#include <stddef.h>

extern const struct dt_service dt_svc_tftp;
extern const struct dt_service dt_svc_http;
extern const struct dt_service dt_svc_dhcp;
extern const struct dt_service dt_svc_sip;

const struct dt_service *const dt_services[] = {
    &dt_svc_tftp, &dt_svc_http, &dt_svc_dhcp, &dt_svc_sip, NULL,
};
