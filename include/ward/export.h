/* WARD_API marks the functions and classes the library exports; everything
   else in libward is hidden, so hosts cannot come to depend on internals. */
#ifndef WARD_EXPORT_H
#define WARD_EXPORT_H

#if defined(WARD_BUILDING_LIBRARY) && (defined(__GNUC__) || defined(__clang__))
#define WARD_API __attribute__((visibility("default")))
#else
#define WARD_API
#endif

#endif
