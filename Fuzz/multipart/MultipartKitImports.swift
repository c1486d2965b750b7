// Part of the instrumented MultipartKit module the multipart fuzzer builds: MultipartParser.swift uses
// Foundation's String(bytes:encoding:), which the package's module gets from its other files' imports.
import Foundation
