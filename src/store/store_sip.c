/* summary: SQLite persistence of the SIP registrar (0003_sip.sql): batched saves, reload, state
 * text for the admin, history and the control queue. */
#include "store/store_sip.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_priv.h"
#include "store/store_sip_list.h"

static int
db_err(struct store *st, struct dt_errbuf *e, const char *table)
{
	return dt_errf(e, DT_EDB, "database: %s: %s", table, sqlite3_errmsg(store_sqlite(st)));
}

static sqlite3_stmt *
prep(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

static void
text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

struct save {
	struct store *st;
	struct reg *r;
	sqlite3_stmt *del_b, *ins_b, *up_d, *up_s;
	int rc;
};

/* removed: the AOR lost bindings, so its rows are replaced; otherwise upserted (one statement per
 * binding instead of a DELETE + INSERT per refresh). */
static void
save_aor(struct save *sv, const char *aor, int removed)
{
	struct reg_binding_info b[16];
	int n = reg_aor_bindings(sv->r, aor, b, 16);
	if (removed) {
		text(sv->del_b, 1, aor);
		if (sqlite3_step(sv->del_b) != SQLITE_DONE)
			sv->rc = DT_EDB;
		sqlite3_reset(sv->del_b);
	}
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *s = sv->ins_b;
		text(s, 1, b[i].aor);
		text(s, 2, b[i].contact);
		text(s, 3, b[i].params);
		text(s, 4, b[i].call_id);
		sqlite3_bind_int64(s, 5, b[i].cseq);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)b[i].expires_at);
		sqlite3_bind_int(s, 7, b[i].q);
		text(s, 8, b[i].device);
		sqlite3_bind_int(s, 9, b[i].src.transport);
		text(s, 10, b[i].src.ip);
		sqlite3_bind_int(s, 11, b[i].src.port);
		if (sqlite3_step(s) != SQLITE_DONE)
			sv->rc = DT_EDB;
		sqlite3_reset(s);
	}
}

/* Decimal v followed by a space at out; returns the bytes written. */
static size_t
put_u(char *out, unsigned long long v)
{
	char tmp[21];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = ' ';
	return n + 1;
}

/* "at event reason transport ip port [bound total]" per row, oldest first; the line counts
 * (0006_sip_partial) only on rows that carry them. */
static void
hist_text(const struct reg_hist *h, int n, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	/* hand-formatted: a boot storm rewrites thousands of these per second */
	for (int i = 0; i < n; i++) {
		unsigned long long f[4] = {(unsigned long long)h[i].at, h[i].event, h[i].reason,
					   h[i].transport};
		const char *ip = h[i].ip[0] ? h[i].ip : "-";
		size_t il = strlen(ip);
		if (len + 4 * 21 + il + 8 + 8 > cap)
			break;
		for (int k = 0; k < 4; k++)
			len += put_u(out + len, f[k]);
		memcpy(out + len, ip, il);
		len += il;
		out[len++] = ' ';
		len += put_u(out + len, h[i].port);
		if (h[i].lines_total) {
			len += put_u(out + len, h[i].lines_bound);
			len += put_u(out + len, h[i].lines_total);
		}
		out[len - 1] = '\n';
	}
	out[len] = '\0';
}

static int
hist_parse(const char *text, struct reg_hist *h, int max)
{
	int n = 0;
	while (text && *text && n < max) {
		long long at;
		int ev, reason, tr, used = 0;
		unsigned port, bound, total;
		char ip[46];
		if (sscanf(text, "%lld %d %d %d %45s %u%n", &at, &ev, &reason, &tr, ip, &port,
			   &used) != 6)
			break;
		memset(&h[n], 0, sizeof h[n]);
		/* the optional line counts, on this row only (a row of an older build ends here) */
		if (text[used] == ' ' && sscanf(text + used, "%u %u", &bound, &total) == 2 &&
		    bound <= total && total <= UINT8_MAX) {
			h[n].lines_bound = (uint8_t)bound;
			h[n].lines_total = (uint8_t)total;
		}
		h[n].at = (time_t)at;
		h[n].event = (uint8_t)ev;
		h[n].reason = (uint8_t)reason;
		h[n].transport = (uint8_t)tr;
		snprintf(h[n].ip, sizeof h[n].ip, "%s", strcmp(ip, "-") ? ip : "");
		h[n].port = (uint16_t)port;
		n++;
		text = strchr(text + used, '\n');
		if (text)
			text++;
	}
	return n;
}

/* with_hist: the history changed too (full row); otherwise every column but history. */
static void
save_dev(struct save *sv, const char *name, int with_hist)
{
	struct reg_device_info d;
	struct reg_hist h[REG_HIST_MAX];
	char hist[REG_HIST_MAX * 88];
	sqlite3_stmt *s = with_hist ? sv->up_d : sv->up_s;
	if (reg_device_get(sv->r, name, &d) != DT_OK)
		return;
	if (with_hist)
		hist_text(h, reg_device_history(sv->r, name, h, REG_HIST_MAX), hist, sizeof hist);
	text(s, 1, d.name);
	sqlite3_bind_int(s, 2, d.state);
	sqlite3_bind_int(s, 3, d.reason);
	text(s, 4, d.ip);
	sqlite3_bind_int(s, 5, d.port);
	sqlite3_bind_int(s, 6, d.transport);
	text(s, 7, d.user_agent);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)d.last_register);
	text(s, 9, d.active_load);
	text(s, 10, d.inactive_load);
	text(s, 11, d.aor);
	sqlite3_bind_int(s, 12, d.flapping);
	sqlite3_bind_int(s, 13, d.cfg_state);
	text(s, 14, d.cfg_action);
	sqlite3_bind_int64(s, 15, (sqlite3_int64)d.cfg_at);
	sqlite3_bind_int(s, 16, d.lines_bound);
	sqlite3_bind_int(s, 17, d.lines_total);
	if (with_hist)
		text(s, 18, hist);
	if (sqlite3_step(s) != SQLITE_DONE)
		sv->rc = DT_EDB;
	sqlite3_reset(s);
}

static void
save_one(char kind, const char *key, void *arg)
{
	struct save *sv = arg;
	if (kind == 'a' || kind == 'r')
		save_aor(sv, key, kind == 'r');
	else
		save_dev(sv, key, kind == 'h');
}

int
store_sip_save(struct store *st, struct reg *r, struct dt_errbuf *e)
{
	struct save sv = {st, r, NULL, NULL, NULL, NULL, DT_OK};
	sqlite3 *db = store_sqlite(st);
	switch (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) {
	case SQLITE_OK:
		break;
	case SQLITE_BUSY:
		/* Nothing drained yet: the changes stay dirty for the next save. */
		return dt_errf(e, DT_EBUSY, "database: locked by another writer");
	default:
		return db_err(st, e, "sip_binding");
	}
	sv.del_b = prep(st, "DELETE FROM sip_binding WHERE aor = ?");
	sv.ins_b =
	    prep(st, "INSERT OR REPLACE INTO sip_binding (aor, contact, params, call_id, cseq,"
		     " expires_at, q, device, transport, ip, port) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	sv.up_d =
	    prep(st, "INSERT OR REPLACE INTO sip_device_state (device, state, reason, ip, port,"
		     " transport, user_agent, last_register, active_load, inactive_load, aor,"
		     " flapping, cfg_state, cfg_action, cfg_at, lines_bound, lines_total, history)"
		     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sv.up_s =
	    prep(st, "INSERT INTO sip_device_state (device, state, reason, ip, port, transport,"
		     " user_agent, last_register, active_load, inactive_load, aor, flapping,"
		     " cfg_state, cfg_action, cfg_at, lines_bound, lines_total)"
		     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		     " ON CONFLICT(device) DO UPDATE SET state = excluded.state,"
		     " reason = excluded.reason, ip = excluded.ip, port = excluded.port,"
		     " transport = excluded.transport, user_agent = excluded.user_agent,"
		     " last_register = excluded.last_register, active_load = excluded.active_load,"
		     " inactive_load = excluded.inactive_load, aor = excluded.aor,"
		     " flapping = excluded.flapping, cfg_state = excluded.cfg_state,"
		     " cfg_action = excluded.cfg_action, cfg_at = excluded.cfg_at,"
		     " lines_bound = excluded.lines_bound, lines_total = excluded.lines_total");
	if (!sv.del_b || !sv.ins_b || !sv.up_d || !sv.up_s)
		sv.rc = DT_EDB;
	if (sv.rc == DT_OK)
		reg_dirty_drain(r, save_one, &sv);
	sqlite3_finalize(sv.del_b);
	sqlite3_finalize(sv.ins_b);
	sqlite3_finalize(sv.up_d);
	sqlite3_finalize(sv.up_s);
	if (sv.rc != DT_OK) {
		dt_errf(e, DT_EDB, "database: sip_binding: %s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return DT_EDB;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return db_err(st, e, "sip_binding");
	}
	return DT_OK;
}

void
store_sip_state_read(sqlite3_stmt *s, struct reg_device_info *d)
{
	memset(d, 0, sizeof *d);
	col_text(s, 0, d->name, sizeof d->name);
	d->state = sqlite3_column_int(s, 1);
	d->reason = sqlite3_column_int(s, 2);
	col_text(s, 3, d->ip, sizeof d->ip);
	d->port = (uint16_t)sqlite3_column_int(s, 4);
	d->transport = sqlite3_column_int(s, 5);
	col_text(s, 6, d->user_agent, sizeof d->user_agent);
	d->last_register = (time_t)sqlite3_column_int64(s, 7);
	col_text(s, 8, d->active_load, sizeof d->active_load);
	col_text(s, 9, d->inactive_load, sizeof d->inactive_load);
	col_text(s, 10, d->aor, sizeof d->aor);
	d->flapping = sqlite3_column_int(s, 11);
	d->cfg_state = sqlite3_column_int(s, 12);
	col_text(s, 13, d->cfg_action, sizeof d->cfg_action);
	d->cfg_at = (time_t)sqlite3_column_int64(s, 14);
	d->lines_bound = sqlite3_column_int(s, 15);
	d->lines_total = sqlite3_column_int(s, 16);
}

static int
load_states(struct store *st, struct reg *r, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    prep(st, "SELECT " STORE_SIP_STATE_COLS ", history FROM sip_device_state");
	int rc = DT_OK;
	if (!s)
		return db_err(st, e, "sip_device_state");
	while (rc == DT_OK && sqlite3_step(s) == SQLITE_ROW) {
		struct reg_device_info d;
		struct reg_hist h[REG_HIST_MAX];
		store_sip_state_read(s, &d);
		rc = reg_device_restore(
		    r, &d, h,
		    hist_parse((const char *)sqlite3_column_text(s, 17), h, REG_HIST_MAX));
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_sip_load(struct store *st, struct reg *r, time_t now, size_t *n_bindings, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    prep(st, "SELECT aor, contact, params, call_id, cseq, expires_at, q, device,"
		     " transport, ip, port FROM sip_binding WHERE expires_at > ?");
	int rc = DT_OK;
	size_t n = 0;
	if (!s)
		return db_err(st, e, "sip_binding");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	while (rc == DT_OK && sqlite3_step(s) == SQLITE_ROW) {
		struct reg_binding_info b;
		memset(&b, 0, sizeof b);
		col_text(s, 0, b.aor, sizeof b.aor);
		col_text(s, 1, b.contact, sizeof b.contact);
		col_text(s, 2, b.params, sizeof b.params);
		col_text(s, 3, b.call_id, sizeof b.call_id);
		b.cseq = (uint32_t)sqlite3_column_int64(s, 4);
		b.expires_at = (time_t)sqlite3_column_int64(s, 5);
		b.q = sqlite3_column_int(s, 6);
		col_text(s, 7, b.device, sizeof b.device);
		b.src.transport = sqlite3_column_int(s, 8);
		col_text(s, 9, b.src.ip, sizeof b.src.ip);
		b.src.port = (uint16_t)sqlite3_column_int(s, 10);
		rc = reg_binding_restore(r, &b, now);
		n += rc == DT_OK;
	}
	sqlite3_finalize(s);
	if (rc != DT_OK)
		return dt_errf(e, rc, "sip_binding: restoring bindings failed");
	if (n_bindings)
		*n_bindings = n;
	rc = load_states(st, r, e);
	/* answered control requests are kept a week for the CLI and the admin, then dropped; one
	 * still "sending" (4) was taken by a serve that stopped or died before the connection to
	 * the phone was up: it is failed, not left pending for ever */
	if (rc == DT_OK)
		sqlite3_exec(
		    store_sqlite(st),
		    "DELETE FROM sip_control WHERE state <> 0 AND queued_at < unixepoch() - 604800;"
		    "UPDATE sip_control SET state = 3, detail = 'serve stopped before the"
		    " connection to the phone was up' WHERE state = 4",
		    NULL, NULL, NULL);
	/* the load itself changed nothing: do not write it all back at the first save */
	reg_dirty_drain(r, NULL, NULL);
	return rc;
}

int
store_sip_state_get(struct store *st, const char *device, struct reg_device_info *out,
		    struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    prep(st, "SELECT " STORE_SIP_STATE_COLS " FROM sip_device_state WHERE device = ?");
	int rc;
	if (!s)
		return db_err(st, e, "sip_device_state");
	text(s, 1, device);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_sip_state_read(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return DT_OK;
	if (rc == SQLITE_DONE)
		return dt_errf(e, DT_ENOENT, "device: %s has not contacted the registrar", device);
	return db_err(st, e, "sip_device_state");
}

int
sip_state_describe(struct store *st, const char *device, char *buf, size_t cap)
{
	struct reg_device_info d;
	struct dt_errbuf e;
	int rc = store_sip_state_get(st, device, &d, &e);
	if (rc == DT_ENOENT) {
		snprintf(buf, cap, "Unknown (never registered)");
		return DT_OK;
	}
	if (rc != DT_OK) {
		snprintf(buf, cap, "Unknown (%s)", e.msg);
		return rc;
	}
	sip_state_text(&d, buf, cap); /* one wording for `device show` and `device list` */
	return DT_OK;
}

int
store_sip_history(struct store *st, const char *device,
		  int (*fn)(const struct reg_hist *h, void *arg), void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s = prep(st, "SELECT history FROM sip_device_state WHERE device = ?");
	struct reg_hist h[REG_HIST_MAX];
	int n = 0, rc = 0;
	if (!s)
		return db_err(st, e, "sip_device_state");
	text(s, 1, device);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = hist_parse((const char *)sqlite3_column_text(s, 0), h, REG_HIST_MAX);
	sqlite3_finalize(s);
	for (int i = 0; i < n && !rc; i++)
		rc = fn(&h[i], arg);
	return rc;
}

int
store_sip_control_add(struct store *st, const char *device, const char *action, int64_t *id,
		      struct dt_errbuf *e)
{
	sqlite3_stmt *s = prep(st, "INSERT INTO sip_control (device, action, queued_at)"
				   " VALUES (?, ?, unixepoch())");
	int rc;
	if (!s)
		return db_err(st, e, "sip_control");
	text(s, 1, device);
	text(s, 2, action);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_err(st, e, "sip_control");
	*id = sqlite3_last_insert_rowid(store_sqlite(st));
	return DT_OK;
}

int
store_sip_control_state(struct store *st, int64_t id, int *state, char *detail, size_t cap,
			struct dt_errbuf *e)
{
	sqlite3_stmt *s = prep(st, "SELECT state, detail FROM sip_control WHERE id = ?");
	int rc;
	if (!s)
		return db_err(st, e, "sip_control");
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*state = sqlite3_column_int(s, 0);
		col_text(s, 1, detail, cap);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? DT_OK : db_err(st, e, "sip_control");
}

int
store_sip_control_queued(struct store *st,
			 int (*fn)(int64_t id, const char *device, const char *action, void *arg),
			 void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s = prep(st, "SELECT id, device, action FROM sip_control WHERE state = 0"
				   " ORDER BY id LIMIT 100");
	int rc = 0;
	struct {
		int64_t id;
		char device[16], action[16];
	} q[100];
	int n = 0;
	if (!s)
		return db_err(st, e, "sip_control");
	/* collect first: fn writes to the same table */
	while (n < 100 && sqlite3_step(s) == SQLITE_ROW) {
		q[n].id = sqlite3_column_int64(s, 0);
		col_text(s, 1, q[n].device, sizeof q[n].device);
		col_text(s, 2, q[n].action, sizeof q[n].action);
		n++;
	}
	sqlite3_finalize(s);
	for (int i = 0; i < n && !rc; i++)
		rc = fn(q[i].id, q[i].device, q[i].action, arg);
	return rc;
}

int
store_sip_control_done(struct store *st, int64_t id, int state, const char *detail,
		       struct dt_errbuf *e)
{
	sqlite3_stmt *s = prep(st, "UPDATE sip_control SET state = ?, detail = ? WHERE id = ?");
	int rc;
	if (!s)
		return db_err(st, e, "sip_control");
	sqlite3_bind_int(s, 1, state);
	text(s, 2, detail);
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? DT_OK : db_err(st, e, "sip_control");
}

int
store_sip_control_cancel(struct store *st, int64_t id, struct dt_errbuf *e)
{
	sqlite3_stmt *s = prep(st, "UPDATE sip_control SET state = 3, detail = 'not picked up by a"
				   " running registrar' WHERE id = ? AND state = 0");
	int rc;
	if (!s)
		return db_err(st, e, "sip_control");
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_err(st, e, "sip_control");
	return sqlite3_changes(store_sqlite(st)) > 0;
}
