-- summary: DHCP server tables: subnets with their pools and options, and the lease table.
--
-- Addresses are stored as integers (host byte order, 0..2^32-1): the lease writer is on the DORA
-- hot path and integer keys keep the upsert cheap; the CLI prints them dotted.
-- A lease row is keyed by its address, so the database itself can never hold one address for two
-- clients: handing an address to a new client overwrites the previous owner's (expired) row.
CREATE TABLE dhcp_subnet (
	id              INTEGER PRIMARY KEY,
	network         INTEGER NOT NULL,
	prefix          INTEGER NOT NULL CHECK (prefix BETWEEN 8 AND 30),
	pool_first      INTEGER NOT NULL,
	pool_last       INTEGER NOT NULL CHECK (pool_last >= pool_first),
	router          INTEGER NOT NULL DEFAULT 0,
	dns             TEXT NOT NULL DEFAULT '',   -- dotted addresses, comma-separated, in order
	ntp             TEXT NOT NULL DEFAULT '',
	tftp            TEXT NOT NULL DEFAULT '',   -- '' = the cluster nodes running the file service
	domain          TEXT NOT NULL DEFAULT '',
	option66        TEXT NOT NULL DEFAULT '',
	lease_time      INTEGER NOT NULL DEFAULT 86400 CHECK (lease_time BETWEEN 60 AND 31536000),
	vlan            INTEGER NOT NULL DEFAULT 0 CHECK (vlan BETWEEN 0 AND 4094),
	known_only      INTEGER NOT NULL DEFAULT 0 CHECK (known_only IN (0, 1)),
	tftp_cisco_only INTEGER NOT NULL DEFAULT 0 CHECK (tftp_cisco_only IN (0, 1)),
	UNIQUE (network, prefix)
);

-- state: 2 bound, 3 released, 4 expired, 5 declined (offers are never written: RFC 2131 §4.3.1
-- lets a server forget an unconfirmed offer). mac is '' for a declined address.
CREATE TABLE dhcp_lease (
	ip       INTEGER PRIMARY KEY,
	mac      TEXT NOT NULL,
	state    INTEGER NOT NULL CHECK (state BETWEEN 2 AND 5),
	expires  INTEGER NOT NULL,
	hostname TEXT NOT NULL DEFAULT ''
);
-- No index on mac: the server keeps its own MAC index in memory and every reader looks leases
-- up by address; an index would add a page write to every DORA.
