// libFuzzer target: the PNG shim (Sources/CCodecShims/png_shim.c) on arbitrary bytes, as ImageDecoder
// drives it: header first, then a decode into a caller buffer sized from the header (under a pixel cap),
// then a re-encode of small results.
#include "CCodecShims.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    vs_image_info info;
    char err[512];
    if (vs_png_read_info(data, size, &info, err, sizeof err) != VS_OK) return 0;
    uint64_t pixels = (uint64_t)info.width * info.height;
    if (pixels == 0 || pixels > (1u << 18)) return 0;  // the caller's pixel cap (small here, to stay fast)
    size_t length = (size_t)pixels * 3;
    uint8_t *out = malloc(length);
    if (out == NULL) return 0;
    int status = vs_png_decode_rgb8(data, size, info.width, info.height, 255, 255, 255, out, length, err, sizeof err);
    if (status == VS_OK && pixels <= 4096) {
        uint8_t *encoded = NULL;
        size_t encoded_length = 0;
        if (vs_png_encode_rgb8(out, info.width, info.height, 1, &encoded, &encoded_length, err, sizeof err) == VS_OK)
            vs_free(encoded);
    }
    free(out);
    return 0;
}
