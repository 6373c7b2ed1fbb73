/* app.c: helpers on the server context. */
#include "core/app.h"

#include <time.h>

int64_t app_now(const struct app *app)
{
	(void)app;
	return (int64_t)time(NULL);
}
