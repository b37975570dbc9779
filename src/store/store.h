/* summary: the device database behind an SQL-free API (SQLite embedded; PostgreSQL later).
 *
 * Holds what CUCM's admin pages hold for SIP phones: nodes, CallManager groups, date/time groups,
 * device pools, SIP profiles, common phone profiles, softkey templates, dial rules, phone models,
 * firmware loads, ringtones, devices and lines (directory numbers) with their appearances.
 * Every write is one transaction that also appends to the change log (store_changes_since), which
 * is how a running `serve` learns within milliseconds what a separate CLI process changed.
 * SQLite runs in WAL mode with synchronous=FULL (set by store_open on every connection) so a
 * committed change survives kill -9 and power loss; writers wait up to 5 s for each other
 * (busy_timeout) and readers never wait. Schema, change-log events: docs/schema.md.
 *
 * A struct store is used by one thread at a time. Functions return DT_OK or an error code with
 * e->msg naming the field ("mac: '00:11' is not a MAC address"); nothing is written on error.
 * Services with their own tables (DHCP leases, SIP bindings) add a migration file and a
 * store_<area>.c of their own that use store_sqlite().
 */
#ifndef DT_STORE_STORE_H
#define DT_STORE_STORE_H

#include <stdint.h>

#include "core/err.h"

struct store;
struct sqlite3;

enum store_security {
	STORE_SEC_NON_SECURE = 1,    /* deviceSecurityMode 1 */
	STORE_SEC_AUTHENTICATED = 2, /* TLS, NULL cipher; digest auth on */
	STORE_SEC_ENCRYPTED = 3,     /* TLS + SRTP; digest auth on */
};

struct store_model {
	char name[24];	       /* catalogue key, e.g. "8851" */
	char product[48];      /* "Cisco 8851" */
	int type_num;	       /* CUCM product type: loadInformation<N>, +u.sip!model (684) */
	int buttons;	       /* line/feature buttons */
	char load_prefix[24];  /* "sip88xx" */
	char default_load[64]; /* load ID without ".loads" */
	char dialect[16];      /* config dialect the firmware reads: "enterprise-sip" */
	char locale_jar[32];   /* user-locale jar name, e.g. "sl-be-sip.jar" */
	char vendor_cfg[16];   /* which vendorConfig block set: "78xx", "88xx" */
};

struct store_device {
	int64_t id;
	char mac[13];	  /* 12 upper-case hex digits, normalised */
	char name[16];	  /* "SEP" + mac */
	char model[24];	  /* store_model.name */
	char protocol[8]; /* "SIP" */
	char description[129];
	char pool[64]; /* device pool name */
	int security;  /* enum store_security */
	char digest_user[64];
	char load[64];		   /* firmware load override ("" = the model's load) */
	char user_locale[64];	   /* "" = the pool's */
	char network_locale[64];   /* "" = the pool's */
	char ip[46];		   /* DHCP reservation ("" = none) */
	char sip_profile[64];	   /* "" = "Standard SIP Profile" */
	char common_profile[64];   /* "" = "Standard Common Phone Profile" */
	char softkey_template[64]; /* "" = "Standard User" */
	char dial_rules[64];	   /* "" = none */
};

struct store_line {
	char dn[33];	    /* directory number, unique across the cluster */
	char display[65];   /* display name (SIP From display) */
	char auth_user[65]; /* digest user; "" = the DN */
	char password[65];  /* digest password */
	/* appearance on a device (set when listing a device's lines) */
	char device[16]; /* "SEP…" or "" when not on a device */
	int button;	 /* 1-based */
	char label[65];	 /* text next to the key; "" = the DN */
};

struct store_cm_member {
	int priority;	  /* 0 = tried first */
	char node[64];	  /* node name */
	char address[64]; /* processNodeName the phone connects to */
	int sip_port;	  /* 5060 */
	int sips_port;	  /* 5061 */
};

#define STORE_MAX_CM_MEMBERS 5
#define STORE_MAX_BUTTONS    64 /* line_appearance.button 1..64 */
#define STORE_MAX_NTP	     4

/* The device pool resolved with everything it points to. */
struct store_pool {
	char name[64];
	char cm_group[64];
	struct store_cm_member members[STORE_MAX_CM_MEMBERS];
	int n_members;
	char datetime_group[64];
	char tz_windows[64];	/* "GMT Standard/Daylight Time" */
	char tz_olson[64];	/* "Europe/London" */
	char date_template[16]; /* "D/M/Y" */
	char ntp[STORE_MAX_NTP][64];
	int n_ntp;
	char region[64];
	char user_locale[64];	 /* "English_United_States" */
	char network_locale[64]; /* "United_States" */
};

struct store_sip_profile {
	char name[64];
	int register_expires;  /* timerRegisterExpires 3600 */
	int register_delta;    /* timerRegisterDelta 5 */
	int keepalive_expires; /* timerKeepAliveExpires 120 */
	int transport;	       /* transportLayerProtocol: 1 TCP, 2 UDP, 3 TLS, 4 TCP preferred */
	int digest_auth;       /* 1: challenge REGISTERs from devices using this profile */
};

struct store_node {
	char name[64];
	char address[64];
	char services[64]; /* "tftp,http,dhcp,sip" */
};

/* A CallManager group with its ordered members (store_cmgroup_get / _foreach). */
struct store_cm_group {
	char name[64];
	struct store_cm_member members[STORE_MAX_CM_MEMBERS];
	int n_members;
};

struct store_common_profile {
	char name[64];
	char phone_password[65];
	int background_image_access; /* 1: the user may change the wallpaper */
	int call_log_blf_enabled;    /* callLogBlfEnabled, 2 (CUCM default) */
};

struct store_softkey_template {
	char name[64];
	char file_name[96]; /* <softKeyFile>, e.g. "SoftKeys.xml" */
};

/* A set of SIP dial rules: one file (<dialTemplate>) with ordered rules. */
struct store_dial_rules {
	char name[64];
	char file_name[96]; /* "DialTemplate.xml" */
};

struct store_dial_rule {
	int position;	  /* 0-based order in the file */
	char pattern[64]; /* TEMPLATE match: digits, '.', '*' … */
	int timeout;	  /* seconds of inter-digit silence before dialing */
	char user[8];	  /* "Phone" | "IP" */
};

struct store_ringtone {
	int position;
	char display_name[64];
	char file_name[96]; /* ".raw" (Ringlist.xml); the file service maps to ".rwb" for -wb */
};

/* One image file of a firmware load (file_name "" for a load with no file listed yet). */
struct store_firmware_file {
	char model[24];
	char load_id[64]; /* without ".loads" */
	char file_name[96];
};

/* Open (creating if needed) DATA_DIR/dialtone.db and apply pending migrations in one transaction
 * each. The data directory is created if missing. */
int store_open(const char *data_dir, struct store **out, struct dt_errbuf *e);
void store_close(struct store *st);
/* The underlying SQLite handle, for store_<area>.c files of services only. */
struct sqlite3 *store_sqlite(struct store *st);
/* Schema version after migrations (number of the last applied migration). */
int store_schema_version(struct store *st);

/* wait = 0: a write that finds the database locked by another writer fails at once (DT_EBUSY)
 * instead of waiting up to 5 s; wait = 1 restores the wait. Services on the event loop write with
 * wait = 0 and retry on their next tick, so a long CLI import never stalls the loop. */
void store_busy_wait(struct store *st, int wait);

/* Transactions spanning several calls (import). Calls inside one are not committed on their own. */
int store_begin(struct store *st, struct dt_errbuf *e);
int store_commit(struct store *st, struct dt_errbuf *e);
void store_rollback(struct store *st);

/* MAC text in any of 001122334455, 00:11:22:33:44:55, 0011.2233.4455, 00-11-22-33-44-55 (any case)
 * → 12 upper-case hex digits in out[13]. DT_EINVAL naming the field "mac". */
int store_mac_normalize(const char *in, char out[13], struct dt_errbuf *e);

/* Devices. `key` is a device name (SEP…) or a MAC in any accepted form. */
int store_device_add(struct store *st, struct store_device *d, struct dt_errbuf *e);
int store_device_update(struct store *st, const struct store_device *d, struct dt_errbuf *e);
int store_device_get(struct store *st, const char *key, struct store_device *d,
		     struct dt_errbuf *e);
int store_device_delete(struct store *st, const char *key, struct dt_errbuf *e);
/* Calls fn for each device in name order; fn returning non-zero stops the walk (value returned). */
int store_device_foreach(struct store *st, int (*fn)(const struct store_device *d, void *arg),
			 void *arg, struct dt_errbuf *e);

/* Lines. store_line_add creates the DN if new (display/credentials set then) and, when
 * line->device is set, adds its appearance on that device at line->button (0 = next free). */
int store_line_add(struct store *st, const struct store_line *line, struct dt_errbuf *e);
int store_line_delete(struct store *st, const char *dn, struct dt_errbuf *e);
int store_line_get(struct store *st, const char *dn, struct store_line *line, struct dt_errbuf *e);
/* Lines of one device by button (device = name or MAC), or every line appearance when device is
 * NULL (a DN on no device is listed once with device ""). */
int store_line_foreach(struct store *st, const char *device,
		       int (*fn)(const struct store_line *l, void *arg), void *arg,
		       struct dt_errbuf *e);

/* Reference data. */
int store_model_get(struct store *st, const char *name, struct store_model *m, struct dt_errbuf *e);
int store_model_foreach(struct store *st, int (*fn)(const struct store_model *m, void *arg),
			void *arg, struct dt_errbuf *e);
int store_pool_get(struct store *st, const char *name, struct store_pool *p, struct dt_errbuf *e);
int store_sip_profile_get(struct store *st, const char *name, struct store_sip_profile *sp,
			  struct dt_errbuf *e);
/* Called by serve at start: make sure node `name` exists with this address and service list
 * ("tftp,http,sip"), updating them if they changed; when the "Default" CallManager group has no
 * member yet, add this node as its priority-0 member, so a fresh database boots phones as is. */
int store_node_ensure(struct store *st, const char *name, const char *address, const char *services,
		      struct dt_errbuf *e);
int store_node_foreach(struct store *st, int (*fn)(const struct store_node *n, void *arg),
		       void *arg, struct dt_errbuf *e);

/* Change log: every write appends (seq, kind, key): kind "device" with the device name, "line" with
 * the DN, "pool"/"profile"/"model"/"node"/"global" with a name. Calls fn for each change with
 * seq > since, in order; *last gets the highest seq seen (unchanged when none). */
int store_changes_since(struct store *st, int64_t since,
			int (*fn)(int64_t seq, const char *kind, const char *key, void *arg),
			void *arg, int64_t *last, struct dt_errbuf *e);
/* Cheap "did anything change" probe (SQLite PRAGMA data_version): *v changes when another
 * connection committed. */
int store_data_version(struct store *st, int64_t *v, struct dt_errbuf *e);

/* ---- additions (store engineer): reference data the CLI and the generator need ---- */

/* Highest change-log seq, 0 when empty: where a reader that just built everything starts. */
int store_changes_last(struct store *st, int64_t *last, struct dt_errbuf *e);

/* Nodes. add: DT_EEXIST for a taken name. delete: DT_ECONFLICT while a CM group lists it. */
int store_node_add(struct store *st, const struct store_node *n, struct dt_errbuf *e);
int store_node_delete(struct store *st, const char *name, struct dt_errbuf *e);
/* Called by `serve` at start: create node `name` (address, services) if missing, and when the
 * "Default" CM group has no member make this node its priority-0 member, so a fresh database
 * serves phones with no setup. A node created here follows `address` on later calls (serve
 * restarted with another --listen); a node the admin added keeps its address. address "" or a
 * wildcard ("0.0.0.0", "::") is stored as "127.0.0.1". */
int store_node_ensure(struct store *st, const char *name, const char *address, const char *services,
		      struct dt_errbuf *e);

/* CallManager groups. add_member: priority -1 = after the last member; ports 0 = 5060 / 5061.
 * DT_ECONFLICT when the node is already a member or the priority is taken, DT_ERANGE past 5. */
int store_cmgroup_add(struct store *st, const char *name, struct dt_errbuf *e);
int store_cmgroup_add_member(struct store *st, const char *group, const char *node, int priority,
			     int sip_port, int sips_port, struct dt_errbuf *e);
int store_cmgroup_get(struct store *st, const char *name, struct store_cm_group *g,
		      struct dt_errbuf *e);
int store_cmgroup_foreach(struct store *st, int (*fn)(const struct store_cm_group *g, void *arg),
			  void *arg, struct dt_errbuf *e);

/* Device pools. store_pool_add reads name, cm_group ("" = "Default"), region ("" = "Default"),
 * locales ("" = English_United_States / United_States) and the date/time fields: when tz_olson,
 * tz_windows, date_template or ntp are given, a date/time group named datetime_group (or the
 * pool's name) is created from CMLocal's values with those replaced; otherwise datetime_group
 * ("" = "CMLocal") must exist. members/n_members are ignored. */
int store_pool_add(struct store *st, const struct store_pool *p, struct dt_errbuf *e);
int store_pool_foreach(struct store *st, int (*fn)(const struct store_pool *p, void *arg),
		       void *arg, struct dt_errbuf *e);

/* Profiles and files referenced by devices ("" = the seeded default where one exists). */
int store_common_profile_get(struct store *st, const char *name, struct store_common_profile *cp,
			     struct dt_errbuf *e);
int store_softkey_template_get(struct store *st, const char *name, struct store_softkey_template *t,
			       struct dt_errbuf *e);
int store_softkey_template_foreach(struct store *st,
				   int (*fn)(const struct store_softkey_template *t, void *arg),
				   void *arg, struct dt_errbuf *e);
int store_dial_rules_get(struct store *st, const char *name, struct store_dial_rules *r,
			 struct dt_errbuf *e);
int store_dial_rules_foreach(struct store *st,
			     int (*fn)(const struct store_dial_rules *r, void *arg), void *arg,
			     struct dt_errbuf *e);
/* The rules of one set, in position order. */
int store_dial_rule_foreach(struct store *st, const char *rules,
			    int (*fn)(const struct store_dial_rule *r, void *arg), void *arg,
			    struct dt_errbuf *e);
int store_ringtone_foreach(struct store *st, int (*fn)(const struct store_ringtone *r, void *arg),
			   void *arg, struct dt_errbuf *e);
/* Firmware loads and their files (model NULL = every model), ordered by model, load, file. */
int store_firmware_foreach(struct store *st, const char *model,
			   int (*fn)(const struct store_firmware_file *f, void *arg), void *arg,
			   struct dt_errbuf *e);

/* Every device in name order with its line appearances in button order (n may be 0), in one
 * query: for bulk readers (export, full rebuilds). fn returning non-zero stops the walk. */
int store_device_lines_foreach(struct store *st,
			       int (*fn)(const struct store_device *d,
					 const struct store_line *lines, int n, void *arg),
			       void *arg, struct dt_errbuf *e);

/* Remove one DN's appearance from one device (the DN stays). DT_ENOENT when it is not there. */
int store_line_unassign(struct store *st, const char *dn, const char *device, struct dt_errbuf *e);

/* ---- additions (admin reference commands: load, ringtone, sipprofile) ---- */

#define STORE_LOAD_MAX_FILES 16

/* A firmware load known for one model, with the image files its .loads manifest lists. */
struct store_load {
	char model[24];	  /* catalogue key ("8851"); store_load_add also accepts "CP-8851" */
	char load_id[64]; /* without ".loads" */
	int is_default;	  /* 1: the model's default load (else the catalogue's default applies) */
	char files[STORE_LOAD_MAX_FILES][96];
	int n_files;
};

/* Add l (model, load_id, files; is_default makes it the model's default at once). The load ID must
 * start with the model's load prefix ("sip88xx."), files are plain names. DT_EEXIST when the model
 * knows that load already; DT_ENOENT for an unknown model. A default change logs ("firmware",
 * MODEL), so every device of the model without an override gets the new <loadInformation>. */
int store_load_add(struct store *st, const struct store_load *l, struct dt_errbuf *e);
/* Make load_id the default of model (load_id NULL or "": back to the catalogue's default).
 * DT_ENOENT when the model does not know that load. Logs ("firmware", MODEL) when it changed. */
int store_load_set_default(struct store *st, const char *model, const char *load_id,
			   struct dt_errbuf *e);
/* Delete load_id from model, or from every model when model is NULL or "". DT_ENOENT when no
 * row matched; DT_ECONFLICT (naming a device) while a device of such a model names it as its
 * load override. Deleting a default load falls back to the catalogue's (logged as above). */
int store_load_delete(struct store *st, const char *load_id, const char *model,
		      struct dt_errbuf *e);
/* Each known load (model NULL = every model) ordered by model and load ID, files in name order. */
int store_load_foreach(struct store *st, const char *model,
		       int (*fn)(const struct store_load *l, void *arg), void *arg,
		       struct dt_errbuf *e);

/* Add a ringtone to Ringlist.xml / Ringlist-wb.xml. r->file_name is a plain "NAME.raw" (the
 * wideband list names NAME.rwb), r->display_name 1..63 characters; r->position 0 = after the
 * last. DT_EEXIST for a file already listed, DT_ECONFLICT for a taken position. Logs ("ringtone",
 * FILE): a running serve rebuilds both lists. */
int store_ringtone_add(struct store *st, const struct store_ringtone *r, struct dt_errbuf *e);
/* Remove the ringtone of file_name (the list keeps its order). DT_ENOENT when not listed. */
int store_ringtone_delete(struct store *st, const char *file_name, struct dt_errbuf *e);

/* SIP profiles. add: DT_EEXIST for a taken name. update: every field of sp replaces the stored
 * one (read it with store_sip_profile_get first); DT_ENOENT for an unknown name. Ranges:
 * register_expires 60..86400, register_delta 0..600, keepalive_expires 0..86400, transport 1..4,
 * digest_auth 0/1 (DT_ERANGE naming the field). Both log ("profile", NAME): the devices using the
 * profile get rebuilt files and the registrar applies digest_auth to their next REGISTER. */
int store_sip_profile_add(struct store *st, const struct store_sip_profile *sp,
			  struct dt_errbuf *e);
int store_sip_profile_update(struct store *st, const struct store_sip_profile *sp,
			     struct dt_errbuf *e);
int store_sip_profile_foreach(struct store *st,
			      int (*fn)(const struct store_sip_profile *sp, void *arg), void *arg,
			      struct dt_errbuf *e);

#endif
