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
