#include "CCodecShims.h"
int vs_codec_shims_version(void) { return 1; }
