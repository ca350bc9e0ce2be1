#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A whole file mapped into memory. Pages are read in when touched and can be dropped again by the kernel, so a
/// multi-gigabyte index costs the pages a query touches, not its size.
final class MappedFile: @unchecked Sendable {
    /// Why a file could not be mapped: the failing call and the system's reason.
    struct Failure: Error {
        let reason: String
    }

    /// The mapped bytes (empty, and unmapped, for an empty file). Read-only unless created writable.
    let bytes: UnsafeRawBufferPointer

    /// Maps an existing file read-only. `randomAccess` tells the kernel not to read ahead (suffix-array lookups
    /// jump around; read-ahead would only fill memory).
    init(reading path: String, randomAccess: Bool) throws(Failure) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure(reason: "open: \(Self.systemError())") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(reason: "fstat: \(Self.systemError())") }
        bytes = try Self.map(descriptor, size: Int(status.st_size), protection: PROT_READ)
        if randomAccess, let base = bytes.baseAddress {
            madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_RANDOM)
        }
    }

    /// Creates (or truncates) a file of `size` bytes and maps it writable and shared: what is written lands in
    /// the file.
    init(creating path: String, size: Int) throws(Failure) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw Failure(reason: "open: \(Self.systemError())") }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw Failure(reason: "ftruncate: \(Self.systemError())") }
        bytes = try Self.map(descriptor, size: size, protection: PROT_READ | PROT_WRITE)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// The bytes of a mapping created writable.
    var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(mutating: bytes) }

    private static func map(_ descriptor: Int32, size: Int, protection: Int32) throws(Failure) -> UnsafeRawBufferPointer
    {
        guard size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let base = mmap(nil, size, protection, MAP_SHARED, descriptor, 0)
        guard let base, base != MAP_FAILED else { throw Failure(reason: "mmap: \(systemError())") }
        return UnsafeRawBufferPointer(start: base, count: size)
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
