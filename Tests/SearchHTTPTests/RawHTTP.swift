#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// A minimal HTTP/1.1 client over a plain TCP socket, for what test clients smooth over: chunked bodies
/// with no `Content-Length`, and requests in flight while the server shuts down. The blocking socket
/// calls run on a Dispatch thread, never on Swift's cooperative pool.
enum RawHTTP {
    struct Reply: Sendable {
        var status: Int
        var text: String
    }

    /// Sends `head` (request line and headers, ending with an empty line) and then each of `chunks`
    /// (already framed by the caller), ignoring write errors once the server has answered and closed;
    /// returns the status and the raw reply. `replyTimeout`: seconds the server may stay silent before the
    /// exchange fails as timed out (tests about cut-offs keep the default; a test whose own steps must run
    /// before the server can answer gives more, since a loaded suite can delay those steps for minutes).
    static func exchange(port: Int, head: String, chunks: [[UInt8]] = [], pause: Double = 0,
                         replyTimeout: Int = 90) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try blockingExchange(port: port, head: head, chunks: chunks, pause: pause, replyTimeout: replyTimeout)
                })
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The server neither answered nor closed the connection within the reply timeout.
        var timedOut = false
    }

    /// `pause`: seconds to wait before each chunk (a slow client); sending stops early once the server replies.
    private static func blockingExchange(port: Int, head: String, chunks: [[UInt8]], pause: Double, replyTimeout: Int) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: replyTimeout, tv_usec: 0)  // a loaded test run can take long; servers cut off sooner
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        /// Waits up to `seconds` for the server to have something to read (an early reply, or a close).
        func serverSpoke(within seconds: Double) -> Bool {
            var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            return poll(&probe, 1, Int32(seconds * 1000)) > 0
        }
        _ = send(Array(head.utf8))
        // Like a real client, stop sending once the server has answered: writing on after an early reply
        // and close makes the kernel reset the connection, which can discard the reply before it is read.
        for chunk in chunks {
            if serverSpoke(within: pause) || !send(chunk) { break }
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw Failure(description: "no reply and no close within \(replyTimeout) s", timedOut: true)
            }
            if n <= 0 { break }
            reply += buffer[0..<n]
            if let text = String(bytes: reply, encoding: .utf8), let end = text.range(of: "\r\n\r\n") {
                // Stop once the declared body has arrived (the connection may stay open).
                let headers = text[..<end.lowerBound].lowercased()
                if let line = headers.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                   let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                   text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length { break }
            }
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n").first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.dropFirst(9).prefix(3)) else { throw Failure(description: "no HTTP reply: \(text.prefix(200))") }
        return Reply(status: status, text: text)
    }

    /// A chunked-encoding frame of `bytes`.
    static func chunk(_ bytes: [UInt8]) -> [UInt8] { Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8) }
}
