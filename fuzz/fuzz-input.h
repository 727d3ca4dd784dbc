/*
 * What every harness does with libFuzzer's bytes: cut them into strings
 * (argv, range texts, lines), or make them a file the code under test
 * opens by name, as it opens its real configuration file.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * data cut at every NUL or newline into at most max NUL-terminated
 * strings, in one malloc'd block the caller frees (*block); returns how
 * many.  Bytes past the max-th cut stay in the last string.
 */
size_t fuzz_split(const uint8_t *data, size_t size, char **out, size_t max, char **block);

/*
 * data as the contents of a file: a path ("/proc/self/fd/N") good until
 * fuzz_file_close(); the file lives in memory (memfd), so nothing is left
 * on disk however the run ends.  NULL when the file cannot be made.
 */
const char *fuzz_file(const uint8_t *data, size_t size);
void fuzz_file_close(void);



/*
 * A broken property: says why on the run's stderr (which libFuzzer's
 * -close_fd_mask=2 hides from the code under test) and aborts, so
 * libFuzzer keeps the input.
 */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#endif
