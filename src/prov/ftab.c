/* summary: the published files by name (case-insensitive open-addressing hash table) and the
 * refcounted immutable file objects.
 *
 * Phones differ in the case of the MAC in SEP<MAC>.cnf.xml, so names match case-insensitively;
 * the stored name keeps the case we publish. A file and its bytes are one allocation, never
 * changed after publication; the table holds one reference and every reader (a TFTP or HTTP
 * transfer) holds its own, so a rebuild can replace a file while an old transfer still sends it.
 */
#include "prov/prov_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/mem.h"

struct prov_file *
prov_file_new(const char *name, const char *device, const uint8_t *data, size_t len,
	      const uint64_t *hash)
{
	struct prov_file *f = dt_malloc(DT_MEM_PROV, sizeof *f + len + 1);
	uint8_t *bytes;
	uint64_t h[2];

	if (!f)
		return NULL;
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->device, sizeof f->device, "%s", device ? device : "");
	bytes = (uint8_t *)(f + 1);
	memcpy(bytes, data, len);
	bytes[len] = '\0'; /* callers may treat the bytes as a string */
	f->data = bytes;
	f->len = len;
	f->version = 1;
	/* A stamped file's hash covers everything but the stamp, which derives from it: the bytes
	 * change exactly when it does, so it serves as the ETag without a second pass. */
	if (hash) {
		h[0] = hash[0];
		h[1] = hash[1];
	} else {
		prov_hash128(data, len, h);
	}
	snprintf(f->etag, sizeof f->etag, "\"%016llx%016llx\"", (unsigned long long)h[0],
		 (unsigned long long)h[1]);
	f->mtime = time(NULL);
	f->refs = 1;
	return f;
}

void
prov_file_put(struct prov_file *f)
{
	if (f && __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) == 0)
		dt_free(DT_MEM_PROV, f);
}

static uint64_t
name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a over the lower-cased name */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return h;
}

/* Index of name's slot, or of the first free slot of its probe sequence. cap is a power of 2. */
static size_t
find(struct prov_file **slot, size_t cap, const char *name)
{
	size_t i = (size_t)name_hash(name) & (cap - 1);
	while (slot[i] && strcasecmp(slot[i]->name, name) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

struct prov_file *
ftab_get(const struct ftab *t, const char *name)
{
	if (!t->cap)
		return NULL;
	return t->slot[find(t->slot, t->cap, name)];
}

static int
grow(struct ftab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct prov_file **slot = dt_calloc(DT_MEM_PROV, cap, sizeof *slot);
	if (!slot)
		return DT_ENOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i])
			slot[find(slot, cap, t->slot[i]->name)] = t->slot[i];
	if (t->slot)
		dt_free(DT_MEM_PROV, t->slot);
	t->slot = slot;
	t->cap = cap;
	return DT_OK;
}

int
ftab_put(struct ftab *t, struct prov_file *f)
{
	size_t i;
	/* Load factor ≤ 1/2 keeps linear probing short. */
	if ((t->used + 1) * 2 > t->cap && grow(t) != DT_OK)
		return DT_ENOMEM;
	i = find(t->slot, t->cap, f->name);
	if (t->slot[i]) {
		f->version = t->slot[i]->version + 1;
		prov_file_put(t->slot[i]);
	} else {
		t->used++;
	}
	t->slot[i] = f;
	return DT_OK;
}

int
ftab_del(struct ftab *t, const char *name)
{
	size_t i, j;
	if (!t->cap)
		return 0;
	i = find(t->slot, t->cap, name);
	if (!t->slot[i])
		return 0;
	prov_file_put(t->slot[i]);
	t->slot[i] = NULL;
	t->used--;
	/* Backward-shift deletion: re-seat the rest of the cluster so probes stay unbroken. */
	for (j = (i + 1) & (t->cap - 1); t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		struct prov_file *f = t->slot[j];
		t->slot[j] = NULL;
		t->slot[find(t->slot, t->cap, f->name)] = f;
	}
	return 1;
}

void
ftab_free(struct ftab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i])
			prov_file_put(t->slot[i]);
	if (t->slot)
		dt_free(DT_MEM_PROV, t->slot);
	t->slot = NULL;
	t->cap = t->used = 0;
}
