// Real market data for `portfolio-ledger demo`, embedded at build time by EmbedDataFilesPlugin as
// `EmbeddedDemoData.files`. Sources, licences and the slicing are in docs/data.md.
