// libpng from Debian's libpng-dev. Swift sees the C API only through CCodecShims, because libpng
// reports errors with longjmp, which must never cross a Swift frame.
#include <png.h>
