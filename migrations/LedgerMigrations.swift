// The `migrations/` folder is a SwiftPM target so that its `.sql` files are the plugin's declared
// inputs (DESIGN §2). The generated `EmbeddedMigrations` enum is the whole public surface.
