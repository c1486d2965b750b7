// FFmpeg's libraries from Debian (libavformat-dev, libavcodec-dev, libswscale-dev, libavutil-dev).
// Each static inline wrapper below exists because Swift cannot import the C construct it replaces.
#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/time.h>

/// AVERROR(EAGAIN): a function-like macro, invisible to Swift.
static inline int vs_averror_eagain(void) { return AVERROR(EAGAIN); }
/// AVERROR_EOF: built with FFERRTAG, a function-like macro.
static inline int vs_averror_eof(void) { return AVERROR_EOF; }
/// AV_NOPTS_VALUE: an INT64_C expression macro.
static inline int64_t vs_av_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE_Q: a compound-literal macro.
static inline AVRational vs_av_time_base_q(void) { return (AVRational){1, AV_TIME_BASE}; }

/// av_err2str is a macro over a compound literal; this copies the message into the caller's buffer.
static inline void vs_av_strerror(int code, char *buffer, size_t size) { av_strerror(code, buffer, size); }

/// An interrupt callback that aborts blocking I/O and demuxing once the deadline (microseconds of
/// av_gettime_relative, stored at *opaque) has passed: the per-file time limit for hostile inputs.
static inline int vs_deadline_interrupt(void *opaque) {
    const int64_t deadline = *(const int64_t *)opaque;
    return deadline > 0 && av_gettime_relative() > deadline;
}
static inline void vs_install_deadline(AVFormatContext *ctx, int64_t *deadline) {
    ctx->interrupt_callback.callback = vs_deadline_interrupt;
    ctx->interrupt_callback.opaque = deadline;
}

/// The display-matrix rotation of a stream in degrees (counter-clockwise), or 0 when absent.
static inline double vs_stream_rotation(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t)) return 0;
    double r = av_display_rotation_get((const int32_t *)matrix);
    return r != r ? 0 : r;  // NaN when the matrix is degenerate
}
