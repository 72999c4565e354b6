/*
 * The C runtime (sdk/libfomos) built for the host tests, under fomos_
 * names: its strlen, malloc and snprintf would otherwise be the host libc's.
 * build.ninja compiles the runtime's sources with -include of this file;
 * test_libfomos.c includes it after the host's headers, then the runtime's.
 *
 * Function-like on purpose: a name not followed by '(' is left alone, so
 * the context's members (ctx->calloc, ctx->free) keep their names, and in
 * the tests (strlen)(s) is the host's strlen, fomos_strlen(s) the runtime's.
 */
#ifndef LIBFOMOS_NAMES_H
#define LIBFOMOS_NAMES_H

/* First, while calloc( is still calloc(: fomos.h's helpers call
 * ctx->calloc(...), a member, which must keep its name. */
#include <fomos.h>

#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcpy
#undef strncpy
#undef strcat
#undef strncat
#undef strchr
#undef strrchr
#undef strstr
#undef strspn
#undef strcspn
#define memchr(...)	fomos_memchr(__VA_ARGS__)
#define strlen(...)	fomos_strlen(__VA_ARGS__)
#define strnlen(...)	fomos_strnlen(__VA_ARGS__)
#define strcmp(...)	fomos_strcmp(__VA_ARGS__)
#define strncmp(...)	fomos_strncmp(__VA_ARGS__)
#define strcpy(...)	fomos_strcpy(__VA_ARGS__)
#define strncpy(...)	fomos_strncpy(__VA_ARGS__)
#define strcat(...)	fomos_strcat(__VA_ARGS__)
#define strncat(...)	fomos_strncat(__VA_ARGS__)
#define strchr(...)	fomos_strchr(__VA_ARGS__)
#define strrchr(...)	fomos_strrchr(__VA_ARGS__)
#define strspn(...)	fomos_strspn(__VA_ARGS__)
#define strcspn(...)	fomos_strcspn(__VA_ARGS__)
#define strstr(...)	fomos_strstr(__VA_ARGS__)

#undef isdigit
#undef isxdigit
#undef isalpha
#undef isalnum
#undef isupper
#undef islower
#undef isspace
#undef isprint
#undef ispunct
#undef toupper
#undef tolower
#define isdigit(...)	fomos_isdigit(__VA_ARGS__)
#define isxdigit(...)	fomos_isxdigit(__VA_ARGS__)
#define isalpha(...)	fomos_isalpha(__VA_ARGS__)
#define isalnum(...)	fomos_isalnum(__VA_ARGS__)
#define isupper(...)	fomos_isupper(__VA_ARGS__)
#define islower(...)	fomos_islower(__VA_ARGS__)
#define isspace(...)	fomos_isspace(__VA_ARGS__)
#define isprint(...)	fomos_isprint(__VA_ARGS__)
#define ispunct(...)	fomos_ispunct(__VA_ARGS__)
#define toupper(...)	fomos_toupper(__VA_ARGS__)
#define tolower(...)	fomos_tolower(__VA_ARGS__)

#undef malloc
#undef calloc
#undef realloc
#undef free
#undef qsort
#undef strtol
#undef strtoul
#undef atoi
#undef abs
#undef labs
#define malloc(...)	fomos_malloc(__VA_ARGS__)
#define calloc(...)	fomos_calloc(__VA_ARGS__)
#define realloc(...)	fomos_realloc(__VA_ARGS__)
#define free(...)	fomos_free(__VA_ARGS__)
#define qsort(...)	fomos_qsort(__VA_ARGS__)
#define strtol(...)	fomos_strtol(__VA_ARGS__)
#define strtoul(...)	fomos_strtoul(__VA_ARGS__)
#define atoi(...)	fomos_atoi(__VA_ARGS__)
#define abs(...)	fomos_abs(__VA_ARGS__)
#define labs(...)	fomos_labs(__VA_ARGS__)

#undef vsnprintf
#undef snprintf
#undef vprintf
#undef printf
#undef puts
#define vsnprintf(...)	fomos_vsnprintf(__VA_ARGS__)
#define snprintf(...)	fomos_snprintf(__VA_ARGS__)
#define vprintf(...)	fomos_vprintf(__VA_ARGS__)
#define printf(...)	fomos_printf(__VA_ARGS__)
#define puts(...)	fomos_puts(__VA_ARGS__)

#endif
