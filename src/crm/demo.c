/* demo.c: `kontakt demo`: realistic, deterministic Polish sample data
 * (departments, users, companies, contacts), written straight through the
 * db API in large transactions, each row exactly as the record engine would
 * store it, with its search document from record_search_doc.  Deliberately
 * not here: history rows (the engine's per-record work is what a million
 * rows cannot afford), activities, custom field values. */
#include "crm/demo.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/fold.h"
#include "core/isotime.h"
#include "core/log.h"
#include "crm/entities.h"
#include "crm/password.h"
#include "db/db.h"
#include "model/record.h"

/* clang-format off */
#define DEMO_PASSWORD "demo-password-1"
#define DEMO_USER_DOMAIN "kontakt-demo.example"   /* reserved TLD: no reminder reaches anyone */
#define DEMO_BASE 1767225600                    /* 2026-01-01T00:00:00Z: no clock is read */
#define DAY 86400
#define CHUNK 10000                             /* rows per transaction */
#define PROGRESS_EVERY 100000
#define RING 1024                               /* recent contacts a near-duplicate copies */
#define HSET_MAX_SLOTS (1u << 23)               /* 64 MiB of phone and e-mail hashes at most */
#define NDEPTS 5
/* clang-format on */

/* ---- a small deterministic PRNG: xoshiro256** seeded by splitmix64 -- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* rng_below: uniform in [0, n) (multiply-shift; n > 0). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* rng_permille: true with probability pm / 1000. */
static bool rng_permille(struct rng *r, uint32_t pm)
{
	return rng_below(r, 1000) < pm;
}

/* ---- weighted tables ------------------------------------------------ */

/* An entry of a weighted list; x is an extra (a city's area code). */
struct item {
	const char *s;
	uint32_t w;
	const char *x;
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
/* First names by rough frequency among living Poles (thousands). */
static const struct item FEMALE[] = {
	{"Anna", 1000, 0}, {"Maria", 700, 0}, {"Katarzyna", 580, 0}, {"Małgorzata", 540, 0},
	{"Agnieszka", 470, 0}, {"Barbara", 430, 0}, {"Ewa", 420, 0}, {"Krystyna", 360, 0},
	{"Elżbieta", 350, 0}, {"Magdalena", 350, 0}, {"Joanna", 340, 0}, {"Zofia", 310, 0},
	{"Aleksandra", 270, 0}, {"Monika", 270, 0}, {"Teresa", 260, 0}, {"Danuta", 250, 0},
	{"Natalia", 240, 0}, {"Julia", 240, 0}, {"Karolina", 230, 0}, {"Marta", 230, 0},
	{"Beata", 230, 0}, {"Dorota", 220, 0}, {"Halina", 210, 0}, {"Jadwiga", 200, 0},
	{"Janina", 200, 0}, {"Alicja", 190, 0}, {"Jolanta", 190, 0}, {"Iwona", 190, 0},
	{"Grażyna", 180, 0}, {"Paulina", 170, 0}, {"Justyna", 170, 0}, {"Zuzanna", 170, 0},
	{"Irena", 170, 0}, {"Bożena", 160, 0}, {"Urszula", 160, 0}, {"Renata", 150, 0},
	{"Hanna", 150, 0}, {"Agata", 150, 0}, {"Sylwia", 145, 0}, {"Patrycja", 140, 0},
	{"Helena", 135, 0}, {"Maja", 130, 0}, {"Wiktoria", 130, 0}, {"Emilia", 125, 0},
	{"Izabela", 120, 0}, {"Kamila", 120, 0}, {"Weronika", 115, 0}, {"Ewelina", 110, 0},
	{"Martyna", 110, 0}, {"Lena", 105, 0}, {"Oliwia", 100, 0}, {"Dominika", 100, 0},
	{"Marzena", 95, 0}, {"Wanda", 90, 0}, {"Stanisława", 85, 0}, {"Gabriela", 80, 0},
	{"Amelia", 75, 0}, {"Kinga", 70, 0}, {"Edyta", 70, 0}, {"Anita", 60, 0},
	{"Mirosława", 55, 0}, {"Wiesława", 55, 0}, {"Lidia", 50, 0}, {"Łucja", 40, 0},
	{"Sandra", 40, 0}, {"Laura", 35, 0}, {"Genowefa", 30, 0}, {"Żaneta", 25, 0},
	{"Bogumiła", 20, 0}, {"Róża", 15, 0},
};

static const struct item MALE[] = {
	{"Piotr", 700, 0}, {"Krzysztof", 650, 0}, {"Andrzej", 600, 0}, {"Tomasz", 540, 0},
	{"Paweł", 500, 0}, {"Jan", 480, 0}, {"Michał", 470, 0}, {"Marcin", 440, 0},
	{"Stanisław", 330, 0}, {"Jakub", 330, 0}, {"Adam", 320, 0}, {"Marek", 310, 0},
	{"Łukasz", 310, 0}, {"Grzegorz", 300, 0}, {"Mateusz", 300, 0}, {"Wojciech", 280, 0},
	{"Mariusz", 270, 0}, {"Dariusz", 260, 0}, {"Zbigniew", 240, 0}, {"Jerzy", 230, 0},
	{"Maciej", 230, 0}, {"Rafał", 220, 0}, {"Robert", 210, 0}, {"Kamil", 200, 0},
	{"Józef", 200, 0}, {"Janusz", 190, 0}, {"Dawid", 190, 0}, {"Jacek", 180, 0},
	{"Tadeusz", 170, 0}, {"Ryszard", 170, 0}, {"Szymon", 160, 0}, {"Kacper", 150, 0},
	{"Przemysław", 140, 0}, {"Sebastian", 140, 0}, {"Daniel", 135, 0}, {"Wiesław", 130, 0},
	{"Artur", 130, 0}, {"Roman", 120, 0}, {"Mirosław", 115, 0}, {"Henryk", 110, 0},
	{"Sławomir", 105, 0}, {"Bartosz", 100, 0}, {"Damian", 100, 0}, {"Filip", 95, 0},
	{"Kazimierz", 90, 0}, {"Patryk", 90, 0}, {"Zdzisław", 80, 0}, {"Arkadiusz", 80, 0},
	{"Karol", 80, 0}, {"Antoni", 75, 0}, {"Leszek", 70, 0}, {"Jarosław", 70, 0},
	{"Hubert", 60, 0}, {"Dominik", 60, 0}, {"Edward", 60, 0}, {"Bogdan", 60, 0},
	{"Waldemar", 60, 0}, {"Radosław", 60, 0}, {"Aleksander", 55, 0}, {"Franciszek", 50, 0},
	{"Wiktor", 45, 0}, {"Igor", 40, 0}, {"Bogusław", 40, 0}, {"Czesław", 40, 0},
	{"Zenon", 25, 0}, {"Ignacy", 20, 0}, {"Lech", 20, 0},
};

/* Surnames in the masculine form; feminine() derives the other. */
static const struct item SURNAMES[] = {
	{"Nowak", 200, 0}, {"Kowalski", 140, 0}, {"Wiśniewski", 110, 0}, {"Wójcik", 100, 0},
	{"Kowalczyk", 99, 0}, {"Kamiński", 95, 0}, {"Lewandowski", 93, 0}, {"Zieliński", 91, 0},
	{"Szymański", 89, 0}, {"Woźniak", 89, 0}, {"Dąbrowski", 87, 0}, {"Kozłowski", 76, 0},
	{"Jankowski", 69, 0}, {"Mazur", 68, 0}, {"Wojciechowski", 67, 0}, {"Kwiatkowski", 67, 0},
	{"Krawczyk", 64, 0}, {"Kaczmarek", 63, 0}, {"Piotrowski", 61, 0}, {"Grabowski", 58, 0},
	{"Zając", 56, 0}, {"Pawłowski", 55, 0}, {"Michalski", 54, 0}, {"Król", 53, 0},
	{"Wieczorek", 51, 0}, {"Jabłoński", 51, 0}, {"Wróbel", 51, 0}, {"Nowakowski", 51, 0},
	{"Majewski", 49, 0}, {"Olszewski", 48, 0}, {"Stępień", 47, 0}, {"Malinowski", 47, 0},
	{"Jaworski", 47, 0}, {"Adamczyk", 46, 0}, {"Dudek", 45, 0}, {"Nowicki", 45, 0},
	{"Pawlak", 45, 0}, {"Górski", 44, 0}, {"Witkowski", 44, 0}, {"Walczak", 43, 0},
	{"Sikora", 43, 0}, {"Baran", 43, 0}, {"Rutkowski", 42, 0}, {"Michalak", 42, 0},
	{"Szewczyk", 41, 0}, {"Ostrowski", 41, 0}, {"Tomaszewski", 40, 0}, {"Pietrzak", 40, 0},
	{"Zalewski", 39, 0}, {"Wróblewski", 39, 0}, {"Marciniak", 38, 0}, {"Jasiński", 38, 0},
	{"Zawadzki", 38, 0}, {"Bąk", 38, 0}, {"Jakubowski", 37, 0}, {"Sadowski", 37, 0},
	{"Duda", 37, 0}, {"Włodarczyk", 36, 0}, {"Wilk", 36, 0}, {"Chmielewski", 35, 0},
	{"Borkowski", 35, 0}, {"Sokołowski", 35, 0}, {"Szczepański", 35, 0}, {"Sawicki", 34, 0},
	{"Lis", 34, 0}, {"Kucharski", 34, 0}, {"Mazurek", 34, 0}, {"Kalinowski", 33, 0},
	{"Wysocki", 33, 0}, {"Adamski", 33, 0}, {"Kaźmierczak", 32, 0}, {"Wasilewski", 32, 0},
	{"Sobczak", 32, 0}, {"Czerwiński", 32, 0}, {"Andrzejewski", 31, 0}, {"Cieślak", 31, 0},
	{"Głowacki", 31, 0}, {"Zakrzewski", 30, 0}, {"Kołodziej", 30, 0}, {"Sikorski", 30, 0},
	{"Krajewski", 29, 0}, {"Gajewski", 29, 0}, {"Szymczak", 29, 0}, {"Szulc", 29, 0},
	{"Baranowski", 28, 0}, {"Laskowski", 28, 0}, {"Brzeziński", 28, 0}, {"Makowski", 28, 0},
	{"Ziółkowski", 28, 0}, {"Przybylski", 28, 0}, {"Domański", 27, 0}, {"Nowacki", 27, 0},
	{"Borowski", 27, 0}, {"Błaszczyk", 27, 0}, {"Chojnacki", 27, 0}, {"Ciesielski", 27, 0},
	{"Mróz", 27, 0}, {"Szczepaniak", 26, 0}, {"Wesołowski", 26, 0}, {"Górecki", 26, 0},
	{"Krupa", 26, 0}, {"Kaczmarczyk", 26, 0}, {"Leszczyński", 26, 0}, {"Lipiński", 25, 0},
	{"Kowalewski", 25, 0}, {"Urbański", 25, 0}, {"Kozak", 25, 0}, {"Kania", 25, 0},
	{"Mikołajczyk", 25, 0}, {"Czarnecki", 24, 0}, {"Kubiak", 24, 0}, {"Tomczak", 24, 0},
	{"Sowa", 23, 0}, {"Kołodziejczyk", 23, 0}, {"Marczak", 22, 0}, {"Jakubiak", 22, 0},
	{"Żak", 20, 0}, {"Łuczak", 20, 0}, {"Kurek", 20, 0}, {"Sobczyk", 20, 0},
	{"Dziedzic", 19, 0}, {"Kowal", 19, 0}, {"Gołębiowski", 18, 0}, {"Żukowski", 18, 0},
	{"Śliwiński", 17, 0}, {"Łukasik", 17, 0}, {"Piątek", 17, 0}, {"Świątek", 16, 0},
	{"Żurawski", 15, 0}, {"Łapiński", 14, 0}, {"Ślęzak", 12, 0}, {"Ćwiek", 12, 0},
	{"Źródłowski", 6, 0}, {"Żmuda", 9, 0}, {"Ściborowski", 5, 0}, {"Gąsior", 14, 0},
	{"Bielecki", 16, 0}, {"Rogalski", 15, 0}, {"Kasprzak", 18, 0}, {"Kubacki", 8, 0},
	{"Czarny", 10, 0}, {"Biały", 8, 0}, {"Wesoły", 4, 0}, {"Kmieć", 9, 0},
	{"Pająk", 12, 0}, {"Grzelak", 14, 0}, {"Bednarek", 15, 0}, {"Wawrzyniak", 13, 0},
	{"Kędzierski", 11, 0}, {"Jędrzejewski", 12, 0}, {"Wrona", 13, 0}, {"Orłowski", 16, 0},
	{"Pietrzyk", 14, 0}, {"Sarnowski", 7, 0}, {"Dębski", 9, 0}, {"Szostak", 12, 0},
};

/* Cities by population (thousands); x is the landline area code. */
static const struct item CITIES[] = {
	{"Warszawa", 1860, "22"}, {"Kraków", 800, "12"}, {"Wrocław", 674, "71"},
	{"Łódź", 658, "42"}, {"Poznań", 540, "61"}, {"Gdańsk", 486, "58"},
	{"Szczecin", 391, "91"}, {"Lublin", 334, "81"}, {"Bydgoszcz", 330, "52"},
	{"Białystok", 294, "85"}, {"Katowice", 286, "32"}, {"Gdynia", 244, "58"},
	{"Częstochowa", 207, "34"}, {"Radom", 202, "48"}, {"Rzeszów", 198, "17"},
	{"Toruń", 196, "56"}, {"Sosnowiec", 194, "32"}, {"Kielce", 187, "41"},
	{"Gliwice", 175, "32"}, {"Olsztyn", 170, "89"}, {"Bielsko-Biała", 168, "33"},
	{"Bytom", 160, "32"}, {"Zabrze", 157, "32"}, {"Zielona Góra", 139, "68"},
	{"Rybnik", 136, "32"}, {"Ruda Śląska", 134, "32"}, {"Opole", 127, "77"},
	{"Tychy", 126, "32"}, {"Gorzów Wielkopolski", 121, "95"}, {"Dąbrowa Górnicza", 118, "32"},
	{"Elbląg", 117, "55"}, {"Płock", 117, "24"}, {"Wałbrzych", 110, "74"},
	{"Tarnów", 107, "14"}, {"Włocławek", 106, "54"}, {"Koszalin", 106, "94"},
	{"Chorzów", 105, "32"}, {"Kalisz", 99, "62"}, {"Legnica", 98, "76"},
	{"Grudziądz", 93, "56"}, {"Jaworzno", 90, "32"}, {"Słupsk", 90, "59"},
	{"Jastrzębie-Zdrój", 87, "32"}, {"Nowy Sącz", 83, "18"}, {"Jelenia Góra", 78, "75"},
	{"Siedlce", 77, "25"}, {"Mysłowice", 74, "32"}, {"Konin", 72, "63"},
	{"Piła", 72, "67"}, {"Piotrków Trybunalski", 71, "44"}, {"Inowrocław", 71, "52"},
	{"Lubin", 71, "76"}, {"Ostrów Wielkopolski", 71, "62"}, {"Suwałki", 69, "87"},
	{"Stargard", 67, "91"}, {"Gniezno", 67, "61"}, {"Głogów", 66, "76"},
	{"Pruszków", 62, "22"}, {"Zamość", 62, "84"}, {"Łomża", 62, "86"},
	{"Żory", 62, "32"}, {"Leszno", 62, "65"}, {"Ełk", 61, "87"},
	{"Tomaszów Mazowiecki", 61, "44"}, {"Chełm", 60, "82"}, {"Mielec", 60, "17"},
	{"Tczew", 60, "58"}, {"Przemyśl", 58, "16"}, {"Ostrołęka", 51, "29"},
	{"Kołobrzeg", 46, "94"}, {"Puławy", 46, "81"}, {"Kutno", 43, "24"},
	{"Świnoujście", 40, "91"}, {"Żyrardów", 40, "46"}, {"Sopot", 35, "58"},
	{"Sanok", 37, "13"}, {"Zakopane", 27, "18"},
};

static const struct item STREETS[] = {
	{"ul. Mickiewicza", 30, 0}, {"ul. Kościuszki", 28, 0}, {"ul. Słowackiego", 25, 0},
	{"ul. Sienkiewicza", 25, 0}, {"ul. Piłsudskiego", 22, 0}, {"ul. Kwiatowa", 20, 0},
	{"ul. Polna", 20, 0}, {"ul. Leśna", 20, 0}, {"ul. Słoneczna", 18, 0},
	{"ul. Krótka", 16, 0}, {"ul. Szkolna", 18, 0}, {"ul. Ogrodowa", 18, 0},
	{"ul. Lipowa", 17, 0}, {"ul. Łąkowa", 15, 0}, {"ul. Brzozowa", 15, 0},
	{"ul. Kolejowa", 14, 0}, {"ul. Długa", 12, 0}, {"ul. Wiejska", 12, 0},
	{"ul. Reymonta", 12, 0}, {"ul. Żeromskiego", 14, 0}, {"ul. Kopernika", 15, 0},
	{"ul. Jana Pawła II", 14, 0}, {"ul. 3 Maja", 14, 0}, {"ul. Piotrkowska", 8, 0},
	{"al. Jerozolimskie", 5, 0}, {"ul. Marszałkowska", 5, 0}, {"ul. Grunwaldzka", 12, 0},
	{"ul. Wrocławska", 10, 0}, {"ul. Zielona", 14, 0}, {"ul. Sportowa", 10, 0},
	{"ul. Parkowa", 12, 0}, {"ul. Chopina", 13, 0}, {"ul. Konopnickiej", 13, 0},
	{"ul. Batorego", 10, 0}, {"ul. Wyszyńskiego", 10, 0}, {"ul. Żwirki i Wigury", 8, 0},
	{"ul. Świętokrzyska", 6, 0}, {"ul. Dąbrowskiego", 10, 0}, {"ul. Prusa", 10, 0},
	{"ul. Moniuszki", 11, 0}, {"ul. Kasprowicza", 8, 0}, {"ul. Narutowicza", 9, 0},
	{"ul. Okrzei", 6, 0}, {"ul. Źródlana", 5, 0}, {"ul. Jaśminowa", 7, 0},
	{"ul. Różana", 9, 0}, {"ul. Wspólna", 7, 0}, {"os. Bolesława Chrobrego", 4, 0},
	{"pl. Wolności", 4, 0}, {"al. Niepodległości", 6, 0}, {"ul. Ślężna", 3, 0},
};

/* Free mail providers by rough share among Polish private addresses. */
static const struct item MAIL_DOMAINS[] = {
	{"gmail.com", 350, 0}, {"wp.pl", 200, 0}, {"onet.pl", 150, 0}, {"interia.pl", 100, 0},
	{"o2.pl", 80, 0}, {"op.pl", 40, 0}, {"outlook.com", 30, 0}, {"poczta.fm", 20, 0},
	{"tlen.pl", 15, 0}, {"yahoo.com", 10, 0}, {"vp.pl", 5, 0},
};

static const char *const MOBILE_PREFIXES[] = {
	"50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88",
};

/* Kinds of business, from the offices Kontakt is made for. */
static const struct item BUSINESS[] = {
	{"Biuro Podróży", 60, 0}, {"Szkoła Językowa", 50, 0}, {"Biuro Rachunkowe", 60, 0},
	{"Agencja Nieruchomości", 50, 0}, {"Kancelaria Prawna", 25, 0},
	{"Kancelaria Notarialna", 10, 0}, {"Hurtownia", 30, 0},
	{"Przedsiębiorstwo Handlowo-Usługowe", 35, 0}, {"Zakład Stolarski", 10, 0},
	{"Studio Projektowe", 15, 0}, {"Gabinet Stomatologiczny", 20, 0},
	{"Centrum Medyczne", 15, 0}, {"Firma Budowlana", 30, 0}, {"Drukarnia", 10, 0},
	{"Piekarnia", 12, 0}, {"Auto Serwis", 20, 0}, {"Salon Fryzjerski", 15, 0},
	{"Pracownia Architektoniczna", 8, 0}, {"Agencja Reklamowa", 15, 0},
	{"Centrum Szkoleniowe", 15, 0}, {"Biuro Ubezpieczeń", 15, 0},
	{"Transport i Spedycja", 20, 0}, {"Hotel", 10, 0}, {"Pensjonat", 10, 0},
	{"Restauracja", 15, 0}, {"Kwiaciarnia", 6, 0}, {"Przedszkole Niepubliczne", 8, 0},
	{"Klinika Weterynaryjna", 8, 0}, {"Usługi Informatyczne", 20, 0},
};

static const struct item BRANDS[] = {
	{"Słoneczny Brzeg", 1, 0}, {"Lingua", 1, 0}, {"Horyzont", 1, 0}, {"Kompas", 1, 0},
	{"Atlas", 1, 0}, {"Bursztyn", 1, 0}, {"Jantar", 1, 0}, {"Perła", 1, 0},
	{"Złoty Kłos", 1, 0}, {"Pod Lipami", 1, 0}, {"Pod Dębem", 1, 0}, {"Mazowsze", 1, 0},
	{"Wisła", 1, 0}, {"Tatry", 1, 0}, {"Karkonosze", 1, 0}, {"Mazury", 1, 0},
	{"Bałtyk", 1, 0}, {"Orzeł", 1, 0}, {"Sokół", 1, 0}, {"Żuraw", 1, 0},
	{"Jaskółka", 1, 0}, {"Stokrotka", 1, 0}, {"Konwalia", 1, 0}, {"Zorza", 1, 0},
	{"Promyk", 1, 0}, {"Rubin", 1, 0}, {"Szafir", 1, 0}, {"Ametyst", 1, 0},
	{"Optima", 1, 0}, {"Lider", 1, 0}, {"Progres", 1, 0}, {"Delta", 1, 0},
	{"Omega", 1, 0}, {"Alfa", 1, 0}, {"Nova", 1, 0}, {"Prima", 1, 0},
	{"Magnolia", 1, 0}, {"Kasztan", 1, 0}, {"Jarzębina", 1, 0}, {"Leśny Zakątek", 1, 0},
	{"Zielony Ogród", 1, 0}, {"Stary Młyn", 1, 0}, {"Nad Zalewem", 1, 0}, {"Polonia", 1, 0},
	{"Wawel", 1, 0}, {"Neptun", 1, 0}, {"Merkury", 1, 0}, {"Gwiazda", 1, 0},
	{"Tęcza", 1, 0}, {"Wiking", 1, 0}, {"Pegaz", 1, 0}, {"Feniks", 1, 0},
	{"Iskra", 1, 0}, {"Eko-Dom", 1, 0}, {"Bud-Mar", 1, 0}, {"Pol-Trans", 1, 0},
	{"Art-Druk", 1, 0}, {"Med-Pol", 1, 0}, {"Inter-Tour", 1, 0}, {"Euro-Lex", 1, 0},
	{"Grand", 1, 0}, {"Słonecznik", 1, 0}, {"Wrzos", 1, 0}, {"Oaza", 1, 0},
	{"Arkadia", 1, 0}, {"Panorama", 1, 0}, {"Pryzmat", 1, 0}, {"Impuls", 1, 0},
	{"Kometa", 1, 0}, {"Galaktyka", 1, 0}, {"Sezam", 1, 0}, {"Kameleon", 1, 0},
	{"Zacisze", 1, 0}, {"Żagiel", 1, 0}, {"Łabędź", 1, 0}, {"Źródło", 1, 0},
};

/* Legal forms after a company name ("" for a sole trader). */
static const struct item FORMS[] = {
	{" Sp. z o.o.", 50, 0}, {"", 15, 0}, {" s.c.", 12, 0}, {" sp.j.", 8, 0},
	{" sp.k.", 7, 0}, {" S.A.", 3, 0},
};

static const char *const TLDS[] = {".pl", ".pl", ".pl", ".com.pl", ".eu"};
static const char *const MAILBOXES[] = {"biuro", "kontakt", "info", "sekretariat", "office"};
static const char *const DEPARTMENTS[NDEPTS] = {
	"Warszawa — Centrum", "Kraków", "Gdańsk", "Wrocław", "Poznań",
};
/* clang-format on */

/* A weighted list ready to sample: cumulative weights, binary search. */
struct wtab {
	const struct item *it;
	uint32_t *cum;
	uint32_t n;
};

static kt_err wtab_init(struct wtab *t, const struct item *it, size_t n)
{
	t->it = it;
	t->n = (uint32_t)n;
	t->cum = malloc(n * sizeof *t->cum);
	if (!t->cum)
		return ERR_NOMEM;
	uint32_t sum = 0;
	for (size_t i = 0; i < n; i++)
		t->cum[i] = sum += it[i].w;
	return ERR_OK;
}

static uint32_t wtab_pick(const struct wtab *t, struct rng *r)
{
	uint32_t x = rng_below(r, t->cum[t->n - 1]), lo = 0, hi = t->n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- a set of 64-bit string hashes: what was given out already ------ */

struct hset {
	uint64_t *slot; /* 0 = empty */
	size_t mask, n, max;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

static kt_err hset_init(struct hset *h, size_t expect)
{
	size_t cap = 1024;
	while (cap < 2 * expect && cap < HSET_MAX_SLOTS)
		cap *= 2;
	h->slot = calloc(cap, sizeof *h->slot);
	h->mask = cap - 1;
	h->n = 0;
	h->max = cap / 4 * 3;
	return h->slot ? ERR_OK : ERR_NOMEM;
}

/* hset_add: false when s was already there.  Once full it accepts all. */
static bool hset_add(struct hset *h, const char *s)
{
	if (h->n >= h->max)
		return true;
	uint64_t k = fnv1a(s);
	for (size_t i = (size_t)k & h->mask;; i = (i + 1) & h->mask) {
		if (h->slot[i] == k)
			return false;
		if (!h->slot[i]) {
			h->slot[i] = k;
			h->n++;
			return true;
		}
	}
}

/* ---- text helpers --------------------------------------------------- */

/* slug: s folded to ASCII, runs of other characters turned into sep (or
 * dropped when sep is 0): "Słoneczny Brzeg" -> "slonecznybrzeg". */
static void slug(const char *s, char sep, char *out, size_t cap)
{
	char f[256];
	fold_key(s, strlen(s), f, sizeof f);
	size_t n = 0;
	for (const char *p = f; *p && n + 1 < cap; p++)
		if (*p != ' ')
			out[n++] = *p;
		else if (sep)
			out[n++] = sep;
	out[n] = '\0';
}

/* feminine: Kowalski -> Kowalska, Czarny -> Czarna, Nowak stays Nowak. */
static void feminine(const char *m, char *out, size_t cap)
{
	size_t n = strlen(m);
	snprintf(out, cap, "%s", m);
	if (n >= 3 && n < cap && ((m[n - 1] == 'i' && m[n - 2] == 'k') || m[n - 1] == 'y'))
		out[n - 1] = 'a';
}

/* unaccented: "Łukasz Wójcik" as typed without Polish letters: "Lukasz"
 * (fold_text lower-cases; the first letter of each part is raised). */
static void unaccented(const char *s, char *out, size_t cap)
{
	fold_text(s, strlen(s), out, cap);
	for (size_t i = 0; out[i]; i++)
		if ((i == 0 || out[i - 1] == '-' || out[i - 1] == ' ') && out[i] >= 'a' &&
		    out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
}

static void digits(struct rng *r, char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
}

/* ---- identifiers ---------------------------------------------------- */

static void make_nip(struct rng *r, char out[11])
{
	static const unsigned w[9] = {6, 5, 7, 2, 3, 4, 5, 6, 7};
	unsigned sum;
	do {
		out[0] = (char)('1' + rng_below(r, 9)); /* tax offices: no leading 0 */
		digits(r, out + 1, 8);
		sum = 0;
		for (int i = 0; i < 9; i++)
			sum += (unsigned)(out[i] - '0') * w[i];
	} while (sum % 11 == 10);
	out[9] = (char)('0' + sum % 11);
	out[10] = '\0';
}

static void make_regon(struct rng *r, char out[10])
{
	static const unsigned w[8] = {8, 9, 2, 3, 4, 5, 6, 7};
	unsigned voiv = 1 + 2 * rng_below(r, 16); /* 01, 03 ... 31 */
	out[0] = (char)('0' + voiv / 10);
	out[1] = (char)('0' + voiv % 10);
	digits(r, out + 2, 6);
	unsigned sum = 0;
	for (int i = 0; i < 8; i++)
		sum += (unsigned)(out[i] - '0') * w[i];
	out[8] = (char)('0' + sum % 11 % 10);
	out[9] = '\0';
}

static void make_pesel(struct rng *r, int y, unsigned m, unsigned d, bool female, char out[12])
{
	static const unsigned w[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
	unsigned mm = m + (y >= 2000 ? 20 : 0);
	unsigned v[6] = {
		(unsigned)(y % 100) / 10, (unsigned)(y % 10), mm / 10, mm % 10, d / 10, d % 10};
	for (int i = 0; i < 6; i++)
		out[i] = (char)('0' + v[i]);
	digits(r, out + 6, 3);
	out[9] = (char)('0' + 2 * rng_below(r, 5) + (female ? 0 : 1));
	unsigned sum = 0;
	for (int i = 0; i < 10; i++)
		sum += (unsigned)(out[i] - '0') * w[i];
	out[10] = (char)('0' + (10 - sum % 10) % 10);
	out[11] = '\0';
}

/* ---- the generator -------------------------------------------------- */

struct person {
	bool female;
	char first[32];
	char last[128];
};

/* A recent contact, for deliberate near-duplicates. */
struct recent {
	struct person p;
	char phone[17];
	char email[128];
	char birth[11];
	uint32_t city;
};

struct company {
	int64_t id;
	uint32_t city;
	char domain[40];
};

struct gen {
	struct rng r;
	struct db_conn *c;
	struct wtab female, male, surname, city, street, mail, business, brand, form;
	char (*fem)[48];	 /* feminine surnames, by SURNAMES index */
	struct hset seen;	 /* phones, e-mails, domains, NIPs, REGONs given out */
	int64_t owners[200];	 /* demo users: managers first */
	int64_t owner_dept[200]; /*   and their departments (0: none) */
	uint32_t nmanagers, nowners;
	struct company *comps;
	uint32_t ncomps;
	struct recent *ring;
	uint32_t nring;
	int64_t first_contact, last_contact; /* ids written by this run */
	int64_t today;   /* midnight UTC of the run's day: activities gather around it */
	json_t *doc_rec; /* the record whose search document is built */
	struct buf doc;
	int64_t done; /* companies and contacts written (commits every CHUNK) */
};

static kt_err gen_init(struct gen *g, struct db_conn *c, uint64_t seed, int64_t ncontacts)
{
	memset(g, 0, sizeof *g);
	rng_seed(&g->r, seed);
	g->c = c;
	buf_init(&g->doc, 64 * 1024);
	kt_err rc = wtab_init(&g->female, FEMALE, N_OF(FEMALE));
	if (!rc)
		rc = wtab_init(&g->male, MALE, N_OF(MALE));
	if (!rc)
		rc = wtab_init(&g->surname, SURNAMES, N_OF(SURNAMES));
	if (!rc)
		rc = wtab_init(&g->city, CITIES, N_OF(CITIES));
	if (!rc)
		rc = wtab_init(&g->street, STREETS, N_OF(STREETS));
	if (!rc)
		rc = wtab_init(&g->mail, MAIL_DOMAINS, N_OF(MAIL_DOMAINS));
	if (!rc)
		rc = wtab_init(&g->business, BUSINESS, N_OF(BUSINESS));
	if (!rc)
		rc = wtab_init(&g->brand, BRANDS, N_OF(BRANDS));
	if (!rc)
		rc = wtab_init(&g->form, FORMS, N_OF(FORMS));
	if (!rc)
		rc = hset_init(&g->seen, (size_t)ncontacts * 2 + (size_t)ncontacts / 5);
	if (rc)
		return rc;
	g->fem = malloc(N_OF(SURNAMES) * sizeof *g->fem);
	g->ring = malloc(RING * sizeof *g->ring);
	g->doc_rec = json_object();
	if (!g->fem || !g->ring || !g->doc_rec)
		return ERR_NOMEM;
	for (size_t i = 0; i < N_OF(SURNAMES); i++)
		feminine(SURNAMES[i].s, g->fem[i], sizeof g->fem[i]);
	return ERR_OK;
}

static void gen_clear(struct gen *g)
{
	struct wtab *t[] = {&g->female, &g->male,     &g->surname, &g->city, &g->street,
			    &g->mail,	&g->business, &g->brand,   &g->form};
	for (size_t i = 0; i < N_OF(t); i++)
		free(t[i]->cum);
	free(g->seen.slot);
	free(g->fem);
	free(g->ring);
	free(g->comps);
	json_decref(g->doc_rec);
	buf_clear(&g->doc);
}

static const char *surname_for(struct gen *g, uint32_t i, bool female)
{
	return female ? g->fem[i] : SURNAMES[i].s;
}

static void gen_person(struct gen *g, struct person *p)
{
	p->female = rng_permille(&g->r, 520);
	const struct wtab *ft = p->female ? &g->female : &g->male;
	snprintf(p->first, sizeof p->first, "%s", ft->it[wtab_pick(ft, &g->r)].s);
	const char *last = surname_for(g, wtab_pick(&g->surname, &g->r), p->female);
	if (p->female && rng_permille(&g->r, 20)) /* a double-barrelled married name */
		snprintf(p->last, sizeof p->last, "%s-%s", last,
			 surname_for(g, wtab_pick(&g->surname, &g->r), true));
	else
		snprintf(p->last, sizeof p->last, "%s", last);
}

/* gen_mobile: a new "+48" mobile number nobody else got. */
static void gen_mobile(struct gen *g, char out[17])
{
	do {
		char d[8];
		digits(&g->r, d, 7);
		snprintf(out, 17, "+48%s%s",
			 MOBILE_PREFIXES[rng_below(&g->r, N_OF(MOBILE_PREFIXES))], d);
	} while (!hset_add(&g->seen, out));
}

static void gen_landline(struct gen *g, const char *area, char out[17])
{
	do {
		char d[7];
		digits(&g->r, d, 6);
		snprintf(out, 17, "+48%s%c%s", area, (char)('2' + rng_below(&g->r, 8)), d);
	} while (!hset_add(&g->seen, out));
}

static void gen_address(struct gen *g, bool flat, char *out, size_t cap)
{
	const char *street = STREETS[wtab_pick(&g->street, &g->r)].s;
	unsigned house = 1 + rng_below(&g->r, rng_permille(&g->r, 700) ? 60 : 200);
	if (flat && rng_permille(&g->r, 650))
		snprintf(out, cap, "%s %u/%u", street, house, 1 + rng_below(&g->r, 80));
	else if (!flat && rng_permille(&g->r, 300))
		snprintf(out, cap, "%s %u lok. %u", street, house, 1 + rng_below(&g->r, 30));
	else
		snprintf(out, cap, "%s %u", street, house);
}

/* gen_email: a private address for p (or one at domain, for a company's
 * employee), unique within this run: a taken one is given digits. */
static void gen_email(struct gen *g, const struct person *p, int born, const char *domain,
		      char *out, size_t cap)
{
	char f[64], l[128];
	slug(p->first, '-', f, sizeof f);
	slug(p->last, '-', l, sizeof l);
	const char *dom = domain ? domain : MAIL_DOMAINS[wtab_pick(&g->mail, &g->r)].s;
	for (int attempt = 0;; attempt++) {
		uint32_t style = attempt ? 3 + rng_below(&g->r, 2) : rng_below(&g->r, 10);
		unsigned num =
			attempt < 3 ? 1 + rng_below(&g->r, 99) : 100 + rng_below(&g->r, 9900);
		if (domain && style > 2 && attempt == 0)
			style = 0;
		switch (style) {
		case 0:
		case 1:
		case 2:
			snprintf(out, cap, "%.20s.%.36s@%.40s", f, l, dom);
			break;
		case 3:
			snprintf(out, cap, "%.20s.%.36s%u@%.40s", f, l, num, dom);
			break;
		case 4:
			if (born && attempt == 0)
				snprintf(out, cap, "%.20s%02d@%.40s", f, born % 100, dom);
			else
				snprintf(out, cap, "%.20s%.36s%u@%.40s", f, l, num, dom);
			break;
		case 5:
			snprintf(out, cap, "%c.%.36s@%.40s", f[0], l, dom);
			break;
		case 6:
			snprintf(out, cap, "%.20s%.36s@%.40s", f, l, dom);
			break;
		case 7:
			snprintf(out, cap, "%.20s.%.36s@%.40s", l, f, dom);
			break;
		default:
			snprintf(out, cap, "%.20s_%.36s@%.40s", f, l, dom);
		}
		if (hset_add(&g->seen, out) || attempt >= 8)
			return;
	}
}

/* ---- writing -------------------------------------------------------- */

/* next_row: commits every CHUNK rows and starts the next transaction. */
static kt_err next_row(struct gen *g)
{
	if (++g->done % CHUNK)
		return ERR_OK;
	kt_err rc = db_commit(g->c);
	if (!rc)
		rc = db_begin(g->c, true);
	return rc;
}

static void bind_opt(struct db_stmt *s, int idx, const char *v)
{
	if (v && *v)
		db_bind_str(s, idx, v);
	else
		db_bind_null(s, idx);
}

static void doc_set(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v && *v ? json_string(v) : json_null());
}

/* index_row: the search document of the record in g->doc_rec. */
static kt_err index_row(struct gen *g, const char *table, int64_t id)
{
	buf_reset(&g->doc);
	kt_err rc = record_search_doc(entities_find(table), g->doc_rec, &g->doc);
	if (!rc)
		rc = db_search_put(g->c, table, id, buf_cstr(&g->doc));
	return rc;
}

/* step_id: runs an INSERT ... RETURNING id. */
static kt_err step_id(struct db_stmt *s, int64_t *id)
{
	kt_err rc = db_step(s);
	if (rc == ERR_ROW) {
		*id = db_col_int64(s, 0);
		rc = ERR_OK;
	} else if (rc == ERR_DONE) {
		rc = ERR_INTERNAL;
	}
	db_reset(s);
	return rc;
}

/* find_department: the live department called name; *id 0 if none. */
static kt_err find_department(struct db_conn *c, const char *name, int64_t *id)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(
		c, "SELECT id FROM departments WHERE name = ? AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, name);
	*id = 0;
	rc = db_step(s);
	if (rc == ERR_ROW)
		*id = db_col_int64(s, 0);
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

/* find_user: a user by login: id (0 if none), live, department. */
static kt_err find_user(struct db_conn *c, const char *login, int64_t *id, bool *live,
			int64_t *dept)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(
		c, "SELECT id, deleted_at IS NULL, department_id FROM users WHERE login = ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, login);
	*id = 0;
	rc = db_step(s);
	if (rc == ERR_ROW) {
		*id = db_col_int64(s, 0);
		*live = db_col_int64(s, 1) != 0;
		*dept = db_col_is_null(s, 2) ? 0 : db_col_int64(s, 2);
	}
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

static kt_err add_departments(struct gen *g, int64_t ids[NDEPTS])
{
	kt_err rc = ERR_OK;
	for (int i = 0; i < NDEPTS && !rc; i++) {
		rc = find_department(g->c, DEPARTMENTS[i], &ids[i]);
		if (rc || ids[i])
			continue;
		struct db_stmt *s;
		rc = db_prepare(
			g->c,
			"INSERT INTO departments (version, created_at, updated_at, created_by,"
			" updated_by, name) VALUES (1, ?, ?, NULL, NULL, ?) RETURNING id",
			&s);
		if (rc)
			break;
		int64_t t = DEMO_BASE - 3 * 365 * DAY + i * 3600;
		db_bind_int64(s, 1, t);
		db_bind_int64(s, 2, t);
		db_bind_str(s, 3, DEPARTMENTS[i]);
		rc = step_id(s, &ids[i]);
	}
	return rc;
}

static kt_err add_users(struct gen *g, int64_t ncontacts, const char *hash,
			const int64_t dept[NDEPTS], struct demo_stats *out)
{
	int64_t *created = &out->users;
	int64_t n = ncontacts / 2000;
	uint32_t nusers = (uint32_t)(n < 10 ? 10 : n > 200 ? 200 : n);
	char logins[200][80];
	kt_err rc = ERR_OK;
	for (uint32_t i = 0; i < nusers && !rc; i++) {
		struct person p;
		gen_person(g, &p);
		char *dash = strchr(p.last, '-');
		if (dash) /* staff keep one surname */
			*dash = '\0';
		char f[32], l[48], name[168], email[128];
		slug(p.first, '-', f, sizeof f);
		slug(p.last, '-', l, sizeof l);
		snprintf(logins[i], sizeof logins[i], "%.24s.%.40s", f, l);
		for (unsigned k = 2;; k++) {
			bool dup = false;
			for (uint32_t j = 0; j < i && !dup; j++)
				dup = strcmp(logins[j], logins[i]) == 0;
			if (!dup)
				break;
			snprintf(logins[i], sizeof logins[i], "%.24s.%.40s%u", f, l, k);
		}
		snprintf(name, sizeof name, "%s %s", p.first, p.last);
		snprintf(email, sizeof email, "%.80s@%s", logins[i], DEMO_USER_DOMAIN);
		bool manager = i < NDEPTS; /* one per department, then agents */
		const char *locale = rng_permille(&g->r, 120) ? "en" : "pl";
		int64_t t = DEMO_BASE - 3 * 365 * DAY + DAY + rng_below(&g->r, 180 * DAY);
		uint32_t d = manager ? i : rng_below(&g->r, NDEPTS);

		/* A login taken (an earlier run, a real user) is left alone. */
		int64_t id = 0, dep = dept[d];
		bool live = false;
		rc = find_user(g->c, logins[i], &id, &live, &dep);
		if (rc || (id && !live))
			continue;
		if (!id) {
			struct db_stmt *s;
			rc = db_prepare(
				g->c,
				"INSERT INTO users (version, created_at, updated_at, created_by,"
				" updated_by, login, name, email, role, department_id, time_zone,"
				" locale, active, password_hash) VALUES (1, ?, ?, NULL, NULL, ?, ?,"
				" ?, ?, ?, ?, ?, 1, ?) RETURNING id",
				&s);
			if (rc)
				break;
			db_bind_int64(s, 1, t);
			db_bind_int64(s, 2, t);
			db_bind_str(s, 3, logins[i]);
			db_bind_str(s, 4, name);
			db_bind_str(s, 5, email);
			db_bind_str(s, 6, manager ? "manager" : "agent");
			if (dep)
				db_bind_int64(s, 7, dep);
			else
				db_bind_null(s, 7);
			db_bind_str(s, 8, "Europe/Warsaw");
			db_bind_str(s, 9, locale);
			db_bind_str(s, 10, hash);
			rc = step_id(s, &id);
			if (rc)
				break;
			(*created)++;
		}
		uint32_t at = manager ? g->nmanagers++ : g->nowners;
		memmove(&g->owners[at + 1], &g->owners[at],
			(g->nowners - at) * sizeof g->owners[0]);
		memmove(&g->owner_dept[at + 1], &g->owner_dept[at],
			(g->nowners - at) * sizeof g->owner_dept[0]);
		g->owners[at] = id;
		g->owner_dept[at] = dep;
		g->nowners++;
		char *sample = manager ? out->manager : out->agent;
		if (!sample[0])
			snprintf(sample, sizeof out->manager, "%.79s", logins[i]);
	}
	return rc;
}

/* An owner, mostly an agent, and the record's department and visibility
 * as the engine sets them: the owner's department; shared with the whole
 * office unless the owner chose otherwise. */
struct owned {
	int64_t owner, dept;
	const char *visibility;
};

static void pick_owner(struct gen *g, struct owned *o)
{
	uint32_t agents = g->nowners - g->nmanagers, i = 0;
	if (agents && (!g->nmanagers || rng_permille(&g->r, 850)))
		i = g->nmanagers + rng_below(&g->r, agents);
	else if (g->nmanagers)
		i = rng_below(&g->r, g->nmanagers);
	o->owner = g->nowners ? g->owners[i] : 0;
	o->dept = g->nowners ? g->owner_dept[i] : 0;
	uint32_t v = rng_below(&g->r, 1000);
	o->visibility = v < 850 ? "company" : v < 970 ? "department" : "private";
}

static void bind_owned(struct db_stmt *s, int idx, const struct owned *o)
{
	if (o->owner)
		db_bind_int64(s, idx, o->owner);
	else
		db_bind_null(s, idx);
	db_bind_str(s, idx + 1, o->visibility);
	if (o->dept)
		db_bind_int64(s, idx + 2, o->dept);
	else
		db_bind_null(s, idx + 2);
}

/* make_domain: a domain no other demo company has: base (a slug) + tld,
 * else base-city + tld, else base2, base3... + tld; each cut to fit. */
static void make_domain(struct gen *g, const char *base, uint32_t city, const char *tld,
			char out[40])
{
	char c[48], stem[96];
	slug(CITIES[city].s, '-', c, sizeof c);
	for (unsigned k = 0;; k++) {
		if (k == 0)
			snprintf(stem, sizeof stem, "%.60s", *base ? base : "firma");
		else if (k == 1)
			snprintf(stem, sizeof stem, "%.40s-%.40s", *base ? base : "firma", c);
		else
			snprintf(stem, sizeof stem, "%.24s%u", *base ? base : "firma", k);
		size_t n = strlen(stem);
		if (n > 28)
			n = 28;
		while (n && stem[n - 1] == '-')
			n--;
		stem[n] = '\0';
		snprintf(out, 40, "%.28s%.10s", stem, tld);
		if (hset_add(&g->seen, out))
			return;
	}
}

/* gen_company_name: "Biuro Podróży Słoneczny Brzeg Sp. z o.o.",
 * "Kancelaria Nowak i Wspólnicy", "Biuro Rachunkowe Anna Kowalska"... */
static void gen_company_name(struct gen *g, uint32_t city, char *name, size_t cap, char domain[40])
{
	const char *kind = BUSINESS[wtab_pick(&g->business, &g->r)].s;
	const char *tld = TLDS[rng_below(&g->r, N_OF(TLDS))];
	uint32_t pat = rng_below(&g->r, 100);
	char a[64], b[64], base[136];
	if (pat < 55) {
		const char *brand = BRANDS[wtab_pick(&g->brand, &g->r)].s;
		snprintf(name, cap, "%s %s%s", kind, brand, FORMS[wtab_pick(&g->form, &g->r)].s);
		slug(brand, 0, base, sizeof base);
	} else if (pat < 75) {
		struct person p;
		gen_person(g, &p);
		snprintf(name, cap, "%s %s %s", kind, p.first, p.last);
		slug(p.first, 0, a, sizeof a);
		slug(p.last, '-', b, sizeof b);
		snprintf(base, sizeof base, "%c%s", a[0], b);
	} else if (pat < 85) {
		const char *s = SURNAMES[wtab_pick(&g->surname, &g->r)].s;
		static const char *const lform[] = {"", " sp.k.", " sp.p."};
		snprintf(name, cap, "Kancelaria %s i Wspólnicy%s", s, lform[rng_below(&g->r, 3)]);
		slug(s, '-', a, sizeof a);
		snprintf(base, sizeof base, "kancelaria-%s", a);
	} else if (pat < 95) {
		const char *s1 = SURNAMES[wtab_pick(&g->surname, &g->r)].s;
		const char *s2 = SURNAMES[wtab_pick(&g->surname, &g->r)].s;
		slug(s1, '-', a, sizeof a);
		if (s1 == s2 || rng_permille(&g->r, 400)) {
			snprintf(name, cap, "%s i Syn sp.j.", s1);
			snprintf(base, sizeof base, "%s-i-syn", a);
		} else {
			snprintf(name, cap, "%s i %s s.c.", s1, s2);
			slug(s2, '-', b, sizeof b);
			snprintf(base, sizeof base, "%s-%s", a, b);
		}
	} else {
		const char *brand = BRANDS[wtab_pick(&g->brand, &g->r)].s;
		snprintf(name, cap, "%s %s %s%s", kind, brand, CITIES[city].s,
			 FORMS[wtab_pick(&g->form, &g->r)].s);
		slug(brand, 0, a, sizeof a);
		slug(CITIES[city].s, '-', b, sizeof b);
		snprintf(base, sizeof base, "%s-%s", a, b);
	}
	make_domain(g, base, city, tld, domain);
}

/* spread: the creation time of row i of n, evenly over days before
 * DEMO_BASE, so ids grow with time as in a real office. */
static int64_t spread(struct gen *g, int64_t i, int64_t n, int64_t days)
{
	int64_t span = days * DAY, step = n ? span / n : span;
	int64_t t = DEMO_BASE - span + (n ? span * i / n : 0) +
		    rng_below(&g->r, (uint32_t)(step > 0 ? step : 1));
	return t < DEMO_BASE ? t : DEMO_BASE - 1;
}

/* touched: updated_at: 40% of records were edited after creation. */
static int64_t touched(struct gen *g, int64_t created)
{
	if (!rng_permille(&g->r, 400) || created >= DEMO_BASE - 1)
		return created;
	return created + 1 + rng_below(&g->r, (uint32_t)(DEMO_BASE - 1 - created));
}

static kt_err add_companies(struct gen *g, uint32_t n, int64_t *created)
{
	if (!n)
		return ERR_OK;
	g->comps = malloc(n * sizeof *g->comps);
	if (!g->comps)
		return ERR_NOMEM;
	json_object_clear(g->doc_rec);
	kt_err rc = ERR_OK;
	for (uint32_t i = 0; i < n && !rc; i++) {
		struct company *co = &g->comps[i];
		char name[300], nip[11], regon[10], phone[17] = "", email[96] = "", address[160];
		co->city = wtab_pick(&g->city, &g->r);
		gen_company_name(g, co->city, name, sizeof name, co->domain);
		do
			make_nip(&g->r, nip);
		while (!hset_add(&g->seen, nip));
		bool has_regon = rng_permille(&g->r, 750);
		if (has_regon)
			do
				make_regon(&g->r, regon);
			while (!hset_add(&g->seen, regon));
		if (rng_permille(&g->r, 900)) {
			if (rng_permille(&g->r, 650))
				gen_landline(g, CITIES[co->city].x, phone);
			else
				gen_mobile(g, phone);
		}
		if (rng_permille(&g->r, 880)) {
			snprintf(email, sizeof email, "%s@%s",
				 MAILBOXES[rng_below(&g->r, N_OF(MAILBOXES))], co->domain);
			hset_add(&g->seen, email);
		}
		gen_address(g, false, address, sizeof address);
		struct owned own;
		pick_owner(g, &own);
		int64_t t = spread(g, i, n, 3 * 365), u = touched(g, t);

		struct db_stmt *s;
		rc = db_prepare(
			g->c,
			"INSERT INTO companies (version, created_at, updated_at, created_by,"
			" updated_by, name, nip, regon, phone, email, city, address, owner_id,"
			" visibility, department_id, custom) VALUES (1, ?, ?, NULL, NULL, ?, ?,"
			" ?, ?, ?, ?, ?, ?, ?, ?, '{}')"
			" RETURNING id",
			&s);
		if (rc)
			break;
		db_bind_int64(s, 1, t);
		db_bind_int64(s, 2, u);
		db_bind_str(s, 3, name);
		db_bind_str(s, 4, nip);
		bind_opt(s, 5, has_regon ? regon : NULL);
		bind_opt(s, 6, phone);
		bind_opt(s, 7, email);
		db_bind_str(s, 8, CITIES[co->city].s);
		db_bind_str(s, 9, address);
		bind_owned(s, 10, &own);
		rc = step_id(s, &co->id);
		if (rc)
			break;
		doc_set(g->doc_rec, "name", name);
		doc_set(g->doc_rec, "nip", nip);
		doc_set(g->doc_rec, "phone", phone);
		doc_set(g->doc_rec, "email", email);
		doc_set(g->doc_rec, "city", CITIES[co->city].s);
		rc = index_row(g, "companies", co->id);
		if (!rc)
			rc = next_row(g);
		if (!rc) {
			(*created)++;
			g->ncomps++;
		}
	}
	return rc;
}

struct contact {
	struct person p;
	const char *kind;
	int64_t company_id;
	uint32_t city;
	char phone[17], email[128], address[160], birth[11], pesel[12];
	struct owned own;
	bool archived;
};

/* gen_duplicate: the same client entered again (0.5% of rows): same phone
 * and name, same name and city with a new phone, or the name typed
 * without Polish letters ("Lukasz Wojcik") and the same phone; half of
 * them repeat the birth date too, as evidence. */
static void gen_duplicate(struct gen *g, struct contact *k)
{
	const struct recent *e = &g->ring[rng_below(&g->r, g->nring)];
	uint32_t v = rng_below(&g->r, 3);
	if (!e->phone[0] && v != 1)
		v = e->email[0] ? 3 : 1;
	k->p = e->p;
	k->city = e->city;
	if (v == 0 || v == 2)
		snprintf(k->phone, sizeof k->phone, "%s", e->phone);
	else if (rng_permille(&g->r, 900))
		gen_mobile(g, k->phone);
	if (v == 3 || (v == 0 && rng_permille(&g->r, 500)))
		snprintf(k->email, sizeof k->email, "%s", e->email);
	if (rng_permille(&g->r, 500))
		snprintf(k->birth, sizeof k->birth, "%s", e->birth);
	if (v == 2) {
		unaccented(e->p.first, k->p.first, sizeof k->p.first);
		unaccented(e->p.last, k->p.last, sizeof k->p.last);
	}
}

static void gen_contact(struct gen *g, struct contact *k)
{
	memset(k, 0, sizeof *k);
	bool dup = g->nring && rng_permille(&g->r, 5);
	const struct company *co = NULL;
	if (g->ncomps && rng_permille(&g->r, 350)) {
		co = &g->comps[rng_below(&g->r, g->ncomps)];
		k->kind = "company_contact";
		k->company_id = co->id;
	} else {
		k->kind = rng_permille(&g->r, 540) ? "customer" : "lead";
	}
	int born = 0;
	if (dup) {
		gen_duplicate(g, k);
	} else {
		gen_person(g, &k->p);
		k->city = co && rng_permille(&g->r, 700) ? co->city : wtab_pick(&g->city, &g->r);
		if (rng_permille(&g->r, 300)) {
			born = 1945 + (int)rng_below(&g->r, 62);
			unsigned m = 1 + rng_below(&g->r, 12);
			unsigned d = 1 + rng_below(&g->r, isotime_days_in_month(born, m));
			isodate_format((int32_t)isotime_days_from_civil(born, m, d), k->birth);
			if (rng_permille(&g->r, 200))
				make_pesel(&g->r, born, m, d, k->p.female, k->pesel);
		}
		if (rng_permille(&g->r, 900))
			gen_mobile(g, k->phone);
		if (rng_permille(&g->r, 850))
			gen_email(g, &k->p, born,
				  co && rng_permille(&g->r, 600) ? co->domain : NULL, k->email,
				  sizeof k->email);
		struct recent *e = &g->ring[g->nring < RING ? g->nring++ : rng_below(&g->r, RING)];
		e->p = k->p;
		e->city = k->city;
		snprintf(e->phone, sizeof e->phone, "%s", k->phone);
		snprintf(e->email, sizeof e->email, "%s", k->email);
		snprintf(e->birth, sizeof e->birth, "%s", k->birth);
	}
	if (rng_permille(&g->r, 750))
		gen_address(g, true, k->address, sizeof k->address);
	pick_owner(g, &k->own);
	k->archived = rng_permille(&g->r, 30);
}

static kt_err add_contacts(struct gen *g, int64_t n, int64_t *created)
{
	json_object_clear(g->doc_rec);
	kt_err rc = ERR_OK;
	for (int64_t i = 0; i < n && !rc; i++) {
		struct contact k;
		gen_contact(g, &k);
		int64_t t = spread(g, i, n, 2 * 365), u = touched(g, t), id = 0;

		struct db_stmt *s;
		rc = db_prepare(
			g->c,
			"INSERT INTO contacts (version, created_at, updated_at, created_by,"
			" updated_by, first_name, last_name, kind, company_id, phone, email,"
			" city, address, birth_date, pesel, owner_id, visibility, department_id,"
			" archived, custom) VALUES (1, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?,"
			" ?, ?, ?, ?, ?, ?, '{}')"
			" RETURNING id",
			&s);
		if (rc)
			break;
		db_bind_int64(s, 1, t);
		db_bind_int64(s, 2, u);
		db_bind_str(s, 3, k.p.first);
		db_bind_str(s, 4, k.p.last);
		db_bind_str(s, 5, k.kind);
		if (k.company_id)
			db_bind_int64(s, 6, k.company_id);
		else
			db_bind_null(s, 6);
		bind_opt(s, 7, k.phone);
		bind_opt(s, 8, k.email);
		db_bind_str(s, 9, CITIES[k.city].s);
		bind_opt(s, 10, k.address);
		bind_opt(s, 11, k.birth);
		bind_opt(s, 12, k.pesel);
		bind_owned(s, 13, &k.own);
		db_bind_int64(s, 16, k.archived);
		rc = step_id(s, &id);
		if (rc)
			break;
		if (!g->first_contact)
			g->first_contact = id;
		g->last_contact = id;
		doc_set(g->doc_rec, "first_name", k.p.first);
		doc_set(g->doc_rec, "last_name", k.p.last);
		doc_set(g->doc_rec, "phone", k.phone);
		doc_set(g->doc_rec, "email", k.email);
		doc_set(g->doc_rec, "city", CITIES[k.city].s);
		rc = index_row(g, "contacts", id);
		if (!rc)
			rc = next_row(g);
		if (rc)
			break;
		(*created)++;
		if (n >= PROGRESS_EVERY && (i + 1) % PROGRESS_EVERY == 0)
			fprintf(stderr, "demo: %lld/%lld contacts\n", (long long)(i + 1),
				(long long)n);
	}
	return rc;
}

/* Activities: about one per client over a year around today (the past
 * mostly done, the future planned, some overdue), assigned to the demo
 * users, so the reminders, calendar and timelines have something real. */
static const char *const SUBJECTS[4][4] = {
	{"Przygotować ofertę", "Wysłać umowę do podpisu", "Sprawdzić płatność", "Zarezerwować hotel"},
	{"Telefon w sprawie oferty", "Oddzwonić do klienta", "Potwierdzić termin", "Zapytać o decyzję"},
	{"Spotkanie w biurze", "Prezentacja oferty", "Podpisanie umowy", "Wizyta u klienta"},
	{"Wysłać katalog", "Wysłać fakturę", "Odpowiedzieć na zapytanie", "Wysłać podsumowanie"},
};
static const char *const KINDS[4] = {"task", "call", "meeting", "email"};
static const int KIND_TYPE[4] = {4, 1, 2, 3}; /* the seeded action types */

static kt_err add_activities(struct gen *g, int64_t n, int64_t *created)
{
	json_object_clear(g->doc_rec);
	kt_err rc = ERR_OK;
	int64_t span = g->last_contact - g->first_contact + 1;
	for (int64_t i = 0; i < n && !rc && span > 0; i++) {
		uint32_t k = rng_below(&g->r, 100);
		int kind = k < 40 ? 1 : k < 60 ? 2 : k < 85 ? 0 : 3;
		int64_t day = (int64_t)rng_below(&g->r, 366) - 183;
		int64_t start = g->today + day * DAY + (7 + rng_below(&g->r, 10)) * 3600 + 15 * 60 * rng_below(&g->r, 4);
		int64_t dur = kind == 2 ? 30 + 30 * rng_below(&g->r, 3) : 15;
		const char *status = "planned";
		if (day < 0) {
			uint32_t p = rng_below(&g->r, 100);
			status = p < 85 ? "done" : p < 90 ? "cancelled" : "planned";
		}
		struct owned o;
		pick_owner(g, &o);
		int64_t contact = g->first_contact + (int64_t)(rng_next(&g->r) % (uint64_t)span);
		const char *subject = SUBJECTS[kind][rng_below(&g->r, 4)];
		int64_t id = 0;
		struct db_stmt *s;
		rc = db_prepare(g->c,
				"INSERT INTO activities (version, created_at, updated_at, kind, action_type_id, subject, status,"
				" starts_at, ends_at, duration_min, priority, percent_done, assignee_id, contact_id,"
				" remind_before_min, done_at, visibility, department_id)"
				" VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 'company', ?) RETURNING id", &s);
		if (rc)
			break;
		int64_t made = start - (int64_t)(1 + rng_below(&g->r, 20)) * DAY;
		bool done = strcmp(status, "done") == 0;
		db_bind_int64(s, 1, made);
		db_bind_int64(s, 2, done ? start + dur * 60 : made);
		db_bind_str(s, 3, KINDS[kind]);
		db_bind_int64(s, 4, KIND_TYPE[kind]);
		db_bind_str(s, 5, subject);
		db_bind_str(s, 6, status);
		db_bind_int64(s, 7, start);
		db_bind_int64(s, 8, start + dur * 60);
		db_bind_int64(s, 9, dur);
		db_bind_str(s, 10, rng_permille(&g->r, 150) ? "high" : "normal");
		db_bind_int64(s, 11, done ? 100 : 0);
		o.owner ? db_bind_int64(s, 12, o.owner) : db_bind_null(s, 12);
		db_bind_int64(s, 13, contact);
		done ? db_bind_int64(s, 14, start + dur * 60) : db_bind_null(s, 14);
		o.dept ? db_bind_int64(s, 15, o.dept) : db_bind_null(s, 15);
		rc = step_id(s, &id);
		if (rc)
			break;
		doc_set(g->doc_rec, "subject", subject);
		rc = index_row(g, "activities", id);
		if (!rc)
			rc = next_row(g);
		if (!rc)
			(*created)++;
		if (n >= PROGRESS_EVERY && (i + 1) % PROGRESS_EVERY == 0)
			fprintf(stderr, "demo: %lld/%lld activities\n", (long long)(i + 1), (long long)n);
	}
	return rc;
}

/* Inquiries: what clients asked for, through the seeded pipeline. */
static const char *const WANTS[] = {
	"Wczasy w Grecji, 2 osoby", "Wycieczka do Włoch, rodzina", "Kurs angielskiego B2", "Kurs niemieckiego od podstaw",
	"Mieszkanie 3 pokoje, Kraków", "Dom z ogrodem pod Poznaniem", "Księgowość dla jednoosobowej firmy",
	"Rozliczenie roczne PIT", "Obóz językowy dla dzieci", "Wyjazd firmowy na 20 osób",
};

static kt_err add_inquiries(struct gen *g, int64_t n, int64_t *created)
{
	int64_t st[8] = {0}, reason = 0;
	char outcome[8][8];
	int nst = 0;
	struct db_stmt *s;
	kt_err rc = db_prepare(g->c, "SELECT id, outcome FROM statuses WHERE entity = 'inquiries' AND deleted_at IS NULL"
				     " ORDER BY position, id LIMIT 8", &s);
	while (!rc && nst < 8 && db_step(s) == ERR_ROW) {
		st[nst] = db_col_int64(s, 0);
		const char *o = db_col_text(s, 1, NULL);
		snprintf(outcome[nst++], sizeof outcome[0], "%s", o ? o : "open");
	}
	if (!rc)
		db_reset(s);
	if (!rc && db_prepare(g->c, "SELECT id FROM close_reasons WHERE entity = 'inquiries' ORDER BY position LIMIT 1", &s) == ERR_OK) {
		if (db_step(s) == ERR_ROW)
			reason = db_col_int64(s, 0);
		db_reset(s);
	}
	int64_t span = g->last_contact - g->first_contact + 1;
	json_object_clear(g->doc_rec);
	for (int64_t i = 0; i < n && !rc && nst && span > 0; i++) {
		int k = (int)rng_below(&g->r, (uint32_t)nst);
		bool lost = strcmp(outcome[k], "lost") == 0, open = strcmp(outcome[k], "open") == 0;
		struct owned o;
		pick_owner(g, &o);
		const char *title = WANTS[rng_below(&g->r, N_OF(WANTS))];
		int64_t made = g->today - (int64_t)rng_below(&g->r, 180) * DAY - rng_below(&g->r, DAY);
		char close[11];
		isodate_format((int32_t)((g->today / DAY) + (int64_t)rng_below(&g->r, 90) - 30), close);
		int64_t id = 0;
		rc = db_prepare(g->c,
				"INSERT INTO inquiries (version, created_at, updated_at, title, contact_id, status_id,"
				" planned_close_date, handler_id, visibility, department_id, outcome, close_reason_id, value,"
				" closed_at, custom) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}') RETURNING id", &s);
		if (rc)
			break;
		db_bind_int64(s, 1, made);
		db_bind_int64(s, 2, made + (int64_t)rng_below(&g->r, 10) * DAY);
		db_bind_str(s, 3, title);
		db_bind_int64(s, 4, g->first_contact + (int64_t)(rng_next(&g->r) % (uint64_t)span));
		db_bind_int64(s, 5, st[k]);
		db_bind_str(s, 6, close);
		o.owner ? db_bind_int64(s, 7, o.owner) : db_bind_null(s, 7);
		db_bind_str(s, 8, rng_permille(&g->r, 700) ? "department" : "company");
		o.dept ? db_bind_int64(s, 9, o.dept) : db_bind_null(s, 9);
		db_bind_str(s, 10, outcome[k]);
		lost && reason ? db_bind_int64(s, 11, reason) : db_bind_null(s, 11);
		db_bind_int64(s, 12, 100 * (500 + (int64_t)rng_below(&g->r, 30000)));
		open ? db_bind_null(s, 13) : db_bind_int64(s, 13, made + 7 * DAY);
		rc = step_id(s, &id);
		if (rc)
			break;
		doc_set(g->doc_rec, "title", title);
		rc = index_row(g, "inquiries", id);
		if (!rc)
			rc = next_row(g);
		if (!rc)
			(*created)++;
	}
	return rc;
}

/* The office's notice board and knowledge base, written through the
 * record engine (so receipts, search and rendering follow their rules) by
 * the first admin.  Once: a second demo run adds none. */
static const char *const ARTICLES[][3] = {
	{"Kopia zapasowa bazy klientów",
	 "Kopia zapasowa powstaje **co noc o 2:00** i jest szyfrowana hasłem.\n\n"
	 "## Jak odtworzyć dane\n\n1. Zatrzymaj serwer.\n2. Uruchom `kontakt restore` z plikiem kopii.\n"
	 "3. Sprawdź liczbę klientów na liście.\n\nW razie wątpliwości: dział IT, wew. 200.",
	 "[\"IT\", \"kopia\"]"},
	{"Jak scalić zdublowanych klientów",
	 "Duplikaty znajdziesz na liście klientów pod przyciskiem **Duplikaty**.\n\n"
	 "- wybierz rekord, który zostaje,\n- dla każdego pola wskaż wartość,\n- kliknij **Scal**.\n\n"
	 "Zadania, notatki i zapytania przechodzą do zachowanego klienta. Pomyłkę cofniesz przyciskiem **Cofnij**.",
	 "[\"klienci\", \"duplikaty\"]"},
	{"Zakończenie obsługi klienta",
	 "Gdy klient rezygnuje, użyj **Zakończ obsługę** na karcie klienta i wybierz powód "
	 "(np. *za wysoka cena*). Powody liczą się w raportach; klienta można później przywrócić.",
	 "[\"klienci\", \"raporty\"]"},
	{"Import klientów z arkusza",
	 "Zapisz arkusz jako **CSV** (UTF-8 lub Windows-1250). Pierwszy wiersz to nagłówki: "
	 "`Imię`, `Nazwisko`, `Telefon`, `E-mail`, `Miasto`.\n\n"
	 "Najpierw sprawdź plik (próba bez zapisu), popraw wiersze z błędami, potem importuj.",
	 "[\"import\", \"klienci\"]"},
};

static kt_err add_office(struct gen *g, int64_t *created)
{
	struct db_stmt *s;
	int64_t admin = 0, have = 0;
	kt_err rc = db_prepare(g->c, "SELECT (SELECT MIN(id) FROM users WHERE role = 'admin' AND deleted_at IS NULL),"
				     " (SELECT COUNT(*) FROM kb_articles) + (SELECT COUNT(*) FROM announcements)", &s);
	if (rc)
		return rc;
	if (db_step(s) == ERR_ROW) {
		admin = db_col_is_null(s, 0) ? 0 : db_col_int64(s, 0);
		have = db_col_int64(s, 1);
	}
	db_reset(s);
	if (have)
		return ERR_OK;
	struct rec_ctx ctx = {.conn = g->c, .user_id = admin, .role = ROLE_ADMIN, .now = (int64_t)time(NULL),
			      .default_cc = "48", .lookup = entities_find};
	json_t *in[N_OF(ARTICLES) + 2];
	size_t n = 0;
	for (size_t i = 0; i < N_OF(ARTICLES); i++)
		in[n++] = json_pack("{s:s, s:s, s:o}", "title", ARTICLES[i][0], "body", ARTICLES[i][1], "tags",
				    json_loads(ARTICLES[i][2], 0, NULL));
	in[n++] = json_pack("{s:s, s:s, s:b}", "title", "Nowy cennik od 1 grudnia",
			    "body", "Od **1 grudnia** obowiązuje nowy cennik. Rezerwacje złożone wcześniej "
				    "realizujemy po starych cenach.\n\nPytania: dział sprzedaży, wew. 214.",
			    "audience_everyone", 1);
	in[n++] = json_pack("{s:s, s:s, s:[s]}", "title", "Szkolenie z obsługi kalendarza",
			    "body", "W piątek o 9:00 krótkie szkolenie: planowanie zadań, przypomnienia i "
				    "przeciąganie spotkań w kalendarzu. Sala konferencyjna, 30 minut.",
			    "audience_roles", "agent");
	for (size_t i = 0; i < n; i++) {
		json_t *out = NULL;
		if (!rc)
			rc = in[i] ? record_create(&ctx, entities_find(i < N_OF(ARTICLES) ? "kb_articles" : "announcements"),
						   in[i], &out)
				   : ERR_NOMEM;
		if (!rc)
			(*created)++;
		json_decref(out);
		json_decref(in[i]);
	}
	if (rc && ctx.errors) {
		char *e = json_dumps(ctx.errors, JSON_COMPACT);
		log_error("event=demo_office_failed errors=%s", e ? e : "?");
		free(e);
	}
	rec_ctx_clear(&ctx);
	return rc;
}

kt_err demo_generate(struct db *db, int64_t ncontacts, uint64_t seed, struct demo_stats *out)
{
	struct demo_opts o = {ncontacts, -1, -1, seed};
	return demo_generate_opts(db, &o, out);
}

kt_err demo_generate_opts(struct db *db, const struct demo_opts *o, struct demo_stats *out)
{
	int64_t ncontacts = o->contacts;
	uint64_t seed = o->seed;
	memset(out, 0, sizeof *out);
	if (ncontacts < 0)
		return ERR_INVALID;
	/* One hash for every demo user: argon2id costs ~60 ms a call. */
	char hash[PASSWORD_HASH_MAX];
	kt_err rc = password_hash(DEMO_PASSWORD, strlen(DEMO_PASSWORD), hash);
	if (rc)
		return rc;
	struct db_conn *c = NULL;
	rc = db_conn_acquire(db, &c);
	if (rc)
		return rc;
	struct gen g;
	int64_t dept[NDEPTS] = {0};
	rc = gen_init(&g, c, seed, ncontacts);
	if (!rc)
		rc = db_begin(c, true);
	if (!rc)
		rc = add_departments(&g, dept);
	if (!rc)
		rc = add_users(&g, ncontacts, hash, dept, out);
	if (!rc)
		rc = add_companies(&g, (uint32_t)(ncontacts / 10), &out->companies);
	if (!rc)
		rc = add_contacts(&g, ncontacts, &out->contacts);
	g.today = (int64_t)time(NULL) / DAY * DAY;
	if (!rc)
		rc = add_activities(&g, o->activities >= 0 ? o->activities : ncontacts, &out->activities);
	if (!rc)
		rc = add_inquiries(&g, o->inquiries >= 0 ? o->inquiries : ncontacts / 10, &out->inquiries);
	if (!rc)
		rc = add_office(&g, &out->office);
	if (!rc)
		rc = db_commit(c);
	/* Searches on a fresh load are planned from these (PostgreSQL). */
	if (!rc)
		rc = db_refresh_stats(c);
	if (rc)
		log_error("event=demo_failed rc=%d msg=\"%s\"", (int)rc, db_errmsg(c));
	gen_clear(&g);
	db_conn_release(c);
	return rc;
}
