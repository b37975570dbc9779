/* summary: counted allocation per subsystem (Redis zmalloc), so `serve` can report memory use and
 * benchmarks can check the per-binding, per-lease and per-transfer targets.
 *
 * Every block carries a 16-byte header with its size; counters are atomic (relaxed), so the
 * functions are thread-safe. dt_free() must get the subsystem the block was allocated under.
 */
#ifndef DT_CORE_MEM_H
#define DT_CORE_MEM_H

#include <stddef.h>

enum dt_mem_sub {
	DT_MEM_CORE = 0,
	DT_MEM_STORE,
	DT_MEM_PROV,
	DT_MEM_TFTP,
	DT_MEM_HTTP,
	DT_MEM_DHCP,
	DT_MEM_SIP,
	DT_MEM_ADMIN,
	DT_MEM_PHONE,
	DT_MEM_ANALYZE,
	DT_MEM__COUNT
};

/* NULL on failure (callers return DT_ENOMEM). */
void *dt_malloc(int sub, size_t n);
void *dt_calloc(int sub, size_t nmemb, size_t n);
void *dt_realloc(int sub, void *p, size_t n);
char *dt_strdup(int sub, const char *s);
void dt_free(int sub, void *p);

/* Bytes currently allocated under sub (DT_MEM__COUNT: the total). */
size_t dt_mem_used(int sub);
/* Name of a subsystem ("tftp"). */
const char *dt_mem_name(int sub);

#endif
