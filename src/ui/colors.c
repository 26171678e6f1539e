/* colors.c - the colour pairs.  Without colours the roles fall back to
 * bold / reverse / underline so every screen stays readable; the QR pair is
 * black on (bright) white so the code scans on dark and light themes. */
#include "ui/colors.h"

#include <stdbool.h>

static bool have_colors(void)
{
	return has_colors() && COLOR_PAIRS > PK_ROLE__COUNT;
}

void pk_colors_init(void)
{
	if (!has_colors())
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	short white = COLORS >= 16 ? 15 : COLOR_WHITE;
	init_pair(PK_ROLE_BAR, COLOR_WHITE, COLOR_BLUE);
	init_pair(PK_ROLE_TRAINING, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PK_ROLE_KEY, COLOR_BLACK, COLOR_CYAN);
	init_pair(PK_ROLE_TITLE, COLOR_CYAN, -1);
	init_pair(PK_ROLE_OK, COLOR_GREEN, -1);
	init_pair(PK_ROLE_BAD, COLOR_RED, -1);
	init_pair(PK_ROLE_WARN, COLOR_YELLOW, -1);
	init_pair(PK_ROLE_FIELD, COLOR_BLACK, COLOR_WHITE);
	init_pair(PK_ROLE_QR, COLOR_BLACK, white);
}

attr_t pk_role_attr(pk_role role)
{
	if (have_colors()) {
		attr_t a = role == PK_ROLE_NORMAL ? A_NORMAL : (attr_t)COLOR_PAIR(role);
		if (role == PK_ROLE_TITLE || role == PK_ROLE_OK || role == PK_ROLE_BAD ||
		    role == PK_ROLE_TRAINING)
			a |= A_BOLD;
		return a;
	}
	switch (role) {
	case PK_ROLE_BAR:
	case PK_ROLE_KEY:
	case PK_ROLE_TRAINING:
		return A_REVERSE;
	case PK_ROLE_TITLE:
	case PK_ROLE_OK:
	case PK_ROLE_BAD:
	case PK_ROLE_WARN:
		return A_BOLD;
	case PK_ROLE_FIELD:
		return A_UNDERLINE;
	default:
		return A_NORMAL;
	}
}

pk_role pk_outcome_role(pk_outcome o)
{
	static const pk_role roles[PK_OUTCOME__COUNT] = {
		[PK_OUTCOME_NONE] = PK_ROLE_NORMAL,  [PK_OUTCOME_PAID] = PK_ROLE_OK,
		[PK_OUTCOME_NOT_PAID] = PK_ROLE_BAD, [PK_OUTCOME_NOTHING] = PK_ROLE_WARN,
		[PK_OUTCOME_NOT_KNOWN] = PK_ROLE_WARN,
	};
	return (unsigned)o < PK_OUTCOME__COUNT ? roles[o] : PK_ROLE_NORMAL;
}
