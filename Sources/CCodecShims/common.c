#include "CCodecShims.h"
#include <stdlib.h>

void vs_free(void *pointer) { free(pointer); }
