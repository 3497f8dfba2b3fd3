#ifndef NEYMAN_CLIBZ_SHIM_H
#define NEYMAN_CLIBZ_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot call: this is it as a
// function. windowBits -15: a raw deflate stream (no zlib or gzip wrapper), as ZIP members hold.
static inline int neyman_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -15);
}
#endif
