-- summary: core schema of the device database: cluster nodes, CallManager groups, date/time
-- groups, device pools, SIP/common profiles, softkey templates, dial rules, models, firmware loads,
-- ringtones, devices, lines and their appearances, and the change log. See docs/schema.md.
--
-- Applied once, in one transaction, by store_open's migration runner (store_open.c), which records
-- version 1 in schema_migrations. Names are the admin's keys (unique, case-sensitive, as CUCM shows
-- them); rows reference each other by integer id so renaming never breaks a reference.
-- Every CHECK below is a last line of defence: store_*.c validates first and names the field.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Cluster members: the address a phone connects to (processNodeName) and the services it runs.
CREATE TABLE node (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	address  TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 50), -- processNodeName max 50
	services TEXT NOT NULL DEFAULT 'tftp,http,dhcp,sip'
);

CREATE TABLE cm_group (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	tftp_default INTEGER NOT NULL DEFAULT 1 CHECK (tftp_default IN (0, 1))
);

-- Ordered members: priority 0 is tried first; phones take at most 5 (usecallmanager).
CREATE TABLE cm_group_member (
	group_id  INTEGER NOT NULL REFERENCES cm_group(id) ON DELETE CASCADE,
	node_id   INTEGER NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
	priority  INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 4),
	sip_port  INTEGER NOT NULL DEFAULT 5060 CHECK (sip_port BETWEEN 1 AND 65535),
	sips_port INTEGER NOT NULL DEFAULT 5061 CHECK (sips_port BETWEEN 1 AND 65535),
	PRIMARY KEY (group_id, priority),
	UNIQUE (group_id, node_id)
);

CREATE TABLE datetime_group (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	tz_windows    TEXT NOT NULL,  -- <timeZone>, e.g. 'GMT Standard/Daylight Time'
	tz_olson      TEXT NOT NULL,  -- <olsonTimeZone>, e.g. 'Europe/London'
	date_template TEXT NOT NULL DEFAULT 'M/D/Y'
);

CREATE TABLE datetime_ntp (
	group_id INTEGER NOT NULL REFERENCES datetime_group(id) ON DELETE CASCADE,
	position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 3),
	address  TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 63),
	mode     TEXT NOT NULL DEFAULT 'Unicast' CHECK (mode IN ('Unicast', 'DirectedBroadcast')),
	PRIMARY KEY (group_id, position)
);

CREATE TABLE device_pool (
	id                INTEGER PRIMARY KEY,
	name              TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	cm_group_id       INTEGER NOT NULL REFERENCES cm_group(id) ON DELETE RESTRICT,
	datetime_group_id INTEGER NOT NULL REFERENCES datetime_group(id) ON DELETE RESTRICT,
	region            TEXT NOT NULL DEFAULT 'Default',
	user_locale       TEXT NOT NULL DEFAULT 'English_United_States',
	network_locale    TEXT NOT NULL DEFAULT 'United_States'
);

-- transport = transportLayerProtocol: 1 TCP, 2 UDP, 3 TLS, 4 TCP preferred (CUCM-observed).
CREATE TABLE sip_profile (
	id                INTEGER PRIMARY KEY,
	name              TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	register_expires  INTEGER NOT NULL DEFAULT 3600 CHECK (register_expires BETWEEN 60 AND 86400),
	register_delta    INTEGER NOT NULL DEFAULT 5 CHECK (register_delta BETWEEN 0 AND 600),
	keepalive_expires INTEGER NOT NULL DEFAULT 120 CHECK (keepalive_expires BETWEEN 0 AND 86400),
	transport         INTEGER NOT NULL DEFAULT 1 CHECK (transport BETWEEN 1 AND 4),
	digest_auth       INTEGER NOT NULL DEFAULT 0 CHECK (digest_auth IN (0, 1))
);

CREATE TABLE common_profile (
	id                      INTEGER PRIMARY KEY,
	name                    TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	phone_password          TEXT NOT NULL DEFAULT '',
	background_image_access INTEGER NOT NULL DEFAULT 1 CHECK (background_image_access IN (0, 1)),
	call_log_blf_enabled    INTEGER NOT NULL DEFAULT 2
);

-- file_name is what <softKeyFile> names and the file service publishes.
CREATE TABLE softkey_template (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	file_name TEXT NOT NULL UNIQUE CHECK (length(file_name) BETWEEN 1 AND 95)
);

-- SIP dial rules: one file (<dialTemplate>) holding ordered <TEMPLATE match timeout user> rows.
CREATE TABLE dial_rules (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
	file_name TEXT NOT NULL UNIQUE CHECK (length(file_name) BETWEEN 1 AND 95)
);

CREATE TABLE dial_rule (
	rules_id INTEGER NOT NULL REFERENCES dial_rules(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	pattern  TEXT NOT NULL CHECK (length(pattern) BETWEEN 1 AND 63),
	timeout  INTEGER NOT NULL DEFAULT 3 CHECK (timeout BETWEEN 0 AND 60),
	user     TEXT NOT NULL DEFAULT 'Phone' CHECK (user IN ('Phone', 'IP')),
	PRIMARY KEY (rules_id, position)
);

-- The model catalogue: rows come from data/models.tsv (store_open reloads it when it changes).
CREATE TABLE model (
	name         TEXT PRIMARY KEY,
	product      TEXT NOT NULL,
	type_num     INTEGER NOT NULL UNIQUE,
	buttons      INTEGER NOT NULL CHECK (buttons BETWEEN 1 AND 64),
	load_prefix  TEXT NOT NULL,
	default_load TEXT NOT NULL,
	dialect      TEXT NOT NULL,
	locale_jar   TEXT NOT NULL,
	vendor_cfg   TEXT NOT NULL
);

-- Firmware loads known to the file service, per model: the load ID (without ".loads") and the
-- image files its .loads manifest lists.
CREATE TABLE firmware_load (
	id      INTEGER PRIMARY KEY,
	model   TEXT NOT NULL REFERENCES model(name) ON DELETE CASCADE,
	load_id TEXT NOT NULL CHECK (length(load_id) BETWEEN 1 AND 63),
	UNIQUE (model, load_id)
);

CREATE TABLE firmware_file (
	load_id   INTEGER NOT NULL REFERENCES firmware_load(id) ON DELETE CASCADE,
	file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 95),
	PRIMARY KEY (load_id, file_name)
);

-- Ringlist.xml entries, in position order.
CREATE TABLE ringtone (
	id           INTEGER PRIMARY KEY,
	position     INTEGER NOT NULL UNIQUE,
	display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 63),
	file_name    TEXT NOT NULL UNIQUE CHECK (length(file_name) BETWEEN 1 AND 95)
);

-- security = deviceSecurityMode: 1 non-secure, 2 authenticated, 3 encrypted.
-- Empty text means "inherit": the model's default load, the pool's locales, no reservation.
CREATE TABLE device (
	id                INTEGER PRIMARY KEY,
	mac               TEXT NOT NULL UNIQUE CHECK (length(mac) = 12 AND mac NOT GLOB '*[^0-9A-F]*'),
	name              TEXT NOT NULL UNIQUE CHECK (name = 'SEP' || mac),
	model             TEXT NOT NULL REFERENCES model(name) ON DELETE RESTRICT,
	protocol          TEXT NOT NULL DEFAULT 'SIP' CHECK (protocol = 'SIP'),
	description       TEXT NOT NULL DEFAULT '',
	pool_id           INTEGER NOT NULL REFERENCES device_pool(id) ON DELETE RESTRICT,
	security          INTEGER NOT NULL DEFAULT 1 CHECK (security BETWEEN 1 AND 3),
	digest_user       TEXT NOT NULL DEFAULT '',
	load              TEXT NOT NULL DEFAULT '',
	user_locale       TEXT NOT NULL DEFAULT '',
	network_locale    TEXT NOT NULL DEFAULT '',
	ip                TEXT NOT NULL DEFAULT '',
	sip_profile_id    INTEGER NOT NULL REFERENCES sip_profile(id) ON DELETE RESTRICT,
	common_profile_id INTEGER NOT NULL REFERENCES common_profile(id) ON DELETE RESTRICT,
	softkey_id        INTEGER NOT NULL REFERENCES softkey_template(id) ON DELETE RESTRICT,
	dial_rules_id     INTEGER REFERENCES dial_rules(id) ON DELETE SET NULL
);
-- One DHCP reservation per address.
CREATE UNIQUE INDEX device_ip ON device(ip) WHERE ip <> '';
CREATE INDEX device_pool_id ON device(pool_id);

-- A directory number exists once in the cluster; its appearances put it on device buttons.
CREATE TABLE line (
	id        INTEGER PRIMARY KEY,
	dn        TEXT NOT NULL UNIQUE CHECK (length(dn) BETWEEN 1 AND 32),
	display   TEXT NOT NULL DEFAULT '',
	auth_user TEXT NOT NULL DEFAULT '',
	password  TEXT NOT NULL DEFAULT ''
);

-- A button holds one DN; a DN appears at most once per device, on any number of devices
-- (shared line).
CREATE TABLE line_appearance (
	device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
	button    INTEGER NOT NULL CHECK (button BETWEEN 1 AND 64),
	line_id   INTEGER NOT NULL REFERENCES line(id) ON DELETE CASCADE,
	label     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (device_id, button),
	UNIQUE (device_id, line_id)
);
CREATE INDEX line_appearance_line ON line_appearance(line_id);

-- Written in the same transaction as every write; readers poll it (store_changes_since).
CREATE TABLE change_log (
	seq  INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	key  TEXT NOT NULL,
	at   INTEGER NOT NULL DEFAULT (unixepoch())
);

-- Seed data: what a fresh CUCM has, so a phone added with only --mac and --model gets a complete
-- configuration. The "Default" group has no member yet: `serve` adds its own node
-- (store_node_ensure) and an admin adds more (`dialtone cmgroup add-member`).
INSERT INTO cm_group (name) VALUES ('Default');
INSERT INTO datetime_group (name, tz_windows, tz_olson, date_template)
	VALUES ('CMLocal', 'GMT Standard/Daylight Time', 'Europe/London', 'D/M/Y');
INSERT INTO device_pool (name, cm_group_id, datetime_group_id)
	SELECT 'Default', g.id, t.id FROM cm_group g, datetime_group t
	WHERE g.name = 'Default' AND t.name = 'CMLocal';
INSERT INTO sip_profile (name) VALUES ('Standard SIP Profile');
INSERT INTO common_profile (name) VALUES ('Standard Common Phone Profile');
INSERT INTO softkey_template (name, file_name) VALUES ('Standard User', 'SoftKeys.xml');
-- Default SIP dial rules (DialTemplate.xml, the usecallmanager tftpboot pattern): three-digit
-- numbers after 1 s of silence, anything else after 3 s.
INSERT INTO dial_rules (name, file_name) VALUES ('Default', 'DialTemplate.xml');
INSERT INTO dial_rule (rules_id, position, pattern, timeout, user)
	SELECT id, 0, '...', 1, 'Phone' FROM dial_rules WHERE name = 'Default';
INSERT INTO dial_rule (rules_id, position, pattern, timeout, user)
	SELECT id, 1, '*', 3, 'Phone' FROM dial_rules WHERE name = 'Default';
