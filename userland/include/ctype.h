/* Character classes, for the ASCII characters Chalk's console produces. */
#ifndef CHALK_USER_CTYPE_H
#define CHALK_USER_CTYPE_H

static inline int isdigit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int isspace(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

#endif
