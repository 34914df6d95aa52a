import PackagePlugin

/// Turns the data files of the target it is applied to (`.sql` for migrations, `.csv` for the demo
/// data) into one Swift source file of string literals, so they ship inside the binary rather than
/// as a run-time resource bundle.
///
/// The `.sql` files are the target's own source files (the target is `migrations/`), which makes
/// SwiftPM re-run this command when a file is added, edited or deleted. A folder outside the target
/// is only re-read when the package graph changes (DESIGN §2).
@main
struct EmbedDataFilesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target.sourceModule else { return [] }
        // Migrations embed their .sql files; any other data target (the demo's bundled market
        // data) embeds its .csv files, under an enum named after the target.
        let (fileExtension, enumName) = target.name == "LedgerMigrations"
            ? ("sql", "EmbeddedMigrations") : ("csv", "Embedded\(target.name)")
        let files = module.sourceFiles
            .map(\.url)
            .filter { $0.pathExtension == fileExtension }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(enumName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) .\(fileExtension) file(s) into \(target.name)",
                executable: try context.tool(named: "DataFileEmbedder").url,
                arguments: [output.path(), enumName] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
