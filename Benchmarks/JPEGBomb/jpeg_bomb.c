// Issue #14 item 5: how much memory a progressive JPEG "bomb" costs a decoder process.
//
//   jpeg_bomb make OUT.jpg SIDE         writes a progressive SIDE×SIDE JPEG (rows generated on the fly)
//   jpeg_bomb decode IN.jpg MAX_MEMORY  decodes it at 1/8 scale through the project's shim
//                                       (vs_jpeg_decode_rgb8, as ImageDecoder calls it) with libjpeg's
//                                       max_memory_to_use = MAX_MEMORY bytes (0 = unbounded, the old
//                                       behaviour), then prints the status and the process's peak RSS.
#include "CCodecShims.h"
#include <stdio.h>
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long peak_rss_kb(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static int make(const char *path, int side) {
    FILE *file = fopen(path, "wb");
    if (!file) { perror(path); return 1; }
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = side;
    cinfo.image_height = side;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 30, TRUE);
    jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    unsigned char *row = malloc((size_t)side * 3);
    unsigned state = 12345;
    while (cinfo.next_scanline < cinfo.image_height) {
        unsigned y = cinfo.next_scanline;
        for (int x = 0; x < side; x++) {  // smooth gradients plus a little noise: a small file
            state = state * 1103515245u + 12345u;
            unsigned noise = (state >> 16) & 7;
            row[3 * x] = (unsigned char)((x >> 5) + noise);
            row[3 * x + 1] = (unsigned char)((y >> 5) + noise);
            row[3 * x + 2] = (unsigned char)(((x + y) >> 6) + noise);
        }
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    fclose(file);
    free(row);
    return 0;
}

static int decode(const char *path, size_t max_memory) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); return 1; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc(size);
    if (fread(data, 1, size, file) != (size_t)size) { perror(path); return 1; }
    fclose(file);
    long before = peak_rss_kb();
    vs_image_info info;
    char err[512] = "";
    int status = vs_jpeg_read_info(data, size, 8, &info, err, sizeof err);
    if (status == VS_OK) {
        size_t length = (size_t)info.scaled_width * info.scaled_height * 3;
        uint8_t *out = malloc(length);
        status = vs_jpeg_decode_rgb8(data, size, 8, info.scaled_width, info.scaled_height, 500, max_memory, out, length,
                                     err, sizeof err);
        free(out);
    }
    printf("file %ld bytes, %ux%u progressive=%d, max_memory %zu: status %d %s; peak RSS %ld MB (%ld MB before decoding)\n",
           size, info.width, info.height, info.interlaced, max_memory, status, status == VS_OK ? "decoded" : err,
           peak_rss_kb() / 1024, before / 1024);
    free(data);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "make") == 0) return make(argv[2], atoi(argv[3]));
    if (argc == 4 && strcmp(argv[1], "decode") == 0) return decode(argv[2], strtoull(argv[3], NULL, 10));
    fprintf(stderr, "usage: jpeg_bomb make OUT.jpg SIDE | jpeg_bomb decode IN.jpg MAX_MEMORY\n");
    return 2;
}
