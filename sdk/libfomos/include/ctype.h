/*
 * <ctype.h> of the Fomos C runtime: C's character classes in the "C"
 * locale, the only one there is.  c is an unsigned char's value or EOF (-1);
 * anything else is in no class.
 */
#ifndef FOMOS_CTYPE_H
#define FOMOS_CTYPE_H

int isdigit(int c);
int isxdigit(int c);
int isalpha(int c);
int isalnum(int c);
int isupper(int c);
int islower(int c);
int isspace(int c);
int isprint(int c);
int ispunct(int c);
int toupper(int c);
int tolower(int c);

#endif
