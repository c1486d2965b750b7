// libpng entry points. Every libpng call sits behind `setjmp(png_jmpbuf(png))`: libpng's error path
// copies its message into our context and `png_longjmp`s back here, never into Swift.
#include "CCodecShims.h"
#include "shim_common.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t position;
    int truncated;       // set when a read ran past the end of the data
    char message[256];   // libpng's error message, copied before the longjmp
} vs_png_reader;

static void vs_png_read_callback(png_structp png, png_bytep out, size_t count) {
    vs_png_reader *reader = (vs_png_reader *)png_get_io_ptr(png);
    if (count > reader->size - reader->position) {
        reader->truncated = 1;
        png_error(png, "file ends before the image data does (truncated)");
    }
    memcpy(out, reader->data + reader->position, count);
    reader->position += count;
}

static void vs_png_error_callback(png_structp png, png_const_charp message) {
    vs_png_reader *reader = (vs_png_reader *)png_get_error_ptr(png);
    snprintf(reader->message, sizeof reader->message, "%s", message ? message : "unknown libpng error");
    png_longjmp(png, 1);
}

// Warnings (bad ancillary chunks, unknown profiles) do not stop decoding; they are dropped.
static void vs_png_warning_callback(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static int vs_png_fail(vs_png_reader *reader, char *err, size_t err_len) {
    vs_set_error(err, err_len, "%s", reader->message[0] ? reader->message : "corrupt PNG data");
    return reader->truncated ? VS_ERR_TRUNCATED : VS_ERR_CORRUPT;
}

static png_structp vs_png_create(vs_png_reader *reader) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, vs_png_error_callback,
                                             vs_png_warning_callback);
    if (png == NULL) return NULL;
    png_set_read_fn(png, reader, vs_png_read_callback);
    // Dimension limit well above any sane photo; the caller's pixel-count limit is the real one.
    png_set_user_limits(png, 1u << 20, 1u << 20);
    // Bound the memory any single ancillary chunk (text, ICC, ...) may claim.
    png_set_chunk_malloc_max(png, 8u << 20);
    // Ancillary chunks with bad CRCs are skipped instead of failing the image.
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_QUIET_USE);
    return png;
}

int vs_png_read_info(const uint8_t *data, size_t size, vs_image_info *info, char *err, size_t err_len) {
    vs_png_reader reader = {data, size, 0, 0, {0}};
    memset(info, 0, sizeof *info);
    png_structp png = vs_png_create(&reader);
    if (png == NULL) {
        vs_set_error(err, err_len, "cannot create a libpng decoder");
        return VS_ERR_NOMEM;
    }
    png_infop png_info = png_create_info_struct(png);
    if (png_info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        vs_set_error(err, err_len, "cannot create a libpng decoder");
        return VS_ERR_NOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &png_info, NULL);
        return vs_png_fail(&reader, err, err_len);
    }
    png_read_info(png, png_info);
    info->width = png_get_image_width(png, png_info);
    info->height = png_get_image_height(png, png_info);
    info->bit_depth = png_get_bit_depth(png, png_info);
    info->color_type = png_get_color_type(png, png_info);
    info->interlaced = png_get_interlace_type(png, png_info) != PNG_INTERLACE_NONE;
    info->components = png_get_channels(png, png_info);
    info->has_transparency = (info->color_type & PNG_COLOR_MASK_ALPHA) != 0 ||
                             png_get_valid(png, png_info, PNG_INFO_tRNS) != 0;
    png_destroy_read_struct(&png, &png_info, NULL);
    return VS_OK;
}

// Composites one row of RGBA over the background: out = (c·a + bg·(255−a)) / 255, rounded.
static void vs_composite_row(const uint8_t *rgba, uint8_t *rgb, uint32_t width, const uint8_t bg[3]) {
    for (uint32_t x = 0; x < width; x++) {
        uint32_t a = rgba[4 * x + 3];
        for (int c = 0; c < 3; c++) {
            uint32_t v = rgba[4 * x + c] * a + bg[c] * (255 - a) + 127;
            rgb[3 * x + c] = (uint8_t)((v + (v >> 8) + 1) >> 8);  // exact v/255 for v < 65535+255
        }
    }
}

int vs_png_decode_rgb8(const uint8_t *data, size_t size, uint32_t width, uint32_t height,
                       uint8_t bg_r, uint8_t bg_g, uint8_t bg_b,
                       uint8_t *out, size_t out_len, char *err, size_t err_len) {
    vs_png_reader reader = {data, size, 0, 0, {0}};
    const uint8_t background[3] = {bg_r, bg_g, bg_b};
    if ((size_t)width * height * 3 != out_len) {
        vs_set_error(err, err_len, "output buffer does not match %ux%u RGB", width, height);
        return VS_ERR_MISMATCH;
    }
    png_structp png = vs_png_create(&reader);
    png_infop png_info = png ? png_create_info_struct(png) : NULL;
    if (png_info == NULL) {
        if (png) png_destroy_read_struct(&png, NULL, NULL);
        vs_set_error(err, err_len, "cannot create a libpng decoder");
        return VS_ERR_NOMEM;
    }
    // Touched after setjmp and freed on the error path, hence volatile.
    uint8_t *volatile scratch = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(scratch);
        free(rows);
        png_destroy_read_struct(&png, &png_info, NULL);
        return vs_png_fail(&reader, err, err_len);
    }
    png_read_info(png, png_info);
    if (png_get_image_width(png, png_info) != width || png_get_image_height(png, png_info) != height) {
        png_destroy_read_struct(&png, &png_info, NULL);
        vs_set_error(err, err_len, "PNG header changed between reads");
        return VS_ERR_MISMATCH;
    }
    int color_type = png_get_color_type(png, png_info);
    // Normalise everything to 8-bit RGB or RGBA: palette → RGB, gray < 8 bits → 8 bits,
    // tRNS → alpha channel, 16 bits → 8 bits (rounded), gray → RGB.
    png_set_expand(png);
    png_set_scale_16(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, png_info);
    int channels = png_get_channels(png, png_info);
    size_t row_bytes = png_get_rowbytes(png, png_info);
    if ((channels != 3 && channels != 4) || row_bytes != (size_t)width * channels) {
        png_destroy_read_struct(&png, &png_info, NULL);
        vs_set_error(err, err_len, "unexpected PNG layout after expansion (%d channels)", channels);
        return VS_ERR_CORRUPT;
    }
    if (channels == 3) {
        // Straight into the caller's buffer; interlaced images need every pass over every row.
        for (int pass = 0; pass < passes; pass++)
            for (uint32_t y = 0; y < height; y++) png_read_row(png, out + (size_t)y * width * 3, NULL);
    } else if (passes == 1) {
        scratch = malloc(row_bytes);
        if (scratch == NULL) goto nomem;
        for (uint32_t y = 0; y < height; y++) {
            png_read_row(png, scratch, NULL);
            vs_composite_row(scratch, out + (size_t)y * width * 3, width, background);
        }
    } else {
        // Adam7 with alpha: the later passes fill pixels in between, so keep the whole RGBA image.
        scratch = malloc(row_bytes * height);
        rows = malloc(sizeof(png_bytep) * height);
        if (scratch == NULL || rows == NULL) goto nomem;
        for (uint32_t y = 0; y < height; y++) rows[y] = scratch + row_bytes * y;
        png_read_image(png, rows);
        for (uint32_t y = 0; y < height; y++)
            vs_composite_row(rows[y], out + (size_t)y * width * 3, width, background);
    }
    free(scratch);
    free(rows);
    png_destroy_read_struct(&png, &png_info, NULL);
    return VS_OK;
nomem:
    free(scratch);
    free(rows);
    png_destroy_read_struct(&png, &png_info, NULL);
    vs_set_error(err, err_len, "cannot allocate PNG working memory for %ux%u", width, height);
    return VS_ERR_NOMEM;
}

typedef struct {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    int failed;
    char message[256];
} vs_png_writer;

static void vs_png_write_callback(png_structp png, png_bytep chunk, size_t count) {
    vs_png_writer *writer = (vs_png_writer *)png_get_io_ptr(png);
    if (count > writer->capacity - writer->length) {
        size_t capacity = writer->capacity ? writer->capacity : 65536;
        while (capacity - writer->length < count) capacity *= 2;
        uint8_t *grown = realloc(writer->bytes, capacity);
        if (grown == NULL) {
            writer->failed = 1;
            png_error(png, "out of memory while encoding PNG");
        }
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->length, chunk, count);
    writer->length += count;
}

static void vs_png_flush_callback(png_structp png) { (void)png; }

static void vs_png_write_error_callback(png_structp png, png_const_charp message) {
    vs_png_writer *writer = (vs_png_writer *)png_get_error_ptr(png);
    snprintf(writer->message, sizeof writer->message, "%s", message ? message : "unknown libpng error");
    png_longjmp(png, 1);
}

int vs_png_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height, int level,
                       uint8_t **out, size_t *out_len, char *err, size_t err_len) {
    *out = NULL;
    *out_len = 0;
    vs_png_writer writer = {NULL, 0, 0, 0, {0}};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, vs_png_write_error_callback,
                                              vs_png_warning_callback);
    png_infop png_info = png ? png_create_info_struct(png) : NULL;
    if (png_info == NULL) {
        if (png) png_destroy_write_struct(&png, NULL);
        vs_set_error(err, err_len, "cannot create a libpng encoder");
        return VS_ERR_NOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &png_info);
        free(writer.bytes);
        vs_set_error(err, err_len, "%s", writer.message[0] ? writer.message : "PNG encoding failed");
        return writer.failed ? VS_ERR_NOMEM : VS_ERR_CORRUPT;
    }
    png_set_write_fn(png, &writer, vs_png_write_callback, vs_png_flush_callback);
    png_set_compression_level(png, level < 0 ? 6 : (level > 9 ? 9 : level));
    png_set_IHDR(png, png_info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, png_info);
    for (uint32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + (size_t)y * width * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &png_info);
    *out = writer.bytes;
    *out_len = writer.length;
    return VS_OK;
}
