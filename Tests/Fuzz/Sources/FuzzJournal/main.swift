import FuzzSupport

runFuzzer { data, size in fuzzJournal(data, size) }
