#ifndef CCODECSHIMS_H
#define CCODECSHIMS_H
// C entry points around libpng and libjpeg-turbo.
//
// Why this target exists: both libraries report fatal errors by calling an error handler that must not
// return, and the only portable way out is `longjmp`. A `longjmp` across Swift frames is undefined
// behaviour, so every libpng/libjpeg call happens inside these functions, each guarded by its own
// `setjmp`, and errors come back as a return code plus a message copied into a caller-owned buffer.
//
// Conventions: inputs are whole files in memory (`data`, `size`); every function returns 0 on success
// and a negative `vs_status` on failure, with a NUL-terminated message in `err` (capacity `err_len`).
// Decoders write 8-bit RGB, row-major, row stride `width * 3`, into a buffer the caller allocated after
// checking the header's dimensions against its limits (so no large allocation happens before that check).

#include <stddef.h>
#include <stdint.h>

#define VS_OK 0
#define VS_ERR_CORRUPT (-1)     // the codec rejected the data (message says why)
#define VS_ERR_TRUNCATED (-2)   // the data ends before the image does
#define VS_ERR_MISMATCH (-3)    // caller's buffer/dimensions disagree with the header (a caller bug)
#define VS_ERR_NOMEM (-4)       // a working buffer could not be allocated
#define VS_ERR_LIMIT (-5)       // a decoding-work limit (e.g. progressive scan count) was exceeded

/// Header facts, filled by the `*_read_info` functions.
typedef struct {
    uint32_t width;            // stored width in pixels (before any JPEG scaling or EXIF rotation)
    uint32_t height;           // stored height in pixels
    int32_t bit_depth;         // PNG: 1, 2, 4, 8 or 16. JPEG: data precision (8)
    int32_t color_type;        // PNG: PNG_COLOR_TYPE_*. JPEG: J_COLOR_SPACE of the file
    int32_t interlaced;        // PNG: 1 for Adam7. JPEG: 1 for progressive
    int32_t components;        // JPEG: number of components. PNG: channels before any transform
    int32_t has_transparency;  // PNG: alpha channel or tRNS chunk present
    int32_t adobe_marker;      // JPEG: an Adobe APP14 marker was seen (CMYK data is then stored inverted)
    uint32_t scaled_width;     // JPEG: output width at the requested 1/scale_denom
    uint32_t scaled_height;    // JPEG: output height at the requested 1/scale_denom
} vs_image_info;

// MARK: PNG

/// Reads the PNG header (all chunks before the image data). Does not decode pixels.
int vs_png_read_info(const uint8_t *data, size_t size, vs_image_info *info, char *err, size_t err_len);

/// Decodes a PNG of any colour type, bit depth 1–16, palette (+tRNS), with or without Adam7 interlacing,
/// to 8-bit RGB. 16-bit samples are scaled to 8 bits with rounding. Transparency (alpha channel or tRNS)
/// is composited over the background colour (`bg_r`, `bg_g`, `bg_b`) in gamma-encoded space.
/// `out` must hold exactly `width * height * 3` bytes, with `width`/`height` from `vs_png_read_info`.
int vs_png_decode_rgb8(const uint8_t *data, size_t size, uint32_t width, uint32_t height,
                       uint8_t bg_r, uint8_t bg_g, uint8_t bg_b,
                       uint8_t *out, size_t out_len, char *err, size_t err_len);

/// Encodes 8-bit RGB (row stride `width * 3`) as a non-interlaced PNG with zlib `level` (0–9).
/// On success `*out` is a `malloc`ed buffer of `*out_len` bytes that the caller frees with `vs_free`.
int vs_png_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height, int level,
                       uint8_t **out, size_t *out_len, char *err, size_t err_len);

// MARK: JPEG

/// Reads the JPEG header (up to the first scan) and computes the output size at 1/`scale_denom`
/// (`scale_denom` is 1, 2, 4 or 8: libjpeg's DCT-domain scaling).
int vs_jpeg_read_info(const uint8_t *data, size_t size, int scale_denom, vs_image_info *info,
                      char *err, size_t err_len);

/// Decodes a JPEG (baseline, progressive, arithmetic; grayscale, YCbCr, RGB, CMYK, YCCK) to 8-bit RGB at
/// 1/`scale_denom` of its stored size. CMYK/YCCK are converted with the Adobe convention (inverted
/// samples when an Adobe marker is present). `out` must hold exactly `out_width * out_height * 3` bytes,
/// with the scaled size from `vs_jpeg_read_info`. Data that ends early is an error (`VS_ERR_TRUNCATED`),
/// not a grey-padded image. At most `max_scans` progressive scans are accepted (a decoding-time bomb guard).
/// `max_memory` (bytes, 0 = unbounded) is libjpeg's `max_memory_to_use`: a file whose whole-image buffers
/// (a progressive JPEG keeps every DCT coefficient, ~2–6 bytes per pixel at any output scale) would
/// exceed it is refused with `VS_ERR_LIMIT` before they are allocated.
int vs_jpeg_decode_rgb8(const uint8_t *data, size_t size, int scale_denom, uint32_t out_width,
                        uint32_t out_height, int max_scans, size_t max_memory, uint8_t *out, size_t out_len,
                        char *err, size_t err_len);

/// Encodes interleaved 8-bit samples (`components` = 1 gray, 3 RGB, 4 CMYK; row stride `width * components`)
/// as a JPEG of `quality` 1–100, optionally progressive. CMYK is stored as given (an Adobe marker is
/// written; pass inverted samples for the Adobe convention) and, with `ycck`, transformed to YCCK.
/// On success `*out` is a `malloc`ed buffer of `*out_len` bytes that the caller frees with `vs_free`.
int vs_jpeg_encode(const uint8_t *samples, uint32_t width, uint32_t height, int components, int quality,
                   int progressive, int ycck, uint8_t **out, size_t *out_len, char *err, size_t err_len);

/// `vs_jpeg_encode` with the output bounded to `max_output` bytes (0 = unbounded): a larger output fails
/// with `VS_ERR_LIMIT` (and frees everything). Also how tests reach the encoder's error path after its
/// output buffer has grown.
int vs_jpeg_encode_limited(const uint8_t *samples, uint32_t width, uint32_t height, int components, int quality,
                           int progressive, int ycck, size_t max_output, uint8_t **out, size_t *out_len,
                           char *err, size_t err_len);

/// Frees a buffer returned by this target.
void vs_free(void *pointer);

#endif
