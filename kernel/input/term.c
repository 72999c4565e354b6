#include "term.h"

static struct {
	uint64_t owner;			/* pid of the app holding the line, 0: nobody */
	char ring[TERM_RING];
	uint32_t head, tail;		/* bytes [tail, head) wait for term_read */
} term;

int term_claim(uint64_t pid)
{
	if (term.owner == pid)
		return 1;
	if (term.owner)
		return 0;	/* the first owner keeps it until it ends */
	term.owner = pid;
	term.head = term.tail = 0;
	return 1;
}

void term_release(uint64_t pid)
{
	if (pid && term.owner == pid)
		term.owner = 0;
}

uint64_t term_owner(void)
{
	return term.owner;
}

uint32_t term_read(char *buf, uint32_t cap)
{
	uint32_t n = 0;

	while (n < cap && term.tail != term.head)
		buf[n++] = term.ring[term.tail++ % TERM_RING];
	return n;
}

int term_feed(uint8_t byte)
{
	if (!term.owner)
		return 0;
	if (term.head - term.tail == TERM_RING)
		term.tail++;
	term.ring[term.head++ % TERM_RING] = (char)byte;
	return 1;
}
