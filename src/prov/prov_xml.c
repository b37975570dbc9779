/* summary: the XML writer seam: libxml2's xmlTextWriter writing straight into a pbuf, in CUCM's
 * layout (one element per line, no indentation).
 *
 * Why xmlTextWriter and not a tree (xmlNewDoc + xmlDocDumpMemory): measured on this machine, a
 * 250-element document costs ~25 µs through the writer and about twice that through a tree that
 * is built and then serialised (docs/decisions.md "config generation"). The writer also escapes
 * text and attribute values, which is the part hand-written printf code gets wrong.
 */
#include "prov/prov_priv.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

static int
out_write(void *ctx, const char *buf, int len)
{
	struct pbuf *b = ctx;
	pbuf_put(b, buf, (size_t)len);
	return b->oom ? -1 : len;
}

static int
out_close(void *ctx)
{
	return 0;
}

int
pxml_open(struct pxml *x, struct pbuf *out, int decl)
{
	xmlOutputBufferPtr ob;
	xmlTextWriterPtr w;

	x->w = NULL;
	x->out = out;
	x->err = 0;
	x->started = 0;
	ob = xmlOutputBufferCreateIO(out_write, out_close, out, NULL);
	if (!ob)
		return DT_ENOMEM;
	w = xmlNewTextWriter(ob); /* owns ob from here */
	if (!w) {
		xmlOutputBufferClose(ob);
		return DT_ENOMEM;
	}
	/* Indent on with an empty indent string: a newline after each element, no leading
	 * spaces, which is what CUCM emits and what makes fragments position-independent. */
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "");
	x->w = w;
	if (decl && xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0)
		x->err = 1;
	return DT_OK;
}

void
pxml_start(struct pxml *x, const char *name)
{
	if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->err = 1;
	x->started = 1;
}

void
pxml_attr(struct pxml *x, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value) < 0)
		x->err = 1;
}

void
pxml_text(struct pxml *x, const char *text)
{
	x->started = 0;
	if (xmlTextWriterWriteString(x->w, BAD_CAST text) < 0)
		x->err = 1;
}

void
pxml_end(struct pxml *x)
{
	x->started = 0;
	/* FullEndElement: <a></a>, never <a/>, as CUCM writes empty elements. */
	if (xmlTextWriterFullEndElement(x->w) < 0)
		x->err = 1;
}

void
pxml_end_empty(struct pxml *x)
{
	x->started = 0;
	if (xmlTextWriterEndElement(x->w) < 0)
		x->err = 1;
}

void
pxml_el(struct pxml *x, const char *name, const char *text)
{
	x->started = 0;
	if (xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST(text ? text : "")) < 0)
		x->err = 1;
}

char *
prov_ltoa(long v, char out[24])
{
	/* snprintf's format machinery showed in the build profile; numbers here are plain. */
	char tmp[24];
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	int n = 0, k = 0;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	out[k] = '\0';
	return out;
}

void
pxml_eli(struct pxml *x, const char *name, long v)
{
	char num[24];
	pxml_el(x, name, prov_ltoa(v, num));
}

void
pxml_raw(struct pxml *x, const struct pbuf *frag)
{
	if (frag->oom) {
		x->err = 1;
		return;
	}
	/* The writer ends a start tag's line only when the next element starts: do it ourselves so
	 * a fragment pasted first inside an element begins on its own line, as elsewhere. */
	if (x->started && xmlTextWriterWriteRaw(x->w, BAD_CAST "\n") < 0)
		x->err = 1;
	if (frag->len && xmlTextWriterWriteRawLen(x->w, frag->p, (int)frag->len) < 0)
		x->err = 1;
	x->started = 0;
}

void
pxml_flush(struct pxml *x)
{
	if (xmlTextWriterFlush(x->w) < 0)
		x->err = 1;
}

int
pxml_close(struct pxml *x, struct dt_errbuf *e)
{
	int err = x->err;
	if (x->w) {
		if (xmlTextWriterEndDocument(x->w) < 0)
			err = 1;
		xmlFreeTextWriter(x->w); /* flushes and closes the output buffer */
		x->w = NULL;
	}
	if (x->out->oom)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory while writing XML");
	if (err)
		return dt_errf(e, DT_EINVAL, "prov: XML writer failed");
	return DT_OK;
}

void
prov_stamp_begin(struct pxml *x, size_t *mark)
{
	pxml_flush(x);
	*mark = x->out->len;
	pxml_el(x, "versionStamp", PROV_STAMP_PLACEHOLDER);
}

void
prov_stamp_finish(struct pbuf *out, size_t mark, uint64_t hash[2])
{
	static const char ph[] = PROV_STAMP_PLACEHOLDER;
	uint64_t h[2];
	char uuid[37];
	uint8_t *at;

	if (out->oom || mark >= out->len)
		return;
	at = memmem(out->p + mark, out->len - mark, ph, sizeof ph - 1);
	if (!at)
		return;
	/* The hash covers the whole file with the placeholder in place, so it is a pure function
	 * of the content (no clock, no counter): identical databases give identical files. */
	prov_hash128(out->p, out->len, h);
	prov_hash_uuid(h, uuid);
	memcpy(at, uuid, 36);
	if (hash) {
		hash[0] = h[0];
		hash[1] = h[1];
	}
}
