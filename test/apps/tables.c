/* tables: pointers in initialised data (a string table and a table of
 * function pointers) only work if the loader applied the app's
 * R_X86_64_RELATIVE relocations for the home it was put in. */
#include <stdio.h>
#include <fomos.h>

static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }

static const char *names[] = { "alpha", "beta", "gamma" };
static int (*ops[])(int) = { twice, square };
struct tables { const char *label; const char **list; int (**ops)(int); };
static struct tables nested = { "list", names, ops };
/* Read through a volatile pointer, so the compiler cannot fold the tables
 * away: they must exist in the image, relocated. */
static struct tables *volatile tables = &nested;

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	(void)ctx;
	printf("tables: %s %s %s %s %d %d", tables->label, tables->list[0], tables->list[1],
	    tables->list[2], tables->ops[0](3), tables->ops[1](3));
	return -1;
}
