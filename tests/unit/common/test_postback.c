/* A Paykassma deposit postback as the hub receives it (spec 2c, 2d): the
 * body read, the exact bytes the signature covers, the signature, amounts.
 *
 * Every expected canonical string is written out here, and every expected
 * digest was computed outside this code while writing the test, with the
 * command shown next to it (coreutils md5sum / sha1sum on the canonical
 * text as printed by printf '%s').  The canonical strings were also checked
 * against PHP 8.2: json_encode(json_decode(RAW), JSON_UNESCAPED_SLASHES |
 * JSON_UNESCAPED_UNICODE) prints exactly them (numbers aside: PHP would
 * re-print 1.50 and 1e2, the contract keeps them as sent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/postback.h"

/* Test keys: the example's public access_key, a private key of our own
 * (the pages do not give the example's). */
#define ACCESS "FQ9jMwrNSkFbyMNqYFf6Ed4xeKmjHK"
#define PRIVATE "pk-test-private-7Qx2"

/* The example body of spec 2c, as our copy of the pages prints it. */
#define EXAMPLE_HEAD                                                                        \
	"{\"signature\": \"3f46dc3adfed87c65fa8f2be952927dbceffa100\",\n"                  \
	" \"wallet_type\": \"upi_s\", \"amount\": 700, \"currency_code\": \"INR\", "      \
	"\"label\": \"2537232\",\n"                                                        \
	" \"converted_amount\": {\"USD\": 4.61, \"INR\": 380, \"EUR\": 4.2},\n"           \
	" \"direction\": \"ingoing\", \"created_datetime\": \"2023-08-25 10:47:40\",\n"    \
	" \"access_key\": \"FQ9jMwrNSkFbyMNqYFf6Ed4xeKmjHK\",\n"                           \
	" \"additional_data\": "
#define EXAMPLE_AD                                                                          \
	"[{\"activated_datetime\": \"2023-08-15 21:29:01\",\n"                              \
	"   \"exchanger_identifier\": \"s132nfinite0-4@okhdfcbank\", \"comment\": \"\",\n" \
	"   \"amount\": \"700\", \"currency_code\": \"INR\", \"wallet_type\": \"upi_s\",\n"  \
	"   \"stockpiling_id\": 1430926, \"transaction_id\": \"322712363408\", "           \
	"\"transaction_type\": 0,\n"                                                       \
	"   \"plugin_custom_order_id\": \"qG7h123nud8AqUqn\", \"withdrawal_id\": null,\n"  \
	"   \"withdrawal_status\": null, \"account_number\": \"\", \"account_name\": \"\",\n" \
	"   \"account_email\": \"\", \"bank_details\": {\"bank_code\": \"\", \"branch_code\": \"\"}}]"
/* The pages' own copy lacks the final brace: this is it as they print it. */
static const char EXAMPLE_NO_BRACE[] = EXAMPLE_HEAD EXAMPLE_AD "\n";
static const char EXAMPLE[] = EXAMPLE_HEAD EXAMPLE_AD "}\n";

/* A: the example's additional_data, canonical. */
static const char CANON_A[] =
	"[{\"activated_datetime\":\"2023-08-15 21:29:01\",\"exchanger_identifier\":"
	"\"s132nfinite0-4@okhdfcbank\",\"comment\":\"\",\"amount\":\"700\",\"currency_code\":"
	"\"INR\",\"wallet_type\":\"upi_s\",\"stockpiling_id\":1430926,\"transaction_id\":"
	"\"322712363408\",\"transaction_type\":0,\"plugin_custom_order_id\":\"qG7h123nud8AqUqn\","
	"\"withdrawal_id\":null,\"withdrawal_status\":null,\"account_number\":\"\","
	"\"account_name\":\"\",\"account_email\":\"\",\"bank_details\":{\"bank_code\":\"\","
	"\"branch_code\":\"\"}}]";
/* printf '%s' "$CANON_A" | md5sum */
#define MD5_A "8e745bcf20d1ed17717d3446ada43131"
/* printf '%s' "FQ9jMwrNSkFbyMNqYFf6Ed4xeKmjHK""pk-test-private-7Qx2""$MD5_A" | sha1sum */
#define SIG_A "e23f0217c946f18dd9d9f685928ef85077c1da72"

/* B: strings.  \/ -> /, \uXXXX (Devanagari, a surrogate pair) -> UTF-8,
 * controls \n \b \f \u001f \u0000 kept escaped (lowercase hex, short forms),
 * \" and \\ kept, U+2028/U+2029 escaped whether sent raw or escaped,
 * raw UTF-8 kept. */
static const char RAW_B[] =
	"[ {\"comment\" : \"a\\/b http:\\/\\/x\", "
	"\"hi\": \"\\u0939\\u093F\\u0928\\u094D\\u0926\\u0940\", "
	"\"emoji\": \"\\ud83d\\ude00\", "
	"\"ctl\": \"l1\\nl2\\u001F\\u0008\\f\\u0000\", "
	"\"q\": \"say \\\"hi\\\" \\\\o\\/\", "
	"\"ls\": \"x\\u2028y\\u2029\", "
	"\"raw\": \"हिन्दी 😀 <&>\", "
	"\"ls2\": \"x\xe2\x80\xa8" "y\", "
	"\"e\": \"\\u00E9\"}\n]";
static const char CANON_B[] =
	"[{\"comment\":\"a/b http://x\",\"hi\":\"हिन्दी\",\"emoji\":\"😀\","
	"\"ctl\":\"l1\\nl2\\u001f\\b\\f\\u0000\",\"q\":\"say \\\"hi\\\" \\\\o/\","
	"\"ls\":\"x\\u2028y\\u2029\",\"raw\":\"हिन्दी 😀 <&>\",\"ls2\":\"x\\u2028y\",\"e\":\"é\"}]";
/* printf '%s' '[{"comment":"a/b http://x","hi":"हिन्दी","emoji":"😀","ctl":"l1\nl2\u001f\b\f\u0000","q":"say \"hi\" \\o/","ls":"x\u2028y\u2029","raw":"हिन्दी 😀 <&>","ls2":"x\u2028y","e":"é"}]' | md5sum */
#define MD5_B "531e57eba43b4d6e985119b8bc630abd"
/* printf '%s' "FQ9jMwrNSkFbyMNqYFf6Ed4xeKmjHK""pk-test-private-7Qx2""$MD5_B" | sha1sum */
#define SIG_B "dfa5b2169e6c3c83ecbd9a27078216944595d1fc"

/* C: numbers keep their digits as sent; nested objects, arrays, null. */
static const char RAW_C[] =
	"[{\"n\": 1.50, \"e\": 1e2, \"E\": -2.5E+3, \"z\": 0, \"neg\": -7,\r\n"
	"\t\"t\": true, \"f\": false, \"nul\": null,\n"
	"\t\"o\": { \"a\" : { \"b\" : [ 1 , 2 , { } ] } }, \"arr\": [ ] }]";
static const char CANON_C[] =
	"[{\"n\":1.50,\"e\":1e2,\"E\":-2.5E+3,\"z\":0,\"neg\":-7,\"t\":true,\"f\":false,"
	"\"nul\":null,\"o\":{\"a\":{\"b\":[1,2,{}]}},\"arr\":[]}]";
/* printf '%s' '[{"n":1.50,"e":1e2,"E":-2.5E+3,"z":0,"neg":-7,"t":true,"f":false,"nul":null,"o":{"a":{"b":[1,2,{}]}},"arr":[]}]' | md5sum */
#define MD5_C "c9240255296b703e28650fa1fc98fb93"
/* printf '%s' "FQ9jMwrNSkFbyMNqYFf6Ed4xeKmjHK""pk-test-private-7Qx2""$MD5_C" | sha1sum */
#define SIG_C "7dbe4f1828dcc58455b196f6c9a8b7c7e2b07e9c"

static char *canon(const char *raw)
{
	char *out = (char *)1;
	pk_error err = { 0 };
	int rc = pk_postback_canonical(raw, strlen(raw), &out, &err);
	if (rc != 0)
		print_error("canonical of %s refused: %s\n", raw, err.msg);
	assert_int_equal(rc, 0);
	assert_non_null(out);
	return out;
}

static void canon_is(const char *raw, const char *want)
{
	char *got = canon(raw);
	assert_string_equal(got, want);
	free(got);
}

static void canon_bad(const char *raw, size_t len)
{
	char *out = (char *)1;
	pk_error err = { 0 };
	if (pk_postback_canonical(raw, len, &out, &err) != -1)
		fail_msg("accepted as JSON: %.*s", (int)len, raw);
	assert_int_equal(err.kind, PK_ERR_NOT_JSON);
	assert_true(err.msg[0] != '\0');
	assert_null(out);
}
#define CANON_BAD(lit) canon_bad(lit, sizeof lit - 1)

/* A body of our own around additional_data RAW, signed with SIG. */
static char *body_with(const char *sig, const char *raw)
{
	size_t n = strlen(raw) + 512;
	char *b = malloc(n);
	snprintf(b, n,
		 "{\"signature\":\"%s\",\"wallet_type\":\"upi_s\",\"amount\":700,"
		 "\"currency_code\":\"INR\",\"label\":\"2537232\",\"direction\":\"ingoing\","
		 "\"access_key\":\"" ACCESS "\",\"additional_data\": %s }",
		 sig, raw);
	return b;
}

static void read_ok(const char *body, pk_postback *pb)
{
	pk_error err = { 0 };
	int rc = pk_postback_read(body, strlen(body), pb, &err);
	if (rc != 0)
		print_error("body refused: %s\n", err.msg);
	assert_int_equal(rc, 0);
}

static void read_bad(const char *body, pk_err_kind kind)
{
	pk_postback pb;
	pk_postback_init(&pb);
	pk_error err = { 0 };
	assert_int_equal(pk_postback_read(body, strlen(body), &pb, &err), -1);
	assert_int_equal(err.kind, kind);
	assert_true(err.msg[0] != '\0');
	assert_null(pb.canonical);
	assert_null(pb.tx);
	pk_postback_free(&pb);
}

/* The example of spec 2c, with and without its final brace: every field
 * read, the amounts exact, the canonical bytes those of CANON_A. */
static void example_fields(const char *body)
{
	pk_postback pb;
	read_ok(body, &pb);
	assert_string_equal(pb.signature, "3f46dc3adfed87c65fa8f2be952927dbceffa100");
	assert_string_equal(pb.access_key, ACCESS);
	assert_string_equal(pb.wallet_type, "upi_s");
	assert_string_equal(pb.currency, "INR");
	assert_true(pb.has_amount);
	assert_int_equal(pb.amount_minor, 70000);
	assert_string_equal(pb.label, "2537232");
	assert_string_equal(pb.direction, "ingoing");
	assert_string_equal(pb.created_datetime, "2023-08-25 10:47:40");
	assert_string_equal(pb.canonical, CANON_A);
	assert_int_equal(pb.ntx, 1);
	const pk_pb_tx *t = &pb.tx[0];
	assert_string_equal(t->wallet_type, "upi_s");
	assert_string_equal(t->currency, "INR");
	assert_true(t->has_amount);
	assert_int_equal(t->amount_minor, 70000);
	assert_string_equal(t->transaction_id, "322712363408");
	assert_string_equal(t->plugin_custom_order_id, "qG7h123nud8AqUqn");
	assert_string_equal(t->activated_datetime, "2023-08-15 21:29:01");
	/* the pages do not give the private key behind the example's signature */
	assert_false(pk_postback_verify(&pb, ACCESS, PRIVATE));
	pk_postback_free(&pb);
	assert_null(pb.canonical);
	assert_null(pb.tx);
}

static void test_example_body(void **state)
{
	(void)state;
	example_fields(EXAMPLE);
	example_fields(EXAMPLE_NO_BRACE);
	/* exactly one missing brace at the very end, nothing more */
	read_bad(EXAMPLE_HEAD EXAMPLE_AD "}}", PK_ERR_NOT_JSON);
	char cut[sizeof EXAMPLE_NO_BRACE];
	snprintf(cut, sizeof cut, "%s", EXAMPLE_NO_BRACE);
	cut[strlen(cut) - 2] = '\0'; /* no ']' either */
	read_bad(cut, PK_ERR_NOT_JSON);
	read_bad(EXAMPLE_HEAD EXAMPLE_AD ",", PK_ERR_NOT_JSON);
}

/* Signing A, B, C gives the independently computed digests, and a body
 * carrying them verifies. */
static void sign_is(const char *canonical, const char *want)
{
	char hex[PK_PB_SIG_HEX];
	pk_error err = { 0 };
	assert_int_equal(pk_postback_sign(ACCESS, PRIVATE, canonical, hex, &err), 0);
	assert_string_equal(hex, want);
}

static void verifies(const char *raw, const char *sig, const char *want_canon)
{
	char *body = body_with(sig, raw);
	pk_postback pb;
	read_ok(body, &pb);
	assert_string_equal(pb.canonical, want_canon);
	assert_true(pk_postback_verify(&pb, ACCESS, PRIVATE));
	assert_false(pk_postback_verify(&pb, ACCESS, PRIVATE "x"));   /* wrong private key */
	assert_false(pk_postback_verify(&pb, ACCESS "x", PRIVATE));   /* wrong access key */
	assert_false(pk_postback_verify(&pb, PRIVATE, ACCESS));       /* swapped */
	assert_false(pk_postback_verify(&pb, "", PRIVATE));           /* empty keys */
	assert_false(pk_postback_verify(&pb, ACCESS, ""));
	assert_false(pk_postback_verify(&pb, "", ""));
	assert_false(pk_postback_verify(&pb, NULL, PRIVATE));
	assert_false(pk_postback_verify(&pb, ACCESS, NULL));
	/* the signature in capitals is the same hex number */
	for (char *c = pb.signature; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_true(pk_postback_verify(&pb, ACCESS, PRIVATE));
	/* one digit off, one digit short */
	pb.signature[0] = pb.signature[0] == '0' ? '1' : '0';
	assert_false(pk_postback_verify(&pb, ACCESS, PRIVATE));
	pb.signature[39] = '\0';
	assert_false(pk_postback_verify(&pb, ACCESS, PRIVATE));
	pk_postback_free(&pb);
	free(body);
}

static void test_signature(void **state)
{
	(void)state;
	sign_is(CANON_A, SIG_A);
	sign_is(CANON_B, SIG_B);
	sign_is(CANON_C, SIG_C);
	verifies(EXAMPLE_AD, SIG_A, CANON_A);
	verifies(RAW_B, SIG_B, CANON_B);
	verifies(RAW_C, SIG_C, CANON_C);
	/* the example itself with our signature in place of theirs */
	char body[sizeof EXAMPLE];
	snprintf(body, sizeof body, "%s", EXAMPLE_NO_BRACE);
	memcpy(strstr(body, "3f46dc3a"), SIG_A, 40);
	pk_postback pb;
	read_ok(body, &pb);
	assert_true(pk_postback_verify(&pb, ACCESS, PRIVATE));
	/* a changed amount inside additional_data breaks it */
	pk_postback_free(&pb);
	memcpy(strstr(body, "\"amount\": \"700\"") + 11, "900", 3);
	read_ok(body, &pb);
	assert_false(pk_postback_verify(&pb, ACCESS, PRIVATE));
	pk_postback_free(&pb);
}

static void test_canonical_whitespace(void **state)
{
	(void)state;
	canon_is(EXAMPLE_AD, CANON_A);
	canon_is("\r\n\t [ {\n\t\"activated_datetime\"\t:\r\n\"2023-08-15 21:29:01\" ,\n"
		 "\"exchanger_identifier\" : \"s132nfinite0-4@okhdfcbank\",\"comment\":\"\" ,"
		 "\"amount\":\"700\",\"currency_code\":\"INR\",\"wallet_type\":\"upi_s\","
		 "\"stockpiling_id\" :  1430926 ,\"transaction_id\":\"322712363408\","
		 "\"transaction_type\":0 , \"plugin_custom_order_id\":\"qG7h123nud8AqUqn\","
		 "\"withdrawal_id\" : null , \"withdrawal_status\":null,\"account_number\":\"\","
		 "\"account_name\":\"\",\"account_email\":\"\",\"bank_details\":\n{ \"bank_code\" :"
		 " \"\" , \"branch_code\" : \"\" }\n}\n]\n\n",
		 CANON_A);
	/* blanks inside strings are not whitespace between tokens */
	canon_is("[\" a  b \"]", "[\" a  b \"]");
}

static void test_canonical_strings(void **state)
{
	(void)state;
	canon_is(RAW_B, CANON_B);
	canon_is("\"\\/\"", "\"/\"");
	canon_is("\"\\u0939\"", "\"ह\"");
	canon_is("\"\\uD83D\\uDE00\"", "\"😀\"");
	canon_is("\"\\ud83d\\ude00\"", "\"😀\"");
	canon_is("\"\\n\\r\\t\\b\\f\"", "\"\\n\\r\\t\\b\\f\"");
	canon_is("\"\\u000a\\u000D\\u0009\"", "\"\\n\\r\\t\"");
	canon_is("\"\\u0001\\u001F\\u001b\"", "\"\\u0001\\u001f\\u001b\"");
	canon_is("\"\\u0022\\u005c\\u002f\"", "\"\\\"\\\\/\"");
	canon_is("\"\\u007f\x7f\"", "\"\x7f\x7f\"");             /* DEL as itself */
	canon_is("\"\\u2028\xe2\x80\xa9\"", "\"\\u2028\\u2029\""); /* line terminators */
	canon_is("\"\\u00e9\xc3\xa9\"", "\"\xc3\xa9\xc3\xa9\"");
	canon_is("\"\xf4\x8f\xbf\xbf\"", "\"\xf4\x8f\xbf\xbf\"");   /* U+10FFFF */
	canon_is("\"<>&'\"", "\"<>&'\"");
}

static void test_canonical_numbers_nesting(void **state)
{
	(void)state;
	canon_is(RAW_C, CANON_C);
	canon_is("1.50", "1.50");
	canon_is("1e2", "1e2");
	canon_is("-0.0e-0", "-0.0e-0");
	canon_is(" 0 ", "0");
	canon_is("{\"a\":null,\"b\":{\"c\":{}}}", "{\"a\":null,\"b\":{\"c\":{}}}");
	canon_is("[[[]],{}]", "[[[]],{}]");
	/* duplicate keys are kept as sent */
	canon_is("{\"a\":1, \"a\":2}", "{\"a\":1,\"a\":2}");
}

/* Malformed JSON, invalid UTF-8 and lone surrogates: -1, nothing out. */
static void test_canonical_malformed(void **state)
{
	(void)state;
	CANON_BAD("");
	CANON_BAD("   ");
	CANON_BAD("\"\\ud83d\"");          /* lone high surrogate */
	CANON_BAD("\"\\ude00\"");          /* lone low surrogate */
	CANON_BAD("\"\\ud83d\\u0041\"");   /* high + not low */
	CANON_BAD("\"\\ud83dx\"");
	CANON_BAD("\"\\u12\"");
	CANON_BAD("\"\\u12G4\"");
	CANON_BAD("\"\xff\"");             /* not UTF-8 */
	CANON_BAD("\"\xc0\xaf\"");         /* overlong '/' */
	CANON_BAD("\"\xe0\x80\xaf\"");     /* overlong */
	CANON_BAD("\"\xed\xa0\x80\"");     /* a surrogate in UTF-8 */
	CANON_BAD("\"\xf4\x90\x80\x80\""); /* above U+10FFFF */
	CANON_BAD("\"\xe0\xa4\"");         /* truncated */
	CANON_BAD("\"\x80\"");             /* stray continuation */
	CANON_BAD("\"a\nb\"");             /* raw control character */
	CANON_BAD("\"a\x01\"");
	CANON_BAD("\"a\0b\"");
	CANON_BAD("\"\\x41\"");            /* unknown escape */
	CANON_BAD("\"\\'\"");
	CANON_BAD("\"abc");
	CANON_BAD("'a'");
	CANON_BAD("[1] x");
	CANON_BAD("[1]]");
	CANON_BAD("[1,]");
	CANON_BAD("[,1]");
	CANON_BAD("{\"a\":1,}");
	CANON_BAD("{\"a\" 1}");
	CANON_BAD("{a:1}");
	CANON_BAD("{\"a\":1");              /* only a body's top level may lack its brace */
	CANON_BAD("[1");
	CANON_BAD("01");
	CANON_BAD("1.");
	CANON_BAD(".5");
	CANON_BAD("+1");
	CANON_BAD("1e");
	CANON_BAD("-");
	CANON_BAD("NaN");
	CANON_BAD("tru");
	CANON_BAD("nul");
	CANON_BAD("[1 2]");
	/* nesting: 64 levels are fine, 65 are not */
	char deep[200];
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	free(canon(deep));
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	canon_bad(deep, 130);
	canon_bad(NULL, 0);
}

static void test_read_shapes(void **state)
{
	(void)state;
	read_bad("", PK_ERR_NOT_JSON);
	read_bad("<html>502</html>", PK_ERR_NOT_JSON);
	read_bad("{\"additional_data\":[{\"a\":\"\\ud83d\"}]}", PK_ERR_NOT_JSON);
	read_bad("{\"additional_data\":[1]} x", PK_ERR_NOT_JSON);
	read_bad("[{\"additional_data\":[]}]", PK_ERR_BAD_SHAPE);
	read_bad("\"additional_data\"", PK_ERR_BAD_SHAPE);
	read_bad("{\"signature\":\"x\"}", PK_ERR_BAD_SHAPE);
	read_bad("{\"additional_data\":{\"amount\":\"1\"}}", PK_ERR_BAD_SHAPE);
	read_bad("{\"additional_data\":null}", PK_ERR_BAD_SHAPE);
	read_bad("{\"x\":{\"additional_data\":[]}}", PK_ERR_BAD_SHAPE); /* not top level */

	/* additional_data is the top-level key's value, not a nested one */
	pk_postback pb;
	read_ok("{\"x\":{\"additional_data\":[{\"amount\":\"1\"}]},"
		"\"additional_data\":[{\"amount\":\"2\"}],\"y\":[{\"additional_data\":3}]}",
		&pb);
	assert_string_equal(pb.canonical, "[{\"amount\":\"2\"}]");
	assert_int_equal(pb.ntx, 1);
	assert_int_equal(pb.tx[0].amount_minor, 200); /* no currency: 2 decimals */
	pk_postback_free(&pb);

	/* an empty list reads: no transactions */
	read_ok("{\"additional_data\" : [ ] }", &pb);
	assert_string_equal(pb.canonical, "[]");
	assert_int_equal(pb.ntx, 0);
	assert_string_equal(pb.signature, "");
	assert_false(pb.has_amount);
	assert_false(pk_postback_verify(&pb, ACCESS, PRIVATE)); /* no signature */
	pk_postback_free(&pb);

	/* keys written with escapes are the same keys; a non-object element is a
	 * transaction with nothing in it; the last of a duplicate key wins */
	read_ok("{\"wallet\\u005ftype\":\"wavepay\",\"currency_code\":\"MMK\",\"amount\":\"1000\","
		"\"label\":\"first\",\"label\":\"last\",\"additional_data\":["
		"{\"plugin\\u005fcustom_order_id\":\"ctid-\\u0041\",\"amount\":5000,"
		"\"transaction_id\":1234},"
		"7,"
		"{\"currency_code\":\"INR\",\"amount\":\"100.5\",\"wallet_type\":\"upi_s\"}]}",
		&pb);
	assert_string_equal(pb.wallet_type, "wavepay");
	assert_string_equal(pb.label, "last");
	assert_true(pb.has_amount);
	assert_int_equal(pb.amount_minor, 1000);
	assert_int_equal(pb.ntx, 3);
	assert_string_equal(pb.tx[0].plugin_custom_order_id, "ctid-A");
	assert_string_equal(pb.tx[0].currency, "");
	assert_true(pb.tx[0].has_amount); /* in the body's MMK */
	assert_int_equal(pb.tx[0].amount_minor, 5000);
	assert_string_equal(pb.tx[0].transaction_id, ""); /* a number, not a string */
	assert_false(pb.tx[1].has_amount);
	assert_string_equal(pb.tx[1].plugin_custom_order_id, "");
	assert_string_equal(pb.tx[2].currency, "INR");
	assert_int_equal(pb.tx[2].amount_minor, 10050);
	assert_string_equal(pb.tx[2].wallet_type, "upi_s");
	pk_postback_free(&pb);
}

/* String fields that cannot be held whole read as absent, never cut. */
static void test_read_fields_absent(void **state)
{
	(void)state;
	char body[2048], longid[400];
	memset(longid, 'x', 300);
	longid[300] = '\0';
	snprintf(body, sizeof body,
		 "{\"label\":\"%s\",\"access_key\":\"a\\u0000b\",\"signature\":{\"x\":1},"
		 "\"amount\":1e2,\"currency_code\":\"INR\",\"additional_data\":[{"
		 "\"plugin_custom_order_id\":\"%s\",\"transaction_id\":\"%.255s\","
		 "\"amount\":\"10.123\",\"currency_code\":\"RUPEES!!\"}]}",
		 longid, longid, longid);
	pk_postback pb;
	read_ok(body, &pb);
	assert_string_equal(pb.label, "");
	assert_string_equal(pb.access_key, "");
	assert_string_equal(pb.signature, "");
	assert_false(pb.has_amount); /* 1e2: not an exact decimal text */
	assert_string_equal(pb.tx[0].plugin_custom_order_id, "");
	assert_int_equal(strlen(pb.tx[0].transaction_id), 255); /* fits: kept */
	assert_string_equal(pb.tx[0].currency, "");             /* 8 bytes: too long */
	assert_false(pb.tx[0].has_amount);
	pk_postback_free(&pb);
}

static void amount_is(const char *text, int decimals, int64_t want)
{
	int64_t v = -42;
	if (!pk_postback_amount_minor(text, strlen(text), decimals, &v))
		fail_msg("'%s' (%d decimals) refused", text, decimals);
	assert_int_equal(v, want);
}

static void amount_bad(const char *text, int decimals)
{
	int64_t v = -42;
	if (pk_postback_amount_minor(text, strlen(text), decimals, &v))
		fail_msg("'%s' (%d decimals) accepted as %lld", text, decimals, (long long)v);
	assert_int_equal(v, -42);
}

static void test_amounts(void **state)
{
	(void)state;
	int inr = pk_postback_currency_decimals("INR");
	int mmk = pk_postback_currency_decimals("MMK");
	assert_int_equal(inr, 2);
	assert_int_equal(mmk, 0);
	assert_int_equal(pk_postback_currency_decimals("USD"), 2);
	assert_int_equal(pk_postback_currency_decimals(""), 2);
	assert_int_equal(pk_postback_currency_decimals(NULL), 2);
	amount_is("700", inr, 70000);
	amount_is("100.5", inr, 10050);
	amount_is("100.50", inr, 10050);
	amount_is("100.500", inr, 10050);
	amount_is("0.01", inr, 1);
	amount_is("0", inr, 0);
	amount_is("-1", inr, -100);
	amount_is("007", inr, 700);
	amount_is("1000", mmk, 1000);
	amount_is("1000.0", mmk, 1000);
	amount_is("92233720368547758.07", inr, INT64_MAX);
	amount_is("9223372036854775807", mmk, INT64_MAX);
	amount_is("-9223372036854775808", mmk, INT64_MIN);
	amount_bad("100.123", inr);
	amount_bad("100.001", inr);
	amount_bad("10.5", mmk);
	amount_bad("92233720368547758.08", inr);
	amount_bad("9223372036854775808", mmk);
	amount_bad("99999999999999999999999", mmk);
	amount_bad("", inr);
	amount_bad("-", inr);
	amount_bad("1e2", inr);
	amount_bad("+1", inr);
	amount_bad(" 1", inr);
	amount_bad("1 ", inr);
	amount_bad("1.", inr);
	amount_bad(".5", inr);
	amount_bad("1,000", inr);
	amount_bad("१००", inr); /* digits of a script: not in a gateway's JSON */
	/* the length is honoured: "700" of "7001" */
	int64_t v;
	assert_true(pk_postback_amount_minor("7001", 3, inr, &v));
	assert_int_equal(v, 70000);
}

static void test_sha256(void **state)
{
	(void)state;
	char hex[65];
	pk_error err = { 0 };
	/* printf '%s' abc | sha256sum */
	assert_int_equal(pk_sha256_hex("abc", 3, hex, &err), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* printf '' | sha256sum */
	assert_int_equal(pk_sha256_hex("", 0, hex, &err), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_body),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_canonical_whitespace),
		cmocka_unit_test(test_canonical_strings),
		cmocka_unit_test(test_canonical_numbers_nesting),
		cmocka_unit_test(test_canonical_malformed),
		cmocka_unit_test(test_read_shapes),
		cmocka_unit_test(test_read_fields_absent),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
