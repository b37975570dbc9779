/* summary: fill a struct dhcp_server from the database: subnets, option 150 nodes, device
 * reservations (the device table's `ip` column) and stored leases.
 *
 * Device facts are cached in the server's maps instead of queried per packet: a SQLite lookup per
 * DISCOVER would cost more than the rest of the DORA. The service keeps the cache current from
 * the change log (kind "device", key SEP<MAC>), so a new reservation applies at once.
 */
#include "dhcp/dhcp_server.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "store/store.h"

#define MAX_SUBNETS 4096

struct subnet_acc {
	struct store_dhcp_subnet *arr;
	int n;
};

static int
add_subnet(const struct store_dhcp_subnet *sn, void *arg)
{
	struct subnet_acc *a = arg;
	if (a->n == MAX_SUBNETS)
		return 1;
	a->arr[a->n++] = *sn;
	return 0;
}

int
dhcp_load_subnets(struct dhcp_server *srv, struct store *st, int *n, struct dt_errbuf *e)
{
	static struct store_dhcp_subnet arr[MAX_SUBNETS];
	struct subnet_acc a = {arr, 0};
	int rc = store_dhcp_subnet_foreach(st, add_subnet, &a, e);

	if (rc < 0 || rc > 1)
		return rc;
	if (rc == 1)
		dt_log(DT_WARN, "dhcp", NULL, "more than %d subnets: the rest are ignored",
		       MAX_SUBNETS);
	*n = a.n;
	if (dhcp_server_set_subnets(srv, arr, a.n) != DT_OK)
		return dt_errf(e, DT_ENOMEM, "dhcp: out of memory for %d subnets", a.n);
	return DT_OK;
}

struct node_acc {
	uint32_t ips[STORE_DHCP_MAX_IPS];
	int n;
};

static int
add_node(const struct store_node *nd, void *arg)
{
	struct node_acc *a = arg;
	char buf[64], *w, *save = NULL;
	uint32_t ip;
	struct dt_errbuf e;
	int file_service = 0;

	snprintf(buf, sizeof buf, "%s", nd->services);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		file_service |= !strcmp(w, "tftp");
	if (!file_service || a->n == STORE_DHCP_MAX_IPS)
		return 0;
	/* option 150 carries addresses: a node known by a host name cannot be listed */
	if (store_dhcp_ip_parse("node", nd->address, &ip, &e) != DT_OK) {
		dt_log(DT_WARN, "dhcp", NULL,
		       "node %s: address '%s' is not IPv4, left out of option 150", nd->name,
		       nd->address);
		return 0;
	}
	a->ips[a->n++] = ip;
	return 0;
}

int
dhcp_load_nodes(struct dhcp_server *srv, struct store *st, int *n, struct dt_errbuf *e)
{
	struct node_acc a = {{0}, 0};
	int rc = store_node_foreach(st, add_node, &a, e);

	if (rc != DT_OK)
		return rc;
	dhcp_server_set_tftp_nodes(srv, a.ips, a.n);
	*n = a.n;
	return DT_OK;
}

static int
mac_bytes(const char *hex, uint8_t mac[6])
{
	unsigned v[6];
	if (strlen(hex) != 12 ||
	    sscanf(hex, "%2x%2x%2x%2x%2x%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int
set_device(struct dhcp_server *srv, const struct store_device *d)
{
	uint8_t mac[6];
	uint32_t ip = 0;
	struct dt_errbuf e;

	if (mac_bytes(d->mac, mac) != 0)
		return 0;
	if (d->ip[0] && store_dhcp_ip_parse("ip", d->ip, &ip, &e) != DT_OK) {
		dt_log(DT_WARN, "dhcp", d->name, "reservation '%s' is not IPv4: ignored", d->ip);
		ip = 0;
	}
	return dhcp_server_device_set(srv, mac, ip) == DT_OK ? 0 : DT_ENOMEM;
}

static int
device_cb(const struct store_device *d, void *arg)
{
	return set_device(arg, d);
}

int
dhcp_load_devices(struct dhcp_server *srv, struct store *st, struct dt_errbuf *e)
{
	int rc;

	dhcp_server_devices_clear(srv);
	rc = store_device_foreach(st, device_cb, srv, e);
	if (rc == DT_ENOMEM)
		return dt_errf(e, DT_ENOMEM, "dhcp: out of memory for devices");
	return rc;
}

int
dhcp_load_device(struct dhcp_server *srv, struct store *st, const char *name, struct dt_errbuf *e)
{
	struct store_device d;
	uint8_t mac[6];
	int rc = store_device_get(st, name, &d, e);

	if (rc == DT_ENOENT) {
		/* deleted: the change log key is SEP<MAC> */
		if (strncmp(name, "SEP", 3) == 0 && mac_bytes(name + 3, mac) == 0)
			dhcp_server_device_forget(srv, mac);
		return DT_OK;
	}
	if (rc != DT_OK)
		return rc;
	return set_device(srv, &d) == 0 ? DT_OK : dt_errf(e, DT_ENOMEM, "dhcp: out of memory");
}

struct lease_acc {
	struct dhcp_server *srv;
	int n, skipped;
};

static int
lease_cb(const struct store_dhcp_lease *l, void *arg)
{
	struct lease_acc *a = arg;
	int rc = dhcp_server_lease_load(a->srv, l);

	if (rc == DT_ENOMEM)
		return rc;
	if (rc == DT_OK)
		a->n++;
	else
		a->skipped++;
	return 0;
}

int
dhcp_load_leases(struct dhcp_server *srv, struct store *st, int *n, struct dt_errbuf *e)
{
	struct lease_acc a = {srv, 0, 0};
	int rc = store_dhcp_lease_foreach(st, lease_cb, &a, e);

	if (rc == DT_ENOMEM)
		return dt_errf(e, DT_ENOMEM, "dhcp: out of memory for leases");
	*n = a.n;
	return rc;
}
