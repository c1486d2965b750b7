#ifndef VS_SHIM_COMMON_H
#define VS_SHIM_COMMON_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// Copies a message into the caller's error buffer (always NUL-terminated, truncated if needed).
static inline void vs_set_error(char *err, size_t err_len, const char *format, ...) {
    if (err == NULL || err_len == 0) return;
    va_list args;
    va_start(args, format);
    vsnprintf(err, err_len, format, args);
    va_end(args);
}
#endif
