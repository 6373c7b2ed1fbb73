/* limits.h: every size cap of Kontakt in one place.
 * Change a cap here and nowhere else. */
#ifndef KT_LIMITS_H
#define KT_LIMITS_H

#define LIM_JSON_BODY        (1024 * 1024)   /* bytes of a JSON request body */
#define LIM_URL              4096            /* bytes of a request URL */
#define LIM_HEADER           8192            /* bytes of request headers (MHD memory) */
#define LIM_CONN_TIMEOUT_S   30              /* idle connection timeout */
#define LIM_CONNECTIONS      4096            /* concurrent connections */
#define LIM_PER_IP_CONN      1024            /* connections from one address */
#define LIM_LIST_DEFAULT     50              /* list page size when none asked */
#define LIM_LIST_MAX         500             /* largest list page */
#define LIM_TEXT_DEFAULT     500             /* characters of a short text field */
#define LIM_TEXT_LONG        20000           /* characters of a long text field (notes) */
#define LIM_Q                200             /* bytes of a search query */
#define LIM_CURSOR           512             /* bytes of a list cursor */
#define LIM_CUSTOM_FIELDS    100             /* custom fields per entity */
#define LIM_SELECT_OPTIONS   100             /* options of a select custom field */
#define LIM_PASSWORD_MIN     8
#define LIM_PASSWORD_MAX     256
#define LIM_LOGIN_FAILS      5               /* failed logins before 429 (per login) */
#define LIM_ADDR_FAILS       20              /* failed logins before 429 (per address) */
#define LIM_FAIL_WINDOW_S    (15 * 60)       /* window of the counts above */
#define LIM_SESSION_IDLE_S   (8 * 3600)      /* session idle expiry */
#define LIM_SESSION_ABS_S    (7 * 24 * 3600) /* session absolute expiry */
#define LIM_SESSION_TOUCH_S  60              /* last_seen is written at most this often */
#define LIM_DB_RETRIES       5               /* transaction retries on busy */
#define LIM_DB_BUSY_MS       5000            /* SQLite busy timeout */
#define LIM_HASH_WORKERS     2               /* password hashing threads */
#define LIM_HASH_QUEUE       64              /* queued password hashes before 503 */
#define LIM_STATIC_FILE      (32 * 1024 * 1024) /* a file served from --web-dir */

#endif
