import PackagePlugin

/// Turns the `.sql` files of the target it is applied to into one Swift source file of string
/// literals, so migrations ship inside the binary rather than as a run-time resource bundle.
///
/// The `.sql` files are the target's own source files (the target is `migrations/`), which makes
/// SwiftPM re-run this command when a file is added, edited or deleted. A folder outside the target
/// is only re-read when the package graph changes (DESIGN §2).
@main
struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target.sourceModule else { return [] }
        let sqlFiles = module.sourceFiles
            .map(\.url)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(sqlFiles.count) migration(s) into \(target.name)",
                executable: try context.tool(named: "MigrationsEmbedder").url,
                arguments: [output.path()] + sqlFiles.map { $0.path() },
                inputFiles: sqlFiles,
                outputFiles: [output]
            )
        ]
    }
}
