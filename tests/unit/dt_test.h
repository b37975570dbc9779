/* summary: the includes every cmocka unit test needs, in the order cmocka requires. */
#ifndef DT_TEST_H
#define DT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
