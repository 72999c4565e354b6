/* diskrun: says which version of its file is running, then ends.  The
 * run-from-disk test changes the letter in the file on the disk while the
 * kernel runs, and `run diskrun` must start the changed file. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	fomos_log(ctx, "diskrun: version A");
	return -1;
}
