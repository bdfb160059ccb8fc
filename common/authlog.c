/* authlog.c - ospfd's log lines saying a peer's packet failed authentication */
#include "authlog.h"

#include <stdio.h>
#include <string.h>

bool
authlog_failure(const char *msg, char ifname[static IFNAMSIZ])
{
	const char *p = strstr(msg, "interface "), *end, *what;
	size_t n;

	if (p == NULL)
		return false;
	/* "nic3" or, for an interface with an address, "nic3:192.168.103.1" */
	p += strlen("interface ");
	end = strstr(p, ": ");
	if (end == NULL || end == p || memchr(p, ' ', (size_t)(end - p)) != NULL)
		return false;
	n = strcspn(p, ":");
	if (n == 0 || n >= IFNAMSIZ)
		return false;
	what = end + 1;
	/* ospf_check_md5, ospf_auth_check_md5_digest, ospf_check_hmac_sha … */
	if (strncmp(what, " ospf_", 6) != 0 || (strstr(what, "md5") == NULL &&
	                                        strstr(what, "hmac") == NULL))
		return false;
	if (strstr(what, "checksum mismatch") == NULL && strstr(what, " no key ") == NULL)
		return false;
	snprintf(ifname, IFNAMSIZ, "%.*s", (int)n, p);
	return true;
}
