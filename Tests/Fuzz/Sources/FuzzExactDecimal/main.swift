import FuzzSupport

runFuzzer { data, size in fuzzExactDecimal(data, size) }
