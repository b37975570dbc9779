/* summary: the DHCP option table (RFC 2132, 3046, 5859): name, length rule and kind per code.
 *
 * One designated-initializer row per option we know (tcpdump's TLV min/max table, without the
 * type-in-the-name trick). Both the decoder and the encoder check lengths against it, so a rule
 * fixed here is fixed for servers, the phone simulator and the analyzer alike. Codes without a row
 * are accepted with any length and shown as bytes: RFC 2132 §2 says unknown options are skipped.
 */
#include "proto/dhcp/dhcp.h"

#define R(n, lo, hi, u, k)                                                                         \
	{                                                                                          \
		(n), (lo), (hi), (u), (k)                                                          \
	}

static const struct dhcp_opt_rule rules[256] = {
    [DHCP_OPT_SUBNET_MASK] = R("Subnet Mask", 4, 4, 1, DHCP_K_IP),
    [2] = R("Time Offset", 4, 4, 1, DHCP_K_U32),
    [DHCP_OPT_ROUTER] = R("Router", 4, 252, 4, DHCP_K_IPLIST),
    [4] = R("Time Server", 4, 252, 4, DHCP_K_IPLIST),
    [DHCP_OPT_DNS] = R("Domain Name Server", 4, 252, 4, DHCP_K_IPLIST),
    [DHCP_OPT_HOST_NAME] = R("Host Name", 1, 255, 1, DHCP_K_TEXT),
    [DHCP_OPT_DOMAIN_NAME] = R("Domain Name", 1, 255, 1, DHCP_K_TEXT),
    [26] = R("Interface MTU", 2, 2, 1, DHCP_K_U16),
    [28] = R("Broadcast Address", 4, 4, 1, DHCP_K_IP),
    [33] = R("Static Route", 8, 248, 8, DHCP_K_BYTES),
    /* 35 ARP cache timeout: in the classic Cisco phone request list */
    [35] = R("ARP Cache Timeout", 4, 4, 1, DHCP_K_U32),
    [DHCP_OPT_NTP] = R("NTP Servers", 4, 252, 4, DHCP_K_IPLIST),
    [DHCP_OPT_VENDOR_SPECIFIC] = R("Vendor-Specific Information", 1, 255, 1, DHCP_K_BYTES),
    [44] = R("NetBIOS Name Server", 4, 252, 4, DHCP_K_IPLIST),
    [DHCP_OPT_REQUESTED_IP] = R("Requested IP Address", 4, 4, 1, DHCP_K_IP),
    [DHCP_OPT_LEASE_TIME] = R("IP Address Lease Time", 4, 4, 1, DHCP_K_U32),
    [DHCP_OPT_OVERLOAD] = R("Option Overload", 1, 1, 1, DHCP_K_U8),
    [DHCP_OPT_MSG_TYPE] = R("DHCP Message Type", 1, 1, 1, DHCP_K_MSGTYPE),
    [DHCP_OPT_SERVER_ID] = R("Server Identifier", 4, 4, 1, DHCP_K_IP),
    [DHCP_OPT_PARAM_LIST] = R("Parameter Request List", 1, 255, 1, DHCP_K_CODES),
    [DHCP_OPT_MESSAGE] = R("Message", 1, 255, 1, DHCP_K_TEXT),
    /* 57: RFC 2132 §9.10 minimum legal value is 576, checked by the server, not the length rule */
    [DHCP_OPT_MAX_MSG_SIZE] = R("Maximum DHCP Message Size", 2, 2, 1, DHCP_K_U16),
    [DHCP_OPT_T1] = R("Renewal Time Value", 4, 4, 1, DHCP_K_U32),
    [DHCP_OPT_T2] = R("Rebinding Time Value", 4, 4, 1, DHCP_K_U32),
    [DHCP_OPT_VENDOR_CLASS] = R("Vendor Class Identifier", 1, 255, 1, DHCP_K_TEXT),
    /* 61: RFC 2132 §9.14 "minimum length is 2" (type + at least one byte) */
    [DHCP_OPT_CLIENT_ID] = R("Client Identifier", 2, 255, 1, DHCP_K_BYTES),
    /* 66: one server name or dotted quad, RFC 2132 §9.4; ≥ 1 byte */
    [DHCP_OPT_TFTP_NAME] = R("TFTP Server Name", 1, 255, 1, DHCP_K_TEXT),
    [DHCP_OPT_BOOTFILE] = R("Bootfile Name", 1, 255, 1, DHCP_K_TEXT),
    [77] = R("User Class", 1, 255, 1, DHCP_K_BYTES),
    [81] = R("Client FQDN", 3, 255, 1, DHCP_K_BYTES),
    /* 82: RFC 3046 §2.0, at least one sub-option of code + length */
    [DHCP_OPT_RELAY_AGENT] = R("Relay Agent Information", 2, 255, 1, DHCP_K_SUBOPTS),
    [116] = R("Auto-Configure", 1, 1, 1, DHCP_K_U8),
    [119] = R("Domain Search", 1, 255, 1, DHCP_K_BYTES),
    [121] = R("Classless Static Route", 5, 255, 1, DHCP_K_BYTES),
    /* 150: Cisco TFTP server list, RFC 5859: n ≥ 1 addresses, so a non-zero multiple of 4 */
    [DHCP_OPT_TFTP_SERVERS] = R("TFTP Server Address", 4, 252, 4, DHCP_K_IPLIST),
    [252] = R("Private/Proxy autodiscovery", 1, 255, 1, DHCP_K_TEXT),
};

static const struct dhcp_opt_rule unknown = {NULL, 0, 255, 1, DHCP_K_BYTES};

const struct dhcp_opt_rule *
dhcp_opt_rule(uint8_t code)
{
	return rules[code].name ? &rules[code] : &unknown;
}

static const char *const msg_names[DHCP_MSG__COUNT] = {
    [DHCP_NONE] = "BOOTP",	[DHCP_DISCOVER] = "DISCOVER", [DHCP_OFFER] = "OFFER",
    [DHCP_REQUEST] = "REQUEST", [DHCP_DECLINE] = "DECLINE",   [DHCP_ACK] = "ACK",
    [DHCP_NAK] = "NAK",		[DHCP_RELEASE] = "RELEASE",   [DHCP_INFORM] = "INFORM",
};

const char *
dhcp_msg_type_name(int type)
{
	if (type < 0 || type >= DHCP_MSG__COUNT)
		return "?";
	return msg_names[type];
}
