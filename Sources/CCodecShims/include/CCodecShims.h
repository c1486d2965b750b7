#ifndef CCODECSHIMS_H
#define CCODECSHIMS_H
// Placeholder: the foundation issue fills this with setjmp-guarded libpng/libjpeg entry points.
int vs_codec_shims_version(void);
#endif
