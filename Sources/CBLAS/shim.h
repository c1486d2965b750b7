// OpenBLAS (Debian libopenblas-dev): cblas_sgemm for convolutions-as-GEMM and k-means distances,
// plus openblas_set_num_threads so callers can pin BLAS threads (the index and the CNN pick their own).
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

// LAPACK (built into Debian's libopenblas): the SVD behind OPQ's orthogonal Procrustes step
// (VectorIndex/Encoding/PQRotation.swift). Fortran ABI: column-major matrices, every argument by pointer,
// and the hidden length of the character argument last.
#include <stddef.h>
void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s, float *u,
             const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork, int *iwork, int *info,
             size_t jobz_length);
