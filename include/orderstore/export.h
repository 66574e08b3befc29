// Macros that mark the public API. Safe to include from any thread; it only
// defines macros.
#ifndef ORDERSTORE_EXPORT_H_
#define ORDERSTORE_EXPORT_H_

// ORDERSTORE_EXPORT marks a symbol that belongs to the public API. The shared
// library is built with hidden visibility, so anything not marked stays
// private to it. The standard attribute syntax lets it sit next to others:
// `class ORDERSTORE_EXPORT [[nodiscard]] Status` (a GNU __attribute__ there
// does not compile).
#if defined(ORDERSTORE_SHARED_LIBRARY)
#if defined(ORDERSTORE_COMPILE_LIBRARY)
#define ORDERSTORE_EXPORT [[gnu::visibility("default")]]
#else
#define ORDERSTORE_EXPORT
#endif
#else
#define ORDERSTORE_EXPORT
#endif

// ORDERSTORE_LIFETIMEBOUND marks a parameter (or `this`) whose lifetime bounds
// the lifetime of the returned view, so compilers that understand it can warn
// about a view that dangles.
#if defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::lifetimebound)
#define ORDERSTORE_LIFETIMEBOUND [[clang::lifetimebound]]
#endif
#endif
#ifndef ORDERSTORE_LIFETIMEBOUND
#define ORDERSTORE_LIFETIMEBOUND
#endif

#endif  // ORDERSTORE_EXPORT_H_
