/* SPDX-License-Identifier: BSD-3-Clause */
/* The library's own version: the generated header, the project version and the runtime query. */
#include <stdio.h>
#include <string.h>

#include "ffa/library_version.h"
#include "harness.h"

/* The CMake project version, passed by tests/CMakeLists.txt. */
#ifndef FFA_TEST_PROJECT_VERSION
#error "FFA_TEST_PROJECT_VERSION must be defined"
#endif

static void test_header_is_the_project_version(void **state)
{
    (void)state;
    assert_string_equal(FFA_LIBRARY_VERSION_STRING, FFA_TEST_PROJECT_VERSION);
}

static void test_version_string_spells_the_numbers(void **state)
{
    char s[32];

    (void)state;
    snprintf(s, sizeof(s), "%d.%d.%d", FFA_LIBRARY_VERSION_MAJOR, FFA_LIBRARY_VERSION_MINOR,
             FFA_LIBRARY_VERSION_PATCH);
    assert_string_equal(s, FFA_LIBRARY_VERSION_STRING);
}

static void test_combined_number_encodes_major_minor_patch(void **state)
{
    (void)state;
    assert_int_equal(FFA_LIBRARY_VERSION, ((uint32_t)FFA_LIBRARY_VERSION_MAJOR << 16) |
                                              ((uint32_t)FFA_LIBRARY_VERSION_MINOR << 8) |
                                              (uint32_t)FFA_LIBRARY_VERSION_PATCH);
}

static void test_encoding_orders_releases(void **state)
{
    (void)state;
    assert_true(FFA_LIBRARY_VERSION_ENCODE(0, 1, 255) < FFA_LIBRARY_VERSION_ENCODE(0, 2, 0));
    assert_true(FFA_LIBRARY_VERSION_ENCODE(0, 255, 255) < FFA_LIBRARY_VERSION_ENCODE(1, 0, 0));
#if FFA_LIBRARY_VERSION < FFA_LIBRARY_VERSION_ENCODE(0, 0, 1)
    fail_msg("FFA_LIBRARY_VERSION is not usable in #if");
#endif
}

static void test_runtime_version_is_the_header_version(void **state)
{
    (void)state;
    assert_int_equal(ffa_library_version(), FFA_LIBRARY_VERSION);
}

static void test_runtime_version_string_is_the_header_string(void **state)
{
    (void)state;
    assert_string_equal(ffa_library_version_string(), FFA_LIBRARY_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_is_the_project_version),
        cmocka_unit_test(test_version_string_spells_the_numbers),
        cmocka_unit_test(test_combined_number_encodes_major_minor_patch),
        cmocka_unit_test(test_encoding_orders_releases),
        cmocka_unit_test(test_runtime_version_is_the_header_version),
        cmocka_unit_test(test_runtime_version_string_is_the_header_string),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
