/* fdio.h - writing a whole buffer to a file descriptor. */
#ifndef PK_FDIO_H
#define PK_FDIO_H

#include <stddef.h>

/* Write all n bytes: retried after EINTR and short writes; a non-blocking
 * descriptor that would block is waited for (up to 1 s at a time).
 * 0, or -1 with errno set. */
int pk_write_all(int fd, const void *p, size_t n);

#endif
