import Foundation
import Testing
@testable import KubeClient

/// The small replacements for full-Foundation API in KubeClient, checked against the
/// Foundation behaviour they replace (the tests may use full Foundation).
@Suite struct FoundationFreeHelpersTests {
    @Test(arguments: ["pod-1", "a b/c?d=e&f#g", "app=x,tier!=db", "ümlaut-✓", "~._-", "%41", ""])
    func pathSegmentEscapingMatchesFoundation(segment: String) {
        var unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        unreserved.insert(charactersIn: "-._~")
        #expect(escapePathSegment(segment) == segment.addingPercentEncoding(withAllowedCharacters: unreserved))
    }

    @Test(arguments: ["/a/b", "/a/b/", "/b", "a/b", "/", "./config", "../x/config"])
    func directoryMatchesNSString(path: String) {
        #expect(PathText.directory(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
    }

    /// (NSString traps on these two in String._startOfLastPathComponent, swift 6.3.1.)
    @Test func directoryOfABareNameIsEmpty() {
        #expect(PathText.directory(of: "") == "")
        #expect(PathText.directory(of: "config") == "")
    }

    @Test(arguments: [("/a", "x"), ("/a/", "x"), ("", "x"), ("a", "b/c"), ("/", "token")])
    func joinMatchesNSString(directory: String, name: String) {
        #expect(PathText.join(directory, name) == (directory as NSString).appendingPathComponent(name))
    }

    /// Every job runs when many arrive at once (new threads, reused idle ones).
    @Test func transferThreadsRunEveryJob() async {
        let threads = TransferThreads(linger: .milliseconds(50))
        let count = 40
        let done = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        threads.run { continuation.resume(returning: true) }
                    }
                }
            }
            var done = 0
            for await ok in group where ok { done += 1 }
            return done
        }
        #expect(done == count)
    }
}
