-- summary: SIP registrar tables: bindings (location service), per-device registration state with
-- its bounded registration history, and the control queue (`dialtone device reset|apply-config`).
--
-- The registrar holds all of this in memory and writes it here in batches every [sip] persist_ms
-- (one transaction per batch, no fsync per REGISTER); `serve` reloads bindings and states at start
-- so no phone has to re-register to be reachable. Rows are keyed by device NAME (not device.id) on
-- purpose: history must survive a device being deleted and re-added, as CUCM's alarms do.

CREATE TABLE sip_binding (
	aor        TEXT NOT NULL,             -- the line's DN (To user)
	contact    TEXT NOT NULL,             -- Contact URI
	params     TEXT NOT NULL DEFAULT '',  -- header params kept (+sip.instance, +u.sip!...)
	call_id    TEXT NOT NULL,
	cseq       INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,          -- unix seconds
	q          INTEGER NOT NULL DEFAULT 1000,
	device     TEXT NOT NULL DEFAULT '',
	transport  INTEGER NOT NULL,          -- 0 UDP, 1 TCP, 2 TLS
	ip         TEXT NOT NULL,
	port       INTEGER NOT NULL,
	PRIMARY KEY (aor, contact)
);

CREATE TABLE sip_device_state (
	device        TEXT PRIMARY KEY,
	state         INTEGER NOT NULL,       -- 1 Registered, 2 Unregistered, 3 Rejected
	reason        INTEGER NOT NULL DEFAULT 0,
	ip            TEXT NOT NULL DEFAULT '',
	port          INTEGER NOT NULL DEFAULT 0,
	transport     INTEGER NOT NULL DEFAULT 0,
	user_agent    TEXT NOT NULL DEFAULT '',
	last_register INTEGER NOT NULL DEFAULT 0,
	active_load   TEXT NOT NULL DEFAULT '',
	inactive_load TEXT NOT NULL DEFAULT '',
	aor           TEXT NOT NULL DEFAULT '',
	flapping      INTEGER NOT NULL DEFAULT 0,
	cfg_state     INTEGER NOT NULL DEFAULT 0, -- 0 none, 1 pending, 2 applied, 3 failed
	cfg_action    TEXT NOT NULL DEFAULT '',
	cfg_at        INTEGER NOT NULL DEFAULT 0,
	-- the bounded history, oldest first, one row per line: "at event reason transport ip port".
	-- Kept in the state row (not a table of its own) so a batch writes one row per device: a
	-- boot storm of 20,000 new registrations/s must not cost 20,000 inserts/s.
	history       TEXT NOT NULL DEFAULT ''
);

-- Requests from the CLI to the running registrar: state 0 queued, 1 sent, 2 no binding, 3 failed.
CREATE TABLE sip_control (
	id        INTEGER PRIMARY KEY,
	device    TEXT NOT NULL,
	action    TEXT NOT NULL CHECK (action IN ('reset', 'restart', 'apply-config')),
	queued_at INTEGER NOT NULL,
	state     INTEGER NOT NULL DEFAULT 0,
	detail    TEXT NOT NULL DEFAULT ''
);
