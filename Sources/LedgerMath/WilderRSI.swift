/// Wilder's Relative Strength Index (J. Welles Wilder, *New Concepts in Technical Trading
/// Systems*, 1978), as StockCharts and TA-Lib compute it.
///
/// With changes `Δ_i = x_i − x_{i−1}`, gains `G_i = max(Δ_i, 0)` and losses `L_i = max(−Δ_i, 0)`:
/// - the first averages (at index `n`) are simple means of the first `n` gains and losses;
/// - after that, Wilder's smoothing: `avg_i = (avg_{i−1} × (n − 1) + current_i) / n`;
/// - `RS = avgGain / avgLoss`, `RSI = 100 − 100 / (1 + RS)`, in [0, 100].
///
/// `avgLoss = 0` gives 100 (by definition); when both averages are 0 (a flat series) the RSI is
/// undefined and reported as `nil`. Values are periods as given (no calendar filling). O(count).
public enum WilderRSI {
    /// One period's figures: the smoothed averages and the RSI, from index `period` on.
    public struct Point: Sendable, Hashable {
        public var averageGain: Double
        public var averageLoss: Double
        /// `nil` when both averages are 0.
        public var rsi: Double?
    }

    public enum InputError: Error, Sendable, Hashable, CustomStringConvertible {
        case periodTooShort(Int)
        case notFinite(index: Int)

        public var description: String {
            switch self {
            case .periodTooShort(let n): "the RSI period must be at least 1 (got \(n))"
            case .notFinite(let i): "value \(i) is not a finite number"
            }
        }
    }

    /// The RSI figures aligned with `values`: `nil` for the first `period` entries (not enough
    /// changes yet), then one ``Point`` per value.
    public static func series(_ values: [Double], period: Int = 14) throws(InputError) -> [Point?] {
        guard period >= 1 else { throw .periodTooShort(period) }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .notFinite(index: bad) }
        var result = [Point?](repeating: nil, count: values.count)
        guard values.count > period else { return result }
        var gain = 0.0, loss = 0.0
        for i in 1...period {
            let change = values[i] - values[i - 1]
            gain += max(change, 0)
            loss += max(-change, 0)
        }
        let n = Double(period)
        gain /= n
        loss /= n
        result[period] = point(gain, loss)
        var i = period + 1
        while i < values.count {
            let change = values[i] - values[i - 1]
            gain = (gain * (n - 1) + max(change, 0)) / n
            loss = (loss * (n - 1) + max(-change, 0)) / n
            result[i] = point(gain, loss)
            i += 1
        }
        return result
    }

    private static func point(_ gain: Double, _ loss: Double) -> Point {
        let rsi: Double? = if loss == 0 { gain == 0 ? nil : 100 } else { 100 - 100 / (1 + gain / loss) }
        return Point(averageGain: gain, averageLoss: loss, rsi: rsi)
    }
}
