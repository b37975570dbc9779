/* summary: `dialtone load add|list|delete|default`: the firmware loads each phone model may run
 * and which one is the model's default (the <loadInformation> of every phone of that model that
 * has no load of its own).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_list.h"
#include "cli/commands.h"
#include "store/store.h"

#define MAX_MODELS 16

enum { O_MODEL = 1000, O_LOAD, O_FILE, O_DEFAULT, O_RESET, O_JSON };

static const struct option load_options[] = {
    {"model", required_argument, NULL, O_MODEL},
    {"load", required_argument, NULL, O_LOAD},
    {"file", required_argument, NULL, O_FILE},
    {"default", no_argument, NULL, O_DEFAULT},
    {"reset", no_argument, NULL, O_RESET},
    {"json", no_argument, NULL, O_JSON},
    {NULL, 0, NULL, 0},
};

struct loadargs {
	char models[MAX_MODELS][24]; /* --model, repeated or comma-separated */
	int n_models;
	struct store_load l; /* load_id, files, is_default */
	int reset, json;
	const char *pos; /* one positional argument */
};

/* "8841,8851" → a->models[]. */
static int
add_models(struct loadargs *a, const char *v, struct dt_errbuf *e)
{
	char buf[256], *save = NULL, *w;
	if (strlen(v) >= sizeof buf)
		return dt_errf(e, DT_EUSAGE, "model: list too long");
	strcpy(buf, v);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (a->n_models == MAX_MODELS)
			return dt_errf(e, DT_EUSAGE, "model: more than %d models", MAX_MODELS);
		if (cli_copy("model", a->models[a->n_models++], sizeof a->models[0], w, e))
			return e->code;
	}
	return DT_OK;
}

/* "sip88xx.14-2-1-0001-14.loads" and "sip88xx.14-2-1-0001-14" name the same load. */
static int
set_load(struct store_load *l, const char *v, struct dt_errbuf *e)
{
	size_t n = strlen(v);
	if (n > 6 && strcmp(v + n - 6, ".loads") == 0)
		n -= 6;
	if (n >= sizeof l->load_id)
		return dt_errf(e, DT_EINVAL, "load: longer than %zu characters",
			       sizeof l->load_id - 1);
	memcpy(l->load_id, v, n);
	l->load_id[n] = 0;
	return DT_OK;
}

static int
load_opt(int id, const char *v, void *arg)
{
	struct dt_errbuf e = {0, ""};
	struct loadargs *a = arg;
	if (id == O_MODEL && add_models(a, v, &e) != DT_OK)
		return cli_report_safe(&e);
	if (id == O_LOAD && set_load(&a->l, v, &e) != DT_OK)
		return cli_report_safe(&e);
	if (id == O_FILE) {
		if (a->l.n_files == STORE_LOAD_MAX_FILES)
			return cli_usage("file: more than %d files", STORE_LOAD_MAX_FILES);
		if (cli_copy("file", a->l.files[a->l.n_files++], sizeof a->l.files[0], v, &e))
			return cli_report_safe(&e);
	}
	a->l.is_default |= id == O_DEFAULT;
	a->reset |= id == O_RESET;
	a->json |= id == O_JSON;
	return CLI_OK;
}

/* Parse options allowed[] (0-terminated) and at most npos positional arguments. */
static int
parse(int argc, char **argv, const int *allowed, int npos, struct loadargs *a)
{
	int rc;
	memset(a, 0, sizeof *a);
	if ((rc = cli_opts_parse("load", argc, argv, load_options, allowed, load_opt, a)) != CLI_OK)
		return rc;
	if (optind < argc)
		a->pos = argv[optind++];
	if (optind < argc || (a->pos && npos == 0))
		return cli_usage("%s: unexpected argument", optind < argc ? argv[optind] : a->pos);
	return CLI_OK;
}

/* Call one(st, a, i, e) for each model of --model: all or none (one transaction around several). */
static int
each_model(struct store *st, struct loadargs *a,
	   int (*one)(struct store *st, struct loadargs *a, int i, struct dt_errbuf *e),
	   struct dt_errbuf *e)
{
	int rc = a->n_models > 1 ? store_begin(st, e) : DT_OK;
	for (int i = 0; rc == DT_OK && i < a->n_models; i++)
		rc = one(st, a, i, e);
	if (a->n_models > 1) {
		if (rc == DT_OK)
			rc = store_commit(st, e);
		else
			store_rollback(st);
	}
	return rc;
}

static int
add_one(struct store *st, struct loadargs *a, int i, struct dt_errbuf *e)
{
	snprintf(a->l.model, sizeof a->l.model, "%s", a->models[i]);
	return store_load_add(st, &a->l, e);
}

static int
default_one(struct store *st, struct loadargs *a, int i, struct dt_errbuf *e)
{
	return store_load_set_default(st, a->models[i], a->l.load_id, e);
}

static int
load_add(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_MODEL, O_LOAD, O_FILE, O_DEFAULT, 0};
	struct dt_errbuf e = {0, ""};
	struct loadargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf(
		    "usage: dialtone load add --model MODEL[,MODEL…] --load LOADID [--file NAME]… "
		    "[--default]\n"
		    "  --model MODEL  catalogue name (8851), product (\"Cisco 8851\") or CP-8851;\n"
		    "                 repeat or comma-separate for the models that share a load\n"
		    "  --load LOADID  e.g. sip88xx.14-2-1-0001-14 (\".loads\" is optional); it "
		    "must\n"
		    "                 start with the model's load prefix (see dialtone model "
		    "list)\n"
		    "  --file NAME    an image file the .loads manifest lists (repeat, up to %d);\n"
		    "                 put the files in the served tree with dialtone files add\n"
		    "  --default      make it the model's default load: every phone of the model\n"
		    "                 without its own --load gets it in its config at once\n",
		    STORE_LOAD_MAX_FILES);
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 0, &a)) != CLI_OK)
		return rc;
	if (a.n_models == 0)
		return cli_usage("model: missing (--model MODEL)");
	if (!a.l.load_id[0])
		return cli_usage("load: missing (--load LOADID)");
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = each_model(st, &a, add_one, &e);
	if (rc == DT_OK)
		for (int i = 0; i < a.n_models; i++)
			printf("added load %s for model %s%s\n", a.l.load_id, a.models[i],
			       a.l.is_default ? " (default)" : "");
	return cli_store_done(st, rc, &e);
}

static int
load_row(const struct store_load *l, void *arg)
{
	struct cli_list *list = arg;
	if (list->json) {
		json_t *files = json_array(), *o;
		for (int i = 0; files && i < l->n_files; i++)
			json_array_append_new(files, json_string(l->files[i]));
		o = json_pack("{s:s, s:s, s:b, s:o}", "model", l->model, "load", l->load_id,
			      "default", l->is_default, "files", files);
		return cli_list_add(list, o);
	}
	printf("%-6s %-32s %-7s ", l->model, l->load_id, l->is_default ? "yes" : "no");
	for (int i = 0; i < l->n_files; i++)
		printf("%s%s", i ? "," : "", l->files[i]);
	printf("%s\n", l->n_files ? "" : "-");
	return 0;
}

/* The model of --model is looked up first: its catalogue name is what the loads are stored by. */
static int
load_walk(struct store *st, struct cli_list *list, void *arg, struct dt_errbuf *e)
{
	const struct loadargs *a = arg;
	struct store_model m;
	int rc;
	if (a->n_models && (rc = store_model_get(st, a->models[0], &m, e)) != DT_OK)
		return rc;
	if (!list->json)
		printf("%-6s %-32s %-7s %s\n", "MODEL", "LOAD", "DEFAULT", "FILES");
	return store_load_foreach(st, a->n_models ? m.name : NULL, load_row, list, e);
}

static int
load_list(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_MODEL, O_JSON, 0};
	struct loadargs a;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone load list [--model MODEL] [--json]\n"
		       "Loads added with dialtone load add; DEFAULT yes marks the model's default\n"
		       "(a model with none uses the catalogue's, shown by dialtone model list).\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 0, &a)) != CLI_OK)
		return rc;
	if (a.n_models > 1)
		return cli_usage("model: give one model to list");
	return cli_list_run(cx, a.json, load_walk, &a);
}

static int
load_delete(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_MODEL, 0};
	struct dt_errbuf e = {0, ""};
	struct loadargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf(
		    "usage: dialtone load delete LOADID [--model MODEL]\n"
		    "Forget a load (for every model, or only MODEL). Refused while a phone names\n"
		    "it as its own load; a model whose default it was goes back to the\n"
		    "catalogue's default load.\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 1, &a)) != CLI_OK)
		return rc;
	if (!a.pos)
		return cli_usage("load: missing (dialtone load delete LOADID)");
	if (a.n_models > 1)
		return cli_usage("model: give one model");
	if (set_load(&a.l, a.pos, &e) != DT_OK)
		return cli_report_safe(&e);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = store_load_delete(st, a.l.load_id, a.n_models ? a.models[0] : NULL, &e);
	if (rc == DT_OK)
		printf("deleted load %s\n", a.l.load_id);
	return cli_store_done(st, rc, &e);
}

static int
load_default(struct cli_ctx *cx, int argc, char **argv)
{
	static const int allowed[] = {O_MODEL, O_RESET, 0};
	struct dt_errbuf e = {0, ""};
	struct loadargs a;
	struct store *st;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: dialtone load default --model MODEL[,MODEL…] LOADID\n"
		       "       dialtone load default --model MODEL[,MODEL…] --reset\n"
		       "Make a known load the model's default, or go back to the catalogue's.\n");
		return CLI_OK;
	}
	if ((rc = parse(argc, argv, allowed, 1, &a)) != CLI_OK)
		return rc;
	if (a.n_models == 0)
		return cli_usage("model: missing (--model MODEL)");
	if (!a.pos == !a.reset)
		return cli_usage("load: give either LOADID or --reset");
	if (a.pos && set_load(&a.l, a.pos, &e) != DT_OK)
		return cli_report_safe(&e);
	if ((rc = cli_store_open(cx, &st)) != CLI_OK)
		return rc;
	rc = each_model(st, &a, default_one, &e);
	if (rc == DT_OK)
		for (int i = 0; i < a.n_models; i++)
			printf("model %s: default load %s\n", a.models[i],
			       a.reset ? "from the catalogue" : a.l.load_id);
	return cli_store_done(st, rc, &e);
}

static const struct cli_command load_verbs[] = {
    {"add", load_add, "add a firmware load for one or more models"},
    {"list", load_list, "list known loads and each model's default"},
    {"delete", load_delete, "forget a load"},
    {"default", load_default, "make a known load the model's default (or --reset)"},
    {NULL, NULL, NULL},
};

int
cmd_load(struct cli_ctx *cx, int argc, char **argv)
{
	return cli_dispatch(cx, "load", load_verbs, argc, argv);
}
