// OpenBLAS (Debian libopenblas-dev): cblas_sgemm for convolutions-as-GEMM and k-means distances,
// plus openblas_set_num_threads so callers can pin BLAS threads (the index and the CNN pick their own).
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
