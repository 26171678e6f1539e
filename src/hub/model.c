/* model.c - the hub's name tables (model.h). */
#include "hub/model.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	pk_hub_group group;
} outcomes[PK_HUB_OUTCOME__COUNT] = {
#define PK_X(id, name, group) [PK_HUB_OUTCOME_##id] = { name, PK_GROUP_##group },
	PK_HUB_OUTCOMES(PK_X)
#undef PK_X
};

static const struct {
	const char *name, *heading;
} sections[PK_SEC__COUNT] = {
#define PK_X(id, name, heading) [PK_SEC_##id] = { name, heading },
	PK_HUB_SECTIONS(PK_X)
#undef PK_X
};

static const struct {
	const char *name;
	pk_hub_section section;
	bool holds;
	const char *label;
} results[PK_RESULT__COUNT] = {
#define PK_X(id, name, section, holds, label) \
	[PK_RESULT_##id] = { name, PK_SEC_##section, holds, label },
	PK_HUB_MATCH_RESULTS(PK_X)
#undef PK_X
};

const char *pk_hub_outcome_name(pk_hub_outcome o)
{
	return o < PK_HUB_OUTCOME__COUNT ? outcomes[o].name : "?";
}

int pk_hub_outcome_parse(const char *name, pk_hub_outcome *out)
{
	for (int i = 0; name && i < PK_HUB_OUTCOME__COUNT; i++) {
		if (strcmp(name, outcomes[i].name) == 0) {
			*out = (pk_hub_outcome)i;
			return 0;
		}
	}
	return -1;
}

pk_hub_group pk_hub_outcome_group(pk_hub_outcome o)
{
	return o < PK_HUB_OUTCOME__COUNT ? outcomes[o].group : PK_GROUP_OPEN;
}

const char *pk_hub_section_name(pk_hub_section s)
{
	return s < PK_SEC__COUNT ? sections[s].name : "";
}

const char *pk_hub_section_heading(pk_hub_section s)
{
	return s < PK_SEC__COUNT ? _(sections[s].heading) : "";
}

const char *pk_hub_result_name(pk_hub_result r)
{
	return r < PK_RESULT__COUNT ? results[r].name : "?";
}

int pk_hub_result_parse(const char *name, pk_hub_result *out)
{
	for (int i = 0; name && i < PK_RESULT__COUNT; i++) {
		if (strcmp(name, results[i].name) == 0) {
			*out = (pk_hub_result)i;
			return 0;
		}
	}
	return -1;
}

pk_hub_section pk_hub_result_section(pk_hub_result r)
{
	return r < PK_RESULT__COUNT ? results[r].section : PK_SEC_NONE;
}

const char *pk_hub_result_label(pk_hub_result r)
{
	return r < PK_RESULT__COUNT ? _(results[r].label) : "";
}

/* "{a,b}" from the names for which want(i) holds.  Names are plain words:
 * no quoting needed. */
static int name_array(int count, const char *(*name)(int), bool (*want)(int, int), int arg,
		      char *buf, size_t len)
{
	size_t o = 0;
	if (len < 3)
		return -1;
	buf[o++] = '{';
	for (int i = 0; i < count; i++) {
		if (!want(i, arg))
			continue;
		const char *n = name(i);
		size_t nl = strlen(n);
		if (o + nl + 3 > len)
			return -1;
		if (buf[o - 1] != '{')
			buf[o++] = ',';
		memcpy(buf + o, n, nl);
		o += nl;
	}
	buf[o++] = '}';
	buf[o] = '\0';
	return 0;
}

static const char *outcome_name_i(int i)
{
	return outcomes[i].name;
}

static const char *result_name_i(int i)
{
	return results[i].name;
}

static bool in_group(int i, int g)
{
	return outcomes[i].group == (pk_hub_group)g;
}

static bool in_section(int i, int s)
{
	return results[i].section == (pk_hub_section)s;
}

static bool holds(int i, int unused)
{
	(void)unused;
	return results[i].holds;
}

int pk_hub_group_array(pk_hub_group g, char *buf, size_t len)
{
	return name_array(PK_HUB_OUTCOME__COUNT, outcome_name_i, in_group, (int)g, buf, len);
}

int pk_hub_section_results_array(pk_hub_section s, char *buf, size_t len)
{
	return name_array(PK_RESULT__COUNT, result_name_i, in_section, (int)s, buf, len);
}

int pk_hub_holding_results_array(char *buf, size_t len)
{
	return name_array(PK_RESULT__COUNT, result_name_i, holds, 0, buf, len);
}

char *pk_hub_text_array(const char *const *items, size_t n)
{
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += 3 + 2 * strlen(items[i]);
	char *out = malloc(len), *o = out;
	if (!out)
		return NULL;
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *p = items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}
