#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry point for programs that have their own `main` (from
/// `libclang_rt.fuzzer_no_main`, which run.sh links): parses libFuzzer's command line and calls
/// the callback with each input. See <https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library>.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) private var target: ((UnsafePointer<UInt8>, Int) -> CInt)?

/// Runs libFuzzer with this process's arguments on `testOneInput`, then exits with its status.
public func runFuzzer(_ testOneInput: @escaping (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
    target = testOneInput
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        // libFuzzer may pass a null pointer for the empty input.
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fallback in target!(data ?? fallback, size) }
    }
    exit(status)
}
