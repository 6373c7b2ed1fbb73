/* test_fold.c: folding for search and duplicates: Polish and other Latin
 * diacritics, Greek and Cyrillic case, keys, invalid bytes, truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/utf8.h"

static void text_is(const char *in, const char *want)
{
	size_t len = strlen(in);
	char *out = malloc(2 * len + 1);

	assert_non_null(out);
	assert_int_equal(fold_text(in, len, out, 2 * len + 1), strlen(want));
	assert_string_equal(out, want);
	free(out);
}

static void key_is(const char *in, const char *want)
{
	size_t len = strlen(in);
	char *out = malloc(2 * len + 1);

	assert_non_null(out);
	assert_int_equal(fold_key(in, len, out, 2 * len + 1), strlen(want));
	assert_string_equal(out, want);
	free(out);
}

static void polish(void **state)
{
	(void)state;
	text_is("Łódź", "lodz");
	text_is("Sławek", "slawek");
	text_is("ŻÓŁĆ", "zolc");
	text_is("zażółć gęślą jaźń", "zazolc gesla jazn");
	text_is("ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "zazolc gesla jazn");
	text_is("ąćęłńóśźż", "acelnoszz");
	text_is("ĄĆĘŁŃÓŚŹŻ", "acelnoszz");
}

static void other_latin(void **state)
{
	(void)state;
	text_is("Müller", "muller");
	text_is("Straße", "strasse");
	text_is("STRASSE", "strasse");
	text_is("Ørsted", "orsted");
	text_is("Øé", "oe");
	text_is("Æsir Œuvre", "aesir oeuvre");
	text_is("Þór", "thor");
	text_is("Ðorđe", "dorde");
	text_is("Příliš žluťoučký kůň úpěl ďábelské ódy", "prilis zlutoucky kun upel dabelske ody");
	text_is("Ťažký Ľudovít Ŕ Ĺ Ä Ô", "tazky ludovit r l a o");
	text_is("Őrült Űr", "orult ur");
	text_is("Ąžuolas Ėglė Įvykis Ųla Ūkis Ščias", "azuolas egle ivykis ula ukis scias");
	text_is("François Noël Ÿves Garçon", "francois noel yves garcon");
	text_is("ÀÁÂÃÄÅ àáâãäå ÈÉÊË ÌÍÎÏ ÒÓÔÕÖ ÙÚÛÜ Ýýÿ Ññ Çç",
		"aaaaaa aaaaaa eeee iiii ooooo uuuu yyy nn cc");
	text_is("İstanbul ığdır", "istanbul igdir");
	text_is("Ĳssel ĳs", "ijssel ijs");
	text_is("ſ ĸ ŉ Ŋŋ Ħħ Ŧŧ", "s k n nn hh tt");
	text_is("Ğ Ş Ţ Ő Ű Ŵ Ŷ", "g s t o u w y");
}

static void unchanged(void **state)
{
	(void)state;
	text_is("", "");
	text_is("abc 123 !?", "abc 123 !?");
	text_is("ABC xyz", "abc xyz");
	text_is("2×3÷4", "2×3÷4"); /* × ÷ are not letters */
	text_is("€ ¿ © ª", "€ ¿ © ª");
	text_is("日本語 😀", "日本語 😀");
	text_is("a\xC2\xA0"
		"b",
		"a b"); /* no-break space */
	text_is("\t\r\n", "\t\r\n");
	/* Combining marks are not stripped (no normalisation here). */
	text_is("e\xCC\x81", "e\xCC\x81");
}

static void greek_cyrillic(void **state)
{
	(void)state;
	text_is("ЖУК", "жук");
	text_is("Жук", "жук");
	text_is("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "абвгдежзийклмнопрстуфхцчшщъыьэюя");
	text_is("ЁЂЃЄЅІЇЈЉЊЋЌЍЎЏЀ", "ёђѓєѕіїјљњћќѝўџѐ");
	text_is("Ґ ґ Ѣ Ӂ Ӑ Ӏ", "ґ ґ ѣ ӂ ӑ ӏ");
	text_is("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", "αβγδεζηθικλμνξοπρστυφχψω");
	text_is("ΆΈΉΊΌΎΏ ΪΫ", "άέήίόύώ ϊϋ");
	text_is("ΟΔΟΣ οδος", "οδοσ οδοσ"); /* final sigma folds */
	text_is("αβγ жук", "αβγ жук");
}

static void invalid_dropped(void **state)
{
	char out[32];
	(void)state;
	assert_int_equal(fold_text("a\xFF"
				   "b",
				   3, out, sizeof(out)),
			 2);
	assert_string_equal(out, "ab");
	assert_int_equal(fold_text("\xC5"
				   "A",
				   2, out, sizeof(out)),
			 1);
	assert_string_equal(out, "a");
	assert_int_equal(fold_text("x\xC0\x80y", 4, out, sizeof(out)), 2);
	assert_string_equal(out, "xy");
	assert_int_equal(fold_text("a\0b", 3, out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(fold_text("\xED\xA0\x80", 3, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* Truncated Ł at the end of the view. */
	assert_int_equal(fold_text("L\xC5", 2, out, sizeof(out)), 1);
	assert_string_equal(out, "l");
	/* Bytes past len are not read. */
	assert_int_equal(fold_text("ABCDEF", 3, out, sizeof(out)), 3);
	assert_string_equal(out, "abc");
}

static void truncation(void **state)
{
	char out[8];
	(void)state;
	memset(out, 'X', sizeof(out));
	assert_int_equal(fold_text("abc", 3, out, 0), 0);
	assert_int_equal(out[0], 'X');
	assert_int_equal(fold_text("abc", 3, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(fold_text("abc", 3, out, 3), 2);
	assert_string_equal(out, "ab");
	/* жук is 6 bytes: with cap 4 only "ж" fits whole. */
	assert_int_equal(fold_text("ЖУК", 6, out, 4), 2);
	assert_string_equal(out, "ж");
	assert_int_equal(fold_text("ЖУК", 6, out, 5), 4);
	assert_string_equal(out, "жу");
	/* ß -> "ss" goes whole or not at all. */
	assert_int_equal(fold_text("aß", 3, out, 3), 1);
	assert_string_equal(out, "a");
	assert_int_equal(fold_text("aß", 3, out, 4), 3);
	assert_string_equal(out, "ass");
	assert_int_equal(fold_text("😀", 4, out, 4), 0);
	assert_int_equal(fold_text("😀", 4, out, 5), 4);
	assert_true(utf8_valid(out, 4));
	/* Keys: the separator and the next character fit together or stop. */
	assert_int_equal(fold_key("ab cd", 5, out, 4), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(fold_key("ab cd", 5, out, 5), 4);
	assert_string_equal(out, "ab c");
}

static void keys(void **state)
{
	(void)state;
	key_is("  Kowalska-Nowak,  Anna ", "kowalska nowak anna");
	key_is("Łódź", "lodz");
	key_is("ul. Żółta 12/3", "ul zolta 12 3");
	key_is("", "");
	key_is("   ", "");
	key_is("--!!--", "");
	key_is("a", "a");
	key_is("..a..", "a");
	key_is("O'Brien", "o brien");
	key_is("Jean-Luc\tPicard\r\n", "jean luc picard");
	key_is("Иван Петров", "иван петров");
	key_is("a×b", "a×b");
	key_is("Anna\xC2\xA0Nowak", "anna nowak");
	key_is("Straße 5", "strasse 5");
	key_is("a\x01"
	       "b\x7F"
	       "c",
	       "a b c");
	key_is("a\xFF b", "a b");
	key_is("a\xFF"
	       "b",
	       "ab");
}

/* Every code point below U+0800 folds to valid UTF-8 no longer than itself,
 * and folding is idempotent. */
static void all_two_byte(void **state)
{
	(void)state;
	for (uint32_t c = 1; c < 0x800; c++) {
		char in[2], out[8], again[8];
		size_t n = 0, k;

		if (c < 0x80) {
			in[n++] = (char)c;
		} else {
			in[n++] = (char)(0xC0 | c >> 6);
			in[n++] = (char)(0x80 | (c & 0x3F));
		}
		k = fold_text(in, n, out, sizeof(out));
		assert_true(k >= 1 && k <= n);
		assert_true(utf8_valid(out, k));
		assert_int_equal(fold_text(out, k, again, sizeof(again)), k);
		assert_memory_equal(out, again, k);
		k = fold_key(in, n, out, sizeof(out));
		assert_true(k <= n);
		assert_true(utf8_valid(out, k));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(polish),
		cmocka_unit_test(other_latin),
		cmocka_unit_test(unchanged),
		cmocka_unit_test(greek_cyrillic),
		cmocka_unit_test(invalid_dropped),
		cmocka_unit_test(truncation),
		cmocka_unit_test(keys),
		cmocka_unit_test(all_two_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
