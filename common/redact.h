/* redact.h - secrets (the OSPF key, the API token) out of every text proxmesh shows */
#pragma once

#include "util.h"

#define REDACT_MARK "<secret>"

/* A copy of text with the word after "md5 " or "authentication-key " (a
 * command's key, wherever the command is quoted, FRR's echo of it too)
 * replaced by REDACT_MARK, and every whole-word occurrence of each string
 * of secrets (NULL-terminated; NULL itself or empty strings ignored)
 * replaced as well. Pure: the same text and secrets give the same result. */
char *redact(const char *text, const char *const *secrets);

/* Remember a secret (copied) for redact_known: the key and the token, as
 * they are read from their files. */
void redact_remember(const char *secret);

/* redact with every secret remembered so far: what the log, the journal
 * and the status file go through. */
char *redact_known(const char *text);

/* Forget the remembered secrets (tests, exit). */
void redact_forget(void);
