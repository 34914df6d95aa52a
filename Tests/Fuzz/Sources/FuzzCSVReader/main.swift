import FuzzSupport

runFuzzer { data, size in fuzzCSVReader(data, size) }
