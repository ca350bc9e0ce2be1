// libdivsufsort's 64-bit API: suffix arrays of texts over 2 GiB (Debian package libdivsufsort-dev).
#include <divsufsort64.h>
