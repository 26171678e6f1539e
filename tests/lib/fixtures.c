/* fixtures.c - see fixtures.h. */
#include "fixtures.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/gateway.h"

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

int pk_flowfx_open(pk_flowfx *f, const char *tag, time_t wall)
{
	memset(f, 0, sizeof *f);
	if (pk_tmpjournal_open(&f->t, tag))
		return -1;
	f->j = f->t.j;
	f->clk.wall_base = wall;
	pk_error err;
	gw_options o = { 0 };
	o.api_url = "http://127.0.0.1:1"; /* nothing listens: nothing is answered */
	o.secret = "s";
	if (gw_client_new(&f->gw, &o, &err)) {
		pk_tmpjournal_close(&f->t);
		return -1;
	}
	return 0;
}

int pk_flowfx_make_flow(pk_flowfx *f)
{
	pk_error err;
	pk_clock clk = pk_fakeclock_clock(&f->clk);
	pk_flow_settings set = { 2, 60 };
	return pk_flow_new(&f->flow, f->j, f->gw, &set, &clk, &err);
}

void pk_flowfx_close(pk_flowfx *f)
{
	pk_flow_free(f->flow);
	f->flow = NULL;
	gw_client_free(f->gw);
	f->gw = NULL;
	pk_tmpjournal_close(&f->t);
}

int pk_flowfx_training_config(pk_flowfx *f, pk_config *cfg, char *conf, size_t len)
{
	snprintf(conf, len, "%s/paykiosk.conf", f->t.dir);
	FILE *fp = fopen(conf, "w");
	if (!fp)
		return -1;
	fclose(fp);
	chmod(conf, 0600);
	char *argv[] = { "paykiosk", "--training", "--config", conf, NULL };
	pk_config_action action;
	pk_error err;
	if (pk_config_load(cfg, 4, argv, &action, &err) < 0) {
		fprintf(stderr, "config: %s\n", err.msg);
		return -1;
	}
	return 0;
}

pk_sale_state pk_journal_state_of(pk_journal *j, int64_t id)
{
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(j, id, &s, &err), 0);
	pk_sale_state st = s.state;
	pk_sale_clear(&s);
	return st;
}
