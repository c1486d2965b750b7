# Shared by the Swift targets' build scripts (sourced; run from the repository root).
#
# Swift harnesses compile the product's own source files straight into the fuzz binary with
# `swiftc -sanitize=fuzzer,address` (the package is not involved, so no product file changes for
# fuzzing). A module the files `import` is compiled first, instrumented too, as one object + module.
SWIFTC=${SWIFTC:-swiftc}
FUZZ_SWIFT_FLAGS=(-swift-version 6 -parse-as-library -gline-tables-only -O -sanitize=fuzzer,address)

# swift_module NAME OUTDIR [swiftc args and files...]: OUTDIR/NAME.swiftmodule and OUTDIR/NAME.o
swift_module() {
    local name=$1 out=$2
    shift 2
    mkdir -p "$out"
    "$SWIFTC" "${FUZZ_SWIFT_FLAGS[@]}" -wmo -module-name "$name" -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -I "$out" -c -o "$out/$name.o" "$@"
}

# swift_fuzzer OUTPUT MODULEDIR [swiftc args and files...]: links the fuzzer (libFuzzer supplies main).
swift_fuzzer() {
    local output=$1 modules=$2
    shift 2
    "$SWIFTC" "${FUZZ_SWIFT_FLAGS[@]}" -module-name FuzzTarget -use-ld=lld -I "$modules" -o "$output" "$@"
}

# c_module NAME OUTDIR SOURCES...: compiles a C target of the package (Sources/NAME, headers in its
# include/), instrumented, into OUTDIR/NAME.a, and writes OUTDIR/NAME.modulemap so Swift can `import NAME`.
c_module() {
    local name=$1 out=$2
    shift 2
    mkdir -p "$out/$name.objects"
    local objects=()
    for source in "$@"; do
        local object="$out/$name.objects/$(basename "$source" .c).o"
        "${CLANG:-/opt/swift/usr/bin/clang}" -g -O2 -fsanitize=fuzzer-no-link,address -I "Sources/$name/include" \
            -I Sources/CCPUFeatures/include -c "$source" -o "$object"
        objects+=("$object")
    done
    rm -f "$out/$name.a"
    ar rcs "$out/$name.a" "${objects[@]}"
    printf 'module %s {\n    header "%s"\n    export *\n}\n' "$name" "$(pwd)/Sources/$name/include/$name.h" > "$out/$name.modulemap"
}

# vector_index_dependencies OUTDIR: the modules VectorIndex imports (DurableFiles, Parallelism, and the
# C targets CPQKernels and CCPUFeatures); prints the swiftc arguments that link and find them.
vector_index_dependencies() {
    local out=$1
    swift_module DurableFiles "$out" Sources/DurableFiles/*.swift >&2
    swift_module Parallelism "$out" Sources/Parallelism/*.swift >&2
    c_module CCPUFeatures "$out" Sources/CCPUFeatures/*.c >&2
    c_module CPQKernels "$out" Sources/CPQKernels/*.c >&2
    echo "$out/DurableFiles.o $out/Parallelism.o $out/CPQKernels.a $out/CCPUFeatures.a" \
         "-Xcc -fmodule-map-file=$out/CPQKernels.modulemap -Xcc -fmodule-map-file=$out/CCPUFeatures.modulemap" \
         "-I Sources/CBLAS -lopenblas"
}
