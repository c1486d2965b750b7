/// Kernels of a BERT-style transformer encoder, on row-major `Float` buffers.
///
/// Every kernel works in place or into caller-provided memory and allocates nothing, so an encoder can
/// preallocate its scratch once per batch. A "row" is one token's vector; `rows × width` matrices are
/// stored contiguously (row stride = `width`) unless a stride argument says otherwise.
public enum TransformerKernels {}
