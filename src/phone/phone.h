/* summary: the phone simulator: one Cisco SIP phone's side of the 14-step boot, event-driven on
 * libevent so one process runs one phone (`dialtone phone boot`) or thousands (`dialtone storm`).
 *
 * Design: a struct phone_env is shared by every phone of a process: the event base, the relay
 * socket on RELAY:67 (the server answers a relayed DHCP to giaddr port 67, so one socket serves
 * all phones, demultiplexed by xid + chaddr), the console-log sink and the storm's callbacks.
 * A struct phone is one device: its flash (active/inactive load), its lease, its parsed config,
 * its SIP registration. Each step is an asynchronous operation; its completion callback logs one
 * console line and moves the phone to the next step (phone_boot.c). Nothing blocks: DHCP, TFTP,
 * HTTP 6970 and SIP over TCP all run on the one loop, so a storm is N small structs, not N
 * threads. Wire formats come from the shared codecs in src/proto/ (never a second parser).
 */
#ifndef DT_PHONE_PHONE_H
#define DT_PHONE_PHONE_H

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

struct event_base;
struct phone_env;
struct phone;

/* Where a phone's boot ended. */
enum phone_outcome {
	PHONE_RUNNING = 0,
	PHONE_REGISTERED, /* step 14 reached (and, without hold, unregistered cleanly) */
	PHONE_FAILED,	  /* stopped at phone_failed_step() with phone_reason() */
};

/* Options shared by all the phones of one process. */
struct phone_env_opts {
	struct in_addr
	    server; /* DHCP server (relayed DHCP goes there); file server of last resort */
	struct in_addr relay; /* giaddr and the address of the shared relay socket (port 67) */
	int dhcp_port;	      /* server's DHCP port, 67 */
	FILE *log;	      /* console log sink; NULL = quiet (storm) */
	int json;	      /* console log as JSON lines */
	int timeout_ms;	      /* first retransmission/connect timeout per operation, 2000 */
	int retries;	      /* attempts per operation before the step fails, 3 */
	/* Storm hooks (may be NULL): a step finished (ok or not) after dur_us microseconds; the
	 * phone reached an outcome. Called from the event loop. */
	void (*on_step)(void *arg, struct phone *ph, int step, int ok, uint64_t dur_us);
	void (*on_done)(void *arg, struct phone *ph);
	void *arg;
};

/* Options of one phone. */
struct phone_opts {
	char mac[13];	     /* 12 upper-case hex digits, no separators */
	char model[16];	     /* "8851" (CP- prefix and suffixes stripped); "" = 8851 */
	char state_dir[512]; /* flash directory; "" = flash kept in memory only */
	int hold;	     /* stay registered until phone_stop() / SIGINT */
	int id;		     /* caller's index (storm), returned by phone_id() */
};

/* Create the shared environment on base and open the relay socket (RELAY:67). Errors: DT_EIO
 * naming the address (port in use, address not local). */
int phone_env_new(struct event_base *base, const struct phone_env_opts *o, struct phone_env **out,
		  struct dt_errbuf *e);
/* Free the environment; every phone must have been freed first. */
void phone_env_free(struct phone_env *env);

/* Parse a MAC in any usual form ("00:11:22:AA:bb:cc", "0011.22aa.bbcc", "001122AABBCC") into 12
 * upper-case hex digits. DT_EINVAL naming "mac" when it is not one. */
int phone_mac_parse(const char *s, char out[13], struct dt_errbuf *e);

/* Create a phone (reads or makes its flash: step 1 runs at phone_start). Errors: DT_EINVAL for a
 * bad model, DT_EIO for an unreadable/unwritable state directory. */
int phone_new(struct phone_env *env, const struct phone_opts *o, struct phone **out,
	      struct dt_errbuf *e);
/* Begin the boot at step 1; the outcome arrives through on_done (or poll phone_outcome). */
void phone_start(struct phone *ph);
/* Stop a held phone: unregister (Expires 0) and finish; no-op when not registered. */
void phone_stop(struct phone *ph);
void phone_free(struct phone *ph);

enum phone_outcome phone_outcome(const struct phone *ph);
/* The step the phone stopped at when it failed (DT_STEP_*), else the last step reached. */
int phone_failed_step(const struct phone *ph);
/* Why it failed, one line ("" when it did not). */
const char *phone_reason(const struct phone *ph);
/* Short reason class for tables ("timeout", "404", "auth"...). */
const char *phone_reason_class(const struct phone *ph);
const char *phone_mac(const struct phone *ph);
int phone_id(const struct phone *ph);
/* The directory number of line 1 ("" before the config was read). */
const char *phone_dn(const struct phone *ph);

#endif
