/* limits.h: every size cap of Kontakt in one place.
 * Change a cap here and nowhere else. */
#ifndef KT_LIMITS_H
#define KT_LIMITS_H

#define LIM_JSON_BODY        (1024 * 1024)   /* bytes of a JSON request body */
#define LIM_URL              4096            /* bytes of a request target, query included (414) */
#define LIM_HEADER           (16 * 1024)     /* bytes of a request line and headers (431) */
#define LIM_QUERY_PARAMS     100             /* parameters of one query string (400) */
#define LIM_CONN_MEMORY      (64 * 1024)     /* libmicrohttpd's memory per connection: holds a
					      * head within LIM_URL, LIM_QUERY_PARAMS and LIM_HEADER
					      * with up to 500 headers, a Cookie header (copied to
					      * be parsed) included; a head that does not fit gets
					      * its own HTML 431 at once, not our JSON
					      * (docs/security.md) */
#define LIM_CONN_TIMEOUT_S   30              /* idle connection timeout, and the time a client
					      * has to send a whole request head (slow clients) */
#define LIM_BODY_MIN_RATE    1024            /* bytes/s a request body must average after the
					      * connection timeout's grace (slow bodies) */
#define LIM_CONNECTIONS      4096            /* concurrent connections (fewer if the fd limit
					      * is lower: see LIM_FD_RESERVE) */
#define LIM_PER_IP_SHARE     2               /* one address holds at most 1/this of them */
#define LIM_FD_RESERVE       256             /* descriptors kept for files, the database, pipes */
#define LIM_LISTEN_BACKLOG   1024            /* pending connections per listening socket */
#define LIM_ERR_MESSAGE      4096            /* bytes of an error message a hook composes
					      * (three user names of 200 characters fit) */
#define LIM_COND_SQL         4096            /* bytes of one visibility condition's SQL
					      * (a record's rule and its parents' rules) */
#define LIM_LINK_BATCH       32              /* linked records read by one statement */
#define LIM_REINDEX_BATCH    5000            /* search documents rebuilt in one transaction */
#define LIM_LIST_DEFAULT     50              /* list page size when none asked */
#define LIM_LIST_MAX         500             /* largest list page */
#define LIM_LIST_COUNT       10001           /* rows a list's ?count=1 counts at most (the UI
					      * shows "over 10 000" beyond 10 000) */
#define LIM_TEXT_DEFAULT     500             /* characters of a short text field */
#define LIM_TEXT_LONG        20000           /* characters of a long text field (notes) */
#define LIM_Q                200             /* bytes of a search query */
#define LIM_SORT_TEXT        300             /* characters of the longest sortable text field */
#define LIM_CURSOR           2600            /* bytes of a list cursor, base64url: a sortable text
					      * of LIM_SORT_TEXT characters (up to 6 bytes each in
					      * JSON), its sort and an id; fits a LIM_URL */
#define LIM_CUSTOM_FIELDS    100             /* custom fields per entity */
#define LIM_SELECT_OPTIONS   100             /* options of a select custom field */
#define LIM_PASSWORD_MIN     10              /* characters of a password (docs/security.md) */
#define LIM_PASSWORD_MAX     256             /* bytes of a password */
/* Log-in throttling (crm/accounts.c, docs/security.md "Log-in throttling"):
 * failures are free up to a count, then each further one doubles a wait. */
#define LIM_LOGIN_FAILS      5               /* free failures of one (login, address) pair */
#define LIM_ADDR_FAILS       20              /* free failures of one address over all logins */
#define LIM_LOGIN_DELAY_MS   1000            /* the first wait (setting login_delay_ms) */
#define LIM_LOGIN_DELAY_MAX_MS (15 * 60 * 1000) /* the longest wait */
#define LIM_LOGIN_FORGET_S   (24 * 3600)     /* counts start again after a day without attempts */
#define LIM_SESSION_IDLE_S   (8 * 3600)      /* session idle expiry */
#define LIM_SESSION_ABS_S    (7 * 24 * 3600) /* session absolute expiry */
#define LIM_SESSION_TOUCH_S  60              /* last_seen is written at most this often */
#define LIM_DB_RETRIES       5               /* transaction retries on busy */
#define LIM_DB_BUSY_MS       5000            /* SQLite busy timeout */
#define LIM_HASH_WORKERS     2               /* password hashing threads */
#define LIM_HASH_QUEUE       64              /* queued password hashes before 503 */
#define LIM_STATIC_FILE      (32 * 1024 * 1024) /* a file served from --web-dir */

/* Office tools (announcements, knowledge base, attachments, Markdown). */
#define LIM_ANNOUNCEMENT_BODY    20000       /* characters of an announcement's body */
#define LIM_ANNOUNCEMENT_LATER_S (30 * 60)   /* "later" puts an announcement off this long */
#define LIM_ANNOUNCEMENT_PENDING 100         /* pending announcements answered at most */
#define LIM_AUDIENCE_DEPARTMENTS 100         /* departments in one announcement's audience */
#define LIM_RECEIPT_USERS        5000        /* users listed in one receipts reply */
#define LIM_KB_BODY              100000      /* characters of a knowledge-base article */
#define LIM_KB_TAGS              20          /* tags of one article */
#define LIM_KB_TAG               40          /* characters of one tag */
#define LIM_KB_RANK_CANDIDATES   1000        /* newest matches ranked by relevance per search */
#define LIM_KB_RANK_BODY         (16 * 1024) /* bytes of a body scored for relevance */
#define LIM_SEARCH_DOC           (60 * 1024) /* bytes of one search document a hook fills */
#define LIM_ATTACHMENT_MB_DEFAULT 25         /* upload cap (KONTAKT_ATTACHMENT_MAX_MB) */
#define LIM_ATTACHMENT_MB_MAX    2048        /* the largest cap that setting accepts */
#define LIM_MULTIPART_OVERHEAD   (64 * 1024) /* multipart framing allowed beyond the file */
#define LIM_MULTIPART_PARTS      16          /* parts of one multipart body */
#define LIM_FILE_NAME            255         /* bytes of a stored file name */
#define LIM_MD_DEPTH             8           /* nested block quotes and lists in Markdown */
#define LIM_MD_DELIM_RUN         8           /* longer runs of * or _ are plain text */
#define LIM_MD_CODE_RUN          32          /* longer runs of ` are plain text */

/* Duplicates, merge, export, import, bulk e-mail. */
#define LIM_DEDUPE_PAGE          200         /* duplicate groups per page at most */
#define LIM_DEDUPE_CHUNK         10000       /* rows one scan query reads */
#define LIM_DEDUPE_BLOCK         100000      /* rows of one blocking key looked at */
#define LIM_DEDUPE_SMALL         5           /* a name alone groups at most this many */
#define LIM_DEDUPE_GROUP         50          /* records shown in one group */
#define LIM_DEDUPE_SIMILAR       3000        /* distinct names compared pairwise in one block */
#define LIM_DEDUPE_CANDIDATES    10          /* candidates named for one new record */
#define LIM_MERGE_IDS            20          /* records merged into one at once */
#define LIM_MERGE_MOVED          100000      /* linked rows one merge may move */
#define LIM_EXPORT_PAGE          500         /* rows an export reads per query */
#define LIM_EXPORT_COLUMNS       100         /* columns of one export */
#define LIM_IMPORT_BODY          (256 * 1024 * 1024) /* bytes of a CSV import body */
#define LIM_IMPORT_REPORT        1000        /* errors and duplicates listed in an import report */
#define LIM_CSV_COLUMNS          200         /* columns of a CSV file */
#define LIM_CSV_FIELD            (64 * 1024) /* bytes of one CSV field */
#define LIM_BULK_RECIPIENTS      50000       /* recipients of one bulk e-mail */
#define LIM_BULK_SUBJECT         300         /* characters of a bulk e-mail's subject */
#define LIM_BULK_BODY            50000       /* characters of a bulk e-mail's body */
#define LIM_BULK_BATCH           50          /* messages one bulk e-mail job sends per run */
#define LIM_BULK_ATTEMPTS        3           /* tries per recipient before it counts as failed */

#endif
