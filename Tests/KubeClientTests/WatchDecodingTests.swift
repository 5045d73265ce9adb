import Foundation
import Testing
import ForgeCore
@testable import KubeClient

/// Watch streams arrive in arbitrary chunks; events must come out whole and in order.
@Suite struct WatchDecodingTests {
    let lines = [
        #"{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"},"spec":{"holderIdentity":"x"}}}"#,
        #"{"type":"BOOKMARK","object":{"kind":"Lease","metadata":{"resourceVersion":"9"}}}"#,
        #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 1 (9)"}}"#,
    ]

    @Test func linesSplitAcrossChunksAreReassembled() throws {
        let stream = Data((lines.joined(separator: "\n") + "\n").utf8)
        // Every chunk size from 1 byte up cuts lines at every possible place.
        for size in [1, 2, 3, 7, 50, 101, stream.count] {
            var buffer = WatchLineBuffer()
            var out: [String] = []
            var offset = 0
            while offset < stream.count {
                let chunk = stream.subdata(in: offset..<min(stream.count, offset + size))
                out += try buffer.append(chunk).map { String(decoding: $0, as: UTF8.self) }
                offset += size
            }
            #expect(out == lines, "chunk size \(size)")
            #expect(buffer.finish() == nil)
        }
    }

    @Test func lastLineWithoutNewlineAndBlankLines() throws {
        var buffer = WatchLineBuffer()
        let first = try buffer.append(Data("\n\r\n\(lines[0])\n\n\(lines[1])".utf8))
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == [lines[0]])
        #expect(buffer.finish().map { String(decoding: $0, as: UTF8.self) } == lines[1])
    }

    @Test func oversizedLineIsAnError() {
        var buffer = WatchLineBuffer(maxLineBytes: 10)
        #expect(throws: KubeClientError.self) { _ = try buffer.append(Data(repeating: 0x41, count: 11)) }
    }

    @Test func eventsDecodeByType() throws {
        let decoder = JSONDecoder()
        let added = try decoder.decode(WatchEnvelope<Lease>.self, from: Data(lines[0].utf8))
        guard case .added(let lease)? = added.event else { Issue.record("not added: \(added)"); return }
        #expect(lease.metadata.name == "a" && lease.spec.holderIdentity == "x")

        let bookmark = try decoder.decode(WatchEnvelope<Lease>.self, from: Data(lines[1].utf8))
        guard case .bookmark(let rv)? = bookmark.event else { Issue.record("not bookmark"); return }
        #expect(rv == "9")

        let error = try decoder.decode(WatchEnvelope<Lease>.self, from: Data(lines[2].utf8))
        guard case .error(let status)? = error.event else { Issue.record("not error"); return }
        #expect(status.code == 410 && status.isGone && status.reason == "Expired")

        let unknown = try decoder.decode(WatchEnvelope<Lease>.self, from: Data(#"{"type":"SOMETHING","object":{}}"#.utf8))
        #expect(unknown.event == nil)
    }

    @Test func streamDecoderYieldsEventsAndRejectsGarbage() async throws {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<Lease>, Error>.makeStream()
        let decoder = WatchStreamDecoder<Lease>(continuation: continuation)
        let text = lines[0] + "\n" + lines[1]
        #expect(decoder.consume(Data(text.prefix(40).utf8)))
        #expect(decoder.consume(Data(text.dropFirst(40).utf8)))
        try decoder.finish()
        #expect(decoder.delivered == 2)
        #expect(decoder.consume(Data("not json\n".utf8)) == false)
        #expect(decoder.error is KubeClientError)
        continuation.finish()
        var count = 0
        for try await _ in stream { count += 1 }
        #expect(count == 2)
    }
}
