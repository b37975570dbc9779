/* summary: counted malloc/free with a size header per block. */
#include "core/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 16 bytes keeps the user pointer aligned for any type malloc would align. */
#define HDR 16

static size_t mem_used[DT_MEM__COUNT];

static const char *const mem_names[DT_MEM__COUNT] = {
    [DT_MEM_CORE] = "core",	  [DT_MEM_STORE] = "store", [DT_MEM_PROV] = "prov",
    [DT_MEM_TFTP] = "tftp",	  [DT_MEM_HTTP] = "http",   [DT_MEM_DHCP] = "dhcp",
    [DT_MEM_SIP] = "sip",	  [DT_MEM_ADMIN] = "admin", [DT_MEM_PHONE] = "phone",
    [DT_MEM_ANALYZE] = "analyze",
};

static void
account(int sub, size_t n, int add)
{
	if (sub < 0 || sub >= DT_MEM__COUNT)
		sub = DT_MEM_CORE;
	if (add)
		__atomic_add_fetch(&mem_used[sub], n, __ATOMIC_RELAXED);
	else
		__atomic_sub_fetch(&mem_used[sub], n, __ATOMIC_RELAXED);
}

void *
dt_malloc(int sub, size_t n)
{
	uint8_t *p;
	if (n > SIZE_MAX - HDR)
		return NULL;
	p = malloc(n + HDR);
	if (!p)
		return NULL;
	memcpy(p, &n, sizeof n);
	account(sub, n, 1);
	return p + HDR;
}

void *
dt_calloc(int sub, size_t nmemb, size_t n)
{
	void *p;
	if (n && nmemb > SIZE_MAX / n)
		return NULL;
	p = dt_malloc(sub, nmemb * n);
	if (p)
		memset(p, 0, nmemb * n);
	return p;
}

void *
dt_realloc(int sub, void *old, size_t n)
{
	uint8_t *base, *p;
	size_t oldn;
	if (!old)
		return dt_malloc(sub, n);
	if (n > SIZE_MAX - HDR)
		return NULL;
	base = (uint8_t *)old - HDR;
	memcpy(&oldn, base, sizeof oldn);
	p = realloc(base, n + HDR);
	if (!p)
		return NULL;
	memcpy(p, &n, sizeof n);
	account(sub, oldn, 0);
	account(sub, n, 1);
	return p + HDR;
}

char *
dt_strdup(int sub, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = dt_malloc(sub, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void
dt_free(int sub, void *p)
{
	uint8_t *base;
	size_t n;
	if (!p)
		return;
	base = (uint8_t *)p - HDR;
	memcpy(&n, base, sizeof n);
	account(sub, n, 0);
	free(base);
}

size_t
dt_mem_used(int sub)
{
	size_t t = 0;
	if (sub >= 0 && sub < DT_MEM__COUNT)
		return __atomic_load_n(&mem_used[sub], __ATOMIC_RELAXED);
	for (int i = 0; i < DT_MEM__COUNT; i++)
		t += __atomic_load_n(&mem_used[i], __ATOMIC_RELAXED);
	return t;
}

const char *
dt_mem_name(int sub)
{
	if (sub < 0 || sub >= DT_MEM__COUNT)
		return "total";
	return mem_names[sub];
}
