/// Sizes and repetitions of one benchmark run (`--quick` scales everything down).
struct Config {
    var quick = false
    var repetitions = 5
    /// Jobs to run (`--only insert,lookup`); empty = all.
    var only: Set<String> = []
    /// Keep generated files (`--keep`) for inspection, e.g. with the sqlite3 shell.
    var keep = false

    var insertRows: Int { quick ? 100_000 : 1_000_000 }
    var lookupSeries: Int { 100 }
    var observationsPerLookupSeries: Int { quick ? 1_000 : 10_000 }
    var lookups: Int { 100_000 }
    var xirrFlows: Int { 10_000 }
    var thetaEvaluations: Int { 1_000_000 }
    var importRows: Int { quick ? 100_000 : 1_000_000 }
    /// The synthetic ledger of the report job at 1× history.
    var reportShape: SyntheticLedger.Shape { quick ? .quick : .full }
    var reportScales: [Int] { [1, 2, 4] }

    static let jobs = ["insert", "lookup", "xirr", "theta", "import", "replay", "report", "refresh", "html"]

    func runs(_ job: String) -> Bool { only.isEmpty || only.contains(job) }

    static let usage = """
        usage: ledger-bench [--quick] [--repetitions N] [--only JOB[,JOB…]] [--keep]
          --quick            scaled-down sizes (about 10 s); prints every ratio
          --repetitions N    timed repetitions per side (default 5; the report job at most 3)
          --only JOBS        any of: \(jobs.joined(separator: ", "))
          --keep             keep the generated ledgers and CSV files (printed path)
        Build and run in release mode: swift run -c release ledger-bench [--quick]
        """

    static func parse(_ arguments: [String]) throws -> Config {
        var config = Config()
        var explicitRepetitions: Int?
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--quick": config.quick = true
            case "--keep": config.keep = true
            case "--repetitions":
                guard let value = iterator.next(), let n = Int(value), n > 0 else { throw BenchError.failed("--repetitions needs a positive number") }
                explicitRepetitions = n
            case "--only":
                guard let value = iterator.next() else { throw BenchError.failed("--only needs job names") }
                let names = Set(value.split(separator: ",").map(String.init))
                if let unknown = names.subtracting(jobs).first { throw BenchError.failed("unknown job '\(unknown)'") }
                config.only = names
            case "-h", "--help":
                print(usage)
                throw BenchError.failed("")
            default:
                throw BenchError.failed("unknown argument '\(argument)'\n\(usage)")
            }
        }
        config.repetitions = explicitRepetitions ?? 5
        return config
    }
}
