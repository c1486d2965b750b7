// libjpeg-turbo entry points. Fatal errors, and the "premature end of data" warning (which libjpeg would
// otherwise paper over with grey), leave through `longjmp` to the `setjmp` in the function that made the
// decoder; the message is formatted into our context first.
#include "CCodecShims.h"
#include "shim_common.h"
#include <setjmp.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager;  // first member: libjpeg hands us a pointer to it
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    int status;
    int max_scans;
    char message[JMSG_LENGTH_MAX + 64];
} vs_jpeg_context;

static void vs_jpeg_error_exit(j_common_ptr cinfo) {
    vs_jpeg_context *context = (vs_jpeg_context *)cinfo->err;
    if (cinfo->err->msg_code == JERR_NO_BACKING_STORE) {
        // libjpeg-turbo has no backing store: a whole-image buffer (progressive or multi-scan files keep
        // every DCT coefficient of the image) over `max_memory_to_use` ends here, before it is allocated.
        snprintf(context->message, sizeof context->message,
                 "decoding needs more than the %ld-byte decoder memory limit (a progressive JPEG keeps all of "
                 "its coefficients in memory)", cinfo->mem != NULL ? cinfo->mem->max_memory_to_use : 0L);
        context->status = VS_ERR_LIMIT;
        longjmp(context->jump, 1);
    }
    char buffer[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, buffer);
    snprintf(context->message, sizeof context->message, "%s", buffer);
    context->status = VS_ERR_CORRUPT;
    longjmp(context->jump, 1);
}

static void vs_jpeg_emit_message(j_common_ptr cinfo, int level) {
    // level < 0 is a corrupt-data warning. Running out of data is fatal for us (a truncated upload must
    // not become a half-grey image); other warnings (extraneous bytes, ...) are tolerated as browsers do.
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        vs_jpeg_context *context = (vs_jpeg_context *)cinfo->err;
        snprintf(context->message, sizeof context->message, "file ends before the image data does (truncated)");
        context->status = VS_ERR_TRUNCATED;
        longjmp(context->jump, 1);
    }
    if (level < 0) cinfo->err->num_warnings++;
}

static void vs_jpeg_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    vs_jpeg_context *context = (vs_jpeg_context *)cinfo->err;
    j_decompress_ptr decompressor = (j_decompress_ptr)cinfo;
    if (decompressor->input_scan_number > context->max_scans) {
        snprintf(context->message, sizeof context->message,
                 "progressive JPEG has more than %d scans (refused as a decoding-time bomb)", context->max_scans);
        context->status = VS_ERR_LIMIT;
        longjmp(context->jump, 1);
    }
}

static void vs_jpeg_prepare(struct jpeg_decompress_struct *cinfo, vs_jpeg_context *context, int max_scans) {
    memset(context, 0, sizeof *context);
    cinfo->err = jpeg_std_error(&context->manager);
    context->manager.error_exit = vs_jpeg_error_exit;
    context->manager.emit_message = vs_jpeg_emit_message;
    context->progress.progress_monitor = vs_jpeg_progress;
    context->max_scans = max_scans;
}

static int vs_jpeg_valid_denominator(int denominator) {
    return denominator == 1 || denominator == 2 || denominator == 4 || denominator == 8;
}

// Everything up to and including `jpeg_calc_output_dimensions`. Must run inside the caller's setjmp.
static void vs_jpeg_start(struct jpeg_decompress_struct *cinfo, vs_jpeg_context *context,
                          const uint8_t *data, size_t size, int scale_denom, size_t max_memory) {
    jpeg_create_decompress(cinfo);
    cinfo->progress = &context->progress;
    // Bounds the whole-image buffers (virtual arrays) libjpeg would otherwise allocate without limit.
    if (max_memory > 0) cinfo->mem->max_memory_to_use = max_memory > (size_t)LONG_MAX ? LONG_MAX : (long)max_memory;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    cinfo->scale_num = 1;
    cinfo->scale_denom = (unsigned int)scale_denom;
    // CMYK and YCCK are decoded to CMYK and converted by us; everything else libjpeg-turbo turns into RGB.
    if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK)
        cinfo->out_color_space = JCS_CMYK;
    else
        cinfo->out_color_space = JCS_RGB;
    jpeg_calc_output_dimensions(cinfo);
}

int vs_jpeg_read_info(const uint8_t *data, size_t size, int scale_denom, vs_image_info *info,
                      char *err, size_t err_len) {
    memset(info, 0, sizeof *info);
    if (!vs_jpeg_valid_denominator(scale_denom)) {
        vs_set_error(err, err_len, "scale denominator %d is not 1, 2, 4 or 8", scale_denom);
        return VS_ERR_MISMATCH;
    }
    struct jpeg_decompress_struct cinfo;
    vs_jpeg_context context;
    vs_jpeg_prepare(&cinfo, &context, 1 << 30);
    if (setjmp(context.jump)) {
        jpeg_destroy_decompress(&cinfo);
        vs_set_error(err, err_len, "%s", context.message);
        return context.status;
    }
    vs_jpeg_start(&cinfo, &context, data, size, scale_denom, 0);
    info->width = cinfo.image_width;
    info->height = cinfo.image_height;
    info->bit_depth = cinfo.data_precision;
    info->color_type = (int32_t)cinfo.jpeg_color_space;
    info->interlaced = cinfo.progressive_mode ? 1 : 0;
    info->components = cinfo.num_components;
    info->adobe_marker = cinfo.saw_Adobe_marker ? 1 : 0;
    info->scaled_width = cinfo.output_width;
    info->scaled_height = cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    return VS_OK;
}

// CMYK → RGB. With an Adobe marker the samples are stored inverted (255 = no ink), so
// R = C'·K'/255; without it R = (255−C)(255−K)/255. Same for G (M) and B (Y).
static void vs_cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width, int inverted) {
    for (uint32_t x = 0; x < width; x++) {
        uint32_t k = inverted ? cmyk[4 * x + 3] : 255u - cmyk[4 * x + 3];
        for (int c = 0; c < 3; c++) {
            uint32_t ink = inverted ? cmyk[4 * x + c] : 255u - cmyk[4 * x + c];
            uint32_t v = ink * k + 127;
            rgb[3 * x + c] = (uint8_t)((v + (v >> 8) + 1) >> 8);
        }
    }
}

int vs_jpeg_decode_rgb8(const uint8_t *data, size_t size, int scale_denom, uint32_t out_width,
                        uint32_t out_height, int max_scans, size_t max_memory, uint8_t *out, size_t out_len,
                        char *err, size_t err_len) {
    if (!vs_jpeg_valid_denominator(scale_denom)) {
        vs_set_error(err, err_len, "scale denominator %d is not 1, 2, 4 or 8", scale_denom);
        return VS_ERR_MISMATCH;
    }
    if ((size_t)out_width * out_height * 3 != out_len) {
        vs_set_error(err, err_len, "output buffer does not match %ux%u RGB", out_width, out_height);
        return VS_ERR_MISMATCH;
    }
    struct jpeg_decompress_struct cinfo;
    vs_jpeg_context context;
    vs_jpeg_prepare(&cinfo, &context, max_scans > 0 ? max_scans : 1000);
    uint8_t *volatile scratch = NULL;  // freed on the error path, hence volatile
    if (setjmp(context.jump)) {
        free(scratch);
        jpeg_destroy_decompress(&cinfo);
        vs_set_error(err, err_len, "%s", context.message);
        return context.status;
    }
    vs_jpeg_start(&cinfo, &context, data, size, scale_denom, max_memory);
    if (cinfo.output_width != out_width || cinfo.output_height != out_height) {
        jpeg_destroy_decompress(&cinfo);
        vs_set_error(err, err_len, "JPEG output size changed between reads");
        return VS_ERR_MISMATCH;
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.out_color_space == JCS_RGB && cinfo.output_components == 3) {
        JSAMPROW rows[16];
        while (cinfo.output_scanline < cinfo.output_height) {
            JDIMENSION first = cinfo.output_scanline;
            JDIMENSION count = cinfo.output_height - first;
            if (count > 16) count = 16;
            for (JDIMENSION i = 0; i < count; i++) rows[i] = out + (size_t)(first + i) * out_width * 3;
            if (jpeg_read_scanlines(&cinfo, rows, count) == 0) break;
        }
    } else if (cinfo.out_color_space == JCS_CMYK && cinfo.output_components == 4) {
        scratch = malloc((size_t)out_width * 4);
        if (scratch == NULL) {
            jpeg_destroy_decompress(&cinfo);
            vs_set_error(err, err_len, "cannot allocate a JPEG row buffer");
            return VS_ERR_NOMEM;
        }
        while (cinfo.output_scanline < cinfo.output_height) {
            JDIMENSION y = cinfo.output_scanline;
            JSAMPROW row = scratch;
            if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
            vs_cmyk_row_to_rgb(scratch, out + (size_t)y * out_width * 3, out_width, cinfo.saw_Adobe_marker);
        }
    } else {
        jpeg_destroy_decompress(&cinfo);
        vs_set_error(err, err_len, "unsupported JPEG output layout (%d components)", cinfo.output_components);
        return VS_ERR_CORRUPT;
    }
    int complete = cinfo.output_scanline == cinfo.output_height;
    free(scratch);
    // No jpeg_finish_decompress: everything after the last scanline (trailing markers) is irrelevant.
    jpeg_destroy_decompress(&cinfo);
    if (!complete) {
        vs_set_error(err, err_len, "decoder stopped before the last row");
        return VS_ERR_TRUNCATED;
    }
    return VS_OK;
}

// The encoder's output buffer. Our own destination manager rather than `jpeg_mem_dest`: libjpeg-turbo's
// `empty_mem_output_buffer` frees the buffer it replaces while the caller's pointer still names it until
// `jpeg_finish_compress`, so freeing that pointer after an error freed it twice. Here the only owner of
// the buffer is this struct, and the error path frees exactly what it holds.
typedef struct {
    struct jpeg_destination_mgr manager;  // first member: libjpeg hands us a pointer to it
    uint8_t *buffer;
    size_t capacity;
    size_t max_output;  // 0: unbounded
} vs_jpeg_destination;

static void vs_jpeg_destination_init(j_compress_ptr cinfo) { (void)cinfo; }

static boolean vs_jpeg_destination_grow(j_compress_ptr cinfo) {
    vs_jpeg_destination *destination = (vs_jpeg_destination *)cinfo->dest;
    vs_jpeg_context *context = (vs_jpeg_context *)cinfo->err;
    // Called as soon as the buffer is full (libjpeg's emit_byte), so capacity is capped at one byte over
    // the limit: filling that byte means the output is over it.
    size_t used = destination->capacity;
    if (destination->max_output > 0 && used > destination->max_output) {
        snprintf(context->message, sizeof context->message, "JPEG output exceeds the limit of %zu bytes",
                 destination->max_output);
        context->status = VS_ERR_LIMIT;
        longjmp(context->jump, 1);
    }
    size_t capacity = used * 2;
    if (destination->max_output > 0 && capacity > destination->max_output + 1) capacity = destination->max_output + 1;
    uint8_t *grown = realloc(destination->buffer, capacity);
    if (grown == NULL) {  // the old buffer is still ours (and freed by the error path)
        snprintf(context->message, sizeof context->message, "cannot grow the JPEG output buffer to %zu bytes", capacity);
        context->status = VS_ERR_NOMEM;
        longjmp(context->jump, 1);
    }
    destination->buffer = grown;
    destination->capacity = capacity;
    destination->manager.next_output_byte = grown + used;
    destination->manager.free_in_buffer = capacity - used;
    return TRUE;
}

static void vs_jpeg_destination_term(j_compress_ptr cinfo) { (void)cinfo; }

int vs_jpeg_encode(const uint8_t *samples, uint32_t width, uint32_t height, int components, int quality,
                   int progressive, int ycck, uint8_t **out, size_t *out_len, char *err, size_t err_len) {
    return vs_jpeg_encode_limited(samples, width, height, components, quality, progressive, ycck, 0, out, out_len,
                                  err, err_len);
}

int vs_jpeg_encode_limited(const uint8_t *samples, uint32_t width, uint32_t height, int components, int quality,
                           int progressive, int ycck, size_t max_output, uint8_t **out, size_t *out_len,
                           char *err, size_t err_len) {
    *out = NULL;
    *out_len = 0;
    if (components != 1 && components != 3 && components != 4) {
        vs_set_error(err, err_len, "cannot encode %d components", components);
        return VS_ERR_MISMATCH;
    }
    struct jpeg_compress_struct cinfo;
    vs_jpeg_context context;
    memset(&context, 0, sizeof context);
    context.status = VS_ERR_CORRUPT;
    cinfo.err = jpeg_std_error(&context.manager);
    context.manager.error_exit = vs_jpeg_error_exit;
    vs_jpeg_destination destination;
    memset(&destination, 0, sizeof destination);
    destination.max_output = max_output;
    destination.capacity = max_output > 0 && max_output < 4096 ? max_output + 1 : 4096;
    destination.buffer = malloc(destination.capacity);
    if (destination.buffer == NULL) {
        vs_set_error(err, err_len, "cannot allocate the JPEG output buffer");
        return VS_ERR_NOMEM;
    }
    destination.manager.init_destination = vs_jpeg_destination_init;
    destination.manager.empty_output_buffer = vs_jpeg_destination_grow;
    destination.manager.term_destination = vs_jpeg_destination_term;
    destination.manager.next_output_byte = destination.buffer;
    destination.manager.free_in_buffer = destination.capacity;
    if (setjmp(context.jump)) {
        jpeg_destroy_compress(&cinfo);
        // The one live buffer: grow() keeps this field current. Read through a volatile lvalue: it changed
        // after setjmp, so an optimised build may otherwise free the value it held then (a double free).
        free(*(uint8_t *volatile *)&destination.buffer);
        vs_set_error(err, err_len, "%s", context.message);
        return context.status == VS_OK ? VS_ERR_CORRUPT : context.status;
    }
    jpeg_create_compress(&cinfo);
    cinfo.dest = &destination.manager;
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : (components == 3 ? JCS_RGB : JCS_CMYK);
    jpeg_set_defaults(&cinfo);
    if (components == 4) jpeg_set_colorspace(&cinfo, ycck ? JCS_YCCK : JCS_CMYK);  // writes an Adobe marker
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(samples + (size_t)cinfo.next_scanline * width * components);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    size_t length = destination.capacity - destination.manager.free_in_buffer;
    jpeg_destroy_compress(&cinfo);
    *out = destination.buffer;
    *out_len = length;
    return VS_OK;
}
