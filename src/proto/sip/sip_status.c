/* summary: the one table of faults → {status, reason phrase} and the one table of status codes →
 * standard reason phrases (RFC 3261 §21, RFC 3265, RFC 3515, RFC 5626). */
#include "proto/sip/sip_priv.h"

/* Why the reason phrase names the fault: the 400 is all a phone or a tester sees, and RFC 4475
 * asks that a rejection say what was wrong. */
static const struct {
	int status;
	const char *why;
} faults[SIP_F__COUNT] = {
    [SIP_F_NONE] = {200, "OK"},
    [SIP_F_TOO_LARGE] = {513, "Message Too Large"},
    [SIP_F_START_LINE] = {400, "Bad Request Line"},
    [SIP_F_METHOD] = {400, "Bad Method"},
    [SIP_F_VERSION] = {505, "Version Not Supported"},
    [SIP_F_STATUS_CODE] = {400, "Bad Status Code"},
    [SIP_F_RURI] = {400, "Bad Request-URI"},
    [SIP_F_RURI_HEADERS] = {400, "Headers Not Allowed In Request-URI"},
    [SIP_F_HEADER_LINE] = {400, "Bad Header Line"},
    [SIP_F_TOO_MANY_HDRS] = {400, "Too Many Headers"},
    [SIP_F_CL_BAD] = {400, "Bad Content-Length"},
    [SIP_F_CL_MULTI] = {400, "Multiple Content-Length"},
    [SIP_F_CL_LARGE] = {400, "Content-Length Larger Than Message"},
    [SIP_F_CL_MISSING] = {400, "Missing Content-Length"},
    [SIP_F_MISSING_VIA] = {400, "Missing Via"},
    [SIP_F_MISSING_FROM] = {400, "Missing From"},
    [SIP_F_MISSING_TO] = {400, "Missing To"},
    [SIP_F_MISSING_CALLID] = {400, "Missing Call-ID"},
    [SIP_F_MISSING_CSEQ] = {400, "Missing CSeq"},
    [SIP_F_MULTI_FROM] = {400, "Multiple From"},
    [SIP_F_MULTI_TO] = {400, "Multiple To"},
    [SIP_F_MULTI_CALLID] = {400, "Multiple Call-ID"},
    [SIP_F_MULTI_CSEQ] = {400, "Multiple CSeq"},
    [SIP_F_MULTI_MAXFWD] = {400, "Multiple Max-Forwards"},
    [SIP_F_MULTI_EXPIRES] = {400, "Multiple Expires"},
    [SIP_F_VIA] = {400, "Bad Via"},
    [SIP_F_FROM] = {400, "Bad From"},
    [SIP_F_TO] = {400, "Bad To"},
    [SIP_F_CALLID] = {400, "Bad Call-ID"},
    [SIP_F_CSEQ] = {400, "Bad CSeq"},
    [SIP_F_CSEQ_METHOD] = {400, "CSeq Method Does Not Match"},
    [SIP_F_MAXFWD] = {400, "Bad Max-Forwards"},
    [SIP_F_EXPIRES] = {400, "Bad Expires"},
    [SIP_F_CONTACT] = {400, "Bad Contact"},
    [SIP_F_AUTH] = {400, "Bad Authorization"},
    [SIP_F_BODY] = {400, "Bad Body"},
};

int
sip_fault_status(int fault)
{
	if (fault <= SIP_F_NONE || fault >= SIP_F__COUNT)
		return 400;
	return faults[fault].status;
}

const char *
sip_fault_why(int fault)
{
	if (fault < SIP_F_NONE || fault >= SIP_F__COUNT || !faults[fault].why)
		return "Bad Request";
	return faults[fault].why;
}

static const struct {
	int code;
	const char *reason;
} statuses[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {200, "OK"},
    {202, "Accepted"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {413, "Request Entity Too Large"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {420, "Bad Extension"},
    {423, "Interval Too Brief"},
    {429, "Too Many Requests"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {483, "Too Many Hops"},
    {489, "Bad Event"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {503, "Service Unavailable"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {603, "Decline"},
};

const char *
sip_status_reason(int status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		if (statuses[i].code == status)
			return statuses[i].reason;
	}
	return "Unknown";
}
