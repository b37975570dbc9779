/* summary: `dialtone files add SRC [DEST-PATH]`: copy a firmware load, locale, ring tone or
 * background into the static tree DATA_DIR/tftpboot/, where TFTP and HTTP 6970 serve it.
 *
 * The copy is atomic (temporary file in the destination folder, fsync, rename): a running serve
 * keeps sending the old bytes to transfers already under way and serves the new file from the
 * next request on (src/files/ revalidates within a second). DEST-PATH follows the same name rules
 * as a phone's request (no "..", no control bytes); a DEST-PATH ending in '/' is a folder.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "files/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: dialtone files add SRC [DEST-PATH]\n\n"
    "Copies SRC into DATA_DIR/tftpboot/DEST-PATH (default: the file name of SRC), where the\n"
    "TFTP and HTTP 6970 services serve it read-only. DEST-PATH may name a folder the phone asks\n"
    "for (Desktops/800x480x24/, English_United_States/) or one of the folders searched for bare\n"
    "names (firmware/, locales/, ringtones/). A DEST-PATH ending in '/' keeps SRC's file name.\n"
    "Replacing a file is atomic; running transfers finish with the old content.\n";

/* mkdir -p for the folders of rel under root (rel is normalised: no "..", no leading '/'). */
static int
make_dirs(const char *root, const char *rel)
{
	char path[1200];
	size_t rl = strlen(root);

	if (rl + 1 + strlen(rel) >= sizeof path)
		return -1;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *p = path + rl + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int
copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				return -1;
			off += w;
		}
	}
	return n < 0 ? -1 : 0;
}

static int
install(const char *src, const char *root, const char *rel, long long *size)
{
	char dst[1200], tmp[1300];
	struct stat sb;
	int in, out, rc;

	snprintf(dst, sizeof dst, "%s/%s", root, rel);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cli_fail("SRC: cannot open %s: %s", src, strerror(errno));
	if (fstat(in, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(in);
		return cli_fail("SRC: %s is not a regular file", src);
	}
	if (make_dirs(root, rel) < 0) {
		close(in);
		return cli_fail("DEST-PATH: cannot create the folders of %s: %s", dst,
				strerror(errno));
	}
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dst, (long)getpid());
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return cli_fail("DEST-PATH: cannot create %s: %s", tmp, strerror(errno));
	}
	rc = copy_fd(in, out);
	if (rc == 0)
		rc = fsync(out);
	close(in);
	if (close(out) < 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, dst);
	if (rc < 0) {
		int err = errno;
		unlink(tmp);
		return cli_fail("DEST-PATH: cannot write %s: %s", dst, strerror(err));
	}
	*size = (long long)sb.st_size;
	return CLI_OK;
}

int
cli_files_add(struct cli_ctx *cx, int argc, char **argv)
{
	char root[600], want[1024], rel[512];
	const char *src, *base, *why = NULL;
	long long size = 0;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(usage_text, stdout);
		return CLI_OK;
	}
	if (argc < 2 || argc > 3)
		return cli_usage("files add: expected SRC [DEST-PATH] (see --help)");
	src = argv[1];
	base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	if (!*base)
		return cli_usage("SRC: '%s' names a folder, not a file", src);
	if (argc == 3 && argv[2][0] && argv[2][strlen(argv[2]) - 1] == '/')
		snprintf(want, sizeof want, "%s%s", argv[2], base);
	else
		snprintf(want, sizeof want, "%s", argc == 3 ? argv[2] : base);
	if (files_name_normalize(want, strlen(want), rel, sizeof rel, &why) < 0)
		return cli_usage("DEST-PATH: '%s' refused: %s", want, why);
	snprintf(root, sizeof root, "%s/tftpboot", cx->conf.data_dir);
	if (mkdir(cx->conf.data_dir, 0755) < 0 && errno != EEXIST)
		return cli_fail("--data: cannot create %s: %s", cx->conf.data_dir, strerror(errno));
	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return cli_fail("--data: cannot create %s: %s", root, strerror(errno));
	rc = install(src, root, rel, &size);
	if (rc != CLI_OK)
		return rc;
	printf("added tftpboot/%s (%lld bytes)\n", rel, size);
	return CLI_OK;
}
