#include "fuzz-input.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

size_t
fuzz_split(const uint8_t *data, size_t size, char **out, size_t max, char **block)
{
    char *b = malloc(size + 1);
    size_t n = 0;

    if (!b)
        abort();
    memcpy(b, data, size);
    b[size] = '\0';
    *block = b;
    if (max == 0)
        return 0;
    out[n++] = b;
    for (size_t i = 0; i < size && n < max; i++)
        if (b[i] == '\0' || b[i] == '\n') {
            b[i] = '\0';
            out[n++] = b + i + 1;
        }
    return n;
}

static int file_fd = -1;
static char file_path[64];

const char *
fuzz_file(const uint8_t *data, size_t size)
{
    fuzz_file_close();
    file_fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (file_fd < 0)
        return NULL;
    for (size_t done = 0; done < size;) {
        ssize_t n = write(file_fd, data + done, size - done);
        if (n <= 0) {
            fuzz_file_close();
            return NULL;
        }
        done += (size_t) n;
    }
    snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
    return file_path;
}

void
fuzz_file_close(void)
{
    if (file_fd >= 0)
        close(file_fd);
    file_fd = -1;
}

/* stderr as it was before libFuzzer closed it for the code under test */
static int report_fd = 2;

__attribute__((constructor)) static void
keep_stderr(void)
{
    report_fd = dup(2);
}

void
fuzz_fail(const char *fmt, ...)
{
    char msg[4096] = "fuzz property broken: ";
    va_list ap;

    va_start(ap, fmt);
    size_t at = strlen(msg);
    int n = vsnprintf(msg + at, sizeof(msg) - 1 - at, fmt, ap);
    va_end(ap);
    size_t len = at + (n > 0 ? (size_t) n : 0);
    if (len > sizeof(msg) - 2)
        len = sizeof(msg) - 2;
    msg[len++] = '\n';
    if (write(report_fd, msg, len) < 0)
        abort();
    abort();
}
