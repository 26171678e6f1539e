/* fixtures.c - see fixtures.h. */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int pk_tmpjournal_open(pk_tmpjournal *t, const char *tag)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/pk-%s-XXXXXX", tag);
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof t->path, "%s/j.db", t->dir);
	pk_error err;
	if (pk_journal_open(&t->j, t->path, &err)) {
		fprintf(stderr, "journal: %s\n", err.msg);
		rmdir(t->dir);
		return -1;
	}
	return 0;
}

void pk_tmpjournal_close(pk_tmpjournal *t)
{
	pk_journal_close(t->j);
	t->j = NULL;
	char p[200];
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

static int64_t fake_mono(void *ud)
{
	return ((pk_fakeclock *)ud)->mono_ms;
}

static time_t fake_wall(void *ud)
{
	const pk_fakeclock *c = ud;
	return c->wall_base + (time_t)(c->mono_ms / 1000);
}

pk_clock pk_fakeclock_clock(pk_fakeclock *c)
{
	pk_clock clk = { fake_mono, fake_wall, c };
	return clk;
}
