import Testing
import Tensor

/// The AVX-512 kernels against the same naive loops as the AVX2 ones. On a CPU without AVX-512 the
/// suite is skipped and says so (the production path there is AVX2, tested by `KernelTests`).
@Suite(.enabled(if: KernelISA.isAVX512Supported, "this CPU has no AVX-512: the AVX-512 kernels are not tested here"))
struct AVX512KernelTests {
    @Test(arguments: [(3, 1), (3, 2), (5, 1), (5, 2)])
    func depthwiseMatchesNaiveLoops(kernel: Int, stride: Int) {
        KernelTests.checkDepthwise(kernel: kernel, stride: stride, isa: .avx512)
    }

    @Test func pointwiseMatchesNaiveLoopsWithBiasActivationAndResidual() {
        KernelTests.checkPointwise(isa: .avx512)
    }

    @Test(arguments: [(3, 2), (3, 1), (5, 2)])
    func denseConvolutionMatchesNaiveLoops(kernel: Int, stride: Int) {
        KernelTests.checkDense(kernel: kernel, stride: stride, isa: .avx512)
    }

    @Test(arguments: [(3, 1), (3, 2), (5, 1), (5, 2)])
    func invertedResidualMatchesLayerByLayer(kernel: Int, stride: Int) {
        InvertedResidualTests.check(kernel: kernel, stride: stride, isa: .avx512)
    }
}
