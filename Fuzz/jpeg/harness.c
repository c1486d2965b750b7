// libFuzzer target: the JPEG shim (Sources/CCodecShims/jpeg_shim.c) on arbitrary bytes. The first byte
// picks the DCT scale (1/1, 1/2, 1/4, 1/8; larger when the output would exceed 64 K pixels); the header is read, a
// buffer sized from it (under a pixel cap), the image decoded with the scan and memory limits
// ImageDecoder passes, and small results re-encoded under an output limit taken from the input, which
// drives the encoder's error path after its buffer has grown (issue #14 item 10).
#include "CCodecShims.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    static const int denominators[4] = {1, 2, 4, 8};
    int denominator = denominators[data[0] & 3];
    int progressive = (data[0] >> 2) & 1;
    size_t encode_limit = 64u + 1301u * (size_t)(data[0] >> 3);  // 64 … 40,395 bytes: also after growths
    data++, size--;
    vs_image_info info;
    char err[512];
    if (vs_jpeg_read_info(data, size, denominator, &info, err, sizeof err) != VS_OK) return 0;
    // Large outputs are decoded at a larger reduction, as ImageDecoder's size hint does (fast runs).
    while ((uint64_t)info.scaled_width * info.scaled_height > (1u << 16) && denominator < 8) {
        denominator *= 2;
        if (vs_jpeg_read_info(data, size, denominator, &info, err, sizeof err) != VS_OK) return 0;
    }
    uint64_t pixels = (uint64_t)info.scaled_width * info.scaled_height;
    if (pixels == 0 || pixels > (1u << 18)) return 0;  // the caller's pixel cap (small here, to stay fast)
    size_t length = (size_t)pixels * 3;
    uint8_t *out = malloc(length);
    if (out == NULL) return 0;
    int status = vs_jpeg_decode_rgb8(data, size, denominator, info.scaled_width, info.scaled_height, 100,
                                     16u << 20, out, length, err, sizeof err);
    if (status == VS_OK && pixels <= 16384) {
        uint8_t *encoded = NULL;
        size_t encoded_length = 0;
        if (vs_jpeg_encode_limited(out, info.scaled_width, info.scaled_height, 3, 90, progressive, 0, encode_limit,
                                   &encoded, &encoded_length, err, sizeof err) == VS_OK) {
            if (encoded_length > encode_limit) __builtin_trap();  // the limit must hold
            vs_free(encoded);
        }
    }
    free(out);
    return 0;
}
