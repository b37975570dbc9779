/* summary: server → phone NOTIFY with Event: service-control (Cisco SIP phones; spec
 * sip-register.md "Server → phone control") and the phone's answer to it. */
#include "sip/reg_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

static const char zero_stamp[] = "{00000000-0000-0000-0000-000000000000}";

/* The binding to reach a device through: the newest one of its primary AOR. */
static struct reg_bind *
device_binding(struct reg *r, struct reg_dev *d, struct reg_aor **aor)
{
	struct reg_aor *a = reg_aor_get(r, d->info.aor, 0);
	struct reg_bind *best = NULL;
	for (struct reg_bind *b = a ? a->binds : NULL; b; b = b->next) {
		if (strcmp(b->device, d->info.name) == 0 &&
		    (!best || b->expires_at > best->expires_at))
			best = b;
	}
	*aor = a;
	return best;
}

/* Where a NOTIFY to binding B goes: its transport, address, connection and our listen address. */
static void
dst_of(const struct reg_bind *b, struct reg_src *dst)
{
	memset(dst, 0, sizeof *dst);
	dst->transport = b->transport;
	reg_copy(dst->ip, sizeof dst->ip, b->ip);
	dst->port = b->port;
	dst->conn = b->conn;
	dst->local = b->local;
}

int
reg_notify_build(struct reg *r, const char *device, const char *action, const char *local,
		 time_t now, struct reg_src *dst, char *out, size_t cap)
{
	struct reg_dev *d = reg_dev_get(r, device, 0);
	struct reg_aor *a;
	struct reg_bind *b;
	struct sip_out o;
	char body[512], callid[32];
	const char *wire;
	int n;
	if (strcmp(action, "reset") == 0)
		wire = "reset";
	else if (strcmp(action, "apply-config") == 0 || strcmp(action, "restart") == 0)
		wire = "restart";
	else
		return -DT_EINVAL;
	if (!d || !(b = device_binding(r, d, &a)))
		return -DT_ENOENT;
	d->notify_seq = ++r->tag_seq ? r->tag_seq : ++r->tag_seq;
	snprintf(callid, sizeof callid, "%08x-notify@dialtone", d->notify_seq);
	n = snprintf(body, sizeof body,
		     "action=%s\r\nRegisterCallId={%s}\r\nConfigVersionStamp=%s\r\n"
		     "DialplanVersionStamp=%s\r\nSoftkeyVersionStamp=%s\r\n"
		     "FeatureControlVersionStamp=%s\r\n",
		     wire, reg_bind_callid(b), zero_stamp, zero_stamp, zero_stamp, zero_stamp);
	if (n < 0 || (size_t)n >= sizeof body)
		return -DT_ERANGE;
	sip_out_init(&o, out, cap);
	sip_out_request(&o, "NOTIFY", slice_make(reg_bind_contact(b), b->contact_len));
	sip_out_hdrf(&o, "Via", "SIP/2.0/%s %s;branch=z9hG4bK%08x%08x",
		     reg_transport_name(b->transport), local, r->tag_seq, (unsigned)now);
	sip_out_hdrf(&o, "From", "<sip:%s>;tag=%u", local, r->tag_seq);
	sip_out_hdrf(&o, "To", "<sip:%s@%s>", a->aor, local);
	sip_out_hdrf(&o, "Call-ID", "%s", callid);
	sip_out_hdrf(&o, "CSeq", "101 NOTIFY");
	sip_out_hdrf(&o, "Max-Forwards", "70");
	sip_out_hdrf(&o, "Event", "service-control");
	sip_out_hdrf(&o, "Subscription-State", "active");
	n = sip_out_finish(&o, "text/plain", body, (size_t)n);
	if (n < 0)
		return -DT_ERANGE;
	dst_of(b, dst);
	d->info.cfg_state = REG_CFG_PENDING;
	reg_copy(d->info.cfg_action, sizeof d->info.cfg_action, action);
	d->info.cfg_at = now;
	reg_mark_dirty_dev(r, d);
	return n;
}

int
reg_notify_target(struct reg *r, const char *device, struct reg_src *dst, char *contact, size_t cap)
{
	struct reg_dev *d = reg_dev_get(r, device, 0);
	struct reg_aor *a;
	struct reg_bind *b;
	if (!d || !(b = device_binding(r, d, &a)))
		return DT_ENOENT;
	dst_of(b, dst);
	reg_copy(contact, cap, reg_bind_contact(b));
	return DT_OK;
}

void
reg_notify_failed(struct reg *r, const char *device)
{
	struct reg_dev *d = reg_dev_get(r, device, 0);
	if (!d)
		return;
	d->notify_seq = 0;
	d->info.cfg_state = REG_CFG_FAILED;
	reg_mark_dirty_dev(r, d);
}

struct match {
	struct dt_slice call_id;
	struct reg_dev *found;
};

static void
find_notify(void *item, void *arg)
{
	struct reg_dev *d = item;
	struct match *mt = arg;
	char callid[32];
	if (mt->found || !d->notify_seq)
		return;
	snprintf(callid, sizeof callid, "%08x-notify@dialtone", d->notify_seq);
	if (slice_eq(mt->call_id, callid))
		mt->found = d;
}

int
reg_notify_response(struct reg *r, const struct sip_msg *m, time_t now)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_H_CALL_ID, 0);
	struct match mt = {{"", 0}, NULL};
	if (!h || m->status < 200)
		return 0;
	mt.call_id = h->value;
	reg_map_each(&r->devs, find_notify, &mt);
	if (!mt.found)
		return 0;
	mt.found->notify_seq = 0;
	if (m->status >= 300) {
		/* the phone refused the action: it will not come back with the new config */
		mt.found->info.cfg_state = REG_CFG_FAILED;
		/* still registered: only the history says */
		reg_dev_note(r, mt.found, REG_EV_UNREGISTER, REG_R_NO_RESPONSE, NULL, now);
	}
	reg_mark_dirty_dev(r, mt.found);
	return 1;
}
