/* test_parse.c - gw_parse_response against every answer in the spec and in
 * the Russian originals (copied literally, including the originals' U+00A0
 * indentation and single-quoted fail bodies), plus what a broken or hostile
 * gateway could send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gateway/gateway.h"

/* ---- the originals (seeds/wavepay.ru.txt), literally ------------------ */
static const char wp_create_ok_doc[] =
	"{\n"
	"\"status\": \"ok\",\n"
	"\"params\": {\n"
	"\"identifier\": \"324342342\"\n"
	"}\n"
	"}";

static const char wp_create_fail_doc[] =
	"{\n"
	"'status': 'fail',\n"
	"'message': 'MESSAGE'\n"
	"}";

static const char wp_activate_ok_doc[] =
	"{\n"
	"\"status\": \"ok\",\n"
	"\"deposit\": true,\n"
	"\"deposit_amount\": 6000,\n"
	"\"currency\": {\n"
	"\"code\": \"MMK\",\n"
	"\"symbol\": \"MMK\"\n"
	"}\n"
	"}";

static const char wp_activate_pending_doc[] =
	"{\n"
	"\"status\": \"pending\",\n"
	"\"message\": \"The deposit status check has been started. The operation may take lon"
	"ger than expected. Upon completion of the verification, the funds will be credited t"
	"o your account\"\n"
	"}";

static const char wp_activate_possible_doc[] =
	"{\n"
	"\"status\": \"possible_transaction_created\",\n"
	"\"message\": \"Transaction not found. Possible transaction created\"\n"
	"}";

static const char wp_activate_fail_doc[] =
	"{\n"
	"'status': 'fail',\n"
	"'message': 'MESSAGE'\n"
	"}";

/* ---- the originals (seeds/upi_s.ru.txt), literally (U+00A0 indents) -- */
static const char upi_create_ok_doc[] =
	"{\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"status\":\xC2\xA0\"ok\",\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"data\": {\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"order_id\":"
	"\xC2\xA0\"6a12ce38b3164c53\",\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"qr_string\": \"iVB"
	"ORw0KGgoAAAANSUhEUgAAALwAAAC8CAYAAADCScSrAAAAAklEQVR4AewaftIAAAnmSURBVO3BQY4cy5LAQDL"
	"R978yR0uHFvEQqJK+Bulm9gtrvcTDWi/ysNaLPKz1Ij/8RuVvqjhROamYVKaKT6icVJyoTBWTylRxojJVTCp"
	"TxaQyVUwqU8UNlaliUvmbKqaHtV7kYa0XeVjrRX74DxXfpPKJipOKSWWqmFROKk5UpopPqNxQOVGZKiaVqWJ"
	"SmSomlaniRsU3qZw8rPUiD2u9yMNaL/LDJZUbFTdUpopJZao4qTipmFQmlZOKSWWquFFxQ+WGylTxL1G5UXH"
	"jYa0XeVjrRR7WepEf/jEVn1A5qbhRMalMKlPFicqJyknFVDGpTBU3VD6hMlX8Sx7WepGHtV7kYa0X+eEfozJ"
	"VnKh8QmWquFExqfxJKicVk8pJxQ2V/88e1nqRh7Ve5GGtF/nhUsXfpDJV3FA5qbhRMamcVNxQmSomlROVqeJ"
	"GxaQyVfxJFX/Sw1ov8rDWizys9SI//AeV/6WKSWWqmFSmikllqphUpopJZaqYVE5UpopPVEwqJypTxaQyVUw"
	"qU8WkMlWcqPxND2u9yMNaL/Kw1ovYL/w/ovI3VUwqNypuqEwVJypTxaQyVdxQmSpOVKaKf8nDWi/ysNaLPKz"
	"1Ij/8B5Wp4kRlqphUpopJ5UbFpDJVnKjcqJhUTlS+SeVGxYnKVHGiclIxqUwVk8pJxaQyVdx4WOtFHtZ6kYe"
	"1XsR+YVA5qThRmSo+ofJNFScqU8UnVD5RMalMFZPKVDGp3Kg4UfmmiknlpOLGw1ov8rDWizys9SI/XFK5oXK"
	"j4qTiROWGyg2VqeKkYlKZKiaVGyqfqJhUJpWTihOVT1R808NaL/Kw1os8rPUiP/ym4kTlpGJSmSomlZOKSeV"
	"GxSdUTlROKqaKb6q4UXGjYlK5UXGi8k0qU8X0sNaLPKz1Ig9rvcgPv1GZKqaKSeWGyicqJpWp4kTlRsWk8gm"
	"VqWKquKEyVdxQuVFxQ+WkYlI5qTipOHlY60Ue1nqRh7Ve5If/oDJVnKhMFScqk8pJxScqJpWpYlKZKr5J5aT"
	"ipGJS+SaVGxWfqDhRmSomlalieljrRR7WepGHtV7kh99UnKjcUPkmlROVqeJPUrlRcaIyqUwVNyomlanihsp"
	"UcaNiUpkqJpWp4qTi5GGtF3lY60Ue1noR+4VBZaq4oXJSMalMFZPKScWkMlXcUJkqJpWTikllqphUblTcUJk"
	"qJpWTihsqU8WfpDJVnDys9SIPa73Iw1ovYr9wQeVGxaQyVUwqU8WfpHKjYlKZKk5Upoq/SeWbKm6oTBU3VG5"
	"UTA9rvcjDWi/ysNaL2C8cqEwVk8pUcUNlqjhRuVFxojJVTCqfqDhRmSomlaliUpkqJpWp4kTlpOJEZaqYVKa"
	"Kv+lhrRd5WOtFHtZ6kR8uqUwVk8pUMal8omJSmSr+JSqfqJhUTlRuqEwV36RyovJNFScPa73Iw1ov8rDWi/z"
	"wHypOVKaKSWWquKFyUnGiclIxqUwVk8pUcaIyVUwqJyrfpHKiMlVMKlPFScWJylQxqZxUTCpTxfSw1os8rPU"
	"iD2u9iP3CoDJVTCpTxaTyTRWTylQxqXxTxQ2VP6liUvlExaQyVdxQ+aaKSWWquPGw1os8rPUiD2u9yA//QWW"
	"quFFxQ+WkYlI5qZhUTiomlaliUjmpuKEyVZxUTCpTxaQyqfxJFTdUJpUTlani5GGtF3lY60Ue1nqRHz6kckN"
	"lqjhRmSqmikllUrmhMlVMKlPFpHKiMlV8U8WkMlXcUJkqPqEyVZxUfNPDWi/ysNaLPKz1Ij/8pmJSOamYVE4"
	"qvknlRsUnKiaVGxU3VD5RMancqJhUpoobFd+kMlWcPKz1Ig9rvcjDWi/yw29UbqicqHyTyknFpHKicqPihsq"
	"fVDGpTCpTxYnKScUNlU+oTBWfeFjrRR7WepGHtV7kh99UTCqTylQxqZxU/C+pTBWTyjdVTCpTxYnKN6lMFSc"
	"qU8WkMlWcqJxUnKhMFZPKVDE9rPUiD2u9yMNaL2K/MKhMFScqU8WkclJxonKj4kTlpOJE5aTiROWk4k9SmSp"
	"OVKaKSeVGxaQyVUwqU8UnHtZ6kYe1XuRhrRf54TcVk8oNlanihspUcaJyovI3qdyo+JNUpopJZao4UTmpOFG"
	"ZKiaVP+lhrRd5WOtFHtZ6kR8+VHFDZaqYKiaVqWKqmFSmiknlROWkYlKZKk5UTlRuVJxUnFTcqJhUJpWp4hM"
	"VN1SmiulhrRd5WOtFHtZ6kR9+ozJV3FA5qZhUpoqp4psqbqh8QmWqOKmYVKaKE5VvqrhRMalMFZPKVDGpTBW"
	"TylRx8rDWizys9SIPa73ID/9BZaqYVE4qJpUbKlPFpDJVnKicVEwVk8pUcVIxqUwVk8pUcaNiUjmp+CaVqeK"
	"kYlKZKr7pYa0XeVjrRR7WepEfflNxo+JEZaqYVP6XKiaVk4pvUrmhMlXcqPiEylRxQ2WqmCpuVNx4WOtFHtZ"
	"6kYe1XuSHL1OZKiaVT6hMFTcqJpWpYlKZVKaKT1RMKjdUpoqpYlKZKiaVqeITKlPFpDJVnKhMFZPKVDE9rPU"
	"iD2u9yMNaL/LDb1ROKiaVqeKkYlL5hMpJxaTyiYpJ5aTiEypTxQ2VE5UTlW9SmSo+oTJVnDys9SIPa73Iw1o"
	"vYr/wRSpTxaRyUvFNKlPFJ1ROKm6onFTcUJkqJpVPVJyoTBU3VD5RcfKw1os8rPUiD2u9yA//QeWbKiaVSWW"
	"qOFE5qThROamYKiaVE5WpYqq4oXJScVIxqdxQmSr+popPPKz1Ig9rvcjDWi9ivzCoTBUnKicVk8onKm6oTBU"
	"nKv+Sikllqrih8k0Vk8o3VZyonFRMD2u9yMNaL/Kw1ovYL/xDVKaKGypTxSdUPlFxQ+Wk4obKN1WcqEwVN1R"
	"uVEwqU8X0sNaLPKz1Ig9rvcgPv1H5myqmihOVqeITKlPFVHFD5URlqjip+JMqTlS+SWWqOKk4UZkqTh7WepG"
	"HtV7kYa0X+eE/VHyTyg2VGxWTyjepTBU3Km6o3KiYKm6onKh8ouJ/6WGtF3lY60Ue1nqRHy6p3Ki4ofJNFSc"
	"qNypuqHyiYlL5hMqNihsqk8o3qUwVNx7WepGHtV7kYa0X+eEfU/EJlRsVJypTxaRyUnGi8omKE5Wp4kRlUpk"
	"qTiomlaniROWGyknF9LDWizys9SIPa73ID//PqEwVJxWTyonKjYpPVJyoTBWTyr+sYlKZKk5UTipuPKz1Ig9"
	"rvcjDWi/yw6WKP0nlExUnFZPKVDGpTConFX+Syp9UcaJyo2KqmFRuVHziYa0XeVjrRR7WehH7hUHlb6o4UTm"
	"pOFH5RMWkcqPiROUTFTdUpopJZaq4oXJS8QmVqWJSmSqmh7Ve5GGtF3lY60XsF9Z6iYe1XuRhrRd5WOtF/g9"
	"hC6vB+PmkFgAAAABJRU5ErkJggg==\",\n"
	" \xC2\xA0\t\t\"qr_data\":\xC2\xA0\"upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=I"
	"T32021661770570987&tr=IT32021661770570987\",\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"message\":\xC2\xA0"
	"\"QR Code generated successfully\"\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "}\n"
	"}";

static const char upi_create_fail_doc[] =
	"{\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "'status': 'fail',\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "'message': 'MESSAGE'\n"
	"}";

static const char upi_status_success_doc[] =
	"{\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"status\":\xC2\xA0\"success\"\n"
	"}";

static const char upi_status_processing_doc[] =
	"{\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"status\":\xC2\xA0\"processing\"\n"
	"}";

static const char upi_status_failed_doc[] =
	"{\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\"status\":\xC2\xA0\"failed\"\n"
	"}";

static const char upi_status_fail_doc[] =
	"{\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "'status': 'fail',\n"
	"\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "'message': 'MESSAGE'\n"
	"}";

/* ---- the English spec's one-line renderings ---------------------------- */
static const char spec_wp_create_ok[] = "{\"status\": \"ok\", \"params\": {\"identifier\": \"324342342\"}}";
static const char spec_fail_dq[] = "{\"status\": \"fail\", \"message\": \"MESSAGE\"}";
static const char spec_wp_activate_ok[] =
	"{\"status\": \"ok\", \"deposit\": true, \"deposit_amount\": 6000, \"currency\": "
	"{\"code\": \"MMK\", \"symbol\": \"MMK\"}}";
static const char spec_wp_pending[] =
	"{\"status\": \"pending\", \"message\": \"The deposit status check has been started. "
	"The operation may take longer than expected. Upon completion of the verification, the "
	"funds will be credited to your account\"}";
static const char spec_wp_possible[] = "{\"status\": \"possible_transaction_created\", "
				       "\"message\": \"Transaction not found. Possible transaction created\"}";
static const char spec_upi_ok[] =
	"{\"status\": \"ok\",\n \"data\": {\"order_id\": \"6a12ce38b3164c53\",\n"
	"          \"qr_string\": \"<base64 PNG of a QR code>\",\n"
	"          \"qr_data\": \"upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987"
	"&tr=IT32021661770570987\",\n"
	"          \"message\": \"QR Code generated successfully\"}}";

static const char doc_qr_data[] =
	"upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987";
static const char not_understood[] = "The gateway sent an answer the kiosk does not understand";

static void parse(gw_result *r, gw_call call, const char *body, long http, pk_currency cur)
{
	gw_parse_response(call, body, body ? strlen(body) : 0, http, cur, r);
}

/* status NONE with the given error kind and the cashier's message */
static void assert_not_understood(const gw_result *r, pk_err_kind kind)
{
	assert_int_equal(r->status, GW_ST_NONE);
	assert_int_equal(r->err.kind, kind);
	assert_string_equal(r->err.msg, not_understood);
	assert_null(r->qr_data);
	assert_string_equal(r->order_id, "");
	assert_string_equal(r->identifier, "");
	assert_false(r->has_deposit_amount);
}

static void assert_fail(const gw_result *r, const char *message)
{
	assert_int_equal(r->status, GW_ST_FAIL);
	assert_int_equal(r->err.kind, PK_ERR_GATEWAY_FAIL);
	assert_string_equal(r->message, message);
	if (*message)
		assert_non_null(strstr(r->err.msg, message));
	assert_null(r->qr_data);
}

/* ---- Wavepay ------------------------------------------------------------ */

static void wavepay_create_docs(void **state)
{
	(void)state;
	gw_result r;
	const char *oks[] = {wp_create_ok_doc, spec_wp_create_ok};
	for (size_t i = 0; i < 2; i++) {
		gw_result_init(&r, GW_WAVEPAY_CREATE);
		parse(&r, GW_WAVEPAY_CREATE, oks[i], 200, PK_CUR_MMK);
		assert_int_equal(r.status, GW_ST_OK);
		assert_int_equal(r.err.kind, PK_OK);
		assert_string_equal(r.identifier, "324342342");
		assert_int_equal(r.http_code, 200);
		gw_result_free(&r);
	}
	gw_result_init(&r, GW_WAVEPAY_CREATE);
	parse(&r, GW_WAVEPAY_CREATE, wp_create_fail_doc, 200, PK_CUR_MMK);
	assert_fail(&r, "MESSAGE");
	parse(&r, GW_WAVEPAY_CREATE, spec_fail_dq, 200, PK_CUR_MMK);
	assert_fail(&r, "MESSAGE");
	/* an identifier sent as a number is still the wallet to pay to */
	parse(&r, GW_WAVEPAY_CREATE, "{\"status\":\"ok\",\"params\":{\"identifier\":324342342}}", 200,
	      PK_CUR_MMK);
	assert_int_equal(r.status, GW_ST_OK);
	assert_string_equal(r.identifier, "324342342");
	gw_result_free(&r);
}

static void wavepay_create_wrong_shapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{\"status\":\"ok\"}",
		"{\"status\":\"ok\",\"params\":[\"324342342\"]}",
		"{\"status\":\"ok\",\"params\":{\"identifier\":\"\"}}",
		"{\"status\":\"ok\",\"params\":{\"identifier\":null}}",
		"{\"status\":\"ok\",\"params\":{\"identifier\":\"32434\\n2342\"}}",
		"{\"status\":\"ok\",\"params\":{\"identifier\":1.5}}",
		"{\"status\":\"pending\",\"params\":{\"identifier\":\"1\"}}",
		"{\"status\":1,\"params\":{\"identifier\":\"1\"}}",
		"[{\"status\":\"ok\",\"params\":{\"identifier\":\"1\"}}]",
		"\"ok\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gw_result r;
		gw_result_init(&r, GW_WAVEPAY_CREATE);
		parse(&r, GW_WAVEPAY_CREATE, bad[i], 200, PK_CUR_MMK);
		assert_not_understood(&r, PK_ERR_BAD_SHAPE);
		gw_result_free(&r);
	}
	/* an identifier that does not fit is refused, never cut */
	char big[GW_ID_MAX + 64];
	char id[GW_ID_MAX + 1];
	memset(id, '7', GW_ID_MAX);
	id[GW_ID_MAX] = '\0';
	snprintf(big, sizeof big, "{\"status\":\"ok\",\"params\":{\"identifier\":\"%s\"}}", id);
	gw_result r;
	gw_result_init(&r, GW_WAVEPAY_CREATE);
	parse(&r, GW_WAVEPAY_CREATE, big, 200, PK_CUR_MMK);
	assert_not_understood(&r, PK_ERR_BAD_SHAPE);
	gw_result_free(&r);
}

static void wavepay_activate_docs(void **state)
{
	(void)state;
	gw_result r;
	const char *oks[] = {wp_activate_ok_doc, spec_wp_activate_ok};
	for (size_t i = 0; i < 2; i++) {
		gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
		parse(&r, GW_WAVEPAY_ACTIVATE, oks[i], 200, PK_CUR_MMK);
		assert_int_equal(r.status, GW_ST_OK);
		assert_int_equal(r.err.kind, PK_OK);
		/* the docs' own example credits 6000 for an amount of 500 sent:
		 * the parser reports what was credited, not what was asked */
		assert_true(r.has_deposit_amount);
		assert_int_equal(r.deposit_amount, 6000);
		gw_result_free(&r);
	}
	const char *pend[] = {wp_activate_pending_doc, spec_wp_pending};
	for (size_t i = 0; i < 2; i++) {
		gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
		parse(&r, GW_WAVEPAY_ACTIVATE, pend[i], 200, PK_CUR_MMK);
		assert_int_equal(r.status, GW_ST_PENDING);
		assert_int_equal(r.err.kind, PK_OK);
		assert_string_equal(r.message,
				    "The deposit status check has been started. The operation may "
				    "take longer than expected. Upon completion of the verification, "
				    "the funds will be credited to your account");
		assert_false(r.has_deposit_amount);
		gw_result_free(&r);
	}
	const char *poss[] = {wp_activate_possible_doc, spec_wp_possible};
	for (size_t i = 0; i < 2; i++) {
		gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
		parse(&r, GW_WAVEPAY_ACTIVATE, poss[i], 200, PK_CUR_MMK);
		assert_int_equal(r.status, GW_ST_POSSIBLE_TX);
		assert_int_equal(r.err.kind, PK_OK);
		assert_string_equal(r.message, "Transaction not found. Possible transaction created");
		gw_result_free(&r);
	}
	gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
	parse(&r, GW_WAVEPAY_ACTIVATE, wp_activate_fail_doc, 200, PK_CUR_MMK);
	assert_fail(&r, "MESSAGE");
	gw_result_free(&r);
}

static void wavepay_activate_amounts(void **state)
{
	(void)state;
	static const struct {
		const char *body;
		pk_currency cur;
		int64_t minor;
	} cases[] = {
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":\"6000\"}", PK_CUR_MMK, 6000},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":\" 6000 \"}", PK_CUR_MMK, 6000},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":499}", PK_CUR_MMK, 499},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":100.5}", PK_CUR_INR, 10050},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":\"100.50\"}", PK_CUR_INR, 10050},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":100.49999999999}", PK_CUR_INR, 10050},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":0.1}", PK_CUR_INR, 10},
		{"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":1e3}", PK_CUR_MMK, 1000},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gw_result r;
		gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
		parse(&r, GW_WAVEPAY_ACTIVATE, cases[i].body, 200, cases[i].cur);
		assert_int_equal(r.status, GW_ST_OK);
		assert_true(r.has_deposit_amount);
		assert_int_equal(r.deposit_amount, cases[i].minor);
		gw_result_free(&r);
	}
	/* credited, but no amount given: ok, and the caller knows it has none */
	gw_result r;
	gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
	parse(&r, GW_WAVEPAY_ACTIVATE, "{\"status\":\"ok\",\"deposit\":true}", 200, PK_CUR_MMK);
	assert_int_equal(r.status, GW_ST_OK);
	assert_false(r.has_deposit_amount);
	gw_result_free(&r);

	static const char *const bad[] = {
		/* "ok" without a deposit is not a credit */
		"{\"status\":\"ok\",\"deposit_amount\":6000}",
		"{\"status\":\"ok\",\"deposit\":false,\"deposit_amount\":6000}",
		"{\"status\":\"ok\",\"deposit\":\"true\",\"deposit_amount\":6000}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":\"six thousand\"}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":\"6000abc\"}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":-6000}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":\"-1\"}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":[6000]}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":true}",
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":1e300}",
		/* credited in another currency than the sale's */
		"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":6000,\"currency\":{\"code\":\"USD\"}}",
		"{\"status\":\"success\"}",
		"{\"status\":\"processing\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
		parse(&r, GW_WAVEPAY_ACTIVATE, bad[i], 200, PK_CUR_MMK);
		assert_not_understood(&r, PK_ERR_BAD_SHAPE);
		gw_result_free(&r);
	}
}

/* ---- UPI ----------------------------------------------------------------- */

static void upi_create_docs(void **state)
{
	(void)state;
	const char *oks[] = {upi_create_ok_doc, spec_upi_ok};
	for (size_t i = 0; i < 2; i++) {
		gw_result r;
		gw_result_init(&r, GW_UPI_CREATE);
		parse(&r, GW_UPI_CREATE, oks[i], 200, PK_CUR_INR);
		assert_int_equal(r.status, GW_ST_OK);
		assert_int_equal(r.err.kind, PK_OK);
		assert_string_equal(r.order_id, "6a12ce38b3164c53");
		assert_non_null(r.qr_data);
		assert_string_equal(r.qr_data, doc_qr_data);
		assert_string_equal(r.message, "QR Code generated successfully");
		gw_result_free(&r);
		assert_null(r.qr_data);
	}
	gw_result r;
	gw_result_init(&r, GW_UPI_CREATE);
	parse(&r, GW_UPI_CREATE, upi_create_fail_doc, 200, PK_CUR_INR);
	assert_fail(&r, "MESSAGE");
	/* UPI:// in capitals is the same scheme */
	parse(&r, GW_UPI_CREATE,
	      "{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":\"UPI://pay?pa=x@y\"}}", 200,
	      PK_CUR_INR);
	assert_int_equal(r.status, GW_ST_OK);
	assert_string_equal(r.qr_data, "UPI://pay?pa=x@y");
	/* reusing a result frees the previous QR text (ASan checks the leak) */
	parse(&r, GW_UPI_CREATE, spec_fail_dq, 200, PK_CUR_INR);
	assert_fail(&r, "MESSAGE");
	assert_null(r.qr_data);
	gw_result_free(&r);
}

static void upi_create_wrong_shapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		/* data a list */
		"{\"status\":\"ok\",\"data\":[{\"order_id\":\"a1\",\"qr_data\":\"upi://pay\"}]}",
		/* missing qr_data, missing order_id */
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\"}}",
		"{\"status\":\"ok\",\"data\":{\"qr_data\":\"upi://pay?pa=x@y\"}}",
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"\",\"qr_data\":\"upi://pay?pa=x@y\"}}",
		/* qr_data not a UPI link */
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":\"https://evil.example/pay\"}}",
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":\" upi://pay\"}}",
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":\"upi://\"}}",
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":42}}",
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":\"upi://pay\\u001b[2J\"}}",
		/* status a number, missing, of another call */
		"{\"status\":200,\"data\":{\"order_id\":\"a1\",\"qr_data\":\"upi://pay\"}}",
		"{\"data\":{\"order_id\":\"a1\",\"qr_data\":\"upi://pay\"}}",
		"{\"status\":\"success\"}",
		"{}",
		"[]",
		"null",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gw_result r;
		gw_result_init(&r, GW_UPI_CREATE);
		parse(&r, GW_UPI_CREATE, bad[i], 200, PK_CUR_INR);
		assert_not_understood(&r, PK_ERR_BAD_SHAPE);
		gw_result_free(&r);
	}
}

static char *upi_ok_with_qr_len(size_t qr_len)
{
	char *qr = malloc(qr_len + 1);
	assert_non_null(qr);
	memcpy(qr, "upi://pay?pa=", 13);
	memset(qr + 13, 'a', qr_len - 13);
	qr[qr_len] = '\0';
	size_t n = qr_len + 128;
	char *body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\",\"qr_data\":\"%s\"}}", qr);
	free(qr);
	return body;
}

static void upi_create_qr_length(void **state)
{
	(void)state;
	gw_result r;
	char *body = upi_ok_with_qr_len(GW_QR_DATA_MAX);
	gw_result_init(&r, GW_UPI_CREATE);
	parse(&r, GW_UPI_CREATE, body, 200, PK_CUR_INR);
	assert_int_equal(r.status, GW_ST_OK);
	assert_int_equal(strlen(r.qr_data), GW_QR_DATA_MAX);
	gw_result_free(&r);
	free(body);

	/* A real upi:// link too long to show: refused (no wrong code), and
	 * the message says why. */
	body = upi_ok_with_qr_len(GW_QR_DATA_MAX + 1);
	gw_result_init(&r, GW_UPI_CREATE);
	parse(&r, GW_UPI_CREATE, body, 200, PK_CUR_INR);
	assert_int_equal(r.status, GW_ST_NONE);
	assert_int_equal(r.err.kind, PK_ERR_BAD_SHAPE);
	assert_string_equal(r.err.msg, "The gateway sent a payment link too long for a QR code");
	assert_null(r.qr_data);
	assert_string_equal(r.order_id, "");
	gw_result_free(&r);
	free(body);
}

static void upi_status_docs(void **state)
{
	(void)state;
	static const struct {
		const char *body;
		gw_status st;
	} cases[] = {
		{upi_status_success_doc, GW_ST_SUCCESS},
		{upi_status_processing_doc, GW_ST_PROCESSING},
		{upi_status_failed_doc, GW_ST_FAILED},
		{"{\"status\": \"success\"}", GW_ST_SUCCESS},
		{"{\"status\": \"processing\"}", GW_ST_PROCESSING},
		{"{\"status\": \"failed\"}", GW_ST_FAILED},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gw_result r;
		gw_result_init(&r, GW_UPI_STATUS);
		parse(&r, GW_UPI_STATUS, cases[i].body, 200, PK_CUR_INR);
		assert_int_equal(r.status, cases[i].st);
		assert_int_equal(r.err.kind, PK_OK);
		gw_result_free(&r);
	}
	gw_result r;
	gw_result_init(&r, GW_UPI_STATUS);
	parse(&r, GW_UPI_STATUS, upi_status_fail_doc, 200, PK_CUR_INR);
	assert_fail(&r, "MESSAGE");
	/* "ok" is not an answer of the status call */
	parse(&r, GW_UPI_STATUS, "{\"status\":\"ok\"}", 200, PK_CUR_INR);
	assert_not_understood(&r, PK_ERR_BAD_SHAPE);
	parse(&r, GW_UPI_STATUS, "{\"status\":\"paid\"}", 200, PK_CUR_INR);
	assert_not_understood(&r, PK_ERR_BAD_SHAPE);
	gw_result_free(&r);
}

/* ---- bodies that are not JSON, HTTP errors ------------------------------ */

static void fail_bodies(void **state)
{
	(void)state;
	static const struct {
		const char *body;
		const char *msg;
	} cases[] = {
		{"{'status': 'fail', 'message': 'Invalid secret'}", "Invalid secret"},
		{"{'message': 'Wrong amount', 'status': 'fail'}", "Wrong amount"},
		{"  {'status':'fail','message':\"can't pay\"}\n", "can't pay"},
		{"{'status': 'fail', 'message': 'it\\'s gone'}", "it's gone"},
		{"{'status': 'fail'}", ""},
		{"{\"status\":\"fail\"}", ""},
		{"{\"status\":\"fail\",\"message\":null}", ""},
		/* validation errors as an object: the first text is kept */
		{"{\"status\":\"fail\",\"message\":{\"amount\":[\"The amount must be at least 100.\"]}}",
		 "The amount must be at least 100."},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gw_result r;
		gw_result_init(&r, GW_UPI_STATUS);
		parse(&r, GW_UPI_STATUS, cases[i].body, 200, PK_CUR_INR);
		assert_fail(&r, cases[i].msg);
		gw_result_free(&r);
	}
	/* single quotes are only tolerated for a fail body */
	static const char *const not_json[] = {
		"{'status': 'ok', 'params': {'identifier': '1'}}",
		"{'status': 'success'}",
		"{'status': 'fail', 'message': 'unterminated}",
		"{'status': 'fail', 'message': 'x'} trailing",
		"{'status': 'fail' 'message': 'x'}",
		"{\"status\":\"success\"} {\"status\":\"failed\"}",
		"{\"status\":\"success\"",
		"success",
	};
	for (size_t i = 0; i < sizeof not_json / sizeof not_json[0]; i++) {
		gw_result r;
		gw_result_init(&r, GW_UPI_STATUS);
		parse(&r, GW_UPI_STATUS, not_json[i], 200, PK_CUR_INR);
		assert_not_understood(&r, PK_ERR_NOT_JSON);
		gw_result_free(&r);
	}
}

static void empty_and_html(void **state)
{
	(void)state;
	gw_result r;
	gw_result_init(&r, GW_UPI_CREATE);
	gw_parse_response(GW_UPI_CREATE, "", 0, 200, PK_CUR_INR, &r);
	assert_not_understood(&r, PK_ERR_NOT_JSON);
	gw_parse_response(GW_UPI_CREATE, NULL, 0, 200, PK_CUR_INR, &r);
	assert_not_understood(&r, PK_ERR_NOT_JSON);
	parse(&r, GW_UPI_CREATE, "   \n", 200, PK_CUR_INR);
	assert_not_understood(&r, PK_ERR_NOT_JSON);
	parse(&r, GW_UPI_CREATE, "<html><body>Welcome to nginx!</body></html>", 200, PK_CUR_INR);
	assert_not_understood(&r, PK_ERR_NOT_JSON);

	/* HTML error page: an HTTP error, with the code for the cashier */
	parse(&r, GW_UPI_CREATE,
	      "<html><head><title>500 Internal Server Error</title></head><body>"
	      "<center><h1>500 Internal Server Error</h1></center></body></html>",
	      500, PK_CUR_INR);
	assert_int_equal(r.status, GW_ST_NONE);
	assert_int_equal(r.err.kind, PK_ERR_HTTP);
	assert_int_equal(r.err.code, 500);
	assert_int_equal(r.http_code, 500);
	assert_string_equal(r.err.msg, "The gateway answered with an error (HTTP 500)");
	gw_parse_response(GW_UPI_CREATE, "", 0, 502, PK_CUR_INR, &r);
	assert_int_equal(r.err.kind, PK_ERR_HTTP);
	assert_string_equal(r.err.msg, "The gateway answered with an error (HTTP 502)");
	/* a success-looking body under a server error is still an error */
	parse(&r, GW_UPI_STATUS, "{\"status\":\"success\"}", 503, PK_CUR_INR);
	assert_int_equal(r.status, GW_ST_NONE);
	assert_int_equal(r.err.kind, PK_ERR_HTTP);
	/* a fail body under a client error: the gateway's own reason */
	parse(&r, GW_UPI_STATUS, "{'status': 'fail', 'message': 'Invalid secret'}", 401, PK_CUR_INR);
	assert_fail(&r, "Invalid secret");
	assert_int_equal(r.http_code, 401);
	parse(&r, GW_WAVEPAY_CREATE, "{\"status\":\"fail\",\"message\":\"Bad label\"}", 422, PK_CUR_MMK);
	assert_fail(&r, "Bad label");
	gw_result_free(&r);
}

/* ---- HTTP status vs body ------------------------------------------------- */

static const char html_404[] = "<html><head><title>404 Not Found</title></head><body>"
			       "<center><h1>404 Not Found</h1></center><hr><center>nginx</center>"
			       "</body></html>";
static const char wp_ok_credited[] =
	"{\"status\":\"ok\",\"deposit\":true,\"deposit_amount\":5000,\"currency\":{\"code\":\"MMK\"}}";
static const char wp_ok_no_deposit[] = "{\"status\":\"ok\",\"deposit_amount\":5000}";
static const char fail_dq_busy[] = "{\"status\":\"fail\",\"message\":\"Try later\"}";
static const char fail_sq_busy[] = "{'status': 'fail', 'message': 'Try later'}";

/* Every (call x HTTP status x body) the sale flow can meet, and what it
 * must make of it.  msg: the gateway message kept (NULL: not checked). */
static void http_status_vs_body(void **state)
{
	(void)state;
	static const struct {
		gw_call call;
		long http;
		const char *body;
		gw_status st;
		pk_err_kind kind;
		const char *msg;
	} cases[] = {
		/* Wavepay activate: 4xx with a documented answer is that answer */
		{GW_WAVEPAY_ACTIVATE, 404, spec_wp_possible, GW_ST_POSSIBLE_TX, PK_OK,
		 "Transaction not found. Possible transaction created"},
		{GW_WAVEPAY_ACTIVATE, 200, spec_wp_possible, GW_ST_POSSIBLE_TX, PK_OK, NULL},
		{GW_WAVEPAY_ACTIVATE, 0, spec_wp_possible, GW_ST_POSSIBLE_TX, PK_OK, NULL},
		{GW_WAVEPAY_ACTIVATE, 400, spec_wp_pending, GW_ST_PENDING, PK_OK, NULL},
		{GW_WAVEPAY_ACTIVATE, 202, spec_wp_pending, GW_ST_PENDING, PK_OK, NULL},
		{GW_WAVEPAY_ACTIVATE, 409, wp_ok_credited, GW_ST_OK, PK_OK, NULL},
		{GW_WAVEPAY_ACTIVATE, 400, fail_dq_busy, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "Try later"},
		{GW_WAVEPAY_ACTIVATE, 403, fail_sq_busy, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "Try later"},
		{GW_WAVEPAY_ACTIVATE, 200, fail_dq_busy, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "Try later"},
		{GW_WAVEPAY_ACTIVATE, 0, fail_sq_busy, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "Try later"},
		/* ... "ok" needs deposit:true, with any status */
		{GW_WAVEPAY_ACTIVATE, 200, wp_ok_no_deposit, GW_ST_NONE, PK_ERR_BAD_SHAPE, NULL},
		{GW_WAVEPAY_ACTIVATE, 400, wp_ok_no_deposit, GW_ST_NONE, PK_ERR_HTTP, NULL},
		/* ... 4xx without a documented body: an HTTP error */
		{GW_WAVEPAY_ACTIVATE, 404, html_404, GW_ST_NONE, PK_ERR_HTTP, ""},
		{GW_WAVEPAY_ACTIVATE, 404, "", GW_ST_NONE, PK_ERR_HTTP, ""},
		{GW_WAVEPAY_ACTIVATE, 404, "{\"status\":\"error\",\"message\":\"Not found\"}",
		 GW_ST_NONE, PK_ERR_HTTP, "Not found"},
		{GW_WAVEPAY_ACTIVATE, 429, "{\"message\":\"Too Many Attempts.\"}", GW_ST_NONE,
		 PK_ERR_HTTP, "Too Many Attempts."},
		/* ... 5xx (and 3xx, anything else) is never an answer: a fail is
		 * not a refusal, the message is kept for the cashier */
		{GW_WAVEPAY_ACTIVATE, 500, fail_dq_busy, GW_ST_NONE, PK_ERR_HTTP, "Try later"},
		{GW_WAVEPAY_ACTIVATE, 503, fail_sq_busy, GW_ST_NONE, PK_ERR_HTTP, "Try later"},
		{GW_WAVEPAY_ACTIVATE, 500, wp_activate_fail_doc, GW_ST_NONE, PK_ERR_HTTP, "MESSAGE"},
		{GW_WAVEPAY_ACTIVATE, 502, spec_wp_possible, GW_ST_NONE, PK_ERR_HTTP,
		 "Transaction not found. Possible transaction created"},
		{GW_WAVEPAY_ACTIVATE, 500, spec_wp_pending, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 500, wp_ok_credited, GW_ST_NONE, PK_ERR_HTTP, ""},
		{GW_WAVEPAY_ACTIVATE, 500, "{\"message\":\"Server Error\"}", GW_ST_NONE, PK_ERR_HTTP,
		 "Server Error"},
		{GW_WAVEPAY_ACTIVATE, 302, spec_wp_possible, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 304, fail_dq_busy, GW_ST_NONE, PK_ERR_HTTP, "Try later"},
		{GW_WAVEPAY_ACTIVATE, 100, wp_ok_credited, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 600, wp_ok_credited, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, -1, fail_dq_busy, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 199, fail_dq_busy, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 300, fail_dq_busy, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 399, fail_dq_busy, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_ACTIVATE, 499, fail_dq_busy, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, NULL},
		{GW_WAVEPAY_ACTIVATE, 299, fail_dq_busy, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, NULL},
		/* UPI status */
		{GW_UPI_STATUS, 500, "{\"status\":\"success\"}", GW_ST_NONE, PK_ERR_HTTP, ""},
		{GW_UPI_STATUS, 404, "{\"status\":\"success\"}", GW_ST_SUCCESS, PK_OK, NULL},
		{GW_UPI_STATUS, 429, "{\"status\":\"processing\"}", GW_ST_PROCESSING, PK_OK, NULL},
		{GW_UPI_STATUS, 410, "{\"status\":\"failed\"}", GW_ST_FAILED, PK_OK, NULL},
		{GW_UPI_STATUS, 500, "{\"status\":\"failed\"}", GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_UPI_STATUS, 400, upi_status_fail_doc, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "MESSAGE"},
		{GW_UPI_STATUS, 503, upi_status_fail_doc, GW_ST_NONE, PK_ERR_HTTP, "MESSAGE"},
		/* not an answer of this call: the 4xx is what is left */
		{GW_UPI_STATUS, 400, spec_wp_pending, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_UPI_STATUS, 404, html_404, GW_ST_NONE, PK_ERR_HTTP, ""},
		/* UPI create */
		{GW_UPI_CREATE, 201, spec_upi_ok, GW_ST_OK, PK_OK, NULL},
		{GW_UPI_CREATE, 422, spec_upi_ok, GW_ST_OK, PK_OK, NULL},
		{GW_UPI_CREATE, 500, spec_upi_ok, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_UPI_CREATE, 404, "{\"status\":\"ok\",\"data\":{\"order_id\":\"a1\"}}", GW_ST_NONE,
		 PK_ERR_HTTP, NULL},
		{GW_UPI_CREATE, 422, upi_create_fail_doc, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "MESSAGE"},
		{GW_UPI_CREATE, 504, upi_create_fail_doc, GW_ST_NONE, PK_ERR_HTTP, "MESSAGE"},
		/* Wavepay create */
		{GW_WAVEPAY_CREATE, 400, spec_wp_create_ok, GW_ST_OK, PK_OK, NULL},
		{GW_WAVEPAY_CREATE, 500, spec_wp_create_ok, GW_ST_NONE, PK_ERR_HTTP, NULL},
		{GW_WAVEPAY_CREATE, 401, wp_create_fail_doc, GW_ST_FAIL, PK_ERR_GATEWAY_FAIL, "MESSAGE"},
		{GW_WAVEPAY_CREATE, 500, wp_create_fail_doc, GW_ST_NONE, PK_ERR_HTTP, "MESSAGE"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gw_result r;
		gw_result_init(&r, cases[i].call);
		parse(&r, cases[i].call, cases[i].body, cases[i].http,
		      cases[i].call == GW_WAVEPAY_ACTIVATE || cases[i].call == GW_WAVEPAY_CREATE
			      ? PK_CUR_MMK
			      : PK_CUR_INR);
		if (r.status != cases[i].st || r.err.kind != cases[i].kind)
			fail_msg("case %zu (HTTP %ld): status %d kind %s, want %d %s", i,
				 cases[i].http, (int)r.status, pk_err_kind_name(r.err.kind),
				 (int)cases[i].st, pk_err_kind_name(cases[i].kind));
		assert_int_equal(r.http_code, cases[i].http);
		if (cases[i].msg)
			assert_string_equal(r.message, cases[i].msg);
		if (r.status == GW_ST_NONE) {
			/* nothing of a body that was not the answer is kept */
			assert_null(r.qr_data);
			assert_string_equal(r.order_id, "");
			assert_string_equal(r.identifier, "");
			assert_false(r.has_deposit_amount);
		}
		if (r.err.kind == PK_ERR_HTTP) {
			char want[64];
			snprintf(want, sizeof want, "The gateway answered with an error (HTTP %ld)",
				 cases[i].http);
			assert_int_equal(r.err.code, cases[i].http);
			assert_string_equal(r.err.msg, want);
		}
		if (r.status == GW_ST_OK && cases[i].call == GW_UPI_CREATE) {
			assert_string_equal(r.qr_data, doc_qr_data);
			assert_string_equal(r.order_id, "6a12ce38b3164c53");
		}
		if (r.status == GW_ST_OK && cases[i].call == GW_WAVEPAY_ACTIVATE) {
			assert_true(r.has_deposit_amount);
			assert_int_equal(r.deposit_amount, 5000);
		}
		if (r.status == GW_ST_OK && cases[i].call == GW_WAVEPAY_CREATE)
			assert_string_equal(r.identifier, "324342342");
		gw_result_free(&r);
	}
}

/* ---- untrusted messages -------------------------------------------------- */

static int valid_utf8_no_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
				      : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (len == 0 || (len == 1 && (*p < 0x20 || *p == 0x7F)))
			return 0;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += len;
	}
	return 1;
}

static void hostile_messages(void **state)
{
	(void)state;
	gw_result r;
	gw_result_init(&r, GW_WAVEPAY_ACTIVATE);
	/* terminal escapes, newlines, C1 controls, bidi override, bad UTF-8 */
	parse(&r, GW_WAVEPAY_ACTIVATE,
	      "{\"status\":\"pending\",\"message\":\"\\u001b[2J\\u001b]0;pwned\\u0007Wait\\r\\n"
	      "\\tplease\\u0085 \\u202Eok\\u0000hidden\"}",
	      200, PK_CUR_MMK);
	assert_int_equal(r.status, GW_ST_PENDING);
	assert_true(valid_utf8_no_controls(r.message));
	assert_null(strchr(r.message, '\x1b'));
	assert_non_null(strstr(r.message, "Wait please"));
	assert_null(strstr(r.message, "\xE2\x80\xAE"));
	parse(&r, GW_WAVEPAY_ACTIVATE, "{'status': 'fail', 'message': 'bad \xff\xfe bytes\x1b[0m'}",
	      200, PK_CUR_MMK);
	assert_fail(&r, "bad bytes [0m");
	assert_true(valid_utf8_no_controls(r.err.msg));

	/* a huge message (Burmese, 3 bytes a letter) is capped on a letter */
	size_t n = 100000;
	char *body = malloc(n + 64);
	assert_non_null(body);
	strcpy(body, "{\"status\":\"fail\",\"message\":\"");
	size_t o = strlen(body);
	while (o + 3 < n) {
		memcpy(body + o, "\xE1\x80\x80", 3); /* U+1000 MYANMAR LETTER KA */
		o += 3;
	}
	strcpy(body + o, "\"}");
	parse(&r, GW_WAVEPAY_ACTIVATE, body, 200, PK_CUR_MMK);
	assert_int_equal(r.status, GW_ST_FAIL);
	assert_true(strlen(r.message) <= GW_MSG_MAX - 1);
	assert_true(strlen(r.message) > GW_MSG_MAX - 4);
	assert_int_equal(strlen(r.message) % 3, 0);
	assert_true(valid_utf8_no_controls(r.message));
	assert_true(valid_utf8_no_controls(r.err.msg));
	assert_true(strlen(r.err.msg) < PK_ERR_MSG_MAX);
	/* the same in single quotes, as a refusal (4xx) */
	body[0] = '{';
	for (char *p = body; *p; p++)
		if (*p == '"')
			*p = '\'';
	parse(&r, GW_WAVEPAY_ACTIVATE, body, 400, PK_CUR_MMK);
	assert_int_equal(r.status, GW_ST_FAIL);
	assert_true(strlen(r.message) <= GW_MSG_MAX - 1);
	assert_true(valid_utf8_no_controls(r.message));
	assert_true(valid_utf8_no_controls(r.err.msg));
	/* and with a server error: no answer, but the message is kept, capped */
	parse(&r, GW_WAVEPAY_ACTIVATE, body, 500, PK_CUR_MMK);
	assert_int_equal(r.status, GW_ST_NONE);
	assert_int_equal(r.err.kind, PK_ERR_HTTP);
	assert_true(strlen(r.message) <= GW_MSG_MAX - 1);
	assert_true(strlen(r.message) > GW_MSG_MAX - 4);
	assert_true(valid_utf8_no_controls(r.message));
	free(body);
	gw_result_free(&r);
}

static void clean_text_edges(void **state)
{
	(void)state;
	char out[8];
	gw_clean_text(out, sizeof out, "  a\n\n b ", 8);
	assert_string_equal(out, "a b");
	gw_clean_text(out, sizeof out, "abcdefghij", 10);
	assert_string_equal(out, "abcdefg");
	gw_clean_text(out, sizeof out, "ab\xE1\x80\x80\xE1\x80\x80", 8); /* 2 + 3 + 3 > 7 */
	assert_string_equal(out, "ab\xE1\x80\x80");
	gw_clean_text(out, sizeof out, "\xC0\xAF\xED\xA0\x80x", 6); /* overlong, surrogate */
	assert_string_equal(out, "x");
	char cut[] = "ok \xE1\x80";
	gw_utf8_trim_tail(cut);
	assert_string_equal(cut, "ok ");
	char whole[] = "ok \xE1\x80\x80";
	gw_utf8_trim_tail(whole);
	assert_string_equal(whole, "ok \xE1\x80\x80");
}

/* The body is bytes with a length, not a C string. */
static void length_not_terminator(void **state)
{
	(void)state;
	static const char buf[] = "{\"status\":\"success\"}GARBAGE";
	gw_result r;
	gw_result_init(&r, GW_UPI_STATUS);
	gw_parse_response(GW_UPI_STATUS, buf, 20, 200, PK_CUR_INR, &r);
	assert_int_equal(r.status, GW_ST_SUCCESS);
	gw_parse_response(GW_UPI_STATUS, buf, 19, 200, PK_CUR_INR, &r);
	assert_not_understood(&r, PK_ERR_NOT_JSON);
	/* a NUL inside the body is not the end of it */
	static const char nul[] = "{\"status\":\"success\"}\0{\"x\":1}";
	gw_parse_response(GW_UPI_STATUS, nul, sizeof nul - 1, 200, PK_CUR_INR, &r);
	assert_int_equal(r.status, GW_ST_NONE);
	gw_result_free(&r);
}

/* Mangled answers (bytes flipped, cut short) never crash (ASan/UBSan),
 * and every result keeps the promises the sale flow relies on. */
static void mangled_answers(void **state)
{
	(void)state;
	static const struct {
		gw_call call;
		const char *body;
	} seeds[] = {
		{GW_UPI_CREATE, spec_upi_ok},
		{GW_UPI_CREATE, upi_create_fail_doc},
		{GW_WAVEPAY_ACTIVATE, wp_activate_ok_doc},
		{GW_WAVEPAY_ACTIVATE, wp_activate_pending_doc},
		{GW_WAVEPAY_CREATE, wp_create_ok_doc},
		{GW_UPI_STATUS, upi_status_processing_doc},
	};
	static const char alphabet[] = "{}[]\"':,\\ \n\x01\xC2\xA0\xFFu0a9.-e";
	unsigned long long rng = 0x9E3779B97F4A7C15ull;
	char buf[4096];
	int ok_seen = 0, none_seen = 0;
	for (int iter = 0; iter < 6000; iter++) {
		size_t si = (size_t)iter % (sizeof seeds / sizeof seeds[0]);
		size_t n = strlen(seeds[si].body);
		if (n >= sizeof buf)
			n = sizeof buf - 1;
		memcpy(buf, seeds[si].body, n);
		int edits = 1 + iter % 4;
		for (int k = 0; k < edits; k++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			size_t pos = (size_t)(rng >> 33) % n;
			char ch = alphabet[(rng >> 13) % (sizeof alphabet - 1)];
			if ((rng >> 7) % 5 == 0)
				n = pos + 1; /* cut short */
			else
				buf[pos] = ch;
		}
		gw_result r;
		gw_result_init(&r, seeds[si].call);
		gw_parse_response(seeds[si].call, buf, n, 200, PK_CUR_INR, &r);
		assert_true(valid_utf8_no_controls(r.message));
		assert_true(valid_utf8_no_controls(r.err.msg));
		if (r.status == GW_ST_NONE) {
			assert_true(r.err.kind == PK_ERR_NOT_JSON || r.err.kind == PK_ERR_BAD_SHAPE);
			assert_null(r.qr_data);
			none_seen++;
		} else if (r.status == GW_ST_FAIL) {
			assert_int_equal(r.err.kind, PK_ERR_GATEWAY_FAIL);
		} else {
			assert_int_equal(r.err.kind, PK_OK);
			ok_seen++;
		}
		if (r.status == GW_ST_OK && seeds[si].call == GW_UPI_CREATE) {
			assert_non_null(r.qr_data);
			assert_true(strncasecmp(r.qr_data, "upi://", 6) == 0);
			assert_true(strlen(r.qr_data) <= GW_QR_DATA_MAX);
			assert_true(r.order_id[0] != '\0');
		}
		if (r.status == GW_ST_OK && seeds[si].call == GW_WAVEPAY_CREATE)
			assert_true(r.identifier[0] != '\0');
		gw_result_free(&r);
	}
	/* the mutations exercised both sides */
	assert_true(ok_seen > 100);
	assert_true(none_seen > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wavepay_create_docs),
		cmocka_unit_test(wavepay_create_wrong_shapes),
		cmocka_unit_test(wavepay_activate_docs),
		cmocka_unit_test(wavepay_activate_amounts),
		cmocka_unit_test(upi_create_docs),
		cmocka_unit_test(upi_create_wrong_shapes),
		cmocka_unit_test(upi_create_qr_length),
		cmocka_unit_test(upi_status_docs),
		cmocka_unit_test(fail_bodies),
		cmocka_unit_test(empty_and_html),
		cmocka_unit_test(http_status_vs_body),
		cmocka_unit_test(hostile_messages),
		cmocka_unit_test(clean_text_edges),
		cmocka_unit_test(length_not_terminator),
		cmocka_unit_test(mangled_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
