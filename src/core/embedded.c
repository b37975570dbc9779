/* summary: lookup in the table of files compiled into the binary. */
#include "core/embedded.h"

#include <string.h>

const struct dt_embedded *
dt_embedded_find(const char *path)
{
	for (const struct dt_embedded *e = dt_embedded_files; e->path; e++)
		if (strcmp(e->path, path) == 0)
			return e;
	return NULL;
}
