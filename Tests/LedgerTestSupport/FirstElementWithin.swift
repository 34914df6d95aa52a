import Foundation

/// The first element `sequence` delivers, or `nil` when it delivers none within `seconds` (or ends
/// first). Tests of change notification use it so that a missing notification fails the test with
/// a message instead of hanging the run.
public func firstElement<S: AsyncSequence & Sendable>(of sequence: S, within seconds: Double) async throws -> S.Element?
where S.Element: Sendable {
    try await withThrowingTaskGroup(of: S.Element?.self) { group in
        group.addTask {
            for try await element in sequence { return element }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
