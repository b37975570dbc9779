/* summary: private map of the prov module: byte buffers, the XML writer seam, generator inputs,
 * the validator and the file table. Included only inside src/prov/ (and by its unit tests).
 *
 * Generators are pure: plain structs in (filled from the store by build.c, or by a unit test),
 * bytes out. They never touch the database, so tests exercise them without a store.
 */
#ifndef DT_PROV_PROV_PRIV_H
#define DT_PROV_PROV_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "prov/prov.h"
#include "store/store.h"

/* ---- prov_buf.c: growable byte buffer counted under DT_MEM_PROV ---- */
struct pbuf {
	uint8_t *p;
	size_t len, cap;
	int oom; /* sticky: an append failed */
};
void pbuf_put(struct pbuf *b, const void *s, size_t n);
void pbuf_puts(struct pbuf *b, const char *s);
void pbuf_reset(struct pbuf *b);
void pbuf_free(struct pbuf *b);

/* 128-bit content hash (two 64-bit lanes over 8-byte words, splitmix finish). Not cryptographic:
 * it only has to change when the bytes change (versionStamp, ETag). */
void prov_hash128(const void *p, size_t n, uint64_t out[2]);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (36 chars + NUL) from a hash. */
void prov_hash_uuid(const uint64_t h[2], char out[37]);

/* ---- prov_xml.c: libxml2 xmlTextWriter appending to a pbuf ---- */
struct pxml {
	void *w; /* xmlTextWriterPtr */
	struct pbuf *out;
	int err;     /* sticky: a writer call failed */
	int started; /* the last call opened an element (its line is not ended yet) */
};
/* Start a writer on out. decl: write the `<?xml version="1.0" encoding="UTF-8"?>` line.
 * Output style is CUCM's: one element per line, no indentation, so cached fragments can be
 * pasted at any depth. */
int pxml_open(struct pxml *x, struct pbuf *out, int decl);
void pxml_start(struct pxml *x, const char *name);
void pxml_attr(struct pxml *x, const char *name, const char *value);
/* Escaped text inside the element just started. */
void pxml_text(struct pxml *x, const char *text);
void pxml_end(struct pxml *x);
/* Close an element without content as <name .../> (dial-rule TEMPLATEs, softKey references). */
void pxml_end_empty(struct pxml *x);
/* <name>text</name>; NULL text writes an empty element (<name></name>, as CUCM does). */
void pxml_el(struct pxml *x, const char *name, const char *text);
void pxml_eli(struct pxml *x, const char *name, long v);
/* Decimal text of v in out (returned). */
char *prov_ltoa(long v, char out[24]);
/* Paste bytes already escaped and well-formed (a cached fragment). */
void pxml_raw(struct pxml *x, const struct pbuf *frag);
/* Flush everything to out (the writer stays open); used before noting an offset. */
void pxml_flush(struct pxml *x);
/* End the document, flush and free the writer: DT_OK, or DT_ENOMEM/DT_EINVAL when any call
 * failed. */
int pxml_close(struct pxml *x, struct dt_errbuf *e);

/* Write <versionStamp> with a placeholder, and after the document is complete patch it with the
 * hash of the whole file: the same database gives the same bytes, a change gives a new stamp. */
#define PROV_STAMP_PLACEHOLDER "00000000-0000-0000-0000-000000000000"
void prov_stamp_begin(struct pxml *x, size_t *mark);
/* h (may be NULL) receives the hash, which also serves as the file's ETag. */
void prov_stamp_finish(struct pbuf *out, size_t mark, uint64_t h[2]);

/* ---- generator inputs ---- */
struct prov_line_in {
	const char *dn;
	const char *display;
	const char *label;     /* "" = the DN */
	const char *auth_user; /* "" = the DN */
	const char *password;  /* "" = no digest credentials on this line */
	int button;
	int shared; /* the DN appears on more than one device */
};

struct prov_dev_in {
	const char *name; /* SEP… */
	const char *mac;
	int security;		    /* enum store_security */
	const char *load;	    /* device override, "" = model's default */
	const char *user_locale;    /* "" = the pool's */
	const char *network_locale; /* "" = the pool's */
	const char *softkey_file;   /* "" = none */
	const char *dial_file;	    /* "" = none */
	const struct store_model *model;
	const struct store_pool *pool;
	const struct store_sip_profile *sip;
	const struct store_common_profile *common; /* NULL = CUCM defaults */
	const struct prov_line_in *lines;	   /* button order */
	int n_lines;
	uint64_t *hash; /* may be NULL; receives the content hash (versionStamp, ETag) */
};

/* ---- cnf_xml.c: SEP<MAC>.cnf.xml ---- */
/* Shared fragments, rendered once per pool / SIP profile / model and pasted into every device's
 * file (a full build writes ~40 device-specific elements per file instead of ~250). */
int prov_cnf_pool_frag(const struct store_pool *pool, struct pbuf *out, struct dt_errbuf *e);
int prov_cnf_sip_frag(const struct store_sip_profile *sp, struct pbuf *out, struct dt_errbuf *e);
int prov_cnf_vendor_frag(const struct store_model *m, struct pbuf *out, struct dt_errbuf *e);
/* <callManagerGroup> with its members renumbered 0.. in priority order (SEP files, XMLDefault). */
void prov_cnf_cm_group(struct pxml *x, const struct store_pool *pool, int tftp_default);
int prov_cnf_common_frag(const struct store_common_profile *cp, struct pbuf *out,
			 struct dt_errbuf *e);
/* The parts identical in every file: before <devicePool>, and after the security elements. */
int prov_cnf_head_frag(struct pbuf *out, struct dt_errbuf *e);
int prov_cnf_tail_frag(struct pbuf *out, struct dt_errbuf *e);
/* The children of every <line> after <sharedLine>. */
int prov_cnf_line_frag(struct pbuf *out, struct dt_errbuf *e);
struct prov_cnf_frags {
	struct pbuf head, pool, sip, common, vendor, tail, line;
};
void prov_cnf_frags_free(struct prov_cnf_frags *fr);
/* The device file from its input and the fragments above (not freed; read-only, so threads may
 * share them). */
int prov_cnf_device(const struct prov_dev_in *in, const struct prov_cnf_frags *fr, struct pbuf *out,
		    struct dt_errbuf *e);
/* Convenience for tests and one-off builds: fragments rendered on the spot. */
int prov_cnf_xml(const struct prov_dev_in *in, struct pbuf *out, struct dt_errbuf *e);
/* The load a device is told to run: its override, else the model's default. */
const char *prov_cnf_load(const struct prov_dev_in *in);
/* langCode for a CUCM user-locale name ("English_United_States" → "en_US"), "" when unknown. */
const char *prov_locale_lang(const char *user_locale);

/* ---- xmldefault.c ---- */
/* XMLDefault.cnf.xml: the autoregistration CM group (members of pool, may be NULL = none) and
 * loadInformation<N> for every model of the catalogue. */
int prov_xmldefault(const struct store_pool *pool, const struct store_model *models, int n_models,
		    int autoregister, struct pbuf *out, struct dt_errbuf *e);

/* ---- dialrules.c ---- */
int prov_dialrules(const struct store_dial_rule *rules, int n, struct pbuf *out,
		   struct dt_errbuf *e);

/* ---- softkeys.c ---- */
/* The softkey configuration file (CUCM "Standard User" layout for SIP phones). */
int prov_softkeys(struct pbuf *out, struct dt_errbuf *e);

/* ---- ringlist.c ---- */
/* Ringlist.xml (wideband = 0) or Ringlist-wb.xml (wideband = 1: ".raw" names become ".rwb"). */
int prov_ringlist(const struct store_ringtone *rings, int n, int wideband, struct pbuf *out,
		  struct dt_errbuf *e);

/* ---- validate.c ---- */
/* A rule: every element at path `parent` ("device/sipProfile/sipLines/line") must contain a
 * child `child`; nonempty: the child must have text. */
struct prov_rule {
	const char *parent;
	const char *child;
	int nonempty;
};
enum prov_kind {
	PROV_K_SEP,
	PROV_K_XMLDEFAULT,
	PROV_K_DIALRULES,
	PROV_K_SOFTKEYS,
	PROV_K_RINGLIST
};
/* Check a generated file before it is published: well-formed XML 1.0 (one root named as kind
 * expects, matched tags, quoted attributes, known entities, valid UTF-8, no control characters)
 * and every rule of kind satisfied. DT_EINVAL with e = "FILE: device DEV: element PATH …" naming
 * the device (or "-") and the element. */
int prov_validate(enum prov_kind kind, const char *file, const char *device, const uint8_t *p,
		  size_t n, struct dt_errbuf *e);

/* ---- ftab.c: the published files, by name, case-insensitively ---- */
struct ftab {
	struct prov_file **slot;
	size_t cap, used;
};
/* A new file holding a copy of data (refs = 1, owned by the caller). hash: the content hash
 * when the caller has one (a file with a versionStamp), NULL to compute it. */
struct prov_file *prov_file_new(const char *name, const char *device, const uint8_t *data,
				size_t len, const uint64_t *hash);
struct prov_file *ftab_get(const struct ftab *t, const char *name);
/* Publish f under f->name, replacing (and dropping the table's reference to) an older file of that
 * name; the table takes over the caller's reference. DT_ENOMEM when the table cannot grow. */
int ftab_put(struct ftab *t, struct prov_file *f);
/* Unpublish name; 1 when it existed. */
int ftab_del(struct ftab *t, const char *name);
void ftab_free(struct ftab *t);

/* ---- prov_index.c: the in-memory index a struct prov keeps between builds ---- */
/* String → pointer map (case-sensitive), open addressing; keys are owned by the values. */
struct pmap {
	struct pmap_ent {
		const char *key;
		void *val;
	} * slot;
	size_t cap, used;
};
void *pmap_get(const struct pmap *m, const char *key);
/* The key pointer stored for key (the owned copy), or NULL. */
const char *pmap_key(const struct pmap *m, const char *key);
int pmap_put(struct pmap *m, const char *key, void *val);
void pmap_del(struct pmap *m, const char *key);
void pmap_free(struct pmap *m);

/* One line appearance of a device; the strings live in the pdev's allocation. */
struct pline {
	const char *dn, *display, *label, *auth_user, *password;
	int button;
};

/* What a device's file needs, compact (~150 bytes + lines): names resolved to reference indexes. */
struct pdev {
	char name[16];
	char mac[13];
	int security;
	int ref[6]; /* index into prov.refs[kind]; -1 = none (dial rules only) */
	const char *load, *user_locale, *network_locale;
	struct pline *lines;
	int n_lines;
	size_t pos;    /* index in prov.devs */
	int mark;      /* queued for rebuild */
	int published; /* its file passed validation in the last build */
};

enum pref_kind { R_POOL, R_SIP, R_COMMON, R_SOFTKEY, R_DIAL, R_MODEL, R__COUNT };

/* A referenced object (pool, profile, model …) loaded once and shared by its devices. */
struct pref {
	char name[64];
	int rc; /* DT_OK when loaded; else the load error (err says why) */
	char err[512];
	union {
		struct store_pool pool;
		struct store_sip_profile sip;
		struct store_common_profile common;
		struct store_softkey_template softkey;
		struct store_dial_rules dial;
		struct store_model model;
	} u;
	struct store_dial_rule *rules; /* R_DIAL */
	int n_rules;
	struct pbuf frag; /* rendered fragment: R_POOL, R_SIP, R_COMMON, R_MODEL */
	int changed;	  /* set by a reload that changed it */
	int loaded;	  /* pref_load ran at least once */
};

struct prefs {
	struct pref *v;
	int n, cap;
};

struct prov {
	struct store *st;
	struct dt_conf conf;
	struct ftab files;
	struct pdev **devs;
	size_t n_devs, cap_devs;
	struct pmap by_name;  /* device name → struct pdev */
	struct pmap dn_count; /* DN → (intptr_t) devices showing it; keys owned by the map */
	struct prefs refs[R__COUNT];
	int64_t seq;		      /* last change-log entry applied */
	int64_t dv;		      /* last PRAGMA data_version seen */
	struct pbuf head, tail, line; /* the fragments every SEP file shares */
	struct prov_build_stats last;
	struct pmap failed; /* file name → its last generation error (both strings owned) */
	int threads;
};

/* Default names of references a device leaves empty. */
extern const char *const prov_ref_default[R__COUNT];
/* Index of name in refs[kind], adding an unloaded entry when new; -1 on allocation failure. */
int pref_intern(struct prov *p, enum pref_kind kind, const char *name);
/* Load (or reload) one reference from the store and render its fragment; sets r->changed when
 * the content differs from before. Never fails: a load error is kept in r->rc / r->err. */
void pref_load(struct prov *p, enum pref_kind kind, struct pref *r);
void prefs_free(struct prov *p);

/* A packed device from the store's record and its lines (NULL on allocation failure). */
struct pdev *pdev_pack(struct prov *p, const struct store_device *d, const struct pline *lines,
		       int n);
void pdev_free(struct pdev *d);
int prov_dev_add(struct prov *p, struct pdev *d);
void prov_dev_remove(struct prov *p, struct pdev *d);
/* Adjust the per-DN device counts for d's lines (delta +1 / -1). */
int prov_dn_count(struct prov *p, const struct pdev *d, int delta);
int prov_dn_shared(const struct prov *p, const char *dn);

/* Remember (msg != NULL) or forget (msg == NULL) why file `name` is not published. */
void prov_fail_note(struct prov *p, const char *name, const char *msg);
void prov_fail_clear(struct prov *p);

/* ---- refresh.c ---- */
/* A number that changes whenever the database may have changed (another process's commit or a
 * write through p's own handle); no query. */
int prov_probe(struct prov *p, int64_t *v, struct dt_errbuf *e);

/* ---- build.c ---- */
/* Render one device's file and validate it: DT_OK with *out, or the error naming device and
 * element. buf is scratch space reused between calls. */
int prov_gen_device(const struct prov *p, const struct pdev *d, struct pbuf *buf,
		    struct prov_file **out, struct dt_errbuf *e);
/* Publish f unless an identical file is already published (then f is dropped); 1 when the
 * published set changed, 0 when not, <0 (DT_ENOMEM negated) on failure. */
int prov_publish(struct prov *p, struct prov_file *f);
/* ---- build_shared.c ---- */
/* (Re)build XMLDefault, softkey, dial-rule and ring-list files from the loaded references. */
int prov_build_shared(struct prov *p, int *nchanged, struct dt_errbuf *e);
#define PROV_MAX_LINES 64 /* buttons a model may have (schema: 1..64) */

/* ---- build_read.c ---- */
/* Read models, devices and lines from the store into the index (replacing what it held). */
int prov_read_all(struct prov *p, struct dt_errbuf *e);
/* Forget every packed device (before a full re-read, and at close). */
void prov_clear_devices(struct prov *p);
/* Read everything from the store and rebuild every file. */
int prov_build_full(struct prov *p, int *nchanged, struct dt_errbuf *e);

#endif
